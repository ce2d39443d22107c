/**
 * Leader election on a coordination.k8s.io/v1 Lease, after client-go's leaderelection:
 * a replica acquires the Lease when it is free or its holder has not renewed it for a
 * whole lease duration (measured on this replica's clock, from when the read that showed
 * the record changed came back), renews it every retry period, and counts as leader only until `renewDeadline`
 * after its last successful renewal. Every write is a PUT/POST with the resourceVersion
 * read, so of two replicas racing for the Lease only one succeeds (409 for the other).
 *
 * Why two replicas never both write: a replica writes only while
 * `now − lastRenew < renewDeadline` (lastRenew: when the renewal was sent); another takes
 * over no sooner than `leaseDuration` after its read showing that renewal came back, which
 * is after the renewal was sent however slow the read was. With `renewDeadline + requestTimeout ≤ leaseDuration`, a
 * write started by the old leader has finished (or been abandoned) before the new one can
 * start.
 */
import { V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import { monotonicSeconds, type Clock } from './clock.js';
import { callOptions, describeError, isConflict, isNotFound, type KubeClients } from './kube.js';
import type { Logger } from './log.js';

export interface LeaderElectionOptions {
  kube: KubeClients;
  clock: Clock;
  logger: Logger;
  namespace: string;
  name: string;
  /** This replica's identity (e.g. the pod name). */
  identity: string;
  /** How long others wait after the last observed renewal before taking over (client-go default 15 s). */
  leaseDurationSeconds: number;
  /** How long after its last renewal the leader keeps acting as leader (default 10 s). */
  renewDeadlineSeconds: number;
  /** How often to try to acquire or renew (default 2 s). */
  retryPeriodSeconds: number;
}

interface ObservedRecord {
  holder: string;
  renewTime: string;
  transitions: number;
  leaseDurationSeconds: number;
}

function microTimeString(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  return typeof v === 'string' ? v : '';
}

export class LeaderElector {
  private lastRenew: number | undefined;
  private observed: ObservedRecord | undefined;
  private observedAt = Number.NEGATIVE_INFINITY;
  private wasLeader = false;

  constructor(readonly opts: LeaderElectionOptions) {
    const { leaseDurationSeconds: ld, renewDeadlineSeconds: rd, retryPeriodSeconds: rp } = opts;
    if (!(ld > rd)) throw new RangeError(`lease duration (${ld}s) must be greater than the renew deadline (${rd}s)`);
    if (!(rd > rp)) throw new RangeError(`renew deadline (${rd}s) must be greater than the retry period (${rp}s)`);
    if (!(rp > 0)) throw new RangeError(`retry period must be > 0, got ${rp}`);
    if (rd + opts.kube.requestTimeoutSeconds > ld) {
      throw new RangeError(
        `renew deadline (${rd}s) + request timeout (${opts.kube.requestTimeoutSeconds}s) must not exceed the lease duration (${ld}s)`,
      );
    }
  }

  get identity(): string {
    return this.opts.identity;
  }

  /**
   * True while this replica may write: it renewed the Lease less than the renew deadline ago.
   * Every duration here is on the clock's monotonic seconds, as client-go's (Go's time.Now
   * carries a monotonic reading): setting the wall clock back must not stretch a leadership.
   */
  isLeader(nowSeconds = monotonicSeconds(this.opts.clock)): boolean {
    return this.lastRenew !== undefined && nowSeconds - this.lastRenew < this.opts.renewDeadlineSeconds;
  }

  /** The holder this replica last saw in the Lease ('' if none). */
  get observedHolder(): string {
    return this.observed?.holder ?? '';
  }

  /** One acquire-or-renew attempt. Returns whether this replica is leader afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { kube, clock, namespace, name, identity } = this.opts;
    const startedAt = monotonicSeconds(clock);
    // The renewTime written: wall time, for people reading the Lease (no one times it).
    const wallNow = clock.now();
    let lease: V1Lease;
    try {
      lease = await kube.coordination.readNamespacedLease({ name, namespace }, callOptions(kube));
    } catch (e) {
      if (!isNotFound(e)) return this.failed(`read lease: ${describeError(e)}`);
      return this.create(startedAt, wallNow);
    }
    const spec = lease.spec ?? {};
    const record: ObservedRecord = {
      holder: spec.holderIdentity ?? '',
      renewTime: microTimeString(spec.renewTime),
      transitions: spec.leaseTransitions ?? 0,
      leaseDurationSeconds: spec.leaseDurationSeconds ?? this.opts.leaseDurationSeconds,
    };
    const o = this.observed;
    if (!o || o.holder !== record.holder || o.renewTime !== record.renewTime || o.transitions !== record.transitions) {
      this.observed = record;
      // When the answer came back, as client-go: a read sent before the holder's renewal
      // may be answered after it, and counting from the send would cut the holder's lease short.
      this.observedAt = monotonicSeconds(clock);
    }
    const heldByOther = record.holder !== '' && record.holder !== identity;
    if (heldByOther && startedAt < this.observedAt + record.leaseDurationSeconds) {
      this.lastRenew = undefined;
      return this.report(false);
    }
    const ours = record.holder === identity;
    const now = new V1MicroTime(wallNow * 1000);
    const body: V1Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: this.opts.leaseDurationSeconds,
        renewTime: now,
        acquireTime: ours && spec.acquireTime ? spec.acquireTime : now,
        leaseTransitions: ours ? record.transitions : record.transitions + 1,
      },
    };
    try {
      const updated = await kube.coordination.replaceNamespacedLease({ name, namespace, body }, callOptions(kube));
      return this.renewed(startedAt, updated);
    } catch (e) {
      if (isConflict(e)) {
        // Someone else wrote the Lease since it was read; re-read next round.
        return this.failed('lease changed concurrently (409)');
      }
      return this.failed(`update lease: ${describeError(e)}`);
    }
  }

  private async create(startedAt: number, wallNow: number): Promise<boolean> {
    const { kube, namespace, name, identity } = this.opts;
    const now = new V1MicroTime(wallNow * 1000);
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace },
      spec: { holderIdentity: identity, leaseDurationSeconds: this.opts.leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 },
    };
    try {
      const created = await kube.coordination.createNamespacedLease({ namespace, body }, callOptions(kube));
      return this.renewed(startedAt, created);
    } catch (e) {
      return this.failed(isConflict(e) ? 'lease created concurrently (409)' : `create lease: ${describeError(e)}`);
    }
  }

  private renewed(startedAt: number, lease: V1Lease): boolean {
    // The renewal counts from when it was sent: the deadline can only be earlier than real.
    this.lastRenew = startedAt;
    const spec = lease.spec ?? {};
    this.observed = {
      holder: spec.holderIdentity ?? this.opts.identity,
      renewTime: microTimeString(spec.renewTime),
      transitions: spec.leaseTransitions ?? 0,
      leaseDurationSeconds: spec.leaseDurationSeconds ?? this.opts.leaseDurationSeconds,
    };
    this.observedAt = monotonicSeconds(this.opts.clock);
    return this.report(true);
  }

  private failed(why: string): boolean {
    this.opts.logger.warn('leader election: attempt failed', { lease: this.opts.name, identity: this.opts.identity, reason: why });
    return this.report(this.isLeader());
  }

  private report(leader: boolean): boolean {
    const now = this.isLeader();
    if (now !== this.wasLeader) {
      this.opts.logger.info(now ? 'leader election: became leader' : 'leader election: not leader', {
        lease: `${this.opts.namespace}/${this.opts.name}`,
        identity: this.opts.identity,
        holder: this.observedHolder,
      });
      this.wasLeader = now;
    }
    return leader && now;
  }

  /**
   * Gives the Lease up (on shutdown) so another replica can take over at once: clears the
   * holder if it is still this replica. Best effort.
   */
  async release(): Promise<void> {
    const { kube, namespace, name, identity } = this.opts;
    if (this.lastRenew === undefined) return;
    this.lastRenew = undefined;
    try {
      const lease = await kube.coordination.readNamespacedLease({ name, namespace }, callOptions(kube));
      if (lease.spec?.holderIdentity !== identity) return;
      const now = new V1MicroTime(this.opts.clock.now() * 1000);
      const body: V1Lease = { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now } };
      await kube.coordination.replaceNamespacedLease({ name, namespace, body }, callOptions(kube));
      this.opts.logger.info('leader election: released the lease', { lease: `${namespace}/${name}`, identity });
    } catch (e) {
      this.opts.logger.warn('leader election: could not release the lease', { reason: describeError(e) });
    }
  }
}
