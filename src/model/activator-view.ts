/**
 * Each activator's own view of a revision's pods, when its process started after the revision's
 * (a crashed activator's restarted container, a rollout's or the activator HPA's new pod).
 *
 * Upstream each activator process keeps its own revision watchers (revision_backends.go
 * getOrCreateRevisionWatcher): a new process has none, makes one as its Endpoints informer first
 * lists the revision, probes every address in that first round, ticks from its own start, and
 * its throttler hears only of the pods its own rounds found. The activators up when the revision
 * was created made their watchers then, with identical rounds, and share the revision's watcher
 * (Revision's); only one started later needs its own, here.
 */
import type { Activator, RevisionThrottler } from './activator.js';
import type { ActivatorFinds } from './activator-finds.js';
import type { Pod } from './pod.js';
import { RevisionWatcher, type WatcherHost } from './revision-watcher.js';
import type { Simulation } from '../engine/simulation.js';

/** One later activator's watcher of the revision and the pods it found. */
class ActivatorView {
  /** Pods its probes found and its throttler may send to. */
  readonly healthy = new Set<Pod>();
  /** Pods its probes found that it may not use yet (no probe optimisation: Kubernetes' Ready comes first). */
  readonly probed = new Set<Pod>();

  constructor(
    readonly activator: Activator,
    readonly watcher: RevisionWatcher,
  ) {}
}

export interface ViewsHost {
  readonly sim: Simulation;
  readonly watcherHost: WatcherHost;
  readonly probePeriod: number;
  readonly aggressive: boolean;
  /** The probe alone makes a pod usable; otherwise a find counts once Kubernetes marks the pod Ready. */
  readonly probeOptimisation: boolean;
  /** The revision's watcher, shared by the activators up at its creation. */
  readonly shared: RevisionWatcher;
  /** The revision's pods that exist. */
  pods(): Iterable<Pod>;
  /** The activators take a Kubernetes-Ready pod without probing it (mesh-compatibility-mode other than auto). */
  readonly trustsReady: boolean;
  /** The revision's pods some running process found: each view's finds count there. */
  readonly finds: ActivatorFinds;
  /** `a`'s throttler of the revision, if it has one that hears of pod changes. */
  throttlerOf(a: Activator): RevisionThrottler | undefined;
}

/** Whether a find still holds when its round ends (the pod's readiness not voided meanwhile). */
export type FindValid = () => boolean;

export class ActivatorViews {
  private readonly views = new Map<Activator, ActivatorView>();
  /** Each pod's last readiness to be found, for a watcher that starts meanwhile. */
  private readonly valid = new Map<Pod, FindValid>();

  constructor(private readonly host: ViewsHost) {}

  /** Whether `a` has a view of its own (else it shares the revision's watcher). */
  has(a: Activator): boolean {
    return this.views.has(a);
  }

  /** The pods `a` found, when it has a view of its own. */
  healthyOf(a: Activator): Pod[] | undefined {
    const v = this.views.get(a);
    return v === undefined ? undefined : [...v.healthy];
  }

  /**
   * `a`'s process starts now: a watcher of its own, ticking from now, takes the Endpoints as they
   * are and probes every address in one round at once. It trusts nothing another activator found:
   * each pod comes with what the pod itself is (when its address appears, its queue-proxy listens,
   * its user container passes: Pod.passesFrom), found by the others or not. A Ready address the
   * activators take without probing (`trustsReady`) is taken by that round whatever its check says.
   */
  start(a: Activator, now: number): void {
    this.stop(a);
    const h = this.host;
    const v = new ActivatorView(a, new RevisionWatcher(h.watcherHost, now, h.probePeriod, h.aggressive));
    this.views.set(a, v);
    for (const pod of h.pods()) {
      if (!pod.isOk) continue;
      // Still to be found by the others: its address may appear later, its queue-proxy be known ahead.
      const t = h.shared.targetOf(pod);
      // No address yet (not scheduled): not in the Endpoints; every watcher watches it as it appears (watch).
      if (t === undefined && pod.ip < 0) continue;
      const ready = pod.k8sReady && h.trustsReady ? Number.NEGATIVE_INFINITY : pod.passesFrom;
      // Found by the others and passing: their probes' check has ended, this probe starts a new one.
      if (t === undefined && ready <= now) pod.probeCheckFrom = Number.NaN;
      const valid = Number.isNaN(ready) ? undefined : (this.valid.get(pod) ?? (() => pod.isOk));
      v.watcher.adopt(pod, t?.since ?? now, ready, valid === undefined ? undefined : this.finder(v, pod, valid), t?.queueProxyUp ?? pod.queueProxyUpAt);
    }
    v.watcher.endpointsChanged();
  }

  /** `a`'s process is gone (crashed, or exited): its watchers go with it. */
  stop(a: Activator): void {
    const v = this.views.get(a);
    if (v === undefined) return;
    v.watcher.stop();
    this.views.delete(a);
    for (const pod of v.healthy) this.host.finds.remove(pod);
  }

  watch(pod: Pod, since: number, ready: number, valid: FindValid | undefined, queueProxyUp = Number.NaN): void {
    if (valid === undefined) this.valid.delete(pod);
    else this.valid.set(pod, valid);
    for (const v of this.views.values()) {
      v.probed.delete(pod);
      v.watcher.watch(pod, since, ready, valid === undefined ? undefined : this.finder(v, pod, valid), queueProxyUp);
    }
  }

  passes(pod: Pod, now: number, valid: FindValid): void {
    this.valid.set(pod, valid);
    for (const v of this.views.values()) v.watcher.passes(pod, now, this.finder(v, pod, valid));
  }

  fails(pod: Pod): void {
    for (const v of this.views.values()) v.watcher.fails(pod);
  }

  queueProxyUp(pod: Pod): void {
    for (const v of this.views.values()) v.watcher.queueProxyUp(pod);
  }

  endpointsChanged(): void {
    for (const v of this.views.values()) v.watcher.endpointsChanged();
  }

  /** The pod left the ready addresses (`wasReady`) or stopped passing: as Revision.markNotReady does for the shared view. */
  notReady(pod: Pod, wasReady: boolean, now: number): void {
    for (const v of this.views.values()) {
      if (wasReady && v.healthy.delete(pod)) this.lost(v, pod, now);
      if (!v.healthy.has(pod)) {
        v.probed.delete(pod);
        v.watcher.watch(pod, now, Number.NaN, undefined);
      } else if (wasReady) v.watcher.endpointsChanged();
    }
  }

  /**
   * Kubernetes marks the pod Ready: each watcher probes at once. A pod a view's probe found
   * already is usable now; so is one the activators take without probing (`trusted`: outside
   * `auto` mesh mode, or without the probe optimisation once its app answers), as that round
   * finds it at once.
   */
  ready(pod: Pod, trusted: boolean, now: number): void {
    for (const v of this.views.values()) {
      v.watcher.endpointsChanged();
      if (!v.healthy.has(pod) && (trusted || v.probed.has(pod))) this.healthy(v, pod, now);
    }
  }

  /** The pod is terminating: its address leaves the Endpoints. */
  terminated(pod: Pod, now: number): void {
    this.valid.delete(pod);
    for (const v of this.views.values()) {
      v.watcher.forget(pod);
      v.watcher.endpointsChanged();
      v.probed.delete(pod);
      if (v.healthy.delete(pod)) this.lost(v, pod, now);
    }
  }

  private finder(v: ActivatorView, pod: Pod, valid: FindValid): () => void {
    return () => {
      if (!valid() || this.views.get(v.activator) !== v || v.healthy.has(pod)) return;
      // As Revision.probeFound: without the probe optimisation a find counts once the pod is Ready.
      if (this.host.probeOptimisation || pod.k8sReady) this.healthy(v, pod, this.host.sim.now);
      else v.probed.add(pod);
    };
  }

  private healthy(v: ActivatorView, pod: Pod, now: number): void {
    v.probed.delete(pod);
    v.healthy.add(pod);
    v.watcher.forget(pod);
    this.host.finds.add(pod, now);
    this.host.throttlerOf(v.activator)?.podHealthy(pod, now);
  }

  /** `pod` left `v`'s healthy pods. */
  private lost(v: ActivatorView, pod: Pod, now: number): void {
    this.host.finds.remove(pod);
    this.host.throttlerOf(v.activator)?.podUnhealthy(pod, now);
  }
}
