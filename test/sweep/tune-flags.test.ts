/**
 * The four caveats of a tune (tie, no effect, edge, cluster-wide) on synthetic problems
 * whose answers are known, and how they reach tune.json, tune.csv, flags.csv and the patch.
 */
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseAxes } from '../../src/sweep/axes.js';
import { METRIC_KEYS, type MetricValues } from '../../src/output/metrics.js';
import { loadScenario } from '../../src/scenario/load.js';
import { parseSlo, tune, winnerPatch, TIE_RULE, type TuneOutput } from '../../src/sweep/tune.js';
import { flagLines, settingScope, tuneFlags } from '../../src/sweep/tune-flags.js';
import { formatFlagsCsv, formatTuneCsv, tuneJson } from '../../src/sweep/tune-output.js';
import type { SweepDefinition } from '../../src/sweep/sweep.js';

const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';
const GRACE = 'configMaps.config-autoscaler.scale-to-zero-grace-period';
const UTIL = 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target-utilization-percentage"]';
const NOISE = [0, 3, -2, 1, 4];
/**
 * Noise of point x in replication r that common random numbers do not cancel (without it every
 * difference is the same in every seed, which is no 95 % evidence); it sums to 0 over the
 * replications, so it leaves every mean as it was.
 */
const WOBBLE = [1, -1, 0, 2, -2];
const wobble = (x: number, r: number): number => 0.1 * x * WOBBLE[r]!;

/** Metrics of x (the containerConcurrency value): p95 grows with x, cost falls until `flat`, then stays. Grace changes nothing. */
function synthetic(cost: (x: number) => number) {
  const axes = parseAxes([`${CC}=1..10`, `${GRACE}=10s,30s,60s`], '--space');
  const evaluate = async (pairs: ReadonlyArray<readonly [number, number]>): Promise<MetricValues[]> =>
    pairs.map(([p, r]) => {
      const x = Math.floor(p / 3) + 1;
      const m = Object.fromEntries(METRIC_KEYS.map((k) => [k, 0])) as MetricValues;
      m.p95_ms = 50 * x + NOISE[r]!;
      m.pod_seconds = cost(x) + NOISE[r]! + wobble(x, r);
      return m;
    });
  return { axes, evaluate };
}

describe('tune flags', () => {
  it.each([
    // [what, SLO, cost of x, winner x, tied x's, edge]
    ['flat cost from 6 on, SLO up to 7: tie 6–7, winner 6 by the rule', 'p95<=400ms', (x: number) => 100 - 10 * Math.min(x, 6), 6, [7], []],
    ['flat cost from 6 on, no binding SLO: 6 ties with 7–10', 'p95<=2000ms', (x: number) => 100 - 10 * Math.min(x, 6), 6, [7, 8, 9, 10], []],
    ['cost falls all the way: winner at the top of the range', 'p95<=2000ms', (x: number) => 100 - 5 * x, 10, [], [['highest', '10']]],
    ['cost grows: winner at the bottom of the range', 'p95<=2000ms', (x: number) => 10 + 5 * x, 1, [], [['lowest', '1']]],
  ] as const)('%s', async (_what, slo, cost, winnerX, tiedX, edge) => {
    const { axes, evaluate } = synthetic(cost);
    const result = await tune({ axes, slos: [parseSlo(slo)], objective: 'pod_seconds', replications: 5, evaluate });
    expect(result.winner!.values).toEqual([String(winnerX), '10s']);
    const flags = tuneFlags(axes, result, 'pod_seconds');
    expect(flags.ties.map((t) => Number(t.values[0])).sort((a, b) => a - b)).toEqual(tiedX);
    expect(flags.ties.every((t) => t.difference.lo <= 0 && t.difference.hi >= 0)).toBe(true);
    expect(flags.edge.map((e) => [e.end, e.value])).toEqual(edge);
    // Grace never changes a metric: screening holds it, and the flag says in how many groups.
    expect(flags.noEffect).toEqual([{ axis: 1, groups: expect.any(Number), heldBySearch: true }]);
    expect(flags.noEffect[0]!.groups).toBeGreaterThanOrEqual(3);
    // Grace is left out of the patch, so it is not flagged as patching the cluster-wide ConfigMap.
    const lines = flagLines(axes, flags, 'pod_seconds', result.winner);
    expect(lines.map((l) => l.kind)).toEqual([...(tiedX.length > 0 ? ['tie'] : []), 'no-effect', ...edge.map(() => 'edge')]);
    if (tiedX.length > 0) expect(lines[0]!.text).toContain(TIE_RULE);
    // The points at the held grace values ran only in the screening: 'screened', never 'feasible' beside the winner.
    const heldAway = result.explored.filter((p) => p.values[1] !== '10s');
    expect(heldAway.length).toBeGreaterThan(0);
    expect(heldAway.every((p) => p.status === 'screened' && p.replications < 5)).toBe(true);
    expect(result.explored.filter((p) => p.status === 'feasible' || p.status === 'winner').every((p) => p.replications === 5)).toBe(true);
    const e = lines.find((l) => l.kind === 'edge');
    if (edge.length > 0) expect(e!.text).toMatch(/widen the range (above 10|below 1)\.$/);
  });

  it.each([
    [3, [1, 2, 3]],
    [6, []],
  ] as const)('max pods lower by the same whole pod in every seed: a tie with %i replications unless there are 6 (tied: %j)', async (R, tiedX) => {
    // Max pods 5 − x in every seed: each step of containerConcurrency saves exactly one pod, in every seed alike.
    const axes = parseAxes([`${CC}=1..4`], '--space');
    const evaluate = async (pairs: ReadonlyArray<readonly [number, number]>): Promise<MetricValues[]> =>
      pairs.map(([p]) => ({ ...(Object.fromEntries(METRIC_KEYS.map((k) => [k, 0])) as MetricValues), max_pods: 4 - p }));
    const result = await tune({ axes, slos: [parseSlo('p95<=1s')], objective: 'max_pods', replications: R, evaluate });
    expect(result.winner!.values).toEqual(['4']);
    const flags = tuneFlags(axes, result, 'max_pods');
    expect(flags.ties.map((t) => Number(t.values[0])).sort((a, b) => a - b)).toEqual(tiedX);
    // Dropped as costlier only on evidence: never on a difference the same in each of 3 seeds.
    if (R === 3) expect(result.explored.filter((p) => p.status === 'dominated')).toEqual([]);
    if (R === 3) {
      expect(flags.ties.map((t) => [t.difference, t.sameInEverySeed])).toEqual([3, 2, 1].map((d) => [{ mean: d, lo: d, hi: d }, true]));
      const tie = flagLines(axes, flags, 'max_pods', result.winner).find((l) => l.kind === 'tie')!;
      expect(tie.text).toContain('(the difference was the same in all 3 paired seeds, which with no real difference happens up to 25 % of the time: fewer than 6 seeds cannot tell it from chance)');
      const def = { scenario: 'quickstart', axes, replications: R } as unknown as SweepDefinition;
      const json = tuneJson({ def, slos: [parseSlo('p95<=1s')], objective: 'max_pods', result, patch: undefined }) as { flags: { ties: Array<{ sameInEverySeed: boolean }> } };
      expect(json.flags.ties.map((t) => t.sameInEverySeed)).toEqual([true, true, true]);
    }
  });

  it('a tie on a rate: the difference\'s interval stays within ±100 percentage points', async () => {
    const axes = parseAxes([`${CC}=1,2`], '--space');
    // Error rates 1, 1, 0.91 against 0, 0, 0.9: Student's t reaches 0.67 + 4.303 × 0.572 / √3 = 2.09.
    const rates = [[1, 1, 0.91], [0, 0, 0.9]];
    const evaluate = async (pairs: ReadonlyArray<readonly [number, number]>): Promise<MetricValues[]> =>
      pairs.map(([p, r]) => ({ ...(Object.fromEntries(METRIC_KEYS.map((k) => [k, 0])) as MetricValues), error_rate: rates[p]![r]! }));
    const result = await tune({ axes, slos: [parseSlo('p95<=1s')], objective: 'error_rate', replications: 3, evaluate, screen: false });
    expect(result.winner!.values).toEqual(['2']);
    const [tie] = tuneFlags(axes, result, 'error_rate').ties;
    expect(tie!.difference.mean).toBe(0.67);
    expect(tie!.difference.hi).toBe(1);
    expect(tie!.difference.lo).toBeLessThan(0);
  });

  it('a cluster-wide setting that matters is flagged as patching its ConfigMap', async () => {
    const axes = parseAxes([`${CC}=1..4`, `${GRACE}=10s,30s,60s`], '--space');
    // Cost falls with grace (index p % 3) as well as with containerConcurrency.
    const evaluate = async (pairs: ReadonlyArray<readonly [number, number]>): Promise<MetricValues[]> =>
      pairs.map(([p, r]) => ({ ...(Object.fromEntries(METRIC_KEYS.map((k) => [k, 0])) as MetricValues), pod_seconds: 200 - 10 * Math.floor(p / 3) - 30 * (p % 3) + NOISE[r]! + wobble(p, r) }));
    const result = await tune({ axes, slos: [parseSlo('p95<=1s')], objective: 'pod_seconds', replications: 5, evaluate });
    const lines = flagLines(axes, tuneFlags(axes, result, 'pod_seconds'), 'pod_seconds', result.winner);
    expect(lines.filter((l) => l.kind === 'cluster-wide').map((l) => l.text)).toEqual([
      'cluster-wide: scale-to-zero-grace-period patches ConfigMap knative-serving/config-autoscaler, which affects every revision in the cluster.',
    ]);
  });

  it('does not call 0 or 100 % an edge to widen', async () => {
    const axes = parseAxes([`${UTIL}=40..100:20`], '--space');
    const evaluate = async (pairs: ReadonlyArray<readonly [number, number]>): Promise<MetricValues[]> =>
      pairs.map(([p, r]) => ({ ...(Object.fromEntries(METRIC_KEYS.map((k) => [k, 0])) as MetricValues), pod_seconds: 100 - p + NOISE[r]! + wobble(p, r) }));
    const result = await tune({ axes, slos: [parseSlo('p95<=1s')], objective: 'pod_seconds', replications: 3, evaluate });
    expect(result.winner!.values).toEqual(['100']);
    expect(tuneFlags(axes, result, 'pod_seconds').edge).toEqual([]);
  });

  it.each([
    [CC, 'per-revision', undefined],
    [UTIL, 'per-revision', undefined],
    ['services[0].manifest.metadata.labels.team', 'per-service', undefined],
    [GRACE, 'cluster-wide', undefined],
    ['configMaps.config-autoscaler.stable-window', 'cluster-wide', 'annotation autoscaling.knative.dev/window'],
    ['configMaps.config-autoscaler.scale-to-zero-pod-retention-period', 'cluster-wide', 'annotation autoscaling.knative.dev/scale-to-zero-pod-retention-period'],
    ['configMaps.config-defaults.container-concurrency', 'cluster-wide', 'spec.template.spec.containerConcurrency'],
    ['clients[0].open.process', 'scenario', undefined],
  ] as const)('%s is %s', (path, scope, perRevision) => {
    const s = settingScope({ path, values: ['1'] }, 0);
    expect(s.scope).toBe(scope);
    expect(s.perRevision).toBe(perRevision);
  });

  it('writes the flags into tune.json, tune.csv, flags.csv and leaves the held setting out of the patch', async () => {
    const { axes, evaluate } = synthetic((x) => 100 - 10 * Math.min(x, 6));
    const result = await tune({ axes, slos: [parseSlo('p95<=400ms')], objective: 'pod_seconds', replications: 5, evaluate });
    const def = { scenario: 'quickstart', axes, replications: 5 } as unknown as SweepDefinition;
    const o: TuneOutput = { def, slos: [parseSlo('p95<=400ms')], objective: 'pod_seconds', result, patch: undefined };
    const json = tuneJson(o) as { flags: Record<string, unknown>; screening: unknown[] };
    expect(json.flags['tieRule']).toBe(TIE_RULE);
    expect(json.flags['ties']).toEqual([expect.objectContaining({ values: { [CC]: '7', [axes[1]!.path]: '10s' } })]);
    expect(json.flags['noEffect']).toEqual([{ setting: axes[1]!.path, groups: expect.any(Number), heldBySearch: true }]);
    expect(json.flags['scope']).toEqual([
      { setting: CC, scope: 'per-revision', target: 'Service services[0] revision template' },
      { setting: axes[1]!.path, scope: 'cluster-wide', target: 'ConfigMap knative-serving/config-autoscaler' },
    ]);
    const csv = formatTuneCsv(o).trim().split('\n');
    expect(csv[0]).toContain(',replications,interval,status,tie,');
    const tieOf = (x: string): string | undefined => csv.find((l) => l.startsWith(`${(Number(x) - 1) * 3},${x},10s,5,95 %,`))?.split(',')[6];
    expect([tieOf('6'), tieOf('7'), tieOf('5')]).toEqual(['winner (of a tie)', 'tie', '']);
    expect(formatFlagsCsv(o).split('\n').slice(1, -1).map((l) => l.split(',')[0])).toEqual(['tie', 'no-effect']);

    const loaded = loadScenario('scenarios/quickstart.yaml');
    const held = new Set(tuneFlags(axes, result, 'pod_seconds').noEffect.map((f) => f.axis));
    const docs = parseAllDocuments(winnerPatch(loaded, axes, result.winner!.values, ['h'], held).yaml).map((d) => (d as { toJS(): unknown }).toJS());
    expect(docs).toEqual([{ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello' }, spec: { template: { spec: { containerConcurrency: 6 } } } }]);
    const both = winnerPatch(loaded, axes, result.winner!.values, ['h']).yaml;
    expect(both).toContain('# cluster-wide: affects every revision (ConfigMap knative-serving/config-autoscaler)\n');
  });
});
