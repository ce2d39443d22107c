/**
 * A treap keyed by a unique number (`seq`: pods' creation order, or a tracker's destination
 * order), counting per subtree its nodes and those marked free: the sorted lists a scale-up
 * to 100k pods updates once per pod (ready pods, activator trackers) take O(log n) per
 * insert, removal, index and first-free search where a sorted array takes O(n). Nodes carry
 * their own links, so a list allocates nothing else.
 */
export interface SeqNode<N> {
  readonly seq: number;
  /** Heap priority: {@link seqPriority} of `seq`, so the same pods give the same tree. */
  readonly prio: number;
  left: N | null;
  right: N | null;
  /** Nodes in this subtree, and those of them that are free. */
  size: number;
  free: number;
  isFree: boolean;
}

/** A 32-bit integer hash (murmur3's finaliser): creation orders are consecutive, priorities must not be. */
export function seqPriority(seq: number): number {
  let h = Math.imul(seq ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The fields every node has, set for a new node with no children. */
export abstract class SeqNodeBase<N> implements SeqNode<N> {
  readonly prio: number;
  left: N | null = null;
  right: N | null = null;
  size = 1;
  free = 0;

  constructor(
    readonly seq: number,
    public isFree: boolean,
  ) {
    this.prio = seqPriority(seq);
  }
}

/** What the count helpers read of any node. */
interface AnyNode {
  left: AnyNode | null;
  right: AnyNode | null;
  size: number;
  free: number;
  isFree: boolean;
}

const sizeOf = (t: AnyNode | null): number => (t === null ? 0 : t.size);

function pull(t: AnyNode): void {
  const l = t.left;
  const r = t.right;
  t.size = 1 + (l === null ? 0 : l.size) + (r === null ? 0 : r.size);
  t.free = (t.isFree ? 1 : 0) + (l === null ? 0 : l.free) + (r === null ? 0 : r.free);
}

function merge<N extends SeqNode<N>>(a: N | null, b: N | null): N | null {
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

/** The descent's path, reused by every insert (a tree of 10⁶ pods is about 50 deep; stale entries past the depth are harmless). */
const path: AnyNode[] = [];

/**
 * Adds `t` as a leaf, counting it in every node on the way down, then rotates it up
 * while its priority beats its parent's (about two rotations on average). Returns the root.
 */
function insertAt<N extends SeqNode<N>>(root: N | null, t: N): N {
  const seq = t.seq;
  const free = t.isFree ? 1 : 0;
  let depth = 0;
  for (let n = root; n !== null; ) {
    // Each pod is in a list once, so removals and searches can go by seq alone.
    if (seq === n.seq) {
      for (let i = 0; i < depth; i++) {
        path[i]!.size--;
        path[i]!.free -= free;
      }
      throw new Error(`pod ${seq} is already in the list`);
    }
    n.size++;
    n.free += free;
    path[depth++] = n;
    n = seq < n.seq ? n.left : n.right;
  }
  if (depth === 0) return t;
  const leafParent = path[depth - 1] as N;
  if (seq < leafParent.seq) leafParent.left = t;
  else leafParent.right = t;
  while (depth > 0) {
    const p = path[depth - 1] as N;
    if (t.prio <= p.prio) break;
    // Rotate t above p, then hang t where p was.
    if (p.left === t) {
      p.left = t.right;
      t.right = p;
    } else {
      p.right = t.left;
      t.left = p;
    }
    pull(p);
    pull(t);
    depth--;
    if (depth === 0) break;
    const g = path[depth - 1] as N;
    if (g.left === p) g.left = t;
    else g.right = t;
  }
  return depth === 0 ? t : root!;
}

/** Removes the node with `seq`; `done.removed` says whether there was one. */
function removeFrom<N extends SeqNode<N>>(n: N | null, seq: number, done: { removed: N | undefined }): N | null {
  if (n === null) return null;
  if (n.seq === seq) {
    done.removed = n;
    return merge(n.left, n.right);
  }
  if (seq < n.seq) n.left = removeFrom(n.left, seq, done);
  else n.right = removeFrom(n.right, seq, done);
  if (done.removed !== undefined) pull(n);
  return n;
}

/** The sorted sequence itself; subclasses decide what a node is. */
export class SeqTreap<N extends SeqNode<N>> {
  protected root: N | null = null;
  /** The node {@link firstFree} found. */
  found: N | undefined = undefined;

  get size(): number {
    return sizeOf(this.root);
  }

  /** Adds `t` (not in a tree) at its place. */
  add(t: N): void {
    t.left = null;
    t.right = null;
    pull(t);
    this.root = insertAt(this.root, t);
  }

  /** Takes the node with `seq` out and returns it (undefined if there is none). */
  delete(seq: number): N | undefined {
    const done: { removed: N | undefined } = { removed: undefined };
    this.root = removeFrom(this.root, seq, done);
    const t = done.removed;
    if (t !== undefined) {
      t.left = null;
      t.right = null;
    }
    return t;
  }

  /** The node at `k` (0-based) in creation order. */
  at(k: number): N {
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
    throw new RangeError(`no node at ${k}`);
  }

  /** The position of the first free node in `[lo, hi)` (it goes to `found`), or −1. */
  firstFree(lo: number, hi: number): number {
    if (lo >= hi) return -1;
    return this.search(this.root, lo, hi, 0);
  }

  private search(n: N | null, lo: number, hi: number, base: number): number {
    // Subtrees without a free node or outside the range end the search at once, so it walks O(depth) nodes.
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

  /** Marks `t` (in the tree) free or not. */
  protected setFree(t: N, free: boolean): void {
    if (free === t.isFree) return;
    t.isFree = free;
    const d = free ? 1 : -1;
    const seq = t.seq;
    for (let n = this.root; n !== null; n = seq < n.seq ? n.left : n.right) {
      n.free += d;
      if (n === t) return;
    }
  }

  /** Every node in creation order. */
  nodes(): N[] {
    const out: N[] = [];
    const stack: N[] = [];
    let n = this.root;
    while (n !== null || stack.length > 0) {
      while (n !== null) {
        stack.push(n);
        n = n.left;
      }
      const top = stack.pop()!;
      out.push(top);
      n = top.right;
    }
    return out;
  }
}
