/**
 * kube-scheduler's queueing hints (on by default since 1.32): a pod that failed to schedule
 * remembers the filter plugins that rejected it on some node (its UnschedulablePlugins), and a
 * cluster event moves it out of the unschedulable pool only if one of those plugins says the
 * event may help (framework.Queue); otherwise it waits for another event or the 5-minute flush.
 * knsim's filters are two: a node's taint or cordon (TaintToleration, NodeUnschedulable: a node
 * added or updated helps if the pod tolerates it now) and resource fit (NodeResourcesFit: a node
 * added that could hold the pod were it empty, or a pod that left a node, can help; with hints on
 * it does not listen to taint changes at all).
 */
import { fits } from './fit.js';
import { ZERO_RESOURCES, type NodeView, type PodResources, type Resources } from './types.js';

/** Rejected by a node's taint or cordon (TaintToleration, NodeUnschedulable). */
export const REJECTED_BY_TAINT = 1;
/** Rejected for want of cpu, memory or pod slots (NodeResourcesFit). */
export const REJECTED_BY_FIT = 2;

/** The cluster events knsim's scheduler reacts to. */
export type SchedulingEvent = 'NodeAdded' | 'NodeTaintRemoved' | 'AssignedPodDeleted';

/** The node an event is about, as the hints read it: the Node object, not the pods on it. */
export interface EventNode {
  readonly name: string;
  readonly allocatable: Resources;
  readonly maxPods: number;
  /** No taint or cordon a Knative pod does not tolerate (after the event). */
  readonly schedulable: boolean;
}

/**
 * The plugins that rejected `pod` on `nodes` in a cycle that found no node, as a bit set:
 * a node failing `schedulable` (tainted, cordoned, under pressure) is TaintToleration's, one
 * with too little room NodeResourcesFit's. 0 with no node at all.
 */
export function rejectingPlugins<N extends NodeView>(nodes: readonly N[], pod: PodResources, schedulable: (node: N) => boolean): number {
  let out = 0;
  for (const n of nodes) {
    if (!schedulable(n)) out |= REJECTED_BY_TAINT;
    else if (!fits(n, pod)) out |= REJECTED_BY_FIT;
  }
  return out;
}

/**
 * NodeResourcesFit's test of an added node (fit.go isFit): the pod against the node's
 * allocatable and pod slots alone, as if nothing ran there yet (the hint sees the Node object,
 * not its DaemonSet pods).
 */
export function fitsEmptyNode(node: EventNode, pod: PodResources): boolean {
  return fits({ name: node.name, allocatable: node.allocatable, maxPods: node.maxPods, requested: ZERO_RESOURCES, nonZeroRequested: ZERO_RESOURCES, pods: 0 }, pod);
}

/**
 * Whether `event` on `node` moves a pod that `rejectedBy` rejected: it does if one rejecting
 * plugin's hint says Queue. TaintToleration and NodeUnschedulable queue it when the node added or
 * untainted is one it tolerates now (isSchedulableAfterNodeChange); NodeResourcesFit when the
 * node added could hold it empty, or when a pod left a node (isSchedulableAfterPodEvent). A pod
 * no plugin rejected (no node at all) moves on any event.
 */
export function requeuedBy(rejectedBy: number, event: SchedulingEvent, pod: PodResources, node: EventNode): boolean {
  if (rejectedBy === 0) return true;
  const taint = (rejectedBy & REJECTED_BY_TAINT) !== 0;
  const fit = (rejectedBy & REJECTED_BY_FIT) !== 0;
  if (event === 'AssignedPodDeleted') return fit;
  if (event === 'NodeTaintRemoved') return taint && node.schedulable;
  return (taint && node.schedulable) || (fit && fitsEmptyNode(node, pod));
}
