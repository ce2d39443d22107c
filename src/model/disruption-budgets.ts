/**
 * The users' PodDisruptionBudgets (top-level `podDisruptionBudgets`) as the Eviction API applies
 * them: every eviction (kubectl drain, the Cluster Autoscaler's and Karpenter's drains) asks here
 * first. The status is the disruption controller's, taken at the moment of the eviction: knsim
 * does not model its reconcile lag. The decisions are core's (knsim/capacity).
 */
import {
  disruptionBudgetStatus,
  evictionVerdict,
  karpenterFullyBlocks,
  karpenterMayEvict,
  RemainingDisruptions,
  type DisruptionBudgetSpec,
  type DisruptionBudgetStatus,
} from '../core/capacity/index.js';
import type { Pod } from './pod.js';
import type { Revision } from './revision.js';
import type { DisruptionBudgetEntry } from './spec.js';
import type { World } from './world.js';

/** One budget as summary.json reports it. */
export interface DisruptionBudgetRecord {
  name: string;
  revisions: readonly string[];
  /** Evictions it allowed that used one of its disruptions (of Ready pods). */
  disruptions: number;
  /** Evictions it refused (the API's 429: the eviction would violate the budget). */
  refusedEvictions: number;
  /** Its pods Karpenter deleted without the Eviction API, its terminationGracePeriod running out. */
  forcedDeletions: number;
}

class Budget {
  readonly revisions: Revision[] = [];
  /** Its position among the scenario's budgets (the CA tracker's index). */
  index = 0;
  readonly record: DisruptionBudgetRecord;

  constructor(
    readonly name: string,
    readonly spec: DisruptionBudgetSpec,
    names: readonly string[],
  ) {
    this.record = { name, revisions: names, disruptions: 0, refusedEvictions: 0, forcedDeletions: 0 };
  }

  status(): DisruptionBudgetStatus {
    let pods = 0;
    let healthy = 0;
    let controllersScale = 0;
    for (const r of this.revisions) {
      if (r.existingPodCount === 0) continue;
      // The controller sums the scale of each matching pod's controller: the revision's Deployment.
      controllersScale += r.replicas;
      for (const p of r.allPods) {
        pods++;
        if (p.isOk && p.k8sReady) healthy++;
      }
    }
    return disruptionBudgetStatus(this.spec, { pods, healthy, controllersScale });
  }
}

export class DisruptionBudgets {
  private readonly byRevision = new Map<string, Budget>();
  private readonly budgets: Budget[] = [];

  constructor(world: World, entries: readonly DisruptionBudgetEntry[]) {
    for (const e of entries) {
      const b = new Budget(e.name, e.spec, e.revisions);
      b.index = this.budgets.length;
      this.budgets.push(b);
      for (const name of e.revisions) {
        this.byRevision.set(name, b);
        world.whenRevisionCreated(name, (rev) => b.revisions.push(rev));
      }
    }
  }

  get records(): DisruptionBudgetRecord[] {
    return this.budgets.map((b) => b.record);
  }

  /** The Cluster Autoscaler's tracker for one loop, from every budget's status now. */
  remainingDisruptions(): RemainingDisruptions {
    return new RemainingDisruptions(this.budgets.map((b) => b.status().disruptionsAllowed));
  }

  /** Each pod's budget index for {@link RemainingDisruptions} (undefined: none selects it). */
  budgetIndexes(pods: readonly Pod[]): (number | undefined)[] {
    return pods.map((p) => this.byRevision.get(p.revision.spec.name)?.index);
  }

  /** The first of `pods` (its pods not terminating) whose budget keeps Karpenter's disruption off their node; undefined: none. */
  karpenterBlockingPod(pods: readonly Pod[]): Pod | undefined {
    // Each budget's status once for the node (its Limits are built once per pass).
    const status = new Map<Budget, DisruptionBudgetStatus>();
    for (const p of pods) {
      const b = this.byRevision.get(p.revision.spec.name);
      if (b === undefined || !p.isOk) continue;
      let st = status.get(b);
      if (st === undefined) status.set(b, (st = b.status()));
      if (!karpenterMayEvict(b.spec, st, p.k8sReady)) return p;
    }
    return undefined;
  }

  /** Whether `pod`'s budget blocks its eviction whatever the pods' health (Karpenter then provisions nothing for it). */
  karpenterFullyBlocked(pod: Pod): boolean {
    const b = this.byRevision.get(pod.revision.spec.name);
    return b !== undefined && karpenterFullyBlocks(b.spec, pod.k8sReady);
  }

  /** A pod was deleted without the Eviction API (Karpenter's terminationGracePeriod). */
  forceDeleted(pod: Pod): void {
    const b = this.byRevision.get(pod.revision.spec.name);
    if (b !== undefined) b.record.forcedDeletions++;
  }

  /** Whether `pod` may be evicted now (the Eviction API's answer): false is a 429 the evictor retries later. */
  mayEvict(pod: Pod): boolean {
    const b = this.byRevision.get(pod.revision.spec.name);
    if (b === undefined) return true;
    // Phase Pending until its containers run (the kubelet reports Running from then).
    const verdict = evictionVerdict({ deleting: !pod.isOk, pending: Number.isNaN(pod.queueProxyUpAt), ready: pod.k8sReady }, { spec: b.spec, status: b.status() });
    if (verdict === 'refuse') b.record.refusedEvictions++;
    else if (verdict === 'disrupt') b.record.disruptions++;
    return verdict !== 'refuse';
  }
}
