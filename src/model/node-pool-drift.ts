/**
 * A NodePool whose template changed (top-level `updates[].driftNodePool`: a new AMI, an edited
 * EC2NodeClass or NodePool template): Karpenter marks every NodeClaim the pool launched before
 * it Drifted, and its disruption controller replaces them (cluster-karpenter.ts).
 */
import type { ClusterNode } from './cluster-node.js';
import type { KarpenterModel } from './cluster-karpenter.js';
import type { World } from './world.js';

/** One drift as summary.json reports it. */
export interface NodePoolDriftRecord {
  pool: string;
  atSeconds: number;
  /** Its NodeClaims marked Drifted: the pool's nodes launched before, not already being removed or Drifted by an earlier change. */
  driftedNodes: number;
  /**
   * Nodes its drift commands launched (the cloud's create call succeeded, at once or on a retry),
   * to hold the pods the others could not.
   */
  replacementNodes: number;
  /**
   * Replacement NodeClaims its commands created that had not launched by the run's end: deleted
   * after InsufficientCapacity or the launch timeout, or still retrying. Absent when none.
   */
  replacementsNotLaunched?: number;
  /** Of the drifted nodes, those deleted by the run's end (by drift or any other removal). */
  deletedNodes: number;
  /** When the last drifted node was deleted (null: not all of them within the run). */
  completeSeconds: number | null;
}

export class NodePoolDrift {
  readonly record: NodePoolDriftRecord;
  /** The NodeClaims it marked Drifted. */
  readonly nodes: ClusterNode[] = [];
  /** The NodeClaims its commands created to replace them, launched or not. */
  readonly replacements: ClusterNode[] = [];

  constructor(
    private readonly world: World,
    d: { atSeconds: number; pool: string },
  ) {
    this.record = { pool: d.pool, atSeconds: d.atSeconds, driftedNodes: 0, replacementNodes: 0, deletedNodes: 0, completeSeconds: null };
    world.sim.at(d.atSeconds, this.onDrift, this);
  }

  private onDrift(this: void, self: NodePoolDrift): void {
    const cluster = self.world.cluster!;
    const pool = cluster.spec.pools.find((p) => p.name === self.record.pool)!;
    (cluster.autoscaler as KarpenterModel).driftPool(pool, self, self.world.sim.now);
    self.record.driftedNodes = self.nodes.length;
  }

  /** The record as the run ends: how many replacements launched, how many drifted nodes are gone, and when the last went. */
  finish(): NodePoolDriftRecord {
    const r = this.record;
    // A replacement deleted before its launch held no pod and cost nothing: not a node launched.
    const launched = this.replacements.filter((n) => !Number.isNaN(n.launchedAt)).length;
    r.replacementNodes = launched;
    if (launched < this.replacements.length) r.replacementsNotLaunched = this.replacements.length - launched;
    else delete r.replacementsNotLaunched;
    let last = Number.NEGATIVE_INFINITY;
    r.deletedNodes = 0;
    for (const n of this.nodes) {
      if (n.state !== 'Deleted') continue;
      r.deletedNodes++;
      last = Math.max(last, n.deletedAt);
    }
    // Nothing newly Drifted (no node, or all already Drifted or being removed): complete at once.
    if (this.nodes.length === 0) r.completeSeconds = r.atSeconds;
    else r.completeSeconds = r.deletedNodes === this.nodes.length ? last : null;
    return r;
  }
}
