/**
 * Common random numbers: replication r of every point runs with seed base + r, so two
 * points see the same arrivals and service times. Their paired differences then vary far
 * less than with independent seeds, on a real shipped scenario.
 */
import { describe, expect, it } from 'vitest';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { createRunner } from '../../src/sweep/pool.js';
import { runSweep, seedFor, type SeedMode } from '../../src/sweep/sweep.js';
import { variance } from '../../src/sweep/stats.js';
import type { MetricKey } from '../../src/output/metrics.js';

const FILE = 'scenarios/quickstart.yaml';
const TARGET = 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target"]';
const R = 10;

async function pairedDifferences(seeds: SeedMode): Promise<Record<MetricKey, number[]>> {
  const axes = parseAxes([`${TARGET}=5,10`], '--grid');
  const { def } = defineSweep({ file: FILE, axes, replications: R, seeds, durationSeconds: 180 });
  const { runs } = await runSweep({ file: FILE, def, points: [0, 1], runner: createRunner(1) });
  const a = runs.filter((r) => r.point === 0);
  const b = runs.filter((r) => r.point === 1);
  const out = {} as Record<MetricKey, number[]>;
  for (const k of ['pod_seconds', 'max_pods', 'p95_ms', 'p99_ms'] as const) out[k] = a.map((x, i) => b[i]!.metrics[k] - x.metrics[k]);
  return out;
}

describe('common random numbers', () => {
  it('seeds: base + r at every point (common), distinct per point (independent)', () => {
    expect(seedFor({ baseSeed: 42, seeds: 'common' }, 0, 3)).toBe(45);
    expect(seedFor({ baseSeed: 42, seeds: 'common' }, 7, 3)).toBe(45);
    expect(seedFor({ baseSeed: 42, seeds: 'independent' }, 0, 3)).not.toBe(seedFor({ baseSeed: 42, seeds: 'independent' }, 1, 3));
  });

  it('give a smaller variance of paired differences than independent seeds (quickstart, target 5 vs 10)', async () => {
    const crn = await pairedDifferences('common');
    const ind = await pairedDifferences('independent');
    const ratio: Record<string, number> = {};
    for (const k of Object.keys(crn) as MetricKey[]) {
      const vc = variance(crn[k]);
      const vi = variance(ind[k]);
      ratio[k] = vc / vi;
      expect(vc, `${k}: CRN variance ${vc} vs independent ${vi}`).toBeLessThan(vi);
    }
    // Cost is what a sweep over targets is about: CRN cuts its paired variance several-fold.
    expect(ratio['pod_seconds']!).toBeLessThan(0.5);
    expect(ratio['max_pods']!).toBeLessThan(0.5);
  });
});
