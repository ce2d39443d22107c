/**
 * The sweep and tuner reports: charts/<id>.vl.json, .svg and .png per chart, and a
 * self-contained report.html. Rendering reuses the run report's helpers.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeOutputFile } from '../../output/write-file.js';
import { axisLabel } from '../axes.js';
import { METRICS, type MetricKey, type MetricValues } from '../../output/metrics.js';
import { percentDigits } from '../../output/percent.js';
import type { PointResult, SweepDefinition } from '../sweep.js';
import { inlineLibraries, scriptJson } from '../../output/report/html.js';
import { CHART_RUNNER, escapeHtml, pageHead } from '../../output/report/page.js';
import { writeChartImages } from '../../output/report/render.js';
import { axisScale, sweepCharts, type SweepChart } from './charts.js';

export interface WrittenReport {
  /** Files written, relative to the directory. */
  files: string[];
  warnings: string[];
}

/** Writes charts/<id>.vl.json, .svg and .png for each chart. */
export async function writeCharts(dir: string, charts: readonly SweepChart[], images = true): Promise<WrittenReport> {
  const files: string[] = [];
  const warnings: string[] = [];
  if (charts.length === 0) return { files, warnings };
  mkdirSync(join(dir, 'charts'), { recursive: true });
  for (const c of charts) {
    const base = `charts/${c.id}`;
    writeOutputFile(join(dir, `${base}.vl.json`), JSON.stringify(c.spec, null, 1) + '\n');
    files.push(`${base}.vl.json`, ...(images ? [`${base}.svg`, `${base}.png`] : []));
  }
  if (images) warnings.push(...(await writeChartImages(dir, charts)));
  return { files, warnings };
}

const STYLE = `
body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 24px; color: #222; max-width: 1200px; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 19px; margin-top: 32px; } h3 { font-size: 16px; }
.lead { color: #444; max-width: 950px; } .note { color: #555; font-size: 13px; max-width: 950px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: right; } td { white-space: nowrap; } td:first-child, th:first-child { text-align: left; }
th { background: #f5f5f5; } td.l { text-align: left; }
.explain { color: #333; max-width: 950px; margin: 4px 0 10px; } .chart { margin-bottom: 24px; overflow-x: auto; }
/* A column per metric, cells unwrapped: a table wider than the window scrolls in its own box, not the page. */
div.table { overflow-x: auto; }
pre { background: #f7f7f7; padding: 10px; font-size: 13px; overflow-x: auto; }
`;

/** A self-contained page: the given HTML body sections, then one section per chart, with the libraries inlined. */
export function chartsPage(title: string, bodyHtml: string, charts: readonly SweepChart[]): string {
  const sections = charts
    .map(
      (c, i) => `<section id="chart-${c.id}">
<h3>${i + 1}. ${escapeHtml(c.heading)}</h3>
<p class="explain">${escapeHtml(c.explanation)}</p>
<div class="chart" id="vis-${c.id}" data-chart="${c.id}"></div>
</section>`,
    )
    .join('\n');
  const specs = charts.map((c) => `<script type="application/json" id="spec-${c.id}">${scriptJson(c.spec)}</script>`).join('\n');
  const libs = charts.length > 0 ? inlineLibraries().map((code) => `<script>${code}</script>`).join('\n') : '';
  return `${pageHead(title, STYLE)}
<body>
<h1>${escapeHtml(title)}</h1>
${bodyHtml}
${charts.length > 0 ? '<h2>Charts</h2>' : ''}
${sections}
${libs}
${specs}
${charts.length > 0 ? `<script>${CHART_RUNNER}</script>` : ''}
</body>
</html>
`;
}

/** A number for tables: up to 4 significant digits (fractions as percentages). */
export function formatMetric(k: MetricKey, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  if (METRICS[k].unit === 'fraction') return `${percentDigits(v * 100)}%`;
  return String(Number(v.toPrecision(Math.abs(v) >= 1000 ? 6 : 4)));
}

/**
 * `without200`: of `runs` runs, how many had no 200 response. One such run leaves the point without
 * a latency (stats.ts boundedCI), so when only some had none the cell says how many.
 */
export function withCI(k: MetricKey, s: { mean: number; lo: number | null; hi: number | null }, without200?: { none: number; runs: number }): string {
  // No value (a latency where some run got no 200) has no interval either: not "– [–, –]".
  if (!Number.isFinite(s.mean)) {
    if (METRICS[k].unit !== 'ms') return '–';
    return without200 !== undefined && without200.none > 0 && without200.none < without200.runs ? `– (no 200s in ${without200.none} of ${without200.runs} runs)` : '– (no 200s)';
  }
  return s.lo === null || s.hi === null ? formatMetric(k, s.mean) : `${formatMetric(k, s.mean)} [${formatMetric(k, s.lo)}, ${formatMetric(k, s.hi)}]`;
}

/**
 * The error rate is of the answered requests, so a point that answered nothing reads 0 % errors:
 * where some point left at least 1 % of its requests unanswered at the end, the table and the
 * line panels show that share too (a run under load to its last second leaves a few per mille).
 */
export function manyUnanswered(points: readonly PointResult[]): boolean {
  return points.some((p) => p.metrics.unanswered_rate.mean >= 0.01);
}

const TABLE_METRICS: MetricKey[] = ['p50_ms', 'p95_ms', 'p99_ms', 'error_rate', 'cold_start_fraction', 'pod_seconds', 'max_pods'];
const MAX_TABLE_ROWS = 400;

/** Per point, how many of its runs had no 200 response (no p50 latency). */
export function runsWithout200(runs: Iterable<readonly [point: number, metrics: MetricValues]>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [p, m] of runs) if (Number.isNaN(m.p50_ms)) out.set(p, (out.get(p) ?? 0) + 1);
  return out;
}

/**
 * The points as an HTML table (mean [95 % CI] per metric). Every header carries its unit;
 * duration axes are shown in seconds, as the charts plot them. `without200` (runsWithout200)
 * lets a latency cell say in how many runs there was no 200 when not in all.
 */
export function pointsTable(def: Pick<SweepDefinition, 'axes'>, points: readonly PointResult[], extra?: { title: string; cell: (p: PointResult) => string }, without200?: ReadonlyMap<number, number>): string {
  const scales = def.axes.map(axisScale);
  const metrics = manyUnanswered(points) ? [...TABLE_METRICS.slice(0, 4), 'unanswered_rate' as const, ...TABLE_METRICS.slice(4)] : TABLE_METRICS;
  const head = `<tr><th>point</th>${scales.map((s) => `<th>${escapeHtml(s.title)}</th>`).join('')}<th>runs</th>${extra !== undefined ? `<th>${escapeHtml(extra.title)}</th>` : ''}${metrics.map((k) => `<th>${escapeHtml(METRICS[k].title)}</th>`).join('')}</tr>`;
  const rows = points
    .slice(0, MAX_TABLE_ROWS)
    .map(
      (p) =>
        `<tr><td>${p.point}</td>${p.values.map((v, i) => `<td class="l">${escapeHtml(scales[i]!.text(v))}</td>`).join('')}<td>${p.replications}</td>${extra !== undefined ? `<td class="l">${escapeHtml(extra.cell(p))}</td>` : ''}${metrics.map((k) => `<td>${escapeHtml(withCI(k, p.metrics[k], without200 === undefined ? undefined : { none: without200.get(p.point) ?? 0, runs: p.replications }))}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const more = points.length > MAX_TABLE_ROWS ? `<p class="note">First ${MAX_TABLE_ROWS} of ${points.length} rows; sweep.csv has them all.</p>` : '';
  return `<div class="table"><table>\n${head}\n${rows}\n</table></div>\n${more}`;
}

/** The definition as a small table. */
export function definitionTable(def: SweepDefinition): string {
  const rows: Array<[string, string]> = [
    ['scenario', `${def.scenario} (sha256 ${def.scenarioSha256.slice(0, 12)}…)`],
    ['replications per point', String(def.replications)],
    ['seeds', def.seeds === 'common' ? `common random numbers: replication r uses seed ${def.baseSeed} + r at every point` : `independent: seed ${def.baseSeed} + 1,000,000 × (point + 1) + r`],
    ['duration', def.durationSeconds === null ? "the scenario's own" : `${def.durationSeconds} s`],
    ['overrides on every point', def.sets.length === 0 ? '–' : def.sets.join('  ')],
    ...def.axes.map((a): [string, string] => [`axis ${axisLabel(a)}`, `${a.path} ∈ {${a.values.join(', ')}}`]),
  ];
  return `<div class="table"><table>\n${rows.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td class="l">${escapeHtml(v)}</td></tr>`).join('\n')}\n</table></div>`;
}

/** Writes the sweep report (charts and report.html) into `dir`. Points must be sorted by index. */
export async function writeSweepReport(dir: string, def: SweepDefinition, points: readonly PointResult[], images = true, without200?: ReadonlyMap<number, number>): Promise<WrittenReport> {
  const charts = sweepCharts(def.axes, points, def.seeds, without200);
  const written = await writeCharts(dir, charts, images);
  const n = points.length;
  // One replication has no interval: the table has no brackets and the charts no bands.
  const intervals =
    def.replications < 2
      ? 'Each metric is the value of the one replication, with no interval (an interval needs at least 2 replications).'
      : 'Each metric is the mean over replications with its 95 % confidence interval in brackets: the Wilson score interval for rates (it stays within 0–100 %), a bootstrap of the replications for latencies, pod-seconds and pods (it stays within the values the replications gave, so never below 0 or above max-scale); with fewer than 5 replications that is their whole range.';
  const body = `<p class="lead">${n} point${n === 1 ? '' : 's'} × ${def.replications} replication${def.replications === 1 ? '' : 's'}. ${intervals} sweep.csv has every metric, runs.csv every replication.</p>
<h2>Definition</h2>
${definitionTable(def)}
<h2>Points</h2>
${pointsTable(def, points, undefined, without200)}`;
  writeOutputFile(join(dir, 'report.html'), chartsPage(`knsim sweep: ${def.scenario}`, body, charts));
  return { files: [...written.files, 'report.html'], warnings: written.warnings };
}
