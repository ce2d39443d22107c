/**
 * Karpenter's NodePool disruption budgets (kubernetes-sigs/karpenter pkg/apis/v1/nodepool.go:
 * Budget, GetAllowedDisruptionsByReason, IsActive): each budget caps the nodes disrupted at once,
 * for every disruption reason or only those it lists, always or from each hit of its cron schedule
 * for its duration. The most restrictive active budget that applies to a reason wins.
 */
import { requireInteger } from '../errors.js';

export const DISRUPTION_REASONS = ['Empty', 'Underutilized', 'Drifted'] as const;
export type DisruptionReason = (typeof DISRUPTION_REASONS)[number];

/**
 * A budget's schedule, parsed outside core (src/scenario): when it next hits strictly after a
 * time (Unix seconds, UTC; Infinity: never again).
 */
export interface BudgetSchedule {
  readonly text: string;
  nextAfter(unixSeconds: number): number;
}

export interface NodePoolBudget {
  /** `nodes`: a count, or a percentage of the pool's nodes (rounded up). */
  readonly nodes: { readonly count: number } | { readonly percent: number };
  /** The reasons it applies to; undefined: every reason. */
  readonly reasons?: readonly DisruptionReason[] | undefined;
  /** With `durationSeconds`: active from each hit of the schedule for that long; without: always. */
  readonly schedule?: BudgetSchedule | undefined;
  readonly durationSeconds?: number | undefined;
}

/**
 * Budget.IsActive: always without a schedule; else when the schedule's first hit after
 * `now − duration` is not after `now` (so a hit at exactly now − duration no longer counts).
 */
export function budgetActive(b: NodePoolBudget, nowUnixSeconds: number): boolean {
  if (b.schedule === undefined) return true;
  return b.schedule.nextAfter(nowUnixSeconds - (b.durationSeconds ?? 0)) <= nowUnixSeconds;
}

/**
 * NodePool.GetAllowedDisruptionsByReason less the nodes already disrupting: the least any active
 * budget that applies to `reason` allows of `totalNodes` (a percentage rounded up), minus
 * `disrupting`, at least 0. No budget applying: unlimited (Infinity).
 */
export function allowedDisruptionsByReason(budgets: readonly NodePoolBudget[], reason: DisruptionReason, totalNodes: number, nowUnixSeconds: number, disrupting = 0): number {
  requireInteger('totalNodes', totalNodes, 0);
  let allowed = Number.POSITIVE_INFINITY;
  for (const b of budgets) {
    if (b.reasons !== undefined && !b.reasons.includes(reason)) continue;
    if (!budgetActive(b, nowUnixSeconds)) continue;
    const n = 'count' in b.nodes ? b.nodes.count : Math.ceil((totalNodes * b.nodes.percent) / 100);
    allowed = Math.min(allowed, n);
  }
  return Math.max(0, allowed - disrupting);
}
