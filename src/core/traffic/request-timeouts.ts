/**
 * The request timeouts of the activator's and the queue-proxy's timeout handler
 * (knative/serving pkg/http/handler/timeout.go) for a response the app streams: timers started
 * as the handler takes the request, each ending it with 504 unless the response is done first.
 *
 * - `timeoutSeconds` ends the request at that age, written bytes or not.
 * - `responseStartTimeoutSeconds` ends it only if nothing has been written yet.
 * - `idleTimeoutSeconds` ends it once that long has passed since the last write; before the
 *   first write the handler counts from the zero time, so it also bounds the first byte.
 *
 * Times are seconds; a timer of 0 or less (or undefined) is off. A write at the very instant a
 * timer fires wins, as a response that ends at its deadline does in the simulator.
 */

export interface RequestTimeouts {
  timeoutSeconds: number;
  responseStartTimeoutSeconds?: number | undefined;
  idleTimeoutSeconds?: number | undefined;
}

/** How the app writes its response: the first byte after `firstByteSeconds` of work, then a chunk every `intervalSeconds` (∞: the rest at the end). */
export interface ResponseWrites {
  firstByteSeconds: number;
  intervalSeconds: number;
}

const on = (t: number | undefined): t is number => t !== undefined && t > 0;

/**
 * The earliest age of a request, timed by `timeouts`, at which they end it before the response is
 * done: `startSeconds` is when the app began its work (its age then: the time it waited), and
 * `serviceSeconds` how long the work takes; +∞ when the response is done first.
 */
export function streamedTimeoutAge(timeouts: RequestTimeouts, writes: ResponseWrites, startSeconds: number, serviceSeconds: number): number {
  const end = startSeconds + serviceSeconds;
  // The first write: the response's start, or the whole response at its end.
  const first = startSeconds + Math.min(writes.firstByteSeconds, serviceSeconds);
  let age = timeouts.timeoutSeconds < end ? timeouts.timeoutSeconds : Number.POSITIVE_INFINITY;
  const rs = timeouts.responseStartTimeoutSeconds;
  if (on(rs) && first > rs) age = Math.min(age, rs);
  const idle = timeouts.idleTimeoutSeconds;
  if (on(idle)) {
    if (first > idle) age = Math.min(age, idle);
    else if (first < end) {
      // Chunks every interval, then the remainder at the end: the first gap is the longest.
      const gap = Math.min(writes.intervalSeconds, end - first);
      if (gap > idle) age = Math.min(age, first + idle);
    }
  }
  return age;
}
