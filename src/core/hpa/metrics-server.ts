/**
 * metrics-server's CPU rate (kubernetes-sigs/metrics-server pkg/storage/types.go,
 * resourceUsage): the kubelet's cumulative CPU counter at two scrapes, divided by the time
 * between them. A usage step is therefore seen only partly by the scrape interval it falls
 * in, and fully from the next one on.
 */
import { InvalidArgumentError, requireFinite, requireNonNegative } from '../errors.js';

/** One reading of a container's cumulative CPU counter. */
export interface CpuCounterPoint {
  timeSeconds: number;
  /** Cumulative CPU time used, core-seconds. */
  cumulativeCoreSeconds: number;
}

/** The CPU usage metrics-server reports from two points, in millicores, and its window. */
export function cpuUsageMillicores(prev: CpuCounterPoint, last: CpuCounterPoint): { millicores: number; windowSeconds: number } {
  requireFinite('prev.timeSeconds', prev.timeSeconds);
  requireNonNegative('prev.cumulativeCoreSeconds', prev.cumulativeCoreSeconds);
  requireNonNegative('last.cumulativeCoreSeconds', last.cumulativeCoreSeconds);
  const window = requireFinite('last.timeSeconds', last.timeSeconds) - prev.timeSeconds;
  if (window <= 0) throw new InvalidArgumentError('last.timeSeconds', `must be after prev.timeSeconds (${prev.timeSeconds}), got ${last.timeSeconds}`);
  return { millicores: ((last.cumulativeCoreSeconds - prev.cumulativeCoreSeconds) / window) * 1000, windowSeconds: window };
}
