/**
 * The writes that make knsim the reconciler of its PodAutoscaler class, as Knative's HPA
 * and KPA reconcilers are for theirs: the revision's ServerlessService (created once with
 * POST, its spec kept to knsim's decision with a resourceVersion-guarded merge patch) and
 * the PodAutoscaler's status (merge patch of the status subresource). As for scale writes:
 * only while leading (checked right before each write), never with `dryRun` (which logs
 * what would be sent, once per distinct write), a 409 re-reads and retries a few times,
 * other errors back off exponentially per PodAutoscaler. An SKS that exists is never
 * created again: a create that meets 409 reads the existing one and goes on from there.
 */
import type { SksMode } from '../core/autoscaler/index.js';
import type { Backoff } from './backoff.js';
import type { Clock } from './clock.js';
import { AUTOSCALING_INTERNAL_GROUP, AUTOSCALING_INTERNAL_VERSION, callOptions, describeError, isConflict, type KubeClients } from './kube.js';
import type { Logger } from './log.js';
import { sameStatus, statusBody } from './podautoscaler-status.js';
import { getPodAutoscaler, parsePodAutoscaler, type PodAutoscalerObject, type PodAutoscalerStatus } from './revisions.js';
import { CONFLICT_RETRIES } from './scale-writer.js';
import {
  controlledBy,
  createServerlessService,
  desiredSksSpec,
  getServerlessService,
  makeServerlessService,
  patchServerlessServiceSpec,
  specMatches,
  type ServerlessServiceObject,
} from './sks.js';

export type ClassWriteOutcome =
  | 'created'
  | 'patched'
  | 'unchanged'
  | 'dry-run'
  | 'not-leader'
  /** The SKS exists but another object controls it. */
  | 'not-owned'
  | 'backoff'
  | 'conflict'
  | 'failed';

/** Outcomes after which the SKS and status are as wanted (or, with dry-run, would be). */
export const classWriteDone = (o: ClassWriteOutcome): boolean => o === 'created' || o === 'patched' || o === 'unchanged' || o === 'dry-run';

export interface ClassReconcilerOptions {
  kube: KubeClients;
  clock: Clock;
  logger: Logger;
  dryRun: boolean;
  /** Whether this replica may write now (leader election). */
  mayWrite: () => boolean;
  /** A fresh backoff for one PodAutoscaler. */
  newBackoff: () => Backoff;
}

export interface SksResult {
  outcome: ClassWriteOutcome;
  /** The SKS as last seen (null: known not to exist; undefined: unknown). */
  sks: ServerlessServiceObject | null | undefined;
}

export interface StatusResult {
  outcome: ClassWriteOutcome;
  /** The PodAutoscaler as last seen (after the write, if one was made). */
  pa: PodAutoscalerObject | undefined;
}

const paKey = (pa: { namespace: string; name: string }): string => `${pa.namespace}/${pa.name}`;

export class ClassReconciler {
  private readonly backoffs = new Map<string, Backoff>();
  /** Dry-run: the last write logged per object, so an unchanged decision is logged once. */
  private readonly dryRunLogged = new Map<string, string>();

  constructor(private readonly o: ClassReconcilerOptions) {}

  private backoff(pa: { namespace: string; name: string }): Backoff {
    const k = paKey(pa);
    let b = this.backoffs.get(k);
    if (!b) {
      b = this.o.newBackoff();
      this.backoffs.set(k, b);
    }
    return b;
  }

  backingOff(pa: { namespace: string; name: string }): boolean {
    return !this.backoff(pa).ready(this.o.clock.now());
  }

  private failed(pa: { namespace: string; name: string }, what: string, e: unknown): void {
    const delay = this.backoff(pa).fail(this.o.clock.now());
    this.o.logger.warn(`${what} failed; backing off`, { revision: paKey(pa), reason: describeError(e), retryInSeconds: Math.round(delay * 1000) / 1000 });
  }

  /** Logs a write dry-run would make, unless the same write (transition times aside) was logged last. */
  private logDryRun(key: string, msg: string, fields: Record<string, string | number | undefined>, body: unknown): void {
    const s = JSON.stringify(body);
    const same = s.replace(/"lastTransitionTime":"[^"]*"/g, '');
    if (this.dryRunLogged.get(key) === same) return;
    this.dryRunLogged.set(key, same);
    this.o.logger.info(msg, { ...fields, body: s });
  }

  /** Reads the PA's SKS (null if none); undefined after an error (which backs off). */
  async readSks(pa: PodAutoscalerObject): Promise<ServerlessServiceObject | null | undefined> {
    try {
      return await getServerlessService(this.o.kube, pa.namespace, pa.name);
    } catch (e) {
      this.failed(pa, 'read serverlessservice', e);
      return undefined;
    }
  }

  /** Reports an SKS that another object controls, and backs off. */
  notOwned(pa: PodAutoscalerObject): void {
    const delay = this.backoff(pa).fail(this.o.clock.now());
    this.o.logger.error('serverlessservice is not controlled by its podautoscaler; leaving it alone', {
      revision: paKey(pa),
      retryInSeconds: Math.round(delay * 1000) / 1000,
    });
  }

  /**
   * Makes the PA's SKS exist with spec mode `mode` and `numActivators`. `known` is the SKS
   * as last seen (null: not seen; undefined: read it first). With `keepSpec` an existing
   * SKS is left as it is (only a missing one is created).
   */
  async ensureSks(
    pa: PodAutoscalerObject,
    known: ServerlessServiceObject | null | undefined,
    mode: SksMode,
    numActivators: number,
    opts: { keepSpec?: boolean } = {},
  ): Promise<SksResult> {
    const { logger } = this.o;
    const b = this.backoff(pa);
    if (!b.ready(this.o.clock.now())) return { outcome: 'backoff', sks: known };
    const spec = desiredSksSpec(pa, mode, numActivators);
    const where = `/apis/networking.internal.knative.dev/v1alpha1/namespaces/${pa.namespace}/serverlessservices`;
    let cur = known;
    for (let attempt = 0; attempt <= CONFLICT_RETRIES; attempt++) {
      if (cur === undefined) {
        cur = await this.readSks(pa);
        if (cur === undefined) return { outcome: 'failed', sks: undefined };
      }
      if (cur === null) {
        const body = makeServerlessService(pa, spec);
        if (this.o.dryRun) {
          this.logDryRun(`sks/${paKey(pa)}`, 'dry-run: would POST serverlessservice', { revision: paKey(pa), path: where, mode, numActivators }, body);
          return { outcome: 'dry-run', sks: null };
        }
        if (!this.o.mayWrite()) return { outcome: 'not-leader', sks: null };
        try {
          const created = await createServerlessService(this.o.kube, pa.namespace, body);
          b.succeed();
          logger.info('created serverlessservice', { revision: paKey(pa), mode, numActivators });
          return { outcome: 'created', sks: created };
        } catch (e) {
          if (isConflict(e) && attempt < CONFLICT_RETRIES) {
            logger.info('serverlessservice already exists (409); re-reading', { revision: paKey(pa) });
            cur = undefined;
            continue;
          }
          this.failed(pa, 'create serverlessservice', e);
          return { outcome: isConflict(e) ? 'conflict' : 'failed', sks: undefined };
        }
      }
      if (!controlledBy(cur, pa)) {
        this.notOwned(pa);
        return { outcome: 'not-owned', sks: cur };
      }
      if (opts.keepSpec === true || specMatches(cur, spec)) {
        b.succeed();
        return { outcome: 'unchanged', sks: cur };
      }
      if (this.o.dryRun) {
        this.logDryRun(`sks/${paKey(pa)}`, 'dry-run: would PATCH serverlessservice', { revision: paKey(pa), path: `${where}/${pa.name}`, mode, numActivators }, { spec });
        return { outcome: 'dry-run', sks: cur };
      }
      if (!this.o.mayWrite()) return { outcome: 'not-leader', sks: cur };
      try {
        const patched = await patchServerlessServiceSpec(this.o.kube, cur, spec);
        b.succeed();
        logger.info('updated serverlessservice', { revision: paKey(pa), mode, numActivators, from: cur.spec.mode });
        return { outcome: 'patched', sks: patched ?? undefined };
      } catch (e) {
        if (isConflict(e) && attempt < CONFLICT_RETRIES) {
          logger.info('serverlessservice changed concurrently (409); re-reading', { revision: paKey(pa), attempt: attempt + 1 });
          cur = undefined;
          continue;
        }
        this.failed(pa, 'update serverlessservice', e);
        return { outcome: isConflict(e) ? 'conflict' : 'failed', sks: undefined };
      }
    }
    return { outcome: 'conflict', sks: undefined };
  }

  /**
   * Brings the PA's status to `build(pa)` (computed against the PA as read, so transition
   * times carry over), writing only if it differs. `known` is the PA as last seen.
   */
  async writeStatus(known: PodAutoscalerObject, build: (pa: PodAutoscalerObject) => PodAutoscalerStatus): Promise<StatusResult> {
    const { logger } = this.o;
    const b = this.backoff(known);
    if (!b.ready(this.o.clock.now())) return { outcome: 'backoff', pa: known };
    let cur: PodAutoscalerObject | undefined = known;
    for (let attempt = 0; attempt <= CONFLICT_RETRIES; attempt++) {
      if (cur === undefined) {
        try {
          cur = await getPodAutoscaler(this.o.kube, known.namespace, known.name);
        } catch (e) {
          this.failed(known, 'read podautoscaler', e);
          return { outcome: 'failed', pa: undefined };
        }
        if (cur === undefined) {
          logger.info('podautoscaler gone; status not written', { revision: paKey(known) });
          return { outcome: 'failed', pa: undefined };
        }
      }
      const want = build(cur);
      if (sameStatus(cur.status, want)) {
        b.succeed();
        return { outcome: 'unchanged', pa: cur };
      }
      const status = statusBody(want);
      const path = `/apis/autoscaling.internal.knative.dev/v1alpha1/namespaces/${cur.namespace}/podautoscalers/${cur.name}/status`;
      if (this.o.dryRun) {
        this.logDryRun(`status/${paKey(cur)}`, 'dry-run: would PATCH podautoscaler status', { revision: paKey(cur), path, contentType: 'application/merge-patch+json' }, { status });
        return { outcome: 'dry-run', pa: cur };
      }
      if (!this.o.mayWrite()) return { outcome: 'not-leader', pa: cur };
      const body = { metadata: cur.resourceVersion !== undefined ? { resourceVersion: cur.resourceVersion } : {}, status };
      try {
        const obj: unknown = await this.o.kube.custom.patchNamespacedCustomObjectStatus(
          { group: AUTOSCALING_INTERNAL_GROUP, version: AUTOSCALING_INTERNAL_VERSION, namespace: cur.namespace, plural: 'podautoscalers', name: cur.name, body },
          callOptions(this.o.kube, 'merge'),
        );
        b.succeed();
        const ready = want.conditions.find((c) => c.type === 'Ready');
        logger.info('updated podautoscaler status', {
          revision: paKey(cur),
          ready: ready ? `${ready.status}${ready.reason !== '' ? ` (${ready.reason})` : ''}` : undefined,
          desiredScale: want.desiredScale,
          actualScale: want.actualScale,
        });
        return { outcome: 'patched', pa: parsePodAutoscaler(obj, cur.namespace) };
      } catch (e) {
        if (isConflict(e) && attempt < CONFLICT_RETRIES) {
          logger.info('podautoscaler changed concurrently (409); re-reading', { revision: paKey(cur), attempt: attempt + 1 });
          cur = undefined;
          continue;
        }
        this.failed(known, 'write podautoscaler status', e);
        return { outcome: isConflict(e) ? 'conflict' : 'failed', pa: undefined };
      }
    }
    return { outcome: 'conflict', pa: undefined };
  }
}
