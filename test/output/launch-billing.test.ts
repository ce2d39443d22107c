/**
 * A node is billed from its instance's launch (ClusterAccounting fed node records directly): the
 * provision request, unless a Karpenter NodeClaim's first create call failed (LaunchFailed, at
 * the request), when the bill starts at its Launched row, or never if it is Deleted first.
 */
import { describe, expect, it } from 'vitest';
import { ClusterAccounting } from '../../src/output/cluster-accounting.js';
import type { NodeRecord } from '../../src/output/records.js';

const GIB = 2 ** 30;
/** A 4-core / 16 GiB node at $0.36/h ($0.0001 a second), no DaemonSets. */
const row = ([time, node, event]: readonly [number, string, NodeRecord['event']]): NodeRecord => ({
  time,
  node,
  pool: 'std',
  event,
  pricePerHour: 0.36,
  cpuMillis: 4000,
  memoryBytes: 16 * GIB,
  daemonSets: { cpuMillis: 0, memoryBytes: 0 },
});

describe('node cost from the launch (run of 3600 s)', () => {
  it.each<{ name: string; rows: Array<readonly [number, string, NodeRecord['event']]>; total: number; nodeHours: number; max: number; idle: Record<string, number> }>([
    {
      name: 'launched at its request: 100–3600 s, $0.35',
      rows: [
        [100, 'a', 'Requested'],
        [160, 'a', 'Ready'],
      ],
      total: 0.35,
      nodeHours: 0.972222,
      max: 1,
      idle: { a: 0.35 },
    },
    {
      name: 'first call failed at 100 s, launched by a retry at 224: 224–3600 s, $0.3376',
      rows: [
        [100, 'a', 'Requested'],
        [100, 'a', 'LaunchFailed'],
        [224, 'a', 'Launched'],
        [284, 'a', 'Ready'],
      ],
      total: 0.3376,
      nodeHours: 0.937778,
      max: 1,
      idle: { a: 0.3376 },
    },
    {
      name: 'never launched, deleted at the launch timeout (404 s): $0, and never one of the nodes billed at once',
      rows: [
        [100, 'a', 'Requested'],
        [100, 'a', 'LaunchFailed'],
        [404, 'a', 'Deleted'],
      ],
      total: 0,
      nodeHours: 0,
      max: 0,
      idle: { a: 0 },
    },
    {
      name: 'deleted as it is requested (InsufficientCapacity) beside a running node: only that one billed, $0.36',
      rows: [
        [0, 'b', 'Requested'],
        [0, 'b', 'Ready'],
        [100, 'a', 'Requested'],
        [100, 'a', 'Deleted'],
      ],
      total: 0.36,
      nodeHours: 1,
      max: 1,
      idle: { b: 0.36, a: 0 },
    },
    {
      name: 'still retrying at the end: $0; the other launched at once, 0–1800 s: $0.18',
      rows: [
        [0, 'b', 'Requested'],
        [0, 'b', 'Ready'],
        [1000, 'a', 'Requested'],
        [1000, 'a', 'LaunchFailed'],
        [1800, 'b', 'Tainted'],
        [1800, 'b', 'Deleted'],
      ],
      total: 0.18,
      nodeHours: 0.5,
      max: 1,
      idle: { b: 0.18, a: 0 },
    },
  ])('$name', ({ rows, total, nodeHours, max, idle }) => {
    const a = new ClusterAccounting(0.5);
    for (const r of rows) a.node(row(r));
    const { nodes, cost } = a.finish(3600);
    expect(cost.total).toBe(total);
    expect(nodes.nodeHours).toBe(nodeHours);
    expect(nodes.max).toBe(max);
    expect(cost.idlePerNode).toEqual(idle);
  });
});
