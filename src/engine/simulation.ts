import { EventQueue, type EventFn } from './event-queue.js';
import { MAX_EVENTS_AT_ONE_INSTANT, NoProgressError } from './no-progress.js';
import { RandomStreams } from './random.js';

/**
 * The DES kernel: a virtual clock, the future event list and the run loop.
 * Nothing here reads the wall clock; `now` only moves when an event is taken.
 */
export class Simulation {
  private readonly queue = new EventQueue();
  readonly random: RandomStreams;
  private clock = 0;
  private processed = 0;
  /** Events allowed at one instant before {@link run} stops with a NoProgressError. */
  maxEventsAtOneInstant = MAX_EVENTS_AT_ONE_INSTANT;

  constructor(seed: number) {
    this.random = new RandomStreams(seed);
  }

  get now(): number {
    return this.clock;
  }

  /** Events run so far. */
  get events(): number {
    return this.processed;
  }

  /** Runs `fn(payload)` at absolute time `time` (never earlier than now). */
  at<T>(time: number, fn: EventFn<T>, payload: T): void {
    this.queue.push(time < this.clock ? this.clock : time, fn, payload);
  }

  /** Runs `fn(payload)` after `delay` seconds. */
  after<T>(delay: number, fn: EventFn<T>, payload: T): void {
    this.queue.push(this.clock + (delay > 0 ? delay : 0), fn, payload);
  }

  /**
   * Calls `fn(payload)` at `first`, then every `period` seconds until `fn` returns false.
   * Tick times are computed as first + k × period, so they do not drift.
   */
  every<T>(first: number, period: number, fn: (payload: T) => boolean | void, payload: T): void {
    let k = 0;
    const tick = (): void => {
      if (fn(payload) === false) return;
      k++;
      this.queue.push(first + k * period, tick, undefined);
    };
    this.queue.push(first, tick, undefined);
  }

  /**
   * Runs every event with time ≤ `until`, then leaves the clock at `until`.
   * @throws NoProgressError when more than maxEventsAtOneInstant events run without the clock moving.
   */
  run(until: number): void {
    const q = this.queue;
    let sameInstant = 0;
    while (q.peekTime() <= until) {
      const t = q.peekTime();
      if (t !== this.clock) sameInstant = 0;
      else if (++sameInstant > this.maxEventsAtOneInstant) throw new NoProgressError(t, sameInstant - 1);
      this.clock = t;
      const fn = q.topFn() as EventFn<unknown>;
      const payload = q.topPayload();
      q.removeTop();
      this.processed++;
      fn(payload);
    }
    if (until > this.clock) this.clock = until;
  }
}
