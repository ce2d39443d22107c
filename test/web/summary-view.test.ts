/**
 * The playground's summary table: the outcomes it shows add up to the requests, whatever
 * ended them (502s, client timeouts), and unanswered requests are shown, not lost.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summaryRows } from '../../web/src/summary-view.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';

const root = resolve(import.meta.dirname, '../..');

/** summary.json of quickstart cut to 40 s, as the playground's session finishes it. */
function summaryOf(sets: string[]) {
  const spec = loadScenario(resolve(root, 'scenarios/quickstart.yaml'), { sets: ['duration=40s', ...sets] }).world;
  return runWorld(spec, { outDir: join(mkdtempSync(join(tmpdir(), 'knsim-summary-view-')), 'run'), trace: { mode: 'none' }, series: false }).summary;
}

const cells = (rows: ReturnType<typeof summaryRows>) => Object.fromEntries(rows.map(([, k, v]) => [k, v]));

describe('playground summary rows', () => {
  it('shows the first byte of streamed responses only for a run that streams', () => {
    expect(cells(summaryRows(summaryOf([])))['firstByte']).toBeUndefined();
    const s = summaryOf(['services[0].app.stream={firstByte: 20ms, interval: 10ms}']);
    const fb = s.overall.firstByteMs!;
    expect(fb.p50).toBeGreaterThan(0);
    expect(cells(summaryRows(s))['firstByte']).toBe(`${fb.p50} / ${fb.p95} / ${fb.p99}`);
  });

  it('shows the WebSocket sessions a shutdown closed only for a run with sessions', () => {
    expect(cells(summaryRows(summaryOf([])))['sessionsClosed']).toBeUndefined();
    // Sessions of 10 s to 5 min, 10 a pod, 1 a second until 2m10s: the KPA's scale-downs close some.
    const s = summaryOf(['services[0].app.webSocket=true', 'services[0].app.serviceTime={dist: uniform, min: 10s, max: 5m}', 'services[0].manifest.spec.template.spec.containerConcurrency=10', 'clients[0].open.rate.steps[1].rps=1', 'duration=5m10s']);
    const n = s.overall.sessionsClosedAtShutdown!;
    expect(n).toBeGreaterThan(0);
    expect(cells(summaryRows(s))['sessionsClosed']).toBe(`${n} of ${s.overall.requests.ok} 200s`);
  });

  it('has no extra outcome row when every request was 200, 503 or 504', () => {
    const s = summaryOf([]);
    const c = cells(summaryRows(s));
    expect(c['otherOutcomes']).toBeUndefined();
    expect(c['requests']).toBe(s.overall.requests.total);
    expect(Number(c['ok']) + s.overall.requests.status503 + s.overall.requests.status504).toBe(s.overall.requests.total);
  });

  it('shows 502s and client timeouts, and the outcomes add up to the requests', () => {
    const s = summaryOf(['services[0].app.faults=[{kind: crash, at: 20s}]', 'clients[0].timeout=150ms']);
    const r = s.overall.requests;
    expect(r.status502).toBeGreaterThan(0);
    expect(r.clientTimeouts).toBeGreaterThan(0);
    const rows = summaryRows(s);
    const other = rows.find(([, k]) => k === 'otherOutcomes')!;
    const labels = other[0].split(' / ');
    const counts = String(other[2]).split(' / ').map(Number);
    expect(labels.slice(0, 2)).toEqual(['502', 'client timeouts']);
    expect(counts.slice(0, 2)).toEqual([r.status502, r.clientTimeouts]);
    const [s503, s504] = String(cells(rows)['errors']).split(' / ').map(Number);
    expect(r.ok + s503! + s504! + counts.reduce((a, b) => a + b, 0)).toBe(r.total);
  });

  it('shows no latency when no request got a 200, not summary.json\'s zeros', () => {
    // Every request times out at the client after 10 ms, before the pod answers.
    const s = summaryOf(['clients[0].timeout=10ms']);
    expect(s.overall.requests.ok).toBe(0);
    expect(s.overall.requests.clientTimeouts).toBeGreaterThan(0);
    expect(cells(summaryRows(s))['latency']).toBe('– (no 200s)');
    // The percentiles are of the 200s only, and the label says so.
    expect(summaryRows(s).find((r) => r[1] === 'latency')![0]).toBe('latency p50 / p95 / p99 of 200s (ms)');
    expect(cells(summaryRows(summaryOf([])))['latency']).toMatch(/^\d+(\.\d+)? \/ \d+(\.\d+)? \/ \d+(\.\d+)?$/);
  });

  it('shows the requests still in flight at the end, outside the counts', () => {
    // 2 s requests: the run ends with some sent and not yet answered.
    const s = summaryOf(['services[0].app.serviceTime=2s']);
    expect(s.requestsInFlightAtEnd).toBeGreaterThan(0);
    const c = cells(summaryRows(s));
    expect(c['inFlightAtEnd']).toBe(s.requestsInFlightAtEnd);
    expect(c['requests']).toBe(s.overall.requests.total);
  });
});
