/**
 * The requests chart's outcome legend lists the outcomes the run had (requests-per-second.csv),
 * not every outcome there is, and each outcome keeps one colour in every report.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRunData, renderSvg, reportCharts } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { csv } from '../support/chart-data.js';

const root = resolve(import.meta.dirname, '../..');

/** Each outcome's requests-per-second.csv column and the colour it has in every report. */
const OUTCOMES = [
  { key: 'ok', column: 'ok', label: '200 OK', color: '#4c78a8' },
  { key: 'e3', column: 'status503', label: '503 overloaded', color: '#e45756' },
  { key: 'e4', column: 'status504', label: '504 timeout', color: '#b279a2' },
  { key: 'ct', column: 'client_timeouts', label: 'client gave up', color: '#9d755d' },
  { key: 'e2', column: 'status502', label: '502 (app gone or not accepting)', color: '#222222' },
  { key: 'cold', column: 'cold', label: 'cold start (any outcome)', color: '#f58518' },
];

interface Fill {
  scale: { domain: string[]; range: string[] };
  legend: { title: string };
}

/** Every fill encoding with the outcome legend, and every fold of the rate panels. */
function outcomeEncodings(spec: unknown): { fills: Fill[]; folds: string[][] } {
  const fills: Fill[] = [];
  const folds: string[][] = [];
  const walk = (o: unknown): void => {
    if (o === null || typeof o !== 'object') return;
    const r = o as Record<string, unknown>;
    const legend = r['legend'] as { title?: string } | undefined;
    if (legend?.title === 'outcome (requests/s)') fills.push(r as unknown as Fill);
    if (typeof r['name'] === 'string' && (r['name'] as string).startsWith('data_rate_')) folds.push((r['transform'] as Array<{ fold?: string[] }>)[0]!.fold!);
    for (const v of Object.values(r)) walk(v);
  };
  walk(spec);
  return { fills, folds };
}

describe.each([
  // Only 200s and cold starts.
  ['hello-world', 60],
  // 503s and 502s (a hung pod's requests), no cold start.
  ['hang', undefined],
  // 504s (a streamed response past its timeout).
  ['llm-streaming', undefined],
])('%s', (name, durationSeconds) => {
  let dir: string;
  beforeAll(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'knsim-outcomes-')), name);
    runWorld(loadScenario(join(root, 'scenarios', `${name}.yaml`), durationSeconds === undefined ? {} : { durationSeconds }).world, { outDir: dir, trace: { mode: 'none' } });
  }, 60_000);

  it('the legend has exactly the outcomes with a request in requests-per-second.csv, each in its own colour', async () => {
    const rows = csv(dir, 'requests-per-second.csv');
    const had = OUTCOMES.filter((o) => rows.some((r) => Number(r[o.column] ?? 0) > 0));
    const lacking = OUTCOMES.filter((o) => !had.includes(o));
    expect(lacking.length, 'the run lacks some outcome').toBeGreaterThan(0);
    const spec = reportCharts(loadRunData(dir)).charts.find((c) => c.id === 'requests')!.spec;
    const { fills, folds } = outcomeEncodings(spec);
    expect(fills.length).toBeGreaterThan(0);
    for (const f of fills) {
      expect(f.scale.domain).toEqual(had.map((o) => o.key));
      expect(f.scale.range).toEqual(had.map((o) => o.color));
    }
    // Only those are stacked (cold starts are bars of their own, drawn over the stack).
    for (const fold of folds) expect(fold).toEqual(had.filter((o) => o.key !== 'cold').map((o) => o.key));
    // And the drawn legend says so.
    const svg = await renderSvg(spec);
    const legend = /aria-label="Symbol legend titled 'outcome \(requests\/s\)' for fill color with (\d+) values?: ([^"]*)"/.exec(svg);
    expect(legend, 'the outcome legend').not.toBeNull();
    expect(Number(legend![1])).toBe(had.length);
    for (const o of had) expect(svg).toContain(`>${o.label}</text>`);
    for (const o of lacking) expect(svg).not.toContain(`>${o.label}</text>`);
    // The subtitle speaks of orange cold-start bars only when there are some.
    const subtitle = JSON.stringify((spec as { title: { subtitle: unknown } }).title.subtitle);
    if (had.some((o) => o.key === 'cold')) expect(subtitle).toContain('cold-start requests in orange');
    else expect(subtitle).toContain('no cold-start request;');
  }, 60_000);
});
