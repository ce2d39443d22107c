/**
 * The compare report's per-metric panels: bars drawn to scale from the numbers the verdict
 * table prints, also when one class has no latency (none of its requests was answered 200).
 */
import { describe, expect, it } from 'vitest';
import { compareResults, type CompareDefinition } from '../../src/sweep/compare.js';
import { compareHtml } from '../../src/sweep/compare-files.js';
import { METRIC_KEYS, type MetricValues } from '../../src/output/metrics.js';

const def: CompareDefinition = {
  scenario: 's', scenarioSha256: '', sets: [], durationSeconds: null, baseSeed: 1, replications: 3,
  classes: [{ label: 'kpa', className: 'kpa.autoscaling.knative.dev' }, { label: 'nothing', className: 'nothing' }],
};

/** Replications whose latencies are `p99` (NaN: no 200s) and whose other metrics are 1 (node metrics absent). */
const runs = (p99: number[]): MetricValues[] =>
  p99.map((v) => Object.fromEntries(METRIC_KEYS.map((k) => [k, k.endsWith('_ms') ? v : /node|nodes|pending/.test(k) ? Number.NaN : 1])) as MetricValues);

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
    // The KPA's bar: mean 600 on a scale to the largest upper end, 700 (420 px wide).
    const widths = attr(svg, /<rect [^>]*width="([^"]+)"/g).map(Number);
    expect(widths).toEqual([360]);
    // Its whisker from 500 to 700; the class without 200s has none.
    expect(attr(svg, /<line x1="([^"]+)"/g).map(Number)).toEqual([170 + 300]);
    expect(attr(svg, /<line [^>]*x2="([^"]+)"/g).map(Number)).toEqual([170 + 420]);
    // The scale's end is the number, and the class without 200s says why it has no bar.
    expect(svg).toContain('text-anchor="end" fill="#555">700</text>');
    expect(svg).toContain('>– (no 200s)</text>');
    expect(svg).not.toContain('NaN');
  });

  it('keeps the verdict table in columns however wide (it scrolls rather than wraps)', () => {
    const res = compareResults(def, [runs([500, 600, 700]), runs([400, 450, 500])]);
    const html = compareHtml(def, res);
    expect(html).toMatch(/pre\{[^}]*white-space:pre;[^}]*overflow-x:auto/);
    expect(html).not.toContain('pre-wrap');
    // The table in the block, a row per metric; its note, a long line, wraps as a paragraph below it.
    const pre = /<pre>([\s\S]*?)<\/pre>\n<p>mean \[95 % interval\] over 3 replications/.exec(html)?.[1];
    expect(pre).toBeDefined();
    expect(pre!.split('\n')).toHaveLength(2 + 12);
    expect(pre!.split('\n')[2]).toMatch(/^p50 latency \(ms\) +600 \[500, 700\] +450 \[400, 500\]  −150 \(−25%\) better$/);
  });
});
