/**
 * Random but well-formed worlds, run to their end: every one must either be refused with a
 * ScenarioError or run to the end with a summary whose numbers hold together. Fuzzing like this
 * found a PA that requeued its scale-to-zero for 7e-15 s forever (the clock could not add it),
 * an activator probe found 1e-12 s before readiness (an event scheduled in the past) and a
 * negative idle cost; each has its own test now. Deterministic: a seeded generator.
 */
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import type { RunSummary } from '../../src/output/summary.js';
import { RunRecorder } from '../../src/run/run-recorder.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { checkWork, DEFAULT_WORK_LIMITS, guardProgress } from '../../src/scenario/work-estimate.js';
import { rng } from '../support/rng.js';

const WORLDS = 160;
const CHUNKS = 4;
/** Small enough that a world runs in well under a second. */
const LIMITS = { ...DEFAULT_WORK_LIMITS, requests: 200_000, pods: 2_000, users: 200, events: 5e7 };

type R = () => number;
const pick = <T>(r: R, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const maybe = (r: R, p: number): boolean => r() < p;

function annotations(r: R): Record<string, string> {
  const a: Record<string, string> = {};
  const set = (p: number, key: string, values: readonly string[]): void => {
    if (maybe(r, p)) a[`autoscaling.knative.dev/${key}`] = pick(r, values);
  };
  if (maybe(r, 0.15)) {
    a['autoscaling.knative.dev/class'] = 'hpa.autoscaling.knative.dev';
    a['autoscaling.knative.dev/metric'] = 'cpu';
    a['autoscaling.knative.dev/target'] = pick(r, ['50', '80']);
    return a;
  }
  set(0.3, 'metric', ['concurrency', 'rps']);
  set(0.4, 'target', ['0.5', '1', '3', '10', '100']);
  set(0.3, 'target-utilization-percentage', ['1', '50', '100']);
  set(0.3, 'window', ['6s', '10s', '60s']);
  set(0.2, 'panic-window-percentage', ['1', '10', '100']);
  set(0.2, 'panic-threshold-percentage', ['110', '1000']);
  set(0.3, 'scale-down-delay', ['0s', '5s', '1m']);
  set(0.3, 'scale-to-zero-pod-retention-period', ['0s', '1s', '30s']);
  set(0.2, 'activation-scale', ['2', '5']);
  set(0.3, 'target-burst-capacity', ['-1', '0', '1', '200']);
  set(0.3, 'min-scale', ['0', '1', '2']);
  set(0.3, 'max-scale', ['0', '5', '20']);
  set(0.2, 'initial-scale', ['1', '3']);
  return a;
}

function service(r: R, i: number, nodes: boolean): Record<string, unknown> {
  const name = `s${i}`;
  const ann = annotations(r);
  const hpa = ann['autoscaling.knative.dev/class'] !== undefined;
  const cpu = hpa || maybe(r, 0.2);
  const container: Record<string, unknown> = { image: 'app' };
  if (cpu || nodes || maybe(r, 0.2)) container['resources'] = { requests: { cpu: pick(r, ['100m', '250m', '1']), memory: '256Mi' }, ...(maybe(r, 0.5) ? { limits: { cpu: pick(r, ['1', '2']), memory: '1Gi' } } : {}) };
  const spec: Record<string, unknown> = { containers: [container] };
  if (maybe(r, 0.6)) spec['containerConcurrency'] = pick(r, [0, 1, 2, 10]);
  if (maybe(r, 0.15)) spec['timeoutSeconds'] = pick(r, [1, 10, 60]);
  const work = pick(r, ['5ms', '100ms', '1s', { dist: 'exponential', mean: '200ms' }, { dist: 'lognormal', median: '50ms', p99: '1s' }]);
  const app: Record<string, unknown> = cpu ? { cpu: { work, wait: pick(r, ['0s', '20ms']) } } : { serviceTime: work };
  if (maybe(r, 0.15)) {
    app['faults'] = [pick(r, [{ kind: 'readinessFailure', at: '20s', duration: '30s', pods: 1 }, { kind: 'crash', at: '30s', count: pick(r, [1, 3]), uptime: '5s' }, { kind: 'imagePull', at: '0s', duration: '1m' }])];
  }
  const svc: Record<string, unknown> = {
    manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name }, spec: { template: { metadata: { annotations: ann }, spec } } },
    initialPods: hpa ? 1 : pick(r, [0, 0, 1, 3]),
    app,
  };
  if (maybe(r, 0.15)) {
    const update: Record<string, unknown> = { at: pick(r, ['30s', '2m']), template: { metadata: { annotations: ann }, spec: { ...spec, containers: [{ ...container, image: 'app:v2' }] } } };
    if (maybe(r, 0.5)) update['traffic'] = pick(r, [[{ latestRevision: true, percent: 70 }, { revisionName: `${name}-00001`, percent: 30, tag: 'old' }], [{ revisionName: `${name}-00001`, percent: 100 }]]);
    svc['updates'] = [update];
    if (maybe(r, 0.3)) (svc['manifest'] as { metadata: Record<string, unknown> }).metadata['annotations'] = { 'serving.knative.dev/rollout-duration': pick(r, ['0s', '30s']) };
  }
  return svc;
}

function client(r: R, i: number): Record<string, unknown> {
  const c: Record<string, unknown> = { name: `c${i}`, service: `s${i}` };
  if (maybe(r, 0.2)) c['closed'] = { users: pick(r, [1, 5, 20]), think: pick(r, ['100ms', '1s']) };
  else c['open'] = { process: pick(r, ['poisson', 'uniform']), rps: pick(r, [0.005, 0.05, 0.5, 5, 40]) };
  if (maybe(r, 0.3)) c['start'] = pick(r, ['0s', '10s', '90s']);
  if (maybe(r, 0.3)) c['end'] = pick(r, ['100s', '200s']);
  return c;
}

export function randomScenario(r: R): Record<string, unknown> {
  const nodes = maybe(r, 0.25);
  const n = pick(r, [1, 1, 2, 3]);
  const sc: Record<string, unknown> = { name: 'random', seed: Math.floor(r() * 1000), duration: pick(r, ['60s', '300s', '600s']) };
  sc['services'] = Array.from({ length: n }, (_, i) => service(r, i, nodes));
  sc['clients'] = Array.from({ length: n }, (_, i) => client(r, i));
  if (maybe(r, 0.3)) {
    const cfg: Record<string, string> = {};
    if (maybe(r, 0.5)) cfg['stable-window'] = pick(r, ['6s', '30s', '120s']);
    if (maybe(r, 0.5)) cfg['scale-to-zero-grace-period'] = pick(r, ['1s', '6s', '30s']);
    if (maybe(r, 0.3)) cfg['enable-scale-to-zero'] = 'false';
    sc['configMaps'] = { 'config-autoscaler': cfg };
  }
  if (maybe(r, 0.2)) sc['cluster'] = { activators: pick(r, [1, 3]), ...(maybe(r, 0.5) ? { activatorCpu: { perRequest: pick(r, ['1ms', '5ms']) } } : {}) };
  if (nodes) {
    sc['cluster'] = {
      nodePools: [{ name: 'p', cpu: pick(r, ['2', '4']), memory: '16Gi', pricePerHour: 0.2, minNodes: pick(r, [0, 1]), maxNodes: pick(r, [3, 10]), initialNodes: pick(r, [1, 2, 3]) }],
      nodeAutoscaler: { kind: pick(r, ['cluster-autoscaler', 'karpenter']) },
    };
  }
  return sc;
}

/** What must hold in any summary: ordered percentiles up to the max, counts that add up, no NaN. */
function summaryProblems(s: RunSummary): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'number') {
      if (Number.isNaN(v)) out.push(`${path} is NaN`);
      else if (v < 0 && !/excessBurst|idle/.test(path)) out.push(`${path} is ${v}`);
    } else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk(s, 'summary');
  for (const r of [s.overall, ...s.revisions]) {
    const l = r.latencyMs;
    if (l !== undefined && r.requests.ok > 0 && !(l.p50 <= l.p90 && l.p90 <= l.p95 && l.p95 <= l.p99 && l.p99 <= l.max)) out.push(`percentiles out of order: ${JSON.stringify(l)}`);
    const q = r.requests;
    if (q.ok + q.status503 + q.status504 + q.clientTimeouts > q.total) out.push(`outcomes exceed the total: ${JSON.stringify(q)}`);
  }
  const perRevision = s.revisions.reduce((a, x) => a + x.requests.total, 0);
  if (perRevision + s.overall.requests.noRoute !== s.overall.requests.total) out.push(`revisions' ${perRevision} + no route ${s.overall.requests.noRoute} != ${s.overall.requests.total}`);
  return out;
}

describe('random well-formed worlds run to the end with a consistent summary, or are refused', () => {
  const r = rng(20_261_205);
  let ran = 0;
  for (let chunk = 0; chunk < CHUNKS; chunk++) {
    const from = (chunk * WORLDS) / CHUNKS;
    const to = ((chunk + 1) * WORLDS) / CHUNKS;
    it(`worlds ${from}-${to - 1}`, () => {
      const problems: string[] = [];
      for (let k = from; k < to; k++) {
        const value = randomScenario(r);
        try {
          const loaded = scenarioFromValue(value, `random-${k}.yaml`);
          checkWork(loaded, LIMITS);
          const recorder = new RunRecorder({ outDir: undefined, trace: { mode: 'none' } });
          const w = new World(loaded.world, recorder);
          guardProgress(loaded, () => w.run());
          const s = recorder.finish({ scenario: 'random', seed: loaded.world.seed, simulatedSeconds: loaded.world.durationSeconds, events: w.sim.events, wallSeconds: 0 });
          expect(w.sim.now).toBe(loaded.world.durationSeconds);
          for (const p of summaryProblems(s)) problems.push(`world ${k}: ${p}`);
          ran++;
        } catch (e) {
          if (!(e instanceof ScenarioError)) problems.push(`world ${k}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n${JSON.stringify(value)}`);
        }
      }
      expect(problems).toEqual([]);
    }, 120_000);
  }

  it('most worlds ran (a generator that only makes refused worlds tests nothing)', () => {
    expect(ran).toBeGreaterThan(WORLDS / 2);
  });
});
