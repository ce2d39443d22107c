import { describe, expect, it } from 'vitest';
import { nodeSteps } from '../../src/output/report/charts/cluster-levels.js';

/** nodeSteps over [time, node, event] rows of one pool at $0.1/h. */
const steps = (rows: Array<[number, string, string]>) =>
  nodeSteps({ time: rows.map((r) => r[0]), node: rows.map((r) => r[1]), pool: rows.map(() => 'p'), event: rows.map((r) => r[2]), pricePerHour: rows.map(() => 0.1) });

describe('nodeSteps (nodes.csv → nodes billed and Ready)', () => {
  it('a node whose removal is called off is Ready again from its Untainted row', () => {
    const rows: Array<[number, string, string]> = [
      [0, 'a', 'Requested'],
      [0, 'a', 'Ready'],
      [17, 'a', 'Tainted'],
      [17, 'b', 'Requested'],
      [917, 'b', 'Deleted'],
      [917, 'a', 'Untainted'],
      [1000, 'a', 'Tainted'],
      [1030, 'a', 'Deleted'],
    ];
    const s = steps(rows);
    expect(s.ready).toEqual({ time: [0, 17, 917, 1000], delta: [1, -1, 1, -1] });
    expect(s.billed).toEqual({ time: [0, 17, 917, 1030], delta: [1, 1, -1, -1] });
  });

  it('a node under memory pressure takes no pods from NodeHasInsufficientMemory to NodeHasSufficientMemory, whatever its removal taint does', () => {
    const rows: Array<[number, string, string]> = [
      [0, 'a', 'Requested'],
      [0, 'a', 'Ready'],
      [27, 'a', 'NodeHasInsufficientMemory'],
      [40, 'a', 'Tainted'],
      [50, 'a', 'Untainted'],
      [327, 'a', 'NodeHasSufficientMemory'],
      [400, 'a', 'NodeHasInsufficientMemory'],
      [410, 'a', 'Tainted'],
      [700, 'a', 'NodeHasSufficientMemory'],
      [710, 'a', 'Deleted'],
    ];
    const s = steps(rows);
    expect(s.ready).toEqual({ time: [0, 27, 327, 400], delta: [1, -1, 1, -1] });
  });
});

describe('nodeSteps: billed from the launch', () => {
  it.each<{ name: string; rows: Array<[number, string, string]>; billed: { time: number[]; delta: number[] } }>([
    {
      name: 'a first create call that failed at 11 s takes the node off the billed line until its Launched row at 135',
      rows: [
        [0, 'a', 'Requested'],
        [0, 'a', 'Ready'],
        [11, 'b', 'Requested'],
        [11, 'b', 'LaunchFailed'],
        [135, 'b', 'Launched'],
        [195, 'b', 'Ready'],
        [500, 'b', 'Deleted'],
      ],
      billed: { time: [0, 11, 11, 135, 500], delta: [1, 1, -1, 1, -1] },
    },
    {
      name: 'a node deleted without launching leaves the line as it was',
      rows: [
        [11, 'b', 'Requested'],
        [11, 'b', 'LaunchFailed'],
        [315, 'b', 'Deleted'],
      ],
      billed: { time: [11, 11], delta: [1, -1] },
    },
  ])('$name', ({ rows, billed }) => {
    const s = steps(rows);
    expect(s.billed).toEqual(billed);
    // $0.1/h while billed, the same steps.
    expect(s.rateByPool.get('p')).toEqual({ time: billed.time, delta: billed.delta.map((d) => d * 0.1) });
  });
});
