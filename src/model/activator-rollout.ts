/**
 * Activator pods replaced while a run goes on: a rolling restart of the activator Deployment
 * (`kubectl rollout restart deployment/activator -n knative-serving`, as a Knative upgrade does;
 * the Deployment controller's RollingUpdate with its default fenceposts, core's rollingUpdateStep),
 * a deleted activator pod and its ReplicaSet's replacement, and the graceful exit of every
 * activator pod deleted, by those or by the activator HPA (knative/serving cmd/activator/main.go).
 */
import { ACTIVATOR_DRAIN_SECONDS, ACTIVATOR_GRACE_SECONDS, activatorProcessLeadSeconds } from '../core/autoscaler/index.js';
import { defaultRollingUpdateFenceposts, rollingUpdateStep, type RollingUpdateFenceposts } from '../core/capacity/index.js';
import { Activator } from './activator.js';
import { STATUS_OVERLOADED } from './request.js';
import type { World } from './world.js';

/** What summary.json reports of one rollout. */
export interface ActivatorRolloutRecord {
  fromSeconds: number;
  /** When the Deployment's last old pod was deleted, every new one Ready (null: not within the run). */
  completeSeconds: number | null;
  /** When the last deleted activator exited, having answered what it held or been killed (null: not within the run). */
  drainedSeconds: number | null;
  /** Requests an old activator still held when its grace period ended: they failed with 503. */
  failedRequests: number;
}

/**
 * An activator from its pod's deletion until it exits (a rollout's old pods, and those the
 * activator HPA scales away). Out of the activator endpoints at once, it ignores endpoint
 * updates (throttler.go: it is no longer in them) and keeps its place and its pods, sends on
 * what it holds as they free up, and pushes their stats. `onExit` gets the time and how many
 * requests were still held when the grace period ended (they failed with 503).
 */
export class ActivatorDrain {
  private exiting = false;
  private readonly drainUntil: number;
  /** When its terminationGracePeriodSeconds end (the kill is scheduled only if it outlives its drain sleep). */
  private readonly killAt: number;

  constructor(
    readonly activator: Activator,
    now: number,
    private readonly onExit: (now: number, failedRequests: number) => void,
  ) {
    this.drainUntil = now + ACTIVATOR_DRAIN_SECONDS;
    this.killAt = now + ACTIVATOR_GRACE_SECONDS;
    activator.world.sim.at(this.drainUntil, this.check, this);
  }

  /**
   * One of its requests ended, or (WebSocket sessions) was taken by its app: past the drain sleep,
   * it exits once it holds nothing but open sessions, which its server's Shutdown does not wait for.
   */
  requestDone(now: number): void {
    // An event, not a call: this runs inside the throttler's bookkeeping of that request.
    if (!this.exiting && now >= this.drainUntil && this.onlySessionsLeft()) {
      this.exiting = true;
      this.activator.world.sim.at(now, this.exit, this);
    }
  }

  private onlySessionsLeft(): boolean {
    const holding = this.activator.holding;
    return holding === 0 || holding === this.activator.openSessions().length;
  }

  private check(this: void, d: ActivatorDrain): void {
    if (!d.exiting && d.onlySessionsLeft()) {
      d.exiting = true;
      d.exit(d);
      return;
    }
    // Still busy: the kubelet's grace timer may yet fire (an exit at 45 s, the usual case, leaves no event behind).
    if (!d.exiting) d.activator.world.sim.at(d.killAt, d.kill, d);
  }

  /** terminationGracePeriodSeconds are up: the kubelet kills it, and what it held fails as on a crash. */
  private kill(this: void, d: ActivatorDrain): void {
    if (d.activator.down) return;
    const now = d.activator.world.sim.now;
    const held = d.activator.crash();
    for (const req of held) d.activator.world.finish(req, STATUS_OVERLOADED, now);
    d.onExit(now, held.length);
  }

  private exit(this: void, d: ActivatorDrain): void {
    if (d.activator.down) return;
    // The process exits: the upgraded connections it proxied close with it.
    const world = d.activator.world;
    for (const req of d.activator.openSessions()) world.closeSession(req, world.sim.now);
    d.activator.crash();
    d.onExit(d.activator.world.sim.now, 0);
  }
}

/**
 * A new activator pod's process starts a little before the pod is Ready (activatorProcessLeadSeconds:
 * within its readiness probe's 5 s period, or the kubelet's 1 s relist for a pod Ready sooner, the
 * phase drawn from a stream of its own, so no other draw moves): its revision watchers start then,
 * probing the pods while it is not in the endpoints yet.
 */
export function startActivatorProcess(world: World, a: Activator, createdAt: number, readyAt: number): void {
  a.processStartedAt = Number.POSITIVE_INFINITY;
  const u = world.sim.random.stream(`activator/${a.index}/readiness`).next();
  const at = readyAt - activatorProcessLeadSeconds(readyAt - createdAt, u);
  world.sim.at(at, (act: Activator) => {
    // A pod deleted before its process started (the HPA scaling down) runs no watcher.
    if (act.drain === undefined) world.activatorProcessStarted(act, at);
  }, a);
}

/**
 * A new activator pod, created now and Ready at `readyAt`: it then joins the activator endpoints,
 * and `onReady` is called. Its process starts before (startActivatorProcess). It pushes stats every
 * second from its own phase once it runs, as the first ones do.
 */
export function startActivator(world: World, readyAt: number, onReady: (now: number) => void): Activator {
  const index = world.activators.length;
  const a = new Activator(world, index, `activator-${index}`);
  world.activators.push(a);
  a.readySince = readyAt;
  startActivatorProcess(world, a, world.sim.now, readyAt);
  world.sim.at(readyAt, (act: Activator) => {
    world.setServingActivators([...world.servingActivators, act].sort((x, y) => x.index - y.index), readyAt);
    onReady(readyAt);
  }, a);
  world.sim.every(readyAt + world.sim.random.stream(`activator/${index}/phase`).uniform(0, 1), 1, (act: Activator) => act.pushStats(world.sim.now), a);
  return a;
}

/** An activator's pod is deleted: it leaves the endpoints at once and drains until it exits. */
export function drainActivator(a: Activator, now: number, onExit: (now: number, failedRequests: number) => void): void {
  a.drain = new ActivatorDrain(a, now, onExit);
  a.world.setServingActivators(
    a.world.servingActivators.filter((x) => x !== a),
    now,
  );
}

/** What summary.json reports of one deleted activator. */
export interface ActivatorDeletionRecord {
  activator: string;
  /** Its ReplicaSet's new pod. */
  replacement: string;
  fromSeconds: number;
  /** When the replacement joined the activator endpoints (null: not within the run). */
  replacementReadySeconds: number | null;
  /** When the deleted activator exited (null: not within the run). */
  drainedSeconds: number | null;
  /** Requests it still held when its grace period ended: they failed with 503. */
  failedRequests: number;
}

/**
 * `kubectl delete pod` of one activator: it drains like a rollout's old pod, and its ReplicaSet
 * creates a replacement at once (a deleted pod no longer counts), Ready `startupSeconds` later.
 * Meanwhile the endpoints hold one activator fewer: with none left, a revision in Proxy mode
 * is served straight from its ready pods, and one without any has no endpoint.
 */
export class ActivatorDeletion {
  readonly record: ActivatorDeletionRecord;

  constructor(
    private readonly world: World,
    atSeconds: number,
    private readonly activator: number,
    private readonly startupSeconds: number,
  ) {
    this.record = { activator: `activator-${activator}`, replacement: '', fromSeconds: atSeconds, replacementReadySeconds: null, drainedSeconds: null, failedRequests: 0 };
    world.sim.at(atSeconds, this.begin, this);
  }

  private begin(this: void, self: ActivatorDeletion): void {
    const w = self.world;
    const now = w.sim.now;
    drainActivator(w.activators[self.activator]!, now, (t, failed) => {
      self.record.drainedSeconds = t;
      self.record.failedRequests = failed;
    });
    const replacement = startActivator(w, now + self.startupSeconds, (t) => {
      self.record.replacementReadySeconds = t;
    });
    self.record.replacement = replacement.name;
  }
}

/** One rollout, from its `at` until the last old activator has exited. */
export class ActivatorRollout {
  readonly record: ActivatorRolloutRecord;
  private old: Activator[] = [];
  private newReplicas = 0;
  private newAvailable = 0;
  /** Old activators deleted and not yet exited. */
  private draining = 0;
  private readonly replicas: number;
  private readonly fenceposts: RollingUpdateFenceposts;

  constructor(
    private readonly world: World,
    atSeconds: number,
    private readonly startupSeconds: number,
  ) {
    this.record = { fromSeconds: atSeconds, completeSeconds: null, drainedSeconds: null, failedRequests: 0 };
    this.replicas = world.spec.cluster.activatorReplicas;
    this.fenceposts = defaultRollingUpdateFenceposts(this.replicas);
    world.sim.at(atSeconds, this.begin, this);
  }

  private begin(this: void, self: ActivatorRollout): void {
    // The old ReplicaSet's pods, in the order its scale-down deletes them (controller.ActivePodsWithRanks):
    // a container restarted after a crash is Ready for less time and has more restarts, so it goes first;
    // among equals, the newest pod.
    self.old = self.world.activators
      .filter((a) => a.drain === undefined && !a.down)
      .sort((x, y) => y.readySince - x.readySince || y.index - x.index);
    self.sync(self.world.sim.now);
  }

  /** The Deployment controller's syncs until nothing changes. */
  private sync(now: number): void {
    for (;;) {
      const step = rollingUpdateStep({ replicas: this.replicas, oldReplicas: this.old.length, newReplicas: this.newReplicas, newAvailable: this.newAvailable }, this.fenceposts);
      if (step.scaleUpNew === 0 && step.scaleDownOld === 0) break;
      for (let i = 0; i < step.scaleUpNew; i++) this.create(now);
      for (let i = 0; i < step.scaleDownOld; i++) this.delete(this.old.shift()!, now);
    }
    if (this.old.length === 0 && this.newAvailable === this.replicas && this.record.completeSeconds === null) this.record.completeSeconds = now;
  }

  private create(now: number): void {
    this.newReplicas++;
    startActivator(this.world, now + this.startupSeconds, this.ready);
  }

  /** A new activator is Ready (and in the endpoints): the controller syncs again. */
  private readonly ready = (now: number): void => {
    this.newAvailable++;
    this.sync(now);
  };

  /** An old activator's pod is deleted: it leaves the endpoints at once and drains. */
  private delete(a: Activator, now: number): void {
    this.draining++;
    drainActivator(a, now, this.exited);
  }

  /** An old activator exited. */
  private readonly exited = (now: number, failedRequests: number): void => {
    this.record.failedRequests += failedRequests;
    this.draining--;
    if (this.draining === 0 && this.old.length === 0) this.record.drainedSeconds = now;
  };
}
