/**
 * The files of `knsim compare`: compare.json (the definition and every number),
 * compare.csv (a row per class and metric), runs.csv (a row per class and replication)
 * and report.html (self-contained: the verdict table and, per metric, each class's mean
 * and interval drawn to scale: 95 %, or with 2–4 replications the range for every metric but the rates). Written into a staged directory with its manifest,
 * like every other output directory.
 */
import { join } from 'node:path';
import { writeOutputFile } from '../output/write-file.js';
import { stringify } from 'csv-stringify/sync';
import { METRIC_KEYS, METRICS } from '../output/metrics.js';
import { writeStaged, type StageOptions } from '../output/staged-dir.js';
import { isRangeInterval, RANGE_INTERVAL_BELOW } from './stats.js';
import { formatValue, intervalText, measuredMetrics, noLatencyText, verdictTable, type ClassMetric, type ClassResult, type CompareDefinition } from './compare.js';

export const COMPARE_JSON = 'compare.json';
export const COMPARE_CSV = 'compare.csv';
export const COMPARE_RUNS_CSV = 'runs.csv';
export const COMPARE_HTML = 'report.html';

// A value no run measured (NaN: no 200 response, so no latency) is an empty cell, as in sweep.csv.
const cell = (v: number | null): string => (v === null || Number.isNaN(v) ? '' : String(v));

/** same_in_every_seed: true or false where there is a difference (not for the baseline, or without a value on both sides). */
const everySeed = (m: ClassMetric): string => (m.diff === null || Number.isNaN(m.diff.mean) ? '' : String(m.sameInEverySeed));

export function formatCompareCsv(results: readonly ClassResult[]): string {
  const rows: string[][] = [['class', 'class_name', 'metric', 'replications', 'mean', 'lo', 'hi', 'diff_mean', 'diff_lo', 'diff_hi', 'verdict', 'same_in_every_seed']];
  const keys = measuredMetrics(results);
  for (const r of results) {
    for (const k of keys) {
      const m = r.metrics[k];
      rows.push([r.label, r.className, k, String(r.runs.length), cell(m.mean), cell(m.lo), cell(m.hi), cell(m.diff?.mean ?? null), cell(m.diff?.lo ?? null), cell(m.diff?.hi ?? null), m.verdict, everySeed(m)]);
    }
  }
  return stringify(rows);
}

export function formatCompareRunsCsv(def: CompareDefinition, results: readonly ClassResult[]): string {
  const rows: string[][] = [['class', 'replication', 'seed', ...METRIC_KEYS]];
  // A metric the scenario does not have (NaN: node metrics without node pools) is an empty cell, as in a sweep's runs.csv.
  for (const r of results) r.runs.forEach((m, i) => rows.push([r.label, String(i), String(def.baseSeed + i), ...METRIC_KEYS.map((k) => (Number.isNaN(m[k]) ? '' : String(m[k])))]));
  return stringify(rows);
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The ticks of a compare panel's scale: 0 and steps of 1, 2 or 5 × 10^k up to the first at or
 * above `top`, at most five steps. A metric every class has at 0 gets the scale of one of its
 * units (1 ms, 1 %, one pod-second) rather than 0 … 0, on which nothing could be read.
 */
export function panelTicks(k: (typeof METRIC_KEYS)[number], top: number): number[] {
  const end = top > 0 ? top : METRICS[k].unit === 'fraction' ? 0.01 : 1;
  for (let p = Math.floor(Math.log10(end / 5)); ; p++) {
    for (const m of [1, 2, 5]) {
      const step = m * 10 ** p;
      const n = Math.ceil(end / step - 1e-9);
      if (n <= 5) return Array.from({ length: n + 1 }, (_, i) => Number((i * step).toPrecision(12)));
    }
  }
}

/**
 * Pixels the longest of some lines of the panels' 12-pixel sans-serif text takes, at 7 a character:
 * above the average of the widest common sans font (DejaVu Sans: lower case and digits about 7,
 * spaces, dots and brackets 4 to 5), so the text is not cut where that font is the browser's.
 */
const textPx = (lines: readonly string[]): number => Math.ceil(Math.max(0, ...lines.map((l) => l.length)) * 7);

/**
 * One metric's panel: a horizontal bar per class (its mean) with the interval as a whisker, on a
 * common scale from 0 with round ticks. Each class's numbers, mean [low, high], are in a column
 * of their own to the right under that heading: printed after the whisker, a mean read as the
 * whisker's end. A class without the metric (a replication with no 200 response, so no latency) gets no bar and
 * says why; the others keep their scale (a NaN had made it 0).
 */
function metricPanel(k: (typeof METRIC_KEYS)[number], results: readonly ClassResult[]): string {
  const W = 420;
  const rowH = 22;
  const top = 22;
  const finite = (v: number | null): v is number => v !== null && Number.isFinite(v);
  const n = results[0]!.runs.length;
  // One replication has no interval: no whisker is drawn, and the heading must not promise one.
  const what = n < 2 ? 'mean (one replication: no interval)' : `mean [${isRangeInterval(METRICS[k].kind, n) ? `range of the ${n} replications` : '95 % interval'}]`;
  const numbersOf = (r: ClassResult): string => {
    const m = r.metrics[k];
    if (!finite(m.mean)) return METRICS[k].unit === 'ms' ? noLatencyText(r) : '–';
    return finite(m.lo) && finite(m.hi) ? intervalText(k, m.mean, m.lo, m.hi) : formatValue(k, m.mean);
  };
  // The class names right-aligned before the bars and the numbers after them get the room their text
  // takes: a fixed 170 pixels cut a long class name at the panel's left edge.
  const left = Math.max(170, textPx(results.map((r) => r.label)) + 12);
  const column = left + W + 24;
  const width = column + Math.max(200, textPx([what, ...results.map(numbersOf)]) + 8);
  const ticks = panelTicks(k, Math.max(0, ...results.flatMap((r) => [r.metrics[k].mean, r.metrics[k].hi].filter(finite))));
  const end = ticks[ticks.length - 1]!;
  const scale = (v: number): number => (Math.max(0, v) / end) * W;
  const bottom = top + results.length * rowH + 2;
  const h = bottom + 22;
  const axis = ticks
    .map((t) => {
      const x = left + scale(t);
      return `<line x1="${x}" x2="${x}" y1="${top - 4}" y2="${bottom + 4}" stroke="#e4e4e4"/><text x="${x}" y="${bottom + 17}" text-anchor="middle" fill="#555">${esc(formatValue(k, t))}</text>`;
    })
    .join('');
  const bars = results
    .map((r, i) => {
      const m = r.metrics[k];
      const y = top + i * rowH;
      const name = `<text x="${left - 6}" y="${y + 12}" text-anchor="end">${esc(r.label)}</text>`;
      // A class lacks a latency when any of its replications had no 200 response: say in how many.
      if (!finite(m.mean)) return `${name}<text x="${column}" y="${y + 12}" fill="#555">${esc(numbersOf(r))}</text>`;
      const interval = finite(m.lo) && finite(m.hi);
      const [x1, x2] = interval ? [left + scale(m.lo!), left + scale(m.hi!)] : [0, 0];
      const whisker = interval
        ? `<line x1="${x1}" x2="${x2}" y1="${y + 8}" y2="${y + 8}" stroke="#222" stroke-width="2"/><line x1="${x1}" x2="${x1}" y1="${y + 3}" y2="${y + 13}" stroke="#222" stroke-width="1.5"/><line x1="${x2}" x2="${x2}" y1="${y + 3}" y2="${y + 13}" stroke="#222" stroke-width="1.5"/>`
        : '';
      return `${name}<rect x="${left}" y="${y + 2}" width="${scale(m.mean)}" height="12" fill="${i === 0 ? '#9aa5b1' : '#4c78a8'}"/>${whisker}<text x="${column}" y="${y + 12}">${esc(numbersOf(r))}</text>`;
    })
    .join('');
  const heading = `<text x="${column}" y="${top - 8}" fill="#555">${what}</text>`;
  const baseline = `<line x1="${left}" x2="${left + W}" y1="${bottom}" y2="${bottom}" stroke="#888"/>`;
  // The caption names the unit of the scale and the numbers (a rate's are in %, pod-seconds in s, counts in pods or nodes).
  return `<figure><figcaption>${esc(METRICS[k].title)}</figcaption><svg width="${width}" height="${h}" font-family="sans-serif" font-size="12" role="img" aria-label="${esc(METRICS[k].title)}">${axis}${baseline}${heading}${bars}</svg></figure>`;
}

export function compareHtml(def: CompareDefinition, results: readonly ClassResult[]): string {
  // The verdict table has a column per class: wrapped lines would break its columns, so a wide one
  // scrolls; its notes (the lines after the header, the rule and a row per metric) wrap below it.
  const lines = verdictTable(def, results).split('\n');
  const rows = measuredMetrics(results).length + 2;
  const classes = results.map((r) => `<li><b>${esc(r.label)}</b>: <code>${esc(r.className)}</code></li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>knsim compare ${esc(def.scenario)}</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}pre{background:#f6f8fa;padding:1em;white-space:pre;overflow-x:auto}figure{margin:1em 0;overflow-x:auto}figcaption{font-weight:bold;margin-bottom:.3em}</style>
</head><body>
<h1>knsim compare: ${esc(def.scenario)}</h1>
<p>${def.classes.length} autoscaler classes × ${def.replications} replication${def.replications === 1 ? '' : 's'} with common random numbers (replication r uses seed ${def.baseSeed} + r for every class). The first class is the baseline.</p>
<ul>${classes}</ul>
<h2>Verdict</h2>
<pre>${esc(lines.slice(0, rows).join('\n'))}</pre>
${lines.slice(rows).map((l) => `<p>${esc(l)}</p>`).join('\n')}
<h2>Per metric (bar: mean; ${def.replications < 2 ? 'one replication, so no interval' : `whisker: ${def.replications < RANGE_INTERVAL_BELOW ? `95 % interval for rates, the range of the ${def.replications} replications for the others` : '95 % interval'}`})</h2>
${measuredMetrics(results).map((k) => metricPanel(k, results)).join('\n')}
</body></html>
`;
}

/** The JSON document: the definition, and per class its intervals, differences, verdicts and runs. */
export function compareJson(def: CompareDefinition, results: readonly ClassResult[]): unknown {
  return {
    kind: 'knsim-compare',
    scenario: def.scenario,
    scenarioSha256: def.scenarioSha256,
    sets: def.sets,
    durationSeconds: def.durationSeconds,
    baseSeed: def.baseSeed,
    replications: def.replications,
    classes: results.map((r, i) => ({
      label: r.label,
      className: r.className,
      module: def.classes[i]!.module?.module ?? null,
      metrics: Object.fromEntries(measuredMetrics(results).map((k) => [k, r.metrics[k]])),
      runs: r.runs,
    })),
  };
}

export async function writeCompareDir(outDir: string, def: CompareDefinition, results: readonly ClassResult[], output: StageOptions = {}): Promise<{ outDir: string; files: string[] }> {
  return writeStaged(outDir, { command: 'compare', ...output }, async (tmp) => {
    writeOutputFile(join(tmp, COMPARE_JSON), JSON.stringify(compareJson(def, results), null, 2) + '\n');
    writeOutputFile(join(tmp, COMPARE_CSV), formatCompareCsv(results));
    writeOutputFile(join(tmp, COMPARE_RUNS_CSV), formatCompareRunsCsv(def, results));
    writeOutputFile(join(tmp, COMPARE_HTML), compareHtml(def, results));
    return { files: [COMPARE_JSON, COMPARE_CSV, COMPARE_RUNS_CSV, COMPARE_HTML] };
  });
}
