import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PodInfo } from '../../src/adapter/pods.js';
import { fetchQueueProxyStat, podMetricsUrl, PROTOBUF_MIME, scrapeRevision } from '../../src/adapter/qp-scraper.js';
import { FakeQueueProxies, HANG_SCRAPE_TIMEOUT_SECONDS, SCRAPE_TIMEOUT_SECONDS } from './support/fake-qp.js';

const NOW = 1_700_000_000;

function pod(name: string, ageSeconds: number): PodInfo {
  return { name, namespace: 'default', revision: 'r', phase: 'Running', ip: '127.0.0.1', ready: true, terminating: false, startTimeSeconds: NOW - ageSeconds, resourceVersion: '1' };
}

let qps: FakeQueueProxies;
beforeEach(() => {
  qps = new FakeQueueProxies();
});
afterEach(async () => {
  await qps.stopAll();
});

const scrape = (pods: PodInfo[], extra: { subtractProxied?: boolean; random?: () => number } = {}) =>
  scrapeRevision({
    pods,
    nowSeconds: NOW,
    stableWindowSeconds: 60,
    randomInt: (b) => Math.floor((extra.random ?? (() => 0))() * b),
    fetchStat: (p) => fetchQueueProxyStat(qps.url(p), SCRAPE_TIMEOUT_SECONDS),
    ...(extra.subtractProxied !== undefined ? { subtractProxied: extra.subtractProxied } : {}),
  });

describe('queue-proxy scraping', () => {
  it('GETs /metrics asking for protobuf, and the default URL is the pod IP on port 9090', async () => {
    await qps.add('p1', { averageConcurrentRequests: 2, requestCount: 5 });
    const s = await fetchQueueProxyStat(qps.url({ name: 'p1' }));
    expect(s).toMatchObject({ podName: 'p1', averageConcurrentRequests: 2, requestCount: 5 });
    expect(qps.requests).toEqual([{ pod: 'p1', method: 'GET', path: '/metrics', accept: PROTOBUF_MIME }]);
    expect(podMetricsUrl()(pod('x', 0))).toBe('http://127.0.0.1:9090/metrics');
    expect(podMetricsUrl()({ ...pod('x', 0), ip: 'fd00::1' })).toBe('http://[fd00::1]:9090/metrics');
  });

  it('rejects non-2xx answers, other content types, garbage, hangs and dropped connections', async () => {
    const qp = await qps.add('p1', { averageConcurrentRequests: 1 });
    for (const [fault, msg] of [
      ['status500', /HTTP 500/],
      ['wrong-type', /unsupported content type/],
      ['garbage', /truncated/],
      ['hang', /abort|timeout/i],
      ['drop', /fetch failed|socket|terminated/i],
    ] as const) {
      qp.fault = fault;
      await expect(fetchQueueProxyStat(qp.url, fault === 'hang' ? HANG_SCRAPE_TIMEOUT_SECONDS : SCRAPE_TIMEOUT_SECONDS), fault).rejects.toThrow(msg);
    }
  });

  it('scrapes every pod up to 3 and reports the sum (N/n = 1)', async () => {
    for (const [i, c] of [1, 2, 3].entries()) await qps.add(`p${i}`, { averageConcurrentRequests: c, requestCount: 10 * c, averageProxiedConcurrentRequests: 0.5, proxiedRequestCount: 1 });
    const r = await scrape([pod('p0', 100), pod('p1', 100), pod('p2', 5)]);
    expect(r).toEqual({
      kind: 'stat',
      stat: { averageConcurrentRequests: 6, averageProxiedConcurrentRequests: 0, requestCount: 60, proxiedRequestCount: 0 },
      population: 3,
      sampleSize: 3,
      failures: 0,
    });
    // With activator stats also arriving, the proxied parts are kept for subtraction.
    const sub = await scrape([pod('p0', 100), pod('p1', 100), pod('p2', 5)], { subtractProxied: true });
    expect(sub.kind === 'stat' && sub.stat).toMatchObject({ averageProxiedConcurrentRequests: 1.5, proxiedRequestCount: 3 });
  });

  it('samples populationMeanSampleSize(N) pods, old ones first, and scales by N/n', async () => {
    // 5 pods → sample 4. Four old pods (concurrency 1 each) and one young (concurrency 100).
    const pods = [pod('young', 10), pod('o1', 100), pod('o2', 100), pod('o3', 100), pod('o4', 100)];
    for (const p of pods) await qps.add(p.name, { averageConcurrentRequests: p.name === 'young' ? 100 : 1, requestCount: 2 });
    const r = await scrape(pods, { random: () => 0.99 });
    expect(r.kind).toBe('stat');
    if (r.kind !== 'stat') return;
    expect(r.sampleSize).toBe(4);
    expect(new Set(qps.requests.map((q) => q.pod))).toEqual(new Set(['o1', 'o2', 'o3', 'o4']));
    expect(r.stat.averageConcurrentRequests).toBeCloseTo((4 * 5) / 4, 12);
    expect(r.stat.requestCount).toBeCloseTo((8 * 5) / 4, 12);
  });

  it('replaces a failing pod with the next in line, and fails when pods run out', async () => {
    const pods = [pod('a', 100), pod('b', 100), pod('c', 100), pod('d', 100), pod('e', 100)];
    for (const p of pods) await qps.add(p.name, { averageConcurrentRequests: 2 });
    qps.get('a').fault = 'status500';
    // randomInt(b) = b − 1 leaves the order as listed, so 'a' is asked first.
    const identity = { random: () => 0.999999 };
    const r = await scrape(pods, identity);
    expect(r).toMatchObject({ kind: 'stat', sampleSize: 4, failures: 1 });
    expect(r.kind === 'stat' && r.stat.averageConcurrentRequests).toBeCloseTo(10, 12);
    qps.get('b').fault = 'drop';
    const r2 = await scrape(pods, identity);
    expect(r2).toMatchObject({ kind: 'failed', sampleSize: 4, failures: 2 });
    expect(await scrape([])).toEqual({ kind: 'no-pods' });
  });

  it('counts a pod reporting NaN, infinite or negative stats as one failed pod, not a failed round', async () => {
    const pods = [pod('a', 100), pod('b', 100), pod('c', 100), pod('d', 100), pod('e', 100)];
    for (const p of pods) await qps.add(p.name, { averageConcurrentRequests: 2 });
    const identity = { random: () => 0.999999 };
    const errors: string[] = [];
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      qps.get('a').stat.averageConcurrentRequests = bad;
      errors.length = 0;
      const r = await scrapeRevision({
        pods, nowSeconds: NOW, stableWindowSeconds: 60, randomInt: (b) => Math.floor(identity.random() * b),
        fetchStat: (p) => fetchQueueProxyStat(qps.url(p), SCRAPE_TIMEOUT_SECONDS), onPodError: (_p, e) => errors.push((e as Error).message),
      });
      // 'a' is replaced by 'e': the sample of 4 pods at 2 each, scaled by 5/4, is 10.
      expect(r, String(bad)).toMatchObject({ kind: 'stat', sampleSize: 4, failures: 1 });
      expect(r.kind === 'stat' && r.stat.averageConcurrentRequests).toBeCloseTo(10, 12);
      expect(errors).toEqual([`queue-proxy "a" reported averageConcurrentRequests = ${bad}; expected a finite number ≥ 0`]);
    }
  });
});
