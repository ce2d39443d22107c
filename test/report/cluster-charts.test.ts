/**
 * The nodes and cost charts say what nodes.csv and pods.csv say, at the same timestamps:
 * brute force from the CSVs against the charts' inline data, on a 1 s grid and on buckets.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';

import type { TopLevelSpec } from 'vega-lite';
import { csv, dataOf as dataRows } from '../support/chart-data.js';
import { axisTitled, chartScene } from '../support/chart-scene.js';

const root = resolve(import.meta.dirname, '../..');
const dataOf = (spec: unknown, name: string): Row[] => dataRows<Row>(spec, name);

type Row = Record<string, number | string>;

function runOf(path: string, seconds: number, sets: string[] = []): string {
  const loaded = loadScenario(path, { sets, durationSeconds: seconds });
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-cluster-charts-')), 'run');
  runWorld(loaded.world, { outDir: dir, trace: { mode: 'none' } });
  return dir;
}

/** Brute force from the CSVs: each quantity just after instant t (every event at or before t counts). */
function truth(dir: string) {
  const nodes = csv(dir, 'nodes.csv').map((r) => ({ t: Number(r['time_s']), node: r['node']!, pool: r['pool']!, event: r['event']!, price: Number(r['price_per_hour']) }));
  const pods = csv(dir, 'pods.csv').map((r) => ({ t: Number(r['time_s']), pod: `${r['revision']}/${r['pod']}`, event: r['event']! }));
  const nodeStates = (t: number): Map<string, { state: string; pool: string; price: number }> => {
    const m = new Map<string, { state: string; pool: string; price: number }>();
    // A Drifted row marks the NodeClaim and changes no state of the node.
    for (const n of nodes) if (n.t <= t && n.event !== 'Drifted') m.set(n.node, { state: n.event, pool: n.pool, price: n.price });
    return m;
  };
  // No instance exists from a Karpenter NodeClaim's failed create call (LaunchFailed) to the retry that
  // launches it (Launched), nor after it is Deleted: neither is billed.
  const billedState = (state: string) => state !== 'Deleted' && state !== 'LaunchFailed';
  // Each node's billing starts at its request, or at its Launched row when its first create call failed.
  const failed = new Set(nodes.filter((n) => n.event === 'LaunchFailed').map((n) => n.node));
  const billFrom = (n: { node: string; event: string }) => (failed.has(n.node) ? n.event === 'Launched' : n.event === 'Requested');
  return {
    times: [...new Set([...nodes.map((n) => n.t), ...pods.map((p) => p.t)])].sort((a, b) => a - b),
    billed: (t: number) => [...nodeStates(t).values()].filter((s) => billedState(s.state)).length,
    ready: (t: number) => [...nodeStates(t).values()].filter((s) => s.state === 'Ready').length,
    rate: (t: number, pool: string) => [...nodeStates(t).values()].filter((s) => billedState(s.state) && s.pool === pool).reduce((a, s) => a + s.price, 0),
    waiting: (t: number) => {
      const w = new Map<string, boolean>();
      for (const p of pods) {
        if (p.t > t) break;
        if (p.event === 'Unschedulable') w.set(p.pod, true);
        else if (p.event === 'Scheduled' || p.event === 'Terminating' || p.event === 'Gone') w.set(p.pod, false);
      }
      return [...w.values()].filter(Boolean).length;
    },
    /** Σ price × the part of each node's [Requested, or Launched after a LaunchFailed, to Deleted) before t, dollars. */
    cost: (t: number) => {
      let c = 0;
      const start = new Map<string, number>();
      for (const n of nodes) {
        if (billFrom(n)) start.set(n.node, n.t);
        // A NodeClaim deleted before it launched cost nothing.
        if (n.event === 'Deleted' && start.has(n.node)) c += (n.price * (Math.min(n.t, t) - Math.min(start.get(n.node)!, t))) / 3600;
      }
      for (const n of nodes) if (billFrom(n) && !nodes.some((d) => d.node === n.node && d.event === 'Deleted')) c += (n.price * Math.max(0, t - n.t)) / 3600;
      return c;
    },
  };
}

describe('nodes and cost charts, 1 s grid (A9: one pod waits 185 s for a new node)', () => {
  let dir: string;
  let charts: ReturnType<typeof reportCharts>;
  beforeAll(() => {
    dir = runOf(join(root, 'test/fixtures/capacity/a9.yaml'), 900);
    charts = reportCharts(loadRunData(dir));
  });
  const spec = (id: string) => charts.charts.find((c) => c.id === id)!.spec;

  it('nodes billed and Ready step at every instant of nodes.csv, pods waiting at every instant of pods.csv', () => {
    expect(charts.ctx.axis.bucketSeconds).toBe(1);
    const T = truth(dir);
    const nodes = dataOf(spec('nodes'), 'data_nodes_0');
    const waiting = dataOf(spec('nodes'), 'data_nodes_1');
    // The chart keeps 5 decimals of a second, the CSVs 6: look just past the rounded instant.
    for (const r of nodes) {
      expect(r['b'], `billed at ${r['t']}`).toBe(T.billed(Number(r['t']) + 1e-5));
      expect(r['r'], `ready at ${r['t']}`).toBe(T.ready(Number(r['t']) + 1e-5));
    }
    for (const r of waiting) expect(r['p'], `waiting at ${r['t']}`).toBe(T.waiting(Number(r['t']) + 1e-5));
    // The A9 story: a second node requested at 5 s is Ready at 185 s; the 4th pod waits from 0 to 185 s.
    expect(nodes.map((r) => [r['t'], r['b'], r['r']])).toEqual([[0, 1, 1], [5, 2, 1], [185, 2, 2], [900, 2, 2]]);
    expect(waiting.map((r) => [r['t'], r['p']])).toEqual([[0, 1], [185, 0], [900, 0]]);
  });

  it('cumulative cost is exact at each node event and ends at summary.json cost.total; the rate is the price of the billed nodes', () => {
    const T = truth(dir);
    const cost = dataOf(spec('cost'), 'data_cost_0');
    for (const r of cost) expect(r['c'], `cost at ${r['t']}`).toBeCloseTo(T.cost(Number(r['t'])), 6);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(cost.at(-1)).toEqual({ t: 900, c: summary.cost.total });
    // 0.20 $/h × 900 s + 0.20 $/h × 895 s.
    expect(summary.cost.total).toBeCloseTo((0.2 * 900 + 0.2 * 895) / 3600, 6);
    const rate = dataOf(spec('cost'), 'data_cost_1');
    for (const r of rate) expect(r['v'], `rate at ${r['t']}`).toBeCloseTo(T.rate(Number(r['t']) + 1e-5, r['s'] as string), 9);
    expect(rate.map((r) => r['v'])).toEqual([0.2, 0.4, 0.4]);
  });
});

// A NodeClaim whose create call failed is not billed until a retry launches it (nodes.csv LaunchFailed,
// then Launched), nor at all if it is deleted first: its last row LaunchFailed is no billed node.
describe('nodes and cost charts with Karpenter launch failures (karpenter-launch-failures, 600 s)', () => {
  const fixture = join(root, 'test/fixtures/capacity/karpenter-launch-failures.yaml');
  it.each([
    {
      name: 'launchError until 100 s: spot-001 provisioning unbilled from 11 s, launched at 135 s',
      failures: '{kind: launchError, at: 0s, duration: 100s}',
      // [t, billed, Ready]
      nodes: [[0, 1, 1], [11, 1, 1], [135, 2, 1], [195, 2, 2], [600, 2, 2]],
      // od-001 for 600 s at $0.10/h, spot-001 for 465 s at $0.06/h.
      total: (0.1 * 600 + 0.06 * 465) / 3600,
    },
    {
      name: 'launchError to the end: spot-001 deleted unlaunched at 315 s, spot-002 retrying from 321 s to the end, neither billed',
      failures: '{kind: launchError}',
      nodes: [[0, 1, 1], [11, 1, 1], [315, 1, 1], [321, 1, 1], [600, 1, 1]],
      total: (0.1 * 600) / 3600,
    },
  ])('$name', ({ failures, nodes: want, total }) => {
    const dir = runOf(fixture, 600, [`cluster.nodePools[0].launchFailures=[${failures}]`]);
    const charts = reportCharts(loadRunData(dir));
    const spec = (id: string) => charts.charts.find((c) => c.id === id)!.spec;
    expect(charts.ctx.axis.bucketSeconds).toBe(1);
    const T = truth(dir);
    // The fixture hits what this test is for: a node whose last row, at some instant, is LaunchFailed.
    expect(csv(dir, 'nodes.csv').some((r) => r['event'] === 'LaunchFailed')).toBe(true);
    const nodes = dataOf(spec('nodes'), 'data_nodes_0');
    for (const r of nodes) {
      expect(r['b'], `billed at ${r['t']}`).toBe(T.billed(Number(r['t']) + 1e-5));
      expect(r['r'], `ready at ${r['t']}`).toBe(T.ready(Number(r['t']) + 1e-5));
    }
    expect(nodes.map((r) => [r['t'], r['b'], r['r']])).toEqual(want);
    const cost = dataOf(spec('cost'), 'data_cost_0');
    for (const r of cost) expect(r['c'], `cost at ${r['t']}`).toBeCloseTo(T.cost(Number(r['t'])), 6);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.cost.total).toBeCloseTo(total, 6);
    expect(T.cost(600)).toBeCloseTo(total, 6);
    const rate = dataOf(spec('cost'), 'data_cost_1');
    for (const r of rate) expect(r['v'], `rate at ${r['t']}`).toBeCloseTo(T.rate(Number(r['t']) + 1e-5, r['s'] as string), 9);
  });
});

describe('nodes and cost charts, 15 s buckets (capacity-planning, 6 h)', () => {
  let dir: string;
  let charts: ReturnType<typeof reportCharts>;
  beforeAll(() => {
    dir = runOf(join(root, 'scenarios/capacity-planning.yaml'), 6 * 3600);
    charts = reportCharts(loadRunData(dir));
  });
  const spec = (id: string) => charts.charts.find((c) => c.id === id)!.spec;

  it('each bucket shows the most nodes billed, nodes Ready and pods waiting held in it', () => {
    const { axis } = charts.ctx;
    expect(axis.bucketSeconds).toBe(15);
    expect(axis.unit).toBe('min');
    const T = truth(dir);
    const w = axis.bucketSeconds;
    const maxOver = (f: (t: number) => number, a: number): number => Math.max(...[a, ...T.times.filter((t) => t > a && t < a + w)].map(f));
    const nodes = dataOf(spec('nodes'), 'data_nodes_0');
    const waiting = dataOf(spec('nodes'), 'data_nodes_1');
    let moving = 0;
    for (const [i, r] of nodes.entries()) {
      const a = Math.round((Number(r['t']) * 60) / w) * w;
      if (a >= axis.durationSeconds) continue;
      if (!T.times.some((t) => t >= a && t < a + w) && i % 20 !== 0) continue;
      moving++;
      expect(r['b'], `billed in the bucket at ${a} s`).toBe(maxOver(T.billed, a));
      expect(r['r'], `ready in the bucket at ${a} s`).toBe(maxOver(T.ready, a));
      expect(waiting[i]!['p'], `waiting in the bucket at ${a} s`).toBe(maxOver(T.waiting, a));
    }
    expect(moving).toBeGreaterThan(40);
    // The morning ramp: the pool grew and pods waited for it.
    expect(Math.max(...nodes.map((r) => Number(r['b'])))).toBeGreaterThanOrEqual(2);
    expect(Math.max(...waiting.map((r) => Number(r['p'])))).toBeGreaterThanOrEqual(1);
  });

  it('cumulative cost is exact at every bucket boundary; the rate bands are bucket means whose area is the cost', () => {
    const { axis } = charts.ctx;
    const T = truth(dir);
    const cost = dataOf(spec('cost'), 'data_cost_0');
    expect(cost.length).toBe(axis.buckets);
    for (const r of cost.filter((_, i) => i % 7 === 0)) expect(r['c'], `cost at ${r['t']} min`).toBeCloseTo(T.cost(Number(r['t']) * 60), 6);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(cost.at(-1)).toEqual({ t: 360, c: summary.cost.total });
    const rate = dataOf(spec('cost'), 'data_cost_1').filter((r) => Number(r['t']) * 60 < axis.durationSeconds - 1e-9);
    const area = rate.reduce((a, r) => a + (Number(r['v']) * axis.bucketSeconds) / 3600, 0);
    expect(area).toBeCloseTo(summary.cost.total, 5);
  });
});

describe('the nodes chart of a Karpenter drift (karpenter-drift, 25 min): node maintenance shaded', () => {
  let dir: string;
  let charts: ReturnType<typeof reportCharts>;
  beforeAll(() => {
    dir = runOf(join(root, 'scenarios/karpenter-drift.yaml'), 1500);
    charts = reportCharts(loadRunData(dir));
  });
  const spec = (id: string) => charts.charts.find((c) => c.id === id)!.spec;
  /** The band layer's rows (the rect layer without a named dataset). */
  const bands = (s: unknown): Row[] => {
    const found: Row[] = [];
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x !== null && typeof x === 'object') {
        const o = x as Record<string, unknown>;
        if ((o['mark'] as { type?: string } | undefined)?.type === 'rect' && Array.isArray((o['data'] as { values?: unknown } | undefined)?.values)) found.push(...((o['data'] as { values: Row[] }).values));
        Object.values(o).forEach(walk);
      }
    };
    walk(s);
    return found;
  };

  it('the node lines step as nodes.csv says, Drifted rows changing nothing', () => {
    const T = truth(dir);
    const nodes = dataOf(spec('nodes'), 'data_nodes_0');
    const toSeconds = charts.ctx.axis.unit === 'min' ? 60 : 1;
    for (const r of nodes) {
      const t = Number(r['t']) * toSeconds;
      if (t >= 1500) continue;
      expect(r['b'], `billed at ${t}`).toBe(T.billed(t + 1e-3));
      expect(r['r'], `ready at ${t}`).toBe(T.ready(t + 1e-3));
    }
    expect(csv(dir, 'nodes.csv').filter((r) => r['event'] === 'Drifted')).toHaveLength(3);
  });

  it('shades the drift, from the NodePool change to the last drifted node\'s deletion (summary.json), and says so', () => {
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    const d = summary.nodePoolDrifts[0];
    expect(charts.ctx.axis.unit).toBe('min');
    // The chart's x values keep 5 decimals of the axis unit.
    const [band, ...more] = bands(spec('nodes'));
    expect(more).toEqual([]);
    expect(band!['s']).toBe(5);
    expect(Number(band!['e'])).toBeCloseTo(d.completeSeconds / 60, 5);
    expect(d.atSeconds).toBe(300);
    expect(charts.charts.find((c) => c.id === 'nodes')!.explanation).toContain('Shaded: node maintenance, from a drain or a NodePool drift until its nodes are deleted.');
  });

  it('no band where nothing was drained or drifted (capacity-planning)', () => {
    const other = reportCharts(loadRunData(runOf(join(root, 'scenarios/capacity-planning.yaml'), 600)));
    const nodes = other.charts.find((c) => c.id === 'nodes')!;
    expect(bands(nodes.spec)).toEqual([]);
    expect(nodes.explanation).not.toContain('Shaded');
  });
});

// A minute of A9's nodes costs $0.0064: in cents every tick of the cost axis read $0.00.
describe('the cost chart of a short run', () => {
  it.each([
    { seconds: 60, title: 'cost so far ($)' },
    { seconds: 900, title: 'cost so far ($)' },
    { seconds: 60, title: 'rate ($/h)' },
  ])('$seconds s: the "$title" axis ticks read apart', async ({ seconds, title }) => {
    const charts = reportCharts(loadRunData(runOf(join(root, 'test/fixtures/capacity/a9.yaml'), seconds)));
    const labels = axisTitled(await chartScene(charts.charts.find((c) => c.id === 'cost')!.spec as TopLevelSpec), title).labels;
    expect(labels.length).toBeGreaterThanOrEqual(3);
    expect(new Set(labels).size).toBe(labels.length);
  }, 60_000);
});

// Idle is negative when revisions use more than they request; the report refused that summary.json
// ("cost.idle: -0.012285 is not a number ≥ 0"), so `knsim run` of a valid scenario exited 2.
describe('the cost chart when revisions are charged more than the node costs (idle-negative)', () => {
  it('loads the summary and says so instead of a negative idle share', () => {
    const run = loadRunData(runOf(join(root, 'test/fixtures/capacity/idle-negative.yaml'), 300));
    const cost = run.summary.cost!;
    // 300 s of a $0.20/h node; big 2.925 cores, hot 4.025 cores at $0.05 per core-hour.
    expect(cost.total).toBeCloseTo(0.2 / 12, 6);
    expect(cost.perRevision['big-00001']).toBeCloseTo((2.925 * 0.05) / 12, 5);
    // hot's use is measured from metrics-server's scrapes: all 4 cores but for its first moments.
    expect(cost.perRevision['hot-00001']).toBeCloseTo((4.025 * 0.05) / 12, 4);
    expect(cost.idle).toBeLessThan(0);
    const chart = reportCharts(run).charts.find((c) => c.id === 'cost')!;
    expect(chart.explanation).toContain('no idle: revisions and DaemonSets are charged $0.0123 more than the nodes cost');
  });
});
