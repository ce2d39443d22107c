/**
 * cluster.nodePools[].limits: a Karpenter NodePool's spec.limits, Kubernetes quantities by
 * resource name. maxNodes is the same `nodes` limit under knsim's older name.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runKnsim } from '../support/cli.js';
import { tinyScenario } from '../support/tiny-scenario.js';
import { catchScenarioError } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'knsim-nodepool-limits-'));
let n = 0;

/** The tiny scenario with one 4-CPU, 16Gi pool of one node (its pod's) carrying `extra` (YAML flow mapping entries). */
function withPool(extra: string, kind = 'karpenter'): string {
  const file = join(dir, `s${n++}.yaml`);
  writeFileSync(file, `${tinyScenario('limits', '10s', 1)}cluster:\n  nodePools:\n    - { name: std, cpu: "4", memory: 16Gi, pricePerHour: 0.2, minNodes: 1, ${extra} }\n  nodeAutoscaler: { kind: ${kind} }\n`);
  return file;
}

const pool = (file: string) => loadScenario(file).world.cluster.nodes!.pools[0]!;

describe('reading limits', () => {
  it('cpu "100", memory 400Gi, nodes 10: millicores, bytes, and nodes as maxNodes', () => {
    const p = pool(withPool('limits: { cpu: "100", memory: 400Gi, nodes: 10 }'));
    expect(p.limits).toEqual({ cpuMillis: 100_000, memoryBytes: 400 * 2 ** 30 });
    expect(p.maxNodes).toBe(10);
  });
  it.each([
    // Rounded down to whole units: a usage of whole millicores is over 1500.5m exactly when it is over 1500m.
    { extra: 'limits: { cpu: 1500.5m }', want: { cpuMillis: 1500 } },
    { extra: 'limits: { cpu: 0.5 }', want: { cpuMillis: 500 } },
    { extra: 'limits: { memory: 1.5Ki }', want: { memoryBytes: 1536 } },
    { extra: 'limits: { memory: 1e3 }', want: { memoryBytes: 1000 } },
    { extra: 'limits: { pods: "220" }', want: { pods: 220 } },
  ])('$extra', ({ extra, want }) => {
    expect(pool(withPool(extra)).limits).toEqual(want);
  });
  it('no limits, or an empty or null one: none (and the 1000-node default maxNodes)', () => {
    for (const extra of ['maxPods: 110', 'limits: {}', 'limits: null']) {
      const p = pool(withPool(extra));
      expect(p.limits).toBeUndefined();
      expect(p.maxNodes).toBe(1000);
    }
  });
  it('maxNodes and limits.nodes written alike: one limit', () => {
    expect(pool(withPool('maxNodes: 3, limits: { nodes: 3 }')).maxNodes).toBe(3);
  });
  it('a resource knsim\'s nodes do not have is taken, with a warning that it never binds', () => {
    const file = withPool('limits: { cpu: "8", nvidia.com/gpu: 4 }');
    const loaded = loadScenario(file);
    expect(loaded.world.cluster.nodes!.pools[0]!.limits).toEqual({ cpuMillis: 8000 });
    expect(loaded.warnings).toContain(`${file}: cluster.nodePools[0].limits: knsim's nodes have no "nvidia.com/gpu", so this limit never binds (knsim limits cpu, memory, pods and nodes)`);
  });
  it('many such resources: one warning line, the names quoted, the list cut after five', () => {
    const keys = Array.from({ length: 8 }, (_, k) => `"r${k}\\n": 1`).join(', ');
    const loaded = loadScenario(withPool(`limits: { ${keys} }`));
    const lines = (loaded.warnings ?? []).filter((w) => w.includes('limits'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/knsim's nodes have no "r0\\n", "r1\\n", "r2\\n", "r3\\n", "r4\\n" and 3 more, so these limits never bind/);
    expect(lines[0]).not.toContain('\n');
  });
});

describe('refusing limits', () => {
  it.each([
    { extra: 'maxNodes: 3, limits: { nodes: 4 }', path: 'limits.nodes', rule: 'is 4 but maxNodes is 3: both are the NodePool\'s node limit; keep one' },
    { extra: 'limits: { nodes: 1.5 }', path: 'limits.nodes', rule: 'must be a whole number of nodes, got 1.5' },
    { extra: 'limits: { pods: 1k5 }', path: 'limits.pods', rule: '"1k5" is not a valid quantity: unknown suffix "k5": the suffix must be one of n u m k M G T P E, Ki Mi Gi Ti Pi Ei, or e/E followed by an integer exponent' },
    { extra: 'limits: { cpu: "-1" }', path: 'limits.cpu', rule: 'must be greater than or equal to 0, got "-1"' },
    { extra: 'limits: { cpu: true }', path: 'limits.cpu', rule: 'expected a quantity (a string such as "100", "400Gi" or a number), got the boolean true' },
    { extra: 'limits: [cpu]', path: 'limits', rule: 'expected a mapping of resource name to quantity (e.g. cpu: "100", memory: 400Gi, nodes: 10), got a list' },
    { extra: 'limits: { nodes: 5001 }', path: 'limits.nodes', rule: 'must be at most 5000 (the most nodes a Kubernetes cluster supports), got 5001' },
    { extra: 'initialNodes: 2, limits: { nodes: 1 }', path: 'initialNodes', rule: 'must be within [minNodes, limits.nodes] = [1, 1], got 2' },
    { extra: 'initialNodes: 2, maxNodes: 1', path: 'initialNodes', rule: 'must be within [minNodes, maxNodes] = [1, 1], got 2' },
    { extra: 'limits: { nodes: 0 }', path: 'minNodes', rule: 'must be ≤ limits.nodes (0), got 1' },
  ])('$extra', ({ extra, path, rule }) => {
    const file = withPool(extra);
    expect(catchScenarioError(() => loadScenario(file)).message).toBe(`${file}: cluster.nodePools[0].${path}: ${rule}`);
  });
  it('limits on a Cluster Autoscaler node group', () => {
    const file = withPool('limits: { cpu: "8" }', 'cluster-autoscaler');
    expect(catchScenarioError(() => loadScenario(file)).message).toBe(
      `${file}: cluster.nodePools[0].limits: needs cluster.nodeAutoscaler.kind: karpenter (this scenario's is cluster-autoscaler): a NodePool's limits; a node group's only limit is its size (maxNodes)`,
    );
  });
  it('the CLI: one line, exit code 2, no stack trace', () => {
    const file = withPool('maxNodes: 3, limits: { nodes: 4 }');
    const r = runKnsim(['run', file, '--no-report', '--out', join(dir, 'never-written')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`knsim: ${file}: cluster.nodePools[0].limits.nodes: is 4 but maxNodes is 3: both are the NodePool's node limit; keep one`);
  });
});
