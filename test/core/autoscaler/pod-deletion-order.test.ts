/**
 * The ReplicaSet's choice of pods to delete on a scale-down (controller_utils.go
 * ActivePodsWithRanks.Less with LogarithmicScaleDown): the order of its rules, the power-of-two
 * age buckets of ready and creation times (read back in whole seconds), and uid within a bucket.
 */
import { describe, expect, it } from 'vitest';
import { comparePodsToDelete, logarithmicRankDiff, podDeletionOrder, type PodDeletionFacts } from '../../../src/core/autoscaler/index.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';

const NOW = 100;
const pod = (over: Partial<PodDeletionFacts> = {}): PodDeletionFacts => ({
  scheduled: true,
  running: true,
  ready: true,
  rank: 1,
  readySeconds: 50,
  restarts: 0,
  createdSeconds: 40,
  uid: 0.5,
  ...over,
});

describe('logarithmicRankDiff', () => {
  it.each<[string, number, number, number, number]>([
    // [name, t1, t2, now, t1's bucket − t2's bucket]
    // 10 s = 1e10 ns: log2 33.2; 15 s: 33.8; 20 s: 34.2.
    ['10 s and 15 s old: one bucket (2^33 ns ≈ 8.6 s to 17.2 s)', 90, 85, 100, 0],
    ['10 s and 20 s old: the younger a bucket lower', 90, 80, 100, -1],
    ['20 s and 10 s old: the older a bucket higher', 80, 90, 100, 1],
    ['1 s and 1 h old: log2(1e9) 29, log2(3.6e12) 41', 99, -3500, 100, 29 - 41],
    ['a time at now counts as bucket −1', 100, 99, 100, -1 - 29],
    ['a time after now too', 101, 100, 100.5, -1 - 28],
    // Read back in whole seconds: 90.9 s is 90 s, 10 s before now.
    ['a fractional time is read as its whole second', 90.9, 85, 100, 0],
    ['90.9 s and 91.9 s at 100 s: 10 s and 9 s old, one bucket', 90.9, 91.9, 100, 0],
    // 2^33 ns = 8.589934592 s exactly: the bucket changes there (t2, after now, is bucket −1).
    ['an age of exactly 2^33 ns is bucket 33', 2, 11, 10.589934592, 33 + 1],
    ['a nanosecond less is bucket 32', 2, 11, 10.589934591, 32 + 1],
  ])('%s', (_name, t1, t2, now, want) => {
    expect(logarithmicRankDiff(t1, t2, now)).toBe(want);
  });

  it('refuses times that are not finite', () => {
    expect(() => logarithmicRankDiff(Number.NaN, 1, 2)).toThrow(InvalidArgumentError);
    expect(() => logarithmicRankDiff(1, 1, Number.POSITIVE_INFINITY)).toThrow(/nowSeconds/);
  });
});

describe('comparePodsToDelete', () => {
  it.each<[string, PodDeletionFacts, PodDeletionFacts, '<' | '>' | '=']>([
    // [name, a, b, a deleted before (<), after (>) or with no preference over (=) b]
    ['unscheduled before scheduled, whatever else', pod({ scheduled: false, running: false, ready: false, rank: 0 }), pod({ ready: false }), '<'],
    ['Pending before Running', pod({ running: false, ready: false }), pod({ ready: false }), '<'],
    ['not Ready before Ready', pod({ ready: false, readySeconds: Number.NaN }), pod(), '<'],
    ['not Ready first even with fewer pods on its node', pod({ ready: false, rank: 1 }), pod({ rank: 5 }), '<'],
    ['more of its pods on the node first (doubled up)', pod({ rank: 3 }), pod({ rank: 2 }), '<'],
    ['more pods on the node first even if ready longer', pod({ rank: 3, readySeconds: 10 }), pod({ rank: 2, readySeconds: 95 }), '<'],
    ['ready 10 s against 50 s: buckets 33 and 35, the younger first', pod({ readySeconds: 90 }), pod({ readySeconds: 50 }), '<'],
    ['ready 10 s against 15 s: one bucket, the lower uid first', pod({ readySeconds: 90, uid: 0.7 }), pod({ readySeconds: 85, uid: 0.2 }), '>'],
    ['ready 15 s against 10 s, uid the other way: one bucket, the lower uid first', pod({ readySeconds: 85, uid: 0.2 }), pod({ readySeconds: 90, uid: 0.7 }), '<'],
    ['ready in the same second: restarts decide (more first)', pod({ readySeconds: 90.2, restarts: 2 }), pod({ readySeconds: 90.7, restarts: 1 }), '<'],
    ['ready in the same second, same restarts: the newer first', pod({ readySeconds: 90.2, createdSeconds: 80 }), pod({ readySeconds: 90.7, createdSeconds: 20 }), '<'],
    ['not ready: ready times are not compared', pod({ ready: false, readySeconds: Number.NaN, restarts: 0 }), pod({ ready: false, readySeconds: Number.NaN, restarts: 3 }), '>'],
    ['created 5 s against 59 s ago: the newer first', pod({ createdSeconds: 95 }), pod({ createdSeconds: 41 }), '<'],
    ['created 40 s and 59 s ago: one bucket (2^35 ns ≈ 34 s to 69 s), the lower uid first', pod({ createdSeconds: 60, uid: 0.9 }), pod({ createdSeconds: 41, uid: 0.1 }), '>'],
    ['created in the same second: no preference', pod({ createdSeconds: 40.1, uid: 0.9 }), pod({ createdSeconds: 40.8, uid: 0.1 }), '='],
  ])('%s', (_name, a, b, want) => {
    const got = comparePodsToDelete(a, b, NOW);
    expect(want === '<' ? got < 0 : want === '>' ? got > 0 : got === 0).toBe(true);
    // The order is antisymmetric.
    expect(Math.sign(comparePodsToDelete(b, a, NOW)) + 0).toBe(-Math.sign(got) + 0);
  });

  it.each<[string, Partial<PodDeletionFacts>, RegExp]>([
    ['a negative rank', { rank: -1 }, /a\.rank/],
    ['a fractional restart count', { restarts: 1.5 }, /a\.restarts/],
    ['no creation time', { createdSeconds: Number.NaN }, /a\.createdSeconds/],
    ['a Ready pod without its ready time', { readySeconds: Number.NaN }, /a\.readySeconds/],
  ])('refuses %s', (_name, over, field) => {
    expect(() => comparePodsToDelete(pod(over), pod(), NOW)).toThrow(InvalidArgumentError);
    expect(() => comparePodsToDelete(pod(over), pod(), NOW)).toThrow(field);
  });
});

describe('podDeletionOrder', () => {
  it('orders by the rules and keeps the given order where there is no preference', () => {
    const pods = [
      pod({ createdSeconds: 40.2 }), // 0: ready 50 s, created 60 s ago
      pod({ ready: false, readySeconds: Number.NaN }), // 1: not ready
      pod({ createdSeconds: 40.7 }), // 2: as 0, the same seconds: no preference, stays after 0
      pod({ readySeconds: 98 }), // 3: ready 2 s
      pod({ scheduled: false, running: false, ready: false, rank: 0 }), // 4: unscheduled
      pod({ rank: 2 }), // 5: doubled up
    ];
    expect(podDeletionOrder(pods, NOW)).toEqual([4, 1, 5, 3, 0, 2]);
  });

  it('names the pod whose facts it refuses', () => {
    expect(() => podDeletionOrder([pod(), pod({ rank: Number.NaN })], NOW)).toThrow(/pods\[1\]\.rank/);
  });
});

describe('podDeletionOrder on rules that are not transitive', () => {
  // a before b by uid (ready in different seconds of one bucket), b before c by creation (ready
  // in the same second), c before a by uid: a cycle. The merge sort still gives one answer,
  // whatever the engine's own sort would make of it.
  const a = pod({ readySeconds: 88, uid: 0.1, createdSeconds: 20 });
  const b = pod({ readySeconds: 90.1, uid: 0.5, createdSeconds: 60 });
  const c = pod({ readySeconds: 90.6, uid: 0.05, createdSeconds: 30 });

  it('the three rules do form a cycle', () => {
    expect(comparePodsToDelete(a, b, NOW)).toBeLessThan(0);
    expect(comparePodsToDelete(b, c, NOW)).toBeLessThan(0);
    expect(comparePodsToDelete(c, a, NOW)).toBeLessThan(0);
  });

  it.each<[string, PodDeletionFacts[], number[]]>([
    // Worked by hand through the merges: [a] [b c] → b c (b before c) → merge a with (b c): a ≤ b.
    ['a b c', [a, b, c], [0, 1, 2]],
    // [c] [a b] → a b → merge c with (a b): c before a → c a b.
    ['c a b', [c, a, b], [0, 1, 2]],
    // [b] [c a] → c a → merge b with (c a): b before c → b c a.
    ['b c a', [b, c, a], [0, 1, 2]],
    // [a] [c b]: c vs b: b before c → b c; merge a with (b c): a before b → a b c.
    ['a c b', [a, c, b], [0, 2, 1]],
  ])('given %s', (_name, pods, want) => {
    expect(podDeletionOrder(pods, NOW)).toEqual(want);
  });
});
