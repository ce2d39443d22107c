import { describe, expect, it } from 'vitest';
import { compareTrackerDests, trackerDest } from '../../src/core/autoscaler/activators.js';
import { formatIPv4 } from '../../src/core/capacity/pod-ips.js';
import type { Pod } from '../../src/model/pod.js';
import { PodList } from '../../src/model/pod-list.js';
import { TrackerTree, type Tracker } from '../../src/model/tracker-tree.js';

/** A small deterministic generator for the operation mix. */
function lcg(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

/** Pod `seq` at 10.244.0.0 + seq, so that string order (…0.10 before …0.9) and creation order differ. */
const pod = (seq: number): Pod => ({ seq, ip: 0x0af40000 + seq }) as Pod;
const dest = (t: Tracker): string => trackerDest(formatIPv4(t.pod.ip));

/** The reference: first free position in [lo, hi) of a plain sorted array. */
function naiveFirstFree(list: readonly Tracker[], cc: number, lo: number, hi: number): number {
  for (let p = Math.max(0, lo); p < Math.min(hi, list.length); p++) if (list[p]!.inFlight < cc) return p;
  return -1;
}

describe('TrackerTree keeps trackers in IP:8012 string order with free-slot counts', () => {
  it.each([
    // [containerConcurrency, operations, seed]
    [1, 3000, 1],
    [3, 3000, 2],
    [10, 2000, 3],
    [0, 1000, 4],
  ])('CC %i: %i random inserts, removals and in-flight changes match a sorted array', (cc, ops, seed) => {
    const rnd = lcg(seed);
    const tree = new TrackerTree(cc);
    let ref: Tracker[] = [];
    let nextSeq = 1;
    for (let i = 0; i < ops; i++) {
      const op = rnd(10);
      if (op < 4 || ref.length === 0) {
        // Pods pass their probes out of creation order: insert a little behind the newest.
        const seq = nextSeq + rnd(5);
        nextSeq = Math.max(nextSeq, seq) + 1;
        const t = tree.insert(pod(seq));
        ref.push(t);
        ref.sort((a, b) => compareTrackerDests(dest(a), dest(b)));
      } else if (op < 5) {
        const t = ref[rnd(ref.length)]!;
        tree.remove(t);
        ref = ref.filter((x) => x !== t);
      } else {
        const t = ref[rnd(ref.length)]!;
        t.inFlight = Math.max(0, t.inFlight + (rnd(2) === 0 ? 1 : -1));
        tree.touch(t);
      }
      expect(tree.size).toBe(ref.length);
      if (i % 50 === 0) {
        expect(tree.toArray()).toEqual(ref);
        ref.forEach((t, k) => expect(tree.at(k)).toBe(t));
      }
      const lo = rnd(ref.length + 1);
      const hi = lo + rnd(ref.length + 2 - lo);
      const want = naiveFirstFree(ref, cc, lo, hi);
      expect(tree.firstFree(lo, hi)).toBe(want);
      if (want >= 0) expect(tree.found).toBe(ref[want]);
    }
    expect(ref.length).toBeGreaterThan(cc === 0 ? 200 : 500);
  });

  it('finds the first free tracker of a range: positions 0–5 with in-flight 1,1,0,1,0,0 at CC 1', () => {
    const tree = new TrackerTree(1);
    const ts = [1, 2, 3, 4, 5, 6].map((s) => tree.insert(pod(s)));
    [1, 1, 0, 1, 0, 0].forEach((n, i) => {
      ts[i]!.inFlight = n;
      tree.touch(ts[i]!);
    });
    expect([tree.firstFree(0, 6), tree.firstFree(3, 6), tree.firstFree(0, 2), tree.firstFree(5, 6), tree.firstFree(4, 4)]).toEqual([2, 4, -1, 5, -1]);
  });
});

describe('PodList', () => {
  it('keeps pods in creation order through out-of-order inserts and removals, and refuses a pod twice', () => {
    const list = new PodList();
    for (const seq of [5, 2, 9, 1, 7]) list.insert(pod(seq));
    list.remove(pod(9));
    list.remove(pod(4)); // not in: nothing changes
    expect(list.toArray().map((p) => p.seq)).toEqual([1, 2, 5, 7]);
    expect([list.length, list.at(2).seq]).toEqual([4, 5]);
    expect(() => list.insert(pod(7))).toThrow(/already in the list/);
    list.insert(pod(3));
    // Read through the tree (the array view is stale after an insert), then through the view.
    expect(Array.from({ length: list.length }, (_, i) => list.at(i).seq)).toEqual([1, 2, 3, 5, 7]);
    expect(list.toArray().map((p) => p.seq)).toEqual([1, 2, 3, 5, 7]);
  });
});
