import { describe, expect, it } from 'vitest';
import {
  REVISION_MAX_CONCURRENCY,
  activatorCapacityForRevision,
  activatorProcessLeadSeconds,
  activatorCount,
  assignSlice,
  compareTrackerDests,
  lbPolicyFor,
  trackerDest,
  trackerDestOrder,
} from '../../../src/core/autoscaler/activators.js';
import { formatIPv4 } from '../../../src/core/capacity/pod-ips.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe('activatorCount', () => {
  it.each([
    // [label, ready, total, TBC, capacity, want]
    ['upstream default, 0 pods', 0, 100, 200, 100, 2],
    ['upstream 1 pod', 1, 100, 200, 100, 3],
    ['TBC 0 → always 2', 100, 100, 0, 100, 2],
    ['TBC -1 drops the burst term', 5, 100, -1, 100, 5],
    ['many pods', 15, 100, 200, 100, 17],
    ['defaults (TBC 211), 0 pods', 0, 100, 211, 100, 3],
    ['defaults, 1 pod', 1, 100, 211, 100, 4],
    ['defaults, 3 pods', 3, 100, 211, 100, 6],
    ['kpa fixtures: total 10, 11 pods', 11, 10, 200, 100, 4],
    ['TBC -1, no pods → floor of 2', 0, 100, -1, 100, 2],
    ['TBC -1 adds nothing (not −1)', 3, 1, -1, 1, 3],
    ['exact multiple is not rounded up', 2, 100, 100, 100, 3],
  ])('%s', (_l, readyPods, totalValue, targetBurstCapacity, activatorCapacity, want) => {
    expect(activatorCount({ readyPods, totalValue, targetBurstCapacity, activatorCapacity })).toBe(want);
  });

  it.each([
    ['negative pods', { readyPods: -1, totalValue: 100, targetBurstCapacity: 211, activatorCapacity: 100 }],
    ['NaN total', { readyPods: 1, totalValue: Number.NaN, targetBurstCapacity: 211, activatorCapacity: 100 }],
    ['TBC -5', { readyPods: 1, totalValue: 100, targetBurstCapacity: -5, activatorCapacity: 100 }],
    ['zero capacity', { readyPods: 1, totalValue: 100, targetBurstCapacity: 211, activatorCapacity: 0 }],
  ])('rejects %s', (_l, opts) => {
    expect(() => activatorCount(opts)).toThrow(InvalidArgumentError);
  });
});

describe('assignSlice', () => {
  it.each([
    // [label, trackers, index, activators, want] (re-expresses upstream TestPickIndices / TestAssignSlice)
    ['1 pod, 1 activator', 1, 0, 1, [0]],
    ['1 pod, 2 activators, index 0', 1, 0, 2, [0]],
    ['1 pod, 2 activators, index 1', 1, 1, 2, [0]],
    ['2 pods, 3 activators, index 1', 2, 1, 3, [1]],
    ['2 pods, 3 activators, index 2 wraps', 2, 2, 3, [0]],
    ['3 pods, 3 activators, index 2', 3, 2, 3, [2]],
    ['10 pods, 3 activators, index 0 takes a remnant', 10, 0, 3, [0, 1, 2, 9]],
    ['10 pods, 3 activators, index 1', 10, 1, 3, [3, 4, 5]],
    ['10 pods, 3 activators, index 2', 10, 2, 3, [6, 7, 8]],
    ['150 pods, 5 activators, index 0', 150, 0, 5, range(30)],
    ['150 pods, 5 activators, index 1', 150, 1, 5, range(30, 30)],
    ['150 pods, 5 activators, index 4', 150, 4, 5, range(30, 120)],
    ['no trackers', 0, 0, 1, []],
    ['index -1 takes all', 3, -1, 1, [0, 1, 2]],
    ['a single activator takes all, whatever its index', 3, 1, 1, [0, 1, 2]],
    ['3 pods, 3 activators, index 1', 3, 1, 3, [1]],
    ['3 pods, 2 activators, index 1: no remnant', 3, 1, 2, [1]],
    ['3 pods, 2 activators, index 0: slice + remnant', 3, 0, 2, [0, 2]],
  ])('%s', (_l, n, index, activators, want) => {
    expect(assignSlice(range(n), index, activators)).toEqual(want);
  });

  it('splits 6 pods among 4 activators as {p0,p4}, {p1,p5}, {p2}, {p3}', () => {
    const pods = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
    expect(range(4).map((i) => assignSlice(pods, i, 4))).toEqual([['p0', 'p4'], ['p1', 'p5'], ['p2'], ['p3']]);
  });

  it.each([
    [7, 3],
    [24, 5],
    [20, 3],
    [9, 9],
  ])('%i pods over %i activators: a partition with sizes differing by at most 1', (n, a) => {
    const slices = range(a).map((i) => assignSlice(range(n), i, a));
    expect(slices.flat().sort((x, y) => x - y)).toEqual(range(n));
    const sizes = slices.map((s) => s.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('returns a copy and leaves the input alone', () => {
    const pods = [1, 2, 3];
    const got = assignSlice(pods, -1, 2);
    got.push(4);
    expect(pods).toEqual([1, 2, 3]);
  });

  it.each([
    ['index -2', 3, -2, 2],
    ['fractional index', 3, 0.5, 2],
    ['a known index with no activators', 3, 0, 0],
    ['an index past the activators (slice out of range)', 10, 3, 3],
    ['NaN activators', 3, 0, Number.NaN],
  ])('rejects %s', (_l, n, index, activators) => {
    expect(() => assignSlice(range(n), index, activators)).toThrow(InvalidArgumentError);
  });
});

describe('activatorCapacityForRevision', () => {
  it.each([
    // [label, CC, backends, assigned trackers, activators, want] (re-expresses upstream TestThrottlerUpdateCapacity)
    ['cluster IP, 1 backend, CC 10', 10, 1, 0, 0, 10],
    ['cluster IP, 10 backends, CC 10', 10, 10, 0, 0, 100],
    ['cluster IP, 100 backends, CC 10', 10, 100, 0, 0, 1000],
    ['cluster IP shared by 5 activators', 10, 10, 0, 5, 20],
    ['cluster IP shared by 200 activators: at least 1', 10, 10, 0, 200, 1],
    ['no backends, CC 10', 10, 0, 0, 200, 0],
    ['CC 0, no backends: closed', 0, 0, 0, 0, 0],
    ['CC 0, 1 backend: open', 0, 1, 0, 0, REVISION_MAX_CONCURRENCY],
    ['CC 0, 10 backends: open', 0, 10, 0, 0, REVISION_MAX_CONCURRENCY],
    ['CC 0, 200 activators, no backends', 0, 0, 0, 200, 0],
    ['CC 0, 200 activators, 1 backend', 0, 1, 0, 200, REVISION_MAX_CONCURRENCY],
    ['1 pod tracker, CC 10 (backend count not yet set)', 10, 0, 1, 1, 10],
    ['CC × assigned trackers', 10, 3, 2, 2, 20],
    ['clamped to MaxInt32', 10, 1, 300_000_000, 1, REVISION_MAX_CONCURRENCY],
  ])('%s', (_l, cc, backends, assigned, activators, want) => {
    expect(activatorCapacityForRevision({ containerConcurrency: cc, backendCount: backends, assignedTrackers: assigned, numActivators: activators })).toBe(want);
  });

  it.each([
    // [pods, CC, activators, index, want]: assignSlice then capacity, as updateCapacity does
    [2, 10, 1, 0, 20],
    [2, 10, 2, 0, 10],
    [3, 10, 2, 0, 20],
    [3, 10, 2, 1, 10],
    [5, 1, 2, 0, 3],
    [5, 1, 2, 1, 2],
  ])('%i pod trackers, CC %i, %i activators, index %i → %i', (pods, cc, activators, index, want) => {
    const assigned = assignSlice(range(pods), index, activators).length;
    expect(activatorCapacityForRevision({ containerConcurrency: cc, backendCount: pods, assignedTrackers: assigned, numActivators: activators })).toBe(want);
  });

  it('rejects nonsense', () => {
    const ok = { containerConcurrency: 10, backendCount: 1, assignedTrackers: 1, numActivators: 1 };
    expect(() => activatorCapacityForRevision({ ...ok, containerConcurrency: -1 })).toThrow(InvalidArgumentError);
    expect(() => activatorCapacityForRevision({ ...ok, backendCount: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => activatorCapacityForRevision({ ...ok, assignedTrackers: 0.5 })).toThrow(InvalidArgumentError);
  });
});

describe('lbPolicyFor', () => {
  it.each([
    [0, 'random-choice-2'],
    [1, 'first-available'],
    [2, 'first-available'],
    [3, 'first-available'],
    [4, 'round-robin'],
    [10, 'round-robin'],
    [1000, 'round-robin'],
  ])('CC %i → %s', (cc, want) => {
    expect(lbPolicyFor(cc)).toBe(want);
  });

  it.each([[-1], [1.5], [Number.NaN]])('rejects CC %d', (cc) => {
    expect(() => lbPolicyFor(cc)).toThrow(InvalidArgumentError);
  });
});

describe('tracker order (updateCapacity sorts trackers by their IP:port string)', () => {
  /** a.b.c.d as a number. */
  const v4 = (a: number, b: number, c: number, d: number): number => ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;

  it.each([
    // [a, b, want sign]: string comparison, not numeric
    ['10.244.0.10', '10.244.0.9', -1],
    ['10.244.0.2', '10.244.0.10', 1],
    ['10.244.0.100', '10.244.0.11', -1],
    // A last octet that is a prefix of another sorts after it (':' is above the digits)…
    ['10.244.0.1', '10.244.0.10', 1],
    ['10.244.0.25', '10.244.0.250', 1],
    // …but an inner one sorts before ('.' is below them).
    ['10.244.1.5', '10.244.10.5', -1],
    ['10.244.1.200', '10.244.10.3', -1],
    ['10.244.2.3', '10.244.10.3', 1],
    ['10.244.0.7', '10.244.0.7', 0],
  ])('%s:8012 vs %s:8012 → %i', (a, b, want) => {
    expect(Math.sign(compareTrackerDests(trackerDest(a), trackerDest(b)))).toBe(want);
  });

  it('sorts a node range of pods as strings: .10–.13 before .2–.9', () => {
    const dests = Array.from({ length: 12 }, (_, i) => trackerDest(`10.244.0.${i + 2}`));
    expect(dests.sort(compareTrackerDests).map((d) => d.slice(9, -5))).toEqual(['10', '11', '12', '13', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it.each([
    ['10.244.0.10', '10.244.0.9'],
    ['10.244.0.100', '10.244.0.11'],
    ['10.244.0.10', '10.244.0.1'],
    ['10.244.1.200', '10.244.10.3'],
    ['10.0.255.255', '10.1.0.0'],
    // The first octet compares as a string too: "10" before "9".
    ['10.0.0.0', '9.255.255.255'],
  ])('trackerDestOrder(%s) < trackerDestOrder(%s), as their strings', (a, b) => {
    const n = (s: string): number => {
      const [w, x, y, z] = s.split('.').map(Number) as [number, number, number, number];
      return v4(w, x, y, z);
    };
    expect(trackerDestOrder(n(a))).toBeLessThan(trackerDestOrder(n(b)));
    expect(compareTrackerDests(trackerDest(formatIPv4(n(a))), trackerDest(formatIPv4(n(b))))).toBe(-1);
  });

  it('trackerDestOrder agrees with the string order on 20,000 pairs of addresses', () => {
    let s = 12345;
    const next = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
    // Mostly close addresses (the pairs that differ in one octet's length), some anywhere.
    const pick = (): number => (next() % 4 === 0 ? next() : v4(10, 244, next() % 3, next() % 256));
    for (let i = 0; i < 20000; i++) {
      const a = pick();
      const b = pick();
      const byString = compareTrackerDests(trackerDest(formatIPv4(a)), trackerDest(formatIPv4(b)));
      expect(Math.sign(trackerDestOrder(a) - trackerDestOrder(b))).toBe(byString);
    }
  });

  it.each([[-1], [2 ** 32], [0.5]])('trackerDestOrder rejects %d', (n) => {
    expect(() => trackerDestOrder(n)).toThrow(InvalidArgumentError);
  });
});

describe('activatorProcessLeadSeconds: a new activator pod\u2019s process runs this long before it is Ready', () => {
  it.each([
    // Ready 5 s or more after its creation: at a probe tick (every 5 s) up to a period after its
    // servers listen, the phase unknown (drawn).
    { startup: 10, u: 0, lead: 0 },
    { startup: 10, u: 0.5, lead: 2.5 },
    { startup: 10, u: 0.999, lead: 4.995 },
    { startup: 5, u: 0.5, lead: 2.5 },
    // Sooner, before any tick that could see its container: at the probe the status sync asks for as
    // it sees the container start, under the kubelet's 1 s relist after it (the process came later).
    { startup: 4.999, u: 0.5, lead: 0.5 },
    { startup: 3, u: 0.999, lead: 0.999 },
    // And never before the pod's creation.
    { startup: 1, u: 0.5, lead: 0.5 },
    { startup: 0.1, u: 0.5005378189962357, lead: 0.05005378189962357 },
    { startup: 0, u: 0.7, lead: 0 },
  ])('startup $startup s, phase $u: $lead s', ({ startup, u, lead }) => {
    expect(activatorProcessLeadSeconds(startup, u)).toBeCloseTo(lead, 12);
  });

  it.each([
    { startup: 10, u: 1 },
    { startup: 10, u: -0.1 },
    { startup: 10, u: Number.NaN },
    { startup: -1, u: 0.5 },
  ])('refuses startup $startup s with phase $u', ({ startup, u }) => {
    expect(() => activatorProcessLeadSeconds(startup, u)).toThrow(InvalidArgumentError);
  });
});
