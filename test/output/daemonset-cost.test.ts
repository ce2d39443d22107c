/**
 * DaemonSet pods in the cost attribution (ClusterAccounting fed node records directly): OpenCost
 * allocates them as any workload, so they are charged their requests while their node runs them
 * (from Ready to deletion), and only what no pod is charged is idle.
 */
import { describe, expect, it } from 'vitest';
import { ClusterAccounting } from '../../src/output/cluster-accounting.js';
import type { NodeRecord } from '../../src/output/records.js';

const GIB = 2 ** 30;
/** A 4-core / 16 GiB node at $0.20/h: $0.025 per core-hour and $0.00625 per GiB-hour with cpuShare 0.5. */
const node = (name: string, event: NodeRecord['event'], time: number, ds = { cpuMillis: 400, memoryBytes: 2 * GIB }): NodeRecord => ({
  time,
  node: name,
  pool: 'std',
  event,
  pricePerHour: 0.2,
  cpuMillis: 4000,
  memoryBytes: 16 * GIB,
  daemonSets: ds,
});

describe('DaemonSet cost', () => {
  it('charged from Ready to deletion: 0.4 core × $0.025 + 2 GiB × $0.00625 = $0.0225 per hour', () => {
    const a = new ClusterAccounting(0.5);
    a.node(node('n1', 'Requested', 0));
    a.node(node('n1', 'Ready', 180));
    a.node(node('n1', 'Deleted', 3780));
    const { cost } = a.finish(7200);
    expect(cost.total).toBeCloseTo(0.21, 9);
    expect(cost.daemonSets).toBeCloseTo(0.0225, 9);
    expect(cost.idle).toBeCloseTo(0.21 - 0.0225, 9);
    expect(cost.idlePerNode).toEqual({ n1: 0.1875 });
  });
  it('a node still up at the end is charged to the end; one that never got Ready ran no DaemonSet pod', () => {
    const a = new ClusterAccounting(0.5);
    a.node(node('up', 'Requested', 0));
    a.node(node('up', 'Ready', 0));
    a.node(node('lost', 'Requested', 0));
    a.node(node('lost', 'Deleted', 900));
    const { cost } = a.finish(1800);
    expect(cost.daemonSets).toBeCloseTo(0.0225 / 2, 9);
    expect(cost.idlePerNode).toEqual({ up: 0.08875, lost: 0.05 });
  });
  it('cpuShare moves the split, not the total: all of the price on CPU charges 0.4 core at $0.05', () => {
    const a = new ClusterAccounting(1);
    a.node(node('n1', 'Requested', 0));
    a.node(node('n1', 'Ready', 0));
    expect(a.finish(3600).cost.daemonSets).toBeCloseTo(0.02, 9);
  });
  it('a pool without DaemonSets charges none', () => {
    const a = new ClusterAccounting(0.5);
    a.node(node('n1', 'Requested', 0, { cpuMillis: 0, memoryBytes: 0 }));
    a.node(node('n1', 'Ready', 0, { cpuMillis: 0, memoryBytes: 0 }));
    const { cost } = a.finish(3600);
    expect(cost.daemonSets).toBe(0);
    expect(cost.idle).toBeCloseTo(0.2, 9);
  });
});
