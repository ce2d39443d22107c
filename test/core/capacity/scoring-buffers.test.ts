/**
 * ScoringBuffers scores a cycle's feasible nodes in buffers kept from pod to pod: it must pick the
 * node nodeScores' arrays pick (the highest total, ties by the tie-break's index among the top
 * nodes in feasible order), on any nodes, whatever the previous, larger or smaller, cycle left.
 */
import { describe, expect, it } from 'vitest';
import { nodeScores, scheduleOne, ScoringBuffers, type NodeView, type PodResources } from '../../../src/core/capacity/index.js';
import { rng } from '../../support/rng.js';

interface TestNode extends NodeView {
  matching: number;
  bound: number;
}

const GI = 2 ** 30;

function node(name: string, cpu: number, memory: number, usedCpu: number, usedMemory: number, o: Partial<TestNode> = {}): TestNode {
  return {
    name,
    allocatable: { cpuMillis: cpu, memoryBytes: memory },
    maxPods: 110,
    requested: { cpuMillis: usedCpu, memoryBytes: usedMemory },
    nonZeroRequested: { cpuMillis: usedCpu, memoryBytes: usedMemory },
    pods: 3,
    matching: 0,
    bound: 0,
    ...o,
  };
}

const pod = (cpu: number, memory: number): PodResources => ({
  requests: { cpuMillis: cpu, memoryBytes: memory },
  nonZeroRequests: { cpuMillis: cpu || 100, memoryBytes: memory || 200 * 2 ** 20 },
  containerRequests: { cpuMillis: cpu, memoryBytes: memory },
});

/** The reference: nodeScores' arrays, then the first of the top scores or the tie-break's pick among them. */
function reference(nodes: TestNode[], p: PodResources, tie: number, spread: boolean, affinity: boolean): { name: string | undefined; ties: number } {
  if (nodes.length === 0) return { name: undefined, ties: 0 };
  const scores = nodeScores(
    nodes,
    p,
    spread ? (n) => n.matching : undefined,
    affinity ? (n) => n.bound : undefined,
  );
  const best = Math.max(...scores);
  const top = nodes.filter((_, i) => scores[i] === best);
  return { name: top.length === 1 ? top[0]!.name : top[tie % top.length]!.name, ties: top.length };
}

function viaBuffers(b: ScoringBuffers<TestNode>, nodes: TestNode[], p: PodResources, tie: number, spread: boolean, affinity: boolean): { name: string | undefined; ties: number } {
  b.clear();
  for (const n of nodes) b.push(n);
  let ties = 1;
  const picked = b.best(
    p,
    (k) => {
      ties = k;
      return tie % k;
    },
    spread ? (n) => n.matching : undefined,
    affinity ? (n) => n.bound : undefined,
  );
  return { name: picked?.name, ties: nodes.length === 0 ? 0 : ties };
}

describe('ScoringBuffers.best against nodeScores', () => {
  it('table: three 4-CPU/16Gi nodes, a 1-CPU/1Gi pod', () => {
    const nodes = [
      node('a', 4000, 16 * GI, 1000, 4 * GI, { matching: 1, bound: 1 }),
      node('b', 4000, 16 * GI, 2000, 2 * GI),
      node('c', 4000, 16 * GI, 1000, 4 * GI, { preferNoScheduleTaints: 1 }),
    ];
    const p = pod(1000, GI);
    // a: LeastAllocated floor((50 + 68) / 2) = 59 (cpu 2000/4000 left 50, memory 5/16 used: 68), Balanced
    // trunc((1 − |0.5 − 0.3125| / 2) × 100) = 90, spread raw round(1 × ln 5 + 2) = 4 → 100 × (4 + 2 − 4) / 4 = 50,
    // affinity −200 → 0, taint 100: 59 + 90 + 100 + 0 + 300 = 549.
    // b: cpu 25, memory 81 → 53; Balanced trunc((1 − |0.75 − 0.1875| / 2) × 100) = 71; spread 100, affinity 100, taint 100: 53 + 71 + 200 + 200 + 300 = 824.
    // c: as a without its pods, but its soft taint: 59 + 90 + 200 + 200 + 0 = 549.
    expect(nodeScores(nodes, p, (n) => n.matching, (n) => n.bound)).toEqual([549, 824, 549]);
    expect(viaBuffers(new ScoringBuffers(), nodes, p, 0, true, true)).toEqual({ name: 'b', ties: 1 });
    // Scored without b, the plugins normalize over a and c alone: spread raw round(ln 4 + 2) = 3 and 2 → 66 and 100,
    // affinity 0 and 100, so a 59 + 90 + 132 + 0 + 300 = 581 beats c's 549.
    expect(nodeScores([nodes[0]!, nodes[2]!], p, (n) => n.matching, (n) => n.bound)).toEqual([581, 549]);
    expect(viaBuffers(new ScoringBuffers(), [nodes[0]!, nodes[2]!], p, 1, true, true)).toEqual({ name: 'a', ties: 1 });
    // c and its twin d tie: the tie-break's index 1 picks d, the second in feasible order.
    const d = { ...nodes[2]!, name: 'd' };
    expect(viaBuffers(new ScoringBuffers(), [nodes[2]!, d], p, 1, true, true)).toEqual({ name: 'd', ties: 2 });
  });

  it('randomized: 2,000 cycles of 0 to 60 nodes through one set of buffers pick what the arrays pick', () => {
    const r = rng(51);
    const b = new ScoringBuffers<TestNode>();
    const int = (n: number) => Math.floor(r() * n);
    for (let cycle = 0; cycle < 2000; cycle++) {
      const n = int(61);
      const nodes: TestNode[] = [];
      for (let i = 0; i < n; i++) {
        // Few sizes and loads, so ties are common; a node without memory or cpu now and then.
        const cpu = [0, 2000, 4000, 8000][int(4)]!;
        const memory = [0, 8 * GI, 16 * GI][int(3)]!;
        nodes.push(node(`n${i}`, cpu, memory, 250 * int(8), GI * int(6), { matching: int(4), bound: int(4), preferNoScheduleTaints: int(4) === 0 ? int(4) : 0 }));
      }
      const p = pod([0, 250, 1000][int(3)]!, [0, GI][int(2)]!);
      const spread = r() < 0.7;
      const affinity = r() < 0.5;
      const tie = int(1000);
      expect(viaBuffers(b, nodes, p, tie, spread, affinity), `cycle ${cycle}`).toEqual(reference(nodes, p, tie, spread, affinity));
    }
  });

  it('scheduleOne with kept buffers picks as with fresh ones, cycle after cycle (250 nodes, pods bound as they land)', () => {
    const run = (keep: boolean) => {
      const r = rng(7);
      const nodes = Array.from({ length: 250 }, (_, i) => node(`n${i}`, 4000, 16 * GI, 100 * (i % 5), 0));
      const buffers = keep ? new ScoringBuffers<TestNode>() : undefined;
      let start = 0;
      const out: string[] = [];
      for (let k = 0; k < 300; k++) {
        const p = pod(250 * (1 + (k % 3)), GI);
        const res = scheduleOne(nodes, p, (n) => Math.floor(r() * n), { start, schedulable: () => true, matchingPods: (n) => n.matching, buffers });
        start = (start + res.processed) % nodes.length;
        const n = res.node;
        if (n === undefined) {
          out.push('-');
          continue;
        }
        out.push(n.name);
        const i = nodes.indexOf(n);
        nodes[i] = node(n.name, 4000, 16 * GI, n.requested.cpuMillis + p.requests.cpuMillis, n.requested.memoryBytes + p.requests.memoryBytes, { matching: n.matching + 1 });
      }
      return out;
    };
    const kept = run(true);
    expect(kept).toEqual(run(false));
    // 250 nodes: 120 found per search, so the first three pods land in [0, 120), [120, 240) and round from 240.
    expect(kept.slice(0, 3).map((s) => Number(s.slice(1)))).toSatisfy((a: number[]) => a[0]! < 120 && a[1]! >= 120 && a[1]! < 240 && (a[2]! >= 240 || a[2]! < 110));
  });
});
