import type { Pod } from './pod.js';
import { SeqNodeBase, SeqTreap } from './seq-treap.js';

class PodNode extends SeqNodeBase<PodNode> {
  constructor(readonly pod: Pod) {
    super(pod.seq, false);
  }
}

/**
 * A revision's pods in creation order (ready pods, activator-healthy pods), each at most
 * once: O(log n) inserts and removals as pods come and go one at a time, and an array
 * view kept until the next change, so steady state reads as fast as an array.
 */
export class PodList {
  private readonly tree = new SeqTreap<PodNode>();
  private snapshot: Pod[] | undefined = [];

  get length(): number {
    return this.tree.size;
  }

  /** The pod at `i` (0 ≤ i < length). */
  at(i: number): Pod {
    const s = this.snapshot;
    return s !== undefined ? s[i]! : this.tree.at(i).pod;
  }

  insert(pod: Pod): void {
    this.tree.add(new PodNode(pod));
    this.snapshot = undefined;
  }

  /** Takes `pod` out if it is in. */
  remove(pod: Pod): void {
    if (this.tree.delete(pod.seq) !== undefined) this.snapshot = undefined;
  }

  /** The pods in order; the same array until the list changes (do not modify it). */
  toArray(): readonly Pod[] {
    let s = this.snapshot;
    if (s === undefined) {
      s = this.tree.nodes().map((n) => n.pod);
      this.snapshot = s;
    }
    return s;
  }
}
