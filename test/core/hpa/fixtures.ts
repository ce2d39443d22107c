import type { HpaPod, HpaPodMetric } from '../../../src/core/autoscaler/index.js';

/** A pod Running and Ready for long (start −1000 s), with a CPU and memory request. */
export function pod(name: string, over: Partial<HpaPod> = {}, cpuRequest = 1000): HpaPod {
  return { name, phase: 'Running', ready: true, startTimeSeconds: -1000, readyLastTransitionSeconds: -1000, requestsMilli: { cpu: cpuRequest }, ...over };
}

/** `values[i]` (milli-units, undefined = no metric) for pods p0…pN−1, stamped `now` over a 15 s window. */
export function metrics(values: readonly (number | undefined)[], now: number, window = 15): Map<string, HpaPodMetric> {
  const m = new Map<string, HpaPodMetric>();
  values.forEach((v, i) => {
    if (v !== undefined) m.set(`p${i}`, { valueMilli: v, timestampSeconds: now, windowSeconds: window });
  });
  return m;
}

/** n long-ready pods p0…pN−1 with `cpuRequest` millicores each. */
export function pods(n: number, cpuRequest = 1000): HpaPod[] {
  return Array.from({ length: n }, (_, i) => pod(`p${i}`, {}, cpuRequest));
}
