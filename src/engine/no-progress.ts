/**
 * The run loop's guard against a loop in zero simulated time (e.g. a closed-loop user
 * with think time 0 against a service time of 0 and no ingress latency): such a loop
 * never moves the clock, so the run would never end and its memory would grow.
 */

/** Events allowed at one instant before the run is stopped: far above any real burst (every pod and user at once). */
export const MAX_EVENTS_AT_ONE_INSTANT = 10_000_000;

export class NoProgressError extends Error {
  override readonly name = 'NoProgressError';
  constructor(
    /** The simulated time the clock stuck at, seconds. */
    readonly atSeconds: number,
    /** Events run at that instant. */
    readonly events: number,
  ) {
    super(`simulated time stopped advancing at ${atSeconds} s: ${events} events without the clock moving`);
  }
}
