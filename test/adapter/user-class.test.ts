/**
 * `knsim controller --autoscaler-class name=module`: the module the simulator runs, loaded
 * by the CLI with the simulator's loader, decides for revisions annotated with its class
 * in the cluster (the fake API server). Flag problems are one line, exit 2.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KNSIM_CLASS } from '../../src/adapter/revisions.js';
import { UsageError } from '../../src/cli/errors.js';
import { KNSIM_CLASS_NAME, parseAutoscalerClassFlags, parseControllerFlags, type ControllerArgs } from '../../src/cli/controller.js';
import { kpaClass, type AutoscalerClass } from '../../src/core/autoscaler/index.js';
import { NS, addRevision, checkScaleWrites, fakeCluster, replica, run, scalePatches, type Cluster } from './support/cluster.js';

const tmp = mkdtempSync(join(tmpdir(), 'knsim-ctl-class-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function moduleFile(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

/** A class whose answer is easy to tell from the KPA's: one pod per 3 in flight (the KPA, at target 10, wants 2 for 14). */
const PER_THREE = moduleFile(
  'per-three.ts',
  `export default {
  apiVersion: 'knsim.dev/v1',
  create() {
    return { decide(input: { stable: { concurrency: number } }) { return { desiredScale: Math.ceil(input.stable.concurrency / 3) }; } };
  },
};
`,
);
const THROWS = moduleFile(
  'throws.ts',
  `export default { apiVersion: 'knsim.dev/v1', create() { return { decide() { throw new Error('model not trained'); } }; } };\n`,
);
const WRONG_API = moduleFile('wrong-api.ts', `export default { apiVersion: 'knsim.dev/v2', create() { return { decide() { return { desiredScale: 1 }; } }; } };\n`);
const PREDICTIVE = resolve(import.meta.dirname, '../../examples/autoscalers/predictive.ts');

const controllerDefaults: ControllerArgs = {
  mode: 'apply',
  dryRun: false,
  namespace: undefined,
  selector: undefined,
  kubeconfig: undefined,
  context: undefined,
  inCluster: false,
  knativeNamespace: 'knative-serving',
  config: undefined,
  csv: undefined,
  allowScaleToZero: false,
  autoscalerClass: undefined,
  staleAfter: '5s',
  subtractProxied: false,
  metricsPort: 9090,
  requestTimeout: '5s',
  leaseName: 'knsim-controller',
  leaseNamespace: undefined,
  leaseDuration: '15s',
  renewDeadline: '10s',
  retryPeriod: '2s',
  identity: undefined,
  duration: undefined,
  logFormat: 'text',
};

/** The classes as `knsim controller --autoscaler-class ...` loads them. */
function classes(...flags: string[]): readonly AutoscalerClass[] {
  return parseControllerFlags({ ...controllerDefaults, autoscalerClass: flags }, {}).autoscalerClasses ?? [];
}

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('no UsageError');
}

describe('--autoscaler-class flags', () => {
  it('loads each module with the simulator\'s loader, paths relative to the working directory', () => {
    expect(classes(`per-three.example.com=${PER_THREE}`, `predictive.example.com=${PREDICTIVE}`).map((c) => c.name)).toEqual(['per-three.example.com', 'predictive.example.com']);
    expect(parseAutoscalerClassFlags(['a.example.com=./x.ts'], '/srv/app')).toEqual([{ name: 'a.example.com', module: '/srv/app/x.ts' }]);
    expect(parseControllerFlags(controllerDefaults, {}).autoscalerClasses).toBeUndefined();
    // The CLI's copy of knsim's class name is the adapter's.
    expect(KNSIM_CLASS_NAME).toBe(KNSIM_CLASS);
  });

  it.each([
    [['predictive.example.com'], /^--autoscaler-class: must be name=module, e\.g\. /],
    [['=./x.ts'], /^--autoscaler-class: must be name=module/],
    [['a.example.com='], /^--autoscaler-class: must be name=module/],
    [['bad name=./x.ts'], /^--autoscaler-class: "bad name" is not a valid class name/],
    [['mine.knative.dev=./x.ts'], /^--autoscaler-class: "mine\.knative\.dev" is reserved: classes ending in \.knative\.dev are Knative's$/],
    [['kpa.knsim.dev=./x.ts'], /^--autoscaler-class: "kpa\.knsim\.dev" is knsim's own class/],
    [[`a.example.com=${PER_THREE}`, `a.example.com=${PREDICTIVE}`], /^--autoscaler-class: class "a\.example\.com" is given twice$/],
    [[`a.example.com=${join(tmp, 'missing.ts')}`], /^--autoscaler-class: a\.example\.com: autoscaler module ".*missing\.ts" does not exist$/],
    [[`a.example.com=${WRONG_API}`], /wrong-api\.ts: class "a\.example\.com": apiVersion must be "knsim\.dev\/v1" \(got "knsim\.dev\/v2"\)$/],
  ])('%j is refused in one line', (flags, msg) => {
    const m = usage(() => classes(...flags));
    expect(m).toMatch(msg);
    expect(m).not.toContain('\n');
  });
});

describe('apply mode with a user class', () => {
  let c: Cluster;
  beforeEach(async () => {
    c = await fakeCluster();
  });
  afterEach(async () => {
    await c.stop();
  });

  const USER = { 'autoscaling.knative.dev/class': 'per-three.example.com', 'autoscaling.knative.dev/target': '10', 'autoscaling.knative.dev/max-scale': '8' };

  it('scales a revision of the class to what the module decides, and leaves a revision of an unknown class alone', async () => {
    await addRevision(c, 'mine-00001', { pods: 2, concurrency: 7, annotations: USER });
    await addRevision(c, 'other-00001', { pods: 2, concurrency: 7, annotations: { 'autoscaling.knative.dev/class': 'other.example.com' } });
    const r = replica(c, { mode: 'apply', autoscalerClasses: classes(`per-three.example.com=${PER_THREE}`) });
    await r.leader!.tryAcquireOrRenew();
    await r.controller.syncRevisions();
    await run(c, [r], 10);

    // 2 pods × 7 in flight = 14: the module wants ceil(14 / 3) = 5 (the KPA would keep 2).
    expect(scalePatches(c, 'mine-00001-deployment').map((q) => (q.body as { spec: { replicas: number } }).spec.replicas)).toEqual([5]);
    expect(c.kube.replicas(NS, 'mine-00001-deployment')).toBe(5);
    expect(r.rows.filter((x) => x.revision === 'mine-00001' && x.action !== 'none').map((x) => x.action)).toEqual(['scale 2->5']);
    expect(r.rows.at(-1)).toMatchObject({ revision: 'mine-00001', desired: 5, want: 5, replicas: 5, knativeDesired: undefined });
    // As for knsim's own class, the controller is the PA's reconciler: an SKS and a status.
    expect(c.kube.serverlessServices(NS).map((s) => s.metadata['name'])).toEqual(['mine-00001']);
    expect(c.kube.podAutoscaler(NS, 'mine-00001')?.['status']).toMatchObject({ desiredScale: 5 });

    // Load rises to 30 in flight: ceil(60 / 3) = 20, capped by max-scale 8.
    for (const [pod, qp] of c.qps.byPod) if (pod.startsWith('mine-')) qp.stat = { ...qp.stat, averageConcurrentRequests: 30, requestCount: 30 };
    await run(c, [r], 70);
    expect(checkScaleWrites(c, 'mine-00001-deployment', 2, { min: 0, max: 8 })).toEqual([5, 8]);

    // The other class's revision is nobody's business here: never read, scaled or decided on.
    expect(c.kube.requests.some((q) => q.path.includes('other-00001'))).toBe(false);
    expect(c.qps.requests.some((q) => q.pod.startsWith('other-'))).toBe(false);
    expect(r.rows.some((x) => x.revision === 'other-00001')).toBe(false);
    expect(c.kube.replicas(NS, 'other-00001-deployment')).toBe(2);
  });

  it('stops managing a revision whose module throws, and goes on with the others', async () => {
    await addRevision(c, 'bad-00001', { pods: 2, concurrency: 7, annotations: { 'autoscaling.knative.dev/class': 'throws.example.com' } });
    await addRevision(c, 'mine-00001', { pods: 2, concurrency: 7, annotations: USER });
    const r = replica(c, { mode: 'apply', autoscalerClasses: classes(`throws.example.com=${THROWS}`, `per-three.example.com=${PER_THREE}`) });
    await r.leader!.tryAcquireOrRenew();
    await r.controller.syncRevisions();
    await run(c, [r], 20);

    expect(scalePatches(c, 'bad-00001-deployment')).toEqual([]);
    expect(c.kube.replicas(NS, 'bad-00001-deployment')).toBe(2);
    const failed = r.logger.lines.filter((l) => l.msg === 'autoscaler class failed; stopped managing the revision');
    expect(failed.length).toBe(1);
    expect(failed[0]!.fields).toMatchObject({ revision: `${NS}/bad-00001`, class: 'throws.example.com' });
    expect(String(failed[0]!.fields?.['reason'])).toMatch(/decide threw: model not trained/);
    expect(c.kube.replicas(NS, 'mine-00001-deployment')).toBe(5);
  });

  it('shadow mode reports what the module would do, writing nothing', async () => {
    await addRevision(c, 'mine-00001', { pods: 2, concurrency: 7, annotations: USER });
    const r = replica(c, { mode: 'shadow', autoscalerClasses: classes(`per-three.example.com=${PER_THREE}`) });
    await r.controller.syncRevisions();
    await run(c, [r], 10);
    expect(c.kube.writes()).toEqual([]);
    expect(r.rows.filter((x) => x.action !== 'none').map((x) => x.action)).toEqual(['would-scale 2->5']);
  });

  it('refuses a reserved class name handed to the adapter directly', () => {
    for (const name of ['x.knative.dev', KNSIM_CLASS]) {
      const fake: AutoscalerClass = { ...kpaClass, name };
      expect(() => replica(c, { mode: 'apply', autoscalerClasses: [fake] })).toThrow(`autoscaler class ${JSON.stringify(name)} is reserved`);
    }
  });
});
