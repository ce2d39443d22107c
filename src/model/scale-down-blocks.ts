/**
 * Why the node autoscaler kept nodes it would otherwise have taken off: the pod annotations, local
 * volumes and PodDisruptionBudgets that held them (the Cluster Autoscaler's unremovable-node reasons
 * NotSafeToEvictAnnotation, LocalStorageRequested and NotEnoughPdb; Karpenter's "Blocked" events for
 * do-not-disrupt and for a budget that prevents evictions).
 * One record per autoscaler, reason and set of revisions, for summary.json.
 */
export type ScaleDownBlockReason = 'NotSafeToEvictAnnotation' | 'LocalStorageRequested' | 'DoNotDisrupt' | 'NotEnoughPdb';

export interface ScaleDownBlockRecord {
  autoscaler: 'cluster-autoscaler' | 'karpenter';
  reason: ScaleDownBlockReason;
  /** The revisions whose pods held nodes for this reason. */
  revisions: string[];
  /** Distinct nodes held. */
  nodes: number;
  /** The first and last time a node was found held. */
  firstSeconds: number;
  lastSeconds: number;
}

export class ScaleDownBlocks {
  private readonly byKey = new Map<string, { record: ScaleDownBlockRecord; nodes: Set<string> }>();

  /** `node`, which the autoscaler would otherwise consider taking off at `now`, is held by a pod of `revision`. */
  note(autoscaler: ScaleDownBlockRecord['autoscaler'], reason: ScaleDownBlockReason, node: string, revision: string, now: number): void {
    const key = `${autoscaler}/${reason}`;
    let e = this.byKey.get(key);
    if (e === undefined) {
      e = { record: { autoscaler, reason, revisions: [], nodes: 0, firstSeconds: now, lastSeconds: now }, nodes: new Set() };
      this.byKey.set(key, e);
    }
    const r = e.record;
    if (!r.revisions.includes(revision)) r.revisions.push(revision);
    e.nodes.add(node);
    r.nodes = e.nodes.size;
    r.lastSeconds = now;
  }

  /** The records, in the order their reasons first held a node. */
  get records(): ScaleDownBlockRecord[] {
    return [...this.byKey.values()].map((e) => ({ ...e.record, revisions: [...e.record.revisions].sort() }));
  }
}
