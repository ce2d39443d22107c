/**
 * The nodes chart's billed line is what cluster-accounting bills, and its legend says so, with and
 * without Karpenter launch failures: a NodeClaim whose create call failed is provisioning but billed
 * only from its Launched row (nodes.csv), so then the legend cannot say "billed (provisioning, …)",
 * and the retried NodeClaims get a line of their own. Brute force from nodes.csv of
 * test/fixtures/capacity/karpenter-launch-failures.yaml.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { csv, dataOf } from '../support/chart-data.js';
import { chartScene } from '../support/chart-scene.js';

const fixture = resolve(import.meta.dirname, '../fixtures/capacity/karpenter-launch-failures.yaml');
const failures = (f: string) => `cluster.nodePools[0].launchFailures=[${f}]`;

function runOf(sets: string[]): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-launch-legend-')), 'run');
  runWorld(loadScenario(fixture, { sets }).world, { outDir: dir, trace: { mode: 'none' } });
  return dir;
}

/** From nodes.csv: each node's billed span [launch, deletion) and unbilled provisioning span [first failed call, launch or deletion). */
function spans(dir: string) {
  const by = new Map<string, { price: number; requested: number; failed?: number; launched?: number; deleted?: number }>();
  for (const r of csv(dir, 'nodes.csv')) {
    const t = Number(r['time_s']);
    const n = by.get(r['node']!) ?? { price: Number(r['price_per_hour']), requested: t };
    by.set(r['node']!, n);
    if (r['event'] === 'LaunchFailed') n.failed = t;
    if (r['event'] === 'Launched') n.launched = t;
    if (r['event'] === 'Deleted') n.deleted = t;
  }
  return [...by.values()].map((n) => {
    const from = n.failed === undefined ? n.requested : n.launched;
    const to = n.deleted ?? Infinity;
    return { price: n.price, billed: from === undefined ? undefined : ([from, to] as const), unbilled: n.failed === undefined ? undefined : ([n.failed, n.launched ?? to] as const) };
  });
}
const within = (span: readonly [number, number] | undefined, t: number): boolean => span !== undefined && span[0] <= t && t < span[1];

function check(sets: string[]) {
  const dir = runOf(sets);
  const nodes = spans(dir);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  const chart = reportCharts(loadRunData(dir)).charts.find((c) => c.id === 'nodes')!;
  const rows = dataOf(chart.spec, 'data_nodes_0');
  for (const r of rows) {
    const t = Number(r['t']);
    if (t === 600) continue;
    expect(r['b'], `billed at ${t}`).toBe(nodes.filter((n) => within(n.billed, t)).length);
    if ('u' in r) expect(r['u'], `provisioning, unbilled at ${t}`).toBe(nodes.filter((n) => within(n.unbilled, t)).length);
  }
  // The line's peak is summary.json's nodes billed at once, and its area × price the cost.
  expect(Math.max(...rows.map((r) => r['b']!))).toBe(summary.nodes.max);
  const cost = nodes.reduce((a, n) => a + (n.billed === undefined ? 0 : (n.price * (Math.min(n.billed[1], 600) - n.billed[0])) / 3600), 0);
  expect(summary.cost.total).toBeCloseTo(cost, 6);
  return { rows: rows.map((r) => Object.values(r)), summary, chart };
}

const legendOf = async (spec: unknown): Promise<string[]> => (await chartScene(spec as TopLevelSpec)).legends.find((l) => l.title === 'nodes (count)')!.labels;

describe("the nodes chart's billed line and legend against nodes.csv", () => {
  it('launchError until 100 s: spot-001 provisioning unbilled 11–135 s, billed from its launch at 135; the legend says launched, and names the unbilled line', async () => {
    const { rows, summary, chart } = check([failures('{kind: launchError, at: 0s, duration: 100s}')]);
    // [t, billed, Ready, provisioning unbilled]
    expect(rows).toEqual([
      [0, 1, 1, 0],
      [11, 1, 1, 1],
      [135, 2, 1, 0],
      [195, 2, 2, 0],
      [600, 2, 2, 0],
    ]);
    expect(summary.cost.total).toBe(0.024417);
    expect(await legendOf(chart.spec)).toEqual(['billed (launched: starting, Ready or draining)', 'Ready, not tainted (pods can bind)', 'provisioning, not billed (create call failed, retried)']);
    expect(chart.explanation).toMatch(/^Nodes billed \(from their launch to deletion\), NodeClaims whose create call failed/);
    expect(chart.explanation).not.toContain('from the provision request to deletion');
  });

  it('launchError to the end: spot-001 and -002 never launch, never billed; the billed line stays at od-001', async () => {
    const { rows, summary } = check([failures('{kind: launchError, at: 0s, duration: 10m}')]);
    expect(rows).toEqual([
      [0, 1, 1, 0],
      [11, 1, 1, 1],
      [315, 1, 1, 0],
      [321, 1, 1, 1],
      [600, 1, 1, 1],
    ]);
    expect(summary.nodes.max).toBe(1);
    expect(summary.cost.total).toBe(0.016667);
  });

  it('InsufficientCapacity (no failed create call retried): billed from the provision request, the legend as before, two lines', async () => {
    const { rows, chart } = check([]);
    // spot-001 is requested and deleted at 11 s (InsufficientCapacity): a row, the line unmoved.
    expect(rows).toEqual([
      [0, 1, 1],
      [11, 1, 1],
      [21, 2, 1],
      [81, 2, 2],
      [600, 2, 2],
    ]);
    expect(await legendOf(chart.spec)).toEqual(['billed (provisioning, Ready or draining)', 'Ready, not tainted (pods can bind)']);
    expect(chart.explanation).toMatch(/^Nodes billed \(from the provision request to deletion\) and Ready, and below/);
    const cost = reportCharts(loadRunData(runOf([]))).charts.find((c) => c.id === 'cost')!;
    expect((cost.spec as unknown as { title: { subtitle: string[] } }).title.subtitle[0]).toBe('Each node costs its price × its lifetime, from the provision request to its deletion (nodes.csv).');
  });
});
