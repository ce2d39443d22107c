import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, milliCpuToShares, sharesToCpuWeight, weightedMaxMinShares } from '../../../src/core/capacity/index.js';

describe('milliCpuToShares (the kubelet: 1024 per core, whole shares, 2 to 262144)', () => {
  it.each([
    [0, 2],
    [1, 2],
    [2, 2],
    [3, 3],
    [100, 102],
    [525, 537],
    [1000, 1024],
    [1025, 1049],
    [256_000, 262144],
    [1e9, 262144],
  ])('%d m → %d shares', (m, shares) => expect(milliCpuToShares(m)).toBe(shares));

  it('refuses a negative or non-finite request', () => {
    expect(() => milliCpuToShares(-1)).toThrow(InvalidArgumentError);
    expect(() => milliCpuToShares(Number.NaN)).toThrow(InvalidArgumentError);
  });
});

describe('sharesToCpuWeight (the kubelet on cgroup v2: 2–262144 shares onto 1–10000, integer division)', () => {
  it.each([
    [2, 1],
    [28, 1], // 26 × 9999 / 262142 = 0.99: still 1
    [29, 2],
    [102, 4], // 100m: 3.81 rounds down
    [128, 5], // 100m + the queue-proxy's 25m
    [537, 21], // 500m + 25m
    [1024, 39], // one core: 39, not systemd's default 100
    [1049, 40], // 1000m + 25m
    [262143, 9999],
    [262144, 10000],
  ])('%d shares → weight %d', (shares, weight) => expect(sharesToCpuWeight(shares)).toBe(weight));

  it('is not proportional to the shares: 1000m against 100m (each with the 25m queue-proxy) weigh 40 : 5, not 1049 : 128', () => {
    const big = sharesToCpuWeight(milliCpuToShares(1025));
    const small = sharesToCpuWeight(milliCpuToShares(125));
    expect(big / small).toBe(8);
    expect(milliCpuToShares(1025) / milliCpuToShares(125)).toBeCloseTo(8.195, 3);
  });

  it('refuses shares outside the kernel range or not whole', () => {
    expect(() => sharesToCpuWeight(1)).toThrow(InvalidArgumentError);
    expect(() => sharesToCpuWeight(2.5)).toThrow(InvalidArgumentError);
  });
});

describe('weightedMaxMinShares', () => {
  it.each([
    { name: 'demands that fit get what they want', cap: 4, d: [1, 2, 0.5], w: [1, 1, 1], want: [1, 2, 0.5] },
    { name: 'two hungry claimants split by weight', cap: 2, d: [2, 2], w: [1049, 537], want: [(2 * 1049) / 1586, (2 * 537) / 1586] },
    { name: 'a light claimant is settled first, the rest split what is left', cap: 3, d: [0.5, 4, 4], w: [1, 1, 2], want: [0.5, 2.5 / 3, 5 / 3] },
    { name: 'a heavy weight wanting little leaves its share to the others', cap: 2, d: [0.2, 2, 2], w: [1000, 1, 1], want: [0.2, 0.9, 0.9] },
    { name: 'an idle claimant takes nothing', cap: 2, d: [0, 3], w: [5, 1], want: [0, 2] },
    { name: 'equal ratios', cap: 1, d: [1, 1], w: [1, 1], want: [0.5, 0.5] },
    { name: 'nobody', cap: 2, d: [], w: [], want: [] },
  ])('$name', ({ cap, d, w, want }) => {
    const got = weightedMaxMinShares(cap, d, w);
    expect(got).toHaveLength(want.length);
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 12));
    // Never more than the capacity, never more than a demand.
    expect(got.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(cap + 1e-12);
    got.forEach((g, i) => expect(g).toBeLessThanOrEqual(d[i]! + 1e-12));
  });

  it('fills and resizes `out`', () => {
    const out = [9, 9, 9, 9];
    expect(weightedMaxMinShares(1, [1, 1], [1, 3], out)).toBe(out);
    expect(out).toEqual([0.25, 0.75]);
  });

  it.each([
    { cap: -1, d: [1], w: [1], field: 'capacity' },
    { cap: 1, d: [-1], w: [1], field: 'demands[0]' },
    { cap: 1, d: [1], w: [0], field: 'weights[0]' },
    { cap: 1, d: [1, 1], w: [1], field: 'weights' },
  ])('refuses a bad $field', ({ cap, d, w, field }) => {
    expect(() => weightedMaxMinShares(cap, d, w)).toThrow(new RegExp(`^${field.replace(/[[\]]/g, '\\$&')}`));
  });
});
