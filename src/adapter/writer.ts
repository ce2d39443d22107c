/**
 * What knsim's writes to the cluster share (the scale writer and the class reconciler):
 * the clients, the clock and logger, dry-run, the leader check made right before each
 * write, and exponential backoff per object after API errors. A 409 re-reads the object
 * and retries a few times before backing off.
 */
import type { Backoff } from './backoff.js';
import type { Clock } from './clock.js';
import { describeError, isConflict, type KubeClients } from './kube.js';
import type { LogFields, Logger } from './log.js';

/** How many times a write is re-read and retried after 409 before backing off. */
export const CONFLICT_RETRIES = 3;

export interface WriterOptions {
  kube: KubeClients;
  clock: Clock;
  logger: Logger;
  dryRun: boolean;
  /** Whether this replica may write now (leader election); always true without one. */
  mayWrite: () => boolean;
  /** A fresh backoff for one object (a Deployment, a PodAutoscaler). */
  newBackoff: () => Backoff;
}

/** Seconds rounded to milliseconds, for logs. */
export const roundSeconds = (x: number): number => Math.round(x * 1000) / 1000;

/** The backoffs of a writer's objects, by key (`namespace/name`), each made on first use. */
export class ObjectBackoffs {
  private readonly byKey = new Map<string, Backoff>();

  constructor(private readonly o: WriterOptions) {}

  of(key: string): Backoff {
    let b = this.byKey.get(key);
    if (!b) {
      b = this.o.newBackoff();
      this.byKey.set(key, b);
    }
    return b;
  }

  /** Whether calls for this object are currently backing off. */
  backingOff(key: string): boolean {
    return !this.of(key).ready(this.o.clock.now());
  }

  /** Records a failure of `what` now: backs off and logs why and for how long. */
  failed(key: string, what: string, e: unknown, fields: LogFields): void {
    const retryInSeconds = roundSeconds(this.of(key).fail(this.o.clock.now()));
    this.o.logger.warn(`${what} ${isConflict(e) ? 'kept conflicting' : 'failed'}; backing off`, { ...fields, reason: describeError(e), retryInSeconds });
  }

  /**
   * After a write failed on `attempt`: a 409 with retries left is logged as `conflictNote`
   * and answered 'retry' (re-read, then try again); anything else is {@link failed} and ends
   * the write as 'conflict' or 'failed'.
   */
  afterWriteError(key: string, e: unknown, attempt: number, conflictNote: string, what: string, fields: LogFields): 'retry' | 'conflict' | 'failed' {
    if (isConflict(e) && attempt < CONFLICT_RETRIES) {
      this.o.logger.info(`${conflictNote} (409); re-reading`, { ...fields, attempt: attempt + 1 });
      return 'retry';
    }
    this.failed(key, what, e, fields);
    return isConflict(e) ? 'conflict' : 'failed';
  }
}
