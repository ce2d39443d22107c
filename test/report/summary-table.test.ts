/**
 * The report's summary table: its revision columns in the settings table's order, and
 * pod-hours that read as exact only when they are.
 */
import { describe, expect, it } from 'vitest';
import { buildHtml, hours, inSettingsOrder } from '../../src/output/report/html.js';
import { timeAxis } from '../../src/output/report/aggregate.js';
import type { RunSettings } from '../../src/output/settings.js';
import type { RevisionSummary, RunSummary } from '../../src/output/summary.js';
import { textSummary } from '../../src/output/text-summary.js';

describe('hours', () => {
  it.each([
    [1, '1'],
    [1.000388, '1.000'],
    [0.0997, '0.0997'],
    [0.09974, '0.09974'],
    [0.099741, '0.09974'],
    [2.5, '2.5'],
    [2.50001, '2.500'],
    [1234.5, '1,235'],
    [12_000, '12,000'],
    [0, '0'],
  ])('%s pod-hours read %s', (v, shown) => {
    expect(hours(v)).toBe(shown);
  });
});

describe('inSettingsOrder', () => {
  const settings = { revisions: [{ service: 'kpa', revision: 'kpa-00001' }, { service: 'hpa', revision: 'hpa-00001' }, { service: 'kpa', revision: 'kpa-00002' }] } as unknown as RunSettings;
  const r = (service: string, revision: string) => ({ service, revision });

  it('puts summary.json’s sorted revisions in the scenario’s order', () => {
    const sorted = [r('hpa', 'hpa-00001'), r('kpa', 'kpa-00001'), r('kpa', 'kpa-00002')];
    expect(inSettingsOrder(sorted, settings).map((x) => x.revision)).toEqual(['kpa-00001', 'hpa-00001', 'kpa-00002']);
  });

  it('keeps revisions the settings do not list, after the rest, in their own order', () => {
    const sorted = [r('a', 'z-00001'), r('hpa', 'hpa-00001'), r('a', 'y-00001'), r('kpa', 'kpa-00001')];
    expect(inSettingsOrder(sorted, settings).map((x) => x.revision)).toEqual(['kpa-00001', 'hpa-00001', 'z-00001', 'y-00001']);
  });

  it('keeps summary.json’s order without settings', () => {
    const sorted = [r('hpa', 'hpa-00001'), r('kpa', 'kpa-00001')];
    expect(inSettingsOrder(sorted, undefined)).toEqual(sorted);
  });
});

describe('latency of a revision without a 200', () => {
  // a-00001: every request timed out (504), so summary.json's latency is its zeros; b-00001 answered.
  const counts = (ok: number, s504: number) => ({ total: ok + s504, ok, status503: 0, status504: s504, clientTimeouts: 0, noRoute: 0 });
  const rev = (revision: string, ok: number, s504: number, ms: number): RevisionSummary => ({
    service: revision.slice(0, 1), revision, requests: counts(ok, s504), latencyMs: { p50: ms, p90: ms, p95: ms, p99: ms, max: ms },
    coldStartRequests: 0, podSeconds: 10, podHours: 0.002778, readyPodHours: 0.002778, maxReadyPods: 1, timeToFirstReadySeconds: 0, scaleToZeroAtSeconds: [], panicSeconds: 0,
  });
  const revisions = [rev('a-00001', 0, 40, 0), rev('b-00001', 12, 0, 250.5)];
  const summary: RunSummary = {
    scenario: 't', seed: 1, simulatedSeconds: 60, events: 1, wallSeconds: 0, noRouteByService: {}, revisions,
    overall: { requests: counts(12, 40), latencyMs: revisions[1]!.latencyMs, coldStartRequests: 0, podSeconds: 20, podHours: 0.005556, readyPodHours: 0.005556, maxReadyPods: 2, panicSeconds: 0 },
  };
  const row = (html: string, label: string): string => html.split('\n').find((l) => l.startsWith(`<tr><td>${label}`))!;

  it('is no number in the report table (it read 0 ms, a latency no request had)', () => {
    const html = buildHtml({ summary, settings: undefined, axis: timeAxis(60), charts: [], missing: [] });
    expect(row(html, 'latency p50 of 200s (ms)')).toBe('<tr><td>latency p50 of 200s (ms)</td><td>250.5</td><td>– (no 200s)</td><td>250.5</td></tr>');
    expect(row(html, 'latency max of 200s (ms)')).toBe('<tr><td>latency max of 200s (ms)</td><td>250.5</td><td>– (no 200s)</td><td>250.5</td></tr>');
    // A whole run without a 200 has none either.
    const none = { ...summary, overall: { ...summary.overall, requests: counts(0, 40), latencyMs: revisions[0]!.latencyMs }, revisions: [revisions[0]!] };
    expect(row(buildHtml({ summary: none, settings: undefined, axis: timeAxis(60), charts: [], missing: [] }), 'latency p99 of 200s (ms)')).toBe('<tr><td>latency p99 of 200s (ms)</td><td>– (no 200s)</td><td>– (no 200s)</td></tr>');
  });

  it('is no number in the terminal summary', () => {
    const lines = textSummary(summary, 'out', ['summary.json']).split('\n');
    expect(lines[2]).toBe('latency ms (200s): p50 250.5  p95 250.5  p99 250.5  max 250.5');
    expect(lines.find((l) => l.startsWith('  a-00001'))).toContain('a-00001: 40 req, no 200s, cold 0');
    expect(lines.find((l) => l.startsWith('  b-00001'))).toContain('b-00001: 12 req, p99 250.5 ms, cold 0');
    const none = { ...summary, overall: { ...summary.overall, requests: counts(0, 40), latencyMs: revisions[0]!.latencyMs }, revisions: [revisions[0]!] };
    expect(textSummary(none, 'out', ['summary.json']).split('\n')[2]).toBe('latency ms (200s): none (no 200s)');
  });

  it('a run that answered no request states no error rate (it read errors 0%)', () => {
    const empty = { ...summary, overall: { ...summary.overall, requests: counts(0, 0) }, revisions: [] };
    expect(textSummary(empty, 'out', ['summary.json']).split('\n')[1]).toBe('requests 0: ok 0, 503 0, 504 0, client timeouts 0 (errors –)');
    expect(textSummary(summary, 'out', ['summary.json']).split('\n')[1]).toBe('requests 52: ok 12, 503 0, 504 40, client timeouts 0 (errors 76.92%)');
  });
});
