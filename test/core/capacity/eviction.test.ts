import { describe, expect, it } from 'vitest';
import { EVICTION_PRESSURE_TRANSITION_SECONDS, memoryEvictionOrder, memoryPressureHeld, memoryThresholdCrossed } from '../../../src/core/capacity/index.js';

const Mi = 1024 * 1024;

describe('memoryThresholdCrossed: the pods\' working sets above allocatable (memory.available < 100Mi)', () => {
  it.each([
    { allocatable: 2048 * Mi, used: 2048 * Mi, want: false },
    { allocatable: 2048 * Mi, used: 2048 * Mi + 1, want: true },
    { allocatable: 2048 * Mi, used: 0, want: false },
  ])('$used of $allocatable', ({ allocatable, used, want }) => {
    expect(memoryThresholdCrossed(allocatable, used)).toBe(want);
  });
  it('refuses a negative or NaN amount', () => {
    expect(() => memoryThresholdCrossed(-1, 0)).toThrow(/allocatableBytes/);
    expect(() => memoryThresholdCrossed(1, Number.NaN)).toThrow(/podsWorkingSetBytes/);
  });
});

describe('memoryEvictionOrder: over their request first, then lower priority, then the most above the request', () => {
  const pod = (usage: number, request: number, priority = 0) => ({ usageBytes: usage * Mi, requestBytes: request * Mi, priority });
  it.each([
    // Only the second exceeds its request: it goes first, though the first uses more.
    { name: 'exceeding the request comes first', pods: [pod(900, 1000), pod(600, 512)], want: [1, 0] },
    // All exceed: the one furthest above its request first (388, 100, 88 Mi above).
    { name: 'most above the request', pods: [pod(600, 512), pod(900, 512), pod(700, 600)], want: [1, 2, 0] },
    // Both exceed by as much: the lower priority first.
    { name: 'priority before usage', pods: [pod(900, 512, 1000), pod(600, 512, 0)], want: [1, 0] },
    // Neither exceeds: the one closest to its request (least below it) first.
    { name: 'none exceeds', pods: [pod(100, 512), pod(500, 512)], want: [1, 0] },
    // Exactly at the request does not exceed it.
    { name: 'at the request', pods: [pod(512, 512), pod(513, 1024)], want: [0, 1] },
    // Equal on every key: the given order.
    { name: 'ties keep their order', pods: [pod(600, 512), pod(600, 512), pod(600, 512)], want: [0, 1, 2] },
    { name: 'no pods', pods: [], want: [] },
  ])('$name', ({ pods, want }) => {
    expect(memoryEvictionOrder(pods)).toEqual(want);
  });
  it.each([
    // No stats (undefined usage) goes first, even before a pod far over its request.
    { name: 'no stats before over the request', pods: [{ usageBytes: 900 * Mi, requestBytes: 100 * Mi, priority: 0 }, { usageBytes: undefined, requestBytes: 512 * Mi, priority: 0 }], want: [1, 0] },
    // Two without stats: priority decides, then their order (no usage to compare).
    { name: 'no stats: priority, then order', pods: [{ usageBytes: undefined, requestBytes: 0, priority: 10 }, { usageBytes: undefined, requestBytes: 900 * Mi, priority: 10 }, { usageBytes: undefined, requestBytes: 512 * Mi, priority: 0 }], want: [2, 0, 1] },
    // A higher priority does not save a pod without stats from going before one with them.
    { name: 'no stats before lower priority', pods: [pod(600, 512, 0), { usageBytes: undefined, requestBytes: 512 * Mi, priority: 1000 }], want: [1, 0] },
  ])('$name', ({ pods, want }) => {
    expect(memoryEvictionOrder(pods)).toEqual(want);
  });
  it('refuses a NaN usage', () => {
    expect(() => memoryEvictionOrder([{ usageBytes: Number.NaN, requestBytes: 0, priority: 0 }])).toThrow(/usageBytes/);
  });
});

describe('memoryPressureHeld: MemoryPressure stays True 5 min after the threshold was last crossed', () => {
  it.each([
    { last: 37.5, now: 47.5, want: true },
    { last: 37.5, now: 37.5 + EVICTION_PRESSURE_TRANSITION_SECONDS - 0.001, want: true },
    { last: 37.5, now: 37.5 + EVICTION_PRESSURE_TRANSITION_SECONDS, want: false },
    { last: Number.NaN, now: 10, want: false },
  ])('last $last, now $now', ({ last, now, want }) => {
    expect(memoryPressureHeld(last, now)).toBe(want);
  });
});
