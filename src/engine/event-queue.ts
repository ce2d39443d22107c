/** A callback run at an event's time with the payload it was scheduled with. */
export type EventFn<T = unknown> = (payload: T) => void;

interface SimEvent {
  time: number;
  priority: number;
  seq: number;
  /** The clock when it was scheduled, and when the event that scheduled it was (see {@link EventQueue.takenScheduledAt}). */
  scheduledAt: number;
  parentScheduledAt: number;
  fn: EventFn<never>;
  payload: unknown;
}

/** Earlier time first; same-instant ties by priority, then scheduling order. */
function before(a: SimEvent, b: SimEvent): boolean {
  return a.time < b.time || (a.time === b.time && (a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq)));
}

/**
 * A first-in-first-out lane beside the heap, for a stream of events whose times mostly come
 * in order (completions after a fixed service time, periodic ticks of one period). An event
 * joins the lane only if it comes at or after the lane's last one; otherwise it goes to the heap.
 */
class Lane {
  buf: SimEvent[] = new Array<SimEvent>(16);
  head = 0;
  count = 0;
  /** The last event appended (the lane's latest), while count > 0. */
  tailTime = 0;
  tailPriority = 0;

  push(e: SimEvent): void {
    if (this.count === this.buf.length) this.grow();
    this.buf[(this.head + this.count) & (this.buf.length - 1)] = e;
    this.count++;
    this.tailTime = e.time;
    this.tailPriority = e.priority;
  }

  shift(): SimEvent {
    const e = this.buf[this.head]!;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.count--;
    return e;
  }

  private grow(): void {
    const next = new Array<SimEvent>(this.buf.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.buf[(this.head + i) & (this.buf.length - 1)]!;
    this.buf = next;
    this.head = 0;
  }
}

/** Where the earliest event is: not known yet, the heap, or a lane (its index ≥ 0). */
const UNKNOWN = -2;
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
  private nextSeq = 0;
  private count = 0;
  /** The source of the earliest event, as the last peekTime() found it (UNKNOWN after a change). */
  private selected = UNKNOWN;
  /** Spent event records, reused so a run does not allocate one per event. */
  private readonly free: SimEvent[] = [];
  /** The clock, for stamping when events are scheduled: the last taken event's time, or what the owner sets between runs. */
  now = 0;

  get size(): number {
    return this.count;
  }

  /** Adds an event; among events at the same `time`, a lower `priority` comes out first. */
  push<T>(time: number, fn: EventFn<T>, payload: T, priority = 0): void {
    this.heapPush(this.record(time, fn, payload, priority));
  }

  /** A new lane for {@link pushInOrder}; returns its number. */
  addLane(): number {
    this.lanes.push(new Lane());
    return this.lanes.length - 1;
  }

  /** Adds an event (priority 0) to `lane` if it comes at or after the lane's latest, else to the heap. */
  pushInOrder<T>(lane: number, time: number, fn: EventFn<T>, payload: T): void {
    const e = this.record(time, fn, payload, 0);
    const l = this.lanes[lane]!;
    if (l.count === 0 || time > l.tailTime || (time === l.tailTime && l.tailPriority <= 0)) l.push(e);
    else this.heapPush(e);
  }

  /** Time of the earliest event, ∞ when empty. */
  peekTime(): number {
    let best: SimEvent | undefined = this.heapSize > 0 ? this.heap[0] : undefined;
    let src = HEAP;
    const lanes = this.lanes;
    for (let i = 0; i < lanes.length; i++) {
      const l = lanes[i]!;
      if (l.count === 0) continue;
      const e = l.buf[l.head]!;
      if (best === undefined || before(e, best)) {
        best = e;
        src = i;
      }
    }
    if (best === undefined) {
      this.selected = UNKNOWN;
      return Number.POSITIVE_INFINITY;
    }
    this.selected = src;
    return best.time;
  }

  /** The earliest event's callback (valid until the next push or removeTop). */
  topFn(): EventFn<never> {
    return this.top().fn;
  }

  topPayload(): unknown {
    return this.top().payload;
  }

  /** The callback and payload of the event {@link take} removed last. */
  takenFn: EventFn<never> | undefined = undefined;
  takenPayload: unknown = undefined;
  /**
   * When the event {@link take} removed last was scheduled, when the event that scheduled it
   * was, and its priority: a model that works out a periodic timer's ticks on demand instead
   * of running them needs these to tell whether such a tick would have come before this
   * event at the same instant.
   */
  takenScheduledAt = 0;
  takenParentScheduledAt = 0;
  takenPriority = 0;

  /**
   * Removes the event peekTime() just selected (no push since) into takenFn and
   * takenPayload: the run loop's one call per event instead of three.
   */
  take(): void {
    const src = this.selected;
    const e = src === HEAP ? this.heapPop() : this.lanes[src]!.shift();
    this.count--;
    this.selected = UNKNOWN;
    this.now = e.time;
    this.takenFn = e.fn;
    this.takenPayload = e.payload;
    this.takenScheduledAt = e.scheduledAt;
    this.takenParentScheduledAt = e.parentScheduledAt;
    this.takenPriority = e.priority;
    e.payload = undefined; // do not keep a finished request alive
    this.free.push(e);
  }

  /** Drops the earliest event. */
  removeTop(): void {
    if (this.selected === UNKNOWN) this.peekTime();
    const src = this.selected;
    const e = src === HEAP ? this.heapPop() : this.lanes[src]!.shift();
    this.count--;
    this.selected = UNKNOWN;
    e.payload = undefined; // do not keep a finished request alive
    this.free.push(e);
  }

  private top(): SimEvent {
    if (this.selected === UNKNOWN) this.peekTime();
    const src = this.selected;
    if (src === HEAP) return this.heap[0]!;
    const l = this.lanes[src]!;
    return l.buf[l.head]!;
  }

  private record(time: number, fn: EventFn<never> | EventFn<unknown>, payload: unknown, priority: number): SimEvent {
    this.count++;
    this.selected = UNKNOWN;
    const e = this.free.pop();
    if (e === undefined) return { time, priority, seq: this.nextSeq++, scheduledAt: this.now, parentScheduledAt: this.takenScheduledAt, fn: fn as EventFn<never>, payload };
    e.time = time;
    e.priority = priority;
    e.seq = this.nextSeq++;
    e.scheduledAt = this.now;
    e.parentScheduledAt = this.takenScheduledAt;
    e.fn = fn as EventFn<never>;
    e.payload = payload;
    return e;
  }

  private heapPush(e: SimEvent): void {
    const h = this.heap;
    let i = this.heapSize++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = h[p]!;
      if (!before(e, pe)) break;
      h[i] = pe;
      i = p;
    }
    h[i] = e;
  }

  private heapPop(): SimEvent {
    const h = this.heap;
    const top = h[0]!;
    const n = --this.heapSize;
    if (n === 0) return top;
    const last = h[n]!;
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
