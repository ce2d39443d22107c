/**
 * The tuner on a space shaped like issue 14's (containerConcurrency × grace × retention):
 * screening holds the setting without effect, the run count stays far below grid ×
 * replications, the winner is the exhaustive search's on a space small enough to
 * simulate whole, and the progress phases have known totals.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAxes, pointCount, pointValues, type Axis } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import type { MetricValues } from '../../src/output/metrics.js';
import { createRunner } from '../../src/sweep/pool.js';
import { runSweep, taskFor, type SweepDefinition, type SweepResults } from '../../src/sweep/sweep.js';
import { bestFeasible, parseSlo, tune, type TunePhase } from '../../src/sweep/tune.js';
import { tuneFlags } from '../../src/sweep/tune-flags.js';
import { pairedDifferenceCI } from '../../src/sweep/stats.js';
import { phaseLabel } from '../../src/cli/tune.js';

const FILE = 'scenarios/quickstart.yaml';
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';
const GRACE = 'configMaps.config-autoscaler.scale-to-zero-grace-period';
const RETENTION = 'configMaps.config-autoscaler.scale-to-zero-pod-retention-period';
const UTIL = 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target-utilization-percentage"]';
const SLOS = [parseSlo('p95<=420ms'), parseSlo('errorRate<=0.1%')];

function define(space: string[], R: number): { axes: Axis[]; def: SweepDefinition } {
  const axes = parseAxes(space, '--space');
  return { axes, def: defineSweep({ file: FILE, axes, sets: [], replications: R, flag: '--space' }).def };
}

describe('tuner on the issue 14 space (containerConcurrency × grace × retention)', () => {
  it('3,960 points: screens, holds grace, and finishes in far fewer runs than the grid, with phases of known size', async () => {
    const R = 5;
    const { axes, def } = define([`${CC}=1..30`, `${GRACE}=10s..110s:10s`, `${RETENTION}=0s..11m:1m`], R);
    expect(pointCount(axes)).toBe(3960);
    const runner = createRunner(1);
    const phases: Array<TunePhase & { runs: number }> = [];
    const result = await tune({
      axes,
      slos: SLOS,
      objective: 'pod_seconds',
      replications: R,
      evaluate: (pairs, phase) => {
        phases.push({ ...phase, runs: pairs.length });
        return runner.runAll(pairs.map(([p, r]) => taskFor(FILE, def, p, r)));
      },
    });
    await runner.close();
    // Measured 277 runs (70 screening + 207 search) against 19,800 for the grid: bound at 2 %.
    expect(result.simulations).toBeLessThan(0.02 * 3960 * R);
    expect(result.simulations).toBe(phases.reduce((n, p) => n + p.runs, 0));
    expect(result.phaseRuns.screen + result.phaseRuns.search).toBe(result.simulations);
    // Phase 1 (screen) comes first and once, then only phase 2 (search); every batch has runs.
    expect(phases[0]).toMatchObject({ index: 1, count: 2, name: 'screen' });
    expect(phases.slice(1).every((p) => p.index === 2 && p.count === 2 && p.name === 'search')).toBe(true);
    expect(phases.every((p) => p.runs > 0)).toBe(true);
    expect(phaseLabel('quickstart', phases[1]!)).toBe(`tune quickstart phase 2/2 search (${phases[1]!.step})`);
    expect(phases[1]!.step).toMatch(/^round 1, 2 of 5 replications$/);

    // Grace: no metric moved in any screened group, so the search held it at 10 s.
    const byAxis = Object.fromEntries(result.screening.map((s) => [axes[s.axis]!.path, s]));
    expect(byAxis[axes[1]!.path]).toMatchObject({ changed: 0, fixed: true });
    expect(byAxis[axes[0]!.path]!.fixed).toBe(false);
    expect(byAxis[axes[2]!.path]!.fixed).toBe(false);
    expect(result.explored.filter((p) => p.replications === R).every((p) => p.values[1] === '10s')).toBe(true);

    const w = result.winner!;
    expect(w.values).toEqual(['30', '10s', '0s']);
    const flags = tuneFlags(axes, result, 'pod_seconds');
    expect(flags.noEffect.map((f) => [f.axis, f.heldBySearch])).toEqual([[1, true]]);
    // Ties: every one is a confirmed feasible point whose paired difference interval includes 0.
    expect(flags.ties.length).toBeGreaterThan(0);
    for (const t of flags.ties) {
      const d = pairedDifferenceCI(result.runs.get(t.point)!.map((m) => m.pod_seconds), result.runs.get(w.point)!.map((m) => m.pod_seconds));
      expect(d.lo).toBeLessThanOrEqual(0);
      expect(d.hi).toBeGreaterThanOrEqual(0);
    }
    // containerConcurrency 30 is the highest searched: an edge to widen; retention 0 s is as low as it goes: not one.
    expect(flags.edge).toEqual([{ axis: 0, value: '30', end: 'highest' }]);
    expect(flags.scope.map((s) => s.scope)).toEqual(['per-revision', 'cluster-wide', 'cluster-wide']);
  });

  describe('against the exhaustive search on a 144-point space (with target utilization, for a cost that is not monotone)', () => {
    const R = 4;
    let axes: Axis[];
    let full: SweepResults;
    let lookup: (pairs: ReadonlyArray<readonly [number, number]>) => Promise<MetricValues[]>;
    beforeAll(async () => {
      const d = define([`${CC}=1..6`, `${UTIL}=40..100:20`, `${GRACE}=10s,30s,60s`, `${RETENTION}=0s,2m`], R);
      axes = d.axes;
      full = await runSweep({ file: FILE, def: d.def, points: [...Array(pointCount(axes)).keys()], runner: createRunner(1) });
      const byKey = new Map(full.runs.map((r) => [`${r.point}/${r.replication}`, r.metrics]));
      lookup = async (pairs) => pairs.map(([p, r]) => byKey.get(`${p}/${r}`)!);
    });

    it('finds the same winner (same tie rule) for every SLO and objective, with fewer runs', async () => {
      const slos = [
        ...[380, 388, 400, 420, 450, 520, 580].map((ms) => [parseSlo(`p95<=${ms}ms`)]),
        ...[1900, 2100, 2350, 2800].map((ms) => [parseSlo(`p99<=${ms}ms`), parseSlo('errorRate<=0.1%')]),
      ];
      let cases = 0;
      let simulations = 0;
      for (const s of slos) {
        for (const objective of ['pod_seconds', 'max_pods'] as const) {
          const truth = bestFeasible(full.points, s, objective, R);
          const result = await tune({ axes, slos: s, objective, replications: R, evaluate: lookup });
          const label = `${s.map((x) => x.text).join(' ')} ${objective}`;
          expect(result.winner?.point, label).toBe(truth?.point);
          if (truth === undefined) continue;
          cases++;
          simulations += result.simulations;
          // Every tie listed is a tie on the full grid too, and the winner's values are the grid's.
          expect(pointValues(axes, result.winner!.point)).toEqual(truth.values);
        }
      }
      expect(cases).toBeGreaterThan(15);
      // Measured 30 % of the grid's runs over these cases; bound at 40 %.
      expect(simulations).toBeLessThan(0.4 * cases * pointCount(axes) * R);
    });
  });
});
