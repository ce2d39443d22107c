/**
 * The CPU chart draws timeseries.csv's CPU columns (metrics-server's usage and the pods'
 * requests) per revision, and exists only when the run modelled CPU.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { csv } from '../support/chart-data.js';

const root = resolve(import.meta.dirname, '../..');

function run(name: string, durationSeconds: number, sets: string[] = []): string {
  const loaded = loadScenario(join(root, 'scenarios', `${name}.yaml`), { sets, durationSeconds });
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-cpu-chart-')), name);
  runWorld(loaded.world, { outDir: dir, trace: { mode: 'none' } });
  return dir;
}

type Row = Record<string, number | null>;

function panelRows(spec: unknown, name: string): Row[] {
  let found: Row[] | undefined;
  const walk = (o: unknown): void => {
    if (found !== undefined || o === null || typeof o !== 'object') return;
    const r = o as Record<string, unknown>;
    if (r['name'] === name) found = (r['data'] as { values: Row[] }).values;
    else for (const v of Object.values(r)) walk(v);
  };
  walk(spec);
  expect(found, name).toBeDefined();
  return found!;
}

describe('CPU usage vs request chart', () => {
  let dir: string;
  beforeAll(() => {
    dir = run('kpa-vs-hpa', 300);
  });

  it('has one panel per revision whose points are timeseries.csv’s cpu_usage_m and cpu_request_m at each second', () => {
    const { charts, ctx } = reportCharts(loadRunData(dir));
    expect(ctx.axis.bucketSeconds).toBe(1);
    const chart = charts.find((c) => c.id === 'cpu')!;
    expect(chart.heading).toBe('CPU usage vs request');
    const ts = csv(dir, 'timeseries.csv');
    const revisions = ctx.run.revisions.map((r) => r.revision);
    expect(revisions).toEqual(['kpa-00001', 'hpa-00001']);
    let checked = 0;
    revisions.forEach((rev, i) => {
      const rows = panelRows(chart.spec, `data_cpu_${i}`);
      // Seconds before metrics-server's first report of the revision have nothing to draw.
      const mine = ts.filter((x) => x['revision'] === rev && (x['cpu_usage_m'] !== '' || x['cpu_request_m'] !== ''));
      expect(rows.length).toBe(mine.length);
      expect(rows[0]!['t']).toBe(15);
      for (const r of rows) {
        const sample = mine.find((x) => Number(x['time_s']) === r['t'])!;
        const num = (k: string): number | null => (sample[k] === '' ? null : Number(sample[k]));
        expect(r['u'], `${rev} t=${r['t']}`).toBe(num('cpu_usage_m'));
        expect(r['r'], `${rev} t=${r['t']}`).toBe(num('cpu_request_m'));
        expect(r['pct'], `${rev} t=${r['t']}`).toBe(num('cpu_utilization_pct'));
        if (r['u'] !== null) checked++;
      }
    });
    expect(checked).toBeGreaterThan(500);
    // The axis is in millicores, and the HPA revision's request is 1025m per pod (1 CPU + the queue-proxy's 25m).
    expect(JSON.stringify(chart.spec)).toContain('"title":"CPU (millicores)"');
    expect(panelRows(chart.spec, 'data_cpu_1').find((r) => r['t'] === 30)!['r']).toBe(1025);
  });

  it('names its request line for the pods with metrics, which is what cpu_request_m sums (not every pod)', () => {
    const { charts } = reportCharts(loadRunData(dir));
    const spec = JSON.stringify(charts.find((c) => c.id === 'cpu')!.spec);
    const ts = csv(dir, 'timeseries.csv').filter((x) => x['revision'] === 'hpa-00001' && x['cpu_request_m'] !== '');
    // 1025m per pod with metrics; seconds where a Ready pod has no metrics yet show it is not all pods.
    for (const x of ts) expect(Number(x['cpu_request_m'])).toBe(1025 * Number(x['pods_with_metrics']));
    expect(ts.some((x) => Number(x['pods_with_metrics']) < Number(x['ready']))).toBe(true);
    expect(spec).toContain('CPU request (pods with metrics)');
    expect(spec).not.toContain('all pods');
  });

  it('counts terminating pods in its ratio, as timeseries.csv does, and does not call that ratio the HPA’s utilization', () => {
    // The HPA scales hpa-00001 from 6 pods to 4 at 765 s; the 2 it removes drain until 795 s with metrics.
    const full = run('kpa-vs-hpa', 830);
    const chart = reportCharts(loadRunData(full)).charts.find((c) => c.id === 'cpu')!;
    const rows = panelRows(chart.spec, 'data_cpu_1');
    const ts = csv(full, 'timeseries.csv').filter((x) => x['revision'] === 'hpa-00001' && x['cpu_usage_m'] !== '');
    for (const x of ts) {
      const r = rows.find((row) => row['t'] === Number(x['time_s']) && row['u'] !== null)!;
      expect(r['n'], `t=${x['time_s']}`).toBe(Number(x['pods_with_metrics']));
      expect(r['pct'], `t=${x['time_s']}`).toBe(Number(x['cpu_utilization_pct']));
    }
    // At the HPA's 780 s sync: 4 Ready pods and 2 terminating ones with metrics. The HPA left the 2 out
    // (upstream groupPods ignores pods with a deletionTimestamp) and saw 8 %; the chart's ratio over 6 pods is 5 %.
    const at780 = ts.find((x) => x['time_s'] === '780.000000')!;
    expect([at780['ready'], at780['terminating'], at780['pods_with_metrics'], at780['cpu_utilization_pct']]).toEqual(['4', '2', '6', '5']);
    const sync = csv(full, 'autoscaler.csv').find((x) => x['revision'] === 'hpa-00001' && x['time_s'] === '780.000000')!;
    expect([sync['ready_pods'], sync['observed_stable']]).toEqual(['4', '8']);
    expect(rows.find((r) => r['t'] === 780)).toMatchObject({ pct: 5, n: 6 });
    expect(chart.explanation).not.toContain('the utilization the HPA scales on (hover');
    expect(chart.explanation).toContain('terminating ones included');
    expect(chart.explanation).toContain('observed_stable in autoscaler.csv');
    const spec = JSON.stringify(chart.spec);
    expect(spec).toContain('"title":"pods with metrics (count)"');
    expect(spec).not.toContain('"title":"utilization (% of request)"');
  });

  it('on a run measured in minutes, titles the tooltip time in minutes, as its x values are', () => {
    const long = run('kpa-vs-hpa', 1260);
    const { charts, ctx } = reportCharts(loadRunData(long));
    expect(ctx.axis.unit).toBe('min');
    const spec = JSON.stringify(charts.find((c) => c.id === 'cpu')!.spec);
    expect(panelRows(charts.find((c) => c.id === 'cpu')!.spec, 'data_cpu_1').at(-1)!['t']).toBeLessThanOrEqual(21);
    expect(spec).toContain('{"field":"t","type":"quantitative","title":"time since start (min)"}');
    expect(spec).not.toContain('"title":"time (s)"');
  });

  it('breaks its lines over the seconds no pod had metrics, instead of holding the last value across them', () => {
    // cpu-bound without its burst, every running container crashing at 193.5 s: restarted at once, each is up at
    // 194.5, too young at the 195 s scrape and with no point of its own before it, so no pod has metrics until 210 s.
    const cb = run('cpu-bound', 360, ['clients[0].open.rate.steps[1].rps=15', 'services[0].app.faults=[{kind: crash, at: 193.5s}]']);
    const chart = reportCharts(loadRunData(cb)).charts.find((c) => c.id === 'cpu')!;
    const rows = panelRows(chart.spec, 'data_cpu_0');
    const ts = csv(cb, 'timeseries.csv');
    const gap = ts.filter((x) => Number(x['time_s']) > 15 && x['cpu_usage_m'] === '').map((x) => Number(x['time_s']));
    expect(gap).toEqual(Array.from({ length: 15 }, (_, i) => 195 + i));
    // The last step runs to the gap's first second, where a row of nulls breaks the lines (Vega-Lite's
    // default for lines); nothing is drawn inside the gap.
    const before = rows.find((r) => r['t'] === gap[0]! - 1)!;
    expect(before['u']).toBeGreaterThan(0);
    const at = rows.filter((r) => r['t'] === gap[0]);
    expect(at).toEqual([{ ...before, t: gap[0] }, { t: gap[0], u: null, r: null, pct: null, n: null }]);
    expect(rows.filter((r) => gap.slice(1).includes(r['t']!))).toEqual([]);
    expect(JSON.stringify(chart.spec)).not.toContain('"invalid"');
  });

  it('draws the revisions that model CPU when another does not (its resource cells, pod count included, are empty)', () => {
    const loaded = loadScenario(join(root, 'test/fixtures/report/cpu-one-of-two.yaml'));
    const mixed = join(mkdtempSync(join(tmpdir(), 'knsim-cpu-chart-')), 'mixed');
    runWorld(loaded.world, { outDir: mixed, trace: { mode: 'none' } });
    const ts = csv(mixed, 'timeseries.csv');
    expect(ts.filter((x) => x['revision'] === 'plain-00001').every((x) => x['pods_with_metrics'] === '' && x['cpu_usage_m'] === '')).toBe(true);
    const chart = reportCharts(loadRunData(mixed)).charts.find((c) => c.id === 'cpu')!;
    const drawn = ts.filter((x) => x['revision'] === 'cpu-00001' && x['cpu_usage_m'] !== '');
    expect(drawn.length).toBeGreaterThan(0);
    expect(panelRows(chart.spec, 'data_cpu_0').map((r) => r['n'])).toEqual(drawn.map((x) => Number(x['pods_with_metrics'])));
    expect(JSON.stringify(chart.spec)).not.toContain('data_cpu_1');
  });

  it('is left out of a run without CPU columns', () => {
    const plain = run('hello-world', 60);
    expect(reportCharts(loadRunData(plain)).charts.map((c) => c.id)).not.toContain('cpu');
  });
});
