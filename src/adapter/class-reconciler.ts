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
import { AUTOSCALING_INTERNAL_GROUP, AUTOSCALING_INTERNAL_VERSION, callOptions } from './kube.js';
import { sameStatus, statusBody } from './podautoscaler-status.js';
import { getPodAutoscaler, parsePodAutoscaler, type PodAutoscalerObject, type PodAutoscalerStatus } from './revisions.js';
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
import { CONFLICT_RETRIES, ObjectBackoffs, roundSeconds, type WriterOptions } from './writer.js';

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

export type ClassReconcilerOptions = WriterOptions;

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
/**
 * Its own backoff: the status write that reports NotOwned succeeds and resets the PA's, which
 * kept this one at its first step (an error line every reconcile, forever).
 */
const notOwnedKey = (pa: { namespace: string; name: string }): string => `${paKey(pa)} not-owned`;

export class ClassReconciler {
  private readonly backoffs: ObjectBackoffs;
  /** Dry-run: the last write logged per object, so an unchanged decision is logged once. */
  private readonly dryRunLogged = new Map<string, string>();

  constructor(private readonly o: ClassReconcilerOptions) {
    this.backoffs = new ObjectBackoffs(o);
  }

  private backoff(pa: { namespace: string; name: string }) {
    return this.backoffs.of(paKey(pa));
  }

  backingOff(pa: { namespace: string; name: string }): boolean {
    return this.backoffs.backingOff(paKey(pa)) || this.backoffs.backingOff(notOwnedKey(pa));
  }

  private failed(pa: { namespace: string; name: string }, what: string, e: unknown): void {
    this.backoffs.failed(paKey(pa), what, e, { revision: paKey(pa) });
  }

  /** A failed write of the PA's SKS or status: 'retry' after a 409 with retries left, else the write's outcome. */
  private afterWriteError(pa: { namespace: string; name: string }, e: unknown, attempt: number, conflictNote: string, what: string) {
    return this.backoffs.afterWriteError(paKey(pa), e, attempt, conflictNote, what, { revision: paKey(pa) });
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

  /** The PA's SKS changed: whatever made it not owned may be gone, so its backoff ends. */
  sksChanged(pa: { namespace: string; name: string }): void {
    this.backoffs.of(notOwnedKey(pa)).succeed();
  }

  /** Reports an SKS that another object controls, and backs off. */
  notOwned(pa: PodAutoscalerObject): void {
    const delay = this.backoffs.of(notOwnedKey(pa)).fail(this.o.clock.now());
    this.o.logger.error('serverlessservice is not controlled by its podautoscaler; leaving it alone', {
      revision: paKey(pa),
      retryInSeconds: roundSeconds(delay),
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
          this.backoffs.of(notOwnedKey(pa)).succeed();
          logger.info('created serverlessservice', { revision: paKey(pa), mode, numActivators });
          return { outcome: 'created', sks: created };
        } catch (e) {
          const next = this.afterWriteError(pa, e, attempt, 'serverlessservice already exists', 'create serverlessservice');
          if (next !== 'retry') return { outcome: next, sks: undefined };
          cur = undefined;
          continue;
        }
      }
      if (!controlledBy(cur, pa)) {
        this.notOwned(pa);
        return { outcome: 'not-owned', sks: cur };
      }
      this.backoffs.of(notOwnedKey(pa)).succeed();
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
        const next = this.afterWriteError(pa, e, attempt, 'serverlessservice changed concurrently', 'update serverlessservice');
        if (next !== 'retry') return { outcome: next, sks: undefined };
        cur = undefined;
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
        const next = this.afterWriteError(known, e, attempt, 'podautoscaler changed concurrently', 'write podautoscaler status');
        if (next !== 'retry') return { outcome: next, pa: undefined };
        cur = undefined;
      }
    }
    return { outcome: 'conflict', pa: undefined };
  }
}
