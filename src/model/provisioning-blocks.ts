/**
 * Pods Karpenter's provisioner left Pending because a NodePool's limits gave it no new node: the
 * FailedScheduling event it writes on each ("Failed to schedule pod, <the scheduler's error>":
 * provisioning/scheduling events.go PodFailedToScheduleEvent). One record per pool and error, for
 * summary.json's provisioningBlocks.
 */
import type { LimitRefusal } from '../core/capacity/index.js';

export interface ProvisioningBlockRecord {
  /** The NodePool whose limits refused. */
  pool: string;
  reason: 'FailedScheduling';
  /** The event's message, as kubectl describe pod shows it. */
  message: string;
  /** The revisions whose pods it held. */
  revisions: string[];
  /** Distinct pods held. */
  pods: number;
  /** The first and last provisioning pass that held one. */
  firstSeconds: number;
  lastSeconds: number;
}

export class ProvisioningBlocks {
  private readonly byKey = new Map<string, { record: ProvisioningBlockRecord; pods: Set<string> }>();

  /** At the provisioning pass of `now`, `pool`'s limits left the pod `pod` of `revision` no node. */
  note(pool: string, refusal: LimitRefusal, pod: string, revision: string, now: number): void {
    const key = `${pool}\u0000${refusal}`;
    let e = this.byKey.get(key);
    if (e === undefined) {
      // serrors.Wrap prints its key/value after the message: "(NodePool=<name>)".
      const message = `Failed to schedule pod, ${refusal} (NodePool=${pool})`;
      e = { record: { pool, reason: 'FailedScheduling', message, revisions: [], pods: 0, firstSeconds: now, lastSeconds: now }, pods: new Set() };
      this.byKey.set(key, e);
    }
    e.pods.add(pod);
    e.record.pods = e.pods.size;
    e.record.lastSeconds = now;
    if (!e.record.revisions.includes(revision)) e.record.revisions.push(revision);
  }

  /** The records, in the order they first held a pod. */
  get records(): ProvisioningBlockRecord[] {
    return [...this.byKey.values()].map((e) => ({ ...e.record, revisions: [...e.record.revisions].sort() }));
  }
}
