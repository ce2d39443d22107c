/**
 * The scraper's sampling through a revision's private Service (upstream `stats_scraper.go`
 * scrapeService), used with config-network `mesh-compatibility-mode: enabled`, where the
 * autoscaler cannot reach pod addresses. It cannot choose pods: every scrape goes to the
 * Service and lands on whichever ready pod the network picks, so the scraper runs
 * `sampleSize` workers that scrape until each has found a pod no worker has seen. A worker
 * stops at a pod up a stable window or more (old); a young pod's stat is kept as a backup and
 * the worker goes on; a scrape landing on a seen pod is retried, up to
 * {@link SERVICE_SCRAPE_MAX_TRIES} tries in all, after which that worker fails and cancels the
 * rest. The scrape succeeds if the workers found `sampleSize` distinct pods, old ones first.
 *
 * The workers run at once upstream; here they take turns, one try each per round, which is
 * how equally fast requests interleave. The pick is injected (`randomInt`), so a simulation
 * stays deterministic.
 */
import { requireCount } from './kpa-args.js';
import { InvalidArgumentError, requireInteger } from '../errors.js';

/** A worker's tries before a scrape landing on a seen pod fails it (upstream scraperMaxRetries). */
export const SERVICE_SCRAPE_MAX_TRIES = 10;

/** What one scrape through the Service got. */
export interface ServiceScrape {
  /**
   * Indices (into the ready pods) of the stats summed, old pods in the order found, then young
   * ones in the order found, `sampleSize` in all; empty when the scrape failed.
   */
  readonly sampled: number[];
  /** False when a worker ran out of tries before `sampleSize` distinct pods were found (upstream's ErrDidNotReceiveStat). */
  readonly ok: boolean;
  /** Requests sent to the Service. */
  readonly tries: number;
}

/**
 * One scrape through the Service of `readyCount` pods for a sample of `sampleSize`
 * (populationMeanSampleSize of `readyCount`). `isOld(i)`: whether pod i's queue-proxy has been
 * up a stable window or more (its stat's ProcessUptime). `randomInt(n)`: the pod, in [0, n), a
 * scrape lands on.
 */
export function scrapeThroughService(readyCount: number, sampleSize: number, isOld: (index: number) => boolean, randomInt: (bound: number) => number): ServiceScrape {
  requireInteger('readyCount', readyCount, 1);
  requireCount('sampleSize', sampleSize);
  if (sampleSize < 1 || sampleSize > readyCount) throw new InvalidArgumentError('sampleSize', `must be in [1, ${readyCount}], got ${sampleSize}`);
  const seen = new Uint8Array(readyCount);
  const old: number[] = [];
  const young: number[] = [];
  // Each running worker's tries so far.
  let running: number[] = new Array<number>(sampleSize).fill(0);
  let tries = 0;
  let failed = false;
  while (running.length > 0 && !failed) {
    const next: number[] = [];
    for (let w = 0; w < running.length; w++) {
      const t = running[w]! + 1;
      tries++;
      const i = requireInteger('randomInt()', randomInt(readyCount), 0);
      if (i >= readyCount) throw new InvalidArgumentError('randomInt()', `must be < ${readyCount}, got ${i}`);
      if (seen[i] === 1) {
        // A pod some worker has scraped: retried, unless this worker is out of tries, which cancels every other.
        if (t >= SERVICE_SCRAPE_MAX_TRIES) {
          failed = true;
          break;
        }
        next.push(t);
        continue;
      }
      seen[i] = 1;
      if (isOld(i)) {
        old.push(i);
        continue;
      }
      // A young pod: kept while there is room for a sample's worth, and the worker looks on for an old one.
      if (young.length < sampleSize) {
        young.push(i);
        next.push(t);
      }
    }
    running = next;
  }
  if (failed && old.length + young.length < sampleSize) return { sampled: [], ok: false, tries };
  const sampled = old.concat(young.slice(0, sampleSize - old.length));
  return { sampled, ok: true, tries };
}
