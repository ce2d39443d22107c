import { trackerDestOrder } from '../core/autoscaler/index.js';
import type { Pod } from './pod.js';
import { SeqNodeBase, SeqTreap } from './seq-treap.js';

/**
 * The activator's view of one healthy pod: its own in-flight count there (upstream
 * podTracker). It is also a node of its throttler's {@link TrackerTree}, free while it
 * has a slot (inFlight < containerConcurrency). Its tree key (`seq`) is its destination's
 * place in the throttler's order (`IP:8012` as a string, core's trackerDestOrder); a live pod's
 * address is its own, so the key is unique in a throttler.
 */
export class Tracker extends SeqNodeBase<Tracker> {
  inFlight = 0;
  /** Dropped from the throttler (the pod left, or a re-sync replaced it). */
  removed = true;

  constructor(
    readonly pod: Pod,
    cc: number,
  ) {
    super(trackerDestOrder(pod.ip), cc > 0);
    // Declared true, then set false: written twice from the first tracker on, the field is not
    // one V8 treats as constant. Otherwise the first pod to leave (about a second into steady-1h)
    // would end its constness and deoptimise the request-path code that relied on it (onServiceDone, route).
    this.removed = false;
  }
}

/** Up to this many trackers, reads go through an array view: a steady revision's handful of pods costs what an array did. */
const SMALL = 64;

/** One throttler's pod trackers in destination order (upstream sorts them by `IP:port`), searchable for the first with a free slot. */
export class TrackerTree extends SeqTreap<Tracker> {
  /** The trackers in order while there are at most SMALL of them; undefined after a change. */
  private view: Tracker[] | undefined = undefined;

  constructor(readonly cc: number) {
    super();
  }

  /** A new tracker for `pod`, in the tree. */
  insert(pod: Pod): Tracker {
    const t = new Tracker(pod, this.cc);
    this.add(t);
    this.view = undefined;
    return t;
  }

  remove(t: Tracker): void {
    this.delete(t.seq);
    this.view = undefined;
  }

  /** `t.inFlight` changed: recount it if it crossed containerConcurrency. */
  touch(t: Tracker): void {
    const free = t.inFlight < this.cc;
    if (free !== t.isFree) this.setFree(t, free);
  }

  private small(): Tracker[] | undefined {
    if (this.view === undefined && this.size <= SMALL) this.view = this.nodes();
    return this.view;
  }

  override at(k: number): Tracker {
    const v = this.small();
    return v !== undefined ? v[k]! : super.at(k);
  }

  override firstFree(lo: number, hi: number): number {
    const v = this.small();
    if (v === undefined) return super.firstFree(lo, hi);
    const end = Math.min(hi, v.length);
    for (let p = lo; p < end; p++) {
      const t = v[p]!;
      if (t.isFree) {
        this.found = t;
        return p;
      }
    }
    return -1;
  }

  /** All trackers in destination order (a copy). */
  toArray(): Tracker[] {
    return this.nodes();
  }
}
