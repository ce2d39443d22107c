/**
 * `knsim plan`: a capacity planner's answer from one run's summary — peak nodes, the longest
 * wait for room on a node, the pods that waited for it, and the cost per simulated day.
 */
import { dollars4 as dollars, idleCostText } from './cluster-accounting.js';
import type { RunSummary } from './summary.js';
import { disruptionBudgetText, nodeDrainText, nodePoolDriftText, scaleDownBlockText } from './text-summary.js';

export interface CapacityPlan {
  scenario: string;
  seed: number;
  simulatedSeconds: number;
  peakNodes: number;
  nodeHours: number;
  /** Longest wait of those pods, from creation to binding, or to deletion or the run's end if never bound (s). */
  longestPendingSeconds: number;
  /**
   * Pods Unschedulable at least once: they waited for room on a node, from a new node or from pods
   * leaving; some were deleted before they started (summary.json's nodes.podsWaitedForNode).
   */
  podsWaitedForNode: number;
  /** Requests that waited at an activator for a pod (all causes). */
  coldStartRequests: number;
  /**
   * Dollars. per1000Requests is the capacity spec's derived metric: total ÷ requests served (200s)
   * × 1000; null when none was served.
   */
  cost: { total: number; perDay: number; per1000Requests: number | null; idle: number; perRevision: Record<string, number>; daemonSets: number; idlePerNode: Record<string, number> };
  /** The nodes the scenario drains (`updates[].drainNode`), as summary.json has them; absent without drains. */
  nodeDrains?: NonNullable<RunSummary['nodeDrains']>;
  /** The users' PodDisruptionBudgets, as summary.json has them; absent without budgets. */
  podDisruptionBudgets?: NonNullable<RunSummary['podDisruptionBudgets']>;
  /** The NodePools the scenario drifts (`updates[].driftNodePool`), as summary.json has them; absent without drifts. */
  nodePoolDrifts?: NonNullable<RunSummary['nodePoolDrifts']>;
  /** The nodes pod annotations kept from the node autoscaler, as summary.json has them; absent when none. */
  scaleDownBlocks?: NonNullable<RunSummary['scaleDownBlocks']>;
}

const per1000 = (total: number, served: number): number | null => (served > 0 ? Math.round(((total * 1000) / served) * 1e6) / 1e6 : null);

/** undefined when the run had no node pools. */
export function capacityPlan(s: RunSummary): CapacityPlan | undefined {
  if (s.nodes === undefined || s.cost === undefined) return undefined;
  return {
    scenario: s.scenario,
    seed: s.seed,
    simulatedSeconds: s.simulatedSeconds,
    peakNodes: s.nodes.max,
    nodeHours: s.nodes.nodeHours,
    longestPendingSeconds: s.nodes.maxPendingSeconds,
    podsWaitedForNode: s.nodes.podsWaitedForNode,
    coldStartRequests: s.overall.coldStartRequests,
    cost: { total: s.cost.total, perDay: s.cost.perDay, per1000Requests: per1000(s.cost.total, s.overall.requests.ok), idle: s.cost.idle, perRevision: s.cost.perRevision, daemonSets: s.cost.daemonSets, idlePerNode: s.cost.idlePerNode },
    ...(s.nodeDrains !== undefined ? { nodeDrains: s.nodeDrains } : {}),
    ...(s.podDisruptionBudgets !== undefined ? { podDisruptionBudgets: s.podDisruptionBudgets } : {}),
    ...(s.nodePoolDrifts !== undefined ? { nodePoolDrifts: s.nodePoolDrifts } : {}),
    ...(s.scaleDownBlocks !== undefined ? { scaleDownBlocks: s.scaleDownBlocks } : {}),
  };
}

export function planText(p: CapacityPlan): string {
  const lines = [
    `knsim plan: ${p.scenario} — ${p.simulatedSeconds} s simulated (seed ${p.seed})`,
    `peak nodes:                      ${p.peakNodes} (${p.nodeHours} node-hours)`,
    `longest Pending wait:            ${p.longestPendingSeconds} s`,
    `pods that waited for node room:  ${p.podsWaitedForNode} (Unschedulable at least once; cold-start requests, all causes: ${p.coldStartRequests})`,
    `cost:                            ${dollars(p.cost.total)} total, ${dollars(p.cost.perDay)} per simulated day, ${p.cost.per1000Requests === null ? 'no request served' : `${dollars(p.cost.per1000Requests)} per 1000 requests served`}, ${idleCostText(p.cost.total, p.cost.idle, dollars, 1)}`,
    ...Object.entries(p.cost.perRevision).map(([rev, v]) => `  ${rev}: ${dollars(v)}`),
    ...(p.cost.daemonSets > 0 ? [`  DaemonSets: ${dollars(p.cost.daemonSets)}`] : []),
    ...(p.nodeDrains ?? []).map((d) => `node drain:                      ${d.node} ${nodeDrainText(d)}`),
    ...(p.podDisruptionBudgets ?? []).map((b) => `PodDisruptionBudget:             ${disruptionBudgetText(b)}`),
    ...(p.nodePoolDrifts ?? []).map((x) => `NodePool drift:                  ${nodePoolDriftText(x)}`),
    ...(p.scaleDownBlocks ?? []).map((x) => `scale-down held:                 ${scaleDownBlockText(x)}`),
  ];
  return lines.join('\n');
}
