/**
 * Applying a replica count to a revision's Deployment through its scale subresource,
 * safely: only as leader, never outside [min, max], read-before-write so a write whose
 * answer was lost is not repeated, a merge patch carrying the resourceVersion read so a
 * concurrent change gives 409 (re-read and retry, a few times), and exponential backoff
 * per Deployment after API errors. With `dryRun` it only logs what it would send.
 */
import { callOptions } from './kube.js';
import { CONFLICT_RETRIES, ObjectBackoffs, type WriterOptions } from './writer.js';

export { CONFLICT_RETRIES };

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

export type ScaleWriterOptions = WriterOptions;

const deploymentKey = (t: ScaleTarget): string => `${t.namespace}/${t.deployment}`;

export class ScaleWriter {
  private readonly backoffs: ObjectBackoffs;

  constructor(private readonly o: ScaleWriterOptions) {
    this.backoffs = new ObjectBackoffs(o);
  }

  /** Whether calls for this Deployment are currently backing off. */
  backingOff(t: ScaleTarget): boolean {
    return this.backoffs.backingOff(deploymentKey(t));
  }

  /** Reads spec.replicas (unset counts as 1, as upstream). Errors back off and return undefined. */
  async read(t: ScaleTarget): Promise<ScaleRead | undefined> {
    if (this.backingOff(t)) return undefined;
    try {
      const s = await this.o.kube.apps.readNamespacedDeploymentScale({ name: t.deployment, namespace: t.namespace }, callOptions(this.o.kube));
      return { replicas: s.spec?.replicas ?? 1, resourceVersion: s.metadata?.resourceVersion };
    } catch (e) {
      this.backoffs.failed(deploymentKey(t), 'read scale', e, { ...t });
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
    const b = this.backoffs.of(deploymentKey(t));
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
        const next = this.backoffs.afterWriteError(deploymentKey(t), e, attempt, 'scale changed concurrently', 'scale write', { ...t, replicas });
        if (next !== 'retry') return next;
        current = undefined;
      }
    }
    return 'conflict';
  }
}
