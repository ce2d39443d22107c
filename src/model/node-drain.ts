/**
 * `kubectl drain` of a node, then its instance deleted (top-level `updates[].drainNode`), as a
 * node upgrade or a decommission does: cordoned at once (no new pod binds), its Knative pods
 * evicted at once (Knative sets no PodDisruptionBudget on revision pods, so nothing holds them;
 * each terminates gracefully and its ReplicaSet creates a replacement elsewhere), and the node
 * deleted once the last of them is gone, its pool one node smaller.
 */
import type { World } from './world.js';

/** One drain as summary.json reports it. */
export interface NodeDrainRecord {
  node: string;
  fromSeconds: number;
  /**
   * What the drain found: the node registered, Ready or not yet (`Drained`), already being removed
   * by the node autoscaler (`AlreadyRemoving`: its pods are evicted now if its own evictions had
   * not started), or no such node (`NotFound`, as kubectl says: not requested by then, launching
   * and not registered yet, or deleted).
   */
  outcome: 'Drained' | 'AlreadyRemoving' | 'NotFound';
  /** Its pods evicted by the drain (kubectl's, or its autoscaler's brought forward). */
  evictedPods: number;
  /** Evictions the API refused for a PodDisruptionBudget (each retried 5 s later). */
  refusedEvictions: number;
  /**
   * When its last pod was gone (the drain's own time for a node already empty), and when the node
   * was deleted (null: not within the run, or NotFound).
   */
  emptySeconds: number | null;
  deletedSeconds: number | null;
  /**
   * Only with `timeout` (kubectl drain --timeout): when kubectl gave up with pods a budget still
   * held (null: it did not); the node then stays cordoned with them and is not deleted.
   */
  gaveUpSeconds?: number | null;
}

/** How the user runs kubectl drain: its --timeout (Infinity: none) and --disable-eviction. */
export interface KubectlDrainOptions {
  giveUpAt: number;
  disableEviction: boolean;
}

export class NodeDrain {
  readonly record: NodeDrainRecord;
  private readonly options: KubectlDrainOptions;

  constructor(
    private readonly world: World,
    d: { atSeconds: number; node: string; timeoutSeconds?: number; disableEviction?: boolean },
  ) {
    this.record = { node: d.node, fromSeconds: d.atSeconds, outcome: 'NotFound', evictedPods: 0, refusedEvictions: 0, emptySeconds: null, deletedSeconds: null };
    if (d.timeoutSeconds !== undefined) this.record.gaveUpSeconds = null;
    this.options = { giveUpAt: d.atSeconds + (d.timeoutSeconds ?? Number.POSITIVE_INFINITY), disableEviction: d.disableEviction === true };
    world.sim.at(d.atSeconds, this.onDrain, this);
  }

  private onDrain(this: void, self: NodeDrain): void {
    const cluster = self.world.cluster!;
    const now = self.world.sim.now;
    const r = self.record;
    // kubectl finds a node once its kubelet has created the Node object, Ready or not yet (its
    // not-ready taint); a node still launching, not registered, has none.
    const node = cluster.nodes.find((n) => n.name === r.node && n.state !== 'Deleted' && n.registered);
    if (node === undefined) return;
    node.drainRecord = r;
    node.kubectlDrain = self.options;
    r.outcome = node.state === 'Tainted' ? 'AlreadyRemoving' : 'Drained';
    cluster.drainByUser(node, now);
    // One its autoscaler had already emptied (waiting to be deleted) has been empty since before the drain.
    if (r.emptySeconds === null && node.workload.size === 0) r.emptySeconds = now;
  }
}
