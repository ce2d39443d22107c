/**
 * The order in which a batch's threads take its runs: longest first. The threads take runs from
 * one queue, so the batch ends when the last run taken ends; a long run taken last leaves the other
 * threads idle for most of it, while short runs at the end leave at most a short run's idle time
 * (longest-processing-time-first). Results stay in task order whatever the dispatch order (pool.ts).
 */
import type { WorkEstimate } from '../scenario/work-estimate.js';

/**
 * A run's cost in the units of the work estimate, only to rank runs: each request costs a few events
 * of its own (its arrival, its routing, its completion), counted as 3, plus the periodic events
 * (scrapes, ticks, per-pod work), which the estimate counts over the run.
 */
export function runCost(e: Pick<WorkEstimate, 'requests' | 'events'>): number {
  let requests = 0;
  for (const r of e.requests) requests += r.amount;
  return 3 * requests + e.events;
}

/** Task indices, costliest first; equal costs keep task order, so the order is deterministic. */
export function longestFirst(costs: readonly number[]): number[] {
  return costs
    .map((c, i) => [Number.isFinite(c) ? c : Number.MAX_VALUE, i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .map(([, i]) => i);
}
