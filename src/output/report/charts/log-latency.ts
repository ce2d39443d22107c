import type { Spec } from './common.js';
import { logTicks } from './log-ticks.js';

/**
 * The scale, axis and title of a log latency axis over `ms` (values ≤ 0 or not finite are not
 * drawn on a log scale, so they do not count): every tick labelled (see ./log-ticks.ts), and the
 * title says when only powers of ten are.
 */
export function logLatencyAxis(ms: Iterable<number>, length: number, padding: number, vertical: boolean): Spec {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of ms) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return { scale: { type: 'log', padding }, title: 'latency (ms, log)' };
  const t = logTicks(lo, hi, length, { vertical, padding });
  return {
    scale: { type: 'log', domain: t.domain, nice: false, padding },
    axis: { values: t.values, format: ',~r' },
    title: t.decadesOnly ? 'latency (ms, log; labels at powers of ten)' : 'latency (ms, log)',
  };
}
