/**
 * The compare report's per-metric panels: bars drawn to scale from the numbers the verdict
 * table prints, also when one class has no latency (none of its requests was answered 200);
 * in real Chromium, a long class name and the numbers are drawn whole, and a panel wider than
 * the window scrolls in its own box.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareResults, type CompareDefinition } from '../../src/sweep/compare.js';
import { compareHtml, panelTicks } from '../../src/sweep/compare-files.js';
import { METRIC_KEYS, type MetricValues } from '../../src/output/metrics.js';
import { haveChromium, openPage, requireChromiumInCi } from '../support/browser.js';

const def: CompareDefinition = {
  scenario: 's', scenarioSha256: '', sets: [], durationSeconds: null, baseSeed: 1, replications: 3,
  classes: [{ label: 'kpa', className: 'kpa.autoscaling.knative.dev' }, { label: 'nothing', className: 'nothing' }],
};

/** Replications whose latencies are `p99` (NaN: no 200s) and whose other metrics are 1 (node metrics absent). */
const runs = (p99: number[]): MetricValues[] =>
  p99.map((v) => Object.fromEntries(METRIC_KEYS.map((k) => [k, /node|nodes|pending|first_byte|sessions/.test(k) ? Number.NaN : k.endsWith('_ms') ? v : 1])) as MetricValues);

/** The SVG of one metric's panel. */
function panel(html: string, caption: string): string {
  const at = html.indexOf(`<figcaption>${caption}</figcaption>`);
  expect(at, caption).toBeGreaterThan(0);
  return html.slice(at, html.indexOf('</figure>', at));
}

const attr = (svg: string, re: RegExp): string[] => [...svg.matchAll(re)].map((m) => m[1]!);

describe('compare report.html', () => {
  it('draws a latency panel to the scale of the classes that have one when another class has no 200s', () => {
    const res = compareResults(def, [runs([500, 600, 700]), runs([Number.NaN, Number.NaN, Number.NaN])]);
    const svg = panel(compareHtml(def, res), 'p99 latency (ms)');
    // The KPA's bar: mean 600 on a scale from 0 to 800 ms (420 px wide), ticked every 200 ms.
    const widths = attr(svg, /<rect [^>]*width="([^"]+)"/g).map(Number);
    expect(widths).toEqual([315]);
    expect(attr(svg, /<text [^>]*text-anchor="middle" fill="#555">([^<]+)<\/text>/g)).toEqual(['0', '200', '400', '600', '800']);
    // Its whisker from 500 to 700 (the line and its two end caps); the class without 200s has none.
    const whisker = attr(svg, /<line x1="([^"]+)" x2="[^"]+" y1="[^"]+" y2="[^"]+" stroke="#222"/g).map(Number);
    expect(whisker).toEqual([170 + 262.5, 170 + 262.5, 170 + 367.5]);
    expect(svg).toContain('>600 [500, 700]</text>');
    expect(svg).toContain('>– (no 200s)</text>');
    expect(svg).not.toContain('NaN');
  });

  it('prints each class\'s mean and interval in a column headed so, right of the plot, not after the whisker where it read as the whisker\'s end', () => {
    const res = compareResults(def, [runs([500, 600, 700]), runs([400, 450, 500])]);
    const svg = panel(compareHtml(def, res), 'p99 latency (ms)');
    const texts = [...svg.matchAll(/<text x="([^"]+)" y="[^"]+"(?: fill="#555")?>([^<]+)<\/text>/g)].map((m) => ({ x: Number(m[1]), text: m[2]! }));
    const column = texts.filter((t) => t.x > 170 + 420);
    // 3 replications: a latency's interval is their range, and the heading says so.
    expect(column.map((t) => t.text)).toEqual(['mean [range of the 3 replications]', '600 [500, 700]', '450 [400, 500]']);
    expect(new Set(column.map((t) => t.x)).size).toBe(1);
    // Nothing else is printed over the plot, the tick labels below it aside.
    expect(texts.filter((t) => t.x > 170 && t.x <= 170 + 420)).toEqual([]);
  });

  it('draws a metric every class has at 0 on a scale of 0 to 1 % with its ticks, not "0 … 0%"', () => {
    const zero = (n: number): MetricValues[] => runs([500, 600, 700]).slice(0, n).map((m) => ({ ...m, rate_504: 0 }));
    const res = compareResults(def, [zero(3), zero(3)]);
    const svg = panel(compareHtml(def, res), '504 rate (%)');
    expect(attr(svg, /<text [^>]*text-anchor="middle" fill="#555">([^<]+)<\/text>/g)).toEqual(['0%', '0.2%', '0.4%', '0.6%', '0.8%', '1%']);
    expect(attr(svg, /<rect [^>]*width="([^"]+)"/g).map(Number)).toEqual([0, 0]);
    expect(svg).toContain('>0% [0%, 0%]</text>');
    expect(panelTicks('pod_seconds', 0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(panelTicks('p99_ms', 11001)).toEqual([0, 5000, 10000, 15000]);
    expect(panelTicks('rate_503', 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(panelTicks('cold_start_fraction', 0.0022)).toEqual([0, 0.0005, 0.001, 0.0015, 0.002, 0.0025]);
  });

  it('names each panel\'s unit in its caption: a rate in %, pod-seconds in s, a count as one', () => {
    const res = compareResults(def, [runs([500, 600, 700]), runs([400, 450, 500])]);
    const captions = [...compareHtml(def, res).matchAll(/<figcaption>([^<]+)<\/figcaption>/g)].map((m) => m[1]);
    expect(captions).toEqual([
      'p50 latency (ms)', 'p95 latency (ms)', 'p99 latency (ms)', '503 rate (%)', '504 rate (%)', 'error rate, non-200 (%)', 'unanswered at the end (%)',
      'cold-start fraction (%)', 'pod-seconds (s)', 'max ready pods (count)', 'pod-hours (h)', 'ready pod-hours (h)',
    ]);
  });

  it('keeps the verdict table in columns however wide (it scrolls rather than wraps)', () => {
    const res = compareResults(def, [runs([500, 600, 700]), runs([400, 450, 500])]);
    const html = compareHtml(def, res);
    expect(html).toMatch(/pre\{[^}]*white-space:pre;[^}]*overflow-x:auto/);
    expect(html).not.toContain('pre-wrap');
    // The table in the block, a row per metric; its note, a long line, wraps as a paragraph below it.
    const pre = /<pre>([\s\S]*?)<\/pre>\n<p>mean \[interval: 95 % for rates, the range for the others \(below\)\] over 3 replications/.exec(html)?.[1];
    expect(pre).toBeDefined();
    expect(pre!.split('\n')).toHaveLength(2 + 12);
    expect(pre!.split('\n')[2]).toMatch(/^p50 latency \(ms\) +600 \[500, 700\] +450 \[400, 500\]  −150 \(−25%\) better$/);
  });
});

requireChromiumInCi();

describe.runIf(haveChromium)('compare report.html in an 800 px window', () => {
  it('shows a long class name whole, and the numbers column whole; a panel wider than the window scrolls in its own box', async () => {
    // A class the scenario registers under a long name: 57 characters, 170 pixels held 27.
    const long = 'predictive-forecasting-autoscaler.autoscaling.example.com';
    const wide: CompareDefinition = { ...def, replications: 4, classes: [def.classes[0]!, { label: long, className: long }] };
    const res = compareResults(wide, [runs([500, 600, 700, Number.NaN]), runs([12345.678, 23456.789, 34567.891, 45678.912])]);
    const dir = mkdtempSync(join(tmpdir(), 'knsim-compare-report-'));
    writeFileSync(join(dir, 'report.html'), compareHtml(wide, res));
    const { page, errors, close } = await openPage({ width: 800, height: 900 });
    try {
      await page.goto(pathToFileURL(join(dir, 'report.html')).href);
      const seen = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        figures: Array.from(document.querySelectorAll('figure')).map((f) => {
          const svg = f.querySelector('svg')!.getBoundingClientRect();
          const texts = Array.from(f.querySelectorAll('svg text')).map((t) => ({ text: t.textContent, left: t.getBoundingClientRect().left - svg.left, right: t.getBoundingClientRect().right - svg.left }));
          return { caption: f.querySelector('figcaption')!.textContent, width: svg.width, texts, drawn: f.scrollWidth, shown: f.clientWidth, box: f.getBoundingClientRect().right, column: document.body.getBoundingClientRect().right };
        }),
      }));
      expect(seen.page).toBe(800);
      expect(seen.figures.length).toBe(12);
      for (const f of seen.figures) {
        for (const t of f.texts) {
          expect(t.left, `${f.caption}: "${t.text}" starts inside its panel`).toBeGreaterThanOrEqual(0);
          expect(t.right, `${f.caption}: "${t.text}" ends inside its panel`).toBeLessThanOrEqual(f.width);
        }
        expect(f.box).toBeLessThanOrEqual(f.column);
        expect(f.drawn).toBeGreaterThan(f.shown);
      }
      const p99 = seen.figures.find((f) => f.caption === 'p99 latency (ms)')!;
      expect(p99.texts.map((t) => t.text)).toContain(long);
      expect(p99.texts.map((t) => t.text)).toContain('– (no 200s in 1 of 4 replications)');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 300_000);
});
