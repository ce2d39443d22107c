import type { Pod } from './pod.js';

/**
 * The activator's view of one healthy pod: its own in-flight count there (upstream
 * podTracker). It is also a node of its throttler's {@link TrackerTree}.
 */
export class Tracker {
  inFlight = 0;
  /** Dropped from the throttler (the pod left, or a re-sync replaced it). */
  removed = false;
  /** Has a free slot (inFlight < containerConcurrency), as the tree last counted it. */
  isFree: boolean;
  // Tree links and this subtree's counts.
  left: Tracker | null = null;
  right: Tracker | null = null;
  size = 1;
  free: number;
  /** Heap priority: a hash of the pod's creation order, so the same pods give the same tree. */
  readonly prio: number;

  constructor(
    readonly pod: Pod,
    cc: number,
  ) {
    this.isFree = cc > 0;
    this.free = this.isFree ? 1 : 0;
    this.prio = mix(pod.seq);
  }
}

/** A 32-bit integer hash (murmur3's finaliser): pods' creation orders are consecutive, their priorities must not be. */
function mix(seq: number): number {
  let h = Math.imul(seq ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const sizeOf = (t: Tracker | null): number => (t === null ? 0 : t.size);
const freeOf = (t: Tracker | null): number => (t === null ? 0 : t.free);

function pull(t: Tracker): void {
  t.size = 1 + sizeOf(t.left) + sizeOf(t.right);
  t.free = (t.isFree ? 1 : 0) + freeOf(t.left) + freeOf(t.right);
}

function merge(a: Tracker | null, b: Tracker | null): Tracker | null {
  if (a === null) return b;
  if (b === null) return a;
  if (a.prio >= b.prio) {
    a.right = merge(a.right, b);
    pull(a);
    return a;
  }
  b.left = merge(a, b.left);
  pull(b);
  return b;
}

/**
 * One throttler's pod trackers sorted by the pods' creation order, as a treap counting
 * trackers and free ones per subtree. A scale-up to 100k pods adds, removes, indexes and
 * finds the first free tracker in a range in O(log n), where a sorted array needs O(n)
 * per pod (copies, and scans past busy pods with containerConcurrency 1).
 */
export class TrackerTree {
  private root: Tracker | null = null;
  /** The tracker {@link firstFree} found. */
  found: Tracker | undefined = undefined;

  constructor(readonly cc: number) {}

  get size(): number {
    return sizeOf(this.root);
  }

  /** A new tracker for `pod` (not yet in the tree). */
  insert(pod: Pod): Tracker {
    const t = new Tracker(pod, this.cc);
    this.root = insertAt(this.root, t);
    return t;
  }

  remove(t: Tracker): void {
    this.root = removeFrom(this.root, t);
    t.left = null;
    t.right = null;
  }

  /** The tracker at `k` (0-based) in creation order. */
  at(k: number): Tracker {
    let n = this.root;
    while (n !== null) {
      const ls = sizeOf(n.left);
      if (k < ls) n = n.left;
      else if (k === ls) return n;
      else {
        k -= ls + 1;
        n = n.right;
      }
    }
    throw new RangeError(`no tracker at ${k}`);
  }

  /** The position of the first tracker with a free slot in `[lo, hi)` (it goes to `found`), or −1. */
  firstFree(lo: number, hi: number): number {
    if (lo >= hi) return -1;
    return this.search(this.root, lo, hi, 0);
  }

  private search(n: Tracker | null, lo: number, hi: number, base: number): number {
    // Subtrees without a free tracker or outside the range end the search at once, so it walks O(depth) nodes.
    if (n === null || n.free === 0 || base >= hi || base + n.size <= lo) return -1;
    const p = base + sizeOf(n.left);
    const l = this.search(n.left, lo, hi, base);
    if (l >= 0) return l;
    if (n.isFree && p >= lo && p < hi) {
      this.found = n;
      return p;
    }
    return this.search(n.right, lo, hi, p + 1);
  }

  /** `t.inFlight` changed: recount it if it crossed containerConcurrency. */
  touch(t: Tracker): void {
    const free = t.inFlight < this.cc;
    if (free === t.isFree) return;
    t.isFree = free;
    const d = free ? 1 : -1;
    const seq = t.pod.seq;
    for (let n = this.root; n !== null; n = seq < n.pod.seq ? n.left : n.right) {
      n.free += d;
      if (n === t) return;
    }
  }

  /** All trackers in creation order (a copy). */
  toArray(): Tracker[] {
    const out: Tracker[] = [];
    const walk = (n: Tracker | null): void => {
      if (n === null) return;
      walk(n.left);
      out.push(n);
      walk(n.right);
    };
    walk(this.root);
    return out;
  }
}

function insertAt(n: Tracker | null, t: Tracker): Tracker {
  if (n === null) return t;
  if (t.pod.seq < n.pod.seq) {
    const l = insertAt(n.left, t);
    n.left = l;
    if (l.prio > n.prio) {
      // Rotate right: l becomes this subtree's root.
      n.left = l.right;
      pull(n);
      l.right = n;
      pull(l);
      return l;
    }
  } else {
    const r = insertAt(n.right, t);
    n.right = r;
    if (r.prio > n.prio) {
      n.right = r.left;
      pull(n);
      r.left = n;
      pull(r);
      return r;
    }
  }
  pull(n);
  return n;
}

function removeFrom(n: Tracker | null, t: Tracker): Tracker | null {
  if (n === null) return null;
  if (n === t) return merge(t.left, t.right);
  if (t.pod.seq < n.pod.seq) n.left = removeFrom(n.left, t);
  else n.right = removeFrom(n.right, t);
  pull(n);
  return n;
}
