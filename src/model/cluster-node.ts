import { addResources, lastPodEventAfter, subtractResources, type NodeTemplate, type NodeView, type PodResources, type Resources } from '../core/capacity/index.js';
import type { NodeCpu } from './node-cpu.js';
import type { KubectlDrainOptions, NodeDrainRecord } from './node-drain.js';
import type { Pod } from './pod.js';
import type { Revision } from './revision.js';
import type { NodePoolSpec } from './spec.js';

/** The Cluster Autoscaler's PodLongTerminatingExtraThreshold. */
const LONG_TERMINATING_EXTRA_SECONDS = 30;

/** Adds `by` to the revision's count, dropping it at 0. */
function count(counts: Map<Revision, number>, revision: Revision, by: 1 | -1): void {
  const n = (counts.get(revision) ?? 0) + by;
  if (n === 0) counts.delete(revision);
  else counts.set(revision, n);
}

/** Provisioning (requested, not yet Ready), Ready, Tainted (being removed), Deleted. */
export type NodeState = 'Provisioning' | 'Ready' | 'Tainted' | 'Deleted';

/** A pool's fresh node as the scheduler and the autoscalers see it: allocatable, maxPods, DaemonSet pods. */
export function poolTemplate(p: NodePoolSpec): NodeTemplate {
  return {
    allocatable: { cpuMillis: p.cpuMillis, memoryBytes: p.memoryBytes },
    maxPods: p.maxPods,
    daemonSetRequests: { cpuMillis: p.daemonSet.cpuMillis, memoryBytes: p.daemonSet.memoryBytes },
    daemonSetPods: p.daemonSet.pods,
  };
}

/**
 * One node: what is bound to it (DaemonSet pods from the start, Knative pods as they bind)
 * and its lifecycle times. It is the scheduler's NodeView of itself.
 */
export class ClusterNode implements NodeView {
  readonly allocatable: Resources;
  readonly maxPods: number;
  requested: Resources;
  nonZeroRequested: Resources;
  /** Pods on it, DaemonSet pods included. */
  pods: number;
  /** Knative pods bound to it (not yet Gone). */
  readonly workload = new Set<Pod>();
  state: NodeState = 'Provisioning';
  /** When the cloud's create call for it succeeded: its instance exists (and is billed) from then (NaN: not yet, or never). */
  launchedAt = Number.NaN;
  /** When its kubelet created its Node object (NaN: not yet): in the scheduler's node list from then. */
  registeredAt = Number.NaN;
  readyAt = Number.NaN;
  taintedAt = Number.NaN;
  /** When its pods are evicted (taint + delay). */
  drainAt = Number.NaN;
  /** Its pods have been evicted (once: a drain brought forward finds the later one done). */
  evicted = false;
  /** Rounds of its drain in which a PodDisruptionBudget refused some eviction (for the evictor's back-off). */
  refusedRounds = 0;
  deletedAt = Number.NaN;
  /** Karpenter's NodeClaim lastPodEventTime as of the last bind or unbind (NaN: no pod event yet); see lastPodEventTime. */
  private podEventAt = Number.NaN;
  /** Pods on it whose start of termination podEventAt already counts. */
  private readonly terminatingCounted = new Set<Pod>();
  /**
   * Per revision, its pods here that are not terminating: what PodTopologySpread counts on this
   * node for a new pod of that revision (kept as pods bind, start terminating and go).
   */
  private readonly spreadCounts = new Map<Revision, number>();
  /**
   * Per revision, its pods bound here, terminating ones included: what InterPodAffinity's
   * anti-affinity term counts on this node for a new pod of that revision.
   */
  private readonly boundCounts = new Map<Revision, number>();
  /** The kubelet reports MemoryPressure (node-eviction.ts): tainted NoSchedule, so no new pod binds here. */
  memoryPressure = false;
  /** The Cluster Autoscaler's DeletionCandidateOfClusterAutoscaler taint (PreferNoSchedule): it found the node unneeded. */
  softTainted = false;
  /** When its eviction manager last found the memory threshold crossed (NaN: never). */
  memoryCrossedAt = Number.NaN;
  /** Its CPU as the pods that model CPU share it (made by the first of them). */
  cpu: NodeCpu | undefined = undefined;
  /** Drained by the user (`updates[].drainNode`) rather than removed by the node autoscaler. */
  removedByUser = false;
  /** The drain that named it, if any: its empty and deleted times are written here. */
  drainRecord: NodeDrainRecord | undefined = undefined;
  /** How that drain's kubectl runs (--timeout, --disable-eviction). */
  kubectlDrain: KubectlDrainOptions | undefined = undefined;
  /**
   * kubectl drain gave up on it (--timeout). A node the user was removing then stays cordoned and
   * is not deleted, even once empty; one its autoscaler is removing goes on under the autoscaler's rules.
   */
  kubectlGaveUp = false;

  constructor(
    readonly name: string,
    readonly pool: NodePoolSpec,
    readonly requestedAt: number,
  ) {
    const t = poolTemplate(pool);
    this.allocatable = t.allocatable;
    this.maxPods = t.maxPods;
    this.requested = t.daemonSetRequests;
    // DaemonSet requests are explicit: they count as they are for scoring too.
    this.nonZeroRequested = t.daemonSetRequests;
    this.pods = t.daemonSetPods;
  }

  bind(pod: Pod, r: PodResources, now: number): void {
    this.requested = addResources(this.requested, r.requests);
    this.nonZeroRequested = addResources(this.nonZeroRequested, r.nonZeroRequests);
    this.pods++;
    this.podEventAt = lastPodEventAfter(this.lastPodEventTime(now), now);
    this.workload.add(pod);
    this.countForSpread(pod.revision, 1);
    count(this.boundCounts, pod.revision, 1);
  }

  /** A pod here started terminating: PodTopologySpread no longer counts it (deletionTimestamp set). */
  podTerminating(pod: Pod): void {
    if (this.workload.has(pod)) this.countForSpread(pod.revision, -1);
  }

  /** The revision's pods here that are not terminating. */
  matchingPods(revision: Revision): number {
    return this.spreadCounts.get(revision) ?? 0;
  }

  /** The revision's pods bound here, terminating or not. */
  boundPods(revision: Revision): number {
    return this.boundCounts.get(revision) ?? 0;
  }

  private countForSpread(revision: Revision, by: 1 | -1): void {
    count(this.spreadCounts, revision, by);
  }

  unbind(pod: Pod, r: PodResources, now: number): void {
    if (!this.workload.has(pod)) return;
    // Its start of termination, if not counted yet, comes before it is gone.
    this.podEventAt = lastPodEventAfter(this.lastPodEventTime(now), now);
    this.workload.delete(pod);
    count(this.boundCounts, pod.revision, -1);
    this.terminatingCounted.delete(pod);
    // Gone without having started to terminate: it still counted until now.
    if (Number.isNaN(pod.terminatingAt)) this.countForSpread(pod.revision, -1);
    pod.res?.leaveNode(now);
    this.requested = subtractResources(this.requested, r.requests);
    this.nonZeroRequested = subtractResources(this.nonZeroRequested, r.nonZeroRequests);
    this.pods--;
  }

  /**
   * Its NodeClaim's lastPodEventTime at `now` (NaN: no pod event yet): pods bound, starting to
   * terminate, and gone, each written only when the last one written is 10 s old or more
   * (nodeclaim/podevents). The cluster hears of a pod's termination only when it is gone, so the
   * terminations of pods still here are taken in, in time order, before any later event is.
   */
  lastPodEventTime(now: number): number {
    let pending: Pod[] | undefined;
    for (const p of this.workload) if (p.terminatingAt <= now && !this.terminatingCounted.has(p)) (pending ??= []).push(p);
    if (pending === undefined) return this.podEventAt;
    pending.sort((a, b) => a.terminatingAt - b.terminatingAt);
    for (const p of pending) {
      this.terminatingCounted.add(p);
      this.podEventAt = lastPodEventAfter(this.podEventAt, p.terminatingAt);
    }
    return this.podEventAt;
  }

  /** The scheduler's TaintToleration counts the soft taint, which no Knative pod tolerates. */
  get preferNoScheduleTaints(): number {
    return this.softTainted ? 1 : 0;
  }

  /** Its Node object exists (it may not be Ready yet: then its not-ready taint turns pods away). */
  get registered(): boolean {
    return !Number.isNaN(this.registeredAt);
  }

  /** Ready and not tainted (for removal, or node.kubernetes.io/memory-pressure): new pods may bind here. */
  get schedulable(): boolean {
    return this.state === 'Ready' && !this.memoryPressure;
  }

  /** Knative pods on it that are not terminating (the ones a drain has to move). */
  movablePods(): Pod[] {
    return [...this.workload].filter((p) => p.isOk);
  }

  /**
   * The pods the Cluster Autoscaler's drain simulation has to place elsewhere at `now`: every pod
   * but a long-terminating one (drainability rules: longterminating skips a pod past its
   * deletionTimestamp, which the API server sets a grace period after the delete request, plus
   * its grace period and 30 s). A Knative pod's grace period is its revision's timeoutSeconds, so
   * a terminating pod still draining counts: its node is not empty, and its requests must fit.
   */
  podsToMoveForCA(now: number): Pod[] {
    const out: Pod[] = [];
    for (const p of this.workload) {
      if (p.isOk || !(now > p.terminatingAt + 2 * p.revision.spec.timeoutSeconds + LONG_TERMINATING_EXTRA_SECONDS)) out.push(p);
    }
    return out;
  }
}
