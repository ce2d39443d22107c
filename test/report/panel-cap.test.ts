/**
 * Per-revision charts stack at most MAX_PANELS panels: the busiest revisions (services for the
 * traffic chart) by requests answered, in their order, with a subtitle line naming how many were
 * left out. Before, a run of 100 services drew charts up to 75,000 pixels tall and `knsim report`
 * took 3.8 GB and 30 s; 1,000 services ran it out of memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PANELS, busiest } from '../../src/output/report/charts/common.js';
import { loadRunData, reportCharts, type RunData } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { scenarioFromValue } from '../../src/scenario/load.js';

const SERVICES = 26;

/** svc-00 … svc-25 at 1 … 26 rps, so the busiest are the last MAX_PANELS. */
function scenario(): Record<string, unknown> {
  const names = Array.from({ length: SERVICES }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
  return {
    name: 'many',
    duration: '40s',
    services: names.map((name) => ({
      manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name }, spec: { template: { spec: { containerConcurrency: 10, containers: [{ image: 'app' }] } } } },
      initialPods: 1,
      app: { serviceTime: '50ms' },
    })),
    clients: names.map((name, i) => ({ name: `${name}-load`, service: name, open: { process: 'uniform', rps: i + 1 } })),
  };
}

/** The titles of a chart's panels. */
function panelTitles(spec: unknown): string[] {
  const v = (spec as { vconcat: Array<{ title?: unknown }> }).vconcat;
  return v.map((p) => (typeof p.title === 'string' ? p.title : '')).filter((t) => t !== '');
}

describe('charts of a run with more revisions than MAX_PANELS', () => {
  let root: string;
  let run: RunData;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'knsim-panel-cap-'));
    const dir = join(root, 'many');
    runWorld(scenarioFromValue(scenario(), 'many.yaml').world, { outDir: dir, trace: { mode: 'none' } });
    run = loadRunData(dir);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('draws a panel for each of the busiest revisions only, in their order, and says how many were left out', () => {
    expect(MAX_PANELS).toBe(20);
    const byRequests = [...run.summary.revisions].sort((a, b) => b.requests.total - a.requests.total);
    // The cut is not a tie: the 20th busiest answered more than the 21st.
    expect(byRequests[MAX_PANELS - 1]!.requests.total).toBeGreaterThan(byRequests[MAX_PANELS]!.requests.total);
    const want = run.revisions.map((r) => r.service).filter((s) => byRequests.slice(0, MAX_PANELS).some((x) => x.service === s));
    expect(want).toEqual(Array.from({ length: MAX_PANELS }, (_, i) => `svc-${String(i + SERVICES - MAX_PANELS).padStart(2, '0')}`));
    const { charts } = reportCharts(run);
    const perRevision = ['pods', 'kpa', 'requests', 'waiting', 'latency-cdf', 'traffic'];
    expect(charts.map((c) => c.id)).toEqual(expect.arrayContaining(perRevision));
    for (const id of perRevision) {
      const chart = charts.find((c) => c.id === id)!;
      // Panel titles name the service (several services): the same 20, in order (the requests
      // chart's two panels per revision both name it).
      const services = panelTitles(chart.spec).map((t) => t.split(/[ :]/)[0]!);
      expect(services.filter((s, i) => s !== services[i - 1]), id).toEqual(want);
      expect(services.length, id).toBe(id === 'requests' ? 2 * MAX_PANELS : MAX_PANELS);
      const subtitle = (chart.spec as { title: { subtitle: string[] } }).title.subtitle;
      const what = id === 'traffic' ? 'services' : 'revisions';
      expect(subtitle.at(-1), id).toBe(`The ${MAX_PANELS} ${what} with the most requests, of ${SERVICES}; the others are in the CSVs and the summary table.`);
    }
  });

  it('gives the ready-pods chart one band per colour: the 9 busiest services, the other 17 together, still adding up to the total', () => {
    const { charts } = reportCharts(run);
    const spec = charts.find((c) => c.id === 'ready-pods')!.spec as unknown as { title: { subtitle: string[] }; layer: Array<{ data: { values: Array<{ t: number; s?: string; v: number }> }; encoding: Record<string, { scale?: { domain?: string[]; range?: string[] } }> }> };
    const [bands, total] = spec.layer;
    const domain = bands!.encoding['fill']!.scale!.domain!;
    expect(domain).toEqual([...Array.from({ length: 9 }, (_, i) => `svc-${String(i + SERVICES - 9).padStart(2, '0')}`), '17 other services']);
    // Ten colours, none repeated.
    expect(new Set(bands!.encoding['fill']!.scale!.range).size).toBe(10);
    const sums = new Map<number, number>();
    for (const row of bands!.data.values) sums.set(row.t, (sums.get(row.t) ?? 0) + row.v);
    expect(total!.data.values.length).toBeGreaterThanOrEqual(2);
    for (const row of total!.data.values) expect(sums.get(row.t), `t=${row.t}`).toBeCloseTo(row.v, 6);
    // Every service has a ready pod from the start: the total is 26 throughout.
    expect(new Set(total!.data.values.map((r) => r.v))).toEqual(new Set([SERVICES]));
    expect(spec.title.subtitle.at(-1)).toBe('The 9 services with the most requests each have a band; the other 17 share the grey one.');
  });

  it('busiest: all items up to the cap; past it, ties go to the first', () => {
    const few = busiest(run, ['a', 'b'], () => [], 'services');
    expect(few).toEqual({ shown: ['a', 'b'], note: [] });
    const items = Array.from({ length: MAX_PANELS + 3 }, (_, i) => i);
    // No requests anywhere: every item ties, so the first MAX_PANELS stay.
    const nobody = { ...run.revisions[0]!, service: 'none', revision: 'none', requests: { ...run.revisions[0]!.requests, completed: [] } };
    const tied = busiest(run, items, () => [nobody], 'revisions');
    expect(tied.shown).toEqual(items.slice(0, MAX_PANELS));
    expect(tied.note).toEqual([`The ${MAX_PANELS} revisions with the most requests, of ${MAX_PANELS + 3}; the others are in the CSVs and the summary table.`]);
  });

  it('in a playground run, which has no summary yet, counts the completions so far', () => {
    const live: RunData = { ...run, summary: { overall: {} } as unknown as RunData['summary'] };
    const pick = busiest(live, run.revisions, (r) => [r], 'revisions').shown.map((r) => r.service);
    expect(pick).toEqual(busiest(run, run.revisions, (r) => [r], 'revisions').shown.map((r) => r.service));
    const sums = run.revisions.map((r) => r.requests.completed.reduce((a, c) => a + c, 0));
    expect(Math.min(...sums)).toBeGreaterThan(0);
  });
});
