import type { Pod } from './pod.js';
import { SeqTreap, seqPriority, type SeqNode } from './seq-treap.js';

/**
 * The activator's view of one healthy pod: its own in-flight count there (upstream
 * podTracker). It is also a node of its throttler's {@link TrackerTree}, free while it
 * has a slot (inFlight < containerConcurrency).
 */
export class Tracker implements SeqNode<Tracker> {
  inFlight = 0;
  /** Dropped from the throttler (the pod left, or a re-sync replaced it). */
  removed = false;
  readonly seq: number;
  readonly prio: number;
  left: Tracker | null = null;
  right: Tracker | null = null;
  size = 1;
  free = 0;
  isFree: boolean;

  constructor(
    readonly pod: Pod,
    cc: number,
  ) {
    this.seq = pod.seq;
    this.prio = seqPriority(pod.seq);
    this.isFree = cc > 0;
  }
}

/** One throttler's pod trackers in creation order, searchable for the first with a free slot. */
export class TrackerTree extends SeqTreap<Tracker> {
  constructor(readonly cc: number) {
    super();
  }

  /** A new tracker for `pod`, in the tree. */
  insert(pod: Pod): Tracker {
    const t = new Tracker(pod, this.cc);
    this.add(t);
    return t;
  }

  remove(t: Tracker): void {
    this.delete(t.seq);
  }

  /** `t.inFlight` changed: recount it if it crossed containerConcurrency. */
  touch(t: Tracker): void {
    this.setFree(t, t.inFlight < this.cc);
  }

  /** All trackers in creation order (a copy). */
  toArray(): Tracker[] {
    return this.nodes();
  }
}
