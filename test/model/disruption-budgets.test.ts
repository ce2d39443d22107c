import { describe, expect, it } from 'vitest';
import { nodeDrainText } from '../../src/output/text-summary.js';
import { cluster, clusterWarnings, expectRefusal, run, type NodeRecorder, type Opts } from './drain-fixture.js';

const pdb = (spec: Record<string, unknown>, name = 'api-pdb') => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec });
const byService = { matchLabels: { 'serving.knative.dev/service': 'api' } };

/** When each pod of `node` began terminating, in time order. */
function evictions(rec: NodeRecorder, node: string): number[] {
  return rec.pods.filter((p) => p.event === 'Terminating' && p.pod.node?.name === node).map((p) => p.time);
}

/** When each replacement created at or after `from` became Ready (kubelet), in creation order. */
function readyTimes(rec: NodeRecorder, from: number): number[] {
  const created = rec.pods.filter((p) => p.event === 'Pending' && p.time >= from).map((p) => p.pod);
  return created.map((pod) => rec.pods.find((e) => e.pod === pod && e.event === 'Ready')?.time ?? Number.NaN);
}

describe('kubectl drain under a PodDisruptionBudget (maxUnavailable 1)', () => {
  const { rec, world } = run(cluster({ budgets: [pdb({ maxUnavailable: 1, selector: byService })] }));
  const drain = world.nodeDrains[0]!.record;
  const times = evictions(rec, 'std-4-001');

  it('evicts one pod, then each next one at kubectl\'s first 5 s retry after a replacement is Ready', () => {
    expect(times.length).toBe(3);
    expect(times[0]).toBe(300);
    const ready = readyTimes(rec, 300);
    // Each further eviction waits for the replacement of the one before it (8 desired, 7 healthy).
    for (let k = 1; k < 3; k++) {
      expect(times[k]!).toBeGreaterThanOrEqual(ready[k - 1]!);
      expect(times[k]! - ready[k - 1]!).toBeLessThan(5);
      expect((times[k]! - 300) % 5).toBe(0);
    }
    expect(drain.evictedPods).toBe(3);
    // Two pods refused at 300 s and at each retry before the second eviction; then one at that
    // retry and at each before the third (39 in all: 2 × 3 + 33).
    const rounds = (until: number, from: number) => (until - from) / 5;
    expect(drain.refusedEvictions).toBe(2 * rounds(times[1]!, 300) + rounds(times[2]!, times[1]!));
    expect(world.cluster!.budgets!.records).toEqual([{ name: 'api-pdb', revisions: ['api-00001'], disruptions: 3, refusedEvictions: drain.refusedEvictions, forcedDeletions: 0 }]);
  });

  it('keeps at least seven pods Ready through the drain, so nothing fails and the KPA does not panic', () => {
    expect(rec.requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(Math.min(...rec.samples.filter((s) => s.time >= 300 && s.time <= 600).map((s) => s.ready))).toBeGreaterThanOrEqual(7);
    const plain = run(cluster());
    expect(Math.min(...plain.rec.samples.filter((s) => s.time >= 300 && s.time <= 600).map((s) => s.ready))).toBeLessThan(7);
  });

  it('deletes the node only when its last pod, evicted last, is gone', () => {
    expect(drain.emptySeconds).toBe(times[2]! + 30);
    expect(drain.deletedSeconds).toBe(drain.emptySeconds);
  });
});

describe('a budget that allows nothing', () => {
  it('holds a drain until the end of the run: kubectl retries every 5 s', () => {
    const { rec, world } = run(cluster({ budgets: [pdb({ minAvailable: '100%', selector: byService })] }));
    const drain = world.nodeDrains[0]!.record;
    expect(evictions(rec, 'std-4-001')).toEqual([]);
    expect(drain.evictedPods).toBe(0);
    expect(drain.emptySeconds).toBeNull();
    expect(drain.deletedSeconds).toBeNull();
    // Three pods refused at 300 s and at each retry up to the run's end at 900 s (121 rounds).
    expect(drain.refusedEvictions).toBe(3 * 121);
    expect(world.cluster!.nodes.find((n) => n.name === 'std-4-001')?.state).toBe('Tainted');
  });

  it('does not hold a pod it does not select', () => {
    const { rec, world } = run(cluster({ budgets: [pdb({ minAvailable: '100%', selector: { matchLabels: { app: 'other' } } })] }));
    expect(evictions(rec, 'std-4-001')).toEqual([300, 300, 300]);
    expect(world.nodeDrains[0]!.record.refusedEvictions).toBe(0);
  });
});

describe('kubectl drain --timeout and --disable-eviction under a budget', () => {
  const holdAll = [pdb({ minAvailable: '100%', selector: byService })];

  it('--timeout: kubectl gives up at its first attempt past the timeout; the node stays cordoned with its pods', () => {
    const { rec, world } = run(cluster({ budgets: holdAll, updates: [{ at: '5m', drainNode: { node: 'std-4-001', timeout: '1m' } }] }));
    const d = world.nodeDrains[0]!.record;
    // Attempts at 300, 305, …, 355 s are refused; at 360 s the timeout has passed.
    expect(d.gaveUpSeconds).toBe(360);
    expect(d.refusedEvictions).toBe(3 * 12);
    expect(evictions(rec, 'std-4-001')).toEqual([]);
    expect(d.deletedSeconds).toBeNull();
    expect(world.cluster!.nodes.find((n) => n.name === 'std-4-001')?.state).toBe('Tainted');
  });

  it('--timeout that is not reached changes nothing', () => {
    const plain = run(cluster({ budgets: [pdb({ maxUnavailable: 1, selector: byService })] }));
    const timed = run(cluster({ budgets: [pdb({ maxUnavailable: 1, selector: byService })], updates: [{ at: '5m', drainNode: { node: 'std-4-001', timeout: '1h' } }] }));
    const { gaveUpSeconds, ...rest } = timed.world.nodeDrains[0]!.record;
    expect(gaveUpSeconds).toBeNull();
    expect(rest).toEqual(plain.world.nodeDrains[0]!.record);
  });

  it('--disable-eviction deletes the pods at once, past the budget', () => {
    const { rec, world } = run(cluster({ budgets: holdAll, updates: [{ at: '5m', drainNode: { node: 'std-4-001', disableEviction: true } }] }));
    expect(evictions(rec, 'std-4-001')).toEqual([300, 300, 300]);
    expect(world.nodeDrains[0]!.record).toMatchObject({ evictedPods: 3, refusedEvictions: 0, deletedSeconds: 330 });
    expect(world.cluster!.budgets!.records[0]).toMatchObject({ disruptions: 0, refusedEvictions: 0 });
  });

  it('states a drain kubectl gave up on', () => {
    expect(nodeDrainText({ node: 'std-4-001', fromSeconds: 300, outcome: 'Drained', evictedPods: 0, refusedEvictions: 36, emptySeconds: null, deletedSeconds: null, gaveUpSeconds: 360 })).toBe(
      'drained at 300s: 0 pods evicted (36 evictions refused by a PodDisruptionBudget, retried); kubectl drain gave up at 360s (--timeout), the node kept cordoned with pods on it',
    );
  });

  it('refuses a timeout that is not a positive duration', () => {
    expectRefusal({ updates: [{ at: '5m', drainNode: { node: 'std-4-001', timeout: '0s' } }] }, 'drain.yaml: updates[0].drainNode.timeout:');
    expectRefusal({ updates: [{ at: '5m', drainNode: { node: 'std-4-001', disableEviction: 'yes' } }] }, 'drain.yaml: updates[0].drainNode.disableEviction:');
  });
});

/** Five nodes for eight pods: the Cluster Autoscaler finds a node unneeded within minutes (node-drain.test.ts's AlreadyRemoving case). */
const spare = (o: Opts) => run(cluster({ pool: { initialNodes: 5, minNodes: 1 }, autoscaler: { kind: 'cluster-autoscaler', scaleDownUnneededTime: '1m' }, updates: [], ...o }));

describe('the Cluster Autoscaler and budgets', () => {
  it('removes no node whose pods\' budget has no disruption left (NotEnoughPdb)', () => {
    const plain = spare({});
    expect(plain.rec.nodes.filter((n) => n.event === 'Tainted').length).toBeGreaterThan(0);
    const held = spare({ budgets: [pdb({ minAvailable: 8, selector: byService })] });
    expect(held.rec.nodes.filter((n) => n.event === 'Tainted')).toEqual([]);
    expect(held.world.cluster!.budgets!.records[0]!.refusedEvictions).toBe(0);
  });

  it('removes it when the budget allows a disruption', () => {
    const { rec } = spare({ budgets: [pdb({ maxUnavailable: 1, selector: byService })] });
    expect(rec.nodes.filter((n) => n.event === 'Tainted').length).toBeGreaterThan(0);
  });

  it('gives a drain up after max-pod-eviction-time (2 min) of refusals and untaints the node', () => {
    // Nodes up to 90 % used are unneeded, so a node with two pods goes; replacements take 150–160 s to pull,
    // so the second pod's eviction is refused at every 10 s retry.
    const { rec } = spare({
      autoscaler: { kind: 'cluster-autoscaler', scaleDownUnneededTime: '1m', scaleDownUtilizationThreshold: 0.9 },
      podStart: { imagePull: { dist: 'uniform', min: '150s', max: '160s' } },
      budgets: [pdb({ maxUnavailable: 1, selector: byService })],
    });
    const untainted = rec.nodes.find((n) => n.event === 'Untainted');
    expect(untainted).toBeDefined();
    const tainted = rec.nodes.filter((n) => n.event === 'Tainted' && n.node === untainted!.node && n.time < untainted!.time).at(-1)!;
    // Tainted, evicted 5 s later, given up 120 s after that.
    expect(untainted!.time).toBeCloseTo(tainted.time + 5 + 120, 9);
    const evicted = evictions(rec, untainted!.node).filter((t) => t > tainted.time && t <= untainted!.time);
    expect(evicted).toEqual([tainted.time + 5]);
  });
});

describe('Karpenter and budgets', () => {
  const karpenter = (budgets?: unknown[]) =>
    run(cluster({ pool: { initialNodes: 5, minNodes: 1 }, autoscaler: { kind: 'karpenter' }, updates: [], ...(budgets !== undefined ? { budgets } : {}) }));

  it('consolidates no node holding a pod whose budget allows no disruption', () => {
    const withPods = (rec: NodeRecorder) =>
      rec.nodes.filter((n) => n.event === 'Tainted' && rec.pods.some((p) => p.event === 'Terminating' && p.pod.node?.name === n.node && p.time >= n.time));
    expect(withPods(karpenter().rec).length).toBeGreaterThan(0);
    expect(withPods(karpenter([pdb({ minAvailable: 8, selector: byService })]).rec)).toEqual([]);
  });

  it('retries a refused eviction after a back-off from 100 ms doubling to 10 s', () => {
    const { rec } = karpenter([pdb({ maxUnavailable: 1, selector: byService })]);
    // A consolidated node with two or more pods: the later evictions fall on the back-off's steps.
    const steps = [0, 0.1, 0.3, 0.7, 1.5, 3.1, 6.3, 12.7];
    for (let k = 0; k < 60; k++) steps.push(22.7 + 10 * k);
    const nodes = [...new Set(rec.nodes.filter((n) => n.event === 'Tainted').map((n) => n.node))];
    let checked = 0;
    for (const node of nodes) {
      const t = evictions(rec, node);
      if (t.length < 2) continue;
      for (const x of t.slice(1)) expect(steps.some((s) => Math.abs(x - t[0]! - s) < 1e-6), `${node}: ${x - t[0]!}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('Karpenter\'s terminationGracePeriod and budgets', () => {
  // Nodes expire 5 min after launch; the budget allows no disruption, so only the grace period ends the drain.
  const expiring = (extra: Record<string, unknown>) =>
    run(cluster({ autoscaler: { kind: 'karpenter', expireAfter: '5m', ...extra }, updates: [], budgets: [pdb({ minAvailable: '100%', selector: byService })] }));

  it('without one, an expired node whose pods a budget holds is never drained', () => {
    const { rec, world } = expiring({});
    expect(rec.nodes.find((n) => n.node === 'std-4-001' && n.event === 'Tainted')?.time).toBe(300);
    expect(evictions(rec, 'std-4-001')).toEqual([]);
    expect(world.cluster!.nodes.find((n) => n.name === 'std-4-001')?.state).toBe('Tainted');
    expect(world.cluster!.budgets!.records[0]!.forcedDeletions).toBe(0);
  });

  it('with one, each pod is deleted past its budget at the eviction queue\'s first look after its grace period (the revision timeout) would end with it', () => {
    const { rec, world } = expiring({ terminationGracePeriod: '10m' });
    // Due at 300 s + 600 s − 300 s (timeoutSeconds) = 600 s; the queue, refused by the budget, looks at
    // the pods again 0.1, 0.3, 0.7, … 12.7 s into the drain, then every 10 s: the first look strictly after
    // is 302.7 s in, 602.7 (Now().After; was the drain's 1 s look, 601), all at once, then gone within the 30 s drain.
    expect(evictions(rec, 'std-4-001')).toEqual([602.7, 602.7, 602.7]);
    const deleted = rec.nodes.find((n) => n.node === 'std-4-001' && n.event === 'Deleted')!.time;
    expect(deleted).toBeGreaterThanOrEqual(631);
    expect(deleted).toBeLessThanOrEqual(900);
    // The three nodes expired at 300 s: their eight pods, none evicted through the API.
    expect(world.cluster!.budgets!.records[0]).toMatchObject({ forcedDeletions: 8, disruptions: 0 });
  });

  it('refuses Never, which the NodePool field does not take', () => {
    expectRefusal({ autoscaler: { kind: 'karpenter', terminationGracePeriod: 'Never' } }, "drain.yaml: cluster.nodeAutoscaler.terminationGracePeriod: must be a duration: the NodePool's terminationGracePeriod has no Never");
    expectRefusal({ autoscaler: { kind: 'cluster-autoscaler', terminationGracePeriod: '10m' } }, 'drain.yaml: cluster.nodeAutoscaler.terminationGracePeriod: is a karpenter setting, not a cluster-autoscaler one');
  });
});

describe('podDisruptionBudgets: input', () => {
  it('warns of a budget that selects no pod, and of one that sets neither field', () => {
    const warned = (budgets: unknown[]) => clusterWarnings({ budgets });
    expect(warned([pdb({ maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } })])).toEqual([
      expect.stringMatching(/^drain\.yaml: podDisruptionBudgets\[0\]: selects no pod: no revision pod in namespace default has these labels/),
    ]);
    expect(warned([pdb({ selector: byService })])).toEqual([expect.stringMatching(/^drain\.yaml: podDisruptionBudgets\[0\]\.spec: sets neither minAvailable nor maxUnavailable/)]);
    // The app label is the revision's name.
    expect(warned([pdb({ maxUnavailable: 1, selector: { matchLabels: { app: 'api-00001' } } })])).toEqual([]);
  });

  it('warns of a budget that never allows a disruption, or none at the revision\'s min-scale', () => {
    const warned = (spec: Record<string, unknown>) => clusterWarnings({ budgets: [pdb({ ...spec, selector: byService })] });
    const never = /^drain\.yaml: podDisruptionBudgets\[0\]\.spec: (maxUnavailable 0%?|minAvailable 100%) allows no disruption at any scale/;
    expect(warned({ maxUnavailable: 0 })).toEqual([expect.stringMatching(never)]);
    expect(warned({ maxUnavailable: '0%' })).toEqual([expect.stringMatching(never)]);
    expect(warned({ minAvailable: '100%' })).toEqual([expect.stringMatching(never)]);
    // min-scale 8: 80 % rounds up to 7 (one may go), 90 % to 8 (none may).
    expect(warned({ minAvailable: '80%' })).toEqual([]);
    expect(warned({ minAvailable: '90%' })).toEqual([
      "drain.yaml: podDisruptionBudgets[0].spec.minAvailable: at api-00001's min-scale of 8 pods, 90% rounds up to 8: while it runs that few, no Ready pod can be evicted (drains wait, the node autoscaler keeps their nodes)",
    ]);
    expect(warned({ minAvailable: 8 })).toEqual([]);
  });

  it('takes a namespace that is a DNS-1123 label, as the API server does, one with a leading digit too', () => {
    const inNamespace = (namespace: string) => ({ ...pdb({ maxUnavailable: 1, selector: byService }), metadata: { name: 'api-pdb', namespace } });
    expect(clusterWarnings({ budgets: [inNamespace('1team')] })).toEqual([expect.stringMatching(/^drain\.yaml: podDisruptionBudgets\[0\]: selects no pod: no revision pod in namespace 1team has these labels/)]);
    expectRefusal({ budgets: [inNamespace('Team_B')] }, 'drain.yaml: podDisruptionBudgets[0].metadata.namespace: invalid value "Team_B"');
  });

  it.each([
    { name: 'no node pools', o: { nodePools: false, updates: [], budgets: [pdb({ maxUnavailable: 1 })] }, message: 'drain.yaml: podDisruptionBudgets: needs cluster.nodePools' },
    { name: 'policy/v1beta1', o: { budgets: [{ ...pdb({ maxUnavailable: 1 }), apiVersion: 'policy/v1beta1' }] }, message: 'drain.yaml: podDisruptionBudgets[0].apiVersion: policy/v1beta1 was removed in Kubernetes 1.25: use policy/v1' },
    { name: 'another kind', o: { budgets: [{ ...pdb({ maxUnavailable: 1 }), kind: 'Deployment' }] }, message: 'drain.yaml: podDisruptionBudgets[0].kind: must be PodDisruptionBudget' },
    { name: 'a bad name', o: { budgets: [pdb({ maxUnavailable: 1 }, 'API_pdb')] }, message: 'drain.yaml: podDisruptionBudgets[0].metadata.name: invalid value "API_pdb"' },
    { name: 'both fields', o: { budgets: [pdb({ maxUnavailable: 1, minAvailable: 2, selector: byService })] }, message: 'drain.yaml: podDisruptionBudgets[0].spec.maxUnavailable: minAvailable and maxUnavailable cannot be both set' },
    { name: 'a percentage above 100', o: { budgets: [pdb({ minAvailable: '120%', selector: byService })] }, message: 'drain.yaml: podDisruptionBudgets[0].spec.minAvailable: must not be greater than 100%' },
    { name: 'a string count', o: { budgets: [pdb({ minAvailable: '2', selector: byService })] }, message: 'drain.yaml: podDisruptionBudgets[0].spec.minAvailable: must be a whole number or a percentage' },
    { name: 'a negative count', o: { budgets: [pdb({ maxUnavailable: -1, selector: byService })] }, message: 'drain.yaml: podDisruptionBudgets[0].spec.maxUnavailable: must be a whole number ≥ 0' },
    { name: 'an unknown policy', o: { budgets: [pdb({ maxUnavailable: 1, selector: byService, unhealthyPodEvictionPolicy: 'Never' })] }, message: 'drain.yaml: podDisruptionBudgets[0].spec.unhealthyPodEvictionPolicy: must be IfHealthyBudget or AlwaysAllow' },
    { name: 'an In without values', o: { budgets: [pdb({ maxUnavailable: 1, selector: { matchExpressions: [{ key: 'app', operator: 'In' }] } })] }, message: 'drain.yaml: podDisruptionBudgets[0].spec.selector.matchExpressions[0].values: must be specified when operator is In' },
    { name: 'a UID label', o: { budgets: [pdb({ maxUnavailable: 1, selector: { matchLabels: { 'serving.knative.dev/revisionUID': 'x' } } })] }, message: 'drain.yaml: podDisruptionBudgets[0].spec.selector.matchLabels["serving.knative.dev/revisionUID"]: knsim does not model object UIDs' },
    { name: 'a bad label key', o: { budgets: [pdb({ maxUnavailable: 1, selector: { matchLabels: { 'a b': 'x' } } })] }, message: 'drain.yaml: podDisruptionBudgets[0].spec.selector.matchLabels["a b"]: invalid label key' },
    {
      name: 'two budgets over one revision',
      o: { budgets: [pdb({ maxUnavailable: 1, selector: byService }), pdb({ maxUnavailable: 2, selector: { matchLabels: { app: 'api-00001' } } }, 'b')] },
      message: 'drain.yaml: podDisruptionBudgets[1].spec.selector: selects the pods of revision api-00001, which podDisruptionBudgets[0] selects too',
    },
    { name: 'the same name twice', o: { budgets: [pdb({ maxUnavailable: 1, selector: byService }), pdb({ maxUnavailable: 1 })] }, message: 'drain.yaml: podDisruptionBudgets[1].metadata.name: duplicate PodDisruptionBudget default/api-pdb' },
  ])('refuses $name', ({ o, message }) => expectRefusal(o as Opts, message));
});

