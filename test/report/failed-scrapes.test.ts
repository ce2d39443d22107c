/**
 * The report's failed scrapes (mesh-compatibility-mode enabled: the KPA scrapes through the
 * private Service, and a scrape whose tries run out before its sample of distinct pods gets no
 * stat): the summary table's row and the KPA chart's text say what summary.json's failedScrapes
 * says, and a run without failures has neither. test/fixtures/mesh/four-pods.yaml: 4 pods, sample 4.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import { buildHtml } from '../../src/output/report/html.js';
import type { RunSummary } from '../../src/output/summary.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { csv } from '../support/chart-data.js';
import type { PodStat } from '../../src/core/autoscaler/index.js';
import type { Revision } from '../../src/model/revision.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder } from '../model/world-fixture.js';

const fixture = resolve(import.meta.dirname, '../fixtures/mesh/four-pods.yaml');
const ROW = 'KPA scrapes through the private Service that got no stat (count)';
const LOST = 'Such a second keeps only the activators’ stats, of the requests they proxied: the windows miss the pods’ count of requests that reached them directly';
const NOTHING_LOST = 'Here the SKS was in Proxy mode throughout: every request went through an activator, so the failures took nothing from the observed values.';

function report(sets: string[] = []): { summary: RunSummary; html: string; kpa: string; modes: string[] } {
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-report-scrapes-')), 'run');
  runWorld(loadScenario(fixture, { sets }).world, { outDir: dir, trace: { mode: 'none' } });
  const run = loadRunData(dir);
  const { charts, ctx } = reportCharts(run);
  const html = buildHtml({ summary: run.summary, settings: run.settings, axis: ctx.axis, charts, missing: [] });
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
  const modes = [...new Set(csv(dir, 'timeseries.csv').map((r) => r['sks_mode']!))];
  return { summary, html, kpa: charts.find((c) => c.id === 'kpa')!.explanation, modes };
}

/** The summary table's row by its label: column heading → cell. */
function row(html: string, label: string): Map<string, string> | undefined {
  const table = /<table class="summary">([\s\S]*?)<\/table>/.exec(html)![1]!;
  const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<t[hd]>([^<]*)<\/t[hd]>/g)].map((c) => c[1]!));
  const r = rows.find((x) => x[0] === label);
  return r === undefined ? undefined : new Map(r.slice(1).map((c, i) => [rows[0]![i + 1]!, c]));
}

describe('failed scrapes in the report', () => {
  it('mesh-compatibility-mode enabled: the summary table and the KPA chart give summary.json’s 21', () => {
    const { summary, html, kpa, modes } = report();
    const failed = summary.revisions.map((r) => [r.revision, r.failedScrapes]);
    expect(failed).toEqual([['hello-00001', 21]]);
    // Proxy mode in every second of timeseries.csv (the default target burst capacity of 200 over 4 pods of 1 slot).
    expect(modes).toEqual(['Proxy']);
    expect(kpa).toContain(LOST);
    expect(kpa).toContain(NOTHING_LOST);
    // Per revision; the whole-run column is blank, as summary.json has no overall count.
    expect(row(html, ROW)).toEqual(new Map([['whole run', ''], ['hello-00001', '21']]));
    expect(html).toContain('the revision’s Metric is Ready False (DidNotReceiveStat) until a scrape succeeds');
    expect(kpa).toContain('Scrapes through the private Service that got no stat (mesh-compatibility-mode enabled; in the summary table): hello-00001 21.');
  });

  it('in Proxy mode a scrape adds nothing to the windows (the collector takes the pods’ count less what the activators proxied), so a failed one loses nothing', () => {
    const added: number[] = [];
    class Scrapes extends MemoryRecorder {
      stat(_rev: Revision, s: PodStat, source: 'scrape' | 'activator'): void {
        if (source === 'scrape') added.push(s.averageConcurrentRequests - (s.averageProxiedConcurrentRequests ?? 0), s.requestCount - (s.proxiedRequestCount ?? 0));
      }
    }
    new World(loadScenario(fixture).world, new Scrapes()).run();
    // 279 good scrapes, concurrency and requests each.
    expect(added).toHaveLength(558);
    expect(added.every((v) => v === 0)).toBe(true);
  });

  it('target burst capacity 0: Serve mode throughout, the same 21 failures, and the text does not say they took nothing', () => {
    const { summary, html, kpa, modes } = report(['configMaps.config-autoscaler.target-burst-capacity=0']);
    expect(summary.revisions.map((r) => r.failedScrapes)).toEqual([21]);
    expect(modes).toEqual(['Serve']);
    expect(row(html, ROW)?.get('hello-00001')).toBe('21');
    expect(kpa).toContain(LOST);
    expect(kpa).not.toContain(NOTHING_LOST);
  });

  it('a live run (the playground’s RunData, no summary yet) still gets its KPA chart, without the counts', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-report-scrapes-')), 'run');
    runWorld(loadScenario(fixture).world, { outDir: dir, trace: { mode: 'none' } });
    const live = { ...loadRunData(dir), summary: { overall: {} } as unknown as RunSummary };
    const kpa = reportCharts(live).charts.find((c) => c.id === 'kpa')!;
    expect(kpa.explanation).toMatch(/^The metric the autoscaler averaged/);
    expect(kpa.explanation).not.toContain('private Service');
  });

  it('mesh-compatibility-mode disabled: no failure, no row, no note, nothing in the KPA chart’s text', () => {
    const { summary, html, kpa } = report(['configMaps.config-network.mesh-compatibility-mode=disabled']);
    expect(summary.revisions[0]!.failedScrapes).toBeUndefined();
    expect(row(html, ROW)).toBeUndefined();
    expect(html).not.toContain('DidNotReceiveStat');
    expect(kpa).not.toContain('private Service');
  });
});
