/**
 * The Deployment controller's RollingUpdate strategy (kubernetes pkg/controller/deployment
 * rolling.go, util/deployment_util.go), as pure arithmetic on replica counts: how far the new
 * ReplicaSet may grow and the old ones shrink at one sync. Pods only count through their
 * ReplicaSets' spec.replicas, so a terminating pod no longer counts against maxSurge.
 */
import { InvalidArgumentError, requireInteger } from '../errors.js';

/** maxSurge and maxUnavailable as pod counts. */
export interface RollingUpdateFenceposts {
  maxSurge: number;
  maxUnavailable: number;
}

/**
 * The default strategy's fenceposts for `replicas` (25 % each): maxSurge rounds up and
 * maxUnavailable down; both 0 would stall a rollout, so maxUnavailable is then 1
 * (ResolveFenceposts).
 */
export function defaultRollingUpdateFenceposts(replicas: number): RollingUpdateFenceposts {
  requireInteger('replicas', replicas, 0);
  const maxSurge = Math.ceil(replicas / 4);
  let maxUnavailable = Math.floor(replicas / 4);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/** The ReplicaSets' state at a sync: the old ones' pods are all available. */
export interface RollingUpdateState {
  /** The Deployment's spec.replicas. */
  replicas: number;
  /** The old ReplicaSets' spec.replicas, summed. */
  oldReplicas: number;
  /** The new ReplicaSet's spec.replicas, and how many of its pods are available (minReadySeconds 0: Ready). */
  newReplicas: number;
  newAvailable: number;
}

/** One sync's changes: new pods to create, old pods to delete. */
export interface RollingUpdateStep {
  scaleUpNew: number;
  scaleDownOld: number;
}

/**
 * One sync of a rollout: the new ReplicaSet grows up to replicas + maxSurge pods in all
 * (NewRSNewReplicas), then the old ones shrink as far as keeping replicas − maxUnavailable
 * available allows, counting the new ReplicaSet's unavailable pods against it
 * (reconcileOldReplicaSets). The controller syncs again on every change, so a caller applies
 * the step and asks again until it is empty.
 */
export function rollingUpdateStep(s: RollingUpdateState, f: RollingUpdateFenceposts): RollingUpdateStep {
  requireInteger('replicas', s.replicas, 0);
  requireInteger('oldReplicas', s.oldReplicas, 0);
  requireInteger('newReplicas', s.newReplicas, 0);
  requireInteger('newAvailable', s.newAvailable, 0);
  requireInteger('maxSurge', f.maxSurge, 0);
  requireInteger('maxUnavailable', f.maxUnavailable, 0);
  if (s.newAvailable > s.newReplicas) throw new InvalidArgumentError('newAvailable', `must be ≤ newReplicas (${s.newReplicas}), got ${s.newAvailable}`);
  const total = s.oldReplicas + s.newReplicas;
  const scaleUpNew = Math.max(0, Math.min(s.replicas + f.maxSurge - total, s.replicas - s.newReplicas));
  const grown = total + scaleUpNew;
  const minAvailable = s.replicas - f.maxUnavailable;
  const newUnavailable = s.newReplicas + scaleUpNew - s.newAvailable;
  const scaleDownOld = Math.max(0, Math.min(s.oldReplicas, grown - minAvailable - newUnavailable));
  return { scaleUpNew, scaleDownOld };
}

/**
 * The waves of a rollout whose new pods each become available `startupSeconds` after they
 * are created and whose old pods are all available: the times (seconds from its start) at
 * which each sync creates or deletes pods, with its changes, until the new ReplicaSet holds
 * every replica and no old pod is left.
 */
export function rollingUpdatePlan(replicas: number, startupSeconds: number, f = defaultRollingUpdateFenceposts(replicas)): Array<{ atSeconds: number } & RollingUpdateStep> {
  requireInteger('replicas', replicas, 0);
  if (!(startupSeconds >= 0) || !Number.isFinite(startupSeconds)) throw new InvalidArgumentError('startupSeconds', `must be a finite number ≥ 0, got ${startupSeconds}`);
  const out: Array<{ atSeconds: number } & RollingUpdateStep> = [];
  let oldReplicas = replicas;
  let newReplicas = 0;
  // Creation times of the new pods not yet available.
  const starting: number[] = [];
  let newAvailable = 0;
  let t = 0;
  for (;;) {
    while (starting.length > 0 && starting[0]! + startupSeconds <= t) {
      starting.shift();
      newAvailable++;
    }
    let up = 0;
    let down = 0;
    for (;;) {
      const step = rollingUpdateStep({ replicas, oldReplicas, newReplicas, newAvailable }, f);
      if (step.scaleUpNew === 0 && step.scaleDownOld === 0) break;
      for (let i = 0; i < step.scaleUpNew; i++) starting.push(t);
      newReplicas += step.scaleUpNew;
      oldReplicas -= step.scaleDownOld;
      up += step.scaleUpNew;
      down += step.scaleDownOld;
    }
    if (up > 0 || down > 0) out.push({ atSeconds: t, scaleUpNew: up, scaleDownOld: down });
    if (oldReplicas === 0 && newReplicas === replicas && starting.length === 0) return out;
    if (starting.length === 0) throw new InvalidArgumentError('fenceposts', `maxSurge ${f.maxSurge} and maxUnavailable ${f.maxUnavailable} stall the rollout`);
    t = starting[0]! + startupSeconds;
  }
}
