/** The finished run's summary as a small table (the numbers are summary.json's). */
import type { RunSummary } from '../../src/output/summary.js';

type Row = [label: string, key: string, value: number | string];

/**
 * The table's rows. Requests answered neither 200 nor 503/504 (502s, client timeouts, no
 * route) get a row when there are any, so the outcomes shown add up to the requests; those
 * still unanswered when the run ended (in no count, as in summary.json) get one too.
 */
export function summaryRows(s: RunSummary): Row[] {
  const o = s.overall;
  const r = o.requests;
  const other = ([['502', r.status502 ?? 0], ['client timeouts', r.clientTimeouts], ['no route', r.noRoute]] as Array<[string, number]>).filter(([, n]) => n > 0);
  const inFlight = s.requestsInFlightAtEnd ?? 0;
  return [
    ['requests', 'requests', r.total],
    ['200 OK', 'ok', r.ok],
    ['503 / 504', 'errors', `${r.status503} / ${r.status504}`],
    ...(other.length > 0 ? [[other.map(([label]) => label).join(' / '), 'otherOutcomes', other.map(([, n]) => n).join(' / ')] as Row] : []),
    ...(inFlight > 0 ? [['still in flight at the end (in no count above)', 'inFlightAtEnd', inFlight] as Row] : []),
    // summary.json writes zeros when no request got a 200: no latency, as the report's table says.
    ['latency p50 / p95 / p99 of 200s (ms)', 'latency', r.ok === 0 ? '– (no 200s)' : `${o.latencyMs.p50} / ${o.latencyMs.p95} / ${o.latencyMs.p99}`],
    // Only when some revision streams its responses (app.stream) and one of them answered 200.
    ...(o.firstByteMs !== undefined ? [['first byte p50 / p95 / p99, streamed (ms)', 'firstByte', `${o.firstByteMs.p50} / ${o.firstByteMs.p95} / ${o.firstByteMs.p99}`] as Row] : []),
    // Only in runs with WebSocket sessions (app.webSocket): the 200s that were sessions a shutdown closed.
    ...(o.sessionsClosedAtShutdown !== undefined ? [['WebSocket sessions closed by a shutdown', 'sessionsClosed', `${o.sessionsClosedAtShutdown} of ${r.ok} 200s`] as Row] : []),
    ['cold-start requests', 'coldStartRequests', o.coldStartRequests],
    ['max ready pods', 'maxReadyPods', o.maxReadyPods],
    ['pod-seconds', 'podSeconds', o.podSeconds],
    ['ready pod-hours', 'readyPodHours', o.readyPodHours],
    ['time in panic (s)', 'panicSeconds', o.panicSeconds],
    ['events', 'events', s.events],
  ];
}

/** `label`: what the page calls the run (an edited preset's run is not the preset's); the scenario's name by default. */
export function renderSummary(s: RunSummary, label: string = s.scenario): HTMLElement {
  const rows = summaryRows(s);
  const table = document.createElement('table');
  table.createCaption().textContent = `Summary: ${label}, seed ${s.seed}, ${s.simulatedSeconds} s simulated`;
  for (const [label, k, v] of rows) {
    const tr = table.insertRow();
    tr.insertCell().textContent = label;
    const c = tr.insertCell();
    c.dataset['k'] = k;
    c.textContent = String(v);
  }
  return table;
}
