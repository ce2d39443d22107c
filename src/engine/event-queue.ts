/** A callback run at an event's time with the payload it was scheduled with. */
export type EventFn<T = unknown> = (payload: T) => void;

const noop: EventFn<never> = () => {};

/**
 * A heap record. Its time fields start as NaN, so V8 stores them as doubles from the first
 * record on: records built from the clock's first value (the small integer 0) would store
 * small integers until the first fractional time, which then deprecates their shape (every
 * record migrates) and can deoptimise the code that reads them, early in every run.
 */
class SimEvent {
  time = Number.NaN;
  priority = 0;
  seq = 0;
  /** The clock when it was scheduled, and when the event that scheduled it was (see EventQueue.takenScheduledAt). */
  scheduledAt = Number.NaN;
  parentScheduledAt = Number.NaN;
  fn: EventFn<never> = noop;
  payload: unknown = undefined;
}

/** Earlier time first; same-instant ties by priority, then scheduling order. */
function before(a: SimEvent, b: SimEvent): boolean {
  return a.time < b.time || (a.time === b.time && (a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq)));
}

/**
 * A first-in-first-out lane beside the heap, for a stream of events whose times mostly come
 * in order (completions after a fixed service time, periodic ticks of one period). An event
 * joins the lane only if it comes at or after the lane's last one; otherwise it goes to the heap.
 * Its events all have priority 0 and are kept in a ring of parallel arrays, not as records:
 * a lane event costs a few array stores and no allocation.
 */
class Lane {
  times = new Float64Array(16);
  seqs = new Float64Array(16);
  scheduled = new Float64Array(16);
  parents = new Float64Array(16);
  // Filled, so the arrays stay packed (holes would slow every read).
  fns = new Array<EventFn<never>>(16).fill(noop);
  payloads = new Array<unknown>(16).fill(undefined);
  mask = 15;
  head = 0;
  count = 0;
  /** The time of the last event appended (the lane's latest), while count > 0 (NaN: kept a double, see SimEvent). */
  tailTime = Number.NaN;
  /** The time of the first event, ∞ when empty: the run loop reads it for every event. */
  headTime = Number.POSITIVE_INFINITY;
  /**
   * The next lane in EventQueue's list (undefined: the last). The run loop walks the lanes
   * through this field: every value stored in it is a Lane, so V8 knows what it loads and
   * checks nothing, where reading lanes[i] checked the array's map, its length, the index and
   * the element's map, for every lane and every event.
   */
  next: Lane | undefined = undefined;

  constructor(readonly index: number) {}

  /** Makes room for one more event (EventQueue.pushInOrder appends it). */
  grow(): void {
    const n = this.times.length;
    const times = new Float64Array(2 * n);
    const seqs = new Float64Array(2 * n);
    const scheduled = new Float64Array(2 * n);
    const parents = new Float64Array(2 * n);
    const fns = new Array<EventFn<never>>(2 * n).fill(noop);
    const payloads = new Array<unknown>(2 * n).fill(undefined);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & this.mask;
      times[k] = this.times[i]!;
      seqs[k] = this.seqs[i]!;
      scheduled[k] = this.scheduled[i]!;
      parents[k] = this.parents[i]!;
      fns[k] = this.fns[i]!;
      payloads[k] = this.payloads[i];
    }
    this.times = times;
    this.seqs = seqs;
    this.scheduled = scheduled;
    this.parents = parents;
    this.fns = fns;
    this.payloads = payloads;
    this.mask = 2 * n - 1;
    this.head = 0;
  }
}

/** Where the earliest event is: nowhere (empty), the heap, or a lane (its index ≥ 0). */
const NONE = -2;
const HEAP = -1;

/**
 * The future event list, ordered by (time, priority, seq), which keeps runs deterministic:
 * a binary heap plus a few FIFO lanes, merged when taking the earliest. Every structure is
 * sorted by that key, so where an event is kept never changes the order events run in; a
 * lane only makes an in-order stream cost O(1) instead of a heap insert and removal.
 * Cancelled work is handled by its owner (a stale event checks its own state and returns),
 * which is cheaper than deleting from the heap; long timeouts are kept out of it altogether
 * (see model/deadlines.ts), so it stays small.
 */
export class EventQueue {
  private readonly heap: SimEvent[] = [];
  private heapSize = 0;
  private readonly lanes: Lane[] = [];
  /** lanes[0], the head of their list through Lane.next. */
  private firstLane: Lane | undefined = undefined;
  private nextSeq = 0;
  private count = 0;
  /** The clock, for stamping when events are scheduled: the last taken event's time, or what the owner sets between runs. */
  now = 0;

  get size(): number {
    return this.count;
  }

  /** Adds an event; among events at the same `time`, a lower `priority` comes out first. */
  push<T>(time: number, fn: EventFn<T>, payload: T, priority = 0): void {
    this.count++;
    this.heapPush(time, priority, fn as EventFn<never>, payload);
  }

  /** A new lane for {@link pushInOrder}; returns its number. */
  addLane(): number {
    const lane = new Lane(this.lanes.length);
    if (this.firstLane === undefined) this.firstLane = lane;
    else this.lanes[this.lanes.length - 1]!.next = lane;
    this.lanes.push(lane);
    return lane.index;
  }

  /** Adds an event (priority 0) to `lane` if it comes at or after the lane's latest, else to the heap. */
  pushInOrder<T>(lane: number, time: number, fn: EventFn<T>, payload: T): void {
    this.inOrderTime = time;
    this.pushInOrderAtSetTime(lane, fn, payload);
  }

  /**
   * The time of the event {@link pushInOrderAtSetTime} adds. Callers on the request path set it
   * here rather than pass it: a double passed to a call that is not inlined is boxed in a new
   * heap number (two per request in `steady-1h`: its arrival and its completion), a field store is not.
   */
  inOrderTime = Number.NaN;

  /** {@link pushInOrder} at {@link inOrderTime}. */
  pushInOrderAtSetTime<T>(lane: number, fn: EventFn<T>, payload: T): void {
    const time = this.inOrderTime;
    this.count++;
    const l = this.lanes[lane]!;
    // A lane holds priority-0 events only, so a tie with its latest keeps scheduling order.
    if (!(l.count === 0 || time >= l.tailTime)) {
      this.heapPush(time, 0, fn as EventFn<never>, payload);
      return;
    }
    // Appended here, not by a Lane method: a call that is not inlined boxes each double it is passed.
    if (l.count > l.mask) l.grow();
    const i = (l.head + l.count) & l.mask;
    l.times[i] = time;
    l.seqs[i] = this.nextSeq++;
    l.scheduled[i] = this.now;
    l.parents[i] = this.takenScheduledAt;
    l.fns[i] = fn as EventFn<never>;
    l.payloads[i] = payload;
    if (l.count++ === 0) l.headTime = time;
    l.tailTime = time;
  }

  /** Time of the earliest event, ∞ when empty. */
  peekTime(): number {
    return this.select() === NONE ? Number.POSITIVE_INFINITY : this.selectedTime;
  }

  /**
   * Whether an event pushed now at `time` with `priority` would be the next one taken: no
   * waiting event comes before it (a waiting one at the same time and priority does, being older).
   */
  wouldComeFirst(time: number, priority: number): boolean {
    const src = this.select();
    if (src === NONE) return true;
    const t = this.selectedTime;
    if (t !== time) return t > time;
    return (src === HEAP ? this.heap[0]!.priority : 0) > priority;
  }

  /** The earliest event's payload (undefined when empty). */
  topPayload(): unknown {
    const src = this.select();
    if (src === HEAP) return this.heap[0]!.payload;
    if (src === NONE) return undefined;
    const l = this.lanes[src]!;
    return l.payloads[l.head];
  }

  /** Drops the earliest event. */
  removeTop(): void {
    if (this.takeDue(Number.POSITIVE_INFINITY) !== undefined) this.takenPayload = undefined;
  }

  /** The time and payload of the event {@link takeDue} removed last. */
  takenTime = 0;
  takenPayload: unknown = undefined;
  /**
   * When the event {@link takeDue} removed last was scheduled, when the event that scheduled it
   * was, and its priority: a model that works out a periodic timer's ticks on demand instead
   * of running them needs these to tell whether such a tick would have come before this
   * event at the same instant (model/queue-proxy-stats.ts).
   */
  takenScheduledAt = 0;
  takenParentScheduledAt = 0;
  takenPriority = 0;

  /**
   * Removes the earliest event if it is due by `until`: returns its callback and leaves its
   * time and payload in takenTime and takenPayload (undefined, removing nothing, when no
   * event is due). The run loop's one call per event.
   */
  takeDue(until: number): EventFn<never> | undefined {
    const src = this.select();
    if (src === NONE || this.selectedTime > until) return undefined;
    this.takenTime = this.selectedTime;
    this.now = this.selectedTime;
    this.count--;
    if (src === HEAP) {
      const e = this.heapPop();
      this.takenScheduledAt = e.scheduledAt;
      this.takenParentScheduledAt = e.parentScheduledAt;
      this.takenPriority = e.priority;
      this.takenPayload = e.payload;
      e.payload = undefined; // do not keep a finished request alive
      return e.fn;
    }
    const l = this.lanes[src]!;
    const h = l.head;
    this.takenScheduledAt = l.scheduled[h]!;
    this.takenParentScheduledAt = l.parents[h]!;
    this.takenPriority = 0;
    this.takenPayload = l.payloads[h];
    l.payloads[h] = undefined;
    l.head = (h + 1) & l.mask;
    l.headTime = --l.count === 0 ? Number.POSITIVE_INFINITY : l.times[l.head]!;
    return l.fns[h];
  }

  /** The time of the event select() found last. */
  private selectedTime = 0;

  /** Where the earliest event is (HEAP, a lane's index, or NONE); its time goes to selectedTime. */
  private select(): number {
    let src = NONE;
    let time = Number.POSITIVE_INFINITY;
    let priority = 0;
    let seq = 0;
    if (this.heapSize > 0) {
      const e = this.heap[0]!;
      src = HEAP;
      time = e.time;
      priority = e.priority;
      seq = e.seq;
    }
    for (let l = this.firstLane; l !== undefined; l = l.next) {
      const t = l.headTime; // ∞ when empty
      // A lane event has priority 0; an empty lane never wins a tie at ∞.
      if (t < time || (t === time && l.count > 0 && (src === NONE || 0 < priority || (priority === 0 && l.seqs[l.head]! < seq)))) {
        src = l.index;
        time = t;
        priority = 0;
        seq = l.seqs[l.head]!;
      }
    }
    this.selectedTime = time;
    return src;
  }

  /**
   * The heap array holds spent records past heapSize (heapPop leaves the one it removes in
   * the slot it frees): a push reuses one, so a run does not allocate one per event.
   */
  private heapPush(time: number, priority: number, fn: EventFn<never>, payload: unknown): void {
    const h = this.heap;
    let i = this.heapSize++;
    let e = h[i];
    if (e === undefined) {
      e = new SimEvent();
    }
    e.time = time;
    e.priority = priority;
    e.seq = this.nextSeq++;
    e.scheduledAt = this.now;
    e.parentScheduledAt = this.takenScheduledAt;
    e.fn = fn;
    e.payload = payload;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = h[p]!;
      if (!before(e, pe)) break;
      h[i] = pe;
      i = p;
    }
    h[i] = e;
  }

  /** Removes the earliest record; it stays valid until the next push, which reuses it. */
  private heapPop(): SimEvent {
    const h = this.heap;
    const top = h[0]!;
    const n = --this.heapSize;
    if (n === 0) return top;
    const last = h[n]!;
    h[n] = top;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ce = h[c]!;
      if (c + 1 < n) {
        const r = h[c + 1]!;
        if (before(r, ce)) {
          c++;
          ce = r;
        }
      }
      if (!before(ce, last)) break;
      h[i] = ce;
      i = c;
    }
    h[i] = last;
    return top;
  }
}
