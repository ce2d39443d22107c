import {
  balancedApproved,
  type NodePoolTotals,
  allowedDisruptionsByReason,
  type DisruptionReason,
  doNotDisruptUntil,
  allowedDisruptions,
  cheapestFitting,
  consolidatableAt,
  consolidationPlan,
  consolidationStillValid,
  consolidationOrder,
  simulateConsolidation,
  driftDecision,
  expiresAt,
  karpenterForceDeleteAt,
  launchOutcome,
  limitAllowsLaunch,
  limitRefusal,
  type LimitRefusal,
  UNAVAILABLE_OFFERING_TTL_SECONDS,
  multiNodeSearchBounds,
  isNominated,
  nominatedNodes,
  nominationWindowSeconds,
  instanceTerminationAt,
  queueCheckAt,
  rescheduleDisruptionCost,
  ProvisioningBatch,
  packProvisioningBatch,
  templateNode,
  bindPod,
  type ConsolidationDecision,
  type ConsolidationSimulation,
  type InstanceType,
  type NodeCapacity,
  type NodePoolLimits,
  type NodeView,
  type PodResources,
  type SimulatedPod,
} from '../core/capacity/index.js';
import type { RandomStream } from '../engine/random.js';
import type { Cluster, NodeAutoscaler } from './cluster.js';
import { poolTemplate, type ClusterNode } from './cluster-node.js';
import type { NodePoolDrift } from './node-pool-drift.js';
import type { Pod } from './pod.js';
import type { NodeAutoscalerSpec, NodePoolSpec } from './spec.js';

/** How often the pod controller re-triggers the provisioner for a pod that is still provisionable. */
export const PROVISIONABLE_POD_REQUEUE_SECONDS = 10;
/** How often the provisioner's node controller re-triggers it for a node with the disruption taint. */
const DISRUPTED_NODE_REQUEUE_SECONDS = 10;
/** The disruption controller, finding cluster state not synced, looks again this much later (controller.go Reconcile). */
const UNSYNCED_DISRUPTION_REQUEUE_SECONDS = 1;

/**
 * A Knative pod as Karpenter weighs its eviction: revision pods set no priorityClassName (so
 * priority 0 where no PriorityClass is the global default) and no pod-deletion-cost annotation:
 * eviction cost 1 each.
 */
const KNATIVE_POD = Object.freeze({});

/** A node's reschedule disruption cost: 1 + its reschedulable (not terminating) Knative pods. */
function disruptionCost(n: ClusterNode): number {
  return rescheduleDisruptionCost(n.movablePods().map(() => KNATIVE_POD));
}

type KarpenterSpec = Extract<NodeAutoscalerSpec, { kind: 'karpenter' }>;

/** The disruption methods in the controller's order (disruption/controller.go NewMethods; static drift has no NodePool here). */
const METHODS = ['emptiness', 'drift', 'multi-node', 'single-node'] as const;
const EVICTION_QUEUE_BASE_DELAY_SECONDS = 0.1;
/** With no change, the cluster state counts as changed this long after the last (state/cluster.go ConsolidationState). */
const CONSOLIDATION_STATE_RESET_SECONDS = 5 * 60;
const EVICTION_QUEUE_MAX_DELAY_SECONDS = 10;

/**
 * When `karpenter.sh/do-not-disrupt` stops holding `p` (-Infinity: it does not). A pod running
 * before the run has been up for an unknown, long time: a duration has run out for it.
 */
function doNotDisruptEnd(p: Pod): number {
  const c = p.revision.spec.disruptionControls;
  if (p.runningBeforeRun && c?.doNotDisruptSeconds !== Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  return doNotDisruptUntil(c, p.startTime);
}
type Method = (typeof METHODS)[number];

interface PoolType extends InstanceType {
  readonly pool: NodePoolSpec;
}

/**
 * Karpenter: Unschedulable pods open a provisioning batch (1 s idle, 10 s max), and re-open one
 * every 10 s while they stay Unschedulable; at its close the batch's pods, largest first, go onto
 * existing capacity (Ready nodes with room, then nodes launching), the rest onto new nodes (each
 * pod onto the one holding the fewest pods), each new node of the cheapest pool (instance type)
 * that holds its pods. Each pass of the disruption controller
 * looks for consolidatable nodes (consolidateAfter since their NodeClaim's lastPodEventTime) in pools above
 * their minNodes, in upstream's order (highest price / (1 + pods) first), method by method:
 * emptiness (empty ones, those with no pod but terminating ones, within the budget); under
 * WhenEmptyOrUnderutilized (or Balanced), multi-node consolidation (the longest prefix that can go at once,
 * onto the others and at most one new cheaper node), then single-node consolidation (the first
 * node that can go onto the others or one cheaper node), the same under Balanced but for moves
 * whose savings share of the pool's cost is under half their share of its disruption cost; each simulation schedules the
 * Unschedulable pods and the pods of nodes being removed with theirs. A command waits 15 s and
 * is re-validated, the budget counted again; then its nodes are tainted and, for a deletion,
 * drained; for a replacement, drained at the queue's first once-a-second check after the new
 * node is Ready (untainted if it is not Ready within 10 min), and the next pass starts at once. A command no longer valid hands over to the next method; a pass with no
 * command is followed by the next one 10 s later; multi- and single-node consolidation, having found
 * nothing, compute nothing again until the cluster state changes (pods bound or deleted, nodes
 * added, initialized, tainted, untainted or deleted) or 5 minutes pass. Each node expires `expireAfter` after its launch: tainted
 * and drained at once, outside the budget and minNodes (its pods' replacements provision anew);
 * a pool left below minNodes gets nodes at once. A drained node is terminated at the node
 * termination controller's first once-a-second look with no pod left, at least 5 s after its drain began.
 * Drift (a NodePool whose template changed) comes after emptiness: one drifted node per command,
 * oldest drift first, empty ones first, within the budget, without the validation wait; the nodes
 * its pods need are launched, with those of its pool its removal would leave below minNodes (as
 * static drift replaces a node 1:1), and it is drained once they are all Ready (at once when none are).
 * A node a provisioning pass places pods onto (Ready or launching; the pods of nodes being removed,
 * re-triggered every 10 s while they are, count with the pending ones), or a starting command's
 * simulation moves pods onto, is nominated for 20 s (max(2 × BATCH_MAX_DURATION, 10 s)): no
 * candidate of emptiness, consolidation or drift meanwhile, nor at a command's re-validation;
 * expiry ignores it. The pods of nodes being removed get new nodes as pending ones do, before they are
 * evicted. Each pass places every such pod anew: a pod keeps no node an earlier pass chose for it.
 * Not modelled: spot-to-spot consolidation.
 */
export class KarpenterModel implements NodeAutoscaler {
  private readonly batch: ProvisioningBatch;
  private closeScheduledAt = Number.NaN;
  private readonly types: PoolType[];
  /** Replacement nodes not yet seen initialized, each with its command (the tainted nodes it replaces). */
  private readonly replacing = new Map<ClusterNode, Replacing>();
  /**
   * Until when each node is nominated (state/statenode.go nominatedUntil): a provisioning pass, or
   * a disruption command as it started, placed pods onto it; no disruption candidate meanwhile.
   */
  private readonly nominatedUntil = new Map<ClusterNode, number>();
  /** Tainted nodes the provisioner's node controller requeues. */
  private readonly requeued = new Set<ClusterNode>();
  /**
   * Per consolidation method, the cluster state in which it last found nothing to do
   * (consolidation.go markConsolidated): it computes nothing again until that state changes.
   */
  private readonly consolidatedIn = new Map<Method, number>();
  /** The state's own resets, and when the last was (ConsolidationState: every 5 minutes without a change). */
  private stateResets = 0;
  private stateResetAt = Number.NEGATIVE_INFINITY;
  /** Pools whose launch returned InsufficientCapacity, and until when they are left out (unavailable offerings). */
  private readonly unavailableUntil = new Map<NodePoolSpec, number>();
  /** Pools below minNodes whose refill waits for room under maxNodes (a node being deleted to go). */
  private readonly floorHeld = new Set<NodePoolSpec>();
  /** Drifted NodeClaims (nodes.csv `Drifted`), with the drift that marked them, oldest first. */
  private readonly drifted = new Map<ClusterNode, NodePoolDrift>();

  constructor(
    private readonly cluster: Cluster,
    private readonly spec: KarpenterSpec,
    random: RandomStream,
  ) {
    this.batch = new ProvisioningBatch(spec.config);
    this.types = cluster.spec.pools.map((pool) => ({ name: pool.name, template: poolTemplate(pool), pricePerHour: pool.pricePerHour, pool }));
    const first = spec.firstPollSeconds ?? random.uniform(0, spec.config.disruptionPollSeconds);
    cluster.sim.at(first, this.reconcile, this);
    // The initial nodes' NodeClaims were created at 0 with the others'.
    for (const n of cluster.nodes) this.scheduleExpiry(n);
  }

  /**
   * Ask for a node of `pool` now; its expiry is set from this moment (NodeClaim creation). Under
   * the pool's injected launch failures its create call may fail: the NodeClaim boots from a retry
   * that succeeds, or is deleted (launchOutcome).
   */
  private launch(pool: NodePoolSpec, now: number): ClusterNode {
    const outcome = launchOutcome(pool.launchFailures ?? [], now);
    const launchedAt = outcome.launched ? outcome.at : Number.POSITIVE_INFINITY;
    const node = this.cluster.provision(pool, now, this.spec.config.registrationTimeoutSeconds, launchedAt);
    this.scheduleExpiry(node);
    // A first call failing with InsufficientCapacity deletes it at once; any other failure is retried, unbilled meanwhile.
    if (outcome.at > now) this.cluster.launchFailed(node, now);
    // Even at once, after the caller is done: the lifecycle controller launches it apart from the pass that created it.
    if (!outcome.launched) this.cluster.sim.at(outcome.at, this.onLaunchFailed, { self: this, node, reason: outcome.reason });
    return node;
  }

  /**
   * The NodeClaim's launch failed for good: deleted. After InsufficientCapacity its pool (the
   * offering) is left out of every scheduling decision for 3 minutes (the unavailable-offerings
   * cache); the pods it was for provision anew at their next pass, on another pool or, if none
   * holds them, once the pool is back.
   */
  private onLaunchFailed(this: void, e: { self: KarpenterModel; node: ClusterNode; reason: 'InsufficientCapacity' | 'LaunchTimeout' }): void {
    const { self, node } = e;
    if (node.state !== 'Provisioning') return;
    const now = self.cluster.sim.now;
    if (e.reason === 'InsufficientCapacity') {
      const until = now + UNAVAILABLE_OFFERING_TTL_SECONDS;
      self.unavailableUntil.set(node.pool, until);
      // The floor the pool cannot be brought back to meanwhile is restored once its offering is back.
      self.cluster.sim.at(until, self.onRestoreFloor, { self, pool: node.pool });
    }
    self.cluster.cancelProvision(node, now);
    self.provisionFailed(node, now);
  }

  private onRestoreFloor(this: void, e: { self: KarpenterModel; pool: NodePoolSpec }): void {
    e.self.restoreFloor(e.pool, e.self.cluster.sim.now);
  }

  /** Whether the pool's offering is still in the unavailable-offerings cache at `now`. */
  private unavailable(pool: NodePoolSpec, now: number): boolean {
    const until = this.unavailableUntil.get(pool);
    return until !== undefined && now < until;
  }

  private scheduleExpiry(node: ClusterNode): void {
    const at = expiresAt(node.requestedAt, this.spec.config);
    if (at !== undefined) this.cluster.sim.at(at, this.onExpire, { self: this, node });
  }

  /**
   * The NodeClaim expired (nodeclaim/expiration controller): deleted at once, whatever the
   * budgets, minNodes or a consolidation waiting on it. A launching node is just deleted; a
   * Ready one, or one tainted for a replacement still launching, is drained now; its pods'
   * replacements are provisioned like any Unschedulable pods.
   */
  private onExpire(this: void, e: { self: KarpenterModel; node: ClusterNode }): void {
    const { self, node } = e;
    const c = self.cluster;
    const now = c.sim.now;
    if (node.state === 'Provisioning') {
      c.cancelProvision(node, now);
      self.provisionFailed(node, now);
    } else if (node.state === 'Ready') {
      c.startRemoval(node, now, 0);
      self.tainted(node, now);
    } else if (node.state === 'Tainted') c.drain(node, now);
    self.restoreFloor(node.pool, now);
  }

  /**
   * minNodes is knsim's floor (upstream NodePools have none): consolidation never goes below it,
   * a drift replaces the node it takes (floorReplacements), and when an expiry or a node that
   * never registers leaves the pool below it, nodes of the pool
   * are requested at once, as upstream keeps a static NodePool's `replicas`: its provisioning
   * controller launches a NodeClaim as soon as one starts deleting (static/provisioning/controller.go).
   * That controller waits only for the cluster state's first sync (HasSynced), not for every
   * NodeClaim's provider ID, so the floor is refilled even while another launch is being retried.
   */
  private restoreFloor(pool: NodePoolSpec, now: number): void {
    const c = this.cluster;
    // Not while its offering is unavailable: no launch could be asked of it.
    if (this.unavailable(pool, now)) return;
    while (c.poolSize(pool) < pool.minNodes) {
      // Within the node limit, the nodes being deleted counted (statenodepool.go ReserveNodeCount):
      // a pool at maxNodes is refilled as one of them goes (the controller watches NodeClaim deletions).
      if (c.targetSize(pool) >= pool.maxNodes) {
        this.floorHeld.add(pool);
        return;
      }
      this.launch(pool, now);
    }
    this.floorHeld.delete(pool);
  }

  /** A node is gone: a floor the node limit held back is refilled, after whatever deleted it is done. */
  nodeDeleted(node: ClusterNode, now: number): void {
    if (this.floorHeld.has(node.pool)) this.cluster.sim.at(now, this.onRestoreFloor, { self: this, pool: node.pool });
  }

  /**
   * The pool's template changed: every NodeClaim of it not being removed is Drifted (its
   * template hash no longer the NodePool's: nodeclaim/disruption/drift.go); nodes launched from
   * now on are not. The disruption controller replaces them at its next passes.
   */
  driftPool(pool: NodePoolSpec, drift: NodePoolDrift, now: number): void {
    // A NodePool update counts as a change of the cluster state (state/informer/nodepool.go).
    this.cluster.noteStateChange(now);
    for (const n of this.cluster.nodes) {
      if (n.pool !== pool || n.state === 'Tainted' || this.drifted.has(n)) continue;
      this.drifted.set(n, drift);
      drift.nodes.push(n);
      this.cluster.world.recorder.node?.(n, 'Drifted', now);
    }
  }

  podUnschedulable(pod: Pod, now: number): void {
    this.trigger(now);
    this.cluster.sim.at(now + PROVISIONABLE_POD_REQUEUE_SECONDS, this.onRequeue, { self: this, pod });
  }

  /**
   * The pod controller reconciles a provisionable pod again 10 s later, and triggers the
   * provisioner each time, until the pod is bound or gone (provisioning/controller.go,
   * PodController.Reconcile): pods whose node never registered get another one.
   */
  private onRequeue(this: void, r: { self: KarpenterModel; pod: Pod }): void {
    const { self, pod } = r;
    if (pod.node !== undefined || !pod.isOk || Number.isNaN(self.cluster.scheduler.unschedulableSince(pod))) return;
    const now = self.cluster.sim.now;
    self.trigger(now);
    self.cluster.sim.at(now + PROVISIONABLE_POD_REQUEUE_SECONDS, self.onRequeue, r);
  }

  private trigger(now: number): void {
    const closes = this.batch.trigger(now);
    // One pending close event at a time; it re-arms itself when the window was extended.
    if (!Number.isNaN(this.closeScheduledAt)) return;
    this.closeScheduledAt = closes;
    this.cluster.sim.at(closes, this.onClose, this);
  }

  private onClose(this: void, self: KarpenterModel): void {
    const now = self.cluster.sim.now;
    const closes = self.batch.closesAt();
    if (closes !== undefined && closes > now) {
      self.closeScheduledAt = closes;
      self.cluster.sim.at(closes, self.onClose, self);
      return;
    }
    self.closeScheduledAt = Number.NaN;
    self.batch.close();
    self.provision(now);
  }

  /**
   * The batch's pods, largest first: onto existing capacity first (Ready nodes with room, then
   * nodes still launching; provisioning/scheduling existingnode.go, sortExistingNodes), then onto
   * new nodes, each pod onto the one holding the fewest pods so far, each new node of the
   * cheapest pool that holds its pods (packProvisioningBatch).
   */
  private provision(now: number): void {
    const c = this.cluster;
    // Not synced: the batch is dropped; the pods' next 10 s requeue triggers another (provisioner.go Reconcile).
    if (!this.synced()) return;
    // Initialized nodes first, then those launching, each in creation order; a launching node
    // counts empty, as its NodeClaim holds no pod: every pass places every pending pod anew
    // (a pod keeps no earlier pass's node; scheduler.go NewScheduler takes the in-flight
    // NodeClaims as existing nodes). A node tainted for memory pressure tolerates none of these pods.
    const existing = [...c.nodes.filter((n) => n.schedulable), ...c.nodes.filter((n) => n.state === 'Provisioning')];
    const pending = c.scheduler.unschedulable();
    // The limits are counted against the state nodes as the pass began: its own NodeClaims count as opened.
    const stateNodes = this.stateNodes();
    // The pods of nodes being removed are scheduled with them (provisioner.go Schedule: deleting nodes' pods).
    const deleting = c.nodes.filter((n) => n.state === 'Tainted').flatMap((n) => n.movablePods().filter((p) => this.currentlyReschedulable(p, now)));
    const pods = [...pending, ...deleting];
    const plan = packProvisioningBatch(
      pods.map((p) => ({ resources: c.requestsOf(p), createdAt: p.createdAt })),
      existing.map((n) => (n.state === 'Ready' ? n : templateNode(n.name, poolTemplate(n.pool)))),
      (reqs) => this.cheapest(reqs, stateNodes) !== undefined,
    );
    // Every existing node the pass places a pod onto is nominated (scheduler.go Results.Record),
    // launching ones too; one no pod goes onto any more is not, and its nomination runs out.
    this.nominate(nominatedNodes(plan.onto).map((e) => existing[e]!), now);
    const added = new Map<NodePoolSpec, number>();
    // New nodes for the pods of nodes being removed too, before they are evicted (provisioner.go
    // Schedule: its NewNodeClaims hold them): a pod a PodDisruptionBudget or do-not-disrupt keeps
    // on its node finds its new node launched, or Ready, when it goes.
    const placed = new Set<number>();
    for (const b of plan.newNodes) {
      const t = this.cheapest(b.map((i) => c.requestsOf(pods[i]!)), stateNodes, added);
      if (t === undefined) continue;
      added.set(t.pool, (added.get(t.pool) ?? 0) + 1);
      this.launch(t.pool, now);
      for (const i of b) placed.add(i);
    }
    // The pending pods left without a node, where it was the limits that refused them.
    for (let i = 0; i < pending.length; i++) if (plan.onto[i]! < 0 && !placed.has(i)) this.noteLimitBlocks(pending[i]!, stateNodes, added, now);
  }

  /**
   * A pending pod the pass gave no node: when every pool whose fresh node would hold it is one its
   * NodePool limits refused (the scheduler's error for each: scheduler.go addToNewNodeClaim), the
   * pod gets Karpenter's FailedScheduling event with it. A pod no pool could hold, or one a pool with
   * room held back (its offering unavailable), is not the limits' doing.
   */
  private noteLimitBlocks(pod: Pod, stateNodes: ReadonlyMap<NodePoolSpec, number>, added: ReadonlyMap<NodePoolSpec, number>, now: number): void {
    const r = this.cluster.requestsOf(pod);
    const refused: [PoolType, LimitRefusal][] = [];
    for (const t of this.types) {
      if (cheapestFitting([t], [r]) === undefined) continue;
      if (this.unavailable(t.pool, now)) return;
      const why = limitRefusal({ stateNodes: stateNodes.get(t.pool) ?? 0, candidates: 0, opened: added.get(t.pool) ?? 0, capacity: limitCapacity(t.pool), limits: poolLimits(t.pool) });
      // Refused by Provisioner.Create, or not refused at all: no event of the scheduler's.
      if (why === undefined || why === 'resource usage exceeds limit') return;
      refused.push([t, why]);
    }
    for (const [t, why] of refused) this.cluster.provisioningBlocks.note(t.pool.name, why, pod.name, pod.revision.spec.name, now);
  }

  /** Nominates `nodes` for the nomination window from `now` (statenode.go Nominate: a later one extends it). */
  private nominate(nodes: Iterable<ClusterNode>, now: number): void {
    const until = now + nominationWindowSeconds(this.spec.config);
    for (const n of nodes) if (n.state !== 'Deleted') this.nominatedUntil.set(n, until);
  }

  /**
   * A node got the disruption taint: the provisioner's node controller triggers a provisioning
   * pass now and every 10 s while the node has it (provisioning/controller.go NodeController), so
   * its pods' destinations stay nominated while it drains.
   */
  private tainted(node: ClusterNode, now: number): void {
    if (node.state !== 'Tainted') return;
    this.trigger(now);
    // One requeue chain per node, even when it is untainted and tainted again within 10 s.
    if (this.requeued.has(node)) return;
    this.requeued.add(node);
    this.cluster.sim.at(now + DISRUPTED_NODE_REQUEUE_SECONDS, this.onTaintedRequeue, { self: this, node });
  }

  private onTaintedRequeue(this: void, e: { self: KarpenterModel; node: ClusterNode }): void {
    const { self, node } = e;
    self.requeued.delete(node);
    self.tainted(node, self.cluster.sim.now);
  }

  /**
   * The cheapest pool with room (NodePool limits) whose fresh node holds all of `reqs`; the nodes a
   * disruption simulation removes (`candidates`) leave their room to it.
   */
  private cheapest(
    reqs: readonly PodResources[],
    stateNodes: ReadonlyMap<NodePoolSpec, number>,
    added: ReadonlyMap<NodePoolSpec, number> = new Map(),
    candidates: readonly ClusterNode[] = [],
  ): PoolType | undefined {
    return cheapestFitting(this.withRoom(stateNodes, added, candidates), reqs);
  }

  /**
   * Each pool's nodes in Karpenter's cluster state, not marked for deletion (StateNodes.Active):
   * launched, Ready or not. A NodeClaim whose create call has not succeeded has no provider ID and
   * is no state node; a tainted node is being removed.
   */
  private stateNodes(): Map<NodePoolSpec, number> {
    const m = new Map<NodePoolSpec, number>();
    for (const n of this.cluster.nodes) {
      if (n.state === 'Ready' || (n.state === 'Provisioning' && !Number.isNaN(n.launchedAt))) m.set(n.pool, (m.get(n.pool) ?? 0) + 1);
    }
    return m;
  }

  /** The pools a simulation may open one more node of (limitAllowsLaunch: the NodePool limits), from the state nodes it began with. */
  private withRoom(stateNodes: ReadonlyMap<NodePoolSpec, number>, added: ReadonlyMap<NodePoolSpec, number> = new Map(), candidates: readonly ClusterNode[] = []): PoolType[] {
    const now = this.cluster.sim.now;
    return this.types.filter(
      (t) =>
        !this.unavailable(t.pool, now) &&
        limitAllowsLaunch({
          stateNodes: stateNodes.get(t.pool) ?? 0,
          candidates: candidates.filter((n) => n.pool === t.pool && n.state === 'Ready').length,
          opened: added.get(t.pool) ?? 0,
          capacity: limitCapacity(t.pool),
          limits: poolLimits(t.pool),
        }),
    );
  }

  /**
   * A disruption candidate (GetCandidates): consolidatable, its pool above minNodes, and holding no
   * pod that blocks eviction (podsDisruptable).
   */
  private candidate(n: ClusterNode, now: number): boolean {
    if (!this.consolidatable(n, now) || this.cluster.poolSize(n.pool) <= n.pool.minNodes || this.heldByNomination(n, now)) return false;
    // A node annotated do-not-disrupt is no candidate (ValidateNodeDisruptable): held by its own annotation.
    if (n.pool.doNotDisrupt === true) {
      this.cluster.scaleDownBlocks.notePool('karpenter', 'DoNotDisrupt', n.name, n.pool.name, now);
      return false;
    }
    return this.podsDisruptable(n, now);
  }

  /** A recent scheduling result counts on the node for pods (ValidateNodeDisruptable: Nominated). */
  private isNominated(n: ClusterNode, now: number): boolean {
    const until = this.nominatedUntil.get(n);
    if (isNominated(until, now)) return true;
    this.nominatedUntil.delete(n);
    return false;
  }

  /**
   * A node it would otherwise consider, nominated: no candidate, and, as ValidateNodeDisruptable's
   * error becomes a DisruptionBlocked event ("Node is nominated for a pending pod"), recorded as held.
   */
  private heldByNomination(n: ClusterNode, now: number): boolean {
    if (!this.isNominated(n, now)) return false;
    this.cluster.scaleDownBlocks.notePool('karpenter', 'Nominated', n.name, n.pool.name, now);
    return true;
  }

  /**
   * statenode.go ValidatePodsDisruptable: no running pod of the node under an active
   * `karpenter.sh/do-not-disrupt`, and none whose PodDisruptionBudget allows no disruption.
   */
  private podsDisruptable(n: ClusterNode, now: number): boolean {
    const pods = n.movablePods();
    for (const p of pods) {
      if (doNotDisruptEnd(p) > now) {
        this.cluster.scaleDownBlocks.note('karpenter', 'DoNotDisrupt', n.name, p.revision.spec.name, now);
        return false;
      }
    }
    const held = this.cluster.budgets?.karpenterBlockingPod(pods);
    if (held !== undefined) this.cluster.scaleDownBlocks.note('karpenter', 'NotEnoughPdb', n.name, held.revision.spec.name, now);
    return held === undefined;
  }

  /**
   * Whether a pod leaving a node is one to find room for (pdb.go IsCurrentlyReschedulable): not
   * under an active do-not-disrupt nor a budget that blocks every eviction. Karpenter cannot tell
   * when such a pod will go, so neither its provisioner nor its simulations count it.
   */
  private currentlyReschedulable(p: Pod, now: number): boolean {
    return doNotDisruptEnd(p) <= now && this.cluster.budgets?.karpenterFullyBlocked(p) !== true;
  }

  /**
   * The eviction queue does not evict a pod under an active do-not-disrupt (terminator/eviction.go
   * Reconcile, pod IsEvictable): it looks at it again on its back-off, as at a refused eviction,
   * until the pod goes, its protection ends, or the NodeClaim's terminationGracePeriod deletes it.
   * Returns when its protection ends (now or earlier: evictable now).
   */
  evictableAt(_node: ClusterNode, pod: Pod, now: number): number {
    const until = doNotDisruptEnd(pod);
    return until > now ? until : now;
  }

  private consolidatable(n: ClusterNode, now: number): boolean {
    if (n.state !== 'Ready') return false;
    // The last pod event, or the node's initialization before any (nodeclaim/disruption consolidation.go).
    const last = n.lastPodEventTime(now);
    return now >= consolidatableAt(Number.isNaN(last) ? n.readyAt : last, this.spec.config);
  }

  /**
   * One pass of the disruption controller (disruption/controller.go Reconcile): the methods in
   * order, from `from`; the first that computes a command waits out its validation delay.
   * When none does, the next pass comes one polling period later.
   */
  private reconcile(this: void, self: KarpenterModel): void {
    const now = self.cluster.sim.now;
    if (!self.synced()) {
      self.cluster.sim.at(now + UNSYNCED_DISRUPTION_REQUEUE_SECONDS, self.reconcile, self);
      return;
    }
    self.tryMethods(now, 0);
  }

  /**
   * Whether Karpenter's cluster state is synced (state/cluster.go Synced): not while some NodeClaim
   * has no provider ID, i.e. its create call has not succeeded yet (a launch being retried). The
   * provisioner and the disruption controller decide nothing meanwhile.
   */
  private synced(): boolean {
    return !this.cluster.nodes.some((n) => n.state === 'Provisioning' && Number.isNaN(n.launchedAt));
  }

  private tryMethods(now: number, from: number): void {
    for (let m = from; m < METHODS.length; m++) {
      if (METHODS[m] === 'drift') {
        // Drift waits for no validation (drift.go computes one command and the queue starts it);
        // a pass that started one passes again at once.
        if (!this.drift(now)) continue;
        this.cluster.sim.at(now, this.reconcile, this);
        return;
      }
      const cmd = this.command(METHODS[m]!, now);
      if (cmd === undefined) continue;
      // The method blocks the controller while it waits (validation.go Validate): no other pass meanwhile.
      this.cluster.sim.at(now + this.spec.config.validationSeconds, this.onValidate, { self: this, method: m, ...cmd });
      return;
    }
    this.cluster.sim.at(now + this.spec.config.disruptionPollSeconds, this.reconcile, this);
  }

  /**
   * Drift (disruption/drift.go ComputeCommands): the drifted initialized nodes, oldest drift
   * first and the empty ones before the others; the first whose pods can all be scheduled
   * (driftDecision) is disrupted, if the budget allows one more. A node holding a pod whose
   * PodDisruptionBudget allows no disruption is no candidate, unless the NodePool sets a
   * terminationGracePeriod (drift is eventual disruption: types.go NewCandidate). False: none went.
   */
  private drift(now: number): boolean {
    if (this.drifted.size === 0) return false;
    for (const n of this.drifted.keys()) if (n.state === 'Deleted') this.drifted.delete(n);
    const eventual = Number.isFinite(this.spec.config.terminationGracePeriodSeconds);
    // Empty first (a node whose pods are all terminating is empty), each group in drift order.
    const empty: ClusterNode[] = [];
    const busy: ClusterNode[] = [];
    for (const n of this.drifted.keys()) {
      // A nominated node is no candidate, nor one annotated do-not-disrupt, eventual disruption or not (ValidateNodeDisruptable).
      if (n.state !== 'Ready' || this.heldByNomination(n, now)) continue;
      if (n.pool.doNotDisrupt === true) {
        this.cluster.scaleDownBlocks.notePool('karpenter', 'DoNotDisrupt', n.name, n.pool.name, now);
        continue;
      }
      if (!eventual && !this.podsDisruptable(n, now)) continue;
      (disruptionCost(n) <= 1 ? empty : busy).push(n);
    }
    // The candidates are looked at (and held ones recorded) before the budget (controller.go disrupt).
    if (this.budget('Drifted', now) === 0) return false;
    for (const n of [...empty, ...busy]) {
      const r = this.driftReplacements(n, now);
      if (r === undefined) continue;
      const floor = this.floorReplacements(n, r.types, now);
      if (floor === undefined) continue;
      const created = this.replace([n], [...r.types, ...floor], now, r.onto);
      this.drifted.get(n)!.replacements.push(...created);
      this.restoreFloor(n.pool, now);
      return true;
    }
    return false;
  }

  /**
   * The nodes of its own pool a drifted node's command must launch for the pool to keep minNodes
   * once the node goes, besides those its pods need (`types`): as upstream's static drift replaces
   * a static NodePool's drifted node with a new one launched before the old one drains
   * (disruption/staticdrift.go), the pool never drops below its floor for a drift, which is no
   * forceful disruption. They are reserved within maxNodes, nodes being deleted counted
   * (statenodepool.go ReserveNodeCount), as the floor's refill is; undefined when they cannot be
   * (no room, or the offering unavailable): the node waits, as static drift leaves it.
   */
  private floorReplacements(node: ClusterNode, types: readonly PoolType[], now: number): PoolType[] | undefined {
    const c = this.cluster;
    const pool = node.pool;
    const own = types.filter((t) => t.pool === pool).length;
    const missing = pool.minNodes - (c.poolSize(pool) - 1 + own);
    if (missing <= 0) return [];
    if (this.unavailable(pool, now) || c.targetSize(pool) + own + missing > pool.maxNodes) return undefined;
    const type = this.types.find((t) => t.pool === pool)!;
    return Array.from({ length: missing }, () => type);
  }

  /**
   * The nodes replacing drifted `node` takes (helpers.go SimulateScheduling, provisioner's
   * packing), each of the cheapest pool with room, and the existing nodes its pods and the others
   * simulated go onto; undefined when its pods cannot all go.
   */
  private driftReplacements(node: ClusterNode, now: number): { types: PoolType[]; onto: ClusterNode[] } | undefined {
    const c = this.cluster;
    const others = c.nodes.filter((n) => n.state === 'Ready' && !n.memoryPressure && n !== node);
    const launching = this.launching();
    const pods = this.simulatedPods([node], now);
    const stateNodes = this.stateNodes();
    const d = driftDecision(pods, others, launching.map(launchingView), (reqs) => this.cheapest(reqs, stateNodes, undefined, [node]) !== undefined);
    if (d.action === 'none') return undefined;
    const added = new Map<NodePoolSpec, number>();
    const types: PoolType[] = [];
    for (const b of d.newNodes) {
      const t = this.cheapest(b.map((i) => pods[i]!.resources), stateNodes, added, [node]);
      // The pools' room runs out across the new nodes: the command cannot launch them all.
      if (t === undefined) return undefined;
      added.set(t.pool, (added.get(t.pool) ?? 0) + 1);
      types.push(t);
    }
    const existing = [...others, ...launching];
    return { types, onto: d.onto.map((e) => existing[e]!) };
  }

  /**
   * The nodes still launching (the disruption simulations' last resort): only those whose create
   * call succeeded. A NodeClaim with no provider ID is no node of the cluster state (state/cluster.go
   * UpdateNodeClaim), so no simulation places pods onto it; a command validated while one retries
   * (the 15 s wait is not held by the sync) finds the pods it was for with nowhere to go.
   */
  private launching(): ClusterNode[] {
    return this.cluster.nodes.filter((n) => n.state === 'Provisioning' && !Number.isNaN(n.launchedAt));
  }

  /**
   * The pods a disruption simulation schedules (helpers.go SimulateScheduling): the movable pods
   * of `candidates`, the Unschedulable pods, and the movable pods of nodes being removed.
   */
  private simulatedPods(candidates: readonly ClusterNode[], now: number): SimulatedPod[] {
    const c = this.cluster;
    const pods: SimulatedPod[] = [];
    const add = (list: readonly Pod[], kind: SimulatedPod['kind']) => {
      for (const p of list) if (kind === 'pending' || this.currentlyReschedulable(p, now)) pods.push({ resources: c.requestsOf(p), kind, createdAt: p.createdAt });
    };
    for (const n of candidates) add(n.movablePods(), 'candidate');
    add(c.scheduler.unschedulable(), 'pending');
    for (const n of c.nodes) if (n.state === 'Tainted') add(n.movablePods(), 'deleting');
    return pods;
  }

  /**
   * Nodes the budget lets go now (initialized nodes, Ready or being removed, not those still
   * launching; those being removed use it up: disruption/helpers.go BuildDisruptionBudgetMapping).
   */
  private budget(reason: DisruptionReason, now: number): number {
    let counted = 0;
    let disrupting = 0;
    for (const n of this.cluster.nodes) {
      if (n.state === 'Ready') counted++;
      else if (n.state === 'Tainted') {
        counted++;
        disrupting++;
      }
    }
    const cfg = this.spec.config;
    if (cfg.budgets === undefined) return allowedDisruptions(counted, cfg.budgetPercent, disrupting);
    return allowedDisruptionsByReason(cfg.budgets, reason, counted, cfg.clockStartUnixSeconds + now, disrupting);
  }

  /**
   * The command `method` computes now: emptiness takes the empty consolidatable nodes within the
   * budget; under WhenEmptyOrUnderutilized, multi-node then single-node consolidation the others.
   */
  private command(method: Method, now: number): Command | undefined {
    const c = this.cluster;
    if (method !== 'emptiness' && this.spec.consolidation === 'WhenEmpty') return undefined;
    const budget = this.budget(method === 'emptiness' ? 'Empty' : 'Underutilized', now);
    // Highest price per unit of disruption first (consolidation.go sortCandidates), for
    // emptiness too; a node whose pods are all terminating is empty (Candidate.IsEmpty).
    const cost = new Map<ClusterNode, number>();
    for (const n of c.nodes) if (this.candidate(n, now)) cost.set(n, disruptionCost(n));
    const candidates = consolidationOrder([...cost.keys()], (n) => n.pool.pricePerHour, (n) => cost.get(n)!);
    // Emptiness takes the empty ones, consolidation the others, in that order. Emptiness and
    // multi-node take them within the budget, none taking its pool below minNodes; single-node
    // tries each of them in turn (singlenodeconsolidation.go: a command of one node spends no
    // budget per try; each candidate already leaves its pool at or above minNodes).
    const single = method === 'single-node';
    const sizes = new Map<NodePoolSpec, number>();
    const allowed: ClusterNode[] = [];
    let found = false;
    let constrained = false;
    for (const n of candidates) {
      if (cost.get(n)! <= 1 !== (method === 'emptiness')) continue;
      found = true;
      if (single ? budget === 0 : allowed.length >= budget) {
        constrained = true;
        break;
      }
      if (single) {
        allowed.push(n);
        continue;
      }
      const size = sizes.get(n.pool) ?? c.poolSize(n.pool);
      if (size <= n.pool.minNodes) continue;
      sizes.set(n.pool, size - 1);
      allowed.push(n);
    }
    // No candidate: the method is not run (controller.go disrupt), nor is the state read or marked.
    if (!found) return undefined;
    // Every method, emptiness too, first asks whether anything changed since it last found nothing
    // (IsConsolidated), whatever the budget: the asking itself may reset the state (5 minutes).
    if (this.consolidatedIn.get(method) === this.consolidationState(now)) return undefined;
    let cmd: Command | undefined;
    // An emptiness command simulates nothing, so it nominates no node (emptiness.go).
    if (method === 'emptiness') cmd = allowed.length > 0 ? { nodes: allowed, empty: true, decision: { action: 'delete', onto: [] }, onto: [] } : undefined;
    else if (allowed.length > 0) {
      // Balanced scores each move against the pool's totals, taken over all its nodes, candidates or not.
      const totals = this.spec.consolidation === 'Balanced' ? this.poolTotals() : undefined;
      cmd = method === 'multi-node' ? this.multiNode(allowed, now, totals) : this.singleNode(allowed, now, totals);
    }
    // Not when the budget held candidates back: they may go at the next pass (markConsolidated).
    if (cmd === undefined && !constrained) this.consolidatedIn.set(method, this.consolidationState(now));
    return cmd;
  }

  /**
   * Karpenter's consolidation state (state/cluster.go ConsolidationState): a value that changes
   * with every change of the cluster state, and by itself once 5 minutes pass without one.
   */
  private consolidationState(now: number): number {
    const c = this.cluster;
    if (now - Math.max(c.stateChangedAt, this.stateResetAt) >= CONSOLIDATION_STATE_RESET_SECONDS) {
      this.stateResets++;
      this.stateResetAt = now;
    }
    return c.stateChanges + this.stateResets;
  }

  /** The NodePool's cost and disruption cost (balanced.go computeNodePoolTotals): every node not deleted, launching ones too. */
  private poolTotals(): NodePoolTotals {
    let totalCost = 0;
    let totalDisruptionCost = 0;
    for (const n of this.cluster.nodes) {
      if (n.state === 'Deleted') continue;
      totalCost += n.pool.pricePerHour;
      totalDisruptionCost += disruptionCost(n);
    }
    return { totalCost, totalDisruptionCost };
  }

  /**
   * Under Balanced, whether a move passes (EvaluateBalancedMove): what it saves (the nodes' prices
   * less the replacement's) against what it disrupts (their disruption costs). Always, without totals.
   */
  private approved(nodes: readonly ClusterNode[], decision: ConsolidationDecision<PoolType>, totals: NodePoolTotals | undefined): boolean {
    if (totals === undefined) return true;
    let savings = 0;
    let disruption = 0;
    for (const n of nodes) {
      savings += n.pool.pricePerHour;
      disruption += disruptionCost(n);
    }
    if (decision.action === 'replace') savings -= decision.type.pricePerHour;
    return balancedApproved(savings, disruption, totals);
  }

  /**
   * Multi-node consolidation (multinodeconsolidation.go firstNConsolidationOption): a binary
   * search for the longest prefix, of at least 2 candidates and at most 101 (multiNodeSearchBounds),
   * that can be deleted or replaced by one cheaper node. Upstream stops the search after 1 minute of
   * its own computing time; knsim's simulation takes no time, so it always completes.
   */
  private multiNode(candidates: readonly ClusterNode[], now: number, totals: NodePoolTotals | undefined): Command | undefined {
    if (candidates.length < 2) return undefined;
    let { lo, hi } = multiNodeSearchBounds(candidates.length);
    let best: Command | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const nodes = candidates.slice(0, mid + 1);
      const { decision, onto } = this.decide(nodes, now);
      // A move Balanced does not approve counts as one that cannot be made (multinodeconsolidation.go).
      if (decision.action === 'none' || !this.approved(nodes, decision, totals)) hi = mid - 1;
      else {
        best = { nodes, empty: false, decision, onto };
        lo = mid + 1;
      }
    }
    return best;
  }

  /**
   * Single-node consolidation (singlenodeconsolidation.go): the first candidate with pods that can go.
   * Upstream abandons the pass after 3 minutes of its own computing (SingleNodeConsolidationTimeoutDuration),
   * which knsim's simulation never takes, and interleaves NodePools' candidates: knsim's pools are one NodePool's types.
   */
  private singleNode(candidates: readonly ClusterNode[], now: number, totals: NodePoolTotals | undefined): Command | undefined {
    for (const n of candidates) {
      // Under Balanced, a node not even its deletion would pass for is skipped (CanPassThreshold).
      if (!this.approved([n], { action: 'delete', onto: [] }, totals)) continue;
      const { decision, onto } = this.decide([n], now);
      if (decision.action !== 'none' && this.approved([n], decision, totals)) return { nodes: [n], empty: false, decision, onto };
    }
    return undefined;
  }

  /**
   * What removing `nodes` would take (disruption/helpers.go SimulateScheduling): their movable
   * pods, the Unschedulable pods and the movable pods of nodes already being removed, onto the
   * other Ready nodes, the nodes launched and not yet Ready, or one new node. A candidate's pod goes neither onto
   * a node still launching nor (consolidateAfter > 0, not Never) onto one whose last pod event is more
   * recent than that (scheduler.go: isUnderConsolidateAfter in consolidation simulations).
   */
  private decide(
    nodes: readonly ClusterNode[],
    now: number,
  ): { decision: ConsolidationDecision<PoolType>; onto: ClusterNode[]; sim: ConsolidationSimulation; types: PoolType[] } {
    const c = this.cluster;
    const wait = this.spec.config.consolidateAfterSeconds;
    const ready = c.nodes.filter((n) => n.state === 'Ready' && !n.memoryPressure && !nodes.includes(n));
    // consolidateAfter Never makes no node a candidate, yet every node stays a destination (consolidation.go).
    const settling = new Set(ready.filter((n) => wait > 0 && Number.isFinite(wait) && !this.consolidatable(n, now)).map((n) => n.name));
    const launching = this.launching();
    const pods = this.simulatedPods(nodes, now);
    // A replacement is of a pool with room for one more node, the candidates' own room counted as free.
    const types = this.withRoom(this.stateNodes(), undefined, nodes);
    const sim = simulateConsolidation(pods, ready, types, launching.map(launchingView), settling);
    const decision = consolidationPlan(
      nodes.map((n) => ({ type: n.pool.name, pricePerHour: n.pool.pricePerHour })),
      sim,
      types,
    );
    const existing = [...ready, ...launching];
    return { decision, onto: decision.action === 'none' ? [] : decision.onto.map((e) => existing[e]!), sim, types };
  }

  /**
   * The command after its validation delay. Run: the controller passes again at once (a
   * successful pass requeues immediately). Abandoned: the pass goes on with the next method.
   */
  private onValidate(this: void, v: { self: KarpenterModel; method: number } & Command): void {
    const { self } = v;
    const now = self.cluster.sim.now;
    if (self.execute(v, now)) self.cluster.sim.at(now, self.reconcile, self);
    else self.tryMethods(now, v.method + 1);
  }

  /** Re-validates a command and runs it; false when nothing of it is still valid. */
  private execute(v: Command, now: number): boolean {
    const c = this.cluster;
    // The budget as it is now (validation.go validateCandidates builds it again): nodes may have
    // expired, or been removed, while the command waited.
    let budget = this.budget(v.empty ? 'Empty' : 'Underutilized', now);
    if (v.empty) {
      // Emptiness runs on the nodes still valid, as many as the budget allows now
      // (EmptinessValidator), abandoned if none is.
      let ran = false;
      for (const n of v.nodes) {
        if (budget === 0) break;
        if (!this.consolidatable(n, now) || c.poolSize(n.pool) <= n.pool.minNodes || n.movablePods().length > 0 || this.heldByNomination(n, now)) continue;
        c.startRemoval(n, now, 0);
        this.tainted(n, now);
        budget--;
        ran = true;
      }
      return ran;
    }
    // The command as a whole (validation.go): its nodes still consolidatable and all within the
    // budget, and a new simulation still needing what it planned (validateCommand).
    if (budget < v.nodes.length) return false;
    // A node left empty meanwhile is no consolidation candidate any more (consolidation.go
    // ShouldDisrupt leaves it to emptiness), so the command no longer holds (validateCandidates).
    if (v.nodes.some((n) => !this.candidate(n, now) || disruptionCost(n) <= 1)) return false;
    const { sim, types } = this.decide(v.nodes, now);
    if (!consolidationStillValid(v.decision, sim, types)) return false;
    // A replacement launches the node it planned, even if a cheaper one would do now (queue.go StartCommand: cmd.Replacements).
    this.replace(v.nodes, v.decision.action === 'replace' ? [v.decision.type] : [], now, v.onto);
    return true;
  }

  /**
   * Runs a command (disruption/queue.go StartCommand): `nodes` tainted at once and `onto`, the
   * existing nodes its simulation placed pods onto, nominated; drained at once when no new node is
   * needed, else once the orchestration queue has seen every one of `types` launched for it Ready.
   * Returns the replacement NodeClaims it created.
   */
  private replace(nodes: readonly ClusterNode[], types: readonly PoolType[], now: number, onto: readonly ClusterNode[]): ClusterNode[] {
    const c = this.cluster;
    for (const n of nodes) c.startRemoval(n, now, types.length === 0 ? 0 : undefined);
    // The nodes its simulation moved pods onto are nominated as it starts (queue.go StartCommand: Results.Record).
    this.nominate(onto, now);
    for (const n of nodes) this.tainted(n, now);
    if (types.length === 0) return [];
    const cmd: Replacing = { old: [...nodes], since: now, waiting: types.length, over: false };
    const created = types.map((t) => this.launch(t.pool, now));
    for (const n of created) this.replacing.set(n, cmd);
    // The queue checks the command every second and gives it up at the first check past the
    // timeout (disruption/queue.go waitOrTerminate: strictly longer than minRetryDuration).
    const cfg = this.spec.config;
    const giveUp = now + (Math.floor(cfg.replacementTimeoutSeconds / cfg.queueRequeueSeconds) + 1) * cfg.queueRequeueSeconds;
    this.cluster.sim.at(giveUp, this.onReplacementTimeout, { self: this, cmd });
    return created;
  }

  /**
   * A replacement is still not initialized: the command fails and its nodes are untainted
   * (they keep their pods). The replacements are not deleted: they go on launching, and one that
   * registers is a node like any other.
   */
  private onReplacementTimeout(this: void, e: { self: KarpenterModel; cmd: Replacing }): void {
    e.self.fail(e.cmd, e.self.cluster.sim.now);
  }

  private fail(cmd: Replacing, now: number): void {
    if (cmd.over) return;
    cmd.over = true;
    for (const [node, x] of [...this.replacing]) if (x === cmd) this.replacing.delete(node);
    for (const n of cmd.old) this.cluster.untaint(n, now);
  }

  /**
   * A replacement is Ready: the queue sees it at its next once-a-second check of the command
   * (it does not watch the node), and only then deletes the old nodes, which are drained.
   */
  nodeReady(node: ClusterNode, now: number): void {
    const cmd = this.replacing.get(node);
    if (cmd === undefined) return;
    const at = queueCheckAt(cmd.since, now, this.spec.config.queueRequeueSeconds);
    if (at > now) this.cluster.sim.at(at, this.onReplacementSeen, { self: this, replacement: node });
    else this.replacementSeen(node, now);
  }

  private onReplacementSeen(this: void, e: { self: KarpenterModel; replacement: ClusterNode }): void {
    e.self.replacementSeen(e.replacement, e.self.cluster.sim.now);
  }

  private replacementSeen(node: ClusterNode, now: number): void {
    const cmd = this.replacing.get(node);
    // Given up meanwhile, at the check past the timeout.
    if (cmd === undefined) return;
    this.replacing.delete(node);
    if (--cmd.waiting > 0) return;
    cmd.over = true;
    for (const n of cmd.old) this.cluster.drain(n, now);
  }

  /**
   * A node the user drained (`kubectl delete node` with Karpenter: its termination finalizer
   * drains it and terminates the instance): the pool's floor is restored as after an expiry.
   */
  nodeDrainedByUser(node: ClusterNode, now: number): void {
    // Its termination finalizer puts the disruption taint on it (termination/controller.go).
    this.tainted(node, now);
    this.restoreFloor(node.pool, now);
  }

  /** The node termination controller terminates the instance (termination/controller.go). */
  /**
   * Its eviction queue retries a pod the API refused after a per-pod back-off from 100 ms,
   * doubling to at most 10 s (terminator/eviction.go evictionQueueBaseDelay, evictionQueueMaxDelay).
   */
  evictionRetrySeconds(round: number): number {
    return Math.min(EVICTION_QUEUE_BASE_DELAY_SECONDS * 2 ** (round - 1), EVICTION_QUEUE_MAX_DELAY_SECONDS);
  }

  /** A pod its budget or do-not-disrupt holds is deleted anyway after the NodeClaim's terminationGracePeriod less its grace (the revision's timeout). */
  forceDeleteAt(node: ClusterNode, pod: Pod): number {
    return karpenterForceDeleteAt(node.drainAt, this.spec.config, pod.revision.spec.timeoutSeconds);
  }

  terminationAt(node: ClusterNode, now: number): number {
    return instanceTerminationAt(node.drainAt, now, this.spec.config);
  }

  provisionFailed(node: ClusterNode, now: number): void {
    const cmd = this.replacing.get(node);
    if (cmd !== undefined) this.fail(cmd, now);
    this.restoreFloor(node.pool, now);
  }
}

/** A command waiting for its new nodes. */
interface Replacing {
  /** The tainted nodes it replaces. */
  old: ClusterNode[];
  /** When it started (the queue checks it every second from then). */
  since: number;
  /** Its new nodes not yet seen initialized. */
  waiting: number;
  /** Done: drained, or given up and its nodes untainted. */
  over: boolean;
}

/** A disruption command: the nodes, and what their removal takes. */
interface Command {
  nodes: ClusterNode[];
  /** Emptiness: every node empty, each re-checked on its own. */
  empty: boolean;
  decision: ConsolidationDecision<PoolType>;
  /** The existing nodes its simulation placed pods onto, nominated when it starts. */
  onto: ClusterNode[];
}

/** A node still launching, as a fresh node of its pool. */
function launchingView(n: ClusterNode): NodeView {
  return templateNode(n.name, poolTemplate(n.pool));
}

/**
 * What a node of `pool` counts for against its NodePool's limits. Upstream counts the instance
 * type's capacity; knsim knows only its allocatable (the pool's cpu and memory) and maxPods.
 */
function limitCapacity(pool: NodePoolSpec): NodeCapacity {
  return { cpuMillis: pool.cpuMillis, memoryBytes: pool.memoryBytes, pods: pool.maxPods };
}

/** The pool's NodePool limits: its resource limits, and maxNodes as the `nodes` one. */
function poolLimits(pool: NodePoolSpec): NodePoolLimits {
  return { ...pool.limits, nodes: pool.maxNodes };
}
