/**
 * `cluster.nodeAutoscaler.budgets` (Karpenter's NodePool `spec.disruption.budgets`) and
 * `runStartsAt` (the wall-clock time their cron schedules see at the run's start), checked as the
 * NodePool CRD's validation would check them.
 */
import { Cron } from 'croner';
import { DISRUPTION_REASONS, type BudgetSchedule, type DisruptionReason, type NodePoolBudget } from '../core/capacity/index.js';
import { formatPath, ScenarioError } from './errors.js';

/** A Monday at midnight UTC: the run starts on it unless `runStartsAt` says otherwise. */
export const DEFAULT_RUN_STARTS_AT = '2024-01-01T00:00:00Z';
export const MAX_BUDGETS = 50;

export interface BudgetInput {
  nodes: string | number;
  reasons?: string[] | undefined;
  schedule?: string | undefined;
  duration?: string | undefined;
}

/** robfig/cron's descriptors that Karpenter's schedule pattern admits, as 5-field schedules. */
const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/**
 * A budget's `schedule` (standard cron, UTC: Karpenter takes no time zone). Day of month and day of
 * week, when both are restricted, match either (robfig/cron as Vixie cron).
 * @throws Error when it is not a 5-field cron line or one of the descriptors.
 */
export function parseBudgetSchedule(text: string): BudgetSchedule {
  const line = DESCRIPTORS[text.trim()] ?? text;
  let cron: Cron;
  try {
    cron = new Cron(line, { timezone: 'UTC', paused: true, mode: '5-part' });
  } catch (e) {
    throw new Error(`${JSON.stringify(text)}: not a cron schedule (${(e as Error).message})`);
  }
  return {
    text,
    nextAfter(unixSeconds: number): number {
      const next = cron.nextRun(new Date(unixSeconds * 1000));
      return next === null ? Number.POSITIVE_INFINITY : next.getTime() / 1000;
    },
  };
}

const at = (...p: Array<string | number>): string => formatPath(['cluster', 'nodeAutoscaler', ...p]);

/** The budgets, or undefined when the scenario gives none (then `budgetNodesPercent` applies). */
export function nodePoolBudgets(file: string, budgets: readonly BudgetInput[] | undefined, percentGiven: boolean): NodePoolBudget[] | undefined {
  if (budgets === undefined) return undefined;
  if (percentGiven) throw new ScenarioError(file, at('budgets'), 'set either budgets or budgetNodesPercent (a budget of {nodes: "N%"}), not both');
  if (budgets.length > MAX_BUDGETS) throw new ScenarioError(file, at('budgets'), `at most ${MAX_BUDGETS} budgets (the NodePool's maxItems), got ${budgets.length}`);
  return budgets.map((b, i) => {
    const nodes = String(b.nodes);
    const m = /^(?:(100|[0-9]{1,2})%|([0-9]+))$/.exec(nodes);
    if (m === null) throw new ScenarioError(file, at('budgets', i, 'nodes'), `must be a count or a percentage from 0% to 100% (the NodePool's pattern ^((100|[0-9]{1,2})%|[0-9]+)$), got ${JSON.stringify(b.nodes)}`);
    const count = m[2] !== undefined ? Number(m[2]) : undefined;
    if (count !== undefined && !Number.isSafeInteger(count)) throw new ScenarioError(file, at('budgets', i, 'nodes'), `too large a count: ${nodes}`);
    let reasons: DisruptionReason[] | undefined;
    if (b.reasons !== undefined) {
      if (b.reasons.length === 0) throw new ScenarioError(file, at('budgets', i, 'reasons'), 'an empty list makes the budget apply to no reason: leave reasons out to apply it to all');
      b.reasons.forEach((r, k) => {
        if (!(DISRUPTION_REASONS as readonly string[]).includes(r)) throw new ScenarioError(file, at('budgets', i, 'reasons', k), `must be one of ${DISRUPTION_REASONS.join(', ')}, got ${JSON.stringify(r)}`);
      });
      reasons = [...new Set(b.reasons as DisruptionReason[])];
    }
    if ((b.schedule === undefined) !== (b.duration === undefined)) throw new ScenarioError(file, at('budgets', i, b.schedule === undefined ? 'duration' : 'schedule'), "'schedule' must be set with 'duration'");
    let schedule: NodePoolBudget['schedule'];
    let durationSeconds: number | undefined;
    if (b.schedule !== undefined && b.duration !== undefined) {
      if (!/^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$/.test(b.schedule)) {
        throw new ScenarioError(file, at('budgets', i, 'schedule'), `must be a cron line of five fields or a descriptor such as @daily (UTC; no seconds, no time zone), got ${JSON.stringify(b.schedule)}`);
      }
      try {
        schedule = parseBudgetSchedule(b.schedule);
      } catch (e) {
        throw new ScenarioError(file, at('budgets', i, 'schedule'), (e as Error).message);
      }
      const d = /^(?:([0-9]+)(h|m)|([0-9]+)h([0-9]+)m)(?:0s)?$/.exec(b.duration);
      if (d === null) throw new ScenarioError(file, at('budgets', i, 'duration'), `must be hours and minutes such as 8h, 90m or 1h30m (the NodePool takes no seconds), got ${JSON.stringify(b.duration)}`);
      durationSeconds = d[1] !== undefined ? Number(d[1]) * (d[2] === 'h' ? 3600 : 60) : Number(d[3]) * 3600 + Number(d[4]) * 60;
    }
    return {
      nodes: count !== undefined ? { count } : { percent: Number(m[1]) },
      ...(reasons !== undefined ? { reasons } : {}),
      ...(schedule !== undefined ? { schedule, durationSeconds } : {}),
    };
  });
}

/** `runStartsAt`: an RFC 3339 time in UTC → Unix seconds. */
export function runStartsAt(file: string, text: string | undefined): number {
  const t = text ?? DEFAULT_RUN_STARTS_AT;
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(t);
  const ms = ok ? Date.parse(t) : Number.NaN;
  if (!Number.isFinite(ms)) throw new ScenarioError(file, at('runStartsAt'), `must be an RFC 3339 time such as ${DEFAULT_RUN_STARTS_AT}, got ${JSON.stringify(text)}`);
  return ms / 1000;
}
