/** Checks parsed expectations against a run's summary. */
import { emptyCounts, round3, type RevisionSummary, type RunSummary } from '../output/summary.js';
import { ScenarioError } from '../scenario/errors.js';
import type { Expectation } from './parse.js';
import type { ScopeSummary, ValueKind } from './metrics.js';

export interface ExpectationResult {
  expectation: Expectation;
  /** The scope as printed: '' (the run), `service hello`, `revision hello-00001`. */
  scope: string;
  pass: boolean;
  /** What the run gave, as printed (with its unit). */
  actual: string;
  /**
   * Set when the expectation could not be checked against this run (its revision: or
   * service: names none that ran): it counts as failed, and the others are still checked.
   */
  error?: string;
}

/** A value as printed, in the metric's unit. */
export function formatActual(v: number, kind: ValueKind): string {
  // As summary.json has it (to 12 significant digits, which drops only float noise such as 0.1 × 100's): 1001.471 ms, not 1001.47.
  const r = (x: number): string => String(+x.toPrecision(12));
  switch (kind) {
    case 'ms':
      return `${r(v)}ms`;
    case 'fraction':
      return `${r(v * 100)}%`;
    case 'seconds':
      return `${r(v)}s`;
    case 'hours':
      return `${r(v)}h`;
    case 'count':
      return r(v);
  }
}

function scopeOf(e: Expectation, s: RunSummary, file: string): { label: string; summary: ScopeSummary } {
  const names = s.revisions.map((r) => r.revision);
  const one = (r: RevisionSummary): ScopeSummary => ({ overall: r, revision: r });
  // A service's requests include those sent while it had no route (404s, which count in no revision).
  const ofService = (r: RevisionSummary, noRoute: number): ScopeSummary =>
    noRoute === 0 ? one(r) : { overall: { ...r, requests: { ...r.requests, total: r.requests.total + noRoute, noRoute: r.requests.noRoute + noRoute } }, revision: r };
  if (e.revision !== undefined) {
    const r = s.revisions.find((x) => x.revision === e.revision);
    if (r === undefined) throw new ScenarioError(file, `${e.path}.revision`, `no revision named ${JSON.stringify(e.revision)} ran (revisions: ${names.join(', ')})`);
    return { label: `revision ${r.revision}`, summary: one(r) };
  }
  if (e.service !== undefined) {
    const revs = s.revisions.filter((x) => x.service === e.service);
    if (revs.length === 0) throw new ScenarioError(file, `${e.path}.service`, `no service named ${JSON.stringify(e.service)} ran (services: ${[...new Set(s.revisions.map((r) => r.service))].join(', ')})`);
    const noRoute = s.noRouteByService[e.service] ?? 0;
    if (revs.length === 1) return { label: `service ${e.service}`, summary: ofService(revs[0]!, noRoute) };
    const list = `${revs.length} revisions (${revs.map((r) => r.revision).join(', ')})`;
    if (e.metric.additive !== true) {
      const why = e.metric.revisionOnly === true ? 'is per revision' : 'is no sum of its revisions\' (a percentile, a peak or a time)';
      throw new ScenarioError(file, `${e.path}.service`, `service ${e.service} has ${list}, and ${e.metric.name} ${why}: scope the expectation to one with revision:`);
    }
    return { label: `service ${e.service}`, summary: { overall: serviceTotals(revs, noRoute), revision: undefined } };
  }
  if (e.metric.revisionOnly) {
    if (s.revisions.length !== 1) throw new ScenarioError(file, e.path, `${e.metric.name} is per revision and the run has ${s.revisions.length} (${names.join(', ')}): add revision: to the expectation`);
    return { label: '', summary: one(s.revisions[0]!) };
  }
  return { label: '', summary: { overall: s.overall, revision: undefined, run: s } };
}

/**
 * What the additive metrics read of a service with several revisions: its requests (those sent
 * while it had no route among them), cold starts, WebSocket sessions and pod time, summed as the
 * whole run sums them. Its latencies, peak pods and panic time are not sums: NaN, never read.
 */
function serviceTotals(revs: readonly RevisionSummary[], noRoute: number): ScopeSummary['overall'] {
  const requests = emptyCounts();
  requests.total = noRoute;
  requests.noRoute = noRoute;
  for (const r of revs) {
    for (const k of ['total', 'ok', 'status503', 'status504', 'clientTimeouts', 'noRoute'] as const) requests[k] += r.requests[k];
    if (r.requests.status502 !== undefined) requests.status502 = (requests.status502 ?? 0) + r.requests.status502;
  }
  const sum = (f: (r: RevisionSummary) => number): number => revs.reduce((a, r) => a + f(r), 0);
  const sessions = revs.some((r) => r.sessionsClosedAtShutdown !== undefined);
  const none = Number.NaN;
  return {
    requests,
    latencyMs: { p50: none, p90: none, p95: none, p99: none, max: none },
    ...(sessions ? { sessionsClosedAtShutdown: sum((r) => r.sessionsClosedAtShutdown ?? 0) } : {}),
    coldStartRequests: sum((r) => r.coldStartRequests),
    // Pod-seconds as summary.json's overall sums them (to the ms); hours, the revisions' (6 decimals each) summed.
    podSeconds: round3(sum((r) => r.podSeconds)),
    podHours: round6(sum((r) => r.podHours)),
    readyPodHours: round6(sum((r) => r.readyPodHours)),
    maxReadyPods: none,
    panicSeconds: none,
  };
}

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

function compare(op: string, v: number, want: number): boolean {
  switch (op) {
    case '<':
      return v < want && !close(v, want);
    case '<=':
      return v <= want || close(v, want);
    case '==':
      return close(v, want);
    case '!=':
      return !close(v, want);
    case '>=':
      return v >= want || close(v, want);
    default:
      return v > want && !close(v, want);
  }
}

/** One expectation against a run; a scope the run does not have is the result's error. */
export function checkExpectation(e: Expectation, s: RunSummary, file: string): ExpectationResult {
  try {
    return evaluateExpectation(e, s, file);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    const scope = e.revision !== undefined ? `revision ${e.revision}` : e.service !== undefined ? `service ${e.service}` : '';
    return { expectation: e, scope, pass: false, actual: '', error: error.message };
  }
}

/** Why a metric has no value in a run, as printed. */
function noneBecause(name: string, kind: ValueKind, scope: ScopeSummary): string {
  if (name === 'unanswered_rate') return 'none (no request was sent)';
  if (name === 'node_cost_usd' || name === 'peak_nodes' || name === 'max_pending_s') return 'none (the scenario has no cluster.nodePools)';
  if (name === 'first_byte_p99_ms') return 'none (no streamed response succeeded: app.stream, and a 200)';
  // The rate is of the answered requests: with sessions served but nothing answered, it is the denominator that is missing.
  const sessions = scope.overall.sessionsClosedAtShutdown !== undefined;
  if ((name === 'sessions_closed_rate' && !sessions) || name === 'sessionsClosedAtShutdown') return 'none (no revision serves WebSocket sessions: app.webSocket)';
  if (name === 'timeToFirstReady') return 'none (no pod of the revision became Ready)';
  return kind === 'ms' ? 'none (no request succeeded: latencies are of the 200s)' : kind === 'fraction' ? 'none (no request was answered)' : 'none';
}

/** One expectation against a run. @throws ScenarioError for a scope the run does not have. */
export function evaluateExpectation(e: Expectation, s: RunSummary, file: string): ExpectationResult {
  const { label, summary } = scopeOf(e, s, file);
  const raw = e.metric.read(summary);
  const kind = e.metric.kind;
  const result = (pass: boolean, actual: string): ExpectationResult => ({ expectation: e, scope: label, pass, actual });
  const c = e.check;
  if (Array.isArray(raw)) {
    const times = raw as readonly number[];
    const from = c.op === 'within' ? (c.after ?? 0) : 0;
    const t = times.find((x) => x >= from);
    const listed = times.length === 0 ? 'none' : times.map((x) => formatActual(x, 'seconds')).join(', ');
    if (t === undefined) return result(false, c.op === 'within' && c.after !== undefined ? `none at or after ${formatActual(from, 'seconds')} (all: ${listed})` : 'none (the revision did not scale to zero in the run)');
    if (c.op === 'within') {
      const rel = t - from;
      const shown = c.after !== undefined ? `${formatActual(t, 'seconds')} (${formatActual(rel, 'seconds')} after ${formatActual(from, 'seconds')})` : formatActual(t, 'seconds');
      return result(rel >= c.lo - 1e-9 && rel <= c.hi + 1e-9, shown);
    }
    return result(compare(c.op, t, c.value), formatActual(t, 'seconds'));
  }
  if (raw === null) return result(false, noneBecause(e.metric.name, e.metric.kind, summary));
  const v = raw as number;
  if (c.op === 'within') return result((v >= c.lo || close(v, c.lo)) && (v <= c.hi || close(v, c.hi)), formatActual(v, kind));
  return result(compare(c.op, v, c.value), formatActual(v, kind));
}
