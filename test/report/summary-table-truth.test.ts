/**
 * The report's summary table says what the run's CSVs say: each revision's request counts by status,
 * cold starts, latency percentiles and max of its 200s, max ready pods and pod-seconds, brute force
 * from requests.csv and pods.csv, and its whole-run column is the sum (or, for latency, all the 200s).
 * Runs of shipped scenarios with 503s (activator-crash), 502s (hang), 504s and streaming
 * (llm-streaming) and two services (two-services), shortened.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import { buildHtml } from '../../src/output/report/html.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { csv } from '../support/chart-data.js';

const root = resolve(import.meta.dirname, '../..');

function runOf(name: string, seconds: number): string {
  const loaded = loadScenario(join(root, 'scenarios', `${name}.yaml`), { durationSeconds: seconds });
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-summary-truth-')), name);
  runWorld(loaded.world, { outDir: dir, trace: { mode: 'full' } });
  return dir;
}

/** The summary table of the report page: row label → column heading → number (NaN for a dash). */
function summaryTable(dir: string): Map<string, Map<string, number>> {
  const run = loadRunData(dir);
  const html = buildHtml({ summary: run.summary, settings: run.settings, axis: reportCharts(run).ctx.axis, charts: [], missing: [] });
  const table = /<table class="summary">([\s\S]*?)<\/table>/.exec(html)![1]!;
  const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<t[hd]>([^<]*)<\/t[hd]>/g)].map((c) => c[1]!));
  const heads = rows[0]!;
  const out = new Map<string, Map<string, number>>();
  for (const r of rows.slice(1)) out.set(r[0]!, new Map(r.slice(1).map((c, i) => [heads[i + 1]!, Number(c.replace(/,/g, '').split(' ')[0])])));
  return out;
}

/** The exact p-th percentile (nearest rank) of sorted values. */
const rank = (sorted: readonly number[], p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** What requests.csv and pods.csv say of each revision and of the whole run. */
function truthOf(dir: string, end: number) {
  const requests = csv(dir, 'requests.csv');
  const pods = csv(dir, 'pods.csv');
  const columns = new Map<string, { requests: typeof requests; pods: typeof pods }>();
  const col = (name: string) => columns.get(name) ?? columns.set(name, { requests: [], pods: [] }).get(name)!;
  for (const r of requests) for (const c of ['whole run', r['revision']!]) col(c).requests.push(r);
  for (const p of pods) col(p['revision']!).pods.push(p);
  return new Map(
    [...columns].map(([name, { requests: rs, pods: ps }]) => {
      const ok = rs.filter((r) => r['status'] === '200').map((r) => Number(r['latency_ms'])).sort((a, b) => a - b);
      const count = (status: string) => rs.filter((r) => r['status'] === status).length;
      // Ready pods level, event by event; pod time from Pending to Gone (or the run's end).
      const ready = new Set<string>();
      let maxReady = 0;
      const born = new Map<string, number>();
      let podSeconds = 0;
      for (const p of ps) {
        const pod = p['pod']!;
        const t = Number(p['time_s']);
        if (p['event'] === 'Ready') maxReady = Math.max(maxReady, ready.add(pod).size);
        if (p['event'] === 'NotReady' || p['event'] === 'CrashLoopBackOff' || p['event'] === 'Terminating') ready.delete(pod);
        if (p['event'] === 'Pending') born.set(pod, t);
        if (p['event'] === 'Gone') {
          podSeconds += t - born.get(pod)!;
          born.delete(pod);
        }
      }
      for (const t of born.values()) podSeconds += end - t;
      return [name, { total: rs.length, ok, s503: count('503'), s504: count('504'), s502: count('502'), cold: rs.filter((r) => r['cold'] === '1').length, maxReady, podSeconds }] as const;
    }),
  );
}

describe.each([
  ['activator-crash', 180],
  ['hang', 300],
  ['llm-streaming', 300],
  ['two-services', 240],
])('the summary table of %s (%i s) against its CSVs', (name, seconds) => {
  const dir = runOf(name, seconds);
  const table = summaryTable(dir);
  const truth = truthOf(dir, seconds);
  const cell = (row: string, column: string): number => {
    const v = table.get(row)?.get(column);
    expect(v, `${row} / ${column}`).toBeDefined();
    return v!;
  };

  it('has a column per revision and the whole run, and counts every request by its status', () => {
    expect([...table.get('requests (count)')!.keys()].sort()).toEqual([...truth.keys()].sort());
    for (const [column, t] of truth) {
      expect(cell('requests (count)', column), column).toBe(t.total);
      expect(cell('200 OK (count, % of requests)', column), column).toBe(t.ok.length);
      expect(cell('503 (count)', column), column).toBe(t.s503);
      expect(cell('504 (count)', column), column).toBe(t.s504);
      if (table.has('502, the app exited, was killed or evicted, or took no connection (count)')) expect(cell('502, the app exited, was killed or evicted, or took no connection (count)', column), column).toBe(t.s502);
      else expect(t.s502, column).toBe(0);
      expect(cell('cold-start requests (count)', column), column).toBe(t.cold);
    }
  });

  it('gives the 200s\' latency percentiles within the histogram\'s 3 significant digits, none above the max, which is exact', () => {
    for (const [column, t] of truth) {
      if (t.ok.length === 0) continue;
      const max = cell('latency max of 200s (ms)', column);
      expect(max, column).toBeCloseTo(t.ok.at(-1)!, 3);
      let previous = 0;
      for (const p of [50, 95, 99]) {
        const shown = cell(`latency p${p} of 200s (ms)`, column);
        expect(Math.abs(shown - rank(t.ok, p)), `${column} p${p}: ${shown} for ${rank(t.ok, p)}`).toBeLessThanOrEqual(rank(t.ok, p) * 1e-3 + 1e-3);
        expect(shown, `${column} p${p}`).toBeLessThanOrEqual(max);
        expect(shown, `${column} p${p}`).toBeGreaterThanOrEqual(previous);
        previous = shown;
      }
    }
  });

  it('gives each revision\'s max ready pods and pod-seconds as pods.csv has them', () => {
    for (const [column, t] of truth) {
      if (column === 'whole run') continue;
      expect(cell('max ready pods (count)', column), column).toBe(t.maxReady);
      expect(cell('pod time, Pending to Gone (pod-seconds)', column), column).toBeCloseTo(t.podSeconds, 2);
    }
  });
});
