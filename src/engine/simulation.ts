import { EventQueue, type EventFn } from './event-queue.js';
import { MAX_EVENTS_AT_ONE_INSTANT, NoProgressError } from './no-progress.js';
import { RandomStreams } from './random.js';

/** A FIFO lane of the event list (see {@link Simulation.lane}). */
export type EventLane = number & { readonly __lane: unique symbol };

// A scheduling error is a bug in the model, not bad input: it throws a plain Error.
function requirePriority(priority: number): void {
  if (!Number.isSafeInteger(priority)) throw new Error(`priority must be an integer, got ${priority}`);
}

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
  /** The FIFO lane of each timer period: ticks of one period come in time order. */
  private readonly periodLanes = new Map<number, number>();

  constructor(seed: number) {
    this.random = new RandomStreams(seed);
  }

  get now(): number {
    return this.clock;
  }

  /** Events waiting in the event list. */
  get pending(): number {
    return this.queue.size;
  }

  /**
   * Whether an event scheduled now at `time` (priority 0) would run next: nothing waiting comes
   * before it. A model can then do that event's work at once, as long as the running event does
   * nothing after it.
   */
  wouldRunNext(time: number): boolean {
    return this.queue.wouldComeFirst(time, 0);
  }

  /** When the running event was scheduled (the clock then). */
  get scheduledAt(): number {
    return this.queue.takenScheduledAt;
  }

  /** When the event that scheduled the running one was itself scheduled. */
  get parentScheduledAt(): number {
    return this.queue.takenParentScheduledAt;
  }

  /** The running event's priority. */
  get priority(): number {
    return this.queue.takenPriority;
  }

  /** Events run so far. */
  get events(): number {
    return this.processed;
  }

  /**
   * Runs `fn(payload)` at absolute time `time` ≥ now. Events due at the same instant run
   * by `priority` (lower first, default 0), then in the order they were scheduled.
   * @throws Error if `time` is before now (or NaN), or `priority` is not an integer.
   */
  at<T>(time: number, fn: EventFn<T>, payload: T, priority = 0): void {
    // `!(≥)` also rejects NaN, which would corrupt the heap's order.
    if (!(time >= this.clock)) throw new Error(`event scheduled in the past: at ${time} s, now ${this.clock} s`);
    if (priority !== 0) requirePriority(priority);
    this.queue.push(time, fn, payload, priority);
  }

  /**
   * A lane for {@link atInOrder}: a stream of events whose times mostly come in order
   * (e.g. completions after a fixed service time) is then kept in a FIFO beside the heap.
   */
  lane(): EventLane {
    return this.queue.addLane() as EventLane;
  }

  /**
   * {@link at} (priority 0) through a lane: the same order of events, cheaper when the
   * lane's events come in time order (one out of order simply goes to the heap).
   * @throws Error if `time` is before now (or NaN).
   */
  atInOrder<T>(lane: EventLane, time: number, fn: EventFn<T>, payload: T): void {
    if (!(time >= this.clock)) throw new Error(`event scheduled in the past: at ${time} s, now ${this.clock} s`);
    const q = this.queue;
    q.inOrderTime = time;
    q.pushInOrderAtSetTime(lane, fn, payload);
  }

  /**
   * Runs `fn(payload)` after `delay` ≥ 0 seconds; same-instant order as {@link at}.
   * @throws Error if `delay` is negative (or NaN), or `priority` is not an integer.
   */
  after<T>(delay: number, fn: EventFn<T>, payload: T, priority = 0): void {
    if (!(delay >= 0)) throw new Error(`event scheduled in the past: after ${delay} s, now ${this.clock} s`);
    if (priority !== 0) requirePriority(priority);
    this.queue.push(this.clock + delay, fn, payload, priority);
  }

  /**
   * The lane of timers of one `period` (the one {@link every} uses): a chain of events that
   * each schedule the next one period on, as the revisions' decider ticks do, comes in time
   * order across all its chains, so {@link atInOrder} on it keeps them out of the heap.
   */
  periodLane(period: number): EventLane {
    let lane = this.periodLanes.get(period);
    if (lane === undefined) {
      lane = this.queue.addLane();
      this.periodLanes.set(period, lane);
    }
    return lane as EventLane;
  }

  /**
   * Calls `fn(payload)` at `first`, then every `period` seconds until `fn` returns false.
   * Tick times are computed as first + k × period, so they do not drift.
   */
  every<T>(first: number, period: number, fn: (payload: T) => boolean | void, payload: T): void {
    if (!(first >= this.clock)) throw new Error(`event scheduled in the past: every ${period} s from ${first} s, now ${this.clock} s`);
    if (!(period > 0)) throw new Error(`period must be > 0 s, got ${period}`);
    const l = this.periodLane(period);
    let k = 0;
    const tick = (): void => {
      if (fn(payload) === false) return;
      k++;
      this.queue.pushInOrder(l, first + k * period, tick, undefined);
    };
    this.queue.pushInOrder(l, first, tick, undefined);
  }

  /**
   * Runs every event with time ≤ `until`, then leaves the clock at `until`.
   * @throws NoProgressError when more than maxEventsAtOneInstant events run without the clock moving.
   */
  run(until: number): void {
    const q = this.queue;
    let sameInstant = 0;
    for (;;) {
      const fn = q.takeDue(until) as EventFn<unknown> | undefined;
      if (fn === undefined) break;
      const t = q.takenTime;
      if (t !== this.clock) sameInstant = 0;
      else if (++sameInstant > this.maxEventsAtOneInstant) throw new NoProgressError(t, sameInstant - 1);
      this.clock = t;
      this.processed++;
      // takenPayload is overwritten by the next takeDue(), so it keeps at most one payload alive.
      fn(q.takenPayload);
    }
    if (until > this.clock) {
      this.clock = until;
      q.now = until;
    }
  }
}
