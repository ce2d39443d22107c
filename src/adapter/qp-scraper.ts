/**
 * Scraping a revision's queue-proxies the way Knative's autoscaler does
 * (`pkg/autoscaler/metrics/stats_scraper.go`, `http_scrape_client.go`): GET
 * `http://<podIP>:9090/metrics` with `Accept: application/protobuf`, a 3 s timeout, a
 * 2xx answer of type `application/protobuf` holding one `metrics.Stat`. A sample of the
 * ready pods is asked (old pods first), failed pods are replaced by the next in line,
 * and the sampled stats are scaled up to an estimate of the revision total.
 */
import { estimateRevisionStat, populationMeanSampleSize, scrapeOrder, type PodStat } from '../core/autoscaler/index.js';
import type { PodInfo } from './pods.js';
import { decodeStat, type QueueProxyStat } from './stat-proto.js';

/** The queue-proxy's autoscaler metrics port (networking.AutoscalingQueueMetricsPort). */
export const QUEUE_METRICS_PORT = 9090;
/** The MIME type the scraper asks for and insists on. */
export const PROTOBUF_MIME = 'application/protobuf';
/** Upstream's scrape client timeout. */
export const SCRAPE_TIMEOUT_SECONDS = 3;
/** A serialized Stat is a few dozen bytes; anything much larger is not one. */
const MAX_BODY_BYTES = 4096;

/** Where a pod's autoscaler metrics are served. */
export type ScrapeUrl = (pod: PodInfo) => string;

/** `http://<podIP>:<port>/metrics`, with IPv6 addresses bracketed. */
export function podMetricsUrl(port = QUEUE_METRICS_PORT): ScrapeUrl {
  return (pod) => `http://${pod.ip.includes(':') ? `[${pod.ip}]` : pod.ip}:${port}/metrics`;
}

/** Fetches and decodes one queue-proxy's stat. @throws on any transport, status, type or decode problem. */
export async function fetchQueueProxyStat(url: string, timeoutSeconds = SCRAPE_TIMEOUT_SECONDS): Promise<QueueProxyStat> {
  const res = await fetch(url, {
    method: 'GET',
    headers: { Accept: PROTOBUF_MIME },
    signal: AbortSignal.timeout(Math.max(1, Math.round(timeoutSeconds * 1000))),
  });
  try {
    if (res.status < 200 || res.status >= 300) throw new Error(`GET ${url} returned HTTP ${res.status}`);
    const type = res.headers.get('content-type');
    if (type !== PROTOBUF_MIME) throw new Error(`GET ${url}: unsupported content type ${JSON.stringify(type)}`);
    const body = new Uint8Array(await res.arrayBuffer());
    if (body.length > MAX_BODY_BYTES) throw new Error(`GET ${url}: body of ${body.length} bytes is too large for a stat`);
    return decodeStat(body);
  } finally {
    if (!res.bodyUsed) await res.body?.cancel().catch(() => {});
  }
}

/** The fields the collector sums; one pod's bad value must not poison the revision's estimate. */
const SUMMED_FIELDS = ['averageConcurrentRequests', 'averageProxiedConcurrentRequests', 'requestCount', 'proxiedRequestCount'] as const;

/**
 * A stat whose counters are NaN, infinite or negative is that pod's failure (it is replaced by
 * the next pod in line, like any pod that did not answer), not the whole round's.
 * @throws when a summed field is not a finite, non-negative number.
 */
export function checkedStat(s: QueueProxyStat): QueueProxyStat {
  for (const f of SUMMED_FIELDS) {
    const v = s[f];
    if (!Number.isFinite(v) || v < 0) throw new Error(`queue-proxy ${JSON.stringify(s.podName)} reported ${f} = ${v}; expected a finite number ≥ 0`);
  }
  return s;
}

/** One revision scrape's outcome. */
export type RevisionScrape =
  | {
      kind: 'stat';
      /** The estimated revision total (not yet time-stamped by the collector). */
      stat: Omit<PodStat, 'timeSeconds'>;
      /** Ready pods and how many of them answered for the sample. */
      population: number;
      sampleSize: number;
      /** Pods that failed before the sample was complete. */
      failures: number;
    }
  | { kind: 'no-pods' }
  | { kind: 'failed'; error: string; population: number; sampleSize: number; failures: number };

export interface ScrapeRevisionOptions {
  /** Ready pods of the revision (see `scrapeablePods`). */
  pods: readonly PodInfo[];
  nowSeconds: number;
  /** Pods up this long or longer are "old" and preferred (the stable window). */
  stableWindowSeconds: number;
  /** Integer in [0, bound); shuffles the scrape order. */
  randomInt: (bound: number) => number;
  /** Asks one pod. */
  fetchStat: (pod: PodInfo) => Promise<QueueProxyStat>;
  /**
   * Subtract the proxied parts (requests that came through the activator). Upstream does,
   * because the activator reports those itself; the adapter receives no activator stats,
   * so by default it counts every request the pods see, once.
   */
  subtractProxied?: boolean;
  /** Called for each pod that failed (for logging). */
  onPodError?: (pod: PodInfo, error: unknown) => void;
}

/**
 * Samples the ready pods: `populationMeanSampleSize(N)` parallel workers take pods in
 * scrape order until each has one answer; if the pods run out first, the scrape fails
 * and nothing should be recorded. The sum is scaled by N / n.
 */
export async function scrapeRevision(o: ScrapeRevisionOptions): Promise<RevisionScrape> {
  const n = o.pods.length;
  if (n === 0) return { kind: 'no-pods' };
  const sample = populationMeanSampleSize(n);
  const isOld = (p: PodInfo): boolean => p.startTimeSeconds !== undefined && o.nowSeconds - p.startTimeSeconds >= o.stableWindowSeconds;
  const order = scrapeOrder(o.pods, sample, isOld, o.randomInt);
  const stats: QueueProxyStat[] = [];
  let next = 0;
  let failures = 0;
  const worker = async (): Promise<boolean> => {
    for (;;) {
      const i = next++;
      const pod = order[i];
      if (pod === undefined) return false;
      try {
        stats.push(checkedStat(await o.fetchStat(pod)));
        return true;
      } catch (e) {
        failures++;
        o.onPodError?.(pod, e);
      }
    }
  };
  const ok = await Promise.all(Array.from({ length: sample }, worker));
  if (ok.some((x) => !x)) {
    return { kind: 'failed', error: `only ${stats.length} of ${sample} sampled pods answered`, population: n, sampleSize: sample, failures };
  }
  const sums = { averageConcurrentRequests: 0, averageProxiedConcurrentRequests: 0, requestCount: 0, proxiedRequestCount: 0 };
  for (const s of stats) {
    sums.averageConcurrentRequests += s.averageConcurrentRequests;
    sums.requestCount += s.requestCount;
    if (o.subtractProxied) {
      sums.averageProxiedConcurrentRequests += s.averageProxiedConcurrentRequests;
      sums.proxiedRequestCount += s.proxiedRequestCount;
    }
  }
  const { timeSeconds: _t, ...stat } = estimateRevisionStat(0, sums, n, sample);
  return { kind: 'stat', stat, population: n, sampleSize: sample, failures };
}
