/** The finished run's summary as a small table (the numbers are summary.json's). */
import type { RunSummary } from '../../src/output/summary.js';

export function renderSummary(s: RunSummary): HTMLElement {
  const o = s.overall;
  const rows: Array<[string, string, number | string]> = [
    ['requests', 'requests', o.requests.total],
    ['200 OK', 'ok', o.requests.ok],
    ['503 / 504', 'errors', `${o.requests.status503} / ${o.requests.status504}`],
    ['latency p50 / p95 / p99 (ms)', 'latency', `${o.latencyMs.p50} / ${o.latencyMs.p95} / ${o.latencyMs.p99}`],
    ['cold-start requests', 'coldStartRequests', o.coldStartRequests],
    ['max ready pods', 'maxReadyPods', o.maxReadyPods],
    ['pod-seconds', 'podSeconds', o.podSeconds],
    ['ready pod-hours', 'readyPodHours', o.readyPodHours],
    ['time in panic (s)', 'panicSeconds', o.panicSeconds],
    ['events', 'events', s.events],
  ];
  const table = document.createElement('table');
  table.createCaption().textContent = `Summary: ${s.scenario}, seed ${s.seed}, ${s.simulatedSeconds} s simulated`;
  for (const [label, k, v] of rows) {
    const tr = table.insertRow();
    tr.insertCell().textContent = label;
    const c = tr.insertCell();
    c.dataset['k'] = k;
    c.textContent = String(v);
  }
  return table;
}
