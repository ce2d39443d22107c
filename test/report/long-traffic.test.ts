import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { csv, dataOf } from '../support/chart-data.js';

const root = resolve(import.meta.dirname, '../..');

describe('traffic chart of a long run (bucketed)', () => {
  it('a revision created mid-bucket: each band is the mean of timeseries.csv over all the bucket\'s seconds (0 % before it exists), and the stack is 100 %', () => {
    // blue-green for 2 h (5 s buckets) with its update at 56 s: hello-green's rows start at 56 s and it takes 100 % at 59 s.
    const loaded = loadScenario(join(root, 'scenarios', 'blue-green.yaml'), { sets: ['services[0].updates[0].at=56s', 'clients[0].open.rps=5'], durationSeconds: 7200 });
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-long-traffic-')), 'bg');
    runWorld(loaded.world, { outDir: dir, trace: { mode: 'none' } });
    const { charts, ctx } = reportCharts(loadRunData(dir));
    expect(ctx.axis.bucketSeconds).toBe(5);
    const rows = dataOf<{ t: number; r: string; v: number }>(charts.find((c) => c.id === 'traffic')!.spec, 'data_traffic_0');
    const ts = csv(dir, 'timeseries.csv');
    const seconds = [...new Set(ts.map((x) => Number(x['time_s'])))];
    const shareAt = (rev: string, t: number): number => Number(ts.find((x) => x['revision'] === rev && Number(x['time_s']) === t)?.['traffic_percent'] ?? 0);
    // The bucket of the switch, from the CSV: blue 100 % for 55–58 s, green from 59 s.
    expect([55, 56, 57, 58, 59].map((t) => shareAt('hello-green', t))).toEqual([0, 0, 0, 0, 100]);
    const at = (rev: string, b: number) => rows.find((x) => x.r === rev && Math.abs(x.t * 60 - b * 5) < 1e-3)!.v;
    expect(at('hello-blue', 11)).toBe(80);
    expect(at('hello-green', 11)).toBe(20);
    const total = new Map<number, number>();
    for (const x of rows) total.set(x.t, (total.get(x.t) ?? 0) + x.v);
    for (const [t, v] of total) expect(v, `t=${t} min`).toBeCloseTo(100, 1);
    // Every bucket of the first ten minutes against the CSV's seconds.
    for (let b = 0; b < 120; b++) {
      const inB = seconds.filter((t) => t >= b * 5 && t < b * 5 + 5);
      for (const rev of ['hello-blue', 'hello-green']) {
        expect(at(rev, b), `${rev} bucket ${b}`).toBeCloseTo(inB.reduce((a, t) => a + shareAt(rev, t), 0) / inB.length, 2);
      }
    }
  });
});

describe('latency panel of a long run (5 s buckets on a minute axis)', () => {
  it('breaks its lines only where a bucket has no 200s in latency-buckets.csv (x values rounded to 0.08333 and 0.08334 min apart broke them every third bucket)', () => {
    const loaded = loadScenario(join(root, 'scenarios', 'blue-green.yaml'), { sets: ['clients[0].open.rps=5'], durationSeconds: 3600 });
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-long-gaps-')), 'bg');
    runWorld(loaded.world, { outDir: dir, trace: { mode: 'none' } });
    const { charts, ctx } = reportCharts(loadRunData(dir));
    expect(ctx.axis.bucketSeconds).toBe(5);
    expect(ctx.axis.unit).toBe('min');
    const rows = dataOf(charts.find((c) => c.id === 'requests')!.spec, 'data_latency_1');
    const withOk = new Set(csv(dir, 'latency-buckets.csv').filter((x) => x['revision'] === 'hello-green').map((x) => Number(x['start_s']) / 5));
    // Buckets followed by one without 200s: where the line must break (a null row), and nowhere else.
    const starts = [...withOk].sort((a, b) => a - b);
    const expected = starts.filter((b, i) => i + 1 < starts.length && starts[i + 1] !== b + 1).length;
    expect(starts.length).toBeGreaterThan(600);
    expect(rows.filter((r) => r['p50'] === null)).toHaveLength(expected);
    // Each bucket with 200s has its row, at its own start.
    for (const b of starts) expect(rows.some((r) => r['p50'] !== null && Math.abs(r['t']! * 60 - b * 5) < 1e-3), `bucket ${b}`).toBe(true);
  });
});
