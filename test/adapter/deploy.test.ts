/**
 * The manifests under src/adapter/deploy/: least-privilege RBAC that still covers every
 * request the controller and the rollout driver make (checked against the fake API
 * server's request log), and a Deployment whose arguments the CLI accepts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { parseAllDocuments } from 'yaml';
import { silentLogger } from '../../src/adapter/log.js';
import { autoscalerConfigOf, deploymentConfigOf, loadAutoscalerConfig, loadDeploymentConfig } from '../../src/adapter/revisions.js';
import { RolloutDriver } from '../../src/adapter/rollout.js';
import { controllerOptions, parseControllerFlags, type ControllerArgs } from '../../src/cli/controller.js';
import { FakeClock } from './support/fake-clock.js';
import type { RecordedRequest } from './support/fake-kube.js';
import { NS, addRevision, fakeCluster, replica, run, setConcurrency, type Cluster } from './support/cluster.js';
import { until } from './support/wait.js';

const dir = resolve(import.meta.dirname, '../../src/adapter/deploy');
type Doc = { kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };
const load = (f: string): Doc[] => parseAllDocuments(readFileSync(resolve(dir, f), 'utf8')).map((d) => d.toJS() as Doc);

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** What a request asks for, in RBAC terms. */
interface Attr {
  verb: string;
  group: string;
  resource: string;
  namespace: string;
  name: string | undefined;
}

function attributes(r: RecordedRequest): Attr {
  const m = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(r.path);
  if (!m) throw new Error(`unexpected path ${r.path}`);
  const [, group = '', namespace = '', plural = '', name, sub] = m;
  const collection = r.query.get('watch') === 'true' ? 'watch' : 'list';
  const verb = { GET: name === undefined ? collection : 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }[r.method] ?? r.method;
  // As the API server's authorizer: a list or watch field-selected by one name is checked against resourceNames.
  const selected = name === undefined ? /^metadata\.name=([^,]+)$/.exec(r.query.get('fieldSelector') ?? '')?.[1] : undefined;
  return { verb, group, resource: sub ? `${plural}/${sub}` : plural, namespace, name: name ?? selected };
}

/** The rules bound to a ServiceAccount, with the namespace each applies in ('' = all). */
function rulesFor(docs: Doc[], sa: { name: string; namespace: string }): Array<{ scope: string; rule: Rule }> {
  const roles = new Map(docs.filter((d) => d.kind === 'ClusterRole' || d.kind === 'Role').map((d) => [`${d.kind}/${d.metadata.namespace ?? ''}/${d.metadata.name}`, d]));
  const out: Array<{ scope: string; rule: Rule }> = [];
  for (const b of docs.filter((d) => d.kind === 'ClusterRoleBinding' || d.kind === 'RoleBinding')) {
    const subjects = b['subjects'] as Array<{ kind: string; name: string; namespace: string }>;
    if (!subjects.some((s) => s.kind === 'ServiceAccount' && s.name === sa.name && s.namespace === sa.namespace)) continue;
    const ref = b['roleRef'] as { kind: string; name: string };
    const role = roles.get(ref.kind === 'ClusterRole' ? `ClusterRole//${ref.name}` : `Role/${b.metadata.namespace}/${ref.name}`);
    if (!role) throw new Error(`binding ${b.metadata.name} refers to a missing ${ref.kind} ${ref.name}`);
    const scope = b.kind === 'ClusterRoleBinding' ? '' : (b.metadata.namespace ?? '');
    for (const rule of role['rules'] as Rule[]) out.push({ scope, rule });
  }
  return out;
}

function allowed(rules: Array<{ scope: string; rule: Rule }>, a: Attr): boolean {
  return rules.some(
    ({ scope, rule }) =>
      (scope === '' || scope === a.namespace) &&
      rule.apiGroups.includes(a.group) &&
      rule.resources.includes(a.resource) &&
      rule.verbs.includes(a.verb) &&
      (rule.resourceNames === undefined || (a.name !== undefined && rule.resourceNames.includes(a.name))),
  );
}

const controllerDocs = load('rbac.yaml');
const controllerRules = rulesFor(controllerDocs, { name: 'knsim-controller', namespace: 'knsim-system' });

describe('RBAC manifests', () => {
  it('grant no wildcards and no more verbs than the adapter uses', () => {
    for (const f of ['rbac.yaml', 'rollout-rbac.yaml']) {
      for (const d of load(f).filter((x) => x.kind === 'ClusterRole' || x.kind === 'Role')) {
        for (const r of d['rules'] as Rule[]) {
          for (const v of [...r.apiGroups, ...r.resources, ...r.verbs]) expect(v, `${f} ${d.metadata.name}`).not.toContain('*');
          expect(r.verbs.every((v) => ['get', 'list', 'watch', 'patch', 'create', 'update'].includes(v))).toBe(true);
        }
      }
    }
    const writes = controllerRules.filter(({ rule }) => rule.verbs.some((v) => v === 'patch' || v === 'create' || v === 'update'));
    expect(writes.map(({ scope, rule }) => `${scope}:${rule.apiGroups[0]}/${rule.resources.join(',')}:${rule.verbs.join(',')}:${rule.resourceNames?.join(',') ?? ''}`).sort()).toEqual([
      ':apps/deployments/scale:get,patch:',
      ':autoscaling.internal.knative.dev/podautoscalers/status:patch:',
      ':networking.internal.knative.dev/serverlessservices:get,list,watch,create,patch:',
      'knsim-system:coordination.k8s.io/leases:create:',
      'knsim-system:coordination.k8s.io/leases:get,update:knsim-controller',
    ]);
  });

  describe('cover every request', () => {
    let c: Cluster;
    beforeEach(async () => {
      c = await fakeCluster();
    });
    afterEach(async () => {
      await c.stop();
    });

    it('of the controller, in shadow and apply mode', async () => {
      c.kube.put('api/v1', 'knative-serving', 'configmaps', { metadata: { name: 'config-autoscaler' }, data: { 'stable-window': '60s' } });
      await addRevision(c, 'hello-00001', { knsim: true, pods: 2, concurrency: 20, annotations: { 'autoscaling.knative.dev/target': '10' } });
      await addRevision(c, 'kpa-00001', { pods: 1, concurrency: 3 });
      await loadAutoscalerConfig(c.kube.clients(), 'knative-serving', {});
      const shadow = replica(c, { mode: 'shadow' });
      const apply = replica(c, { mode: 'apply', token: 'replica-b', leaseNamespace: 'knsim-system' });
      // Conflicts make the controller re-read the SKS and the PA by name (get) as well.
      c.kube.fault({ method: 'POST', path: /\/serverlessservices$/ }, { kind: 'status', status: 409 });
      c.kube.fault({ method: 'PATCH', path: /\/status$/ }, { kind: 'status', status: 409 });
      await apply.leader!.tryAcquireOrRenew();
      for (const r of [shadow, apply]) await r.controller.syncRevisions();
      await run(c, [shadow, apply], 20);
      setConcurrency(c, 'hello-00001', 0);
      await run(c, [shadow, apply], 4);
      const kinds = new Set(c.kube.requests.map((q) => `${q.method} ${attributes(q).resource}`));
      expect(kinds).toEqual(
        new Set([
          'GET configmaps',
          'GET revisions',
          'GET pods',
          'GET podautoscalers',
          'GET deployments/scale',
          'PATCH deployments/scale',
          'GET serverlessservices',
          'POST serverlessservices',
          'PATCH serverlessservices',
          'PATCH podautoscalers/status',
          'GET leases',
          'POST leases',
          'PUT leases',
        ]),
      );
      const verbs = new Set(c.kube.requests.map((q) => `${attributes(q).verb} ${attributes(q).resource}`));
      for (const v of ['get serverlessservices', 'list serverlessservices', 'get podautoscalers', 'patch podautoscalers/status']) expect(verbs.has(v), v).toBe(true);
      for (const q of c.kube.requests) {
        const a = attributes(q);
        expect(allowed(controllerRules, a), `${q.method} ${q.path}`).toBe(true);
      }
      // Shadow mode would work without apply mode's three rules at all.
      const applyOnly = ['deployments/scale', 'serverlessservices', 'podautoscalers/status'];
      const readOnly = controllerRules.filter(({ rule }) => !rule.resources.some((r) => applyOnly.includes(r)));
      for (const q of c.kube.requests.filter((x) => x.token === 'replica-a')) expect(allowed(readOnly, attributes(q)), q.path).toBe(true);
    });

    it('of the controller\'s run loop: the informers and the config-autoscaler and config-deployment watches', async () => {
      c.kube.put('api/v1', 'knative-serving', 'configmaps', { metadata: { name: 'config-autoscaler' }, data: { 'stable-window': '60s' } });
      await addRevision(c, 'hello-00001', { knsim: true, pods: 1, concurrency: 5 });
      const clients = c.kube.clients('replica-b');
      const r = replica(c, {
        mode: 'apply',
        token: 'replica-b',
        leaseNamespace: 'knsim-system',
        reloadConfig: {
          where: 'knative-serving/config-autoscaler',
          load: () => loadAutoscalerConfig(clients, 'knative-serving', {}),
          watch: { namespace: 'knative-serving', name: 'config-autoscaler', parse: (cm) => autoscalerConfigOf(cm, {}) },
        },
        reloadDeployment: {
          where: 'knative-serving/config-deployment',
          load: () => loadDeploymentConfig(clients, 'knative-serving'),
          watch: { namespace: 'knative-serving', name: 'config-deployment', parse: deploymentConfigOf },
        },
      });
      const ac = new AbortController();
      const done = r.controller.run(ac.signal);
      await until('every watch open', () => c.kube.watchCount() === 5);
      expect(c.kube.watchCount('configmaps')).toBe(2);
      const selectors = c.kube.requests.filter((q) => q.query.get('watch') === 'true' && q.path.endsWith('/configmaps')).map((q) => q.query.get('fieldSelector'));
      expect(selectors.sort()).toEqual(['metadata.name=config-autoscaler', 'metadata.name=config-deployment']);
      ac.abort();
      await done;
      const verbs = new Set(c.kube.requests.map((q) => `${attributes(q).verb} ${attributes(q).resource}`));
      for (const v of ['list configmaps', 'watch configmaps', 'watch pods', 'watch podautoscalers', 'watch serverlessservices']) expect(verbs.has(v), v).toBe(true);
      for (const q of c.kube.requests) expect(allowed(controllerRules, attributes(q)), `${q.method} ${q.path}?${q.query.toString()}`).toBe(true);
      // Without the field selector the same watch would be refused: the grant is for config-autoscaler only.
      expect(allowed(controllerRules, { verb: 'watch', group: '', resource: 'configmaps', namespace: 'knative-serving', name: undefined })).toBe(false);
      expect(r.logger.lines.filter((l) => l.level !== 'info')).toEqual([]);
    });

    it('of the rollout driver', async () => {
      const rules = rulesFor(load('rollout-rbac.yaml'), { name: 'knsim-rollout', namespace: 'knsim-system' });
      c.kube.put('apis/serving.knative.dev/v1', NS, 'services', {
        metadata: { name: 'hello' },
        spec: { traffic: [{ revisionName: 'hello-00001', percent: 100 }] },
        status: { latestReadyRevisionName: 'hello-00002' },
      });
      c.kube.addRevision(NS, 'hello-00001', { service: 'hello', generation: 1 });
      c.kube.addRevision(NS, 'hello-00002', { service: 'hello', generation: 2 });
      const r = await new RolloutDriver({
        kube: c.kube.clients('rollout'),
        clock: new FakeClock(0, true),
        logger: silentLogger,
        namespace: NS,
        service: 'hello',
        steps: [50, 100],
        pauseSeconds: 2,
        analysisIntervalSeconds: 1,
        dryRun: false,
      }).run();
      expect(r.outcome).toBe('completed');
      expect(c.kube.requests.length).toBeGreaterThan(3);
      for (const q of c.kube.requests) expect(allowed(rules, attributes(q)), `${q.method} ${q.path}`).toBe(true);
    });
  });
});

describe('the controller Deployment', () => {
  const [dep] = load('deployment.yaml');
  const spec = (dep as unknown as { spec: { replicas: number; template: { spec: { serviceAccountName: string; containers: Array<{ args: string[] }> } } } }).spec;

  it('runs as the RBAC ServiceAccount, with more than one replica (leader election)', () => {
    expect(dep!.kind).toBe('Deployment');
    expect(dep!.metadata.namespace).toBe('knsim-system');
    expect(spec.template.spec.serviceAccountName).toBe('knsim-controller');
    expect(spec.replicas).toBeGreaterThan(1);
    expect(controllerDocs.some((d) => d.kind === 'ServiceAccount' && d.metadata.name === 'knsim-controller')).toBe(true);
  });

  it('passes arguments the CLI accepts', () => {
    const args = spec.template.spec.containers[0]!.args;
    expect(args[0]).toBe('controller');
    const argv = controllerOptions(yargs(args.slice(1))).strict().exitProcess(false).parseSync();
    const s = parseControllerFlags(argv as unknown as ControllerArgs, { POD_NAME: 'knsim-controller-abc', POD_NAMESPACE: 'knsim-system' });
    expect(s).toMatchObject({ mode: 'shadow', inCluster: true, namespaces: ['default'], leaseNamespace: 'knsim-system', identity: 'knsim-controller-abc', csv: '/data/knsim-decisions.csv' });
  });
});
