/**
 * The scraper's sampling of a revision's pods (upstream `stats_scraper.go` scrapePods):
 * which pods to ask, in which order, and how the sampled stats become an estimate of
 * the revision total. The randomness is injected so a simulation stays deterministic.
 */
import { requireCount } from './kpa-args.js';
import { InvalidArgumentError, requireFinite, requireInteger } from '../errors.js';
import type { PodStat } from './collection.js';

/**
 * The order in which to scrape pods for a sample of `sampleSize`: when at least that many
 * pods are old (up a stable window or more), the old pods shuffled, then the young ones as
 * backups; otherwise every old pod, then the young ones shuffled. Scrapers take pods from
 * the front until `sampleSize` have answered; a failed pod is replaced by the next one.
 * `randomInt(n)` returns an integer in [0, n); the shuffle is Fisher–Yates from the end.
 */
export function scrapeOrder<T>(pods: readonly T[], sampleSize: number, isOld: (pod: T) => boolean, randomInt: (bound: number) => number): T[] {
  const order = scrapeOrderIndices(pods, sampleSize, isOld, randomInt);
  const out: T[] = [];
  for (let i = 0; i < pods.length; i++) out.push(pods[order[i]!]!);
  return out;
}

/**
 * {@link scrapeOrder} as indices into `pods`: the first `pods.length` entries of the result.
 * A caller that scrapes every second passes the array the last call returned as `into`
 * (used when it has room for twice the pods), so it allocates nothing, and moves numbers
 * rather than pod references (no GC write barrier per pod).
 */
export function scrapeOrderIndices<T>(
  pods: readonly T[],
  sampleSize: number,
  isOld: (pod: T) => boolean,
  randomInt: (bound: number) => number,
  into?: Int32Array,
): Int32Array {
  requireCount('sampleSize', sampleSize);
  const n = pods.length;
  // One pass asks `isOld` once per pod: the old pods' indices head the array, the young
  // ones wait after the first n slots, then follow the old ones.
  const order = into !== undefined && into.length >= 2 * n ? into : new Int32Array(2 * n);
  let oldCount = 0;
  let youngCount = 0;
  for (let i = 0; i < n; i++) {
    if (isOld(pods[i]!)) order[oldCount++] = i;
    else order[n + youngCount++] = i;
  }
  for (let i = 0; i < youngCount; i++) order[oldCount + i] = order[n + i]!;
  // Shuffle the old pods when there are enough of them, else the young ones.
  const from = oldCount >= sampleSize ? 0 : oldCount;
  const to = oldCount >= sampleSize ? oldCount : n;
  for (let i = to - from - 1; i > 0; i--) {
    const j = requireInteger('randomInt()', randomInt(i + 1), 0);
    if (j > i) throw new InvalidArgumentError('randomInt()', `must be < ${i + 1}, got ${j}`);
    const t = order[from + i]!;
    order[from + i] = order[from + j]!;
    order[from + j] = t;
  }
  return order;
}

/** The four summed fields of the sampled pods' stats. */
export interface StatSums {
  averageConcurrentRequests: number;
  averageProxiedConcurrentRequests: number;
  requestCount: number;
  proxiedRequestCount: number;
}

/**
 * The estimated revision total from `sampleSize` of `population` pods: every summed field
 * divided by `sampleSize`, then times `population`, stamped `timeSeconds`. That order is
 * upstream's (collector.go Stat.average); multiplying by the ratio can differ in the last bit.
 */
export function estimateRevisionStat(timeSeconds: number, sums: StatSums, population: number, sampleSize: number): PodStat {
  requireFinite('timeSeconds', timeSeconds);
  requireInteger('sampleSize', sampleSize, 1);
  requireInteger('population', population, sampleSize);
  return {
    timeSeconds,
    averageConcurrentRequests: (sums.averageConcurrentRequests / sampleSize) * population,
    averageProxiedConcurrentRequests: (sums.averageProxiedConcurrentRequests / sampleSize) * population,
    requestCount: (sums.requestCount / sampleSize) * population,
    proxiedRequestCount: (sums.proxiedRequestCount / sampleSize) * population,
  };
}
