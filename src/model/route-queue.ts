import type { Simulation } from '../engine/simulation.js';

/**
 * A Route's key in the route controller's workqueue (client-go's delaying queue under
 * knative.dev/pkg's controller), for the reconciles that come after their cause: the
 * requeue for the next rollout step (`EnqueueAfter`) and the ingress reporting a split
 * Ready (an informer event, due when knsim's ingress is ready). As upstream, a key is
 * queued once until it is processed, so adds due at one instant make one reconcile; and a
 * key has at most one delayed add waiting, the earliest: a later `EnqueueAfter` is dropped,
 * an earlier one takes the waiting one's place.
 */
export class RouteQueue {
  /** The delayed add waiting (∞: none). */
  private waitingAt = Number.POSITIVE_INFINITY;
  /** Instants an informer add is due at. */
  private readonly addsAt = new Set<number>();
  /** Instants with an event of this queue in the event list. */
  private readonly eventsAt = new Set<number>();

  constructor(
    private readonly sim: Simulation,
    private readonly reconcile: (now: number) => void,
  ) {}

  /** `EnqueueAfter` to the absolute time `at`: dropped if a delayed add is waiting for `at` or earlier. */
  addAfter(at: number): void {
    if (at >= this.waitingAt) return;
    this.waitingAt = at;
    this.schedule(at);
  }

  /** An informer event for the Route arriving at `at`. */
  addAt(at: number): void {
    this.addsAt.add(at);
    this.schedule(at);
  }

  private schedule(at: number): void {
    if (this.eventsAt.has(at)) return;
    this.eventsAt.add(at);
    this.sim.at(at, RouteQueue.fire, this);
  }

  private static fire(this: void, self: RouteQueue): void {
    const now = self.sim.now;
    self.eventsAt.delete(now);
    let due = self.addsAt.delete(now);
    if (now === self.waitingAt) {
      self.waitingAt = Number.POSITIVE_INFINITY;
      due = true;
    }
    // Else a delayed add an earlier one replaced: it left its event behind, and nothing is due.
    if (due) self.reconcile(now);
  }
}
