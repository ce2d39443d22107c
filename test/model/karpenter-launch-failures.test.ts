/**
 * Karpenter under injected cloud launch failures (cluster.nodePools[].launchFailures), against
 * kubernetes-sigs/karpenter nodeclaim/lifecycle (launch.go, liveness.go) and the AWS provider's
 * unavailable-offerings cache: test/fixtures/capacity/karpenter-launch-failures.yaml, where the
 * pass at 11 s asks for a node of the cheapest pool, spot, for a pod Unschedulable since 10 s.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/output/summary.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder } from './world-fixture.js';

const fixture = resolve(import.meta.dirname, '../fixtures/capacity/karpenter-launch-failures.yaml');

/** The node events after the start, as [node, event, time], and when the second pod was bound, and where. */
function run(...sets: string[]): { nodes: Array<[string, string, number]>; bound: [string, number] | undefined } {
  const rec = new MemoryRecorder();
  new World(loadScenario(fixture, { sets }).world, rec).run();
  const nodes = rec.nodeEvents.filter((n) => n.time > 0).map((n): [string, string, number] => [n.node, n.event, n.time]);
  const b = rec.pods.find((p) => p.pod.name.endsWith('-0002') && p.event === 'Scheduled');
  return { nodes, bound: b === undefined ? undefined : [b.pod.node!.name, b.time] };
}
const failures = (f: string) => `cluster.nodePools[0].launchFailures=[${f}]`;

describe('InsufficientCapacity: the NodeClaim deleted at once, its offering unavailable for 3 minutes', () => {
  it('spot-001 is deleted as it is created (11 s); the pod\'s next pass (21) takes the dearer pool, od, Ready at 81', () => {
    expect(run()).toEqual({
      nodes: [
        ['spot-001', 'Requested', 11],
        ['spot-001', 'Deleted', 11],
        ['od-002', 'Requested', 21],
        ['od-002', 'Ready', 81],
      ],
      bound: ['od-002', 81],
    });
  });

  it('with od full (maxNodes 1) the pod waits for spot to be back, at 191 (11 + 180): the pass at 191 launches spot-002, Ready at 251', () => {
    expect(run('cluster.nodePools[1].maxNodes=1', failures('{kind: insufficientCapacity, at: 0s, duration: 100s}'))).toEqual({
      nodes: [
        ['spot-001', 'Requested', 11],
        ['spot-001', 'Deleted', 11],
        ['spot-002', 'Requested', 191],
        ['spot-002', 'Ready', 251],
      ],
      bound: ['spot-002', 251],
    });
  });

  it('a window over by 11 s fails nothing: spot-001 Ready at 71', () => {
    expect(run(failures('{kind: insufficientCapacity, at: 0s, duration: 5s}')).bound).toEqual(['spot-001', 71]);
  });

  it('a pool kept at minNodes asks again only once its offering is back: spot-001 expires at 100, spot-002, -003, -004 fail at 100, 280, 460', () => {
    const { nodes } = run('cluster.nodePools[0].minNodes=1', 'cluster.nodePools[0].initialNodes=1', 'cluster.nodeAutoscaler.expireAfter=100s', 'cluster.nodePools[1].maxNodes=1', 'updates=[]');
    expect(nodes.filter(([n]) => n.startsWith('spot'))).toEqual([
      ['spot-001', 'Tainted', 100],
      ['spot-002', 'Requested', 100],
      ['spot-002', 'Deleted', 100],
      ['spot-001', 'Deleted', 105],
      ['spot-003', 'Requested', 280],
      ['spot-003', 'Deleted', 280],
      ['spot-004', 'Requested', 460],
      ['spot-004', 'Deleted', 460],
    ]);
  });
});

describe('other launch errors: retried with back-off (1 s doubling to 60 s) until the 5-minute launch timeout', () => {
  it('the 15-minute registration timeout runs from the NodeClaim\'s creation, not its launch (Registered stays Unknown from its creation, liveness.go): spot-001, launched at 135 and 800 s to boot, is deleted at 911 (11 + 900), not Ready at 935', () => {
    const { nodes } = run(failures('{kind: launchError, at: 0s, duration: 100s}'), 'cluster.nodePools[0].startupLatency=800s', 'duration=1000s');
    expect(nodes.filter(([n]) => n === 'spot-001')).toEqual([
      ['spot-001', 'Requested', 11],
      ['spot-001', 'LaunchFailed', 11],
      ['spot-001', 'Launched', 135],
      ['spot-001', 'Deleted', 911],
    ]);
  });

  it('an error until 100 s: the calls at 11, 13, 15, 19, 27, 43, 75 fail, the one at 135 launches spot-001, Ready at 195', () => {
    expect(run(failures('{kind: launchError, at: 0s, duration: 100s}'))).toEqual({
      nodes: [
        ['spot-001', 'Requested', 11],
        ['spot-001', 'LaunchFailed', 11],
        ['spot-001', 'Launched', 135],
        ['spot-001', 'Ready', 195],
      ],
      bound: ['spot-001', 195],
    });
  });

  it('an error to the end: spot-001 is deleted at 315 (11 + 304, the first call 300 s or more after it); the offering stays, so the pass at 321 asks spot again', () => {
    expect(run(failures('{kind: launchError}'))).toEqual({
      nodes: [
        ['spot-001', 'Requested', 11],
        ['spot-001', 'LaunchFailed', 11],
        ['spot-001', 'Deleted', 315],
        ['spot-002', 'Requested', 321],
        ['spot-002', 'LaunchFailed', 321],
      ],
      bound: undefined,
    });
  });
});

/**
 * While a NodeClaim has no provider ID (its create call not yet succeeded) Karpenter's cluster
 * state is not synced (state/cluster.go Synced), and the provisioner and the disruption
 * controller decide nothing (provisioner.go, disruption/controller.go Reconcile). The static
 * provisioning controller, whose refill knsim's minNodes floor borrows, waits only for the
 * state's first sync (static/provisioning/controller.go: HasSynced).
 */
describe('an unlaunched NodeClaim holds every provisioning decision', () => {
  it('a third pod, Unschedulable from 50 s, gets spot-002 only at 141, the first pass after spot-001 launched at 135 (was asked for at 51)', () => {
    const { nodes } = run(
      failures('{kind: launchError, at: 0s, duration: 100s}'),
      'services[0].manifest.spec.template.metadata.annotations={autoscaling.knative.dev/min-scale: "1", autoscaling.knative.dev/max-scale: "3"}',
      'updates=[{at: 10s, patchRevision: {name: s-00001, annotations: {autoscaling.knative.dev/min-scale: "2"}}}, {at: 50s, patchRevision: {name: s-00001, annotations: {autoscaling.knative.dev/min-scale: "3"}}}]',
    );
    expect(nodes).toEqual([
      ['spot-001', 'Requested', 11],
      ['spot-001', 'LaunchFailed', 11],
      ['spot-001', 'Launched', 135],
      ['spot-002', 'Requested', 141],
      ['spot-001', 'Ready', 195],
      ['spot-002', 'Ready', 201],
    ]);
  });

  it('but not the minNodes floor: od-001 (od kept at 1) expires at 100 while spot-001 retries, and od-002 is asked for at once, at 100, as the static provisioning controller launches once the state has synced at start-up', () => {
    const { nodes } = run(failures('{kind: launchError}'), 'cluster.nodePools[1].minNodes=1', 'cluster.nodeAutoscaler.expireAfter=100s');
    expect(nodes.filter(([, , t]) => t <= 160)).toEqual([
      ['spot-001', 'Requested', 11],
      ['spot-001', 'LaunchFailed', 11],
      ['od-001', 'Tainted', 100],
      ['od-002', 'Requested', 100],
      // spot-001 expires (111, 100 s after its request) and the pods' pass asks spot again.
      ['spot-001', 'Deleted', 111],
      ['spot-002', 'Requested', 111],
      ['spot-002', 'LaunchFailed', 111],
      ['od-001', 'Deleted', 130],
      ['od-002', 'Ready', 160],
    ]);
  });
});

/**
 * What the run bills (summary.json): a node's instance exists, and costs, from its launch (the
 * Launched condition going True when the cloud's create call returns), not from the NodeClaim's
 * creation. od-001 ($0.10/h) runs the whole 600 s: $0.016667, 1/6 node-hour.
 */
describe('cost and node-hours from the launch, not the request', () => {
  function summary(...sets: string[]): RunSummary {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-launch-')), 'run');
    runWorld(loadScenario(fixture, { sets }).world, { outDir: out, trace: { mode: 'none' } });
    return JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
  }
  it.each([
    {
      name: 'launched at once (window over at 5 s): spot-001 ($0.06/h) billed 11–600 s, 589 s = $0.009817',
      set: failures('{kind: insufficientCapacity, at: 0s, duration: 5s}'),
      total: 0.026483,
      nodeHours: 0.330278,
      max: 2,
      spot: { 'spot-001': 0.006455 },
    },
    {
      // Was $0.026483 and 0.330278 h, billed from the request at 11.
      name: 'launchError until 100 s: spot-001 billed from its launch at 135 s, not its request at 11: 465 s = $0.00775',
      set: failures('{kind: launchError, at: 0s, duration: 100s}'),
      total: 0.024417,
      nodeHours: 0.295833,
      max: 2,
      spot: { 'spot-001': 0.005177 },
    },
    {
      // Was $0.026383 (spot-001 11–315 s, spot-002 321–600 s) and 2 nodes at once.
      name: 'launchError to the end: spot-001 (deleted at 315) and spot-002 (still retrying) never launched, nothing billed',
      set: failures('{kind: launchError}'),
      total: 0.016667,
      nodeHours: 0.166667,
      max: 1,
      spot: { 'spot-001': 0, 'spot-002': 0 },
    },
    {
      // The NodeClaim requested and deleted at one instant was never billed alongside od-001: od-002 makes the 2.
      name: 'InsufficientCapacity at 11 s: spot-001 deleted as it is requested, $0',
      set: failures('{kind: insufficientCapacity, at: 0s, duration: 10m}'),
      total: 0.03275,
      nodeHours: 0.3275,
      max: 2,
      spot: { 'spot-001': 0 },
    },
  ])('$name', ({ set, total, nodeHours, max, spot }) => {
    const s = summary(set);
    expect(s.cost!.total).toBe(total);
    expect(s.nodes!.nodeHours).toBe(nodeHours);
    expect(s.nodes!.max).toBe(max);
    expect(s.cost!.idlePerNode['od-001']).toBe(0.010312);
    expect(Object.fromEntries(Object.entries(s.cost!.idlePerNode).filter(([n]) => n.startsWith('spot')))).toEqual(spot);
  });

  it('nodes.csv has the LaunchFailed and Launched rows at the first failed call and the call that launched', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-launch-')), 'run');
    runWorld(loadScenario(fixture, { sets: [failures('{kind: launchError, at: 0s, duration: 100s}')] }).world, { outDir: out, trace: { mode: 'none' } });
    const rows = readFileSync(join(out, 'nodes.csv'), 'utf8').split('\n').filter((l) => l.includes('spot-001'));
    expect(rows.map((l) => l.split(',').slice(0, 4).join(','))).toEqual([
      '11.000000,spot-001,spot,Requested',
      '11.000000,spot-001,spot,LaunchFailed',
      '135.000000,spot-001,spot,Launched',
      '195.000000,spot-001,spot,Ready',
    ]);
  });
});

/**
 * A NodeClaim with no provider ID is no node of Karpenter's cluster state (state/cluster.go
 * UpdateNodeClaim keeps only its name): the disruption simulations place no pod onto it, and a
 * command waiting out its 15 s validation (which the sync does not hold) is checked without it.
 */
describe('consolidation with a NodeClaim that never launched', () => {
  const validate = resolve(import.meta.dirname, '../fixtures/capacity/karpenter-unlaunched-validate.yaml');
  function nodesOf(...sets: string[]): Array<[string, string, number]> {
    const rec = new MemoryRecorder();
    new World(loadScenario(validate, { sets }).world, rec).run();
    return rec.nodeEvents.filter((n) => n.time > 0).map((n): [string, string, number] => [n.node, n.event, n.time]);
  }

  it('the deletion of od-a computed at 2 s is off at its validation (17 s): big\'s pod, Unschedulable since 6 s, cannot go onto spot-001, still retrying, so it needs a new node (knsim used to delete od-a at 17)', () => {
    expect(nodesOf()).toEqual([
      ['spot-001', 'Requested', 7],
      ['spot-001', 'LaunchFailed', 7],
    ]);
  });

  it('with spot-001 launched at once (no failures) the validation puts big\'s pod onto it and od-a is deleted: tainted at 17, gone at 47', () => {
    expect(nodesOf('cluster.nodePools[2].launchFailures=[]')).toEqual([
      ['spot-001', 'Requested', 7],
      ['od-a-001', 'Tainted', 17],
      ['od-a-001', 'Deleted', 47],
      ['spot-001', 'Ready', 67],
    ]);
  });
});

/**
 * Nor do its NodePool's limits count it: the pool's usage is the capacity of its state nodes
 * (state/cluster.go updateNodePoolResources, only for a NodeClaim with a provider ID), for the
 * scheduler's remaining resources and for Provisioner.Create alike. Were small-001 counted, small
 * would be at its limit and the replacement planned at 2 s refused at its validation at 17 s; it
 * runs, and the pool has two NodeClaims under a one-node limit, as upstream would.
 */
describe('NodePool limits leave out a NodeClaim whose create call is being retried', () => {
  const retry = resolve(import.meta.dirname, '../fixtures/capacity/karpenter-retry-limit.yaml');
  it.each([
    { limits: '{nodes: 1}' },
    // One 4-CPU node's worth: the same room.
    { limits: '{cpu: "4"}' },
    { limits: '{memory: 16Gi}' },
  ])('small limits $limits: small-001 retries from 7 s, and at 17 s pricey-001 is tainted and small-002 asked for', ({ limits }) => {
    const rec = new MemoryRecorder();
    new World(loadScenario(retry, { sets: [`cluster.nodePools[1].limits=${limits}`] }).world, rec).run();
    expect(rec.nodeEvents.filter((n) => n.time > 0).map((n) => [n.node, n.event, n.time])).toEqual([
      ['small-001', 'Requested', 7],
      ['small-001', 'LaunchFailed', 7],
      ['pricey-001', 'Tainted', 17],
      ['small-002', 'Requested', 17],
      ['small-002', 'LaunchFailed', 17],
    ]);
  });
  it('a limit that leaves no node at all (nodes 0): no replacement is planned, and big\'s pod gets no node', () => {
    const rec = new MemoryRecorder();
    new World(loadScenario(retry, { sets: ['cluster.nodePools[1].limits={nodes: 0}'] }).world, rec).run();
    expect(rec.nodeEvents.filter((n) => n.time > 0)).toEqual([]);
  });
});
