import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { addToManifest, MANIFEST, readManifest } from '../output-dir.js';
import { OutputError } from '../output-error.js';
import { join, resolve } from 'node:path';
import { pointsPerRevision, timeAxis } from './aggregate.js';
import { type Chart, type ChartContext, buildCharts } from './charts/index.js';
import { buildHtml } from './html.js';
import { NotARunDirectoryError, type RunData, loadRunData } from './load.js';
import { writeChartImages } from './render.js';
import { checkReportInput } from './input-size.js';

export { NotARunDirectoryError, loadRunData, type RunData } from './load.js';
export type { Chart } from './charts/index.js';
export { renderPng, renderSvg, writeChartImages } from './render.js';
export { reportInputLimit, ReportTooLargeError } from './input-size.js';

export interface ReportOptions {
  /** Write each chart's .svg and .png too (default true); the HTML and .vl.json are always written. */
  images?: boolean;
  /** Most points per revision per series on the time axis (default 1500; fewer for many revisions). */
  maxPoints?: number;
}

export interface ReportResult {
  htmlPath: string;
  htmlBytes: number;
  /** Files written per chart, relative to the run directory. */
  charts: Array<{ id: string; files: string[] }>;
  bucketSeconds: number;
  /** Warnings from vega-lite/vega while rendering images (empty when all is well). */
  warnings: string[];
}

export { pointsPerRevision } from './aggregate.js';

/** The charts of a loaded run (no files written). */
export function reportCharts(run: RunData, opts: Pick<ReportOptions, 'maxPoints'> = {}): { charts: Chart[]; ctx: ChartContext } {
  const axis = timeAxis(run.durationSeconds, pointsPerRevision(run.revisions.length, opts.maxPoints));
  const ctx: ChartContext = { run, axis, multiService: new Set(run.revisions.map((r) => r.service)).size > 1 };
  return { charts: buildCharts(ctx), ctx };
}

function missingNotes(run: RunData): string[] {
  const f = run.files;
  const missing = [
    !f.timeseries && 'timeseries.csv',
    !f.autoscaler && 'autoscaler.csv',
    !f.requestSeries && 'requests-per-second.csv',
    !f.latencyCdf && 'latency-cdf.csv',
  ].filter((x): x is string => typeof x === 'string');
  if (missing.length === 0) return [];
  const why = !f.timeseries && !f.autoscaler ? ' (`knsim run --no-series` does not write the time series)' : '';
  return [`This run directory has no ${missing.join(', ')}, so the charts that need them are left out${why}.`];
}

/**
 * Builds the report of a run directory: <run>/report.html (self-contained) and, per chart,
 * <run>/charts/<id>.vl.json, .svg and .png.
 */
/**
 * The report replaces only what knsim wrote: a file at one of its paths must be listed in the
 * directory's manifest (a run directory copied without its manifest, or a user's own
 * report.html, is refused before anything is written).
 */
function refuseForeignFiles(runDir: string, dir: string, files: readonly string[]): void {
  const ours = new Set(readManifest(dir)?.files ?? []);
  const foreign = files.filter((f) => !ours.has(f) && existsSync(join(dir, f)));
  if (foreign.length === 0) return;
  const more = foreign.length > 1 ? ` (and ${foreign.length - 1} more)` : '';
  throw new OutputError(`${runDir}: ${foreign[0]}${more} exists and knsim did not write it (not in ${MANIFEST}); knsim will not replace it: move it away, or copy the run's files to a new directory`);
}

export async function buildReport(runDir: string, opts: ReportOptions = {}): Promise<ReportResult> {
  const dir = resolve(runDir);
  // A file given as the run directory: said so, rather than an ENOTDIR from the first file looked up under it.
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() === false) throw new NotARunDirectoryError(`${runDir}: not a knsim run directory (it is a file)`);
  checkReportInput(dir, runDir);
  // Loaded by the path as given, so an error names it the way the user typed it.
  const run = loadRunData(runDir);
  const { charts, ctx } = reportCharts(run, opts);
  const images = opts.images ?? true;
  const files = ['report.html', ...charts.flatMap((c) => [`charts/${c.id}.vl.json`, ...(images ? [`charts/${c.id}.svg`, `charts/${c.id}.png`] : [])])];
  refuseForeignFiles(runDir, dir, files);
  const chartDir = join(dir, 'charts');
  // The previous report's charts go only as far as the manifest lists them: a file a user put
  // in charts/ stays.
  for (const f of readManifest(dir)?.files ?? []) if (f.startsWith('charts/')) rmSync(join(dir, f), { force: true });
  mkdirSync(chartDir, { recursive: true });
  const written: ReportResult['charts'] = [];
  for (const c of charts) {
    writeFileSync(join(chartDir, `${c.id}.vl.json`), JSON.stringify(c.spec, null, 1) + '\n');
    written.push({ id: c.id, files: [`charts/${c.id}.vl.json`, ...(images ? [`charts/${c.id}.svg`, `charts/${c.id}.png`] : [])] });
  }
  const warnings = images ? await writeChartImages(dir, charts) : [];
  const html = buildHtml({ summary: run.summary, settings: run.settings, axis: ctx.axis, charts, missing: missingNotes(run) });
  const htmlPath = join(dir, 'report.html');
  writeFileSync(htmlPath, html);
  // Listed in a knsim directory's manifest, so the next report may replace them.
  addToManifest(dir, ['report.html', ...written.flatMap((c) => c.files)]);
  return { htmlPath, htmlBytes: Buffer.byteLength(html), charts: written, bucketSeconds: ctx.axis.bucketSeconds, warnings };
}
