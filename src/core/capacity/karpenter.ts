/**
 * Karpenter's decisions (kubernetes-sigs/karpenter) on plain data: the provisioning batch
 * window, the disruption budget, when a node becomes consolidatable, the cheapest instance
 * type for a set of pods, and what consolidating a set of nodes would take (a modelling
 * choice: the real provisioner simulates every scheduling constraint, knsim only resources).
 */
import { InvalidArgumentError, requireFinite, requireInteger, requireNonNegative } from '../errors.js';
import { gridPointAtOrAfter } from '../grid.js';
import { bindPod, fits } from './fit.js';
import type { NodeView, PodResources } from './types.js';
import { templateNode, type NodeTemplate } from './cluster-autoscaler.js';
import type { NodePoolBudget } from './nodepool-budgets.js';
import { limitExceededBy, poolUsage, remainingResources, subtractOpened, typesWithinLimits, type LimitRefusal, type NodeCapacity, type NodePoolLimits } from './nodepool-limits.js';

export interface KarpenterConfig {
  /** BATCH_IDLE_DURATION: the window closes this long after the last trigger… */
  readonly batchIdleSeconds: number;
  /** …or BATCH_MAX_DURATION after it opened, whichever comes first. */
  readonly batchMaxSeconds: number;
  readonly registrationTimeoutSeconds: number;
  /** NodePool disruption.consolidateAfter. */
  readonly consolidateAfterSeconds: number;
  /** NodePool disruption budget `nodes: N%` (rounded up). */
  readonly budgetPercent: number;
  readonly disruptionPollSeconds: number;
  /** Every disruption command waits this long and is re-validated before it runs. */
  readonly validationSeconds: number;
  /** A command whose replacement is not initialized this long after it ran is given up (orchestration queue minRetryDuration)… */
  readonly replacementTimeoutSeconds: number;
  /** …as the queue finds at its next check; it checks a waiting command this often (queueBaseDelay). */
  readonly queueRequeueSeconds: number;
  /** NodePool template expireAfter: a node is deleted this long after its NodeClaim was created; Infinity = Never. */
  readonly expireAfterSeconds: number;
  /** The node termination controller terminates an instance no sooner than this after its drain began (MinDrainTime)… */
  readonly minDrainSeconds: number;
  /** …and looks at a draining node this often (awaitDrain's RequeueAfter). */
  readonly terminationRequeueSeconds: number;
  /** NodePool template terminationGracePeriod: how long a deleted node's drain may wait on PodDisruptionBudgets; Infinity = none. */
  readonly terminationGracePeriodSeconds: number;
  /** NodePool disruption.budgets; undefined: the one budget `nodes: budgetPercent%`. */
  readonly budgets?: readonly NodePoolBudget[] | undefined;
  /** The wall-clock time (Unix seconds, UTC) at simulated time 0, for the budgets' schedules. */
  readonly clockStartUnixSeconds: number;
}

export const DEFAULT_KARPENTER_CONFIG: KarpenterConfig = Object.freeze({
  batchIdleSeconds: 1,
  batchMaxSeconds: 10,
  registrationTimeoutSeconds: 15 * 60,
  consolidateAfterSeconds: 0,
  budgetPercent: 10,
  disruptionPollSeconds: 10,
  validationSeconds: 15,
  replacementTimeoutSeconds: 10 * 60,
  queueRequeueSeconds: 1,
  expireAfterSeconds: 720 * 3600,
  minDrainSeconds: 5,
  terminationRequeueSeconds: 1,
  terminationGracePeriodSeconds: Number.POSITIVE_INFINITY,
  // 2024-01-01T00:00:00Z, a Monday at midnight.
  clockStartUnixSeconds: 1704067200,
});

/**
 * The provisioner's batch window: it opens at the first provisionable pod, each later one
 * pushes the close to `idle` after it, and it never stays open longer than `max`.
 */
export class ProvisioningBatch {
  private openedAt: number | undefined;
  private lastTrigger = 0;

  constructor(private readonly cfg: Pick<KarpenterConfig, 'batchIdleSeconds' | 'batchMaxSeconds'>) {
    requireNonNegative('cfg.batchIdleSeconds', cfg.batchIdleSeconds);
    requireNonNegative('cfg.batchMaxSeconds', cfg.batchMaxSeconds);
  }

  /** A provisionable pod appeared at `now`; returns when the window will close. */
  trigger(now: number): number {
    requireFinite('now', now);
    if (this.openedAt === undefined) this.openedAt = now;
    this.lastTrigger = now;
    return this.closesAt()!;
  }

  /** When the open window closes, or undefined when none is open. */
  closesAt(): number | undefined {
    if (this.openedAt === undefined) return undefined;
    return Math.min(this.lastTrigger + this.cfg.batchIdleSeconds, this.openedAt + this.cfg.batchMaxSeconds);
  }

  /** Close the window (the provisioner took the batch). */
  close(): void {
    this.openedAt = undefined;
  }
}

/** The Balanced consolidation policy's k (apis/v1 BalancedK): a move passes when its score is at least 1/k. */
export const BALANCED_K = 2;

/** A NodePool's totals that Balanced scoring normalizes by (disruption/balanced.go NodePoolTotals). */
export interface NodePoolTotals {
  /** Σ price of its nodes ($/h). */
  readonly totalCost: number;
  /** Σ disruption cost of its nodes (1 + its pods' eviction costs each), candidates or not. */
  readonly totalDisruptionCost: number;
}

/**
 * A consolidation move's score under Balanced (ScoreMove, ScoreResult.Score): the share of the
 * pool's cost it saves over the share of the pool's disruption cost it causes. 0 when it saves
 * nothing or the totals are empty; Infinity when it disrupts nothing.
 */
export function balancedScore(savingsPerHour: number, disruptionCost: number, totals: NodePoolTotals): number {
  requireFinite('savingsPerHour', savingsPerHour);
  requireNonNegative('disruptionCost', disruptionCost);
  if (totals.totalCost <= 0 || totals.totalDisruptionCost <= 0) return 0;
  const savings = savingsPerHour / totals.totalCost;
  if (savings <= 0) return 0;
  const disruption = disruptionCost / totals.totalDisruptionCost;
  return disruption === 0 ? Number.POSITIVE_INFINITY : savings / disruption;
}

/** ScoreResult.Approved: the score reaches 1/k. */
export function balancedApproved(savingsPerHour: number, disruptionCost: number, totals: NodePoolTotals, k = BALANCED_K): boolean {
  return balancedScore(savingsPerHour, disruptionCost, totals) >= 1 / k;
}

/** Nodes a budget of `percent` % lets be disrupted at once: ceil(total × percent / 100), less those already disrupting. */
export function allowedDisruptions(totalNodes: number, percent: number, disrupting = 0): number {
  requireInteger('totalNodes', totalNodes, 0);
  requireNonNegative('percent', percent);
  // The NodePool's pattern for `nodes` allows 0% to 100%.
  if (percent > 100) throw new InvalidArgumentError('percent', `must be at most 100, got ${percent}`);
  requireInteger('disrupting', disrupting, 0);
  return Math.max(0, Math.ceil((totalNodes * percent) / 100) - disrupting);
}

/**
 * When a node expires (nodeclaim/expiration controller): `expireAfter` after its NodeClaim's
 * creation; undefined for Never. Upstream deletes it then, outside the disruption budgets.
 */
export function expiresAt(createdAt: number, cfg: Pick<KarpenterConfig, 'expireAfterSeconds'>): number | undefined {
  return Number.isFinite(cfg.expireAfterSeconds) ? createdAt + cfg.expireAfterSeconds : undefined;
}

/**
 * When the disruption orchestration queue next looks at a command that started at `startedAt`:
 * at once, then every `period` s while it waits for its replacement (queue.go: RequeueAfter
 * queueBaseDelay). The first look at or after `now`.
 */
export function queueCheckAt(startedAt: number, now: number, period: number): number {
  requireNonNegative('now - startedAt', now - startedAt);
  // A look at the very instant counts.
  return gridPointAtOrAfter(startedAt, period, now);
}

/**
 * When the node termination controller asks the cloud provider to terminate a node (billing
 * stops) whose drain began at `drainStartedAt` and whose last pod went at `drainedAt`
 * (termination/controller.go awaitDrain, then awaitInstanceTermination): at its first look,
 * once a second from the drain's start, that finds no pod left, and no sooner than MinDrainTime
 * after the drain began (kept for pods the scheduler binds before it sees the taint).
 */
export function instanceTerminationAt(drainStartedAt: number, drainedAt: number, cfg: Pick<KarpenterConfig, 'minDrainSeconds' | 'terminationRequeueSeconds'>): number {
  return Math.max(drainStartedAt + cfg.minDrainSeconds, queueCheckAt(drainStartedAt, drainedAt, cfg.terminationRequeueSeconds));
}

/**
 * The moment after which Karpenter deletes a pod of a draining node without the Eviction API,
 * whatever its PodDisruptionBudget or do-not-disrupt says (terminator/eviction.go
 * needsForceDelete): with a terminationGracePeriod, the node must be gone by its NodeClaim's
 * deletion plus that period, so each pod is due its own grace period before then. The eviction
 * queue deletes it at its first look at the pod strictly after this moment (Now().After); the
 * looks follow the queue's per-pod back-off. Infinity without a terminationGracePeriod.
 */
export function karpenterForceDeleteAt(
  nodeClaimDeletedAt: number,
  cfg: Pick<KarpenterConfig, 'terminationGracePeriodSeconds'>,
  podGraceSeconds: number,
): number {
  requireFinite('nodeClaimDeletedAt', nodeClaimDeletedAt);
  requireNonNegative('podGraceSeconds', podGraceSeconds);
  return nodeClaimDeletedAt + cfg.terminationGracePeriodSeconds - podGraceSeconds;
}

/** A pool's nodes as its NodePool limits (nodepool-limits.ts) see them when a simulation wants one more node. */
export interface PoolRoom {
  /**
   * Its nodes in Karpenter's cluster state as the pass began, not marked for deletion: launched
   * (the create call returned a provider ID: state/cluster.go UpdateNodeClaim), Ready or not. A
   * NodeClaim whose create call is being retried is none, nor a node being removed
   * (StateNodes.Active; updateNodePoolResources counts no MarkedForDeletion node).
   */
  readonly stateNodes: number;
  /** Of those, the nodes the simulation disrupts (helpers.go SimulateScheduling leaves them out of the state nodes). */
  readonly candidates: number;
  /** New NodeClaims of the pool the same pass already opened (none of them launched as far as the pass knows). */
  readonly opened: number;
  /** What each of its nodes counts for (the pool's nodes are alike). */
  readonly capacity: NodeCapacity;
  readonly limits: NodePoolLimits;
}

/**
 * Why the limits let no more node of the pool launch, or undefined when they let one: the
 * scheduler's remaining resources are the limits less the state nodes it was given and the
 * NodeClaims it opened (scheduler.go remainingResources, updateRemainingResources, subtractMax),
 * so a candidate's own node frees its room; and Provisioner.Create then refuses only a pool whose
 * usage, the same state nodes with the candidates still in (they are marked for deletion only
 * after their replacements are created: queue.go StartCommand), already exceeds a limit
 * (Limits.ExceededBy: strictly greater), so a limit exactly reached still lets a replacement through.
 */
export function limitRefusal(r: PoolRoom): LimitRefusal | 'resource usage exceeds limit' | undefined {
  requireInteger('opened', r.opened, 0);
  let remaining = remainingResources(r.limits, poolUsage(r.capacity, r.stateNodes - r.candidates));
  for (let i = 0; i < r.opened; i++) remaining = subtractOpened(remaining, [r.capacity]);
  const scheduled = typesWithinLimits([r.capacity], (c) => c, remaining);
  if (!scheduled.ok) return scheduled.reason;
  return limitExceededBy(r.limits, poolUsage(r.capacity, r.stateNodes)) === undefined ? undefined : 'resource usage exceeds limit';
}

/** Whether the limits let one more node of the pool launch (limitRefusal finds nothing). */
export function limitAllowsLaunch(r: PoolRoom): boolean {
  return limitRefusal(r) === undefined;
}

/** What Karpenter reads of a pod to weigh its eviction. */
export interface EvictedPod {
  /** spec.priority; undefined when unset. */
  readonly priority?: number | undefined;
  /** The `controller.kubernetes.io/pod-deletion-cost` annotation, parsed; undefined when absent or unparsable. */
  readonly deletionCost?: number | undefined;
}

/**
 * One pod's eviction cost (pkg/utils/disruption EvictionCost): 1, plus its deletion cost / 2^27,
 * plus its priority / 2^25, clamped to [−10, 10].
 */
export function evictionCost(pod: EvictedPod): number {
  let cost = 1;
  if (pod.deletionCost !== undefined) cost += pod.deletionCost / 2 ** 27;
  if (pod.priority !== undefined) cost += pod.priority / 2 ** 25;
  return Math.min(10, Math.max(-10, cost));
}

/**
 * A consolidation candidate's reschedule disruption cost (disruption/types.go
 * computeRescheduleDisruptionCost): 1 for the node itself plus each reschedulable pod's
 * eviction cost, negative ones counting 0. A node at exactly 1 is empty (Candidate.IsEmpty).
 */
export function rescheduleDisruptionCost(pods: readonly EvictedPod[]): number {
  let cost = 1;
  for (const p of pods) cost += Math.max(0, evictionCost(p));
  return cost;
}

/**
 * The order emptiness and consolidation try candidates in (disruption/consolidation.go
 * sortCandidates, since v1.14): highest price / reschedule disruption cost first. Equal ratios
 * keep the given order (upstream's sort is unstable there; knsim stays deterministic).
 */
export function consolidationOrder<T>(candidates: readonly T[], price: (c: T) => number, disruptionCost: (c: T) => number): T[] {
  const ratio = new Map<T, number>(candidates.map((c) => [c, price(c) / disruptionCost(c)]));
  return candidates.slice().sort((a, b) => ratio.get(b)! - ratio.get(a)!);
}

/**
 * How long a node stays nominated after a scheduling result placed a pod onto it (state/statenode.go
 * nominationWindow): twice BATCH_MAX_DURATION, at least 10 s. Each new nomination restarts it.
 */
export function nominationWindowSeconds(cfg: Pick<KarpenterConfig, 'batchMaxSeconds'>): number {
  requireNonNegative('batchMaxSeconds', cfg.batchMaxSeconds);
  return Math.max(2 * cfg.batchMaxSeconds, 10);
}

/** Whether a node nominated until `until` (undefined: never nominated) still is at `now` (statenode.go Nominated: strictly before). */
export function isNominated(until: number | undefined, now: number): boolean {
  return until !== undefined && until > now;
}

/**
 * The existing nodes a scheduling result nominates (scheduling/scheduler.go Results.Record): each
 * one it placed at least one pod onto, given per pod as an index into the existing nodes (−1: none),
 * each index once, in ascending order.
 */
export function nominatedNodes(onto: readonly number[]): number[] {
  return [...new Set(onto.filter((e) => e >= 0))].sort((a, b) => a - b);
}

/** Multi-node consolidation looks at no more candidates than this at once (multinodeconsolidation.go maxParallel). */
export const MULTI_NODE_MAX_PARALLEL = 100;

/**
 * The binary search bounds of multi-node consolidation over `n` candidates, as indices of the last
 * candidate of a prefix (firstNConsolidationOption): from 1 (two nodes) to n − 1 when n is at most
 * maxParallel, else to maxParallel itself, so above 100 candidates a prefix of up to 101 is tried.
 */
export function multiNodeSearchBounds(n: number): { readonly lo: number; readonly hi: number } {
  requireInteger('n', n, 0);
  const max = Math.min(n, MULTI_NODE_MAX_PARALLEL);
  return { lo: 1, hi: n <= max ? n - 1 : max };
}

/** The pod-events controller writes a NodeClaim's lastPodEventTime at most once per this long (nodeclaim/podevents dedupeTimeout). */
export const POD_EVENT_DEDUPE_SECONDS = 10;

/**
 * A NodeClaim's status.lastPodEventTime after a pod event at `now` (a pod bound to its node, or
 * one there starting to terminate or gone terminal; nodeclaim/podevents controller): `now`,
 * unless the time recorded (NaN: none yet) is less than 10 s old, which then stays.
 */
export function lastPodEventAfter(recorded: number, now: number): number {
  return !Number.isNaN(recorded) && now - recorded < POD_EVENT_DEDUPE_SECONDS ? recorded : now;
}

/** A node is consolidatable `consolidateAfter` after its last pod event (or its initialization). */
export function consolidatableAt(lastPodEventOrInit: number, cfg: Pick<KarpenterConfig, 'consolidateAfterSeconds'>): number {
  return lastPodEventOrInit + cfg.consolidateAfterSeconds;
}

export interface InstanceType {
  readonly name: string;
  readonly template: NodeTemplate;
  readonly pricePerHour: number;
}

/**
 * The cheapest instance type one new node can be to hold all of `pods` (first fit in the
 * given order), or undefined if none can. Equal prices keep the earlier type.
 */
export function cheapestFitting<T extends InstanceType>(types: readonly T[], pods: readonly PodResources[]): T | undefined {
  let best: T | undefined;
  for (const t of types) {
    let node = templateNode(t.name, t.template);
    let ok = true;
    for (const p of pods) {
      if (!fits(node, p)) {
        ok = false;
        break;
      }
      node = {
        ...node,
        requested: { cpuMillis: node.requested.cpuMillis + p.requests.cpuMillis, memoryBytes: node.requested.memoryBytes + p.requests.memoryBytes },
        pods: node.pods + 1,
      };
    }
    if (ok && (best === undefined || t.pricePerHour < best.pricePerHour)) best = t;
  }
  return best;
}

/** A consolidation of some nodes, as Karpenter's disruption controller computes it. */
export type ConsolidationDecision<T extends InstanceType> =
  | { readonly action: 'delete'; /** The existing nodes the simulation placed pods onto (nominatedNodes over [...others, ...launching]). */ readonly onto: readonly number[] }
  | {
      readonly action: 'replace';
      /** The cheapest of `options`: the node the command launches. */
      readonly type: T;
      /** The instance type options of its new node (cheapest first): every type that holds its pods for less (computeConsolidation's filterByPrice). */
      readonly options: readonly T[];
      readonly onto: readonly number[];
    }
  | { readonly action: 'none'; readonly reason: string };

/** A node being considered for consolidation: its instance type's name and price. */
export interface ConsolidationCandidate {
  readonly type: string;
  readonly pricePerHour: number;
}

/**
 * A pod a consolidation simulation schedules (disruption/helpers.go SimulateScheduling), and why:
 * one on a candidate node, the cluster's Unschedulable (provisionable) pods, or one on a node
 * already being removed.
 */
export interface SimulatedPod {
  readonly resources: PodResources;
  readonly kind: 'candidate' | 'pending' | 'deleting';
  /** Creation time, s: pods of equal requests go oldest first. */
  readonly createdAt: number;
}

/**
 * The order the simulation takes pods in (scheduling/queue.go byCPUAndMemoryDescending): most
 * CPU requested first, then most memory, then the older (creation timestamps have 1 s
 * resolution); upstream then compares UIDs, knsim keeps the given order.
 */
export function simulationOrder<T extends Pick<SimulatedPod, 'resources' | 'createdAt'>>(pods: readonly T[]): T[] {
  return pods.slice().sort((a, b) => {
    const x = a.resources.requests;
    const y = b.resources.requests;
    return y.cpuMillis - x.cpuMillis || y.memoryBytes - x.memoryBytes || Math.floor(a.createdAt) - Math.floor(b.createdAt);
  });
}

/** Where a provisioning batch puts its pods (packProvisioningBatch). */
export interface BatchPlan {
  /** Per pod, in the order given: the index of the existing node it goes onto, or −1. */
  readonly onto: readonly number[];
  /** The new nodes, in the order opened: the indices (in the order given) of the pods each holds. */
  readonly newNodes: readonly (readonly number[])[];
}

/**
 * The provisioner's packing of a batch (provisioning/scheduling/scheduler.go Solve, add): the
 * pods in simulationOrder (queue.go: largest CPU, then memory, first); each onto the first of
 * `existing` that holds it (the caller lists initialized nodes first, as sortExistingNodes does),
 * else onto the new node of this batch holding the fewest pods, of those some instance type
 * could still hold it with theirs (`holds`; nodes of equal count in the order opened), else
 * onto a new node if some type holds it alone. A pod no type holds is left out (−1, in no node).
 */
export function packProvisioningBatch(
  pods: readonly Pick<SimulatedPod, 'resources' | 'createdAt'>[],
  existing: readonly NodeView[],
  holds: (pods: readonly PodResources[]) => boolean,
): BatchPlan {
  const views = existing.slice();
  const onto: number[] = pods.map(() => -1);
  const bins: { id: number; pods: number[]; reqs: PodResources[] }[] = [];
  const order = simulationOrder(pods.map((p, i) => ({ resources: p.resources, createdAt: p.createdAt, i })));
  for (const { resources: r, i } of order) {
    const e = views.findIndex((n) => fits(n, r));
    if (e >= 0) {
      views[e] = bindPod(views[e]!, r);
      onto[i] = e;
      continue;
    }
    // Fewest pods first (scheduler.go add sorts newNodeClaims so before each pod); a stable sort keeps ties in opening order.
    bins.sort((a, b) => a.pods.length - b.pods.length || a.id - b.id);
    const bin = bins.find((b) => holds([...b.reqs, r]));
    if (bin !== undefined) {
      bin.pods.push(i);
      bin.reqs.push(r);
    } else if (holds([r])) bins.push({ id: bins.length, pods: [i], reqs: [r] });
  }
  return { onto, newNodes: bins.sort((a, b) => a.id - b.id).map((b) => b.pods) };
}

/** Wraps the pods of the candidate nodes (for callers that simulate nothing else). */
export function candidatePods(pods: readonly PodResources[], createdAt = 0): SimulatedPod[] {
  return pods.map((resources) => ({ resources, kind: 'candidate', createdAt }));
}

/**
 * A consolidation's scheduling simulation (disruption/helpers.go SimulateScheduling with
 * IsConsolidationSimulation): the pods in simulationOrder, each first onto `others` (the
 * initialized nodes that stay; first fit in order; a candidate's pod skips those named in
 * `settling`, still within consolidateAfter), then onto `launching` (nodes not initialized yet,
 * which the simulation orders last), the rest onto new nodes packed as the provisioner packs a
 * batch. A candidate's pod that would go onto a launching node makes it fail (no decision rests
 * on a node that may never come); a pending pod that fits nowhere is left out (it was pending
 * before and stays so), any other makes it fail, and so do pods needing more than one new node
 * (consolidation is never m → n). `newNode`: the pods of its one new node, if it needs one.
 */
export type ConsolidationSimulation =
  | { readonly ok: true; readonly newNode: readonly PodResources[] | undefined; /** nominatedNodes over [...others, ...launching]. */ readonly onto: readonly number[] }
  | { readonly ok: false; readonly reason: string };

export function simulateConsolidation<T extends InstanceType>(
  pods: readonly SimulatedPod[],
  others: readonly NodeView[],
  types: readonly T[],
  launching: readonly NodeView[] = [],
  settling: ReadonlySet<string> = new Set(),
): ConsolidationSimulation {
  const nodes = others.slice();
  const late = launching.slice();
  const bins: PodResources[][] = [];
  const onto: number[] = [];
  for (const pod of simulationOrder(pods)) {
    const r = pod.resources;
    const i = nodes.findIndex((n) => fits(n, r) && !(pod.kind === 'candidate' && settling.has(n.name)));
    if (i >= 0) {
      nodes[i] = bindPod(nodes[i]!, r);
      onto.push(i);
      continue;
    }
    const j = late.findIndex((n) => fits(n, r));
    if (j >= 0) {
      // Pending pods, and pods of nodes being removed, may wait for a node launching (often the one launched for them).
      if (pod.kind === 'candidate') return { ok: false, reason: 'a pod would go onto a node still launching' };
      late[j] = bindPod(late[j]!, r);
      onto.push(others.length + j);
      continue;
    }
    const bin = bins.find((b) => cheapestFitting(types, [...b, r]) !== undefined);
    if (bin !== undefined) bin.push(r);
    else if (cheapestFitting(types, [r]) === undefined) {
      if (pod.kind !== 'pending') return { ok: false, reason: 'a pod fits no node type' };
    } else if (bins.length > 0) return { ok: false, reason: 'its pods would need more than one new node' };
    else bins.push([r]);
  }
  return { ok: true, newNode: bins[0], onto: nominatedNodes(onto) };
}

/**
 * What removing `candidates` takes (disruption/consolidation.go computeConsolidation, with
 * multinodeconsolidation.go filterOutSameType), from its simulation (simulateConsolidation).
 * No new node: delete. One new node: its options are the types of `types` that hold its pods
 * for less than the candidates cost together, and less than any candidate of that same type
 * (keeping that one and deleting the others is cheaper); replace by the cheapest, if any. The
 * new node may be one that only pending pods need: deleting the candidates is then not enough.
 */
export function consolidationPlan<T extends InstanceType>(
  candidates: readonly ConsolidationCandidate[],
  sim: ConsolidationSimulation,
  types: readonly T[],
): ConsolidationDecision<T> {
  if (!sim.ok) return { action: 'none', reason: sim.reason };
  if (sim.newNode === undefined) return { action: 'delete', onto: sim.onto };
  const bin = sim.newNode;
  let price = 0;
  for (const c of candidates) price += c.pricePerHour;
  let options = types.filter((t) => t.pricePerHour < price && cheapestFitting([t], bin) !== undefined);
  let sameType = Number.POSITIVE_INFINITY;
  for (const c of candidates) if (options.some((t) => t.name === c.type)) sameType = Math.min(sameType, c.pricePerHour);
  // Cheapest first (OrderByPrice); equal prices keep the given order.
  options = options.filter((t) => t.pricePerHour < sameType).sort((a, b) => a.pricePerHour - b.pricePerHour);
  const type = options[0];
  return type === undefined ? { action: 'none', reason: 'no cheaper node type holds its pods' } : { action: 'replace', type, options, onto: sim.onto };
}

/** What removing `candidates` takes: consolidationPlan over simulateConsolidation. */
export function consolidationDecision<T extends InstanceType>(
  candidates: readonly ConsolidationCandidate[],
  pods: readonly SimulatedPod[],
  others: readonly NodeView[],
  types: readonly T[],
  launching: readonly NodeView[] = [],
  settling: ReadonlySet<string> = new Set(),
): ConsolidationDecision<T> {
  return consolidationPlan(candidates, simulateConsolidation(pods, others, types, launching, settling), types);
}

/**
 * Whether a consolidation planned 15 s earlier still holds, by a new simulation (validation.go
 * validateCommand): a deletion, if it still needs no new node; a replacement, if it still needs
 * exactly one and every one of the planned options still holds that node's pods, room in its
 * pool included (`types`: those with room). The new simulation filters nothing by price: a
 * cheaper type fitting now changes nothing, the command launches what it planned.
 */
export function consolidationStillValid<T extends InstanceType>(planned: ConsolidationDecision<T>, sim: ConsolidationSimulation, types: readonly T[]): boolean {
  if (planned.action === 'none' || !sim.ok) return false;
  if (sim.newNode === undefined) return planned.action === 'delete';
  if (planned.action !== 'replace') return false;
  const pods = sim.newNode;
  return planned.options.every((t) => types.some((u) => u.name === t.name) && cheapestFitting([t], pods) !== undefined);
}

/** What replacing one drifted node takes (driftDecision). */
export type DriftDecision =
  | {
      readonly action: 'replace';
      /** The pods (indices as given) each new node holds, in the order opened: none when the others hold them all. */
      readonly newNodes: readonly (readonly number[])[];
      /** The existing nodes it placed pods onto (nominatedNodes over [...others, ...launching]). */
      readonly onto: readonly number[];
    }
  | { readonly action: 'none'; readonly reason: string };

/**
 * Whether a drifted node can go now (disruption/drift.go ComputeCommands with helpers.go
 * SimulateScheduling): its pods, the Unschedulable pods and those of nodes being removed are
 * scheduled as the provisioner schedules (packProvisioningBatch): onto `others` (initialized
 * nodes that stay) in order, then `launching`, the rest onto new nodes, as many as they need
 * (`holds`: some instance type with room holds these pods on one new node). Unlike
 * consolidation, any number of new nodes is fine and price does not matter. A pod that fits
 * nowhere blocks it unless it is pending (AllNonPendingPodsScheduled), and so does a candidate's
 * pod that would go onto a node still launching.
 */
export function driftDecision(
  pods: readonly SimulatedPod[],
  others: readonly NodeView[],
  launching: readonly NodeView[],
  holds: (pods: readonly PodResources[]) => boolean,
): DriftDecision {
  const existing = [...others, ...launching];
  const plan = packProvisioningBatch(pods, existing, holds);
  const inNew = new Set<number>();
  for (const b of plan.newNodes) for (const i of b) inNew.add(i);
  for (let i = 0; i < pods.length; i++) {
    const kind = pods[i]!.kind;
    if (kind === 'pending') continue;
    // Pods of nodes being removed may wait for a node launching (often the one launched for them).
    if (kind === 'candidate' && plan.onto[i]! >= others.length) return { action: 'none', reason: 'a pod would go onto a node still launching' };
    if (plan.onto[i] === -1 && !inNew.has(i)) return { action: 'none', reason: 'a pod fits no node type' };
  }
  return { action: 'replace', newNodes: plan.newNodes, onto: nominatedNodes(plan.onto) };
}
