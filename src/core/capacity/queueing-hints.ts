/**
 * kube-scheduler's queueing hints (on by default since 1.32): a pod that failed to schedule
 * remembers the filter plugins that rejected it on some node (its UnschedulablePlugins), and a
 * cluster event moves it out of the unschedulable pool only if one of those plugins says the
 * event may help (framework.Queue); otherwise it waits for another event or the 5-minute flush.
 * knsim's filters are two: a node's taint or cordon (TaintToleration, NodeUnschedulable: only a
 * node added or a taint removed can help) and resource fit (NodeResourcesFit: a node added, or a
 * pod that left a node, can help).
 */
import { fits } from './fit.js';
import type { NodeView, PodResources } from './types.js';

/** Rejected by a node's taint or cordon (TaintToleration, NodeUnschedulable). */
export const REJECTED_BY_TAINT = 1;
/** Rejected for want of cpu, memory or pod slots (NodeResourcesFit). */
export const REJECTED_BY_FIT = 2;

/** The cluster events knsim's scheduler reacts to. */
export type SchedulingEvent = 'NodeAdded' | 'NodeTaintRemoved' | 'AssignedPodDeleted';

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
 * Whether `event` moves a pod that `rejectedBy` rejected (isSchedulableAfter… hints): a node
 * added helps either; a removed taint only a tainted-out pod; a deleted pod's freed room only
 * one that did not fit. A pod no plugin rejected (no node at all) moves on any event.
 */
export function requeuedBy(rejectedBy: number, event: SchedulingEvent): boolean {
  if (rejectedBy === 0 || event === 'NodeAdded') return true;
  if (event === 'NodeTaintRemoved') return (rejectedBy & REJECTED_BY_TAINT) !== 0;
  return (rejectedBy & REJECTED_BY_FIT) !== 0;
}
