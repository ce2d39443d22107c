/**
 * A measured app profile: latency of one request at steady concurrency n on one pod, as
 * `hey -c n` against a single pod reports it, interpolated linearly between the measured
 * points. Below the first point the latency is the first point's; beyond the last one the
 * pod is taken as saturated (its throughput stays the last point's, so latency grows in
 * proportion to n).
 */
export class AppProfile {
  /** Latency at concurrency 1 (the first point's when measured above 1): a request's unshared time. */
  readonly baseLatency: number;

  constructor(
    private readonly concurrency: readonly number[],
    private readonly latency: readonly number[],
    private readonly cpu: readonly number[] | undefined,
  ) {
    this.baseLatency = this.latencyAt(1);
  }

  /** Latency (s) of a request while n requests share the pod. */
  latencyAt(n: number): number {
    const c = this.concurrency;
    const l = this.latency;
    const last = c.length - 1;
    if (n <= c[0]!) return l[0]!;
    if (n >= c[last]!) return (l[last]! * n) / c[last]!;
    return interpolate(c, l, n);
  }

  /**
   * Work rate per request with n in service: a request that takes s alone takes
   * s × latency(n) / latency(1) at steady concurrency n.
   */
  rate(n: number): number {
    return this.baseLatency / this.latencyAt(n);
  }

  /** The pod's CPU usage (millicores) with n requests in service, if the profile has it. */
  cpuMillisAt(n: number): number | undefined {
    const cpu = this.cpu;
    if (cpu === undefined) return undefined;
    if (n <= 0) return 0;
    const c = this.concurrency;
    const last = c.length - 1;
    // Idle below the first point scales down to 0; a saturated pod uses no more than at the last point.
    if (n <= c[0]!) return (cpu[0]! * n) / c[0]!;
    if (n >= c[last]!) return cpu[last]!;
    return interpolate(c, cpu, n);
  }
}

/** Linear interpolation of ys over strictly increasing xs, for x inside their range. */
function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const f = (x - xs[lo]!) / (xs[hi]! - xs[lo]!);
  return ys[lo]! + f * (ys[hi]! - ys[lo]!);
}
