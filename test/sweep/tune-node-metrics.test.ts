/**
 * Node metrics (node cost, peak nodes, longest Pending wait) exist only with node pools.
 * Asking the tuner to minimise or bound one on a scenario without them is a usage error
 * (exit 2) before any run — not a "winner" with an objective of "–", nor an exit 3 that
 * blames the SLOs — and a point without the objective can never be the cheapest.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { tuneCommand } from '../../src/cli/tune.js';
import { METRIC_KEYS, type MetricKey } from '../../src/output/metrics.js';
import type { MetricStat, PointResult } from '../../src/sweep/sweep.js';
import { bestFeasible, parseSlo } from '../../src/sweep/tune.js';

const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';
const base = { scenario: 'scenarios/quickstart.yaml', space: [`${CC}=1..3`], duration: '20s', workers: '1', report: false, out: join(mkdtempSync(join(tmpdir(), 'knsim-tune-nodes-')), 'out') };

async function usage(args: Record<string, unknown>): Promise<string> {
  try {
    await tuneCommand({ ...base, ...args } as Parameters<typeof tuneCommand>[0]);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect(existsSync(base.out)).toBe(false);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

describe('tune on node metrics without node pools', () => {
  it('refuses --objective nodeCost up front', async () => {
    expect(await usage({ objective: 'nodeCost', slo: ['p99<=10s'] })).toBe(
      '--objective nodeCost: the scenario has no node pools (cluster.nodePools), so its runs have no node cost ($); choose another metric or add node pools',
    );
  });

  it('refuses an SLO on peak nodes up front', async () => {
    expect(await usage({ slo: ['p99<=10s', 'peakNodes<=3'] })).toBe(
      '--slo peakNodes<=3: the scenario has no node pools (cluster.nodePools), so its runs have no peak nodes (count); choose another metric or add node pools',
    );
  });

  it('never picks a point whose objective was not measured', () => {
    const stat = (mean: number): MetricStat => ({ mean, lo: mean, hi: mean });
    const point = (i: number, cost: number): PointResult => ({
      point: i,
      values: [String(i)],
      replications: 3,
      metrics: Object.fromEntries(METRIC_KEYS.map((k) => [k, stat(k === 'node_cost_usd' ? cost : 1)])) as Record<MetricKey, MetricStat>,
    });
    const slos = [parseSlo('p99<=10s')];
    expect(bestFeasible([point(0, Number.NaN), point(1, Number.NaN)], slos, 'node_cost_usd', 3)).toBeUndefined();
    expect(bestFeasible([point(0, Number.NaN), point(1, 2), point(2, 1)], slos, 'node_cost_usd', 3)?.point).toBe(2);
  });
});
