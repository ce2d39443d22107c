/**
 * The sweep report of a real sweep: units in every header and axis title, durations in
 * seconds, cold-start ticks that can be told apart (they all read "0.17%"-like before),
 * and the page rendered in real Chromium without console errors.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '../../src/output/metrics.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { createRunner } from '../../src/sweep/pool.js';
import { writeSweepReport } from '../../src/sweep/report/report.js';
import { runSweep, type SweepResults } from '../../src/sweep/sweep.js';
import { haveChromium, openPage, requireChromiumInCi } from '../support/browser.js';

const root = resolve(import.meta.dirname, '../..');
const SCENARIO = join(root, 'scenarios/quickstart.yaml');
const COLD_AXIS = `Y-axis titled '${METRICS.cold_start_fraction.title}'`;

/**
 * 100 rps for 20 minutes: cold starts are about 0.17 % of the requests, with a 95 %
 * interval about 0.03 points wide, so ticks are 0.005 points apart.
 */
async function sweep(): Promise<{ dir: string; results: SweepResults }> {
  const axes = parseAxes(['configMaps.config-autoscaler.stable-window=30s,1m,2m'], '--grid');
  const { def } = defineSweep({ file: SCENARIO, axes, replications: 4, durationSeconds: 1200, sets: ['clients[0].open.rate={shape: constant, rps: 100}'] });
  const results = await runSweep({ file: SCENARIO, def, points: [0, 1, 2], runner: createRunner(1) });
  const dir = mkdtempSync(join(tmpdir(), 'knsim-sweep-report-'));
  const written = await writeSweepReport(dir, def, results.points);
  expect(written.warnings).toEqual([]);
  return { dir, results };
}

/** The tick labels of the axis whose aria-label starts with `axis`, from an SVG file's text. */
function svgTicks(svg: string, axis: string): string[] {
  const at = svg.indexOf(`aria-label="${axis}`);
  expect(at, `${axis} in the SVG`).toBeGreaterThan(0);
  const labels = svg.indexOf('role-axis-label', at);
  const end = svg.indexOf('</g>', labels);
  return [...svg.slice(labels, end).matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]!);
}

describe('sweep report: numbers people can read', () => {
  let run: Awaited<ReturnType<typeof sweep>>;
  beforeAll(async () => {
    run = await sweep();
  }, 300_000);

  it('the cold-start fraction is small enough that two-decimal percent ticks would collide', () => {
    const cold = run.results.points.map((p) => p.metrics.cold_start_fraction);
    for (const c of cold) {
      expect(c.mean).toBeGreaterThan(0.0005);
      expect(c.mean).toBeLessThan(0.005);
      expect(c.hi! - c.lo!).toBeLessThan(0.001);
    }
  });

  it('cold-start axis ticks in the SVG are distinct and carry their precision', () => {
    const ticks = svgTicks(readFileSync(join(run.dir, 'charts/lines.svg'), 'utf8'), COLD_AXIS);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const t of ticks) expect(t).toMatch(/^0\.\d{2,3}%$/);
  });

  it('every axis title and table header carries its unit; durations are in seconds', () => {
    const spec = readFileSync(join(run.dir, 'charts/lines.vl.json'), 'utf8');
    for (const k of ['p50_ms', 'p95_ms', 'p99_ms', 'error_rate', 'cold_start_fraction', 'pod_seconds', 'max_pods', 'rate_503'] as const) {
      expect(spec, k).toContain(`"title": "${METRICS[k].title}"`);
    }
    expect(spec).toContain('"title": "stable-window (s)"');
    const pareto = readFileSync(join(run.dir, 'charts/pareto.vl.json'), 'utf8');
    // The unit ends the title, as on every other axis (not "pod-seconds (s), mean").
    expect(pareto).toContain('"title": "mean pod-seconds (s)"');
    expect(pareto).toContain('"title": "mean p99 latency (ms)"');
    expect(pareto).not.toContain(', mean"');

    const html = readFileSync(join(run.dir, 'report.html'), 'utf8');
    const table = html.slice(html.indexOf('<h2>Points</h2>'));
    const headers = [...table.slice(0, table.indexOf('</tr>')).matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1]!);
    expect(headers).toEqual(['point', 'stable-window (s)', 'runs', 'p50 latency (ms)', 'p95 latency (ms)', 'p99 latency (ms)', 'error rate, non-200 (%)', 'cold-start fraction (%)', 'pod-seconds (s)', 'max ready pods (count)']);
    // 30s, 1m, 2m are shown as the seconds the chart plots.
    const firstCells = [...table.matchAll(/<tr><td>\d+<\/td><td class="l">([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(firstCells).toEqual(['30', '60', '120']);
  });

  it('table cells show rates with their significant digits and intervals around the mean', () => {
    const html = readFileSync(join(run.dir, 'report.html'), 'utf8');
    const cells = [...html.matchAll(/<td>(0\.\d+%) \[(0\.\d+%), (0\.\d+%)\]<\/td>/g)];
    expect(cells.length).toBe(3); // the cold-start column of the three points (errors are 0)
    for (const [, mean, lo, hi] of cells) {
      expect(parseFloat(lo!)).toBeLessThanOrEqual(parseFloat(mean!));
      expect(parseFloat(hi!)).toBeGreaterThanOrEqual(parseFloat(mean!));
      expect(parseFloat(lo!)).toBeLessThan(parseFloat(hi!));
    }
  });
});

requireChromiumInCi();

describe.runIf(haveChromium)('sweep report.html in a real browser', () => {
  it('renders every chart, no console errors, distinct cold-start ticks; screenshot in /tmp', async () => {
    const { dir } = await sweep();
    const { page, errors, requests, close } = await openPage({ width: 1280, height: 900 });
    try {
      await page.goto(pathToFileURL(join(dir, 'report.html')).href);
      await page.waitForSelector('body[data-rendered]', { timeout: 120_000 }); // generous: a busy machine
      const ids = await page.locator('[data-chart]').evaluateAll((els) => els.map((e) => e.getAttribute('data-chart') ?? ''));
      expect(ids).toEqual(['lines', 'pareto']);
      for (const id of ids) {
        expect(await page.locator(`#vis-${id}[data-rendered="1"] svg`).count(), id).toBe(1);
        expect(await page.locator(`#vis-${id} svg g.role-mark path, #vis-${id} svg g.role-mark line`).count(), `${id} marks`).toBeGreaterThan(0);
      }
      const ticks = await page.locator(`#vis-lines g.role-axis[aria-label^="${COLD_AXIS}"] g.role-axis-label text`).allTextContents();
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      expect(new Set(ticks).size).toBe(ticks.length);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]); // self-contained: nothing loaded from elsewhere
      writeFileSync(join(tmpdir(), 'knsim-sweep-report.png'), await page.screenshot({ fullPage: true }));
      writeFileSync(join(tmpdir(), 'knsim-sweep-report-lines.png'), await page.locator('#vis-lines').screenshot());
    } finally {
      await close();
    }
  }, 300_000);
});
