/** `knsim sweep k8s-job`: the manifest parses as YAML and has what an Indexed Job of shards needs. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { jobYaml, shardArgs } from '../../src/sweep/k8s-job.js';

type Obj = Record<string, any>;

function manifests(file: string, grid: string[], extra: Partial<Parameters<typeof jobYaml>[0]> = {}): Obj[] {
  const { def } = defineSweep({ file, axes: parseAxes(grid, '--grid'), replications: 4, durationSeconds: 120 });
  const text = jobYaml({ file, def, shards: 3, image: 'ghcr.io/example/knsim:0.1.0', pvc: 'sweep-results', workers: 2, cpu: '2', memory: '1Gi', name: 'knsim-sweep-test', ...extra });
  const docs = parseAllDocuments(text);
  for (const d of docs) expect((d as { errors: unknown[] }).errors).toEqual([]);
  return docs.map((d) => (d as { toJS(): Obj }).toJS());
}

describe('sweep k8s-job', () => {
  it('writes a ConfigMap with the scenario and a batch/v1 Indexed Job of N shards', () => {
    const [cm, job] = manifests('scenarios/quickstart.yaml', ['services[0].manifest.spec.template.spec.containerConcurrency=1,2,4', 'configMaps.config-autoscaler.stable-window=30s,60s']);
    expect(cm!.apiVersion).toBe('v1');
    expect(cm!.kind).toBe('ConfigMap');
    expect(cm!.metadata.name).toBe('knsim-sweep-test-scenario');
    expect(cm!.data['quickstart.yaml']).toContain('name: quickstart');

    expect(job!.apiVersion).toBe('batch/v1');
    expect(job!.kind).toBe('Job');
    expect(job!.metadata.name).toBe('knsim-sweep-test');
    const spec = job!.spec;
    expect(spec.completionMode).toBe('Indexed');
    expect(spec.completions).toBe(3);
    expect(spec.parallelism).toBe(3);
    const pod = spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0];
    expect(c.image).toBe('ghcr.io/example/knsim:0.1.0');
    expect(c.command).toEqual(['knsim']);
    expect(c.args.slice(0, 2)).toEqual(['sweep', '/scenario/quickstart.yaml']);
    const arg = (flag: string): string => c.args[c.args.indexOf(flag) + 1];
    expect(arg('--shard')).toBe('$(JOB_COMPLETION_INDEX)/3');
    expect(arg('--out')).toBe('/results/knsim-sweep-test/shard-$(JOB_COMPLETION_INDEX)');
    expect(arg('--replications')).toBe('4');
    expect(arg('--seed')).toBe('42');
    expect(arg('--duration')).toBe('120s');
    expect(arg('--workers')).toBe('2');
    expect(c.args.filter((a: string) => a === '--grid')).toHaveLength(2);
    expect(c.env).toContainEqual({ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } });
    expect(c.resources).toEqual({ requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '2', memory: '1Gi' } });
    expect(c.volumeMounts).toEqual(expect.arrayContaining([{ name: 'results', mountPath: '/results' }, { name: 'scenario', mountPath: '/scenario', readOnly: true }]));
    expect(pod.volumes).toContainEqual({ name: 'results', persistentVolumeClaim: { claimName: 'sweep-results' } });
    expect(pod.volumes).toContainEqual({ name: 'scenario', configMap: { name: 'knsim-sweep-test-scenario', items: [{ key: 'quickstart.yaml', path: 'quickstart.yaml' }] } });
  });

  it('mounts the trace files a scenario names next to it', () => {
    const [cm, job] = manifests('scenarios/azure-trace.yaml', ['services[0].manifest.spec.template.spec.containerConcurrency=2,4'], { namespace: 'sims', parallelism: 2 });
    expect(Object.keys(cm!.data).sort()).toEqual(['azure-trace.yaml', 'traces_arrivals-sample.csv', 'traces_azure2021-sample.csv']);
    const items = job!.spec.template.spec.volumes.find((v: Obj) => v.name === 'scenario').configMap.items;
    expect(items).toContainEqual({ key: 'traces_azure2021-sample.csv', path: 'traces/azure2021-sample.csv' });
    expect(job!.metadata.namespace).toBe('sims');
    expect(cm!.metadata.namespace).toBe('sims');
    expect(job!.spec.parallelism).toBe(2);
  });

  it('mounts the ConfigMap files a scenario names (configMapFiles)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-job-'));
    mkdirSync(join(dir, 'cms'));
    writeFileSync(join(dir, 'cms', 'autoscaler.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: config-autoscaler }\ndata: { stable-window: 30s }\n');
    writeFileSync(
      join(dir, 'x.yaml'),
      `name: x
duration: 30s
configMapFiles: [cms/autoscaler.yaml]
services:
  - manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: a }, spec: { template: { spec: { containers: [{ image: app }] } } } }
clients:
  - { name: c, service: a, open: { rps: 1 } }
`,
    );
    const [cm, job] = manifests(join(dir, 'x.yaml'), ['services[0].manifest.spec.template.spec.containerConcurrency=1,2']);
    expect(Object.keys(cm!.data).sort()).toEqual(['cms_autoscaler.yaml', 'x.yaml']);
    const items = job!.spec.template.spec.volumes.find((v: Obj) => v.name === 'scenario').configMap.items;
    expect(items).toContainEqual({ key: 'cms_autoscaler.yaml', path: 'cms/autoscaler.yaml' });
  });

  it('refuses files outside the scenario directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-job-'));
    mkdirSync(join(dir, 's'));
    writeFileSync(join(dir, 'trace.csv'), 'arrival\n1\n2\n');
    writeFileSync(
      join(dir, 's', 'x.yaml'),
      `name: x
duration: 30s
services:
  - manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: a }, spec: { template: { spec: { containers: [{ image: app }] } } } }
clients:
  - { name: c, service: a, trace: { file: ../trace.csv, format: simple } }
`,
    );
    expect(() => manifests(join(dir, 's', 'x.yaml'), ['services[0].manifest.spec.template.spec.containerConcurrency=1,2'])).toThrow(UsageError);
  });

  // A scenario's autoscaler module is compiled again in every shard's pod: it and the files it bundles must be there.
  function moduleScenario(moduleImports: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-job-'));
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib', 'headroom.ts'), 'export const HEADROOM = 1.2;\n');
    writeFileSync(
      join(dir, 'ceil.ts'),
      `${moduleImports}
export default defineAutoscaler({
  apiVersion: 'knsim.dev/v1',
  description: 'stable window with headroom',
  create() {
    return { decide: (input) => ({ desiredScale: Math.ceil((HEADROOM * input.stable[input.settings.metric]) / input.settings.target) }) };
  },
});
`,
    );
    writeFileSync(
      join(dir, 'x.yaml'),
      `name: x
duration: 30s
autoscalerClasses:
  - { name: ceil.example.com, module: ./ceil.ts }
services:
  - manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: a }, spec: { template: { metadata: { annotations: { autoscaling.knative.dev/class: ceil.example.com } }, spec: { containers: [{ image: app }] } } } }
clients:
  - { name: c, service: a, open: { rps: 1 } }
`,
    );
    return join(dir, 'x.yaml');
  }

  it('mounts the autoscaler modules a scenario names, with the files they import, but not knsim/autoscaler', () => {
    const file = moduleScenario("import { defineAutoscaler } from 'knsim/autoscaler';\nimport { HEADROOM } from './lib/headroom.js';");
    const [cm, job] = manifests(file, ['configMaps.config-autoscaler.stable-window=30s,60s']);
    expect(Object.keys(cm!.data).sort()).toEqual(['ceil.ts', 'lib_headroom.ts', 'x.yaml']);
    expect(cm!.data['lib_headroom.ts']).toBe('export const HEADROOM = 1.2;\n');
    const items = job!.spec.template.spec.volumes.find((v: Obj) => v.name === 'scenario').configMap.items;
    expect(items).toEqual([
      { key: 'x.yaml', path: 'x.yaml' },
      { key: 'ceil.ts', path: 'ceil.ts' },
      { key: 'lib_headroom.ts', path: 'lib/headroom.ts' },
    ]);
  });

  it("refuses a module that bundles a file outside the scenario's directory, which no pod has", () => {
    const file = moduleScenario(`import { defineAutoscaler } from '${join(process.cwd(), 'src/core/autoscaler/user-api.js')}';\nimport { HEADROOM } from './lib/headroom.js';`);
    expect(() => manifests(file, ['configMaps.config-autoscaler.stable-window=30s,60s'])).toThrow(/the autoscaler module "\.\/ceil\.ts" bundles ".*user-api\.ts", which is not inside the scenario's directory/);
  });

  it('escapes "$(" from the user so the kubelet does not expand it', () => {
    const { def } = defineSweep({ file: 'scenarios/quickstart.yaml', axes: parseAxes(['services[0].manifest.metadata.annotations["x"]=$(A),b'], '--grid'), replications: 2 });
    const args = shardArgs('/scenario/q.yaml', def, 2, 1, '/results/x');
    expect(args).toContain('services[0].manifest.metadata.annotations["x"]=$$(A),b');
    expect(args).toContain('$(JOB_COMPLETION_INDEX)/2');
  });

  it('passes raised work limits on to every shard', () => {
    const { def } = defineSweep({ file: 'scenarios/quickstart.yaml', axes: parseAxes(['configMaps.config-autoscaler.stable-window=30s,60s'], '--grid'), replications: 1 });
    const args = shardArgs('/scenario/q.yaml', def, 2, 1, '/results/x', ['--max-pods', '200000']);
    const i = args.indexOf('--max-pods');
    expect(args.slice(i, i + 2)).toEqual(['--max-pods', '200000']);
    expect(shardArgs('/scenario/q.yaml', def, 2, 1, '/results/x')).not.toContain('--max-pods');
  });
});
