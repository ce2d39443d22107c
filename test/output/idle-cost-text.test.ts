/**
 * Idle is the node cost less what revisions are charged, and OpenCost charges max(request,
 * usage): a pod using CPU beyond its request on a node with room is charged for it, so the
 * revisions can be charged more than the nodes cost (fuzzed: an 8-CPU node for 60 s, $0.003333,
 * charged $0.004121). The text says so instead of printing a negative idle share.
 */
import { describe, expect, it } from 'vitest';
import { idleCostText } from '../../src/output/cluster-accounting.js';

const dollars = (v: number): string => `$${v.toFixed(4)}`;

describe('idleCostText', () => {
  it.each([
    { total: 10.048881, idle: 6.900543, digits: 0, want: 'idle $6.9005 (69 %)' },
    { total: 10.048881, idle: 6.900543, digits: 1, want: 'idle $6.9005 (68.7 %)' },
    { total: 0, idle: 0, digits: 1, want: 'idle $0.0000 (0.0 %)' },
    {
      total: 0.003333,
      idle: -0.000788,
      digits: 1,
      want: "no idle: revisions and DaemonSets are charged $0.0008 more than the nodes cost (revisions' usage above their requests, charged as OpenCost charges it)",
    },
  ])('total $total, idle $idle', ({ total, idle, digits, want }) => {
    expect(idleCostText(total, idle, dollars, digits)).toBe(want);
  });
});
