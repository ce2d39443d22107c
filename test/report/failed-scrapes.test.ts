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

const fixture = resolve(import.meta.dirname, '../fixtures/mesh/four-pods.yaml');
const ROW = 'KPA scrapes through the private Service that got no stat (count)';

function report(sets: string[] = []): { summary: RunSummary; html: string; kpa: string } {
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-report-scrapes-')), 'run');
  runWorld(loadScenario(fixture, { sets }).world, { outDir: dir, trace: { mode: 'none' } });
  const run = loadRunData(dir);
  const { charts, ctx } = reportCharts(run);
  const html = buildHtml({ summary: run.summary, settings: run.settings, axis: ctx.axis, charts, missing: [] });
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
  return { summary, html, kpa: charts.find((c) => c.id === 'kpa')!.explanation };
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
    const { summary, html, kpa } = report();
    const failed = summary.revisions.map((r) => [r.revision, r.failedScrapes]);
    expect(failed).toEqual([['hello-00001', 21]]);
    // Per revision; the whole-run column is blank, as summary.json has no overall count.
    expect(row(html, ROW)).toEqual(new Map([['whole run', ''], ['hello-00001', '21']]));
    expect(html).toContain('the revision’s Metric is Ready False (DidNotReceiveStat) until a scrape succeeds');
    expect(kpa).toContain('Scrapes through the private Service that got no stat (mesh-compatibility-mode enabled; in the summary table): hello-00001 21.');
  });

  it('mesh-compatibility-mode disabled: no failure, no row, no note, nothing in the KPA chart’s text', () => {
    const { summary, html, kpa } = report(['configMaps.config-network.mesh-compatibility-mode=disabled']);
    expect(summary.revisions[0]!.failedScrapes).toBeUndefined();
    expect(row(html, ROW)).toBeUndefined();
    expect(html).not.toContain('DidNotReceiveStat');
    expect(kpa).not.toContain('private Service');
  });
});
