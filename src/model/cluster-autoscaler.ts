import {
  caDrainability,
  allPodsAreNew,
  bestScaleUpOption,
  bindPod,
  drainedNodeDeletionAt,
  estimateNodes,
  nodeGroupBackedOff,
  nodeGroupBackoffAfterFailure,
  nodeGroupBackoffStale,
  type NodeGroupBackoff,
  nodeUtilization,
  orderScaleDownCandidates,
  removableNodes,
  scaleDownInCooldown,
  SimulationPlacer,
  scaleUpRequestAfter,
  type ScaleUpRequest,
  softTaintChanges,
  templateNode,
  timeBefore,
  timedOutScaleUpRevert,
  unneededNodesLimit,
  UnneededNodes,
  UnremovableNodes,
  type NodeView,
  type PodResources,
  type ScaleUpOption,
} from '../core/capacity/index.js';
import type { RandomStream } from '../engine/random.js';
import type { Cluster, NodeAutoscaler } from './cluster.js';
import { poolTemplate, type ClusterNode } from './cluster-node.js';
import type { Pod } from './pod.js';
import type { NodeAutoscalerSpec, NodePoolSpec } from './spec.js';

type CaSpec = Extract<NodeAutoscalerSpec, { kind: 'cluster-autoscaler' }>;

/** core/scaledown/actuation/drain.go: DefaultEvictionRetryTime, and --max-pod-eviction-time's default. */
const CA_EVICTION_RETRY_SECONDS = 10;
const CA_MAX_POD_EVICTION_SECONDS = 120;

/**
 * The Cluster Autoscaler's loop (every scan-interval, from its own phase): scale up for
 * Unschedulable pods that fit neither existing nor upcoming nodes (binpacking estimator,
 * least-waste expander), then, in the same loop, scale down nodes unneeded for longer than
 * scale-down-unneeded-time outside the cooldowns; empty nodes in bulk, others drained one at a time,
 * each deleted at the first 5-second look that finds its evicted pods gone.
 */
export class ClusterAutoscalerLoop implements NodeAutoscaler {
  private readonly unneeded = new UnneededNodes();
  private readonly unremovable = new UnremovableNodes();
  private lastScaleUpTime: number | undefined;
  private lastScaleDownDeleteTime: number | undefined;
  /** The last loop that simulated removals, and the shortest interval between two such loops (planner.go minUpdateInterval). */
  private lastUpdate: number | undefined;
  private minUpdateInterval: number;
  /** Node pools backed off after failed scale-ups. */
  private readonly backoff = new Map<NodePoolSpec, NodeGroupBackoff>();
  /**
   * Each pool's scale-up request (clusterstate.go ScaleUpRequest): the nodes its scale-ups asked
   * for, and a deadline max-node-provision-time after the pool's latest scale-up.
   */
  private readonly requests = new Map<NodePoolSpec, ScaleUpRequest>();
  /** When the loop first saw each node it asked for still unregistered (clusterstate.go UnregisteredSince). */
  private readonly unregisteredSince = new Map<ClusterNode, number>();
  /** Nodes it started to remove with pods to drain: a drain in progress until the node is deleted (the deletion tracker). */
  private readonly drains = new Set<ClusterNode>();
  /** The removal simulation's scan start and hints, kept from loop to loop (RemovalSimulator's HintingSimulator). */
  private readonly placer: SimulationPlacer;
  /** filterOutSchedulable's own hints, on the same scan start (the snapshot's one plugin runner). */
  private readonly upPlacer: SimulationPlacer;
  /** This loop's pods to help that fit an existing node, by node: they stay in the snapshot the removal simulation reads. */
  private readonly placed = new Map<ClusterNode, Pod[]>();

  constructor(
    private readonly cluster: Cluster,
    private readonly spec: CaSpec,
    private readonly random: RandomStream,
  ) {
    const scan = { lastIndex: 0 };
    this.placer = new SimulationPlacer(scan);
    this.upPlacer = new SimulationPlacer(scan);
    this.minUpdateInterval = spec.config.scaleDownUnneededSeconds > 0 ? spec.config.scaleDownUnneededSeconds : 1e-9;
    const period = spec.config.scanIntervalSeconds;
    const first = spec.firstScanSeconds ?? random.uniform(0, period);
    cluster.sim.every(first, period, this.loop, this);
  }

  private readonly tieBreak = (n: number): number => this.random.int(n);

  /** The CA reacts on its loop only. */
  podUnschedulable(_pod: Pod, _now: number): void {}

  private loop(this: void, self: ClusterAutoscalerLoop): void {
    const now = self.cluster.sim.now;
    // A pool whose last failed scale-up is more than the reset timeout ago starts its back-off afresh.
    for (const [pool, b] of self.backoff) if (nodeGroupBackoffStale(b, now, self.spec.config)) self.backoff.delete(pool);
    self.updateScaleRequests(now);
    self.removeOldUnregisteredNodes(now);
    const up = self.scaleUp(now);
    // A scale-up does not end the loop (CA 1.34 on): the scale-down part still tracks unneeded
    // nodes and soft taints, and its cooldown check (lastScaleUpTime is now) decides whether it
    // may remove any. While the pods are all new it only tracks them.
    self.scaleDown(now, up === 'wait');
  }

  /**
   * clusterstate.go updateScaleRequests, at the start of each loop: a pool with no node still
   * coming has scaled up (its back-off stays: only the reset timeout forgets it, as nothing calls
   * RemoveBackoff); one whose deadline has passed has failed, backs off, and is reverted: the
   * cloud gives up its nodes still coming when none of them came (each seen only at a loop, not
   * at the deadline itself).
   */
  private updateScaleRequests(now: number): void {
    for (const [pool, request] of [...this.requests]) {
      const coming = this.cluster.nodes.filter((n) => n.pool === pool && n.state === 'Provisioning');
      if (coming.length === 0) {
        this.requests.delete(pool);
      } else if (timeBefore(request.deadlineSeconds, now)) {
        this.requests.delete(pool);
        this.backoff.set(pool, nodeGroupBackoffAfterFailure(this.backoff.get(pool), now, this.spec.config));
        // DecreaseTargetSize: the nodes asked for last are the ones not fulfilled; one registered (not Ready yet) is not given up.
        const unregistered = coming.filter((n) => !n.registered);
        const k = timedOutScaleUpRevert(request, unregistered.length);
        for (const n of unregistered.slice(unregistered.length - k)) this.cluster.cancelProvision(n, now);
      }
    }
  }

  /**
   * Whether a pool's nodes still coming count as upcoming in the scale-up check (clusterstate.go
   * GetUpcomingNodes): only while its scale-up request is open and it is not backed off, so pods
   * waiting for a failed scale-up's nodes can go to another pool.
   */
  private upcoming(pool: NodePoolSpec, now: number): boolean {
    return this.requests.has(pool) && !nodeGroupBackedOff(this.backoff.get(pool), now);
  }

  /**
   * static_autoscaler.go removeOldUnregisteredNodes: a node still unregistered
   * max-node-provision-time after the loop first saw it so is deleted (its instance given up),
   * unless that would take its pool's target size below its minimum: then it stays, and is
   * looked at again each loop.
   */
  private removeOldUnregisteredNodes(now: number): void {
    const c = this.cluster;
    for (const n of [...this.unregisteredSince.keys()]) if (n.state !== 'Provisioning' || n.registered) this.unregisteredSince.delete(n);
    // Deletions each pool may still take this loop (target size − min size).
    const left = new Map<NodePoolSpec, number>();
    // A copy: a deleted node leaves c.nodes, which must not skip the next one.
    for (const n of [...c.nodes]) {
      // A node registered but not Ready yet has its Node object: not unregistered.
      if (n.state !== 'Provisioning' || n.registered) continue;
      const since = this.unregisteredSince.get(n);
      if (since === undefined) this.unregisteredSince.set(n, now);
      else if (timeBefore(since + this.spec.config.maxNodeProvisionSeconds, now)) {
        const room = left.get(n.pool) ?? c.targetSize(n.pool) - n.pool.minNodes;
        if (room <= 0) continue;
        left.set(n.pool, room - 1);
        this.unregisteredSince.delete(n);
        c.cancelProvision(n, now);
      }
    }
  }

  private scaleUp(now: number): 'scaled' | 'wait' | 'none' {
    const cfg = this.spec.config;
    const c = this.cluster;
    this.placed.clear();
    const pending = c.scheduler.unschedulable();
    // The pods still on the nodes it is draining, not yet evicted (a PodDisruptionBudget refused
    // them, or the taint's delay runs), count as pods to place too (currentlyDrainedNodesPodListProcessor;
    // it skips a pod already being deleted, whose replacement the ReplicaSet has created).
    const drained: Pod[] = [];
    for (const n of this.drains) if (n.state === 'Tainted') drained.push(...n.movablePods());
    const pods = drained.length > 0 ? [...pending, ...drained] : pending;
    if (pods.length === 0) {
      // filterOutSchedulable runs every loop, its hints aging even with no pod to place.
      this.upPlacer.dropOldHints();
      return 'none';
    }
    // Existing nodes, and upcoming ones as fresh templates: pods they can hold need no new node.
    const sim: NodeView[] = [];
    const existing: (ClusterNode | undefined)[] = [];
    for (const n of c.nodes) {
      // A node tainted for memory pressure takes no pod in CA's simulation either.
      if (n.schedulable) {
        sim.push(n);
        existing.push(n);
      } else if (n.state === 'Provisioning' && this.upcoming(n.pool, now)) {
        sim.push(templateNode(n.name, poolTemplate(n.pool)));
        existing.push(undefined);
      }
    }
    const left: PodResources[] = [];
    const leftCreated: number[] = [];
    for (const pod of pods) {
      const r = c.requestsOf(pod);
      const i = this.upPlacer.place(sim.length, (k) => sim[k]!, () => true, r, pod.name);
      if (i >= 0) {
        sim[i] = bindPod(sim[i]!, r);
        // filterOutSchedulable leaves the pod in the snapshot: the removal simulation sees it there.
        const n = existing[i];
        if (n !== undefined) this.placed.set(n, [...(this.placed.get(n) ?? []), pod]);
      } else if (timeBefore(pod.createdAt + cfg.newPodScaleUpDelaySeconds, now)) {
        // filterOutYoungPods runs after filterOutSchedulable: a pod no older than
        // new-pod-scale-up-delay (podAge > delay, strict) still takes its room above, but asks for no node.
        left.push(r);
        leftCreated.push(pod.createdAt);
      }
    }
    this.upPlacer.dropOldHints();
    if (left.length === 0) return 'none';
    if (allPodsAreNew(leftCreated, now, cfg)) return 'wait';
    const options: ScaleUpOption<NodePoolSpec>[] = [];
    for (const pool of c.spec.pools) {
      // A backed-off group is no option (orchestrator.go IsNodeGroupReadyToScaleUp, NodeGroupScaleUpSafety).
      if (nodeGroupBackedOff(this.backoff.get(pool), now)) continue;
      // Against the group's target size, which still counts nodes being removed until they are
      // deleted (orchestrator: currentTargetSize >= MaxSize skips the group).
      const room = Math.min(cfg.maxNodesPerScaleUp, pool.maxNodes - c.targetSize(pool));
      if (room <= 0) continue;
      const template = poolTemplate(pool);
      const e = estimateNodes(left, template, room);
      options.push({ group: pool, template, nodes: e.nodes, scheduled: e.scheduled });
    }
    const best = bestScaleUpOption(options, this.tieBreak);
    if (best === undefined) return 'none';
    // No timer per node: the loop tells a late node (removeOldUnregisteredNodes) and a failed request.
    for (let i = 0; i < best.nodes; i++) c.provision(best.group, now);
    this.requests.set(best.group, scaleUpRequestAfter(this.requests.get(best.group), best.nodes, now, cfg));
    this.lastScaleUpTime = now;
    return 'scaled';
  }

  /** `hold`: this loop removes nothing (its pods to help are all new), but still tracks unneeded nodes. */
  private scaleDown(now: number, hold: boolean): void {
    const cfg = this.spec.config;
    const c = this.cluster;
    // Candidates in CA's order: empty nodes first, then those unneeded at the last loop, else as
    // listed (scaledowncandidates sorting: emptycandidates, previouscandidates).
    // Each node as the snapshot holds it: its pods, and the pods to help the scale-up check put there.
    const extra = (n: ClusterNode): readonly Pod[] => this.placed.get(n) ?? [];
    const snapshotView = (n: ClusterNode): NodeView => extra(n).reduce((v, p) => bindPod(v, c.requestsOf(p)), n as NodeView);
    const podsOf = (n: ClusterNode): Pod[] => (extra(n).length > 0 ? [...n.podsToMoveForCA(now), ...extra(n)] : n.podsToMoveForCA(now));
    const ready = orderScaleDownCandidates(
      c.schedulableNodes(),
      (n) => podsOf(n).length === 0,
      (n) => this.unneeded.unneededSince(n.name) !== undefined,
    );
    // Its pods (and those moved onto it earlier in this loop) must fit elsewhere, not on nodes
    // already found removable in this loop. A node whose pods found no place is left out for
    // unremovable-node-recheck-timeout (planner.go categorizeNodes, AddTimeout).
    this.unremovable.update(now);
    const eligible = ready.map((n) => {
      // A candidate while its pool's target size, which still counts the nodes being removed, is above
      // minNodes (PreFilteringScaleDownNodeProcessor); those removals count only when it is to go (keepsMin below).
      if (this.unremovable.isRecent(n.name) || c.targetSize(n.pool) <= n.pool.minNodes || !(nodeUtilization(snapshotView(n)) < cfg.scaleDownUtilizationThreshold)) return false;
      // A node annotated scale-down-disabled is never a candidate (eligibility.go): held by its own annotation.
      if (n.pool.scaleDownDisabled === true) {
        c.scaleDownBlocks.notePool('cluster-autoscaler', 'ScaleDownDisabledAnnotation', n.name, n.pool.name, now);
        return false;
      }
      return true;
    });
    if (this.lastUpdate !== undefined) this.minUpdateInterval = Math.min(this.minUpdateInterval, now - this.lastUpdate);
    this.lastUpdate = now;
    // No more unneeded nodes than the coming loops could remove (planner.go unneededNodesLimit).
    const limit = unneededNodesLimit(this.unneeded.size, cfg.maxEmptyBulkDelete, cfg.scaleDownUnneededSeconds, this.minUpdateInterval);
    const toMove = ready.map(podsOf);
    // The loop's PodDisruptionBudget tracker, from the budgets' status now (RemainingPdbTracker).
    const budgets = c.budgets;
    const tracker = budgets?.remainingDisruptions();
    // The drainability rules in order: safe-to-evict "true" passes a pod (its budget is not asked),
    // "false" or a local volume blocks the node, then the budgets must allow the rest.
    const skipLocal = cfg.skipNodesWithLocalStorage;
    const drainable = (node: ClusterNode, pods: readonly Pod[]): boolean => {
      const asked: Pod[] = [];
      for (const p of pods) {
        const v = caDrainability(p.revision.spec.disruptionControls, skipLocal);
        if (v === 'undecided') asked.push(p);
        else if (v !== 'drainable') {
          // The first blocking pod gives the node's reason (GetPodsToMove's BlockingPod).
          c.scaleDownBlocks.note('cluster-autoscaler', v, node.name, p.revision.spec.name, now);
          return false;
        }
      }
      if (budgets === undefined || tracker === undefined) return true;
      const blocked = tracker.firstBlocked(budgets.budgetIndexes(asked));
      if (blocked >= 0) c.scaleDownBlocks.note('cluster-autoscaler', 'NotEnoughPdb', node.name, asked[blocked]!.revision.spec.name, now);
      return blocked < 0;
    };
    // The simulation's destinations scan the registered nodes in the order they joined (upstream: the
    // snapshot's Go map order); only Ready, untainted ones take pods (deletions in progress are no destination).
    const listed = c.registeredNodes();
    const at = new Map(listed.map((n, j) => [n, j]));
    const candidateAt: number[] = ready.map((n) => at.get(n)!);
    const readyAt = new Map(candidateAt.map((j, i) => [j, i]));
    const movable = (j: number): readonly Pod[] => (readyAt.has(j) ? toMove[readyAt.get(j)!]! : []);
    const removableAt = removableNodes(
      listed.map(snapshotView),
      listed.map((_, j) => movable(j).map((p) => c.requestsOf(p))),
      (j) => readyAt.has(j) && eligible[readyAt.get(j)!]!,
      limit,
      { drainable: (j) => drainable(listed[j]!, movable(j)), removed: (j) => tracker?.removePods(budgets!.budgetIndexes(movable(j))) },
      { order: candidateAt, destination: (j) => listed[j]!.schedulable, placer: this.placer, keys: listed.map((_, j) => movable(j).map((p) => p.name)) },
    ).map((j) => readyAt.get(j)!);
    // Hints not renewed in this loop are forgotten at its end (planner.go UpdateClusterState, DropOldHints).
    this.placer.dropOldHints();
    const found = removableAt.map((i) => ready[i]!);
    const ok = new Set(removableAt);
    // Nodes after the limit was reached were not simulated: no recheck timeout for them.
    const simulatedUpTo = removableAt.length >= limit ? removableAt[removableAt.length - 1]! : Number.POSITIVE_INFINITY;
    ready.forEach((n, i) => {
      if (i <= simulatedUpTo && eligible[i] && !ok.has(i)) this.unremovable.addTimeout(n.name, now + cfg.unremovableNodeRecheckSeconds);
    });
    this.unneeded.update(now, found.map((n) => n.name));
    // Soft taints follow the verdict whatever the loop does next (cooldown, hold or deletions):
    // upstream updates them from the node list read at the loop's start, so before this loop's removals.
    this.updateSoftTaints(listed, new Set(found));
    if (hold || scaleDownInCooldown(now, { lastScaleUpTime: this.lastScaleUpTime, lastScaleDownDeleteTime: this.lastScaleDownDeleteTime }, cfg)) return;
    const removable = found.filter((n) => this.unneeded.removable(n.name, now, cfg.scaleDownUnneededSeconds));
    if (removable.length === 0) return;
    // unneeded/nodes.go verifyMinSize: the target size less the deletions in progress must stay at or above minNodes.
    const sizes = new Map<NodePoolSpec, number>();
    const keepsMin = (n: ClusterNode): boolean => {
      const size = sizes.get(n.pool) ?? c.poolSize(n.pool);
      if (size - 1 < n.pool.minNodes) return false;
      sizes.set(n.pool, size - 1);
      return true;
    };
    // The actuator's budgets (actuation/actuator.go cropNodesToBudgets): deletions still in
    // progress use up max-scale-down-parallelism; empty nodes go first, then, in the same loop,
    // one node to drain if the parallelism left allows and no drain is under way (max-drain-parallelism 1).
    let inProgress = 0;
    let draining = 0;
    for (const n of [...this.drains]) if (n.state !== 'Tainted') this.drains.delete(n);
    for (const n of c.nodes) {
      // Its deletion tracker counts only the CA's own deletions, not a node the user drains.
      if (n.state !== 'Tainted' || n.removedByUser) continue;
      inProgress++;
      // A drained node stays a drain in progress until it is deleted, its last pod gone or not.
      if (this.drains.has(n)) draining++;
    }
    let budget = cfg.maxEmptyBulkDelete - inProgress;
    // Empty or drain by the pods the simulation moved (planner.go NodesToDelete: PodsToReschedule),
    // so a pod to help that filterOutSchedulable put on the node makes it a drain.
    for (const n of removable) {
      if (budget <= 0) break;
      if (podsOf(n).length > 0 || !keepsMin(n)) continue;
      this.remove(n, now);
      budget--;
    }
    if (budget <= 0 || draining > 0) return;
    const victim = removable.find((n) => podsOf(n).length > 0 && keepsMin(n));
    if (victim !== undefined) {
      this.drains.add(victim);
      this.remove(victim, now);
    }
  }

  /**
   * static_autoscaler.go updateSoftDeletionTaints: PreferNoSchedule on the unneeded nodes, off
   * the others, within max-bulk-soft-taint-count changes (0: never). A node the CA is deleting
   * is left as it is; one the user drains is merely cordoned, so it counts as needed.
   */
  private updateSoftTaints(listed: readonly ClusterNode[], unneeded: ReadonlySet<ClusterNode>): void {
    const budget = this.spec.config.maxBulkSoftTaintCount;
    if (budget === 0) return;
    const { untaint, taint } = softTaintChanges(
      listed.map((n) => ({ unneeded: unneeded.has(n), softTainted: n.softTainted, toBeDeleted: n.state === 'Tainted' && !n.removedByUser })),
      budget,
    );
    for (const i of untaint) listed[i]!.softTainted = false;
    for (const i of taint) listed[i]!.softTainted = true;
  }

  /** Its drain retries an eviction a PodDisruptionBudget refused every 10 s (DefaultEvictionRetryTime)... */
  evictionRetrySeconds(): number {
    return CA_EVICTION_RETRY_SECONDS;
  }

  /** ...for up to max-pod-eviction-time (2 min), then the removal fails and the node is untainted. */
  readonly evictionDeadlineSeconds = CA_MAX_POD_EVICTION_SECONDS;

  /**
   * Each eviction asks for the pod's grace period, at most max-graceful-termination-sec
   * (actuation/drain.go evictPod: DeleteOptions.GracePeriodSeconds), so a revision whose
   * timeoutSeconds is longer is killed that long after its eviction.
   */
  get evictionGraceSeconds(): number {
    return this.spec.config.maxGracefulTerminationSeconds;
  }

  /** A drained node is deleted at CA's first 5-second look, from the evictions, that finds its pods gone. */
  terminationAt(node: ClusterNode, now: number): number {
    // A node the user drained is deleted by the user (its instance) once empty, not by the CA.
    if (node.removedByUser) return now;
    return drainedNodeDeletionAt(node.drainAt, now);
  }

  private remove(node: ClusterNode, now: number): void {
    this.unneeded.forget(node.name);
    this.lastScaleDownDeleteTime = now;
    this.cluster.startRemoval(node, now, this.spec.config.nodeDeleteDelayAfterTaintSeconds);
  }
}
