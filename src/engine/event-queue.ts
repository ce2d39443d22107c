import FastPriorityQueue from 'fastpriorityqueue';

/** A callback run at an event's time with the payload it was scheduled with. */
export type EventFn<T = unknown> = (payload: T) => void;

/** One scheduled event. Ties in time run in scheduling order (seq), which keeps runs deterministic. */
export interface SimEvent {
  time: number;
  seq: number;
  fn: EventFn<never>;
  payload: unknown;
}

function earlier(a: SimEvent, b: SimEvent): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/**
 * The future event list: a binary heap ordered by (time, seq). Cancelled work is
 * handled by the owner (a stale event checks its own state and returns), which is
 * cheaper than removing from the heap.
 */
export class EventQueue {
  private readonly heap = new FastPriorityQueue<SimEvent>(earlier);
  private seq = 0;

  push<T>(time: number, fn: EventFn<T>, payload: T): void {
    this.heap.add({ time, seq: this.seq++, fn: fn as EventFn<never>, payload });
  }

  pop(): SimEvent | undefined {
    return this.heap.poll();
  }

  peekTime(): number {
    const e = this.heap.peek();
    return e === undefined ? Number.POSITIVE_INFINITY : e.time;
  }

  get size(): number {
    return this.heap.size;
  }
}
