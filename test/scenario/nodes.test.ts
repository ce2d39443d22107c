/** cluster.nodePools sizes: each pool and the cluster as a whole within what Kubernetes supports (5,000 nodes). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { tinyScenario } from '../support/tiny-scenario.js';
import { catchScenarioError } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'knsim-nodes-'));
let n = 0;

/** The tiny scenario with these pools (YAML flow mappings) and a node autoscaler. */
function withPools(pools: string[], kind = 'cluster-autoscaler'): string {
  const file = join(dir, `s${n++}.yaml`);
  const lines = pools.map((p) => `    - { cpu: "4", memory: 16Gi, pricePerHour: 0.2, ${p} }`);
  writeFileSync(file, `${tinyScenario('pools', '10s', 1)}cluster:\n  nodePools:\n${lines.join('\n')}\n  nodeAutoscaler: { kind: ${kind} }\n`);
  return file;
}

const pools = (k: number, extra = ''): string[] => Array.from({ length: k }, (_, i) => `name: p${i}, initialNodes: 1${extra}`);

describe('the maxNodes of all pools', () => {
  it.each([
    { what: 'five pools of 1000', pools: pools(5, ', maxNodes: 1000'), sum: [1000, 1000, 1000, 1000, 1000] },
    { what: 'one pool of 5000', pools: ['name: big, initialNodes: 1, maxNodes: 5000'], sum: [5000] },
    // A pool without maxNodes has no limit of its own (the default 1000 stands for it): not counted.
    { what: 'six pools without maxNodes', pools: pools(6), sum: [1000, 1000, 1000, 1000, 1000, 1000] },
    { what: '5000 written and one pool without', pools: ['name: big, initialNodes: 1, maxNodes: 5000', 'name: more, initialNodes: 1'], sum: [5000, 1000] },
  ])('load: $what', ({ pools: p, sum }) => {
    expect(loadScenario(withPools(p)).world.cluster.nodes!.pools.map((x) => x.maxNodes)).toEqual(sum);
  });

  it.each([
    {
      what: 'six pools of 1000',
      pools: pools(6, ', maxNodes: 1000'),
      rule: "the pools' maxNodes add up to 6000 (p0 1000, p1 1000, p2 1000, p3 1000, p4 1000, p5 1000): more than a Kubernetes cluster supports (5000 nodes); lower some maxNodes",
    },
    {
      what: 'two pools of 2501, one without',
      pools: ['name: a, initialNodes: 1, maxNodes: 2501', 'name: b, initialNodes: 1, maxNodes: 2500', 'name: c, initialNodes: 1'],
      rule: "the pools' maxNodes add up to 5001 (a 2501, b 2500): more than a Kubernetes cluster supports (5000 nodes); lower some maxNodes",
    },
    {
      what: 'without a node autoscaler too (the limits are still written)',
      kind: 'none',
      pools: ['name: a, initialNodes: 1, maxNodes: 5000', 'name: b, initialNodes: 1, maxNodes: 1'],
      rule: "the pools' maxNodes add up to 5001 (a 5000, b 1): more than a Kubernetes cluster supports (5000 nodes); lower some maxNodes",
    },
  ])('refuses $what', ({ pools: p, kind, rule }) => {
    const file = withPools(p, kind);
    const err = catchScenarioError(() => loadScenario(file));
    expect(err.message).toBe(`${file}: cluster.nodePools: ${rule}`);
  });
});

describe('pool names', () => {
  // The rule named the other pool as nodePools[0], not a path that can be pasted into --set.
  it('a duplicate names the other pool by its whole path', () => {
    const err = catchScenarioError(() => loadScenario(withPools(['name: p, initialNodes: 1', 'name: p, initialNodes: 1'])));
    expect([err.path, err.rule]).toEqual(['cluster.nodePools[1].name', 'duplicate pool name "p" (also cluster.nodePools[0])']);
  });

  // A label value (karpenter.sh/nodepool=<name> on each node); a 1 MB name made each nodes.csv row a megabyte.
  it.each(['cluster-autoscaler', 'karpenter'])('with %s, a name of 64 characters or a megabyte is refused; 63 load', (kind) => {
    for (const len of [64, 1e6]) {
      const err = catchScenarioError(() => loadScenario(withPools([`name: ${'p'.repeat(len)}, initialNodes: 1`], kind)));
      expect([err.path, err.rule]).toEqual(['cluster.nodePools[0].name', `is ${len} characters long, at most 63 (a label value)`]);
    }
    expect(loadScenario(withPools([`name: ${'p'.repeat(63)}, initialNodes: 1`], kind)).world.cluster.nodes!.pools[0]!.name).toBe('p'.repeat(63));
  });

  // Was taken: `name: 'a,b'` wrote nodes.csv rows `0.000000,a,b-001,a,b,Requested,…`, nine cells under seven
  // headers, and `std_4` or `Std` named nodes (`std_4-001`) no API server takes.
  it.each(['a,b', 'a b', 'Std', 'std_4', '-std', 'std.', 'a"b'])('a name that is not a DNS subdomain, %j, is refused', (name) => {
    const err = catchScenarioError(() => loadScenario(withPools([`name: ${JSON.stringify(name)}, initialNodes: 1`])));
    expect([err.path, err.rule]).toEqual([
      'cluster.nodePools[0].name',
      `must be a DNS-1123 subdomain (a-z, 0-9, '-' and '.', a letter or digit at each end), got ${JSON.stringify(name)}: it names the NodePool and its nodes (${name}-001, …)`,
    ]);
  });

  // Was "expected a quantity (a string such as "500m" or a number), got undefined".
  it.each(['cpu', 'memory'])('a pool without %s: required field is missing, as for pricePerHour', (field) => {
    const file = join(dir, `s${n++}.yaml`);
    const pool = field === 'cpu' ? 'memory: 16Gi' : 'cpu: "4"';
    writeFileSync(file, `${tinyScenario('pools', '10s', 1)}cluster:\n  nodePools: [{ name: p, ${pool}, pricePerHour: 0.2 }]\n`);
    const err = catchScenarioError(() => loadScenario(file));
    expect([err.path, err.rule]).toEqual([`cluster.nodePools[0].${field}`, 'required field is missing']);
  });

  it('a DNS subdomain of up to 63 characters loads: std-4.large', () => {
    expect(loadScenario(withPools(['name: std-4.large, initialNodes: 1'])).world.cluster.nodes!.pools[0]!.name).toBe('std-4.large');
  });
});

describe('Karpenter expireAfter (NodePool template; upstream default 720h, or Never)', () => {
  const karpenter = (extra: string) => withPools(['name: p, initialNodes: 1'], `karpenter${extra}`);
  const expiry = (file: string) => {
    const a = loadScenario(file).world.cluster.nodes!.autoscaler;
    return a.kind === 'karpenter' ? a.config.expireAfterSeconds : undefined;
  };
  it.each([
    ['', 2592000],
    [', expireAfter: 48h', 172800],
    [', expireAfter: 90', 90],
    [', expireAfter: Never', Number.POSITIVE_INFINITY],
    [', expireAfter: 1h30m5s', 5405],
  ])('nodeAutoscaler { kind: karpenter%s } expires nodes after %s s', (extra, seconds) => {
    expect(expiry(karpenter(extra))).toBe(seconds);
  });
  it.each([
    [', expireAfter: 0s', 'must be greater than 0; or Never'],
    [', expireAfter: never', 'invalid duration "never": not a Go duration (examples: "60s", "1m30s", "300ms"); or Never'],
    // Karpenter's CRD pattern; a 1ns expiry relaunched a minNodes node every nanosecond and never finished.
    [', expireAfter: 1ns', 'must be whole seconds, minutes or hours: Karpenter\'s NodePool schema (^(([0-9]+(s|m|h))+|Never)$) refuses "1ns"; or Never'],
    [', expireAfter: 1500ms', 'must be whole seconds, minutes or hours: Karpenter\'s NodePool schema (^(([0-9]+(s|m|h))+|Never)$) refuses "1500ms"; or Never'],
    [', expireAfter: 1.5s', 'must be whole seconds, minutes or hours: Karpenter\'s NodePool schema (^(([0-9]+(s|m|h))+|Never)$) refuses "1.5s"; or Never'],
    [', expireAfter: 0.5', 'must be whole seconds, minutes or hours: Karpenter\'s NodePool schema (^(([0-9]+(s|m|h))+|Never)$) refuses "0.5"; or Never'],
  ])('refuses%s', (extra, rule) => {
    const err = catchScenarioError(() => loadScenario(karpenter(extra)));
    expect([err.path, err.rule]).toEqual(['cluster.nodeAutoscaler.expireAfter', rule]);
  });
  it('is not a Cluster Autoscaler setting', () => {
    const err = catchScenarioError(() => loadScenario(withPools(['name: p, initialNodes: 1'], 'cluster-autoscaler, expireAfter: 1h')));
    expect([err.path, err.rule]).toEqual(['cluster.nodeAutoscaler.expireAfter', 'is a karpenter setting, not a cluster-autoscaler one']);
  });
});

describe('Karpenter consolidateAfter (NodePool disruption; upstream default 0s, or Never)', () => {
  const karpenter = (extra: string) => withPools(['name: p, initialNodes: 1'], `karpenter${extra}`);
  const wait = (file: string) => {
    const a = loadScenario(file).world.cluster.nodes!.autoscaler;
    return a.kind === 'karpenter' ? a.config.consolidateAfterSeconds : undefined;
  };
  it.each([
    ['', 0],
    [', consolidateAfter: 0s', 0],
    [', consolidateAfter: 30s', 30],
    [', consolidateAfter: 1h5m', 3900],
    [', consolidateAfter: Never', Number.POSITIVE_INFINITY],
  ])('nodeAutoscaler { kind: karpenter%s } waits %s s', (extra, seconds) => {
    expect(wait(karpenter(extra))).toBe(seconds);
  });
  it.each([
    [', consolidateAfter: -1s', 'must not be negative; or Never'],
    [', consolidateAfter: 1.5s', 'must be whole seconds, minutes or hours: Karpenter\'s NodePool schema (^(([0-9]+(s|m|h))+|Never)$) refuses "1.5s"; or Never'],
    [', consolidateAfter: never', 'invalid duration "never": not a Go duration (examples: "60s", "1m30s", "300ms"); or Never'],
  ])('refuses%s', (extra, rule) => {
    const err = catchScenarioError(() => loadScenario(karpenter(extra)));
    expect([err.path, err.rule]).toEqual(['cluster.nodeAutoscaler.consolidateAfter', rule]);
  });
});

describe('Cluster Autoscaler unremovableNodeRecheckTimeout (--unremovable-node-recheck-timeout, default 5m)', () => {
  const ca = (extra: string) => withPools(['name: p, initialNodes: 1'], `cluster-autoscaler${extra}`);
  const recheck = (file: string) => {
    const a = loadScenario(file).world.cluster.nodes!.autoscaler;
    return a.kind === 'cluster-autoscaler' ? a.config.unremovableNodeRecheckSeconds : undefined;
  };
  it.each([
    ['', 300],
    [', unremovableNodeRecheckTimeout: 90s', 90],
    [', unremovableNodeRecheckTimeout: 0s', 0],
  ])('nodeAutoscaler { kind: cluster-autoscaler%s } rechecks after %s s', (extra, seconds) => {
    expect(recheck(ca(extra))).toBe(seconds);
  });
  it.each([
    [', unremovableNodeRecheckTimeout: -1m', 'must not be negative'],
    [', unremovableNodeRecheckTimeout: 5 min', 'invalid duration "5 min": unknown unit " min" (use ns, us, ms, s, m or h)'],
  ])('refuses%s', (extra, rule) => {
    const err = catchScenarioError(() => loadScenario(ca(extra)));
    expect([err.path, err.rule]).toEqual(['cluster.nodeAutoscaler.unremovableNodeRecheckTimeout', rule]);
  });
  it('is not a Karpenter setting', () => {
    const err = catchScenarioError(() => loadScenario(withPools(['name: p, initialNodes: 1'], 'karpenter, unremovableNodeRecheckTimeout: 1m')));
    expect([err.path, err.rule]).toEqual(['cluster.nodeAutoscaler.unremovableNodeRecheckTimeout', 'is a cluster-autoscaler setting, not a karpenter one']);
  });
});

describe('cluster.nodePools[].launchFailures', () => {
  it('loads as windows [at, at + duration), to the end without a duration', () => {
    const file = withPools(['name: p, initialNodes: 1, launchFailures: [{kind: insufficientCapacity, at: 1m, duration: 30s}, {kind: launchError}]'], 'karpenter');
    expect(loadScenario(file).world.cluster.nodes!.pools[0]!.launchFailures).toEqual([
      { kind: 'insufficientCapacity', from: 60, until: 90 },
      { kind: 'launchError', from: 0, until: Number.POSITIVE_INFINITY },
    ]);
  });

  it.each([
    { what: 'with the Cluster Autoscaler', kind: 'cluster-autoscaler', failures: '[{kind: launchError}]', path: 'cluster.nodePools[0].launchFailures', rule: "needs cluster.nodeAutoscaler.kind: karpenter (this scenario's is cluster-autoscaler): only Karpenter's handling of a failed launch is modelled" },
    { what: 'without a node autoscaler', kind: 'none', failures: '[{kind: launchError}]', path: 'cluster.nodePools[0].launchFailures', rule: "needs cluster.nodeAutoscaler.kind: karpenter (this scenario's is none): only Karpenter's handling of a failed launch is modelled" },
    { what: 'an unknown kind', kind: 'karpenter', failures: '[{kind: ice}]', path: 'cluster.nodePools[0].launchFailures[0].kind', rule: 'must be one of: insufficientCapacity, launchError (got the string "ice")' },
    { what: 'a negative start', kind: 'karpenter', failures: '[{kind: launchError, at: -1s}]', path: 'cluster.nodePools[0].launchFailures[0].at', rule: 'must not be negative' },
    { what: 'a zero duration', kind: 'karpenter', failures: '[{kind: launchError, duration: 0s}]', path: 'cluster.nodePools[0].launchFailures[0].duration', rule: 'must be greater than 0' },
  ])('refuses $what', ({ kind, failures, path, rule }) => {
    const err = catchScenarioError(() => loadScenario(withPools([`name: p, initialNodes: 1, launchFailures: ${failures}`], kind)));
    expect([err.path, err.rule]).toEqual([path, rule]);
  });
});

// A window from the run's end on fails no launch: warned (as a trace outside its window is), so a shorter --duration still runs.
describe('cluster.nodePools[].launchFailures past the run (10 s)', () => {
  it.each([
    { what: 'a start at the end', failures: '[{kind: launchError, at: 10s}]', warned: ['cluster.nodePools[0].launchFailures[0].at: starts at 10 s, at or after the run\'s end (10 s): it fails no NodeClaim launch of pool p'] },
    { what: 'a start of 1e15 s', failures: '[{kind: insufficientCapacity, at: 1e15, duration: 1s}]', warned: ['cluster.nodePools[0].launchFailures[0].at: starts at 1000000000000000 s, at or after the run\'s end (10 s): it fails no NodeClaim launch of pool p'] },
    { what: 'the second of two', failures: '[{kind: launchError}, {kind: launchError, at: 1m}]', warned: ['cluster.nodePools[0].launchFailures[1].at: starts at 60 s, at or after the run\'s end (10 s): it fails no NodeClaim launch of pool p'] },
    { what: 'a start just before the end', failures: '[{kind: launchError, at: 9999ms, duration: 1h}]', warned: [] },
    { what: 'no start (from 0)', failures: '[{kind: launchError}]', warned: [] },
  ])('$what', ({ failures, warned }) => {
    const file = withPools([`name: p, initialNodes: 1, launchFailures: ${failures}`], 'karpenter');
    const s = loadScenario(file);
    expect(s.warnings ?? []).toEqual(warned.map((w) => `${file}: ${w}`));
    // Still loaded as written.
    expect(s.world.cluster.nodes!.pools[0]!.launchFailures!.length).toBe(failures.split('kind').length - 1);
  });

  it('a shorter --duration makes a window late, and the run still loads', () => {
    const file = withPools(['name: p, initialNodes: 1, launchFailures: [{kind: launchError, at: 5s}]'], 'karpenter');
    expect(loadScenario(file).warnings).toBeUndefined();
    expect(loadScenario(file, { durationSeconds: 5 }).warnings).toEqual([
      `${file}: cluster.nodePools[0].launchFailures[0].at: starts at 5 s, at or after the run's end (5 s): it fails no NodeClaim launch of pool p`,
    ]);
  });
});

// Upstream's expiration deletes a NodeClaim expireAfter after its creation, Ready or not (nodeclaim/expiration).
describe('cluster.nodeAutoscaler.expireAfter within a pool\'s node startup', () => {
  const head = 'cluster.nodeAutoscaler.expireAfter: ';
  const tail = ' (expiry is forceful), and pods waiting for them stay Pending';
  it.each([
    {
      what: 'the default startup (180 s) and expireAfter 3m',
      pool: 'name: p, initialNodes: 1',
      expire: '3m',
      warned: [`${head}180 s is not longer than pool p's startupLatency (180 s): every NodeClaim launched there is deleted before its node is Ready${tail}`],
    },
    {
      what: 'a lognormal startup (median 60 s) and expireAfter 60s',
      pool: 'name: p, initialNodes: 1, startupLatency: {dist: lognormal, median: 60s, p99: 100s}',
      expire: '60s',
      warned: [`${head}60 s is not longer than the median of pool p's startupLatency (60 s): at least half the NodeClaims launched there are deleted before their node is Ready${tail}`],
    },
    { what: 'expireAfter a second past the startup', pool: 'name: p, initialNodes: 1', expire: '181s', warned: [] },
    { what: 'expireAfter Never', pool: 'name: p, initialNodes: 1', expire: 'Never', warned: [] },
  ])('$what', ({ pool, expire, warned }) => {
    const file = withPools([pool], `karpenter, expireAfter: ${expire}`);
    expect(loadScenario(file).warnings ?? []).toEqual(warned.map((w) => `${file}: ${w}`));
  });
});

describe('cluster.nodePools[].maxPods', () => {
  it.each([
    { maxPods: '1e12', rule: "must be at most 2147483647 (the kubelet's maxPods is an int32), got 1000000000000" },
    { maxPods: '2147483648', rule: "must be at most 2147483647 (the kubelet's maxPods is an int32), got 2147483648" },
    { maxPods: '0', rule: 'must be ≥ 1, got the number 0' },
  ])('refuses $maxPods', ({ maxPods, rule }) => {
    const err = catchScenarioError(() => loadScenario(withPools([`name: p, initialNodes: 1, maxPods: ${maxPods}`])));
    expect([err.path, err.rule]).toEqual(['cluster.nodePools[0].maxPods', rule]);
  });

  it('takes the largest int32', () => {
    expect(loadScenario(withPools(['name: p, initialNodes: 1, maxPods: 2147483647'])).world.cluster.nodes!.pools[0]!.maxPods).toBe(2147483647);
  });
});

describe('cluster.scheduler.percentageOfNodesToScore (KubeSchedulerConfiguration; default 0, adaptive)', () => {
  const scheduler = (value: string): string => {
    const file = withPools(['name: std, initialNodes: 1']);
    writeFileSync(file, `${readFileSync(file, 'utf8')}  scheduler: { percentageOfNodesToScore: ${value} }\n`);
    return file;
  };
  it.each([
    ['0', 0],
    ['1', 1],
    ['100', 100],
  ])('%s loads as %i', (value, want) => {
    expect(loadScenario(scheduler(value)).world.cluster.nodes!.percentageOfNodesToScore).toBe(want);
  });
  it('left out: 0, kube-scheduler\'s default', () => {
    expect(loadScenario(withPools(['name: std, initialNodes: 1'])).world.cluster.nodes!.percentageOfNodesToScore).toBe(0);
  });
  it.each([
    ['101', "not in kube-scheduler's valid range [0-100] (0: its adaptive default), got 101"],
    ['-1', 'must be ≥ 0, got the number -1'],
    ['12.5', 'must be an integer, got 12.5'],
    ['"50%"', 'expected an integer, got the string "50%"'],
  ])('%s is refused, at the field', (value, rule) => {
    const file = scheduler(value);
    expect(catchScenarioError(() => loadScenario(file)).message).toBe(`${file}: cluster.scheduler.percentageOfNodesToScore: ${rule}`);
  });
  it('needs node pools', () => {
    const file = join(dir, `s${n++}.yaml`);
    writeFileSync(file, `${tinyScenario('pools', '10s', 1)}cluster:\n  scheduler: { percentageOfNodesToScore: 50 }\n`);
    expect(catchScenarioError(() => loadScenario(file)).message).toBe(`${file}: cluster.scheduler: needs cluster.nodePools (the nodes it schedules pods on)`);
  });
});
