import { rejectingPlugins, requeueOrder, requeuedBy, scheduleOne, ScoringBuffers, type SchedulingEvent } from '../core/capacity/index.js';
import type { RandomStream } from '../engine/random.js';
import type { Cluster } from './cluster.js';
import type { ClusterNode } from './cluster-node.js';
import type { Pod } from './pod.js';

/** kube-scheduler flushes pods left in the unschedulable pool this long (5 min)… */
export const MAX_IN_UNSCHEDULABLE_POOL_SECONDS = 300;
/** …checking every 30 s. */
export const FLUSH_PERIOD_SECONDS = 30;

const isSchedulable = (node: ClusterNode): boolean => node.schedulable;

/** PodTopologySpread's count for `pod` on a node: its revision's pods there, terminating ones left out. */
function spreadOf(pod: Pod): (node: ClusterNode) => number {
  return (node) => node.matchingPods(pod.revision);
}

/**
 * InterPodAffinity's count for `pod` on a node, when its revision's pods carry Knative's preferred
 * anti-affinity: its revision's pods bound there, terminating ones included.
 */
function antiAffinityOf(pod: Pod): ((node: ClusterNode) => number) | undefined {
  if (pod.revision.spec.spreadOverNodes !== true) return undefined;
  return (node) => node.boundPods(pod.revision);
}

interface Waiting {
  pod: Pod;
  onBound: (pod: Pod, now: number) => void;
  failedAttempts: number;
  /** When the last attempt failed (its back-off counts from then), NaN before. */
  lastFailedAt: number;
  /** In the unschedulable pool: waiting for a cluster event (or the flush). */
  inPool: boolean;
  /** A retry event is scheduled. */
  retryScheduled: boolean;
  /** When the pod first failed to schedule, NaN before. */
  unschedulableSince: number;
  /** The filters that rejected it at its last failed attempt (core queueing-hints.ts). */
  rejectedBy: number;
}

/**
 * kube-scheduler's queue for pods that have no node: a pod is tried once it is created (after
 * the pod's scheduling latency); one that fits nowhere is Unschedulable and waits in the
 * unschedulable pool until a node is added or a pod leaves a node, then retries at once: its
 * back-off (1, 2, 4, 8, 10 s…) would hold it in the backoffQ, but with no other pod queued the
 * scheduler pops the backoffQ without waiting (SchedulerPopFromBackoffQ, on by default since
 * 1.33), and knsim's scheduling cycles take no time. The back-offs order those retries
 * (requeueOrder). Pods left 5 min in the pool are retried by the periodic flush.
 */
export class SchedulingQueue {
  /** Pods without a node, oldest first. */
  private readonly waiting: Waiting[] = [];
  private readonly byPod = new Map<Pod, Waiting>();

  constructor(
    private readonly cluster: Cluster,
    private readonly ties: RandomStream,
  ) {}

  private readonly tieBreak = (n: number): number => this.ties.int(n);
  /** Every cycle's feasible nodes and scores, kept from pod to pod. */
  private readonly buffers = new ScoringBuffers<ClusterNode>();

  /** Scheduling cycles that found no node (kube-scheduler's schedule_attempts_total{result="unschedulable"}). */
  unschedulableAttempts = 0;

  /**
   * Where the next cycle's filters start in the registered nodes (kube-scheduler's
   * nextStartNodeIndex): each cycle moves it on by the nodes it looked at, so in a cluster of 100
   * nodes or more successive pods are scored on different parts of it; below 100 it stays 0.
   */
  get nextStartNodeIndex(): number {
    return this.nextStart;
  }
  private nextStart = 0;

  /** A scheduling cycle for `pod`: the node it binds to, if any (see core's scheduleOne). */
  private findNode(pod: Pod): ClusterNode | undefined {
    const nodes = this.cluster.registeredNodes();
    const r = scheduleOne(nodes, this.cluster.requestsOf(pod), this.tieBreak, {
      start: this.nextStart,
      schedulable: isSchedulable,
      matchingPods: spreadOf(pod),
      antiAffinityPods: antiAffinityOf(pod),
      percentageOfNodesToScore: this.cluster.spec.percentageOfNodesToScore,
      buffers: this.buffers,
    });
    if (nodes.length > 0) this.nextStart = (this.nextStart + r.processed) % nodes.length;
    return r.node;
  }

  add(pod: Pod, attemptAt: number, onBound: (pod: Pod, now: number) => void): void {
    const w: Waiting = { pod, onBound, failedAttempts: 0, lastFailedAt: Number.NaN, inPool: false, retryScheduled: true, unschedulableSince: Number.NaN, rejectedBy: 0 };
    this.waiting.push(w);
    this.byPod.set(pod, w);
    this.cluster.sim.at(attemptAt, this.onAttempt, w);
  }

  remove(pod: Pod): void {
    const w = this.byPod.get(pod);
    if (w === undefined) return;
    this.byPod.delete(pod);
    this.waiting.splice(this.waiting.indexOf(w), 1);
  }

  /** Pods that failed to schedule and still have no node (the autoscalers' trigger), oldest first. */
  unschedulable(): Pod[] {
    const out: Pod[] = [];
    for (const w of this.waiting) if (w.failedAttempts > 0) out.push(w.pod);
    return out;
  }

  /** When the pod first failed to schedule (NaN if it has not, or is bound). */
  unschedulableSince(pod: Pod): number {
    return this.byPod.get(pod)?.unschedulableSince ?? Number.NaN;
  }

  get size(): number {
    return this.waiting.length;
  }

  /** Bind a pod now if some node fits it (pods running before the run). */
  bindNow(pod: Pod, now: number): boolean {
    const node = this.findNode(pod);
    if (node === undefined) return false;
    node.bind(pod, this.cluster.requestsOf(pod), now);
    this.cluster.noteStateChange(now);
    pod.node = node;
    return true;
  }

  private onAttempt = (w: Waiting): void => {
    w.retryScheduled = false;
    if (this.byPod.get(w.pod) !== w) return; // bound or deleted meanwhile
    const now = this.cluster.sim.now;
    const pod = w.pod;
    const req = this.cluster.requestsOf(pod);
    const node = this.findNode(pod);
    if (node !== undefined) {
      this.remove(pod);
      node.bind(pod, req, now);
      this.cluster.noteStateChange(now);
      pod.node = node;
      pod.revision.podEvent(pod, 'Scheduled', now);
      w.onBound(pod, now);
      return;
    }
    w.failedAttempts++;
    this.unschedulableAttempts++;
    w.lastFailedAt = now;
    w.inPool = true;
    w.rejectedBy = rejectingPlugins(this.cluster.registeredNodes(), req, isSchedulable);
    const first = w.failedAttempts === 1;
    if (first) {
      w.unschedulableSince = now;
      pod.revision.podEvent(pod, 'Unschedulable', now);
    }
    // The flush runs every 30 s and takes pods that have been in the pool over 5 min.
    const flushAt = (Math.floor((now + MAX_IN_UNSCHEDULABLE_POOL_SECONDS) / FLUSH_PERIOD_SECONDS) + 1) * FLUSH_PERIOD_SECONDS;
    this.cluster.sim.at(flushAt, this.onFlush, { w, attempt: w.failedAttempts });
    pod.revision.podUnschedulable(pod, now);
    if (first) this.cluster.autoscaler?.podUnschedulable(pod, now);
  };

  private onFlush = (f: { w: Waiting; attempt: number }): void => {
    const { w } = f;
    if (this.byPod.get(w.pod) !== w || !w.inPool || w.failedAttempts !== f.attempt) return;
    this.retry(w, this.cluster.sim.now);
  };

  /**
   * A node was added, a taint removed from `node` or a pod left `node`: every pod in the pool that
   * the event may help (its rejecting filters' queueing hints) retries now, in the queue's order.
   */
  moveAllToActive(now: number, event: SchedulingEvent, node: ClusterNode): void {
    const pooled = this.waiting.filter((w) => w.inPool && requeuedBy(w.rejectedBy, event, this.cluster.requestsOf(w.pod), node));
    for (const i of requeueOrder(pooled, now)) this.retry(pooled[i]!, now);
  }

  private retry(w: Waiting, now: number): void {
    w.inPool = false;
    if (w.retryScheduled) return;
    w.retryScheduled = true;
    this.cluster.sim.at(now, this.onAttempt, w);
  }
}
