/**
 * The compare verdict table and report panels print each class's `mean [lo, hi]` from the numbers
 * compare.csv holds, with enough digits that an interval with a width does not read as one value:
 * two replications of linear-ramp's predictive class had p50s of 207.359 and 207.487 ms, printed
 * `207 [207, 207]` as if they agreed exactly (compare.csv: 207.423, 207.359, 207.487).
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, METRICS, type MetricKey, type MetricValues } from '../../src/output/metrics.js';
import { compareResults, verdictTable, type CompareDefinition } from '../../src/sweep/compare.js';
import { compareHtml, formatCompareCsv } from '../../src/sweep/compare-files.js';

const def: CompareDefinition = {
  scenario: 'linear-ramp', scenarioSha256: '', sets: [], durationSeconds: null, baseSeed: 7, replications: 2,
  classes: [{ label: 'kpa', className: 'kpa.autoscaling.knative.dev' }, { label: 'predictive.example.com', className: 'predictive.example.com' }],
};

/** Replications with these metrics (node, first-byte and session metrics absent, the rest 0). */
const runs = (...over: Array<Partial<Record<MetricKey, number>>>): MetricValues[] =>
  over.map((o) => ({ ...(Object.fromEntries(METRIC_KEYS.map((k) => [k, /node|nodes|pending|first_byte|sessions/.test(k) ? Number.NaN : 0])) as MetricValues), ...o }));

// The two classes' p50s, p95s and cold-start fractions as linear-ramp's runs gave them (seeds 7 and 8).
const kpa = runs({ p50_ms: 218.367, p95_ms: 648.703, cold_start_fraction: 0.00412 }, { p50_ms: 211.455, p95_ms: 724.991, cold_start_fraction: 0.00412 });
const predictive = runs({ p50_ms: 207.359, p95_ms: 489.215, cold_start_fraction: 0.0041201 }, { p50_ms: 207.487, p95_ms: 467.711, cold_start_fraction: 0.0041203 });

/** A printed number ("207.4", "0.4119%") as a value in the CSV's units. */
const value = (s: string): number => (s.endsWith('%') ? Number(s.slice(0, -1)) / 100 : Number(s));

describe('a class\'s mean [lo, hi] in the compare report', () => {
  const results = compareResults(def, [kpa, predictive]);
  const csv = parse(formatCompareCsv(results), { columns: true }) as Array<Record<string, string>>;
  const table = verdictTable(def, results);
  const html = compareHtml(def, results);

  it.each([
    ['p50_ms', 'p50 latency (ms)', '207.4 [207.4, 207.5]'],
    ['cold_start_fraction', 'cold-start fraction (%)', '0.412% [0.4119%, 0.4121%]'],
  ] as const)('%s of predictive reads differently at its two ends, in the table and its panel', (k, label, text) => {
    const row = csv.find((r) => r['class'] === 'predictive.example.com' && r['metric'] === k)!;
    expect(Number(row['lo'])).toBeLessThan(Number(row['hi']));
    expect(table).toMatch(new RegExp(`\\n${label.replace(/[()]/g, '\\$&')} .*   ${text.replace(/[[\]().]/g, '\\$&')}  `));
    const caption = `<figcaption>${METRICS[k].title}</figcaption>`;
    const panel = html.slice(html.indexOf(caption), html.indexOf('</figure>', html.indexOf(caption)));
    expect(html.indexOf(caption), caption).toBeGreaterThan(0);
    expect(panel).toContain(`>${text}</text>`);
  });

  it('prints every class\'s mean, lo and hi as compare.csv\'s, rounded, with lo and hi apart when they differ', () => {
    for (const row of csv) {
      const k = row['metric'] as MetricKey;
      if (row['mean'] === '' || row['lo'] === '') continue;
      const label = { p50_ms: 'p50 latency (ms)', p95_ms: 'p95 latency (ms)', p99_ms: 'p99 latency (ms)' }[k as string] ?? null;
      if (label === null) continue;
      const panel = html.slice(html.indexOf(`<figcaption>${METRICS[k].title}</figcaption>`));
      const cell = new RegExp(`<text x="[^"]+" y="[^"]+">([^<]+)</text>`, 'g');
      const texts = [...panel.slice(0, panel.indexOf('</figure>')).matchAll(cell)].map((m) => m[1]!).filter((t) => t.includes('['));
      const i = row['class'] === 'kpa' ? 0 : 1;
      const [, mean, lo, hi] = /^(\S+) \[(\S+), (\S+)\]$/.exec(texts[i]!)!;
      for (const [printed, exact] of [[mean!, row['mean']!], [lo!, row['lo']!], [hi!, row['hi']!]] as const) {
        expect(Math.abs(value(printed) - Number(exact)), `${k} ${row['class']}: ${printed} for ${exact}`).toBeLessThanOrEqual(Math.abs(Number(exact)) * 5e-3);
      }
      if (row['lo'] !== row['hi']) expect(lo, `${k} ${row['class']}`).not.toBe(hi);
    }
  });
});
