/**
 * Mistakes that used to pass silently (issue 14): override paths into manifest
 * fields a Knative Service does not have, `--set` into a Service given by
 * manifestFile, and unknown autoscaling annotations and config-autoscaler keys.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/scenario/did-you-mean.js';
import { loadScenario } from '../../src/scenario/load.js';
import { overridePathError } from '../../src/scenario/override-paths.js';
import { applySet, parseSetExpression } from '../../src/scenario/set.js';
import { catchScenarioError, fixture } from './helpers.js';

const M = 'services[0].manifest';

describe('did you mean', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['targt', 'target', 1],
    ['stable-windw', 'stable-window', 1],
    ['ab', 'ba', 1],
    ['', 'abc', 3],
  ])('editDistance(%s, %s) = %i', (a, b, d) => expect(editDistance(a, b)).toBe(d));

  it.each([
    { name: 'containerConcurency', candidates: ['containerConcurrency', 'timeoutSeconds'], want: 'containerConcurrency' },
    { name: 'minscale', candidates: ['min-scale', 'minScale', 'max-scale'], want: 'min-scale' },
    { name: 'targt', candidates: ['target', 'metric'], want: 'target' },
    { name: 'foo', candidates: ['metric', 'target', 'window'], want: undefined },
  ])('closest($name) = $want', ({ name, candidates, want }) => expect(closest(name, candidates)).toBe(want));
});

describe('override paths into a Knative Service', () => {
  it.each([
    {
      path: `${M}.spec.template.spec.containerConcurency`,
      rule: `"containerConcurency" is not a field of ${M}.spec.template.spec (did you mean ${M}.spec.template.spec.containerConcurrency?)`,
    },
    {
      path: `${M}.spec.template.containerConcurrency`,
      rule: `"containerConcurrency" is not a field of ${M}.spec.template (did you mean ${M}.spec.template.spec.containerConcurrency?)`,
    },
    { path: `${M}.spek.template`, rule: `"spek" is not a field of a Knative Service (did you mean ${M}.spec.template?)` },
    { path: `${M}.spec.traffic[0].percnt`, rule: `"percnt" is not a field of ${M}.spec.traffic[0] (did you mean ${M}.spec.traffic[0].percent?)` },
    {
      path: 'services[0].updates[1].template.spec.timeoutSecond',
      rule: '"timeoutSecond" is not a field of services[0].updates[1].template.spec (did you mean services[0].updates[1].template.spec.timeoutSeconds?)',
    },
    { path: `${M}.spec.template.spec.zzzzzz`, rule: `"zzzzzz" is not a field of ${M}.spec.template.spec` },
  ])('rejects $path', ({ path, rule }) => {
    expect(overridePathError(parseSetExpression(`${path}=1`).path)).toBe(rule);
    const err = catchScenarioError(() => applySet({}, `${path}=1`, 's.yaml'));
    expect(err.message).toBe(`s.yaml: --set ${path}=1: ${rule}`);
  });

  it.each([
    `${M}.spec.template.spec.containerConcurrency`,
    `${M}.spec.template.metadata.annotations["autoscaling.knative.dev/target"]`,
    `${M}.spec.template.spec.containers[0].image`, // a Kubernetes field knsim ignores on purpose
    `${M}.metadata.labels.team`,
    `${M}.spec.traffic[0].percent`,
    'services[0].initialPods', // outside a manifest: the strict scenario schema checks it
    'configMaps.config-autoscaler["stable-window"]',
  ])('accepts %s', (path) => {
    expect(overridePathError(parseSetExpression(`${path}=1`).path)).toBeUndefined();
  });
});

function scenarioWithFile(scenario: string, manifest: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-mistakes-'));
  writeFileSync(join(dir, 'service.yaml'), manifest);
  writeFileSync(join(dir, 's.yaml'), scenario);
  return join(dir, 's.yaml');
}

const MANIFEST = `
apiVersion: serving.knative.dev/v1
kind: Service
metadata: { name: hello }
spec:
  template:
    metadata:
      annotations: { autoscaling.knative.dev/target: "10" }
    spec: { containerConcurrency: 4, containers: [{ image: app }] }
`;

const FILE_SCENARIO = `
name: from-file
duration: 30s
services:
  - manifestFile: service.yaml
    initialPods: 1
clients:
  - { name: load, service: hello, open: { rps: 5 } }
`;

describe('--set into a Service given by manifestFile', () => {
  it('applies after the file is read', () => {
    const file = scenarioWithFile(FILE_SCENARIO, MANIFEST);
    expect(loadScenario(file).world.services[0]!.revisions[0]!.containerConcurrency).toBe(4);
    const loaded = loadScenario(file, {
      sets: [
        `${M}.spec.template.spec.containerConcurrency=7`,
        `${M}.spec.template.metadata.annotations["autoscaling.knative.dev/max-scale"]="3"`,
      ],
    });
    const rev = loaded.world.services[0]!.revisions[0]!;
    expect(rev.containerConcurrency).toBe(7);
    expect(rev.autoscaling.maxScale).toBe(3);
  });

  it('checks the path and the value like any override', () => {
    const file = scenarioWithFile(FILE_SCENARIO, MANIFEST);
    const typo = catchScenarioError(() => loadScenario(file, { sets: [`${M}.spec.template.spec.containerConcurency=7`] }));
    expect(typo.rule).toContain(`did you mean ${M}.spec.template.spec.containerConcurrency?`);
    const bad = catchScenarioError(() => loadScenario(file, { sets: [`${M}.spec.template.spec.containerConcurrency=-1`] }));
    expect(bad.rule).toBe('expected 0 <= -1 <= 1000 (container-concurrency-max-limit)');
  });
});

describe('warnings for keys Knative ignores', () => {
  const SCENARIO = `
name: typos
duration: 30s
configMaps:
  config-autoscaler: { stable-windw: "30s", _example: "docs", stable-window: "60s" }
services:
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: hello }
      spec:
        template:
          metadata:
            annotations:
              autoscaling.knative.dev/minscale: "1"
              autoscaling.knative.dev/targt: "10"
              autoscaling.knative.dev/max-scale: "3"
              example.com/other: "x"
          spec:
            containers: [{ image: app }]
clients:
  - { name: load, service: hello, open: { rps: 5 } }
`;

  it('lists each one with a suggestion, and still loads', () => {
    const file = scenarioWithFile(SCENARIO, MANIFEST);
    const loaded = loadScenario(file);
    const ann = `${M}.spec.template.metadata.annotations`;
    expect(loaded.warnings).toEqual([
      `${file}: configMaps.config-autoscaler["stable-windw"]: unknown config-autoscaler key, ignored (did you mean stable-window?)`,
      `${file}: ${ann}["autoscaling.knative.dev/minscale"]: unknown autoscaling annotation, ignored (did you mean autoscaling.knative.dev/min-scale?)`,
      `${file}: ${ann}["autoscaling.knative.dev/targt"]: unknown autoscaling annotation, ignored (did you mean autoscaling.knative.dev/target?)`,
    ]);
    // Ignored as Knative ignores them: the defaults stay.
    expect(loaded.world.services[0]!.revisions[0]!.autoscaling.minScale).toBe(0);
    expect(loaded.world.services[0]!.revisions[0]!.autoscaling.maxScale).toBe(3);
  });

  it('warns about a misspelt config-autoscaler key an update writes, at the update', () => {
    const base = fixture('base.yaml');
    const loaded = loadScenario(base, { sets: ['updates=[{at: 10s, configMaps: {config-autoscaler: {stable-windw: 30s, panic-threshold-percentage: "300"}}}]'] });
    expect(loaded.warnings).toEqual([`${base}: updates[0].configMaps.config-autoscaler["stable-windw"]: unknown config-autoscaler key, ignored (did you mean stable-window?)`]);
  });

  it('has none for a clean scenario', () => {
    const file = scenarioWithFile(FILE_SCENARIO, MANIFEST);
    expect(loadScenario(file).warnings).toBeUndefined();
  });
});
