/**
 * The outputs are fed plain records, so they can be driven without a model: these runs are
 * written by hand and their summary and metrics checked against numbers worked out here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HEATMAP_METRICS, LINE_CHART_METRICS, METRIC_KEYS, METRICS, metricByName, metricsOf } from '../../src/output/metrics.js';
import type { PodRecord, RequestRecord, TimeseriesRecord } from '../../src/output/records.js';
import { RunOutputs } from '../../src/output/run-outputs.js';

const SVC = 'hello';
const REV = 'hello-00001';

function request(id: number, arrival: number, latency: number, outcome: RequestRecord['outcome'], cold = false): RequestRecord {
  const status = { ok: 200, overloaded: 503, timeout: 504, clientTimeout: -1, noRoute: 404, badGateway: 502 }[outcome];
  return {
    id,
    originKey: id,
    service: SVC,
    revision: outcome === 'noRoute' ? '' : REV,
    client: 'load',
    tag: undefined,
    arrival,
    serviceStart: outcome === 'ok' ? arrival : Number.NaN,
    end: arrival + latency,
    status,
    outcome,
    route: outcome === 'noRoute' ? 'none' : 'direct',
    pod: outcome === 'ok' ? 'p1' : '',
    cold,
    activatorQueueSeconds: Number.NaN,
    podQueueSeconds: outcome === 'ok' ? 0 : Number.NaN,
  };
}

function pod(time: number, name: string, event: PodRecord['event'], readyAt = Number.NaN, terminatingAt = Number.NaN): PodRecord {
  return { time, service: SVC, revision: REV, pod: name, event, readyAt, terminatingAt };
}

function sample(time: number, ready: number): TimeseriesRecord {
  return {
    time, service: SVC, revision: REV, pending: 0, starting: 0, ready, terminating: 0, activatorHealthy: ready, replicas: ready,
    activatorWaiting: 0, podQueued: 0, podExecuting: 0, sksMode: 'Serve', trafficPercent: 100,
  };
}

const meta = { scenario: 't', seed: 1, simulatedSeconds: 10, events: 0, wallSeconds: 0 };

/** Two pods: p1 from 0 (Ready at 1) to the end; p2 created at 2, Ready at 3, terminating at 6, gone at 7. */
function feed(out: RunOutputs): void {
  out.pod(pod(0, 'p1', 'Pending'));
  out.pod(pod(1, 'p1', 'Ready', 1));
  out.pod(pod(2, 'p2', 'Pending'));
  out.pod(pod(3, 'p2', 'Ready', 3));
  out.decision({
    time: 4, service: SVC, revision: REV, metric: 'concurrency', target: 10, valid: true, readyPods: 2, observedStable: 5, observedPanic: 30,
    desired: 3, want: 3, inPanic: true, excessBurstCapacity: -1, sksMode: 'Serve', activators: 1, poke: false,
  });
  out.decision({
    time: 6, service: SVC, revision: REV, metric: 'concurrency', target: 10, valid: true, readyPods: 2, observedStable: 5, observedPanic: 5,
    desired: 1, want: 1, inPanic: false, excessBurstCapacity: 5, sksMode: 'Serve', activators: 1, poke: false,
  });
  out.pod(pod(6, 'p2', 'Terminating', 3, 6));
  out.pod(pod(7, 'p2', 'Gone', 3, 6));
  out.request(request(1, 1, 0.1, 'ok', true));
  out.request(request(2, 1.5, 0.2, 'ok'));
  out.request(request(3, 2, 0.3, 'overloaded'));
  out.request(request(4, 2, 10, 'timeout'));
  out.request(request(5, 2.5, 1, 'clientTimeout'));
  out.request(request(6, 0.5, 0, 'noRoute'));
  out.sample(sample(1, 1));
  out.sample(sample(2, 1));
}

describe('RunOutputs from hand-written records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-outputs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts outcomes, pod-seconds, ready pods, panic and scale-to-zero from records alone', () => {
    const out = new RunOutputs({ outDir: undefined, requestSampleRate: 0 });
    feed(out);
    const s = out.finish(meta);
    expect(s.overall.requests).toEqual({ total: 6, ok: 2, status503: 1, status504: 1, clientTimeouts: 1, noRoute: 1 });
    expect(s.overall.coldStartRequests).toBe(1);
    // p1 for 10 s, p2 from 2 until gone at 7.
    expect(s.overall.podSeconds).toBe(15);
    expect(s.overall.maxReadyPods).toBe(2);
    expect(s.overall.panicSeconds).toBe(2);
    const rev = s.revisions.find((r) => r.revision === REV)!;
    // p1's Ready row, from the run start.
    expect(rev.timeToFirstReadySeconds).toBe(1);
    expect(rev.scaleToZeroAtSeconds).toEqual([]);
    // The no-route request is the service's, not a revision's.
    expect(s.revisions.map((r) => r.revision)).toEqual([REV]);
    expect(s.noRouteByService).toEqual({ [SVC]: 1 });
  });

  it('writes the CSV rows from the records', () => {
    const out = new RunOutputs({ outDir: dir, requestSampleRate: 1 });
    feed(out);
    out.finish(meta);
    const requests = readFileSync(join(dir, 'requests.csv'), 'utf8').trim().split('\n');
    expect(requests[1]).toBe('1,hello,hello-00001,load,1.000000,1.000000,1.100000,100.000,200,direct,p1,1,,0.000');
    expect(requests[5]).toBe('5,hello,hello-00001,load,2.500000,,3.500000,1000.000,client_timeout,direct,,0,,');
    expect(readFileSync(join(dir, 'pods.csv'), 'utf8').trim().split('\n').at(-1)).toBe('7.000000,hello,hello-00001,p2,Gone');
    expect(readFileSync(join(dir, 'timeseries.csv'), 'utf8').trim().split('\n')[2]).toBe('2.000000,hello,hello-00001,0,0,1,0,1,1,0,0,0,Serve,100');
  });
});

describe('requests.csv name cells', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-outputs-names-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('follow each row\'s service, revision, client, route, pod and cold flag as they change back and forth', () => {
    const out = new RunOutputs({ outDir: dir, requestSampleRate: 1 });
    const rows: [string, string, string, RequestRecord['route'], string, boolean][] = [
      ['hello', 'hello-00001', 'load', 'activator', 'p1', true],
      ['hello', 'hello-00001', 'load', 'direct', 'p1', false],
      ['hello', 'hello-00001', 'a, "quoted" client', 'direct', 'p1', false],
      ['hello', 'hello-00002', 'a, "quoted" client', 'activator', 'p2', true],
      ['other', 'hello-00002', 'load', 'direct', 'p2', false],
      ['hello', 'hello-00001', 'load', 'activator', 'p1', false],
      ['hello', 'hello-00001', 'load', 'direct', 'p1', true],
    ];
    rows.forEach(([service, revision, client, route, pod, cold], i) => {
      out.request({ ...request(i + 1, i, 0.5, 'ok', cold), service, revision, client, route, pod });
    });
    out.finish(meta);
    const lines = readFileSync(join(dir, 'requests.csv'), 'utf8').trim().split('\n').slice(1);
    expect(lines).toEqual([
      '1,hello,hello-00001,load,0.000000,0.000000,0.500000,500.000,200,activator,p1,1,,0.000',
      '2,hello,hello-00001,load,1.000000,1.000000,1.500000,500.000,200,direct,p1,0,,0.000',
      '3,hello,hello-00001,"a, ""quoted"" client",2.000000,2.000000,2.500000,500.000,200,direct,p1,0,,0.000',
      '4,hello,hello-00002,"a, ""quoted"" client",3.000000,3.000000,3.500000,500.000,200,activator,p2,1,,0.000',
      '5,other,hello-00002,load,4.000000,4.000000,4.500000,500.000,200,direct,p2,0,,0.000',
      '6,hello,hello-00001,load,5.000000,5.000000,5.500000,500.000,200,activator,p1,0,,0.000',
      '7,hello,hello-00001,load,6.000000,6.000000,6.500000,500.000,200,direct,p1,1,,0.000',
    ]);
  });
});

describe('per-second rows of many revisions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-outputs-rows-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('repeat, change and repeat again per revision, and keep same-named revisions of two services apart', () => {
    const out = new RunOutputs({ outDir: dir, requestSampleRate: 0 });
    // Two services whose revisions share a name: each has its own pods, requests and rows.
    const of = (service: string, r: TimeseriesRecord): TimeseriesRecord => ({ ...r, service });
    out.pod({ ...pod(0, 'a1', 'Pending'), service: 'a', revision: 'r1' });
    out.pod({ ...pod(0, 'b1', 'Pending'), service: 'b', revision: 'r1' });
    out.request({ ...request(1, 0.2, 0.1, 'ok'), service: 'a', revision: 'r1' });
    out.request({ ...request(2, 0.3, 0.4, 'ok'), service: 'b', revision: 'r1' });
    out.request({ ...request(3, 0.4, 0.5, 'overloaded'), service: 'b', revision: 'r1' });
    const rows: Array<[string, number, number, number]> = [
      ['a', 1, 1, 100], ['b', 1, 0, 100], ['a', 2, 1, 100], ['b', 2, 0, 100], ['a', 3, 2, 100], ['b', 3, 0, 33.3333333], ['a', 4, 2, 100], ['b', 4, 0, 33.3333333], ['a', 5, 1, Number.NaN], ['a', 6, 1, Number.NaN],
    ];
    for (const [service, time, ready, traffic] of rows) out.sample(of(service, { ...sample(time, ready), revision: 'r1', trafficPercent: traffic }));
    const s = out.finish(meta);
    expect(s.revisions.map((r) => [r.service, r.revision, r.requests.total, r.requests.ok])).toEqual([['a', 'r1', 1, 1], ['b', 'r1', 2, 1]]);
    const cells = (service: string, ready: number, traffic: string): string => `${service},r1,0,0,${ready},0,${ready},${ready},0,0,0,Serve,${traffic}`;
    expect(readFileSync(join(dir, 'timeseries.csv'), 'utf8').trim().split('\n').slice(1)).toEqual([
      `1.000000,${cells('a', 1, '100')}`, `1.000000,${cells('b', 0, '100')}`,
      `2.000000,${cells('a', 1, '100')}`, `2.000000,${cells('b', 0, '100')}`,
      `3.000000,${cells('a', 2, '100')}`, `3.000000,${cells('b', 0, '33.333333')}`,
      `4.000000,${cells('a', 2, '100')}`, `4.000000,${cells('b', 0, '33.333333')}`,
      `5.000000,${cells('a', 1, '')}`, `6.000000,${cells('a', 1, '')}`,
    ]);
    // Each service's first second: its own completions, latencies and outcomes.
    expect(readFileSync(join(dir, 'requests-per-second.csv'), 'utf8').trim().split('\n').slice(1)).toEqual([
      '1.000000,a,r1,1,1,0,0,0,0,100.000,100.000,100.000',
      '1.000000,b,r1,2,1,1,0,0,0,400.000,400.000,400.000',
    ]);
  });
});

describe('time in panic of the whole run', () => {
  it('counts the time any revision was in panic once: overlapping panics are not added up', () => {
    const out = new RunOutputs({ outDir: undefined, requestSampleRate: 0 });
    const decide = (time: number, service: string, inPanic: boolean): void =>
      out.decision({
        time, service, revision: `${service}-00001`, metric: 'concurrency', target: 1, valid: true, readyPods: 1, observedStable: 1, observedPanic: 1,
        desired: 1, want: 1, inPanic, excessBurstCapacity: 0, sksMode: 'Serve', activators: 1, poke: false,
      });
    // a panics over [1, 5), b over [3, 8) and again from 9 to the end (10): any revision over [1, 8) and [9, 10).
    decide(1, 'a', true);
    decide(3, 'b', true);
    decide(4, 'a', true);
    decide(5, 'a', false);
    decide(8, 'b', false);
    decide(9, 'b', true);
    const s = out.finish(meta);
    expect(s.revisions.map((r) => [r.revision, r.panicSeconds])).toEqual([['a-00001', 4], ['b-00001', 6]]);
    // Was 10 (4 + 6), more than the 8 s in which any revision was in panic.
    expect(s.overall.panicSeconds).toBe(8);
  });
});

describe('a run that ends between whole seconds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-outputs-partial-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes its last, partial second to requests-per-second.csv, stamped with the run\'s end, so the file adds up to summary.json', () => {
    const out = new RunOutputs({ outDir: dir, requestSampleRate: 0 });
    out.pod(pod(0, 'p1', 'Pending'));
    out.request(request(1, 9.2, 0.5, 'ok'));
    out.sample(sample(10, 1));
    // Answered after the last whole-second sample (10 s), before the end (10.5 s).
    out.request(request(2, 10.1, 0.2, 'ok'));
    out.request(request(3, 10.2, 0.1, 'overloaded'));
    const s = out.finish({ ...meta, simulatedSeconds: 10.5 });
    expect(s.overall.requests.total).toBe(3);
    const rows = readFileSync(join(dir, 'requests-per-second.csv'), 'utf8').trim().split('\n').slice(1);
    // Before: only the 10 s row, one completion of the three.
    expect(rows).toEqual(['10.000000,hello,hello-00001,1,1,0,0,0,0,500.000,500.000,500.000', '10.500000,hello,hello-00001,2,1,1,0,0,0,200.000,200.000,200.000']);
  });
});

describe('requests-per-second.csv counts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-outputs-window-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are each second\'s own: a failures-only second has its row, a 502 column starts at its first, and a quiet second has none', () => {
    const out = new RunOutputs({ outDir: dir, requestSampleRate: 0, badGatewayColumn: true });
    // Seen first through a pod: no completion yet, so no row at 1 s.
    out.pod(pod(0, 'p1', 'Pending'));
    out.sample(sample(1, 0));
    out.request(request(1, 1.1, 0.1, 'ok', true));
    out.request(request(2, 1.2, 0.3, 'ok'));
    out.request(request(3, 1.3, 0.2, 'overloaded'));
    out.sample(sample(2, 1));
    // Only failures, one of them the run's first 502.
    out.request(request(4, 2.1, 0.4, 'badGateway'));
    out.request(request(5, 2.2, 0.5, 'timeout'));
    out.request(request(6, 2.3, 0.6, 'clientTimeout'));
    out.sample(sample(3, 1));
    // Nothing completes in the fourth second.
    out.sample(sample(4, 1));
    out.request(request(7, 4.1, 0.2, 'ok', true));
    out.request(request(8, 4.2, 0.1, 'noRoute'));
    out.sample(sample(5, 1));
    const s = out.finish({ ...meta, simulatedSeconds: 5 });
    expect(s.overall.requests).toEqual({ total: 8, ok: 3, status503: 1, status504: 1, clientTimeouts: 1, noRoute: 1, status502: 1 });
    const rows = readFileSync(join(dir, 'requests-per-second.csv'), 'utf8').trim().split('\n');
    expect(rows).toEqual([
      'time_s,service,revision,completed,ok,status503,status504,client_timeouts,status502,cold,p50_ms,p95_ms,p99_ms',
      '2.000000,hello,hello-00001,3,2,1,0,0,0,1,100.000,300.000,300.000',
      '3.000000,hello,hello-00001,3,0,0,1,1,1,0,,,',
      // The request with no route is no revision's.
      '5.000000,hello,hello-00001,1,1,0,0,0,0,1,200.000,200.000,200.000',
    ]);
  });
});

describe('a kept accumulator', () => {
  it('counts a request as a lookup by name would, and a handle of another revision is not used for it', () => {
    const byName = new RunOutputs({ outDir: undefined, requestSampleRate: 0 });
    const kept = new RunOutputs({ outDir: undefined, requestSampleRate: 0 });
    const a = kept.accumulator('a', 'r1');
    const b = kept.accumulator('b', 'r1');
    const reqs: Array<[RequestRecord, typeof a]> = [
      [{ ...request(1, 0.2, 0.1, 'ok'), service: 'a', revision: 'r1' }, a],
      [{ ...request(2, 0.3, 0.4, 'ok', true), service: 'b', revision: 'r1' }, b],
      // A stale handle (the other service's same-named revision): the record's names decide.
      [{ ...request(3, 0.4, 0.5, 'overloaded'), service: 'b', revision: 'r1' }, a],
      [{ ...request(4, 0.5, 0.2, 'ok'), service: 'a', revision: 'r1' }, a],
    ];
    for (const [r, h] of reqs) {
      byName.request(r);
      kept.request(r, h);
    }
    const counts = (o: RunOutputs): unknown => o.finish(meta).revisions.map((r) => [r.service, r.revision, r.requests, r.coldStartRequests]);
    const got = counts(kept);
    expect(got).toEqual(counts(byName));
    expect(got).toEqual([
      ['a', 'r1', { total: 2, ok: 2, status503: 0, status504: 0, clientTimeouts: 0, noRoute: 0 }, 0],
      ['b', 'r1', { total: 2, ok: 1, status503: 1, status504: 0, clientTimeouts: 0, noRoute: 0 }, 1],
    ]);
  });
});

describe('the metric table', () => {
  it('computes every metric from a summary', () => {
    const out = new RunOutputs({ outDir: undefined, requestSampleRate: 0 });
    feed(out);
    const m = metricsOf(out.finish(meta));
    expect(Object.keys(m)).toEqual([...METRIC_KEYS]);
    expect(m).toMatchObject({ rate_503: 1 / 6, rate_504: 1 / 6, error_rate: 4 / 6, cold_start_fraction: 1 / 6, pod_seconds: 15, max_pods: 2 });
  });

  it('finds metrics by alias and places the sweep charts from the table', () => {
    expect(metricByName('P99')?.key).toBe('p99_ms');
    expect(metricByName('cost')?.key).toBe('pod_seconds');
    expect(metricByName('p42')).toBeUndefined();
    expect(METRICS.rate_504.unit).toBe('fraction');
    expect(LINE_CHART_METRICS).toEqual(['p50_ms', 'p95_ms', 'p99_ms', 'error_rate', 'cold_start_fraction', 'pod_seconds', 'max_pods', 'rate_503']);
    expect(HEATMAP_METRICS).toEqual([['p99_ms', 'orangered'], ['pod_seconds', 'blues'], ['error_rate', 'reds'], ['cold_start_fraction', 'purples']]);
  });
});
