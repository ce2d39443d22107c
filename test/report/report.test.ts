import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport, renderPng, renderSvg } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { haveChromium, openPage, requireChromiumInCi } from '../support/browser.js';

const root = resolve(import.meta.dirname, '../..');
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/** Runs a shipped scenario (shortened) into a fresh directory and builds its report. */
async function reportOf(name: string, opts: { sets?: string[]; durationSeconds?: number } = {}) {
  const loaded = loadScenario(join(root, 'scenarios', `${name}.yaml`), { sets: opts.sets ?? [], ...(opts.durationSeconds ? { durationSeconds: opts.durationSeconds } : {}) });
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-report-')), name);
  runWorld(loaded.world, { outDir: dir, trace: { mode: 'none' }, description: loaded.description });
  const result = await buildReport(dir);
  return { dir, result };
}

describe('report', () => {
  let canary: Awaited<ReturnType<typeof reportOf>>;
  beforeAll(async () => {
    canary = await reportOf('canary', { durationSeconds: 150 });
  });

  it('builds the seven charts, each as .vl.json, .svg and .png, with data in every spec', () => {
    expect(canary.result.charts.map((c) => c.id)).toEqual(['pods', 'ready-pods', 'kpa', 'requests', 'waiting', 'traffic', 'latency-cdf']);
    for (const c of canary.result.charts) {
      for (const f of c.files) expect(existsSync(join(canary.dir, f)), f).toBe(true);
      const spec = JSON.parse(readFileSync(join(canary.dir, `charts/${c.id}.vl.json`), 'utf8'));
      const rows = JSON.stringify(spec).match(/"values":\[\{/g) ?? [];
      expect(rows.length, `${c.id} has inline data`).toBeGreaterThan(0);
      expect(readFileSync(join(canary.dir, `charts/${c.id}.svg`), 'utf8')).toMatch(/<path|<rect|<line/);
    }
    expect(canary.result.warnings).toEqual([]);
  });

  it('opens with the effective settings and the summary numbers', () => {
    const html = readFileSync(canary.result.htmlPath, 'utf8');
    for (const s of ['hello-00001', 'hello-00002', 'containerConcurrency', 'target burst capacity, TBC (concurrent requests)', 'scale-to-zero grace period', 'scale-to-zero pod retention', 'min scale', 'max scale', 'latency p99 of 200s (ms)', 'pod-seconds', 'ready pod time (pod-hours)']) expect(html).toContain(s);
    expect(html).not.toMatch(/<script[^>]+src=/); // nothing fetched: vega, vega-lite and vega-embed are inlined
  });

  it('SVG and PNG are byte-stable for the same input', async () => {
    const spec = JSON.parse(readFileSync(join(canary.dir, 'charts/pods.vl.json'), 'utf8'));
    const svg1 = await renderSvg(spec);
    const svg2 = await renderSvg(spec);
    expect(sha(svg2)).toBe(sha(svg1));
    expect(sha(await renderPng(svg2))).toBe(sha(await renderPng(svg1)));
    expect(sha(svg1)).toBe(sha(readFileSync(join(canary.dir, 'charts/pods.svg'), 'utf8')));
    const before = Object.fromEntries(canary.result.charts.flatMap((c) => c.files).map((f) => [f, sha(readFileSync(join(canary.dir, f)))]));
    const html = sha(readFileSync(canary.result.htmlPath));
    const again = await buildReport(canary.dir);
    expect(again.htmlBytes).toBe(canary.result.htmlBytes);
    expect(sha(readFileSync(again.htmlPath))).toBe(html);
    for (const [f, h] of Object.entries(before)) expect(sha(readFileSync(join(canary.dir, f))), f).toBe(h);
  });

  it('aggregates a 24-hour run so report.html stays under 5 MB', async () => {
    const { result } = await reportOf('quickstart', {
      durationSeconds: 86_400,
      sets: ['clients[0].open.rate={shape: sine, mean: 5, amplitude: 4, period: 6h}'],
    });
    expect(statSync(result.htmlPath).size).toBeLessThan(5 * 1024 * 1024);
    expect(result.bucketSeconds).toBeGreaterThan(1);
  });
});

requireChromiumInCi();

describe.runIf(haveChromium)('report.html in a real browser', () => {
  // One service with two revisions (blue-green), two services (the stacked ready-pods chart), and
  // node pools with the Cluster Autoscaler through a morning ramp (the nodes and cost charts).
  for (const [name, seconds] of [['blue-green', 240], ['two-services', 240], ['capacity-planning', 6 * 3600]] as const) {
    it(`${name}: renders every chart with data marks and unit-named axes, with no console errors and no network requests`, async () => {
      const { result } = await reportOf(name, { durationSeconds: seconds });
      const { page, errors, requests, close } = await openPage({ width: 1280, height: 900 });
      try {
        await page.goto(pathToFileURL(result.htmlPath).href);
        await page.waitForSelector('body[data-rendered]', { timeout: 120_000 }); // generous: a busy machine
        const charts = await page.locator('[data-chart]').count();
        expect(charts).toBe(result.charts.length);
        expect(result.charts.map((c) => c.id)).toContain('ready-pods');
        for (const c of result.charts) {
          const sel = `#vis-${c.id}`;
          expect(await page.locator(`${sel}[data-rendered="1"]`).count(), c.id).toBe(1);
          // Data layers are named data_<chart>_<panel>; shading, axes and legends are not counted.
          const marks = await page.locator(`${sel} svg g.role-mark[class*="data_"] > path`).count();
          expect(marks, `${c.id} data marks`).toBeGreaterThan(0);
          // Every drawn axis title ends with its unit in parentheses.
          const axisTitles = await page.locator(`${sel} svg g.role-axis-title text`).allTextContents();
          expect(axisTitles.length, `${c.id} axis titles`).toBeGreaterThan(1);
          for (const t of axisTitles) expect(t, `${c.id} axis title`).toMatch(/\([^()]+\)$/);
          // A rotated y title longer than its axis would push the plot away from its panel title.
          const tooLong = await page.locator(`${sel} svg g.role-axis`).evaluateAll((axes) =>
            axes.flatMap((a) => {
              const domain = a.querySelector('.role-axis-domain line, .role-axis-domain path');
              const title = a.querySelector('.role-axis-title text');
              if (domain === null || title === null) return [];
              const [d, t] = [domain.getBoundingClientRect(), title.getBoundingClientRect()];
              return d.height > d.width && t.height > d.height + 1 ? [`${title.textContent}: ${Math.round(t.height)} px along a ${Math.round(d.height)} px axis`] : [];
            }),
          );
          expect(tooLong, `${c.id} y titles longer than their axis`).toEqual([]);
        }
        // The stacked area has a band per service; with two services a total line is drawn on top.
        const services = name === 'two-services' ? 2 : 1;
        expect(await page.locator('#vis-ready-pods svg g.role-mark[class*="data_readypods"] > path').count()).toBe(services);
        expect(await page.locator('#vis-ready-pods svg g.role-mark[class*="data_readytotal"] > path').count()).toBe(services > 1 ? 1 : 0);
        expect(await page.locator('#vis-ready-pods').textContent()).toContain('Ready pods, all services');
        const cluster = name === 'capacity-planning';
        expect(result.charts.map((c) => c.id).filter((id) => id === 'nodes' || id === 'cost')).toEqual(cluster ? ['nodes', 'cost'] : []);
        if (cluster) {
          // Two node lines (billed, Ready), the waiting-pods area, the cost line and a rate band per pool.
          expect(await page.locator('#vis-nodes svg g.role-mark[class*="data_nodes_0"] > path').count()).toBe(2);
          expect(await page.locator('#vis-nodes svg g.role-mark[class*="data_nodes_1"] > path').count()).toBe(1);
          expect(await page.locator('#vis-cost svg g.role-mark[class*="data_cost_0"] > path').count()).toBe(1);
          expect(await page.locator('#vis-cost svg g.role-mark[class*="data_cost_1"] > path').count()).toBe(1);
          expect(await page.locator('#vis-cost').textContent()).toContain('per simulated day');
        }
        // For reading by eye (the report's layout, overlaps, empty panels).
        await page.screenshot({ path: join(tmpdir(), `knsim-report-${name}.png`), fullPage: true });
        // In an 800 px window the page itself keeps to the window: a chart wider than its column
        // scrolls sideways in its own box (vega-embed's inline-block had widened the whole page).
        await page.setViewportSize({ width: 800, height: 900 });
        const narrow = await page.evaluate(() => {
          const column = document.body.getBoundingClientRect();
          return {
            page: document.documentElement.scrollWidth,
            charts: Array.from(document.querySelectorAll<HTMLElement>('[data-chart]')).map((c) => ({ id: c.id, box: c.getBoundingClientRect().right, column: column.right, drawn: c.scrollWidth, shown: c.clientWidth })),
          };
        });
        expect(narrow.page).toBe(800);
        for (const c of narrow.charts) {
          expect(c.box, `${c.id} keeps to the page's column`).toBeLessThanOrEqual(c.column);
          expect(c.drawn, `${c.id} is wider than 800 px, so its box scrolls`).toBeGreaterThan(c.shown);
        }
        // The settings and summary tables (a column per revision, cells unwrapped) likewise scroll
        // in their own boxes when wider than the window: kpa-vs-hpa's settings were 802 px at 800.
        await page.setViewportSize({ width: 560, height: 900 });
        const tables = await page.evaluate(() => {
          const column = document.body.getBoundingClientRect();
          return {
            page: document.documentElement.scrollWidth,
            boxes: Array.from(document.querySelectorAll<HTMLElement>('div.table')).map((b) => ({ box: b.getBoundingClientRect().right, column: column.right, drawn: b.scrollWidth, shown: b.clientWidth, table: b.querySelector('table')?.className })),
          };
        });
        expect(tables.page).toBe(560);
        expect(tables.boxes.map((b) => b.table)).toEqual(['settings', 'summary']);
        for (const b of tables.boxes) expect(b.box, `${b.table} keeps to the page's column`).toBeLessThanOrEqual(b.column);
        expect(tables.boxes.some((b) => b.drawn > b.shown), 'some table is wider than 560 px and scrolls').toBe(true);
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
      } finally {
        await close();
      }
    });
  }
});
