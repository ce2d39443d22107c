import {
  buildSplit,
  ingressSplits,
  latestReadyRevisionName,
  makeRouteTraffic,
  nextRoutingState,
  pickIndex,
  reconcileRollout,
  resolveTraffic,
  revisionPercents,
  routedRevisions,
  type RevisionInfo,
  type ReadyStatus,
  type Rollout,
  type RoutingState,
  type Split,
  type TrafficTarget,
} from '../core/traffic/index.js';
import { Revision } from './revision.js';
import { RouteQueue } from './route-queue.js';
import type { AutoscalingChange, RevisionSpec, ServiceSpec } from './spec.js';
import type { World } from './world.js';

/** Assumption: the ingress takes this long to program a new split and report Ready. */
export const INGRESS_READY_SECONDS = 1;

/** One group's ingress split, with the revisions it picks among. */
interface GroupRoute {
  split: Split;
  revisions: Revision[];
}

/**
 * A Knative Service: its revisions over time, and its Route. The Route is reconciled
 * (traffic flattened against ready revisions, gradual rollout stepped) by core/traffic;
 * each request then picks a revision of its group independently, with probability
 * percent / 100, as Envoy-based ingresses do with weighted clusters.
 */
export class ServiceModel {
  readonly revisions: Revision[] = [];
  private readonly byName = new Map<string, Revision>();
  private traffic: readonly TrafficTarget[] = [];
  /** The Route's effective rollout duration now (its annotation, else config-network's). */
  private rolloutDurationSeconds: number;
  private rollout: Rollout | undefined;
  private latestReady = '';
  private defaultRoute: GroupRoute | undefined;
  private readonly tagRoutes = new Map<string, GroupRoute>();
  /**
   * When the ingress reports the last split change Ready. Kept as the very number the
   * ready event is scheduled at: recomputing it as a difference of times is off by an ulp
   * for some start times (64.3123 − 63.3123 < 1), and the rollout then never got its plan.
   */
  private ingressReadyAt = Number.NEGATIVE_INFINITY;
  /** Each revision's Ready status as the Route last heard of it (absent: Unknown). */
  private readonly readyStatus = new Map<string, ReadyStatus>();
  /** Each revision's routing state, as the labeler last set it (absent: `pending`). */
  private readonly routingState = new Map<string, RoutingState>();
  /** The revisions the Route's status.traffic names; a reconcile that fails on a target leaves it alone. */
  private statusRevisions: ReadonlySet<string> | undefined;
  /** The last reconcile resolved every target (else AllTrafficAssigned is not True). */
  private trafficAssigned = false;
  /** The last reconcile failed on a target permanently: the Route's Ready is False. */
  private routeFailed = false;
  /** Some configuration is mid-rollout: the Route holds IngressReady at Unknown. */
  private rolloutInProgress = false;
  /** The Service was deleted: it has no Route any more. */
  private deleted = false;
  /** The Route's reconciles after a delay: rollout steps and the ingress turning Ready. */
  private readonly routeQueue: RouteQueue;

  constructor(
    readonly world: World,
    readonly spec: ServiceSpec,
  ) {
    this.routeQueue = new RouteQueue(world.sim, (now) => this.reconcileRoute(now));
    this.rolloutDurationSeconds = spec.rolloutDurationSeconds;
    // Scheduled first: an update that also changes the template gives the Route its annotations as it creates the revision.
    for (const c of spec.rolloutDurationChanges ?? []) world.sim.at(c.atSeconds, this.setRolloutDuration, c.seconds);
    for (const r of spec.revisions) world.sim.at(r.createdAtSeconds, this.createRevision, r);
    for (const t of spec.traffic) world.sim.at(t.atSeconds, this.setTraffic, t.traffic);
    for (const c of spec.autoscalingChanges ?? []) world.sim.at(c.atSeconds, this.changeAutoscaling, c);
    if (spec.deletedAtSeconds !== undefined) world.sim.at(spec.deletedAtSeconds, this.deleteService, undefined);
  }

  /** A revision's settings changed in place (patched annotations, config-autoscaler). */
  private changeAutoscaling = (c: AutoscalingChange): void => {
    this.byName.get(c.revision)?.autoscaler.update(c.autoscaling, this.world.sim.now, c.config === true);
  };

  /**
   * `kubectl delete ksvc` (background propagation): the API server removes the Service at once
   * and the garbage collector deletes what it owns in cascade: the Route (requests get 404 from
   * now on) and the Configuration, whose Revisions go with their PAs and Deployments. Each
   * revision's autoscaler stops and its pods all go Terminating and drain (Revision.delete).
   */
  private deleteService = (): void => {
    const now = this.world.sim.now;
    this.deleted = true;
    this.traffic = [];
    this.rollout = undefined;
    this.defaultRoute = undefined;
    this.tagRoutes.clear();
    this.world.recorder.traffic(this.spec.name, now, new Map());
    let terminatedPods = 0;
    for (const r of this.revisions) terminatedPods += r.delete(now);
    this.deletion = { atSeconds: now, revisions: this.revisions.map((r) => r.spec.name), terminatedPods };
  };

  /** What the deletion found: when, the revisions it deleted, and the pods it sent Terminating (undefined: not deleted). */
  deletion: { atSeconds: number; revisions: string[]; terminatedPods: number } | undefined;

  /** When the deleted Service's last pod was gone (undefined: not yet, or not deleted). */
  get podsGoneAt(): number | undefined {
    if (this.deletion === undefined) return undefined;
    let last = this.deletion.atSeconds;
    for (const r of this.revisions) {
      if (r.existingPodCount > 0) return undefined;
      if (r.lastPodGoneAt > last) last = r.lastPodGoneAt;
    }
    return last;
  }

  private createRevision = (spec: RevisionSpec): void => {
    const now = this.world.sim.now;
    const rev = new Revision(this.world, this, spec, now);
    this.revisions.push(rev);
    this.byName.set(spec.name, rev);
    this.onRevisionStatus(rev, now);
    this.reconcileRoute(now);
    this.world.revisionCreated(rev, now);
  };

  /** The Service's annotations changed the rollout duration: the Route is updated and reconciled. */
  private setRolloutDuration = (seconds: number): void => {
    if (seconds === this.rolloutDurationSeconds) return;
    this.rolloutDurationSeconds = seconds;
    this.reconcileRoute(this.world.sim.now);
  };

  private setTraffic = (traffic: readonly TrafficTarget[]): void => {
    this.traffic = traffic;
    this.reconcileRoute(this.world.sim.now);
  };

  /**
   * The revision's PA status changed: it may have initialized its scale target, which makes
   * the revision Ready; the Route reconciles at once.
   */
  onRevisionStatus(rev: Revision, now: number): void {
    // Constructors call in before the revision is registered; the creator reconciles then.
    if (this.noteReady(rev) && this.byName.has(rev.spec.name)) this.reconcileRoute(now);
  }

  /**
   * A condition of the revision turned False or stopped being False. The Route tracks the
   * revisions its traffic names, so their status change reconciles it, after the step that
   * made it (an informer event): a routed revision not Ready holds the Route as it is, and
   * its turning Ready again lets the held traffic change through.
   */
  onRevisionReadyChanged(rev: Revision, now: number): void {
    if (this.noteReady(rev) && this.byName.has(rev.spec.name)) this.routeQueue.addAt(now);
  }

  /** Records the revision's Ready status; whether it changed. */
  private noteReady(rev: Revision): boolean {
    const status = rev.readyStatus;
    if ((this.readyStatus.get(rev.spec.name) ?? 'Unknown') === status) return false;
    this.readyStatus.set(rev.spec.name, status);
    return true;
  }

  private reconcileRoute(now: number): void {
    if (this.deleted) return;
    const infos: RevisionInfo[] = this.revisions.map((r) => ({
      name: r.spec.name,
      configurationName: this.spec.name,
      generation: r.spec.generation,
      ready: this.readyStatus.get(r.spec.name) === 'True',
      failed: this.readyStatus.get(r.spec.name) === 'False',
      serviceName: this.spec.name,
    }));
    this.latestReady = latestReadyRevisionName(infos, this.spec.name, this.latestReady);
    const res = resolveTraffic(makeRouteTraffic(this.spec.name, this.traffic), {
      revisions: infos,
      configurations: [{ name: this.spec.name, latestReadyRevisionName: this.latestReady || undefined }],
    }, { serviceName: this.spec.name });
    // Until every target is Ready (again), a Route keeps serving what it had (or nothing yet), and its
    // status.traffic: a traffic change or a rollout step waits, and a failed target fails the Route.
    if (!res.ok) {
      this.trafficAssigned = false;
      this.routeFailed = res.error.isFailure;
      this.syncRoutingState(now);
      return;
    }
    this.trafficAssigned = true;
    this.routeFailed = false;
    const ro = reconcileRollout({
      traffic: res.config,
      previous: this.rollout,
      nowSeconds: now,
      durationSeconds: this.rolloutDurationSeconds,
      ingressBecameReady: now >= this.ingressReadyAt,
    });
    this.rollout = ro.rollout;
    if (ro.nextStepTime !== undefined) this.routeQueue.addAfter(ro.nextStepTime);
    const groups = ingressSplits(res.config, ro.rollout);
    const routed = new Set(res.config.revisionTargets.map((t) => t.revisionName));
    for (const g of groups) for (const sp of g.splits) routed.add(sp.revisionName);
    this.statusRevisions = routed;
    this.rolloutInProgress = ro.inProgress;
    let changed = false;
    // A tag the traffic no longer names loses its host: its requests get 404 from now on.
    for (const tag of [...this.tagRoutes.keys()]) {
      if (groups.some((g) => g.tag === tag)) continue;
      this.tagRoutes.delete(tag);
      changed = true;
    }
    for (const g of groups) {
      const route = this.groupRoute(g.splits);
      if (g.tag === '') {
        changed = changed || !sameRoute(this.defaultRoute, route);
        this.defaultRoute = route;
        this.world.recorder.traffic(this.spec.name, now, revisionPercents(g.splits));
      } else {
        changed = changed || !sameRoute(this.tagRoutes.get(g.tag), route);
        this.tagRoutes.set(g.tag, route);
      }
    }
    if (changed) {
      this.ingressReadyAt = now + INGRESS_READY_SECONDS;
      // A rollout waits for the ingress to report the new split Ready.
      if (ro.inProgress) this.routeQueue.addAt(this.ingressReadyAt);
    }
    // The Route turns Ready when the ingress reports the split Ready; the labeler then
    // clears what it left. (Otherwise that reconcile changes nothing, so knsim skips it.)
    const kept = this.syncRoutingState(now);
    if (kept && !ro.inProgress && now < this.ingressReadyAt) this.routeQueue.addAt(this.ingressReadyAt);
  }

  /**
   * The labeler (core/traffic): revisions the Route's spec or status traffic names are
   * `active`, and their PAs Reachable. It takes the others out of `active` (to `reserve`,
   * PA Unreachable) only once the Route is Ready or has failed: not while a target is not
   * ready, a rollout is in progress, or the ingress has yet to report the new split Ready.
   * @returns whether a revision the Route no longer names was kept `active` for now.
   */
  private syncRoutingState(now: number): boolean {
    const routeReady = this.trafficAssigned && !this.rolloutInProgress && now >= this.ingressReadyAt;
    const clear = routeReady || this.routeFailed;
    const routed = routedRevisions({
      traffic: this.traffic,
      statusRevisions: this.statusRevisions,
      revisions: this.revisions.map((r) => ({ name: r.spec.name, generation: r.spec.generation })),
    });
    let kept = false;
    for (const r of this.revisions) {
      const name = r.spec.name;
      // Read and set one revision at a time: a changed reachability may reconcile the Route again.
      const isRouted = routed.has(name);
      const state = nextRoutingState(isRouted, this.routingState.get(name) ?? 'pending', clear);
      if (!isRouted && state === 'active') kept = true;
      this.routingState.set(name, state);
      r.setRoutingState(state, now);
    }
    return kept;
  }

  private groupRoute(splits: ReadonlyArray<{ revisionName: string; percent: number }>): GroupRoute {
    const live = splits.filter((s) => s.percent > 0 && this.byName.has(s.revisionName));
    return {
      split: buildSplit(live),
      revisions: live.map((s) => this.byName.get(s.revisionName)!),
    };
  }

  /** The revision a request goes to: its tag's route, or a weighted pick (by the request's uniform u) in the default group. */
  route(tag: string | undefined, u: number): Revision | undefined {
    const r = tag === undefined ? this.defaultRoute : this.tagRoutes.get(tag);
    if (r === undefined || r.revisions.length === 0) return undefined;
    if (r.revisions.length === 1) return r.revisions[0];
    return r.revisions[pickIndex(r.split, u)];
  }
}

function sameRoute(a: GroupRoute | undefined, b: GroupRoute): boolean {
  if (a === undefined || a.revisions.length !== b.revisions.length) return false;
  for (let i = 0; i < a.revisions.length; i++) if (a.revisions[i] !== b.revisions[i]) return false;
  return JSON.stringify(a.split) === JSON.stringify(b.split);
}
