import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import { buildHtml } from '../../src/output/report/html.js';
import { panicIntervals } from '../../src/output/report/charts/pods.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario, scenarioFromValue } from '../../src/scenario/load.js';

import { csv, dataOf } from '../support/chart-data.js';

const root = resolve(import.meta.dirname, '../..');

type Row = Record<string, number | null>;

function chartsOf(dir: string) {
  const { charts, ctx } = reportCharts(loadRunData(dir));
  return { spec: (id: string) => charts.find((c) => c.id === id)!.spec, axis: ctx.axis };
}

describe('per-second charts put each second at the time it describes', () => {
  let dir: string;
  beforeAll(() => {
    const loaded = loadScenario(join(root, 'scenarios', 'hello-world.yaml'), { sets: [], durationSeconds: 120 });
    dir = join(mkdtempSync(join(tmpdir(), 'knsim-truth-')), 'hw');
    runWorld(loaded.world, { outDir: dir, trace: { mode: 'full' } });
  });

  it('the pods chart steps in the second pods.csv says (ready, starting), the most held in that second', () => {
    const { spec } = chartsOf(dir);
    const rows = dataOf(spec('pods'), 'data_pods_0');
    const events = csv(dir, 'pods.csv');
    // Brute force: the ready count just after each instant where it can change, per second.
    const readyAt = (t: number): number => {
      const state = new Map<string, string>();
      for (const e of events) if (Number(e['time_s']) <= t && e['event'] !== 'ActivatorHealthy') state.set(e['pod']!, e['event']!);
      return [...state.values()].filter((s) => s === 'Ready').length;
    };
    const firstReady = Number(events.find((e) => e['event'] === 'Ready')!['time_s']);
    const firstPending = Number(events.find((e) => e['event'] === 'Pending')!['time_s']);
    expect(firstReady % 1).not.toBe(0);
    expect(rows.find((r) => (r['r'] ?? 0) >= 1)!['t']).toBe(Math.floor(firstReady));
    expect(rows.find((r) => (r['s'] ?? 0) >= 1)!['t']).toBe(Math.floor(firstPending));
    for (const r of rows.slice(0, 90)) {
      const b = r['t']!;
      const instants = [b, ...events.map((e) => Number(e['time_s'])).filter((t) => t > b && t < b + 1)];
      expect(r['r'], `second ${b}`).toBe(Math.max(...instants.map(readyAt)));
    }
  });

  it('the waiting chart draws each timeseries.csv sample at its own time, not as a step into the next second', () => {
    const { spec } = chartsOf(dir);
    const s = spec('waiting');
    const rows = dataOf(s, 'data_waiting_0');
    const ts = csv(dir, 'timeseries.csv');
    for (const r of rows) {
      const sample = ts.find((x) => Number(x['time_s']) === r['t'])!;
      expect(r['a'], `t=${r['t']}`).toBe(Number(sample['activator_waiting']));
    }
    expect(JSON.stringify(s)).toContain('"interpolate":"linear"');
  });

  it('every panic start in autoscaler.csv is at an evaluation where the drawn panic value is above the drawn panic line', () => {
    const { spec } = chartsOf(dir);
    const rows = dataOf(spec('kpa'), 'data_kpa_0');
    const as = csv(dir, 'autoscaler.csv');
    let starts = 0;
    for (let i = 0; i < as.length; i++) {
      if (as[i]!['in_panic'] !== '1' || (i > 0 && as[i - 1]!['in_panic'] === '1')) continue;
      starts++;
      const t = Number(as[i]!['time_s']);
      const row = rows.find((r) => r['t'] === Math.round(t * 1e5) / 1e5)!;
      expect(row['p']!, `panic start at ${t}`).toBeGreaterThan(row['h']!);
    }
    expect(starts).toBeGreaterThan(0);
  });
});

/** A long run of `svc` (lognormal 50 ms median, 6 RPS): its report has 5 s buckets. */
function longRun(name: string, duration: string, app: Record<string, unknown>): string {
  const { world } = scenarioFromValue(
    {
      name,
      duration,
      services: [
        {
          manifest: {
            apiVersion: 'serving.knative.dev/v1',
            kind: 'Service',
            metadata: { name: 'svc' },
            spec: { template: { spec: { containerConcurrency: 4, containers: [{ image: 'app' }] } } },
          },
          initialPods: 2,
          app: { serviceTime: { dist: 'lognormal', median: '50ms', p99: '400ms' }, ...app },
        },
      ],
      clients: [{ name: 'c', service: 'svc', start: '0s', end: duration, open: { rps: 6 } }],
    },
    `${name}.yaml`,
  );
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-long-')), name);
  runWorld(world, { outDir: dir, trace: { mode: 'full' } });
  return dir;
}

/**
 * Each bucket row the chart draws in `data` against the nearest-rank percentiles of requests.csv's
 * `column` over the 200s completed in that 5 s bucket; returns how many rows were compared.
 */
function compareBuckets(dir: string, all: Row[], column: string): number {
  // breakGaps holds a level one more step before a gap: that copy is not a bucket's own row.
  const rows = all.filter((r, i) => r['p99'] !== null && !(i > 0 && all[i - 1]!['p99'] === r['p99'] && all[i - 1]!['p50'] === r['p50'] && (i === all.length - 1 || all[i + 1]!['p99'] === null)));
  // The 200s of each bucket, by completion time, from requests.csv.
  const byBucket = new Map<number, number[]>();
  for (const q of csv(dir, 'requests.csv')) {
    if (q['status'] !== '200') continue;
    const b = Math.floor(Number(q['end_s']) / 5 + 1e-9);
    const l = byBucket.get(b) ?? [];
    l.push(Number(q[column]));
    byBucket.set(b, l);
  }
  const rank = (sorted: number[], p: number): number => sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
  let compared = 0;
  for (const r of rows) {
    const b = Math.round((r['t']! * 60) / 5);
    const l = byBucket.get(b)!.sort((x, y) => x - y);
    for (const [key, p] of [['p50', 50], ['p95', 95], ['p99', 99]] as const) {
      const exact = rank(l, p);
      // 3 significant digits, then the chart's 0.1 ms rounding.
      expect(Math.abs(r[key]! - exact), `bucket ${b} ${key}`).toBeLessThanOrEqual(exact * 2e-3 + 0.051);
    }
    compared++;
  }
  return compared;
}

describe('latency chart of a long run', () => {
  it('plots, per bucket, the percentiles of all the 200s completed in it (requests.csv), within HDR precision', () => {
    const dir = longRun('two-hours', '2h', {});
    const { spec, axis } = chartsOf(dir);
    expect(axis.bucketSeconds).toBe(5);
    const s = spec('requests');
    expect(JSON.stringify(s)).toContain('percentiles of all 200s in each 5 s bucket');
    expect(compareBuckets(dir, dataOf(s, 'data_latency_0'), 'latency_ms')).toBeGreaterThan(1400);
    expect(readFileSync(join(dir, 'latency-buckets.csv'), 'utf8').split('\n')[0]).toBe('start_s,bucket_s,service,revision,ok,p50_ms,p95_ms,p99_ms');
  });

  it('a streaming app: the first-byte panel plots, per bucket, the percentiles of all its streamed 200s (latency-buckets.csv, requests.csv)', () => {
    const dir = longRun('streamed-hour', '1h', { stream: { firstByte: '20ms', interval: '10ms' } });
    const { spec, axis } = chartsOf(dir);
    expect(axis.bucketSeconds).toBe(5);
    const s = spec('requests');
    const text = JSON.stringify(s);
    expect(text).toContain('svc-00001: first byte of streamed 200s, percentiles of all streamed 200s in each 5 s bucket');
    expect(text).not.toContain('upper bound');
    expect(text).not.toContain('highest per-second');
    const lb = csv(dir, 'latency-buckets.csv');
    expect(Object.keys(lb[0]!).slice(-3)).toEqual(['first_byte_p50_ms', 'first_byte_p95_ms', 'first_byte_p99_ms']);
    // Every 200 streams here, and a first byte comes no later than its response's end.
    for (const row of lb) for (const p of [50, 95, 99]) expect(Number(row[`first_byte_p${p}_ms`])).toBeLessThanOrEqual(Number(row[`p${p}_ms`]));
    const drawn = dataOf(s, 'data_first_byte_0');
    expect(compareBuckets(dir, drawn, 'first_byte_ms')).toBeGreaterThan(700);
    // Lower than the latency: the panel is not the latency panel again.
    expect(Math.max(...drawn.map((r) => r['p50'] ?? 0))).toBeLessThan(Math.max(...dataOf(s, 'data_latency_0').map((r) => r['p50'] ?? 0)));
    // The same run's latency-buckets.csv without its first-byte columns (as an older knsim wrote it):
    // the panel falls back to the per-second highs, and its title and the subtitle say so.
    const file = join(dir, 'latency-buckets.csv');
    writeFileSync(file, readFileSync(file, 'utf8').split('\n').map((l) => l.split(',').slice(0, 8).join(',')).join('\n'));
    const old = JSON.stringify(chartsOf(dir).spec('requests'));
    expect(old).toContain('svc-00001: first byte of streamed 200s, percentiles per second, highest in each 5 s bucket (an upper bound)');
    expect(old).toContain("percentiles are of all the 200s completed in the bucket, the first byte's the highest per-second value");
    expect(old).toContain('svc-00001: latency of successful (200) requests, percentiles of all 200s in each 5 s bucket');
  });
});

/** Brute force from pods.csv: per service, the pods whose last state-setting event at or before t is Ready. */
function readyFromPodsCsv(dir: string): (service: string, t: number) => number {
  const events = csv(dir, 'pods.csv');
  const sets = new Set(['Pending', 'Starting', 'Ready', 'NotReady', 'CrashLoopBackOff', 'ImagePullBackOff', 'Terminating', 'Gone']);
  return (service, t) => {
    const state = new Map<string, string>();
    for (const e of events) if (e['service'] === service && Number(e['time_s']) <= t && sets.has(e['event']!)) state.set(e['pod']!, e['event']!);
    return [...state.values()].filter((s) => s === 'Ready').length;
  };
}

/** Σ level × duration (hours) of a step function given as rows {t, v} sorted by t, x in the axis unit. */
function areaHours(rows: Row[], unitSeconds: number): number {
  let a = 0;
  for (let i = 0; i + 1 < rows.length; i++) a += rows[i]!['v']! * (rows[i + 1]!['t']! - rows[i]!['t']!) * unitSeconds;
  return a / 3600;
}

describe('ready pods, all services', () => {
  it('a short run: each service at every step is its Ready pods in pods.csv, the total is timeseries.csv summed at each sample, the area is readyPodHours', () => {
    const loaded = loadScenario(join(root, 'scenarios', 'two-services.yaml'), { sets: [], durationSeconds: 240 });
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-ready-')), 'two');
    runWorld(loaded.world, { outDir: dir, trace: { mode: 'none' } });
    const { spec, axis } = chartsOf(dir);
    expect(axis.bucketSeconds).toBe(1);
    const rows = dataOf(spec('ready-pods'), 'data_readypods_0');
    const totals = dataOf(spec('ready-pods'), 'data_readytotal_0');
    const ready = readyFromPodsCsv(dir);
    const services = ['frontend', 'backend'];
    expect([...new Set(rows.map((r) => r['s'] as unknown as string))]).toEqual(services);
    // The chart keeps 5 decimals of a second, pods.csv 6: look just past the rounded instant.
    for (const r of rows) expect(r['v'], `${r['s']} at ${r['t']}`).toBe(ready(r['s'] as unknown as string, r['t']! + 1e-5));
    // The samples of timeseries.csv, summed over all revisions of all services, at their own times.
    const sum = new Map<number, number>();
    for (const x of csv(dir, 'timeseries.csv')) sum.set(Number(x['time_s']), (sum.get(Number(x['time_s'])) ?? 0) + Number(x['ready']));
    const totalAt = (t: number): number => totals.filter((r) => r['t']! <= t).at(-1)!['v']!;
    for (const [t, n] of sum) expect(totalAt(t), `t=${t}`).toBe(n);
    expect(Math.max(...sum.values())).toBeGreaterThan(5);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(Math.abs(areaHours(totals, axis.unitSeconds) - summary.overall.readyPodHours)).toBeLessThan(1e-5);
    expect(JSON.stringify(spec('ready-pods'))).toContain(`ready pod-hours: ${summary.overall.readyPodHours.toLocaleString('en-US', { maximumSignificantDigits: 4 })}`);
  });

  it('a long run: each service per bucket is its mean Ready pods over the bucket (pods.csv), and the bands add up to readyPodHours', () => {
    const svc = (name: string) => ({
      manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name }, spec: { template: { spec: { containerConcurrency: 1, containers: [{ image: 'app' }] } } } },
      app: { serviceTime: { dist: 'lognormal', median: '300ms', p99: '2s' } },
    });
    const { world } = scenarioFromValue(
      {
        name: 'two-hours-two-services',
        duration: '2h',
        services: [svc('a'), svc('b')],
        clients: [
          { name: 'ca', service: 'a', open: { rate: { shape: 'sine', mean: 2, amplitude: 2, period: '40m' } } },
          { name: 'cb', service: 'b', start: '30m', end: '90m', open: { rps: 3 } },
        ],
      },
      'two-hours-two-services.yaml',
    );
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-ready-long-')), 'long');
    runWorld(world, { outDir: dir, trace: { mode: 'none' } });
    const { spec, axis } = chartsOf(dir);
    expect(axis.bucketSeconds).toBeGreaterThan(1);
    expect(axis.unit).toBe('min');
    const rows = dataOf(spec('ready-pods'), 'data_readypods_0');
    const ready = readyFromPodsCsv(dir);
    const w = axis.bucketSeconds;
    // Instants where any count may change inside a bucket, from pods.csv.
    const times = csv(dir, 'pods.csv').map((e) => Number(e['time_s']));
    const meanOver = (service: string, a: number, b: number): number => {
      const cuts = [a, ...times.filter((t) => t > a && t < b), b];
      let area = 0;
      for (let i = 0; i + 1 < cuts.length; i++) area += ready(service, cuts[i]!) * (cuts[i + 1]! - cuts[i]!);
      return area / (b - a);
    };
    let checked = 0;
    for (const r of rows) {
      const start = Math.round((r['t']! * 60) / w) * w;
      // Every 10th bucket and every bucket where the level moves (brute force is slow).
      const moving = times.some((t) => t >= start && t < start + w);
      if (start >= axis.durationSeconds || (!moving && start % (10 * w) !== 0)) continue;
      expect(r['v']!, `${r['s']} in the bucket at ${start} s`).toBeCloseTo(meanOver(r['s'] as unknown as string, start, start + w), 3);
      checked++;
    }
    expect(checked).toBeGreaterThan(200);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    const hours = rows.filter((r) => r['t']! * 60 < axis.durationSeconds - 1e-9).reduce((a, r) => a + r['v']! * w, 0) / 3600;
    // Bucket means keep 3 decimals.
    expect(Math.abs(hours - summary.overall.readyPodHours)).toBeLessThan((rows.length * 0.0005 * w) / 3600);
    expect(summary.overall.readyPodHours).toBeGreaterThan(0.5);
  });
});

describe('502s (requests failed by OOM kills) in requests-per-second.csv and the requests chart', () => {
  let dir: string;
  let hello: string;
  beforeAll(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'knsim-truth-502-')), 'cpu');
    runWorld(loadScenario(join(root, 'scenarios', 'cpu-bound.yaml')).world, { outDir: dir, trace: { mode: 'full' } });
    hello = join(mkdtempSync(join(tmpdir(), 'knsim-truth-502-')), 'hw');
    runWorld(loadScenario(join(root, 'scenarios', 'hello-world.yaml'), { durationSeconds: 60 }).world, { outDir: hello, trace: { mode: 'none' } });
  });

  it('every second adds up, 502s included, and the 502s are summary.json\'s and requests.csv\'s', () => {
    const rows = csv(dir, 'requests-per-second.csv');
    const n = (r: Record<string, string>, k: string): number => Number(r[k]);
    for (const r of rows) expect(n(r, 'completed'), r['time_s']).toBe(n(r, 'ok') + n(r, 'status503') + n(r, 'status504') + n(r, 'client_timeouts') + n(r, 'status502'));
    const failed = rows.reduce((a, r) => a + n(r, 'status502'), 0);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBe(summary.overall.requests.status502);
    expect(failed).toBe(csv(dir, 'requests.csv').filter((r) => r['status'] === '502').length);
  });

  it('the completions chart stacks them as a fifth outcome, second by second', () => {
    const { spec } = chartsOf(dir);
    const rates = dataOf(spec('requests'), 'data_rate_0');
    const bySecond = new Map(csv(dir, 'requests-per-second.csv').map((r) => [Number(r['time_s']) - 1, Number(r['status502'])]));
    for (const r of rates) expect(r['e2'], `t=${r['t']}`).toBe(bySecond.get(r['t']!) ?? 0);
    expect(JSON.stringify(spec('requests'))).toContain('502 (app gone or not accepting)');
  });

  it('the pods chart counts the crash-looping pods in its blue line and its legend says so (it said starting)', () => {
    const { spec } = chartsOf(dir);
    const rows = dataOf(spec('pods'), 'data_pods_0');
    const events = csv(dir, 'pods.csv');
    // The first OOM kill: its pod is crash-looping, not Ready, not starting, for 10 s.
    const oom = events.find((e) => e['event'] === 'OOMKilled')!;
    const second = Math.floor(Number(oom['time_s']));
    const crashLooping = (t: number): number => {
      const state = new Map<string, string>();
      for (const e of events) if (Number(e['time_s']) <= t && ['Pending', 'Starting', 'Ready', 'CrashLoopBackOff', 'Terminating', 'Gone'].includes(e['event']!)) state.set(e['pod']!, e['event']!);
      return [...state.values()].filter((v) => v === 'CrashLoopBackOff').length;
    };
    expect(crashLooping(second + 5)).toBeGreaterThan(0);
    expect(rows.find((r) => r['t'] === second + 5)!['s']).toBeGreaterThanOrEqual(crashLooping(second + 5));
    const text = JSON.stringify(spec('pods'));
    expect(text).toContain('not Ready (pending, starting or crash-looping)');
    expect(text).not.toContain('starting (pending + starting)');
    // A run without crashes keeps its label.
    expect(JSON.stringify(chartsOf(hello).spec('pods'))).toContain('starting (pending + starting)');
  });

  it.each([
    ['memory-pressure', 'the kubelet evicting pods under node memory pressure'],
    ['websocket-scale-down', 'WebSocket sessions (a pod whose app got SIGTERM takes no new connection)'],
  ])('%s, where requests can get 502 from %s: a status502 column, and every second adds up', (name) => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-truth-502-')), name);
    runWorld(loadScenario(join(root, 'scenarios', `${name}.yaml`)).world, { outDir: out, trace: { mode: 'none' } });
    const rows = csv(out, 'requests-per-second.csv');
    const n = (r: Record<string, string>, k: string): number => Number(r[k]);
    expect(Object.keys(rows[0]!)).toContain('status502');
    for (const r of rows) expect(n(r, 'completed'), r['time_s']).toBe(n(r, 'ok') + n(r, 'status503') + n(r, 'status504') + n(r, 'client_timeouts') + n(r, 'status502'));
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(rows.reduce((a, r) => a + n(r, 'status502'), 0)).toBe(summary.overall.requests.status502 ?? 0);
  });

  it('a run where nothing can crash has no status502 column and no 502 outcome', () => {
    expect(readFileSync(join(hello, 'requests-per-second.csv'), 'utf8').split('\n')[0]).toBe('time_s,service,revision,completed,ok,status503,status504,client_timeouts,cold,p50_ms,p95_ms,p99_ms');
    const { spec } = chartsOf(hello);
    expect(dataOf(spec('requests'), 'data_rate_0').some((r) => 'e2' in r)).toBe(false);
  });
});

describe('panic shading after an autoscaler restart (autoscaler-restart)', () => {
  it("starts where the restarted decider starts in panic (more than one pod Ready), so it adds up to summary.json's panicSeconds", () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-truth-panic-')), 'restart');
    runWorld(loadScenario(join(root, 'scenarios', 'autoscaler-restart.yaml')).world, { outDir: dir, trace: { mode: 'none' } });
    const run = loadRunData(dir);
    const { ctx } = reportCharts(run);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    const restartAt = summary.autoscalerDown[0].untilSeconds as number;
    for (const r of run.revisions) {
      const shaded = panicIntervals(ctx, r);
      const total = shaded.reduce((a, i) => a + i.end - i.start, 0);
      const s = summary.revisions.find((x: { revision: string }) => x.revision === r.revision);
      expect(total, r.revision).toBeCloseTo(s.panicSeconds, 3);
    }
    const api = panicIntervals(ctx, run.revisions.find((r) => r.revision === 'api-00001')!);
    // Its first evaluation comes 2 s after the restart; the panic (and the shading) from the restart itself.
    expect(api[0]!.start).toBe(restartAt);
    expect(csv(dir, 'autoscaler.csv').find((row) => row['revision'] === 'api-00001' && Number(row['time_s']) >= restartAt)!['in_panic']).toBe('1');
  });
});

describe('an HPA-class revision beside a KPA one (kpa-vs-hpa)', () => {
  let dir: string;
  beforeAll(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'knsim-truth-hpa-')), 'kvh');
    runWorld(loadScenario(join(root, 'scenarios', 'kpa-vs-hpa.yaml'), { durationSeconds: 120 }).world, { outDir: dir, trace: { mode: 'none' } });
  });

  it('"What the KPA saw" has the KPA revision only, and says where the HPA one is', () => {
    const { charts } = reportCharts(loadRunData(dir));
    const kpa = charts.find((c) => c.id === 'kpa')!;
    const text = JSON.stringify(kpa.spec);
    expect(text).toContain('data_kpa_0');
    expect(text).not.toContain('data_kpa_1');
    expect(text).toContain('kpa-00001');
    expect(text).not.toContain('hpa-00001');
    expect(kpa.explanation).toContain('Not shown: hpa-00001, on the HPA class');
  });

  it('the settings table gives the HPA revision its target in % of the CPU request and no KPA-only values', () => {
    const run = loadRunData(dir);
    const html = buildHtml({ summary: run.summary, settings: run.settings, axis: reportCharts(run).ctx.axis, charts: [], missing: [] });
    const row = (label: string): string => html.split('\n').find((l) => l.startsWith(`<tr><td>${label}`))!;
    expect(row('target per pod')).toContain('<td>70 % of the CPU request</td>');
    expect(row('stable window')).toMatch(/<td>60<\/td><td>– \(not used by the HPA class\)<\/td>/);
    expect(row('scale-to-zero enabled')).toContain('<td>no (the HPA class never scales to zero)</td>');
  });

  it('the summary table gives the HPA revision no time in panic (it has no panic mode), and the KPA one summary.json\'s', () => {
    const run = loadRunData(dir);
    const html = buildHtml({ summary: run.summary, settings: run.settings, axis: reportCharts(run).ctx.axis, charts: [], missing: [] });
    const kpa = run.summary.revisions.find((r) => r.revision === 'kpa-00001')!.panicSeconds;
    expect(kpa).toBeGreaterThan(0);
    const row = html.split('\n').find((l) => l.startsWith('<tr><td>time in panic'))!;
    expect(row).toContain(`<td>${kpa.toLocaleString('en-US', { maximumFractionDigits: 3 })}</td><td>– (the HPA class has no panic mode)</td>`);
  });
});

describe('ready pods, before any pod is ready', () => {
  it('the y axis runs 0..1 (a one-value domain would label its tick 0.000000)', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-truth-none-')), 'hw');
    runWorld(loadScenario(join(root, 'scenarios', 'hello-world.yaml'), { durationSeconds: 1 }).world, { outDir: dir, trace: { mode: 'none' } });
    const { spec } = chartsOf(dir);
    const rows = dataOf(spec('ready-pods'), 'data_readypods_0');
    expect(rows.every((r) => r['v'] === 0)).toBe(true);
    expect(JSON.stringify(spec('ready-pods'))).toContain('"scale":{"domain":[0,1]}');
    // With pods ready, the data decide the axis.
    const dir2 = join(mkdtempSync(join(tmpdir(), 'knsim-truth-none-')), 'hw');
    runWorld(loadScenario(join(root, 'scenarios', 'hello-world.yaml'), { durationSeconds: 60 }).world, { outDir: dir2, trace: { mode: 'none' } });
    expect(JSON.stringify(chartsOf(dir2).spec('ready-pods'))).not.toContain('"domain":[0,1]');
  });
});

describe('requests still in flight when the run ends', () => {
  it('are counted apart: answered + in flight = sent, and the missing request ids are exactly those', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-truth-inflight-')), 'sfz');
    const { summary } = runWorld(loadScenario(join(root, 'scenarios', 'spike-from-zero.yaml'), { durationSeconds: 40 }).world, { outDir: dir, trace: { mode: 'full' } });
    const inFlight = summary.requestsInFlightAtEnd!;
    expect(inFlight).toBeGreaterThan(0);
    const sent = summary.overall.requests.total + inFlight;
    const ids = new Set(csv(dir, 'requests.csv').map((r) => Number(r['id'])));
    expect(ids.size).toBe(summary.overall.requests.total);
    const missing = Array.from({ length: sent }, (_, i) => i + 1).filter((id) => !ids.has(id));
    expect(missing.length).toBe(inFlight);
    expect(Math.max(...ids)).toBeLessThanOrEqual(sent);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).requestsInFlightAtEnd).toBe(inFlight);
    const run = loadRunData(dir);
    const html = buildHtml({ summary: run.summary, settings: run.settings, axis: reportCharts(run).ctx.axis, charts: [], missing: [] });
    expect(html).toContain(`Still in flight when the run ended (sent, not yet answered; in no count above): ${inFlight} requests.`);
  });

  it('a run whose requests were all answered has no such field', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-truth-inflight-')), 'hw');
    expect(runWorld(loadScenario(join(root, 'scenarios', 'hello-world.yaml')).world, { outDir: dir, trace: { mode: 'none' } }).summary.requestsInFlightAtEnd).toBeUndefined();
  });
});

describe('a run whose length is not a whole number of chart buckets', () => {
  // 1505 s of the quickstart's 30 rps: the report's buckets are 2 s wide, so the last one,
  // [1504 s, 1506 s), holds the one second [1504 s, 1505 s) of the run.
  let dir: string;
  beforeAll(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'knsim-truth-partial-')), 'qs');
    const sets = ['clients[0].open.rate.steps[2].at=30m'];
    runWorld(loadScenario(join(root, 'scenarios', 'quickstart.yaml'), { sets, durationSeconds: 1505 }).world, { outDir: dir, trace: { mode: 'none' } });
  });

  it('draws the last bucket\'s completions as a rate over its one second, up to the run\'s end, not a dip over 2 s', () => {
    const { spec, axis } = chartsOf(dir);
    expect(axis.bucketSeconds).toBe(2);
    const okOf = (t: number): number => Number(csv(dir, 'requests-per-second.csv').find((r) => Number(r['time_s']) === t)?.['ok'] ?? 0);
    const rates = dataOf(spec('requests'), 'data_rate_0');
    const x = (seconds: number): number => Math.round((seconds / 60) * 1e5) / 1e5;
    // A whole bucket: the mean over its 2 s (rows at 1503 s and 1504 s cover [1502, 1504)).
    const whole = rates.find((r) => r['t'] === x(1502))!;
    expect(whole['ok']).toBeCloseTo((okOf(1503) + okOf(1504)) / 2, 2);
    // The last: the row at 1505 s over 1 s, held from 1504 s to 1505 s.
    expect(okOf(1505)).toBeGreaterThan(15);
    expect(rates.slice(-2).map((r) => [r['t'], r['ok']])).toEqual([
      [x(1504), okOf(1505)],
      [x(1505), okOf(1505)],
    ]);
  });
});

describe('a run shorter than one second', () => {
  it('ends its charts at the run\'s end: the panic shading is summary.json\'s time in panic, and no level is drawn past the end', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-truth-short-')), 'hw');
    const { summary } = runWorld(loadScenario(join(root, 'scenarios', 'hello-world.yaml'), { durationSeconds: 0.5 }).world, { outDir: dir, trace: { mode: 'none' } });
    // Panic from the first evaluation (1 ms) to the end.
    expect(summary.overall.panicSeconds).toBe(0.499);
    const { spec, axis } = chartsOf(dir);
    expect(axis.durationSeconds).toBe(0.5);
    const layers: Array<Record<string, unknown>> = [];
    const walk = (o: unknown): void => {
      if (o === null || typeof o !== 'object') return;
      const r = o as Record<string, unknown>;
      if (r['mark'] !== undefined && r['data'] !== undefined) layers.push(r);
      for (const v of Object.values(r)) walk(v);
    };
    for (const id of ['pods', 'kpa', 'ready-pods', 'traffic', 'waiting']) walk(spec(id));
    const panic = layers.filter((l) => JSON.stringify(l['encoding']).includes('"datum":"panic mode"'));
    expect(panic.length).toBe(2);
    for (const l of panic) {
      const rows = (l['data'] as { values: Array<{ s: number; e: number }> }).values;
      // Was drawn to 1 s: 0.999 s of panic in a 0.5 s run.
      expect(rows.reduce((a, r) => a + r.e - r.s, 0)).toBeCloseTo(0.499, 9);
    }
    for (const l of layers) for (const r of (l['data'] as { values: Array<Record<string, number>> }).values) expect(r['t'] ?? r['e'] ?? 0).toBeLessThanOrEqual(0.5);
    expect(JSON.stringify(spec('pods'))).toContain('"domain":[0,0.5]');
  });
});

describe('a run that ends between whole seconds', () => {
  // 90.5 s of the quickstart (30 rps): the last half second's completions are a row at 90.5 s.
  let dir: string;
  beforeAll(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'knsim-truth-half-')), 'qs');
    runWorld(loadScenario(join(root, 'scenarios', 'quickstart.yaml'), { durationSeconds: 90.5 }).world, { outDir: dir, trace: { mode: 'full' } });
  });

  it('requests-per-second.csv counts every answered request, the last half second included', () => {
    const rows = csv(dir, 'requests-per-second.csv');
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(rows.reduce((a, r) => a + Number(r['completed']), 0)).toBe(summary.overall.requests.total);
    const late = csv(dir, 'requests.csv').filter((r) => Number(r['end_s']) > 90).length;
    expect(late).toBeGreaterThan(5);
    expect(rows.at(-1)!['time_s']).toBe('90.500000');
    expect(Number(rows.at(-1)!['completed'])).toBe(late);
  });

  it('draws the last half second\'s completions as a rate over it, held to the run\'s end, and the latency line ends there too', () => {
    const { spec } = chartsOf(dir);
    const late = csv(dir, 'requests.csv').filter((r) => Number(r['end_s']) > 90).length;
    const rates = dataOf(spec('requests'), 'data_rate_0');
    expect(rates.slice(-2).map((r) => [r['t'], r['ok']])).toEqual([
      [90, late / 0.5],
      [90.5, late / 0.5],
    ]);
    // The second before: its own row, not the half second's too.
    const ok89 = Number(csv(dir, 'requests-per-second.csv').find((r) => r['time_s'] === '90.000000')!['ok']);
    expect(rates.find((r) => r['t'] === 89)!['ok']).toBe(ok89);
    const latency = dataOf(spec('requests'), 'data_latency_0');
    expect(Math.max(...latency.map((r) => r['t']!))).toBe(90.5);
  });
});

describe('cold starts in the requests chart', () => {
  it('are the requests.csv cold ones, and the explanation says what those are: requests that waited for more pods while one was up are not', () => {
    // The hello-world app as a fresh deploy: its first pod is Ready at 2.8 s, and then 20 users wait for 28 more.
    const { world } = scenarioFromValue(
      {
        name: 'fresh',
        duration: '30s',
        services: [
          {
            manifest: {
              apiVersion: 'serving.knative.dev/v1',
              kind: 'Service',
              metadata: { name: 'hello' },
              spec: { template: { spec: { containerConcurrency: 1, containers: [{ image: 'app' }] } } },
            },
            app: { serviceTime: '1s' },
          },
        ],
        clients: [{ name: 'hey', service: 'hello', start: '0s', end: '30s', closed: { users: 20, think: '0s' } }],
      },
      'fresh.yaml',
    );
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-truth-cold-')), 'fresh');
    runWorld(world, { outDir: dir, trace: { mode: 'full' } });
    const requests = csv(dir, 'requests.csv').filter((r) => r['status'] === '200');
    // Waited over a second at the activator for a pod that was still starting, yet not cold: a pod was usable.
    const waitedWarm = requests.filter((r) => r['cold'] === '0' && Number(r['activator_queue_ms']) > 1000);
    expect(waitedWarm.length).toBeGreaterThan(20);
    // None is cold (the route opened with the first pod Ready), so the chart has no orange mark.
    expect(csv(dir, 'requests.csv').filter((r) => r['cold'] === '1').length).toBe(0);
    expect(JSON.stringify(chartsOf(dir).spec('requests'))).not.toContain('data_cold_0');
    const run = loadRunData(dir);
    const chart = reportCharts(run).charts.find((c) => c.id === 'requests')!;
    expect(chart.explanation).toContain('no orange bars: no request shown was a cold start, one that reached an activator while its revision had no usable pod');
    expect(chart.explanation).not.toContain('waited for a pod to start');
  });
});
