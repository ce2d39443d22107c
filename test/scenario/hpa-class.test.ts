/**
 * Scenarios with HPA-class revisions: the annotations as Knative's webhook validates them
 * for that class (any non-empty metric; KPA-only annotations accepted and ignored), and
 * the class fixed for a revision's life.
 */
import { describe, expect, it } from 'vitest';
import { isHpaRevisionAutoscaling } from '../../src/core/autoscaler/index.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { catchScenarioError } from './helpers.js';

const HPA = 'hpa.autoscaling.knative.dev';
const ANN = 'services[0].manifest.spec.template.metadata.annotations';

const scenario = (annotations: Record<string, string>, over: Record<string, unknown> = {}) => ({
  name: 't',
  duration: '1m',
  services: [
    {
      manifest: {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name: 'hello' },
        spec: { template: { metadata: { annotations: { 'autoscaling.knative.dev/class': HPA, ...annotations } }, spec: { containers: [{ image: 'app', resources: { requests: { cpu: '500m' } } }] } } },
      },
      app: { cpu: { work: '100ms' } },
    },
  ],
  clients: [{ name: 'c', service: 'hello', open: { rps: 1 } }],
  ...over,
});

const autoscaling = (annotations: Record<string, string>) => {
  const a = scenarioFromValue(scenario(annotations), 's.yaml').world.services[0]!.revisions[0]!.autoscaling;
  if (!isHpaRevisionAutoscaling(a)) throw new Error('not an HPA revision');
  return a;
};

describe('HPA-class annotations', () => {
  it.each([
    ['no metric: cpu (the class default)', {}, 'cpu'],
    ['cpu', { 'autoscaling.knative.dev/metric': 'cpu' }, 'cpu'],
    ['memory', { 'autoscaling.knative.dev/metric': 'memory' }, 'memory'],
    ['concurrency (a KPA metric, a custom one for the HPA)', { 'autoscaling.knative.dev/metric': 'concurrency' }, 'concurrency'],
    ['any custom name', { 'autoscaling.knative.dev/metric': 'queue_depth' }, 'queue_depth'],
  ] as const)('metric %s is accepted', (_name, ann, metric) => {
    const a = autoscaling(ann);
    expect(a.class).toBe(HPA);
    expect(a.hpa.metric).toBe(metric);
  });

  it('an empty metric is an error at its annotation', () => {
    const e = catchScenarioError(() => scenarioFromValue(scenario({ 'autoscaling.knative.dev/metric': '' }), 's.yaml'));
    expect(e.path).toBe(`${ANN}["autoscaling.knative.dev/metric"]`);
    expect(e.rule).toContain('needs a metric');
  });

  it('reads target, window and the scale bounds into the HPA settings', () => {
    const a = autoscaling({ 'autoscaling.knative.dev/target': '65.5', 'autoscaling.knative.dev/window': '20s', 'autoscaling.knative.dev/min-scale': '2', 'autoscaling.knative.dev/max-scale': '9' });
    expect(a.hpa).toEqual({ metric: 'cpu', target: 65.5, minScale: 2, maxScale: 9, windowSeconds: 20 });
  });

  it('KPA-only annotations (panic window, target burst capacity, scale-down delay, activation scale) are accepted and change nothing the HPA reads', () => {
    const plain = autoscaling({ 'autoscaling.knative.dev/target': '50' });
    const kpaOnly = autoscaling({
      'autoscaling.knative.dev/target': '50',
      'autoscaling.knative.dev/panic-window-percentage': '20',
      'autoscaling.knative.dev/target-burst-capacity': '-1',
      'autoscaling.knative.dev/scale-down-delay': '5m',
      'autoscaling.knative.dev/activation-scale': '3',
    });
    expect(kpaOnly.hpa).toEqual(plain.hpa);
    expect(kpaOnly.class).toBe(plain.class);
  });

  it('initialPods 0 is an error: the HPA never scales a Deployment up from zero', () => {
    const raw = scenario({});
    (raw.services[0] as Record<string, unknown>)['initialPods'] = 0;
    const e = catchScenarioError(() => scenarioFromValue(raw, 's.yaml'));
    expect(e.path).toBe('services[0].initialPods');
    expect(e.rule).toContain('never scales from zero');
  });

  // MakeHPA truncates the target to an int64 for memory (MiB) and custom metrics; below 1 the
  // HPA's averageValue is 0, which the API server's HPA validation rejects (must be positive).
  it.each([
    ['memory', '0.5'],
    ['queue_depth', '0.99'],
  ])('metric %s with target %s is an error at the target annotation (the HPA would have averageValue 0)', (metric, target) => {
    const e = catchScenarioError(() => scenarioFromValue(scenario({ 'autoscaling.knative.dev/metric': metric, 'autoscaling.knative.dev/target': target }), 's.yaml'));
    expect(e.path).toBe(`${ANN}["autoscaling.knative.dev/target"]`);
    expect(e.rule).toContain('averageValue 0');
    expect(e.rule).not.toContain('\n');
  });

  it.each([
    ['cpu', '0.5', 0.5],
    ['memory', '1.9', 1.9],
    ['queue_depth', '1', 1],
  ] as const)('metric %s with target %s is accepted', (metric, target, want) => {
    expect(autoscaling({ 'autoscaling.knative.dev/metric': metric, 'autoscaling.knative.dev/target': target }).hpa.target).toBe(want);
  });

  it('a CPU target whose percentage overflows the HPA\'s int32 is an error', () => {
    const e = catchScenarioError(() => scenarioFromValue(scenario({ 'autoscaling.knative.dev/metric': 'cpu', 'autoscaling.knative.dev/target': '3e9' }), 's.yaml'));
    expect(e.path).toBe(`${ANN}["autoscaling.knative.dev/target"]`);
    expect(e.rule).toContain('int32');
  });

  // MakeHPA takes min from min-scale (else config-autoscaler min-scale) and max from max-scale
  // (else config-autoscaler max-scale); the webhook compares only the two annotations, so a
  // mix of an annotation and a ConfigMap value can build an HPA with minReplicas > maxReplicas,
  // which the API server's HPA validation refuses: the revision never gets its HPA.
  it.each([
    ['annotation min-scale 5 over config max-scale 3', { 'autoscaling.knative.dev/min-scale': '5' }, { 'max-scale': '3' }, 'min-scale', 'minReplicas 5 > maxReplicas 3'],
    ['annotation max-scale 3 under config min-scale 5', { 'autoscaling.knative.dev/max-scale': '3' }, { 'min-scale': '5' }, 'max-scale', 'minReplicas 5 > maxReplicas 3'],
    ['the legacy key minScale 4 over config max-scale 2', { 'autoscaling.knative.dev/minScale': '4' }, { 'max-scale': '2' }, 'minScale', 'minReplicas 4 > maxReplicas 2'],
  ])('%s is an error at that annotation (the API server refuses the HPA)', (_n, ann, cm, key, text) => {
    const raw = scenario(ann, { configMaps: { 'config-autoscaler': cm } });
    const e = catchScenarioError(() => scenarioFromValue(raw, 's.yaml'));
    expect(e.path).toBe(`${ANN}["autoscaling.knative.dev/${key}"]`);
    expect(e.rule).toContain(text);
    expect(e.rule).not.toContain('\n');
  });

  it('a patch to a min-scale above config-autoscaler max-scale is an error at the patch', () => {
    const raw = scenario({}, { configMaps: { 'config-autoscaler': { 'max-scale': '3' } }, updates: [{ at: '30s', patchRevision: { name: 'hello-00001', annotations: { 'autoscaling.knative.dev/min-scale': '4' } } }] });
    const e = catchScenarioError(() => scenarioFromValue(raw, 's.yaml'));
    expect(e.path).toContain('updates[0].patchRevision.annotations');
    expect(e.rule).toContain('minReplicas 4 > maxReplicas 3');
  });

  it.each([
    ['min-scale 3 with config max-scale 3', { 'autoscaling.knative.dev/min-scale': '3' }, { 'max-scale': '3' }, 3, 3],
    ['min-scale 5 with config max-scale 0 (no limit)', { 'autoscaling.knative.dev/min-scale': '5' }, {}, 5, 0],
  ] as const)('%s is accepted', (_n, ann, cm, min, max) => {
    const a = scenarioFromValue(scenario(ann, { configMaps: { 'config-autoscaler': cm } }), 's.yaml').world.services[0]!.revisions[0]!.autoscaling;
    expect(isHpaRevisionAutoscaling(a) && [a.hpa.minScale, a.hpa.maxScale]).toEqual([min, max]);
  });

  it('a patch to a target the HPA would refuse is an error at the patch', () => {
    const raw = scenario({ 'autoscaling.knative.dev/metric': 'memory', 'autoscaling.knative.dev/target': '200' }, { updates: [{ at: '30s', patchRevision: { name: 'hello-00001', annotations: { 'autoscaling.knative.dev/target': '0.5' } } }] });
    const e = catchScenarioError(() => scenarioFromValue(raw, 's.yaml'));
    expect(e.path).toContain('updates[0].patchRevision.annotations');
    expect(e.rule).toContain('averageValue 0');
  });

  it('a patch cannot change the class of a running revision', () => {
    const raw = scenario({}, { updates: [{ at: '30s', patchRevision: { name: 'hello-00001', annotations: { 'autoscaling.knative.dev/class': 'kpa.autoscaling.knative.dev' } } }] });
    const e = catchScenarioError(() => scenarioFromValue(raw, 's.yaml'));
    expect(e.path).toBe('updates[0].patchRevision.annotations');
    expect(e.rule).toBe(`the autoscaler class of revision "hello-00001" cannot change (${HPA} → kpa.autoscaling.knative.dev)`);
  });

  it("a patch of an HPA revision's target is taken (same class)", () => {
    const raw = scenario({}, { updates: [{ at: '30s', patchRevision: { name: 'hello-00001', annotations: { 'autoscaling.knative.dev/target': '40' } } }] });
    const change = scenarioFromValue(raw, 's.yaml').world.services[0]!.autoscalingChanges![0]!;
    expect(change.atSeconds).toBe(30);
    expect(isHpaRevisionAutoscaling(change.autoscaling) && change.autoscaling.hpa.target).toBe(40);
  });
});

describe('the class forced to HPA (knsim compare --class hpa)', () => {
  // A KPA revision: its target is concurrent requests per pod.
  const kpa = (annotations: Record<string, string>) => {
    const s = scenario({});
    const tmpl = (s.services[0]!.manifest.spec.template.metadata as { annotations: Record<string, string> });
    tmpl.annotations = annotations;
    return s;
  };
  const forced = (annotations: Record<string, string>) => scenarioFromValue(kpa(annotations), 's.yaml', new Map(), { override: HPA });

  it('warns that a target without a metric becomes CPU utilization percent, at the target annotation', () => {
    const loaded = forced({ 'autoscaling.knative.dev/target': '10' });
    const a = loaded.world.services[0]!.revisions[0]!.autoscaling;
    if (!isHpaRevisionAutoscaling(a)) throw new Error('not an HPA revision');
    expect([a.hpa.metric, a.hpa.target]).toEqual(['cpu', 10]);
    expect(loaded.warnings?.filter((w) => w.includes('forced'))).toEqual([
      `s.yaml: ${ANN}["autoscaling.knative.dev/target"]: revision hello-00001: with the class forced to ${HPA}, its target 10 (concurrent requests per pod under the KPA) is read as 10 % CPU utilization, the HPA class's default metric; set autoscaling.knative.dev/metric and a target for it in the scenario to compare like with like`,
    ]);
  });

  it.each([
    ['no target (the HPA default, 80 % CPU)', {}],
    ['a metric written for it', { 'autoscaling.knative.dev/metric': 'cpu', 'autoscaling.knative.dev/target': '60' }],
    ['a revision already of the HPA class', { 'autoscaling.knative.dev/class': HPA, 'autoscaling.knative.dev/target': '60' }],
  ])('says nothing for %s', (_, annotations: Record<string, string>) => {
    expect(forced(annotations).warnings?.filter((w) => w.includes('forced')) ?? []).toEqual([]);
  });

  it('says nothing when the class is not forced', () => {
    expect(scenarioFromValue(kpa({ 'autoscaling.knative.dev/target': '10' }), 's.yaml').warnings?.filter((w) => w.includes('forced')) ?? []).toEqual([]);
  });
});
