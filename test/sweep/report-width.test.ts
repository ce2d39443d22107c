/**
 * The sweep report keeps to the window: its points table (a column per metric, every cell on
 * one line, "2654.89 [2523.14, 2840.57]") and its definition table (an axis's path and values)
 * are wider than 800 px, and they used to widen the whole page (1,468 px in a 1,280 px window
 * for a 3 × 2 quickstart sweep), so the page scrolled sideways with the charts' legends and the
 * lead. Each now scrolls in its own box.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC_KEYS, type MetricKey } from '../../src/output/metrics.js';
import { writeSweepReport } from '../../src/sweep/report/report.js';
import type { MetricStat, PointResult, SweepDefinition } from '../../src/sweep/sweep.js';
import { haveChromium, openPage, requireChromiumInCi } from '../support/browser.js';

const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';
const UTIL = 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target-utilization-percentage"]';

let dir: string;

beforeAll(async () => {
  const axes = [
    { path: CC, values: ['1', '5', '10'] },
    { path: UTIL, values: ['50', '60', '70', '80', '90', '100'] },
  ];
  // Four-digit latencies and pod-seconds with their intervals, as a quickstart sweep gives.
  const stat = (k: MetricKey, p: number): MetricStat => {
    if (k === 'error_rate' || k === 'cold_start_fraction' || k.endsWith('_rate')) return { mean: 0.0197, lo: 0.0159, hi: 0.0243 };
    return { mean: 2654.889667 - p, lo: 2523.135 - p, hi: 2840.575 - p };
  };
  const points: PointResult[] = Array.from({ length: 18 }, (_, p) => ({
    point: p,
    values: [axes[0]!.values[Math.floor(p / 6)]!, axes[1]!.values[p % 6]!],
    replications: 3,
    metrics: Object.fromEntries(METRIC_KEYS.map((k) => [k, stat(k, p)])) as Record<MetricKey, MetricStat>,
  }));
  const def: SweepDefinition = { scenario: 'quickstart', scenarioSha256: '0'.repeat(64), sets: [], durationSeconds: 120, baseSeed: 42, seeds: 'common', replications: 3, axes };
  dir = mkdtempSync(join(tmpdir(), 'knsim-sweep-width-'));
  await writeSweepReport(dir, def, points, false);
});

describe('sweep report.html tables', () => {
  it('sit in boxes of their own', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const body = html.slice(html.indexOf('<body>'), html.indexOf('<script'));
    expect(body.match(/<table>/g)?.length).toBe(2);
    expect(body.match(/<div class="table"><table>/g)?.length).toBe(2);
    expect(html).toContain('div.table { overflow-x: auto; }');
  });
});

requireChromiumInCi();

describe.runIf(haveChromium)('sweep report.html in an 800 px window', () => {
  it('keeps the page to the window; a table wider than it scrolls in its own box', async () => {
    const { page, errors, requests, close } = await openPage({ width: 800, height: 900 });
    try {
      await page.goto(pathToFileURL(join(dir, 'report.html')).href);
      await page.waitForSelector('body[data-rendered]', { timeout: 120_000 }); // generous: a busy machine
      const seen = await page.evaluate(() => {
        const column = document.body.getBoundingClientRect();
        return {
          page: document.documentElement.scrollWidth,
          boxes: Array.from(document.querySelectorAll<HTMLElement>('div.table')).map((b) => ({ box: b.getBoundingClientRect().right, column: column.right, drawn: b.scrollWidth, shown: b.clientWidth })),
        };
      });
      expect(seen.page).toBe(800);
      expect(seen.boxes.length).toBe(2);
      for (const b of seen.boxes) expect(b.box).toBeLessThanOrEqual(b.column);
      // The points table is far wider than the window: it scrolls, in its box.
      expect(seen.boxes[1]!.drawn).toBeGreaterThan(seen.boxes[1]!.shown);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await close();
    }
  }, 300_000);
});
