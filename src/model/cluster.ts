import { makeSampler, type Sampler } from '../engine/distributions.js';
import type { RandomStream } from '../engine/random.js';
import { podResources, type PodResources } from '../core/capacity/index.js';
import { ClusterNode } from './cluster-node.js';
import { ClusterAutoscalerLoop } from './cluster-autoscaler.js';
import { KarpenterModel } from './cluster-karpenter.js';
import { SchedulingQueue } from './cluster-scheduler.js';
import type { Pod } from './pod.js';
import { KubeletEviction } from './node-eviction.js';
import { DisruptionBudgets } from './disruption-budgets.js';
import { ProvisioningBlocks } from './provisioning-blocks.js';
import { ScaleDownBlocks } from './scale-down-blocks.js';
import type { NodePoolSpec, NodesSpec } from './spec.js';
import type { World } from './world.js';

/** kubectl drain waits this long after an eviction the API refused (a 429) before trying that pod again (pkg/drain). */
const KUBECTL_DRAIN_RETRY_SECONDS = 5;

/** Whether the user's `kubectl drain` evicts the node's pods (also when its autoscaler had begun removing it). */
function byKubectl(node: ClusterNode): boolean {
  if (node.kubectlGaveUp) return false;
  return node.removedByUser || node.drainRecord !== undefined;
}

/** A pod without requests (a revision built without node pools): it only takes a pod slot. */
const NO_REQUESTS = podResources([]);

/**
 * A revision's initialPods (running before the run) do not fit the initial nodes. Bad input,
 * which the scenario loader reports against the scenario's field (scenario/initial-placement.ts).
 */
export class InitialPodsDoNotFit extends Error {
  constructor(
    readonly revision: string,
    readonly pod: string,
  ) {
    super(`the initial nodes cannot hold ${revision}'s initialPods (pod ${pod} fits no node); add initialNodes or lower initialPods`);
  }
}

/** What the node autoscaler hears from the cluster. */
export interface NodeAutoscaler {
  /** A pod's first scheduling attempt failed (it is now Unschedulable). */
  podUnschedulable(pod: Pod, now: number): void;
  /** A node it requested did not become Ready in time and was deleted. */
  provisionFailed?(node: ClusterNode, now: number): void;
  /** A node became Ready. */
  nodeReady?(node: ClusterNode, now: number): void;
  /** A node was deleted (its NodeClaim gone): room under its pool's node limit again. */
  nodeDeleted?(node: ClusterNode, now: number): void;
  /** When a node being removed, its last pod gone at `now`, is deleted (and billed no more); at once when absent. */
  terminationAt?(node: ClusterNode, now: number): number;
  /** The user drained a Ready node, which is now being removed (`updates[].drainNode`). */
  nodeDrainedByUser?(node: ClusterNode, now: number): void;
  /** How long its drain waits to retry evictions a PodDisruptionBudget refused, after `round` refused rounds (kubectl's 5 s when absent). */
  evictionRetrySeconds?(round: number): number;
  /** How long after its drain began it stops retrying and calls the removal off (absent: never). */
  readonly evictionDeadlineSeconds?: number;
  /** The moment strictly after which it deletes a pod its budget still holds, bypassing the Eviction API (absent or Infinity: never). */
  forceDeleteAt?(node: ClusterNode, pod: Pod): number;
  /** When its drain may first evict `pod` (Karpenter's do-not-disrupt; absent, or `now` or earlier: at once); a held pod is looked at again on the refused pods' retries. */
  evictableAt?(node: ClusterNode, pod: Pod, now: number): number;
  /** The longest grace period its evictions give a pod (absent: the pod's own). */
  readonly evictionGraceSeconds?: number;
}

/**
 * The cluster's nodes: node pools, node lifecycle (requested → Ready → Tainted → Deleted),
 * binding, the scheduler's queue and the node autoscaler. Owned by World when the scenario
 * has node pools; every decision (fit, score, back-off, scale-up, scale-down, cost) is
 * core's (knsim/capacity).
 */
export class Cluster {
  /** Nodes not deleted, in creation order. */
  readonly nodes: ClusterNode[] = [];
  readonly scheduler: SchedulingQueue;
  readonly autoscaler: NodeAutoscaler | undefined;
  private readonly latency = new Map<NodePoolSpec, Sampler>();
  private readonly nodeRandom: RandomStream;
  private readonly seq = new Map<NodePoolSpec, number>();
  /**
   * Per pool: nodes not deleted, and of those the ones not Tainted, kept as nodes change state
   * (autoscalers ask for every node of a pass: counting 5,000 nodes each time was quadratic).
   */
  private readonly notDeleted = new Map<NodePoolSpec, number>();
  private readonly notRemoved = new Map<NodePoolSpec, number>();
  /** The kubelets' eviction managers: only when some revision models memory (node-eviction.ts). */
  private readonly eviction: KubeletEviction | undefined;
  /** The users' PodDisruptionBudgets, which every eviction asks (none: every eviction goes ahead). */
  readonly budgets: DisruptionBudgets | undefined;
  /** The nodes pod annotations, local volumes and PodDisruptionBudgets kept from the node autoscaler (summary.json's scaleDownBlocks). */
  readonly scaleDownBlocks = new ScaleDownBlocks();
  /** The pods Karpenter's NodePool limits left Pending (summary.json's provisioningBlocks). */
  readonly provisioningBlocks = new ProvisioningBlocks();
  /**
   * What Karpenter's cluster state counts as a change for consolidation (state/cluster.go
   * MarkUnconsolidated): a pod bound or deleted, a node added, initialized, marked or unmarked
   * for deletion, or deleted. How many so far, and when the last was.
   */
  stateChanges = 0;
  stateChangedAt = 0;

  constructor(
    readonly world: World,
    readonly spec: NodesSpec,
  ) {
    const rnd = world.sim.random;
    this.nodeRandom = rnd.stream('nodes/startup');
    for (const p of spec.pools) this.latency.set(p, makeSampler(p.startupLatency));
    this.scheduler = new SchedulingQueue(this, rnd.stream('scheduler/ties'));
    const memory = world.spec.services.some((s) => s.revisions.some((r) => r.memory !== undefined));
    this.eviction = memory ? new KubeletEviction(this) : undefined;
    const budgets = world.spec.disruptionBudgets ?? [];
    this.budgets = budgets.length > 0 ? new DisruptionBudgets(world, budgets) : undefined;
    for (const p of spec.pools)
      for (let i = 0; i < p.initialNodes; i++) {
        const node = this.newNode(p, 0);
        node.launchedAt = 0;
        this.nodeReady(node, 0);
      }
    const a = spec.autoscaler;
    if (a.kind === 'cluster-autoscaler') this.autoscaler = new ClusterAutoscalerLoop(this, a, rnd.stream('cluster-autoscaler'));
    else if (a.kind === 'karpenter') this.autoscaler = new KarpenterModel(this, a, rnd.stream('karpenter'));
  }

  get sim() {
    return this.world.sim;
  }

  /** The pod's requests as the scheduler reads them. */
  requestsOf(pod: Pod): PodResources {
    return pod.revision.spec.podRequests ?? NO_REQUESTS;
  }

  /**
   * The pool's nodes not yet deleted, those being removed included: a cloud node group's target
   * size, which only drops when a removed node is deleted.
   */
  targetSize(pool: NodePoolSpec): number {
    return this.notDeleted.get(pool) ?? 0;
  }

  /** Nodes of `pool` that count against its size (requested and not deleted). */

  poolSize(pool: NodePoolSpec): number {
    return this.notRemoved.get(pool) ?? 0;
  }

  private count(counts: Map<NodePoolSpec, number>, pool: NodePoolSpec, by: number): void {
    counts.set(pool, (counts.get(pool) ?? 0) + by);
  }

  /** One of the changes stateChanges counts happened at `now`. */
  noteStateChange(now: number): void {
    this.stateChanges++;
    this.stateChangedAt = now;
  }

  private newNode(pool: NodePoolSpec, now: number): ClusterNode {
    this.noteStateChange(now);
    const k = (this.seq.get(pool) ?? 0) + 1;
    this.seq.set(pool, k);
    const node = new ClusterNode(`${pool.name}-${String(k).padStart(3, '0')}`, pool, now);
    this.nodes.push(node);
    this.count(this.notDeleted, pool, 1);
    this.count(this.notRemoved, pool, 1);
    this.world.recorder.node?.(node, 'Requested', now);
    return node;
  }

  /**
   * Ask the cloud for a node of `pool`: Ready its start-up latency after the cloud accepted the
   * launch (`launchedAt`: at once unless Karpenter's launch was retried; Infinity: never), unless
   * that is more than `timeoutSeconds` (Karpenter's registration timeout) after the request: then
   * it is deleted at the timeout and the autoscaler is told. Without a timeout the node becomes
   * Ready whenever it does, unless its autoscaler gives it up first (the Cluster Autoscaler, on its loop).
   */
  provision(pool: NodePoolSpec, now: number, timeoutSeconds?: number, launchedAt = now): ClusterNode {
    const node = this.newNode(pool, now);
    if (launchedAt === now) node.launchedAt = now;
    else if (Number.isFinite(launchedAt)) this.sim.at(launchedAt, this.onLaunched, node);
    const latency = this.latency.get(pool)!.sample(this.nodeRandom);
    const readyAt = launchedAt + latency;
    const registerAt = readyAt - Math.min(pool.readyAfterRegistrationSeconds ?? 0, latency);
    // Karpenter's registration timeout waits for the Node object, not for it to be Ready (liveness).
    if (timeoutSeconds === undefined || registerAt - now <= timeoutSeconds) {
      if (registerAt < readyAt) this.sim.at(registerAt, this.onRegistered, node);
      if (Number.isFinite(readyAt)) this.sim.at(readyAt, this.onNodeReady, node);
    } else this.sim.at(now + timeoutSeconds, this.onProvisionTimeout, node);
    return node;
  }

  /**
   * The first create call for a launching node failed with an error that is retried (Karpenter's
   * NodeClaim: Launched stays Unknown, reason LaunchFailed): no instance exists, so it is not billed
   * until a retry launches it (nodes.csv `Launched`), nor at all if it is deleted first.
   */
  launchFailed(node: ClusterNode, now: number): void {
    this.world.recorder.node?.(node, 'LaunchFailed', now);
  }

  /** A retried create call succeeded: the instance exists from now (Launched=True). */
  private onLaunched = (node: ClusterNode): void => {
    if (node.state !== 'Provisioning') return;
    node.launchedAt = this.sim.now;
    this.world.recorder.node?.(node, 'Launched', node.launchedAt);
  };

  /** Its kubelet registered the Node object, not Ready yet (readyAfterRegistrationSeconds before). */
  private onRegistered = (node: ClusterNode): void => {
    if (node.state !== 'Provisioning') return;
    const now = this.sim.now;
    this.register(node, now);
    // A node was added (with its not-ready taint): only pods its size could help try again (queueing hints).
    this.scheduler.moveAllToActive(now, 'NodeAdded', node);
  };

  /**
   * The Node object is created: kube-scheduler's cache adds it at the end of its node list (one
   * zone: knsim's nodes carry no zone label), and the range allocator gives it a podCIDR.
   */
  private register(node: ClusterNode, now: number): void {
    node.registeredAt = now;
    this.joined.push(node);
    this.registered = undefined;
    this.world.network.nodeRegistered(node);
  }

  private onNodeReady = (node: ClusterNode): void => {
    if (node.state === 'Provisioning') this.nodeReady(node, this.sim.now);
    else if (node.state === 'Tainted' && node.removedByUser && Number.isNaN(node.readyAt)) {
      // Drained while registered but not Ready: its kubelet reports Ready all the same, and the
      // node stays cordoned (spec.unschedulable), empty, until its instance is deleted.
      node.readyAt = this.sim.now;
      this.world.recorder.node?.(node, 'Ready', node.readyAt);
    }
  };

  private onProvisionTimeout = (node: ClusterNode): void => {
    if (node.state !== 'Provisioning') return;
    const now = this.sim.now;
    this.delete(node, now);
    this.autoscaler?.provisionFailed?.(node, now);
  };

  private nodeReady(node: ClusterNode, now: number): void {
    const registeredBefore = node.registered;
    node.state = 'Ready';
    this.noteStateChange(now);
    this.eviction?.start(node, now, now === 0 && node.requestedAt === 0);
    // Registered as it becomes Ready, unless its kubelet registered it earlier.
    if (!registeredBefore) this.register(node, now);
    node.readyAt = now;
    this.world.recorder.node?.(node, 'Ready', now);
    // A node was added, or lost its not-ready taint: pods waiting for it try again now.
    this.scheduler.moveAllToActive(now, registeredBefore ? 'NodeTaintRemoved' : 'NodeAdded', node);
    this.autoscaler?.nodeReady?.(node, now);
  }

  /** A node still launching is given up (its NodeClaim deleted): it never becomes Ready. */
  cancelProvision(node: ClusterNode, now: number): void {
    if (node.state === 'Provisioning') this.delete(node, now);
  }

  /**
   * Start removing a node: tainted now (no new pods bind to it); after `evictAfter` seconds
   * its pods are evicted (their ReplicaSets create replacements elsewhere), and it is deleted
   * once the last of them is gone (or when the autoscaler's termination says, see drained).
   */
  startRemoval(node: ClusterNode, now: number, evictAfter: number | undefined): void {
    if (node.state !== 'Ready') return;
    this.cordon(node, now);
    // Undefined: tainted now, drained when the autoscaler says (drain): Karpenter waits for a replacement.
    if (evictAfter === undefined) return;
    node.drainAt = now + evictAfter;
    this.sim.at(node.drainAt, this.onEvict, node);
  }

  /**
   * Tainted (or cordoned) for removal now: no new pod binds to it. A registered node not Ready
   * yet stays so when its kubelet reports Ready (onNodeReady only readies a launching node).
   */
  private cordon(node: ClusterNode, now: number): void {
    node.state = 'Tainted';
    this.noteStateChange(now);
    this.count(this.notRemoved, node.pool, -1);
    node.taintedAt = now;
    this.world.recorder.node?.(node, 'Tainted', now);
  }

  /** A tainted node's pods are evicted now (its removal was waiting for this). */
  drain(node: ClusterNode, now: number): void {
    if (node.state !== 'Tainted' || !Number.isNaN(node.drainAt)) return;
    node.drainAt = now;
    this.onEvict(node);
  }

  /**
   * `kubectl drain` of a registered node, then its instance deleted: a Ready node, or one
   * registered but not Ready yet (no pod can have bound to it, so it is empty), is cordoned and
   * its pods evicted now; one already being removed has its pods evicted now if its evictions had
   * not started (its autoscaler still deletes it).
   */
  drainByUser(node: ClusterNode, now: number): void {
    if (node.state === 'Ready' || (node.state === 'Provisioning' && node.registered)) {
      node.removedByUser = true;
      this.cordon(node, now);
      this.drain(node, now);
      this.autoscaler?.nodeDrainedByUser?.(node, now);
    } else if (node.state === 'Tainted' && !node.evicted) {
      // Brought forward from the autoscaler's own drain time (whose event then finds it done).
      node.drainAt = now;
      this.onEvict(node);
    }
  }

  /** A tainted node whose removal was called off (before its drain) takes pods again. */
  untaint(node: ClusterNode, now: number): void {
    if (node.state !== 'Tainted' || !Number.isNaN(node.drainAt)) return;
    node.state = 'Ready';
    this.noteStateChange(now);
    this.count(this.notRemoved, node.pool, 1);
    node.taintedAt = Number.NaN;
    this.world.recorder.node?.(node, 'Untainted', now);
    this.scheduler.moveAllToActive(now, 'NodeTaintRemoved', node);
  }

  private onEvict = (node: ClusterNode): void => {
    if (node.state !== 'Tainted' || node.evicted) return;
    node.evicted = true;
    this.evictPods(node, this.sim.now);
  };

  /**
   * Evicts the node's pods through the Eviction API: a pod its PodDisruptionBudget holds (a 429)
   * is tried again after the evictor's retry interval, until every pod is evicted.
   */
  private evictPods(node: ClusterNode, now: number): void {
    const record = node.drainRecord;
    const kubectl = byKubectl(node);
    // kubectl drain --disable-eviction deletes the pods: no budget is asked.
    const budgets = kubectl && node.kubectlDrain?.disableEviction === true ? undefined : this.budgets;
    let refused = false;
    // A pod the autoscaler holds back (Karpenter's do-not-disrupt) that a later look may take.
    let held = false;
    for (const pod of [...node.workload]) {
      if (!pod.isOk) continue;
      // Strictly past its force time (Karpenter's eviction queue: Now().After) a pod is deleted without the Eviction API (no budget asked).
      const force = kubectl ? Number.POSITIVE_INFINITY : (this.autoscaler?.forceDeleteAt?.(node, pod) ?? Number.POSITIVE_INFINITY);
      if (now > force) {
        this.budgets?.forceDeleted(pod);
        pod.revision.evict(pod, now);
        continue;
      }
      const from = kubectl ? now : (this.autoscaler?.evictableAt?.(node, pod, now) ?? now);
      if (from > now) {
        // Looked at again on the refused pods' back-off; one held for ever with no force time never changes.
        if (from < Number.POSITIVE_INFINITY || force < Number.POSITIVE_INFINITY) held = true;
        continue;
      }
      if (budgets !== undefined && !budgets.mayEvict(pod)) {
        refused = true;
        if (record !== undefined) record.refusedEvictions++;
        continue;
      }
      // kubectl drain leaves the pods their own grace period; the Cluster Autoscaler caps it.
      pod.revision.evict(pod, now, kubectl ? undefined : this.autoscaler?.evictionGraceSeconds);
      if (record !== undefined) record.evictedPods++;
    }
    if (refused || held) {
      node.refusedRounds++;
      const retry = kubectl ? KUBECTL_DRAIN_RETRY_SECONDS : (this.autoscaler?.evictionRetrySeconds?.(node.refusedRounds) ?? KUBECTL_DRAIN_RETRY_SECONDS);
      this.sim.at(now + retry, this.onEvictionRetry, node);
    } else if (node.workload.size === 0) this.drained(node, now);
  }

  private onEvictionRetry = (node: ClusterNode): void => {
    if (node.state !== 'Tainted') return;
    const now = this.sim.now;
    // The Cluster Autoscaler stops trying after max-pod-eviction-time and calls the removal off;
    // kubectl drain, once the user runs it on the node, keeps trying (its default --timeout is none).
    const kubectl = byKubectl(node);
    const deadline = kubectl ? undefined : this.autoscaler?.evictionDeadlineSeconds;
    if (deadline !== undefined && now >= node.drainAt + deadline) this.abortRemoval(node, now);
    else if (kubectl && now >= (node.kubectlDrain?.giveUpAt ?? Number.POSITIVE_INFINITY)) this.kubectlGivesUp(node, now);
    else this.evictPods(node, now);
  };

  /**
   * kubectl drain's --timeout ran out before its next attempt ("global timeout reached"): it
   * exits with the pods a budget held still on the node. A node the user was removing stays
   * cordoned (no one deletes the instance), empty or not; one the node autoscaler was already
   * removing is left to the autoscaler's own drain.
   */
  private kubectlGivesUp(node: ClusterNode, now: number): void {
    node.kubectlGaveUp = true;
    if (node.drainRecord !== undefined) node.drainRecord.gaveUpSeconds = now;
    if (!node.removedByUser) this.evictPods(node, now);
  }

  /**
   * A removal whose drain failed is called off (CA's CleanToBeDeleted): the node loses its taint
   * and takes pods again; the pods already evicted stay evicted.
   */
  private abortRemoval(node: ClusterNode, now: number): void {
    node.state = 'Ready';
    this.noteStateChange(now);
    this.count(this.notRemoved, node.pool, 1);
    node.taintedAt = Number.NaN;
    node.drainAt = Number.NaN;
    node.evicted = false;
    node.refusedRounds = 0;
    this.world.recorder.node?.(node, 'Untainted', now);
    this.scheduler.moveAllToActive(now, 'NodeTaintRemoved', node);
  }

  /** A node being removed has no pod left: deleted now, or when its autoscaler terminates it. */
  private drained(node: ClusterNode, now: number): void {
    if (node.drainRecord !== undefined && node.drainRecord.emptySeconds === null) node.drainRecord.emptySeconds = now;
    if (node.kubectlGaveUp && node.removedByUser) return;
    const at = this.autoscaler?.terminationAt?.(node, now) ?? now;
    if (at > now) this.sim.at(at, this.onTerminate, node);
    else this.delete(node, now);
  }

  private onTerminate = (node: ClusterNode): void => {
    if (node.state === 'Tainted') this.delete(node, this.sim.now);
  };

  private delete(node: ClusterNode, now: number): void {
    if (node.state === 'Deleted') return;
    if (node.state !== 'Tainted') this.count(this.notRemoved, node.pool, -1);
    this.count(this.notDeleted, node.pool, -1);
    node.state = 'Deleted';
    if (node.registered) {
      this.joined.splice(this.joined.indexOf(node), 1);
      this.registered = undefined;
    }
    this.noteStateChange(now);
    node.deletedAt = now;
    if (node.drainRecord !== undefined) node.drainRecord.deletedSeconds = now;
    this.world.network.nodeDeleted(node);
    const i = this.nodes.indexOf(node);
    if (i >= 0) this.nodes.splice(i, 1);
    this.world.recorder.node?.(node, 'Deleted', now);
    this.autoscaler?.nodeDeleted?.(node, now);
  }

  /** A pod was created: the scheduler tries it at `attemptAt`; `onBound` starts its containers. */
  schedule(pod: Pod, attemptAt: number, onBound: (pod: Pod, now: number) => void): void {
    this.scheduler.add(pod, attemptAt, onBound);
  }

  /** A pod that was running before the run: bound at once, or an error if it fits no initial node. */
  placeRunning(pod: Pod, now: number): void {
    if (!this.scheduler.bindNow(pod, now)) throw new InitialPodsDoNotFit(pod.revision.spec.name, pod.name);
    pod.revision.podEvent(pod, 'Scheduled', now);
  }

  /** A pod is gone (or deleted before it was bound): free its node; pods waiting may now fit. */
  podGone(pod: Pod, now: number): void {
    const node = pod.node;
    if (node === undefined) {
      this.scheduler.remove(pod);
      return;
    }
    node.unbind(pod, this.requestsOf(pod), now);
    this.noteStateChange(now);
    // Once its evictions have started, a tainted node goes with its last pod.
    if (node.state === 'Tainted' && node.workload.size === 0 && now >= node.drainAt) this.drained(node, now);
    this.scheduler.moveAllToActive(now, 'AssignedPodDeleted', node);
  }

  /**
   * Nodes registered with the API server, in the order they registered (kube-scheduler's node
   * tree, one zone: added at the end, removed in place): Ready ones, those being removed and those
   * registered but not yet Ready (their taints fail the scheduler's filters, but they count for
   * percentageOfNodesToScore and the rotating start); nodes still launching are not yet. The same
   * array until a node registers or is deleted (a taint changes no membership): every scheduling
   * cycle reads it, and rebuilding it each time cost a pass over all nodes per pod.
   */
  registeredNodes(): readonly ClusterNode[] {
    return (this.registered ??= this.joined.slice());
  }
  /** Registered nodes not deleted, in the order they registered (kept as they come and go). */
  private readonly joined: ClusterNode[] = [];
  private registered: readonly ClusterNode[] | undefined;

  /** Ready, untainted nodes (where a pod can bind). */
  schedulableNodes(): ClusterNode[] {
    return this.nodes.filter((n) => n.schedulable);
  }
}
