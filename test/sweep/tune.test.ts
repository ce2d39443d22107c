/**
 * The tuner finds the known optimum, computed from the full grid, on small real cases,
 * while simulating fewer runs than the grid; SLO parsing; the winner as a YAML patch.
 */
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { loadScenario } from '../../src/scenario/load.js';
import { parseAxes, pointCoords, type Axis } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import type { MetricValues } from '../../src/output/metrics.js';
import { createRunner } from '../../src/sweep/pool.js';
import { runSweep, taskFor, type SweepDefinition, type SweepResults } from '../../src/sweep/sweep.js';
import { bestFeasible, coarseLattice, parseObjective, parseSlo, tune, winnerPatch } from '../../src/sweep/tune.js';

const FILE = 'scenarios/quickstart.yaml';
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';
const UTIL = 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target-utilization-percentage"]';
const R = 4;

interface Grid {
  axes: Axis[];
  def: SweepDefinition;
  full: SweepResults;
  lookup: (pairs: ReadonlyArray<readonly [number, number]>) => Promise<MetricValues[]>;
}

/** The whole grid, simulated once; the tuner then reads the same runs (a run is a pure function of point and seed). */
async function fullGrid(space: string[], sets: string[] = []): Promise<Grid> {
  const axes = parseAxes(space, '--space');
  const { def } = defineSweep({ file: FILE, axes, sets, replications: R, durationSeconds: 180, flag: '--space' });
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  const full = await runSweep({ file: FILE, def, points: [...Array(total).keys()], runner: createRunner(1) });
  const byKey = new Map(full.runs.map((r) => [`${r.point}/${r.replication}`, r.metrics]));
  return { axes, def, full, lookup: async (pairs) => pairs.map(([p, r]) => byKey.get(`${p}/${r}`)!) };
}

describe('tuner', () => {
  let grid2d: Grid;
  let grid1d: Grid;
  beforeAll(async () => {
    // containerConcurrency 1..6 × target utilization 40..100 % (42 points): queueing against cost.
    grid2d = await fullGrid([`${CC}=1..6`, `${UTIL}=40..100:10`]);
    // Utilization 40..100 % in steps of 3 at containerConcurrency 4 (21 points): a bumpy, non-monotone cost.
    grid1d = await fullGrid([`${UTIL}=40..100:3`], [`${CC}=4`]);
  });

  it('finds the cheapest point meeting the SLOs with confidence, simulating it for real', async () => {
    const slos = [parseSlo('p95<=420ms'), parseSlo('errorRate<=0.1%')];
    const truth = bestFeasible(grid2d.full.points, slos, 'pod_seconds', R)!;
    expect(truth).toBeDefined();
    expect(grid2d.full.points.filter((p) => p.metrics.pod_seconds.mean === truth.metrics.pod_seconds.mean)).toHaveLength(1);
    // This time the tuner runs real simulations (not the grid's): same point, same numbers.
    const runner = createRunner(1);
    let runs = 0;
    const result = await tune({
      axes: grid2d.axes,
      slos,
      objective: 'pod_seconds',
      replications: R,
      evaluate: (pairs) => {
        runs += pairs.length;
        return runner.runAll(pairs.map(([p, r]) => taskFor(FILE, grid2d.def, p, r)));
      },
    });
    expect(result.winner?.point).toBe(truth.point);
    expect(result.winner?.metrics).toEqual(truth.metrics);
    expect(result.winner?.values).toEqual(['6', '60']);
    expect(runs).toBe(result.simulations);
    // The optimum (containerConcurrency 6 at 60 %) sits among points that only just miss the SLO: racing saves
    // little on 42 points (measured 120 of 168 runs, screening included).
    expect(result.simulations).toBeLessThan(0.9 * 42 * R);
    expect(result.explored.length).toBeLessThan(42);
  });

  it('finds the known optimum for every SLO threshold and objective on both grids', async () => {
    const thresholds = [
      ...[380, 384, 388, 395, 400, 410, 420, 430, 440, 450, 480, 520, 580].map((ms) => `p95<=${ms}ms`),
      ...[1900, 2000, 2100, 2200, 2350, 2500, 2800].map((ms) => `p99<=${ms}ms`),
    ];
    let cases = 0;
    let offLattice = 0;
    let simulations = 0;
    let full = 0;
    for (const g of [grid2d, grid1d]) {
      const total = g.full.points.length;
      for (const t of thresholds) {
        for (const objective of ['pod_seconds', 'max_pods'] as const) {
          const slos = [parseSlo(t)];
          const truth = bestFeasible(g.full.points, slos, objective, R);
          const result = await tune({ axes: g.axes, slos, objective, replications: R, evaluate: g.lookup });
          const label = `${t} ${objective} (${total} points)`;
          if (truth === undefined) {
            expect(result.winner, label).toBeUndefined();
            continue;
          }
          cases++;
          expect(result.winner?.metrics[objective].mean, label).toBe(truth.metrics[objective].mean);
          // Off the first coarse lattice: found by refinement.
          const { lattice } = coarseLattice(g.axes.map((a) => a.values.length));
          if (pointCoords(g.axes, truth.point).some((c, a) => !lattice[a]!.includes(c))) offLattice++;
          simulations += result.simulations;
          full += total * R;
        }
      }
    }
    expect(cases).toBeGreaterThan(30);
    expect(offLattice).toBeGreaterThan(0);
    // Measured 58 % of the grids' runs over all cases: small grids leave little to skip.
    expect(simulations).toBeLessThan(0.7 * full);
  });

  it('reports no winner when nothing meets the SLOs with confidence', async () => {
    const result = await tune({ axes: grid1d.axes, slos: [parseSlo('p99<=100ms')], objective: 'pod_seconds', replications: R, evaluate: grid1d.lookup });
    expect(result.winner).toBeUndefined();
    expect(result.explored.every((p) => p.status === 'infeasible' || p.status === 'uncertain')).toBe(true);
  });
});

describe('SLOs, objective and patch', () => {
  it('parses SLOs with units', () => {
    expect(parseSlo('p99<=500ms')).toMatchObject({ metric: 'p99_ms', op: '<=', threshold: 500 });
    expect(parseSlo('p95 < 1.5s')).toMatchObject({ metric: 'p95_ms', op: '<', threshold: 1500 });
    expect(parseSlo('errorRate<=0.1%').threshold).toBeCloseTo(0.001, 12);
    expect(parseSlo('rate503<=0.002')).toMatchObject({ metric: 'rate_503', threshold: 0.002 });
    expect(parseSlo('maxPods<=10')).toMatchObject({ metric: 'max_pods', threshold: 10 });
    for (const bad of ['p99>=5', 'p98<=5', 'errorRate<=5ms', 'p99<=5%', 'maxPods<=3s', 'p99', 'errorRate<=150%']) expect(() => parseSlo(bad), bad).toThrow(UsageError);
    expect(parseObjective(undefined)).toBe('pod_seconds');
    expect(parseObjective('maxPods')).toBe('max_pods');
    expect(() => parseObjective('speed')).toThrow(UsageError);
  });

  // An overflowing threshold was taken as Infinity: every point met it, and the report's chart warned "Infinite extent".
  it.each([
    ['p99<=1e308s', '1e308s is past the largest number knsim holds (1.8e308 ms)'],
    ['p95<1e309', '1e309 is past the largest number knsim holds (1.8e308 ms)'],
    ['maxPods<=1e400', '1e400 is past the largest number knsim holds (1.8e308)'],
  ])('refuses the SLO %s: a threshold past the largest double', (slo, rule) => {
    expect(() => parseSlo(slo)).toThrow(new UsageError(`--slo ${JSON.stringify(slo)}: ${rule}`));
  });

  it('prints the winner as Service and ConfigMap patches', () => {
    const axes = parseAxes([`${CC}=1,6`, `${UTIL}=60,80`, 'configMaps.config-autoscaler.stable-window=30s,60s', 'clients[0].open.process=poisson'], '--space');
    const loaded = loadScenario(FILE);
    const { yaml, scenarioOnly } = winnerPatch(loaded, axes, ['6', '60', '30s', 'poisson'], ['header line']);
    const docs = parseAllDocuments(yaml).map((d) => (d as { toJS(): unknown }).toJS());
    expect(docs).toEqual([
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name: 'hello' },
        spec: { template: { metadata: { annotations: { 'autoscaling.knative.dev/target-utilization-percentage': '60' } }, spec: { containerConcurrency: 6 } } },
      },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-autoscaler', namespace: 'knative-serving' }, data: { 'stable-window': '30s' } },
    ]);
    expect(yaml.startsWith('# header line\n')).toBe(true);
    expect(yaml).toContain('autoscaling.knative.dev/target-utilization-percentage: "60"');
    expect(scenarioOnly).toEqual(['clients[0].open.process=poisson']);
  });
});
