/**
 * Why the node autoscaler kept nodes it would otherwise have taken off: the pod annotations, local
 * volumes and PodDisruptionBudgets that held them (the Cluster Autoscaler's unremovable-node reasons
 * NotSafeToEvictAnnotation, LocalStorageRequested and NotEnoughPdb; Karpenter's "Blocked" events for
 * do-not-disrupt and for a budget that prevents evictions), and the nodes' own state (the Cluster
 * Autoscaler's ScaleDownDisabledAnnotation, Karpenter's do-not-disrupt on the node and its
 * "Node is nominated for a pending pod").
 * One record per autoscaler, reason and holder (pods or nodes), for summary.json.
 */
export type ScaleDownBlockReason = 'NotSafeToEvictAnnotation' | 'LocalStorageRequested' | 'DoNotDisrupt' | 'NotEnoughPdb' | 'ScaleDownDisabledAnnotation' | 'Nominated';

export interface ScaleDownBlockRecord {
  autoscaler: 'cluster-autoscaler' | 'karpenter';
  reason: ScaleDownBlockReason;
  /** The revisions whose pods held nodes for this reason (none when the nodes' own annotation held them). */
  revisions: string[];
  /** The pools whose nodes' own state (an annotation, a nomination) held them; only on such a record. */
  pools?: string[];
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
    const r = this.entry(`${autoscaler}/${reason}`, autoscaler, reason, node, now);
    if (!r.revisions.includes(revision)) r.revisions.push(revision);
  }

  /** `node`, which the autoscaler would otherwise consider taking off at `now`, is held by its own state (an annotation set on its pool, a nomination). */
  notePool(autoscaler: ScaleDownBlockRecord['autoscaler'], reason: ScaleDownBlockReason, node: string, pool: string, now: number): void {
    const r = this.entry(`${autoscaler}/${reason}/node`, autoscaler, reason, node, now);
    const pools = (r.pools ??= []);
    if (!pools.includes(pool)) pools.push(pool);
  }

  private entry(key: string, autoscaler: ScaleDownBlockRecord['autoscaler'], reason: ScaleDownBlockReason, node: string, now: number): ScaleDownBlockRecord {
    let e = this.byKey.get(key);
    if (e === undefined) {
      e = { record: { autoscaler, reason, revisions: [], nodes: 0, firstSeconds: now, lastSeconds: now }, nodes: new Set() };
      this.byKey.set(key, e);
    }
    e.nodes.add(node);
    e.record.nodes = e.nodes.size;
    e.record.lastSeconds = now;
    return e.record;
  }

  /** The records, in the order their reasons first held a node. */
  get records(): ScaleDownBlockRecord[] {
    return [...this.byKey.values()].map((e) => ({
      ...e.record,
      revisions: [...e.record.revisions].sort(),
      ...(e.record.pools !== undefined ? { pools: [...e.record.pools].sort() } : {}),
    }));
  }
}
