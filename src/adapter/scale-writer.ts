/**
 * Applying a replica count to a revision's Deployment through its scale subresource,
 * safely: only as leader, never outside [min, max], read-before-write so a write whose
 * answer was lost is not repeated, a merge patch carrying the resourceVersion read so a
 * concurrent change gives 409 (re-read and retry, a few times), and exponential backoff
 * per Deployment after API errors. With `dryRun` it only logs what it would send.
 */
import type { Backoff } from './backoff.js';
import type { Clock } from './clock.js';
import { callOptions, describeError, isConflict, type KubeClients } from './kube.js';
import type { Logger } from './log.js';

/** How many times a write is re-read and retried after 409 before backing off. */
export const CONFLICT_RETRIES = 3;

/** The Deployment's scale as read. */
export interface ScaleRead {
  replicas: number;
  resourceVersion: string | undefined;
}

export type WriteOutcome =
  | 'written'
  /** The Deployment already had the target (e.g. an earlier write whose answer was lost). */
  | 'unchanged'
  | 'dry-run'
  | 'not-leader'
  | 'backoff'
  | 'conflict'
  | 'failed';

export interface ScaleTarget {
  namespace: string;
  deployment: string;
  /** Revision name, for logs. */
  revision: string;
}

export interface ScaleWriterOptions {
  kube: KubeClients;
  clock: Clock;
  logger: Logger;
  dryRun: boolean;
  /** Whether this replica may write now (leader election); always true without one. */
  mayWrite: () => boolean;
  /** A fresh backoff for one Deployment. */
  newBackoff: () => Backoff;
}

export class ScaleWriter {
  private readonly backoffs = new Map<string, Backoff>();

  constructor(private readonly o: ScaleWriterOptions) {}

  private backoff(t: ScaleTarget): Backoff {
    const key = `${t.namespace}/${t.deployment}`;
    let b = this.backoffs.get(key);
    if (!b) {
      b = this.o.newBackoff();
      this.backoffs.set(key, b);
    }
    return b;
  }

  /** Whether calls for this Deployment are currently backing off. */
  backingOff(t: ScaleTarget): boolean {
    return !this.backoff(t).ready(this.o.clock.now());
  }

  /** Reads spec.replicas (unset counts as 1, as upstream). Errors back off and return undefined. */
  async read(t: ScaleTarget): Promise<ScaleRead | undefined> {
    const b = this.backoff(t);
    if (!b.ready(this.o.clock.now())) return undefined;
    try {
      const s = await this.o.kube.apps.readNamespacedDeploymentScale({ name: t.deployment, namespace: t.namespace }, callOptions(this.o.kube));
      return { replicas: s.spec?.replicas ?? 1, resourceVersion: s.metadata?.resourceVersion };
    } catch (e) {
      const delay = b.fail(this.o.clock.now());
      this.o.logger.warn('read scale failed; backing off', { ...t, reason: describeError(e), retryInSeconds: round(delay) });
      return undefined;
    }
  }

  /**
   * Sets the Deployment's replicas to `target` clamped into [min, max] (max 0 = none).
   * `expected` is the scale read just before deciding, if any.
   */
  async write(t: ScaleTarget, target: number, bounds: { min: number; max: number }, expected?: ScaleRead): Promise<WriteOutcome> {
    const { clock, logger } = this.o;
    let replicas = Math.max(target, bounds.min);
    if (bounds.max > 0) replicas = Math.min(replicas, bounds.max);
    if (replicas !== target) logger.warn('decision clamped to scale bounds', { ...t, decided: target, replicas, min: bounds.min, max: bounds.max });
    if (this.o.dryRun) {
      logger.info('dry-run: would PATCH deployment scale', {
        ...t,
        replicas,
        path: `/apis/apps/v1/namespaces/${t.namespace}/deployments/${t.deployment}/scale`,
        contentType: 'application/merge-patch+json',
      });
      return 'dry-run';
    }
    const b = this.backoff(t);
    if (!b.ready(clock.now())) return 'backoff';
    let current = expected;
    for (let attempt = 0; attempt <= CONFLICT_RETRIES; attempt++) {
      if (current === undefined) {
        current = await this.read(t);
        if (current === undefined) return 'failed';
      }
      if (current.replicas === replicas) {
        b.succeed();
        return 'unchanged';
      }
      // Leadership is checked right before every write, after any await.
      if (!this.o.mayWrite()) {
        logger.info('not leader: not writing', { ...t, replicas });
        return 'not-leader';
      }
      const body = {
        metadata: current.resourceVersion !== undefined ? { resourceVersion: current.resourceVersion } : {},
        spec: { replicas },
      };
      try {
        await this.o.kube.apps.patchNamespacedDeploymentScale(
          { name: t.deployment, namespace: t.namespace, body },
          callOptions(this.o.kube, 'merge'),
        );
        b.succeed();
        logger.info('scaled deployment', { ...t, from: current.replicas, to: replicas });
        return 'written';
      } catch (e) {
        if (isConflict(e) && attempt < CONFLICT_RETRIES) {
          logger.info('scale changed concurrently (409); re-reading', { ...t, attempt: attempt + 1 });
          current = undefined;
          continue;
        }
        const delay = b.fail(clock.now());
        logger.warn(isConflict(e) ? 'scale write kept conflicting; backing off' : 'scale write failed; backing off', {
          ...t,
          replicas,
          reason: describeError(e),
          retryInSeconds: round(delay),
        });
        return isConflict(e) ? 'conflict' : 'failed';
      }
    }
    return 'conflict';
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
