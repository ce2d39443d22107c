import FastPriorityQueue from 'fastpriorityqueue';

/** A callback run at an event's time with the payload it was scheduled with. */
export type EventFn<T = unknown> = (payload: T) => void;

interface SimEvent {
  time: number;
  priority: number;
  seq: number;
  fn: EventFn<never>;
  payload: unknown;
}

/** Earlier time first; same-instant ties by priority, then scheduling order (fastpriorityqueue itself is not stable). */
function earlier(a: SimEvent, b: SimEvent): boolean {
  return a.time < b.time || (a.time === b.time && (a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq)));
}

/**
 * The future event list: a binary heap ordered by (time, priority, seq), which keeps runs
 * deterministic. Cancelled work is handled by its owner (a stale event checks its own
 * state and returns), which is cheaper than deleting from the heap; long timeouts are
 * kept out of it altogether (see model/deadlines.ts), so it stays small.
 */
export class EventQueue {
  private readonly heap = new FastPriorityQueue<SimEvent>(earlier);
  private nextSeq = 0;
  /** Spent event records, reused so a run does not allocate one per event. */
  private readonly free: SimEvent[] = [];

  get size(): number {
    return this.heap.size;
  }

  /** Adds an event; among events at the same `time`, a lower `priority` comes out first. */
  push<T>(time: number, fn: EventFn<T>, payload: T, priority = 0): void {
    const e = this.free.pop();
    if (e === undefined) {
      this.heap.add({ time, priority, seq: this.nextSeq++, fn: fn as EventFn<never>, payload });
      return;
    }
    e.time = time;
    e.priority = priority;
    e.seq = this.nextSeq++;
    e.fn = fn as EventFn<never>;
    e.payload = payload;
    this.heap.add(e);
  }

  /** Time of the earliest event, ∞ when empty. */
  peekTime(): number {
    const e = this.heap.peek();
    return e === undefined ? Number.POSITIVE_INFINITY : e.time;
  }

  /** The earliest event's callback (valid until the next push or removeTop). */
  topFn(): EventFn<never> {
    return this.heap.peek()!.fn;
  }

  topPayload(): unknown {
    return this.heap.peek()!.payload;
  }

  /** Drops the earliest event. */
  removeTop(): void {
    const e = this.heap.poll()!;
    e.payload = undefined; // do not keep a finished request alive
    this.free.push(e);
  }
}
