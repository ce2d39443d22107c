/**
 * A rolling restart of the activator Deployment (`kubectl rollout restart deployment/activator
 * -n knative-serving`, as a Knative upgrade does): the Deployment controller's RollingUpdate
 * with its default fenceposts (core's rollingUpdateStep), and the graceful exit of every old
 * activator pod it deletes (knative/serving cmd/activator/main.go).
 */
import { ACTIVATOR_DRAIN_SECONDS, ACTIVATOR_GRACE_SECONDS } from '../core/autoscaler/index.js';
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

  constructor(
    readonly activator: Activator,
    now: number,
    private readonly onExit: (now: number, failedRequests: number) => void,
  ) {
    this.drainUntil = now + ACTIVATOR_DRAIN_SECONDS;
    const sim = activator.world.sim;
    sim.at(this.drainUntil, this.check, this);
    sim.at(now + ACTIVATOR_GRACE_SECONDS, this.kill, this);
  }

  /** One of its requests ended: past the drain sleep, the last one lets it exit. */
  requestDone(now: number): void {
    // An event, not a call: this runs inside the throttler's bookkeeping of that request.
    if (!this.exiting && now >= this.drainUntil && this.activator.holding === 0) {
      this.exiting = true;
      this.activator.world.sim.at(now, this.exit, this);
    }
  }

  private check(this: void, d: ActivatorDrain): void {
    if (!d.exiting && d.activator.holding === 0) {
      d.exiting = true;
      d.exit(d);
    }
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
    d.activator.crash();
    d.onExit(d.activator.world.sim.now, 0);
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
    const w = this.world;
    const index = w.activators.length;
    const a = new Activator(w, index, `activator-${index}`);
    w.activators.push(a);
    this.newReplicas++;
    const readyAt = now + this.startupSeconds;
    a.readySince = readyAt;
    w.sim.at(readyAt, this.ready, a);
    // It pushes stats every second from its own phase once it runs, as the first activators do.
    w.sim.every(readyAt + w.sim.random.stream(`activator/${index}/phase`).uniform(0, 1), 1, (act: Activator) => act.pushStats(w.sim.now), a);
  }

  /** A new activator is Ready: it joins the endpoints, and the controller syncs again. */
  private readonly ready = (a: Activator): void => {
    const now = this.world.sim.now;
    this.world.setServingActivators([...this.world.servingActivators, a].sort((x, y) => x.index - y.index), now);
    this.newAvailable++;
    this.sync(now);
  };

  /** An old activator's pod is deleted: it leaves the endpoints at once and drains. */
  private delete(a: Activator, now: number): void {
    this.draining++;
    a.drain = new ActivatorDrain(a, now, this.exited);
    this.world.setServingActivators(
      this.world.servingActivators.filter((x) => x !== a),
      now,
    );
  }

  /** An old activator exited. */
  private readonly exited = (now: number, failedRequests: number): void => {
    this.record.failedRequests += failedRequests;
    this.draining--;
    if (this.draining === 0 && this.old.length === 0) this.record.drainedSeconds = now;
  };
}
