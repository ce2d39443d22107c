/**
 * Where the Cluster Autoscaler's removal simulation puts a candidate node's pods
 * (simulator/scheduling/hinting_simulator.go TrySchedulePods; the plugin runner's
 * RunFiltersUntilPassingNode scans from just after the node it last chose): hinted node first,
 * else round-robin over the listed nodes, not first fit from the top of the list.
 */
import { describe, expect, it } from 'vitest';
import { podResources, removableNodes, SimulationPlacer, type NodeView } from '../../../src/core/capacity/index.js';

const node = (name: string, usedMillis: number): NodeView => ({
  name,
  allocatable: { cpuMillis: 4000, memoryBytes: 16 * 1024 ** 3 },
  maxPods: 110,
  requested: { cpuMillis: usedMillis, memoryBytes: 0 },
  nonZeroRequested: { cpuMillis: usedMillis, memoryBytes: 0 },
  pods: usedMillis > 0 ? 1 : 0,
});
const pod = (cpuMillis: number) => podResources([{ cpuMillis }]);

describe('removal simulation placement: round-robin from the last node chosen', () => {
  it("A's pods 1000m, 1000m, 3000m with B 2000m free and C 3000m free: the second 1000m goes to C, so 3000m fits nowhere: A is unremovable", () => {
    // First fit would put both 1000m pods on B and the 3000m one on C, and find A removable.
    const nodes = [node('a', 1000), node('b', 2000), node('c', 1000)];
    const pods = [[pod(1000), pod(1000), pod(3000)], [], []];
    expect(removableNodes(nodes, pods, (i) => i === 0)).toEqual([]);
  });
  it('the same pods in the order 3000m, 1000m, 1000m: C, then B (wrapping past A, the node itself), then B: removable', () => {
    const nodes = [node('a', 1000), node('b', 2000), node('c', 1000)];
    const pods = [[pod(3000), pod(1000), pod(1000)], [], []];
    expect(removableNodes(nodes, pods, (i) => i === 0)).toEqual([0]);
  });
  it('the scan start carries over from one simulation to the next, and from loop to loop', () => {
    const nodes = [node('x', 0), node('y', 0), node('z', 0)];
    const placer = new SimulationPlacer();
    const all = () => true;
    const picks = [0, 1, 2, 3].map(() => placer.place(3, (k) => nodes[k]!, all, pod(100), undefined));
    expect(picks).toEqual([0, 1, 2, 0]);
    placer.dropOldHints();
    expect(placer.place(3, (k) => nodes[k]!, all, pod(100), undefined)).toBe(1);
  });
  it("placers sharing one scan start (filterOutSchedulable's and the removal simulation's, on the snapshot's one plugin runner) go on from each other's last choice; their hints stay apart", () => {
    const nodes = [node('x', 0), node('y', 0), node('z', 0)];
    const scan = { lastIndex: 0 };
    const up = new SimulationPlacer(scan);
    const down = new SimulationPlacer(scan);
    const all = () => true;
    expect(up.place(3, (k) => nodes[k]!, all, pod(100), 'p')).toBe(0);
    expect(down.place(3, (k) => nodes[k]!, all, pod(100), 'p')).toBe(1); // no hint of its own for p; the scan goes on after x
    expect(up.place(3, (k) => nodes[k]!, all, pod(100), undefined)).toBe(2);
    expect(new SimulationPlacer().place(3, (k) => nodes[k]!, all, pod(100), undefined)).toBe(0);
  });
  it('a non-destination node is skipped, and the next scan starts after the node chosen', () => {
    const nodes = [node('x', 0), node('y', 0), node('z', 0)];
    const placer = new SimulationPlacer();
    expect(placer.place(3, (k) => nodes[k]!, (k) => k !== 0, pod(100), undefined)).toBe(1);
    expect(placer.place(3, (k) => nodes[k]!, (k) => k !== 2, pod(100), undefined)).toBe(0);
  });
});

describe('removal simulation placement: scheduling hints (hints.go)', () => {
  const nodes = [node('x', 0), node('y', 0), node('z', 0)];
  const all = () => true;
  it("a pod goes back to the node it was put on at the last loop, before the scan's choice; the hint lasts one loop unless renewed", () => {
    const placer = new SimulationPlacer();
    placer.place(3, (k) => nodes[k]!, all, pod(100), 'other'); // x; the scan now starts at y
    expect(placer.place(3, (k) => nodes[k]!, all, pod(100), 'p')).toBe(1); // y, hinted
    placer.place(3, (k) => nodes[k]!, all, pod(100), 'other'); // its hint (x) first: scan start stays at z
    placer.dropOldHints(); // end of the loop
    expect(placer.place(3, (k) => nodes[k]!, all, pod(100), 'q')).toBe(2); // the scan: z
    expect(placer.place(3, (k) => nodes[k]!, all, pod(100), 'p')).toBe(1); // its hint, not the scan's x
    placer.dropOldHints();
    placer.dropOldHints(); // a loop that did not place p: its hint is gone
    expect(placer.place(3, (k) => nodes[k]!, all, pod(100), 'p')).toBe(0); // the scan, from x
  });
  it('a hinted node that no longer fits, or is no destination, gives way to the scan', () => {
    const placer = new SimulationPlacer();
    expect(placer.place(3, (k) => nodes[k]!, all, pod(100), 'p')).toBe(0);
    placer.dropOldHints();
    const full = [node('x', 3950), nodes[1]!, nodes[2]!];
    expect(placer.place(3, (k) => full[k]!, all, pod(100), 'p')).toBe(1);
    placer.dropOldHints();
    expect(placer.place(3, (k) => nodes[k]!, (k) => k !== 1, pod(100), 'p')).toBe(2);
  });
});
