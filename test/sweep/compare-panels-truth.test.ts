/**
 * Every panel of the compare report draws compare.csv: for each class and metric, the bar ends at
 * its mean and the whisker at its lo and hi on the panel's own scale (420 px from 0 to the last
 * tick), the printed numbers read back as compare.csv's within their digits, and the verdict
 * table's difference is diff_mean's. Five replications of two classes that differ in every metric.
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, METRICS, type MetricKey, type MetricValues } from '../../src/output/metrics.js';
import { compareResults, verdictTable, type CompareDefinition } from '../../src/sweep/compare.js';
import { compareHtml, formatCompareCsv, panelTicks } from '../../src/sweep/compare-files.js';

const def: CompareDefinition = {
  scenario: 's', scenarioSha256: '', sets: [], durationSeconds: null, baseSeed: 3, replications: 5,
  classes: [{ label: 'kpa', className: 'kpa.autoscaling.knative.dev' }, { label: 'hpa', className: 'hpa.autoscaling.knative.dev' }],
};

/** Replication r of a class scaled by `f`: latencies in ms, rates as fractions, counts whole, node metrics absent. */
const runs = (f: number): MetricValues[] =>
  [0, 1, 2, 3, 4].map((r) => {
    const v = {} as MetricValues;
    for (const k of METRIC_KEYS) {
      const m = METRICS[k];
      const base = m.unit === 'ms' ? 200 + 37 * r : m.unit === 'fraction' ? 0.004 + 0.0013 * r : m.integer ? 5 + r : 1000 + 111 * r;
      v[k] = /node|pending|first_byte|sessions/.test(k) ? Number.NaN : m.integer ? Math.round(base * f) : m.unit === 'fraction' ? Math.min(1, base * f) : base * f;
    }
    return v;
  });

const results = compareResults(def, [runs(1), runs(2.5)]);
const html = compareHtml(def, results);
const csv = parse(formatCompareCsv(results), { columns: true }) as Array<Record<string, string>>;
const table = verdictTable(def, results);

/** A printed number ("0.4%", "1,234" none here) in compare.csv's units. */
const value = (s: string): number => (s.endsWith('%') ? Number(s.slice(0, -1)) / 100 : Number(s));

describe('the compare panels against compare.csv', () => {
  const keys = [...new Set(csv.map((r) => r['metric'] as MetricKey))];

  it('has a panel per metric of compare.csv, captioned with its unit', () => {
    expect(keys).toHaveLength(12);
    for (const k of keys) expect(html, k).toContain(`<figcaption>${METRICS[k].title}</figcaption>`);
  });

  it.each(keys)('%s: bars end at the means, whiskers at lo and hi, and the numbers read back', (k) => {
    const at = html.indexOf(`<figcaption>${METRICS[k].title}</figcaption>`);
    const svg = html.slice(at, html.indexOf('</figure>', at));
    const rows = csv.filter((r) => r['metric'] === k);
    const end = panelTicks(k, Math.max(...rows.flatMap((r) => [Number(r['mean']), Number(r['hi'])])));
    const W = 420 / end.at(-1)!;
    const left = Number(/<rect x="([^"]+)"/.exec(svg)![1]);
    const bars = [...svg.matchAll(/<rect x="[^"]+" y="[^"]+" width="([^"]+)"/g)].map((m) => Number(m[1]));
    const whiskers = [...svg.matchAll(/<line x1="([^"]+)" x2="([^"]+)" y1="([^"]+)" y2="([^"]+)" stroke="#222" stroke-width="2"\/>/g)].map((m) => [Number(m[1]) - left, Number(m[2]) - left]);
    const numbers = [...svg.matchAll(/<text x="[^"]+" y="[^"]+">([^<]*\[[^<]*)<\/text>/g)].map((m) => /^(\S+) \[(\S+), (\S+)\]$/.exec(m[1]!)!.slice(1).map(value));
    rows.forEach((r, i) => {
      const [mean, lo, hi] = [Number(r['mean']), Number(r['lo']), Number(r['hi'])];
      expect(lo, `${k} ${r['class']}`).toBeGreaterThanOrEqual(0);
      expect(lo).toBeLessThanOrEqual(mean);
      expect(mean).toBeLessThanOrEqual(hi);
      expect(bars[i], `${k} ${r['class']} bar`).toBeCloseTo(mean * W, 6);
      expect(whiskers[i]![0], `${k} ${r['class']} whisker`).toBeCloseTo(lo * W, 6);
      expect(whiskers[i]![1]).toBeCloseTo(hi * W, 6);
      numbers[i]!.forEach((printed, j) => {
        const exact = [mean, lo, hi][j]!;
        expect(Math.abs(printed - exact), `${k} ${r['class']}: ${printed} for ${exact}`).toBeLessThanOrEqual(Math.abs(exact) * 5e-3);
      });
    });
    // The scale reaches the highest end drawn and no further than one step past it.
    expect(end.at(-1)!).toBeGreaterThanOrEqual(Math.max(...rows.map((r) => Number(r['hi']))));
  });

  it.each(keys)('%s: the verdict table gives diff_mean, in percentage points for a rate', (k) => {
    const r = csv.find((x) => x['metric'] === k && x['class'] === 'hpa')!;
    const line = table.split('\n').find((l) => l.startsWith(`${METRICS[k].title} `))!;
    const m = /  ([+−])(\S+)( pp)? \(([+−])[^)]*\) (better|worse|unclear)/.exec(line);
    expect(m, line).not.toBeNull();
    const printed = (m![1] === '−' ? -1 : 1) * Number(m![2]) * (m![3] ? 0.01 : 1);
    expect(m![3] !== undefined, k).toBe(METRICS[k].unit === 'fraction');
    expect(Math.abs(printed - Number(r['diff_mean'])), `${k}: ${m![0]} for ${r['diff_mean']}`).toBeLessThanOrEqual(Math.abs(Number(r['diff_mean'])) * 5e-3);
    expect(m![5]).toBe(r['verdict']);
  });
});
