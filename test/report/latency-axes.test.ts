/**
 * The run report's latency charts show what their titles say. The CDF's legend names only the
 * curves drawn (it listed "cold start" under a panel titled "no cold starts"), and the log
 * latency axes label every tick they draw: vega ticked 1..9 of each power of ten, blanked 6..9
 * and hid whichever labels overlapped (5,000 on the CDF of hello-world, 400 and 4,000 on its
 * latency panel), so 3,000 and 4,000 were labelled and 5,000 was a bare tick.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { logTicks } from '../../src/output/report/charts/log-ticks.js';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { chartScene } from '../support/chart-scene.js';
import { dataOf } from '../support/chart-data.js';

const root = resolve(import.meta.dirname, '../..');

function run(name: string, sets: string[], trace: 'none' | 'full' = 'none'): string {
  const loaded = loadScenario(join(root, 'scenarios', 'hello-world.yaml'), { sets, durationSeconds: 60 });
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-latency-axes-')), name);
  runWorld(loaded.world, { outDir: dir, trace: { mode: trace } });
  return dir;
}

const chart = (dir: string, id: string) => reportCharts(loadRunData(dir)).charts.find((c) => c.id === id)!;

describe('the latency charts of hello-world', () => {
  let cold: string;
  let warm: string;
  beforeAll(() => {
    // From zero: 20 requests wait for the first pod. With three pods up from the start, none does.
    cold = run('cold', []);
    warm = run('warm', ['services[0].initialPods=3']);
  });

  it('the CDF of a run without cold starts has no cold-start entry in its legend, nor "cold vs warm" in its title', async () => {
    const c = chart(warm, 'latency-cdf');
    const scene = await chartScene(c.spec);
    expect(scene.legends.map((l) => [l.title, l.labels])).toEqual([['requests (share, %)', ['warm (a pod was ready)']]]);
    expect(JSON.stringify(c.spec)).toContain('"hello-00001 (no cold starts)"');
    expect((c.spec.title as { text: string }).text).toBe('Latency distribution (CDF), warm only');
    expect(c.explanation).toContain('none was a cold start');
  });

  it('the CDF of a run with cold starts names both curves', async () => {
    const c = chart(cold, 'latency-cdf');
    const scene = await chartScene(c.spec);
    expect(scene.legends.map((l) => l.labels)).toEqual([['warm (a pod was ready)', 'cold start (waited for a pod)']]);
    expect((c.spec.title as { text: string }).text).toBe('Latency distribution (CDF), cold vs warm');
  });

  it('a run that streams adds the first byte\'s curve: latency-cdf.csv\'s first_byte points, up to summary.json\'s firstByteMs.max', async () => {
    const dir = run('streamed', ['services[0].app.stream={firstByte: 200ms, interval: 100ms}']);
    const data = loadRunData(dir);
    const rev = data.revisions[0]!;
    expect(rev.cdf.firstByte).toHaveLength(200);
    const csv = readFileSync(join(dir, 'latency-cdf.csv'), 'utf8').trim().split('\n').filter((l) => l.split(',')[2] === 'first_byte');
    expect(csv.map((l) => Number(l.split(',')[3]))).toEqual(rev.cdf.firstByte.map((p) => p.ms));
    expect(rev.cdf.firstByte.at(-1)!.ms).toBe(data.summary.revisions[0]!.firstByteMs!.max);
    const c = chart(dir, 'latency-cdf');
    const scene = await chartScene(c.spec);
    expect(scene.legends.map((l) => l.labels)).toEqual([['warm (a pod was ready)', 'cold start (waited for a pod)', 'first byte, streamed (all 200s)']]);
    expect((c.spec.title as { text: string }).text).toBe('Latency distribution (CDF), cold vs warm, and the first byte');
    expect(c.explanation).toContain('The first-byte curve is of the streamed responses');
    // The chart draws exactly the file's points for each kind.
    const drawn = (JSON.stringify(c.spec).match(/"k":"firstByte"/g) ?? []).length;
    expect(drawn).toBe(200);
    // The first byte comes 0.2 s into the work (hello-world's is 1 s): its curve lies left of the warm one.
    expect(rev.cdf.firstByte[99]!.ms).toBeLessThan(rev.cdf.warm[99]!.ms);
  });

  it('a run that streams: requests-per-second.csv\'s first-byte percentiles are each second\'s, and a third panel draws them', async () => {
    const dir = run('streamed-series', ['services[0].app.stream={firstByte: 200ms, interval: 100ms}'], 'full');
    const rows = (f: string) => {
      const [head, ...lines] = readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => l.split(','));
      return lines.map((c) => Object.fromEntries(head!.map((h, k) => [h, c[k]!])));
    };
    const series = rows('requests-per-second.csv');
    expect(Object.keys(series[0]!).slice(-3)).toEqual(['first_byte_p50_ms', 'first_byte_p95_ms', 'first_byte_p99_ms']);
    // From requests.csv: the 200s completed in each second (t − 1, t], nearest rank, to the csv's µs rounding.
    const ok = rows('requests.csv').filter((q) => q['status'] === '200');
    const nearest = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.max(1, Math.ceil((p / 100) * xs.length)) - 1]!;
    let compared = 0;
    for (const row of series) {
      const t = Number(row['time_s']);
      const mine = ok.filter((q) => Number(q['end_s']) > t - 1 && Number(q['end_s']) <= t);
      // Completions on a whole second may fall either side of the sample: left out.
      if (mine.some((q) => Math.abs(Number(q['end_s']) - Math.round(Number(q['end_s']))) < 1e-5)) continue;
      expect(mine.length, `${t}`).toBe(Number(row['ok']));
      const fb = mine.map((q) => Number(q['first_byte_ms']));
      for (const p of [50, 95, 99]) {
        if (fb.length === 0) expect(row[`first_byte_p${p}_ms`]).toBe('');
        else expect(Math.abs(Number(row[`first_byte_p${p}_ms`]) - nearest(fb, p))).toBeLessThanOrEqual(0.002);
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(30);
    // The chart's third panel: the same values, each at its second's start (1 decimal).
    const c = chart(dir, 'requests');
    const panels = (c.spec as { vconcat: Array<{ title: string; name?: string; data?: { values: Array<Record<string, unknown>> } }> }).vconcat;
    expect(panels.map((p) => p.title)).toEqual(['hello-00001: completions per second', 'hello-00001: latency of successful (200) requests, percentiles of each second', 'hello-00001: first byte of streamed 200s, percentiles of each second']);
    const drawn = new Map(dataOf<Record<string, unknown>>(panels[2], 'data_first_byte_0').filter((v) => typeof v['p99'] === 'number').map((v) => [v['t'] as number, v]));
    let checked = 0;
    for (const row of series) {
      if (row['first_byte_p99_ms'] === '') continue;
      const v = drawn.get(Math.ceil(Number(row['time_s']) - 1e-9) - 1)!;
      for (const p of [50, 95, 99]) expect(Math.abs((v[`p${p}`] as number) - Number(row[`first_byte_p${p}_ms`]))).toBeLessThanOrEqual(0.05);
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
    expect(c.explanation).toContain('a third panel has the same percentiles of the time to the first byte');
    // Without a stream: the file's columns and the chart's two panels as before.
    expect(readFileSync(join(warm, 'requests-per-second.csv'), 'utf8').split('\n')[0]).toBe('time_s,service,revision,completed,ok,status503,status504,client_timeouts,cold,p50_ms,p95_ms,p99_ms');
    expect((chart(warm, 'requests').spec as { vconcat: unknown[] }).vconcat).toHaveLength(2);
  });

  it('labels every tick of the log latency axes, and the ticks reach past the slowest and fastest request', async () => {
    const summary = loadRunData(cold).summary;
    const slowest = summary.overall.latencyMs.max;
    expect(slowest).toBeGreaterThan(4000);
    for (const id of ['latency-cdf', 'requests']) {
      const scene = await chartScene(chart(cold, id).spec);
      const axis = scene.axes.find((a) => a.title.startsWith('latency (ms, log'))!;
      expect(axis.hidden, id).toEqual([]);
      expect(axis.labels.every((l) => l !== ''), `${id}: ${axis.labels.join(' ')}`).toBe(true);
      const values = axis.labels.map((l) => Number(l.replace(/,/g, '')));
      expect(values[values.length - 1]!, id).toBeGreaterThanOrEqual(slowest);
      expect(values[0]!, id).toBeLessThanOrEqual(1001.471);
    }
    // 200 pixels wide per decade and more on the CDF: 1, 2, 3, 4 and 5 thousand all fit.
    expect((await chartScene(chart(cold, 'latency-cdf').spec)).axes.find((a) => a.title === 'latency (ms, log)')!.labels).toEqual(['1,000', '2,000', '3,000', '4,000', '5,000']);
  });
});

describe('the latency CDF of two revisions (kpa-vs-hpa)', () => {
  it('draws both panels on one latency axis, from below the fastest to above the slowest point in latency-cdf.csv', async () => {
    const loaded = loadScenario(join(root, 'scenarios', 'kpa-vs-hpa.yaml'), { sets: [], durationSeconds: 600 });
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-latency-axes-')), 'kpa-vs-hpa');
    runWorld(loaded.world, { outDir: dir, trace: { mode: 'none' } });
    const [, ...lines] = readFileSync(join(dir, 'latency-cdf.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const drawnKinds = new Set(['warm', 'cold']);
    const ms = (rev: string) => lines.filter((c) => c[1] === rev && drawnKinds.has(c[2]!)).map((c) => Number(c[3]));
    const kpa = ms('kpa-00001');
    const hpa = ms('hpa-00001');
    // Each revision's own ticks would end elsewhere: the same latency at two places in the stack.
    const own = (xs: number[]) => logTicks(Math.min(...xs), Math.max(...xs), 760, { padding: 12 }).domain;
    expect(own(hpa)).not.toEqual(own(kpa));
    const panels = (chart(dir, 'latency-cdf').spec as { vconcat: Array<{ title: string; encoding: { x: { scale: { domain: number[] }; axis: { values: number[] } } } }> }).vconcat;
    expect(panels.map((p) => p.title)).toEqual(['kpa / kpa-00001 (no cold starts)', 'hpa / hpa-00001 (no cold starts)']);
    const [a, b] = panels.map((p) => p.encoding.x);
    expect(b!.scale.domain).toEqual(a!.scale.domain);
    expect(b!.axis.values).toEqual(a!.axis.values);
    const [lo, hi] = a!.scale.domain as [number, number];
    expect(lo).toBeLessThanOrEqual(Math.min(...kpa, ...hpa));
    expect(hi).toBeGreaterThanOrEqual(Math.max(...kpa, ...hpa));
    const scene = await chartScene(chart(dir, 'latency-cdf').spec);
    const axes = scene.axes.filter((x) => x.title === 'latency (ms, log)');
    expect(axes).toHaveLength(2);
    expect(axes[1]!.labels).toEqual(axes[0]!.labels);
    expect(axes.flatMap((x) => x.hidden)).toEqual([]);
  });
});

describe('log latency ticks', () => {
  it('label 1, 2, 3, 4, 5 of each power of ten where they fit, else 1, 2, 5, else 1, 3, else powers of ten, which the result says', () => {
    expect(logTicks(1001, 4873, 760, { padding: 12 })).toMatchObject({ values: [1000, 2000, 3000, 4000, 5000], decadesOnly: false });
    // 148 pixels for one decade and a half, stacked: 4,000 and 5,000 are 20 pixels apart, less than a label and its gap.
    expect(logTicks(1001, 4873, 160, { vertical: true, padding: 6 })).toMatchObject({ values: [1000, 2000, 5000], decadesOnly: false });
    expect(logTicks(12, 4873, 160, { vertical: true, padding: 6 })).toMatchObject({ values: [10, 30, 100, 300, 1000, 3000, 10000], decadesOnly: false });
    expect(logTicks(3, 40_000, 160, { vertical: true, padding: 6 })).toMatchObject({ values: [1, 10, 100, 1000, 10000, 100000], decadesOnly: true });
    expect(logTicks(0.4, 2, 760)).toMatchObject({ values: [0.4, 0.5, 1, 2], labels: ['0.4', '0.5', '1', '2'] });
  });

  it('always has two ticks around the values, one value included', () => {
    expect(logTicks(1000, 1000, 760).values).toEqual([1000, 2000]);
    expect(logTicks(1e-3, 1e9, 30, { vertical: true }).values.length).toBe(2);
  });
});
