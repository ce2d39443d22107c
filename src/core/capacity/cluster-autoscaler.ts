/**
 * The Cluster Autoscaler's decisions (kubernetes/autoscaler cluster-autoscaler), one loop at a
 * time, on plain data: which node group to grow for the pods that are Unschedulable (binpacking
 * estimator + least-waste expander), when a node is unneeded and when it may be removed
 * (unneeded time, cooldowns), and the node-group back-off after a failed scale-up.
 * Time is a parameter; ties are broken by a caller-supplied `tieBreak`.
 */
import { requireFinite, requireInteger, requireNonNegative } from '../errors.js';
import { gridPointAtOrAfter } from '../grid.js';
import { bindPod, fits } from './fit.js';
import type { NodeView, PodResources, Resources } from './types.js';

/** CA flags knsim models, with their defaults (cluster-autoscaler/FAQ.md parameter table). */
export interface ClusterAutoscalerConfig {
  readonly scanIntervalSeconds: number;
  readonly newPodScaleUpDelaySeconds: number;
  readonly maxNodesPerScaleUp: number;
  readonly maxNodeProvisionSeconds: number;
  readonly initialNodeGroupBackoffSeconds: number;
  readonly maxNodeGroupBackoffSeconds: number;
  /** A node group's back-off is forgotten this long after its last failed scale-up (node-group-backoff-reset-timeout). */
  readonly nodeGroupBackoffResetSeconds: number;
  readonly scaleDownUtilizationThreshold: number;
  readonly scaleDownUnneededSeconds: number;
  readonly scaleDownDelayAfterAddSeconds: number;
  readonly scaleDownDelayAfterDeleteSeconds: number;
  readonly scaleDownDelayAfterFailureSeconds: number;
  readonly maxEmptyBulkDelete: number;
  readonly nodeDeleteDelayAfterTaintSeconds: number;
  readonly maxGracefulTerminationSeconds: number;
  /** unremovable-node-recheck-timeout: a node whose pods found no place is not simulated again for this long. */
  readonly unremovableNodeRecheckSeconds: number;
  /**
   * A loop whose pods to help are all younger than this waits for more (no scale-up, no removal;
   * static_autoscaler.go unschedulablePodTimeBuffer, not a flag).
   */
  readonly unschedulablePodTimeBufferSeconds: number;
  /** skip-nodes-with-local-storage: a pod with a local volume (hostPath, emptyDir on disk) blocks its node's removal. */
  readonly skipNodesWithLocalStorage: boolean;
  /**
   * max-bulk-soft-taint-count: how many nodes one loop may soft-taint or untaint (0: no soft
   * taints). Its companion max-bulk-soft-taint-time (3 s) never binds: knsim's API calls take no time.
   */
  readonly maxBulkSoftTaintCount: number;
}

export const DEFAULT_CLUSTER_AUTOSCALER_CONFIG: ClusterAutoscalerConfig = Object.freeze({
  scanIntervalSeconds: 10,
  newPodScaleUpDelaySeconds: 0,
  maxNodesPerScaleUp: 1000,
  maxNodeProvisionSeconds: 15 * 60,
  initialNodeGroupBackoffSeconds: 5 * 60,
  maxNodeGroupBackoffSeconds: 30 * 60,
  nodeGroupBackoffResetSeconds: 3 * 3600,
  scaleDownUtilizationThreshold: 0.5,
  scaleDownUnneededSeconds: 10 * 60,
  scaleDownDelayAfterAddSeconds: 10 * 60,
  scaleDownDelayAfterDeleteSeconds: 0,
  scaleDownDelayAfterFailureSeconds: 3 * 60,
  maxEmptyBulkDelete: 10,
  nodeDeleteDelayAfterTaintSeconds: 5,
  maxGracefulTerminationSeconds: 600,
  unremovableNodeRecheckSeconds: 5 * 60,
  unschedulablePodTimeBufferSeconds: 2,
  skipNodesWithLocalStorage: true,
  maxBulkSoftTaintCount: 10,
});

/** What a fresh node of a group offers: allocatable, max pods, and its DaemonSet pods' requests. */
export interface NodeTemplate {
  readonly allocatable: Resources;
  readonly maxPods: number;
  readonly daemonSetRequests: Resources;
  readonly daemonSetPods: number;
}

/** A fresh node of `template`, as the scheduler would see it before any workload lands. */
export function templateNode(name: string, template: NodeTemplate): NodeView {
  return {
    name,
    allocatable: template.allocatable,
    maxPods: template.maxPods,
    requested: template.daemonSetRequests,
    nonZeroRequested: template.daemonSetRequests,
    pods: template.daemonSetPods,
  };
}

/** The estimator's order: largest first by cpu/allocatable + memory/allocatable (a stable sort). */
function decreasing(pods: readonly PodResources[], a: Resources): PodResources[] {
  const size = (p: PodResources) =>
    (a.cpuMillis > 0 ? p.requests.cpuMillis / a.cpuMillis : 0) + (a.memoryBytes > 0 ? p.requests.memoryBytes / a.memoryBytes : 0);
  return pods
    .map((p, i) => ({ p, i, s: size(p) }))
    .sort((x, y) => y.s - x.s || x.i - y.i)
    .map((x) => x.p);
}

export interface NodeEstimate {
  /** New nodes the group needs for `scheduled`. */
  readonly nodes: number;
  /** The pods those nodes would hold (pods that fit no empty node of this group are left out). */
  readonly scheduled: readonly PodResources[];
}

/**
 * The binpacking estimator: first-fit decreasing of `pods` onto fresh template nodes, at most
 * `limit` of them. A pod that does not fit an empty template node is not helped by this group
 * and is skipped; once `limit` nodes are open, pods that fit none of them are left out.
 */
export function estimateNodes(pods: readonly PodResources[], template: NodeTemplate, limit: number): NodeEstimate {
  requireInteger('limit', limit, 0);
  const empty = templateNode('template', template);
  const bins: NodeView[] = [];
  const scheduled: PodResources[] = [];
  for (const pod of decreasing(pods, template.allocatable)) {
    const i = bins.findIndex((b) => fits(b, pod));
    if (i >= 0) {
      bins[i] = bindPod(bins[i]!, pod);
      scheduled.push(pod);
    } else if (fits(empty, pod) && bins.length < limit) {
      bins.push(bindPod(empty, pod));
      scheduled.push(pod);
    }
  }
  return { nodes: bins.length, scheduled };
}

/** One node group's scale-up option. */
export interface ScaleUpOption<G = string> {
  readonly group: G;
  readonly template: NodeTemplate;
  readonly nodes: number;
  readonly scheduled: readonly PodResources[];
}

/**
 * The least-waste expander's score (expander/waste/waste.go): unused fraction of CPU plus
 * unused fraction of memory over the new nodes, after the pods they would hold. Lower wins.
 */
export function leastWasteScore(option: Pick<ScaleUpOption, 'template' | 'nodes' | 'scheduled'>): number {
  const availCpu = option.template.allocatable.cpuMillis * option.nodes;
  const availMem = option.template.allocatable.memoryBytes * option.nodes;
  let cpu = 0;
  let mem = 0;
  for (const p of option.scheduled) {
    cpu += p.requests.cpuMillis;
    mem += p.requests.memoryBytes;
  }
  const wasteCpu = availCpu > 0 ? (availCpu - cpu) / availCpu : 0;
  const wasteMem = availMem > 0 ? (availMem - mem) / availMem : 0;
  return wasteCpu + wasteMem;
}

/** The option least-waste picks among those that place at least one pod; ties by `tieBreak`. */
export function bestScaleUpOption<G>(
  options: readonly ScaleUpOption<G>[],
  tieBreak: (n: number) => number,
): ScaleUpOption<G> | undefined {
  let best = Number.POSITIVE_INFINITY;
  const top: ScaleUpOption<G>[] = [];
  for (const o of options) {
    if (o.nodes === 0 || o.scheduled.length === 0) continue;
    const s = leastWasteScore(o);
    if (s < best) {
      best = s;
      top.length = 0;
      top.push(o);
    } else if (s === best) top.push(o);
  }
  if (top.length <= 1) return top[0];
  return top[Math.min(top.length - 1, Math.max(0, Math.floor(tieBreak(top.length))))];
}

/** Requests over allocatable, the larger of CPU and memory (DaemonSet pods included). */
export function nodeUtilization(node: NodeView): number {
  requireNonNegative('node.requested.cpuMillis', node.requested.cpuMillis);
  requireNonNegative('node.requested.memoryBytes', node.requested.memoryBytes);
  const cpu = node.allocatable.cpuMillis > 0 ? node.requested.cpuMillis / node.allocatable.cpuMillis : 0;
  const mem = node.allocatable.memoryBytes > 0 ? node.requested.memoryBytes / node.allocatable.memoryBytes : 0;
  return Math.max(cpu, mem);
}

/**
 * Whether `pods` (those of a node being considered for removal) can all be placed on
 * `others`, first fit in the given order, as CA's drain simulation asks.
 */
export function canReschedule(pods: readonly PodResources[], others: readonly NodeView[]): boolean {
  const nodes = others.slice();
  for (const pod of pods) {
    const i = nodes.findIndex((n) => fits(n, pod));
    if (i < 0) return false;
    nodes[i] = bindPod(nodes[i]!, pod);
  }
  return true;
}

/**
 * The order CA considers scale-down candidates in (scaledowncandidates sorting processor with the
 * emptycandidates and previouscandidates comparers): empty nodes first, then those found
 * unneeded at the previous loop, otherwise as listed (a stable sort).
 */
export function orderScaleDownCandidates<N>(nodes: readonly N[], isEmpty: (n: N) => boolean, wasUnneeded: (n: N) => boolean): N[] {
  const rank = (n: N): number => (isEmpty(n) ? 0 : 2) + (wasUnneeded(n) ? 0 : 1);
  return nodes
    .map((n, i) => ({ n, i, r: rank(n) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.n);
}

/**
 * Where CA's simulations put a pod (simulator/scheduling/hinting_simulator.go TrySchedulePods on
 * the predicate snapshot's plugin runner, RunFiltersUntilPassingNode): first the node it was put on
 * last time (its hint, kept through the next loop), if that one is acceptable and fits; else the
 * first acceptable node that fits, scanning from just after the node the last scan chose and
 * wrapping round. The scan start is the runner's, so it carries over from simulation to simulation
 * and loop to loop, whether a simulation is kept or reverted. Upstream lists the snapshot's nodes in
 * Go map order; the caller's list (knsim: the order the nodes joined) stands for it.
 */
export class SimulationPlacer {
  /** `scan` holds the scan start; placers sharing one share the plugin runner (one per snapshot). */
  constructor(private readonly scan: { lastIndex: number } = { lastIndex: 0 }) {}

  private current = new Map<string, string>();
  private old = new Map<string, string>();

  /**
   * The index in `0..count-1` of the node `pod` goes to (-1: none), among `node(k)`; `key` names
   * the pod for its hint (its UID upstream).
   */
  place(count: number, node: (k: number) => NodeView, acceptable: (k: number) => boolean, pod: PodResources, key: string | undefined): number {
    if (key !== undefined) {
      const hinted = this.current.get(key) ?? this.old.get(key);
      if (hinted !== undefined) {
        for (let k = 0; k < count; k++) {
          const n = node(k);
          if (n.name !== hinted) continue;
          if (acceptable(k) && fits(n, pod)) {
            this.current.set(key, hinted);
            return k;
          }
          break;
        }
      }
    }
    for (let i = 0; i < count; i++) {
      const k = (this.scan.lastIndex + i) % count;
      const n = node(k);
      if (!acceptable(k) || !fits(n, pod)) continue;
      this.scan.lastIndex = (k + 1) % count;
      if (key !== undefined) this.current.set(key, n.name);
      return k;
    }
    return -1;
  }

  /** Hints.DropOld, at the end of each removal simulation: hints not renewed since the last call are forgotten. */
  dropOldHints(): void {
    this.old = this.current;
    this.current = new Map();
  }
}

/** How a loop's removal simulation lists nodes and pods, beyond the first-fit defaults. */
export interface RemovalSimulationOptions {
  /** The candidates' indexes, in the order to simulate them (default: as listed). */
  readonly order?: readonly number[];
  /** Whether a node may take pods at all (a destination: Ready, untainted; default: every node). */
  readonly destination?: (j: number) => boolean;
  /** The placer, kept across loops (default: a fresh one). */
  readonly placer?: SimulationPlacer;
  /** Each pod's hint key, parallel to `pods`. */
  readonly keys?: readonly (readonly string[] | undefined)[];
}

/**
 * One loop's removal simulation (core/scaledown/planner categorizeNodes with persisted
 * simulations): candidates in order; a node for which `eligible(i)` holds is removable when its
 * pods (`pods[i]`, plus those moved onto it earlier in this loop) all find a place, through the
 * placer, on the destination nodes other than itself, as they stand with the pods moved so far; a
 * node found removable leaves the list. Once `limit` nodes are found the rest are not simulated.
 * With `disruptions`, a node must first be drainable (its pods' PodDisruptionBudgets allow them to
 * go), and each removable node's pods are then taken off the budgets (`removed`). Returns the
 * indices of the removable nodes, in the order found.
 */
export function removableNodes(
  nodes: readonly NodeView[],
  pods: readonly (readonly PodResources[])[],
  eligible: (i: number) => boolean,
  limit = Number.POSITIVE_INFINITY,
  disruptions?: { drainable: (i: number) => boolean; removed: (i: number) => void },
  options: RemovalSimulationOptions = {},
): number[] {
  const order = options.order ?? nodes.map((_, i) => i);
  const destination = options.destination ?? (() => true);
  const placer = options.placer ?? new SimulationPlacer();
  let views = nodes.slice();
  const movedOnto: { pod: PodResources; key: string | undefined }[][] = nodes.map(() => []);
  // The snapshot's node list: a node found removable is taken out of it (RemoveNodeInfo).
  let live = nodes.map((_, j) => j);
  const out: number[] = [];
  for (const i of order) {
    if (!eligible(i)) continue;
    if (out.length >= limit) break;
    // Drainability comes before the fit (GetPodsToMove): a PodDisruptionBudget can hold the node.
    if (disruptions !== undefined && !disruptions.drainable(i)) continue;
    const own = (pods[i] ?? []).map((pod, k) => ({ pod, key: options.keys?.[i]?.[k] }));
    const toMove = movedOnto[i]!.length > 0 ? [...own, ...movedOnto[i]!] : own;
    const trial = views.slice();
    const list = live;
    const targets: number[] = [];
    for (const m of toMove) {
      const k = placer.place(list.length, (x) => trial[list[x]!]!, (x) => list[x] !== i && destination(list[x]!), m.pod, m.key);
      if (k < 0) break;
      const t = list[k]!;
      trial[t] = bindPod(trial[t]!, m.pod);
      targets.push(t);
    }
    if (targets.length < toMove.length) continue;
    targets.forEach((t, k) => movedOnto[t]!.push(toMove[k]!));
    views = trial;
    live = live.filter((j) => j !== i);
    out.push(i);
    disruptions?.removed(i);
  }
  return out;
}

/**
 * planner.go unneededNodesLimit: how many unneeded nodes one loop looks for, at most. With N the
 * scale-down parallelism: the nodes unneeded at the last loop plus 2N, and never more than
 * N × (unneeded time / shortest interval between loops) + N. Before a second loop has been
 * seen the interval is the unneeded time itself (1 ns when that is 0), so the first loop finds 2N.
 */
export function unneededNodesLimit(previouslyUnneeded: number, parallelism: number, unneededSeconds: number, minUpdateIntervalSeconds: number): number {
  const n = parallelism;
  // Go divides the durations as integer nanoseconds.
  const ns = (s: number) => Math.round(s * 1e9);
  const interval = Math.max(1, ns(minUpdateIntervalSeconds));
  const u = Math.max(ns(unneededSeconds), interval);
  return Math.min(previouslyUnneeded + 2 * n, n * Math.floor(u / interval) + n);
}

/**
 * Per-node "unneeded since" bookkeeping (core/scaledown/unneeded/nodes.go): the time of the
 * first loop that found a node unneeded, forgotten as soon as a loop finds it needed.
 */
export class UnneededNodes {
  private readonly since = new Map<string, number>();

  /** Record one loop's verdict: `unneeded` holds every node found unneeded at `now`. */
  update(now: number, unneeded: Iterable<string>): void {
    const seen = new Set(unneeded);
    for (const name of [...this.since.keys()]) if (!seen.has(name)) this.since.delete(name);
    for (const name of seen) if (!this.since.has(name)) this.since.set(name, now);
  }

  unneededSince(name: string): number | undefined {
    return this.since.get(name);
  }

  /** How many nodes are unneeded now. */
  get size(): number {
    return this.since.size;
  }

  /**
   * Removable once unneeded for strictly longer than `unneededSeconds`; with 0 the wait is skipped
   * altogether (unremovableReason checks the time only for a threshold above 0), so a node is
   * removable at the very loop that first finds it unneeded.
   */
  removable(name: string, now: number, unneededSeconds: number): boolean {
    const s = this.since.get(name);
    return s !== undefined && (unneededSeconds <= 0 || timeBefore(s + unneededSeconds, now));
  }

  forget(name: string): void {
    this.since.delete(name);
  }
}

/**
 * Nodes the removal simulation found unremovable (scaledown/unremovable/nodes.go): each is
 * skipped as RecentlyUnremovable (eligibility.go FilterOutUnremovable) until its recheck time,
 * and considered again from the first loop at or after it.
 */
export class UnremovableNodes {
  private readonly until = new Map<string, number>();

  /** Forget the entries whose time has come (kept while strictly in the future). */
  update(now: number): void {
    for (const [name, t] of [...this.until]) if (!timeBefore(now, t)) this.until.delete(name);
  }

  isRecent(name: string): boolean {
    return this.until.has(name);
  }

  addTimeout(name: string, until: number): void {
    this.until.set(name, until);
  }
}

/** A node as the soft-taint update sees it. */
export interface SoftTaintNode {
  /** Found unneeded by this loop. */
  readonly unneeded: boolean;
  /** Carries DeletionCandidateOfClusterAutoscaler (PreferNoSchedule). */
  readonly softTainted: boolean;
  /** Carries ToBeDeletedByClusterAutoscaler as the loop listed it: left alone. */
  readonly toBeDeleted: boolean;
}

/**
 * The soft-taint changes of one loop (actuation/softtaint.go UpdateSoftDeletionTaints, called by
 * every scale-down pass): first the soft taint comes off needed nodes that carry it, then goes on
 * unneeded ones that lack it, each in the listed order, each change spending one of `budget`
 * (max-bulk-soft-taint-count) API calls; a node being deleted is skipped. Returns the indexes to
 * untaint and to taint.
 */
export function softTaintChanges(nodes: readonly SoftTaintNode[], budget: number): { untaint: number[]; taint: number[] } {
  requireInteger('maxBulkSoftTaintCount', budget, 0);
  const untaint: number[] = [];
  const taint: number[] = [];
  let left = budget;
  nodes.forEach((n, i) => {
    if (n.toBeDeleted || n.unneeded || !n.softTainted || left <= 0) return;
    untaint.push(i);
    left--;
  });
  nodes.forEach((n, i) => {
    if (n.toBeDeleted || !n.unneeded || n.softTainted || left <= 0) return;
    taint.push(i);
    left--;
  });
  return { untaint, taint };
}

/**
 * static_autoscaler.go allPodsAreNew: the oldest of the pods to help was created less than the
 * buffer ago (strictly), so more are probably coming: the loop neither scales up nor removes nodes.
 */
export function allPodsAreNew(createdAt: readonly number[], now: number, cfg: Pick<ClusterAutoscalerConfig, 'unschedulablePodTimeBufferSeconds'>): boolean {
  if (createdAt.length === 0) return false;
  let oldest = Number.POSITIVE_INFINITY;
  for (const t of createdAt) oldest = Math.min(oldest, t);
  return oldest + cfg.unschedulablePodTimeBufferSeconds > now;
}

/** After evicting a node's pods CA looks for them at once, then every this long (actuation/drain.go waitPodsToDisappear). */
export const POD_GONE_CHECK_SECONDS = 5;

/**
 * When CA deletes a drained node whose pods it evicted at `evictedAt` and whose last pod went at
 * `lastPodGoneAt`: at its first look, every 5 s from the evictions, that finds none left (the
 * node of an empty node, with nothing to wait for, at once).
 */
export function drainedNodeDeletionAt(evictedAt: number, lastPodGoneAt: number): number {
  requireNonNegative('lastPodGoneAt - evictedAt', lastPodGoneAt - evictedAt);
  // A look at the very instant counts.
  return gridPointAtOrAfter(evictedAt, POD_GONE_CHECK_SECONDS, lastPodGoneAt);
}

export interface ScaleDownHistory {
  readonly lastScaleUpTime?: number | undefined;
  readonly lastScaleDownFailTime?: number | undefined;
  readonly lastScaleDownDeleteTime?: number | undefined;
}

/** static_autoscaler.go isScaleDownInCooldown: no removal right after a scale-up, delete or failure. */
export function scaleDownInCooldown(now: number, h: ScaleDownHistory, cfg: ClusterAutoscalerConfig): boolean {
  // Every comparison with NaN is false, so a NaN time would read as "not in cooldown".
  requireFinite('now', now);
  return (
    (h.lastScaleUpTime !== undefined && timeBefore(now, h.lastScaleUpTime + cfg.scaleDownDelayAfterAddSeconds)) ||
    (h.lastScaleDownFailTime !== undefined && timeBefore(now, h.lastScaleDownFailTime + cfg.scaleDownDelayAfterFailureSeconds)) ||
    (h.lastScaleDownDeleteTime !== undefined && timeBefore(now, h.lastScaleDownDeleteTime + cfg.scaleDownDelayAfterDeleteSeconds))
  );
}

/** A node group's back-off (utils/backoff/exponential_backoff.go exponentialBackoffInfo). */
export interface NodeGroupBackoff {
  readonly durationSeconds: number;
  /** Scale-ups of the group are skipped until then. */
  readonly untilSeconds: number;
  readonly lastFailureSeconds: number;
}

/**
 * Go's `a.Before(b)` on times held as float seconds: compared in whole nanoseconds, so a sum such
 * as a failure's loop time plus 300 s equals the loop time 300 s later however the floats round.
 */
export function timeBefore(a: number, b: number): boolean {
  return Math.round(a * 1e9) < Math.round(b * 1e9);
}
const before = timeBefore;

/** A node group's scale-up request (clusterstate.go ScaleUpRequest). */
export interface ScaleUpRequest {
  /** Nodes asked for by the scale-ups it gathers (Increase). */
  readonly increase: number;
  /** Its last scale-up plus max-node-provision-time (ExpectedAddTime). */
  readonly deadlineSeconds: number;
}

/**
 * registerOrUpdateScaleUp for a scale-up of `nodes` at `now`: a request still open gathers it, and
 * its deadline moves to max-node-provision-time from now.
 */
export function scaleUpRequestAfter(prev: ScaleUpRequest | undefined, nodes: number, now: number, cfg: Pick<ClusterAutoscalerConfig, 'maxNodeProvisionSeconds'>): ScaleUpRequest {
  requireInteger('nodes', nodes, 1);
  return { increase: (prev?.increase ?? 0) + nodes, deadlineSeconds: now + cfg.maxNodeProvisionSeconds };
}

/**
 * How many of its group's unregistered nodes a timed-out request gives up. updateScaleRequests
 * reverts it with DecreaseTargetSize(−increase), which may only cut nodes not yet fulfilled. knsim's
 * cloud counts registered Nodes as existing, as kwok's provider does, and refuses a cut below them,
 * so the revert goes through only when the unregistered nodes cover the whole increase (none of the
 * request's nodes came), and then gives up that many; otherwise nothing.
 */
export function timedOutScaleUpRevert(request: ScaleUpRequest, unregistered: number): number {
  requireInteger('unregistered', unregistered, 0);
  return unregistered >= request.increase ? request.increase : 0;
}

/**
 * The back-off after a scale-up of the group failed at `now`: the initial duration the first
 * time; after that the previous duration while the group is still backed off (failures of
 * concurrent scale-ups do not compound), and twice it, up to the maximum, once it has passed.
 */
export function nodeGroupBackoffAfterFailure(prev: NodeGroupBackoff | undefined, now: number, cfg: ClusterAutoscalerConfig): NodeGroupBackoff {
  requireNonNegative('initialNodeGroupBackoffSeconds', cfg.initialNodeGroupBackoffSeconds);
  let d = cfg.initialNodeGroupBackoffSeconds;
  if (prev !== undefined) d = before(prev.untilSeconds, now) ? Math.min(2 * prev.durationSeconds, cfg.maxNodeGroupBackoffSeconds) : prev.durationSeconds;
  return { durationSeconds: d, untilSeconds: now + d, lastFailureSeconds: now };
}

/**
 * Is the group backed off at `now` (exponential_backoff.go BackoffStatus)? Until its end has
 * passed: a loop at the very instant the back-off ends still skips the group.
 */
export function nodeGroupBackedOff(b: NodeGroupBackoff | undefined, now: number): boolean {
  return b !== undefined && !before(b.untilSeconds, now);
}

/** Is the entry stale at `now` (its last failure longer ago than the reset timeout)? CA drops such entries every loop (RemoveStaleBackoffData). */
export function nodeGroupBackoffStale(b: NodeGroupBackoff, now: number, cfg: ClusterAutoscalerConfig): boolean {
  return before(b.lastFailureSeconds + cfg.nodeGroupBackoffResetSeconds, now);
}
