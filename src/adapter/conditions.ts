/**
 * Knative-style status conditions as the adapter reads and writes them (the shape of
 * knative.dev/pkg `apis.Condition`): parsing them from API objects, their timestamps, and
 * the "happy" condition of a living condition set — `Ready` is True only when every
 * dependent condition is True; otherwise it carries the status, reason and message of the
 * most recently changed False dependent, else of the most recently changed Unknown (or
 * missing) one.
 */

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface KnativeCondition {
  type: string;
  status: ConditionStatus;
  /** '' when none (omitted on the wire). */
  reason: string;
  message: string;
  /** RFC 3339, seconds precision ('' when unknown). */
  lastTransitionTime: string;
  /** '' (error: counts for readiness) or 'Info'. */
  severity: string;
}

/** The living condition sets' happy condition. */
export const READY = 'Ready';

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The `status.conditions` of an API object (unknown statuses read as Unknown). */
export function parseConditions(status: unknown): KnativeCondition[] {
  const conds = (status as { conditions?: unknown } | undefined)?.conditions;
  if (!Array.isArray(conds)) return [];
  const out: KnativeCondition[] = [];
  for (const c of conds as Array<Record<string, unknown> | null>) {
    if (!c || typeof c.type !== 'string') continue;
    const s = c.status;
    out.push({
      type: c.type,
      status: s === 'True' || s === 'False' ? s : 'Unknown',
      reason: str(c.reason),
      message: str(c.message),
      lastTransitionTime: str(c.lastTransitionTime),
      severity: str(c.severity),
    });
  }
  return out;
}

export function findCondition(conds: readonly KnativeCondition[], type: string): KnativeCondition | undefined {
  return conds.find((c) => c.type === type);
}

/** Epoch seconds as Kubernetes writes timestamps (RFC 3339, whole seconds, UTC). */
export function formatTime(seconds: number): string {
  return new Date(Math.floor(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A timestamp in epoch seconds, or undefined if absent or unparsable. */
export function parseTime(s: string): number | undefined {
  if (s === '') return undefined;
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/** A condition's wire form: empty reason, message and severity are omitted. */
export function conditionJson(c: KnativeCondition): Record<string, string> {
  const out: Record<string, string> = { type: c.type, status: c.status };
  if (c.reason !== '') out['reason'] = c.reason;
  if (c.message !== '') out['message'] = c.message;
  if (c.lastTransitionTime !== '') out['lastTransitionTime'] = c.lastTransitionTime;
  if (c.severity !== '') out['severity'] = c.severity;
  return out;
}

/**
 * Sets condition `next` (without a time) against the previous value of the same type: the
 * previous transition time is kept when nothing else changed, else it becomes `at`.
 */
export function withTransitionTime(
  next: Omit<KnativeCondition, 'lastTransitionTime'>,
  previous: KnativeCondition | undefined,
  at: number,
): KnativeCondition {
  const same =
    previous !== undefined &&
    previous.status === next.status &&
    previous.reason === next.reason &&
    previous.message === next.message &&
    previous.severity === next.severity &&
    previous.lastTransitionTime !== '';
  return { ...next, lastTransitionTime: same ? previous.lastTransitionTime : formatTime(at) };
}

/**
 * The happy condition of a living condition set over `dependents` (in the given order,
 * which breaks ties between equally recent transitions), without its transition time.
 */
export function happyCondition(dependents: readonly string[], conds: readonly KnativeCondition[]): Omit<KnativeCondition, 'lastTransitionTime'> {
  const deps = dependents.map((t, i) => ({ i, c: findCondition(conds, t) }));
  const recentFirst = (a: { i: number; c: KnativeCondition | undefined }, b: { i: number; c: KnativeCondition | undefined }): number => {
    const ta = parseTime(a.c?.lastTransitionTime ?? '') ?? Number.NEGATIVE_INFINITY;
    const tb = parseTime(b.c?.lastTransitionTime ?? '') ?? Number.NEGATIVE_INFINITY;
    return tb - ta || a.i - b.i;
  };
  const unhappy = (status: ConditionStatus) =>
    deps.filter((d) => (d.c === undefined ? status === 'Unknown' : d.c.status === status)).sort(recentFirst)[0];
  const worst = unhappy('False') ?? unhappy('Unknown');
  if (worst === undefined) return { type: READY, status: 'True', reason: '', message: '', severity: '' };
  return { type: READY, status: worst.c?.status ?? 'Unknown', reason: worst.c?.reason ?? '', message: worst.c?.message ?? '', severity: '' };
}
