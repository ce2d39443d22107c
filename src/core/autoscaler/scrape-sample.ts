/**
 * The scraper's sampling of a revision's pods (upstream `stats_scraper.go` scrapePods):
 * which pods to ask, in which order, and how the sampled stats become an estimate of
 * the revision total. The randomness is injected so a simulation stays deterministic.
 */
import { requireCount } from './kpa-args.js';
import { requireFinite, requireInteger } from '../errors.js';
import type { PodStat } from './collection.js';

/**
 * The order in which to scrape pods for a sample of `sampleSize`: when at least that many
 * pods are old (up a stable window or more), the old pods shuffled, then the young ones as
 * backups; otherwise every old pod, then the young ones shuffled. Scrapers take pods from
 * the front until `sampleSize` have answered; a failed pod is replaced by the next one.
 * `randomInt(n)` returns an integer in [0, n); the shuffle is Fisher–Yates from the end.
 */
export function scrapeOrder<T>(
  pods: readonly T[],
  sampleSize: number,
  isOld: (pod: T) => boolean,
  randomInt: (bound: number) => number,
): T[] {
  requireCount('sampleSize', sampleSize);
  const old = pods.filter((p) => isOld(p));
  const young = pods.filter((p) => !isOld(p));
  const shuffle = (a: T[]): T[] => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = requireInteger('randomInt()', randomInt(i + 1), 0);
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  };
  if (old.length >= sampleSize) return shuffle(old).concat(young);
  return old.concat(shuffle(young));
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
 * times `population / sampleSize`, stamped `timeSeconds`.
 */
export function estimateRevisionStat(timeSeconds: number, sums: StatSums, population: number, sampleSize: number): PodStat {
  requireFinite('timeSeconds', timeSeconds);
  requireInteger('sampleSize', sampleSize, 1);
  requireInteger('population', population, sampleSize);
  const scale = population / sampleSize;
  return {
    timeSeconds,
    averageConcurrentRequests: sums.averageConcurrentRequests * scale,
    averageProxiedConcurrentRequests: sums.averageProxiedConcurrentRequests * scale,
    requestCount: sums.requestCount * scale,
    proxiedRequestCount: sums.proxiedRequestCount * scale,
  };
}
