/**
 * Annotation and label values written unquoted as numbers or booleans: kubectl sends them as JSON
 * numbers and booleans, and Kubernetes refuses them. knsim refuses them where the user wrote YAML,
 * and takes `--set` values and JavaScript values as their text.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { scenarioFromValue } from '../../src/scenario/index.js';
import { runKnsim } from '../support/cli.js';
import { catchScenarioError } from './helpers.js';
import { ScenarioError } from '../../src/scenario/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'knsim-metadata-values-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenario(name: string, manifestLines: { meta?: string; templateMeta?: string }, extra = ''): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
duration: 10s
services:
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: hello${manifestLines.meta ?? ''} }
      spec:
        template:
          metadata: { name: hello-00001${manifestLines.templateMeta ?? ''} }
          spec: { containers: [{ image: registry.example.com/hello:1 }] }
    initialPods: 1
${extra}clients:
  - { name: c, service: hello, open: { rps: 1 } }
`,
  );
  return file;
}

const NUMBER = 'kubectl sends an unquoted number as a JSON number, and Kubernetes refuses it';
const BOOLEAN = 'kubectl sends an unquoted boolean as a JSON boolean, and Kubernetes refuses it';

describe('unquoted numbers and booleans in annotations and labels, as written in YAML', () => {
  it.each([
    {
      what: 'a template annotation written 1',
      lines: { templateMeta: ', annotations: { autoscaling.knative.dev/min-scale: 1 }' },
      path: 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/min-scale"]',
      rule: `quote it ("1"): ${NUMBER} (annotation values are strings)`,
    },
    {
      what: 'an octal-looking 010 (kubectl reads 8)',
      lines: { templateMeta: ', annotations: { autoscaling.knative.dev/max-scale: 010 }' },
      path: 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/max-scale"]',
      rule: `quote it ("8"): ${NUMBER} (annotation values are strings)`,
    },
    {
      what: 'a Service label written yes',
      lines: { meta: ', labels: { team: yes }' },
      path: 'services[0].manifest.metadata.labels["team"]',
      rule: `quote it (unquoted, true, yes, on or y is a boolean): ${BOOLEAN} (label values are strings)`,
    },
    {
      what: 'a Service annotation written 120',
      lines: { meta: ', annotations: { serving.knative.dev/rollout-duration: 120 }' },
      path: 'services[0].manifest.metadata.annotations["serving.knative.dev/rollout-duration"]',
      rule: `quote it ("120"): ${NUMBER} (annotation values are strings)`,
    },
  ])('$what: refused at the value', ({ what, lines, path, rule }) => {
    const file = scenario(what.replace(/\W+/g, '-'), lines);
    const e = catchScenarioError(() => loadScenario(file));
    // The rule as the error caps it (the folder's name sets how much of the line is left).
    expect([e.file, e.path, e.rule]).toEqual([file, path, new ScenarioError(file, path, rule).rule]);
    expect(rule.startsWith(e.rule.replace(/…$/, ''))).toBe(true);
  });

  it('in an update\'s template too', () => {
    const file = scenario('update', {}, `    updates:\n      - at: 5s\n        template:\n          metadata: { annotations: { autoscaling.knative.dev/target: 50 } }\n          spec: { containers: [{ image: registry.example.com/hello:2 }] }\n`);
    const e = catchScenarioError(() => loadScenario(file));
    expect(e.path).toBe('services[0].updates[0].template.metadata.annotations["autoscaling.knative.dev/target"]');
  });

  it('in a manifestFile (path as in that file)', () => {
    const m = join(dir, 'svc.yaml');
    writeFileSync(m, 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: { name: hello }\nspec:\n  template:\n    metadata: { annotations: { autoscaling.knative.dev/target: 50 } }\n    spec: { containers: [{ image: registry.example.com/hello:1 }] }\n');
    const file = join(dir, 'from-file.yaml');
    writeFileSync(file, `name: from-file\nduration: 10s\nservices:\n  - manifestFile: svc.yaml\n    initialPods: 1\nclients:\n  - { name: c, service: hello, open: { rps: 1 } }\n`);
    const e = catchScenarioError(() => loadScenario(file));
    expect([e.file, e.path]).toEqual([m, 'spec.template.metadata.annotations["autoscaling.knative.dev/target"]']);
  });

  it('quoted, they load; through the CLI the refusal is one line, exit 2', () => {
    const ok = scenario('quoted', { templateMeta: ', annotations: { autoscaling.knative.dev/min-scale: "1" }' });
    expect(loadScenario(ok).world.services[0]!.name).toBe('hello');
    const bad = scenario('cli', { templateMeta: ', annotations: { autoscaling.knative.dev/min-scale: 1 }' });
    const r = runKnsim(['run', bad, '--no-report', '--out', join(dir, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`knsim: ${bad}: services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/min-scale"]: quote it ("1"): ${NUMBER} (annotation values are strings)\n`);
  });
});

describe('values that are not YAML the user wrote are taken as their text', () => {
  it('a --set value (what a sweep grid writes) and a JavaScript value', () => {
    const file = scenario('set', {});
    const loaded = loadScenario(file, { sets: ['services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/min-scale"]=2'] });
    expect(loaded.world.services[0]!.revisions[0]!.autoscaling.minScale).toBe(2);
    const js = scenarioFromValue(
      {
        name: 'js',
        duration: '10s',
        services: [
          {
            manifest: {
              apiVersion: 'serving.knative.dev/v1',
              kind: 'Service',
              metadata: { name: 'hello' },
              spec: { template: { metadata: { annotations: { 'autoscaling.knative.dev/min-scale': 3 } }, spec: { containers: [{ image: 'registry.example.com/hello:1' }] } } },
            },
            initialPods: 1,
          },
        ],
        clients: [{ name: 'c', service: 'hello', open: { rps: 1 } }],
      },
      'js',
    );
    expect(js.world.services[0]!.revisions[0]!.autoscaling.minScale).toBe(3);
  });
});
