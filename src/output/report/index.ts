import { existsSync, lstatSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { addToManifest, MANIFEST, newManifest, readManifest, realParents, removeStaleReportStaging, REPORT_STAGING, writeManifest } from '../output-dir.js';
import { trackTemporary, untrackTemporary } from '../staged-dir.js';
import { OutputError, visibleControls } from '../output-error.js';
import { emptyStaging } from '../staging-files.js';
import { join, resolve } from 'node:path';
import { writeOutputFile } from '../write-file.js';
import { atShownPath } from '../shown-path.js';
import { pointsPerRevision, timeAxis } from './aggregate.js';
import { type Chart, type ChartContext, buildCharts } from './charts/index.js';
import { buildHtml } from './html.js';
import { NotARunDirectoryError, type RunData, loadRunData } from './load.js';
import { writeChartImages } from './render.js';
import { checkReportInput } from './input-size.js';
import { missingNotes } from './missing.js';

export { missingNotes } from './missing.js';

export { NotARunDirectoryError, loadRunData, type RunData } from './load.js';
export type { Chart } from './charts/index.js';
export { renderPng, renderSvg, writeChartImages } from './render.js';
export { reportInputLimit, ReportTooLargeError } from './input-size.js';

export interface ReportOptions {
  /** Write each chart's .svg and .png too (default true); the HTML and .vl.json are always written. */
  images?: boolean;
  /** Most points per revision per series on the time axis (default 1500; fewer for many revisions). */
  maxPoints?: number;
  /**
   * The run directory is a staging directory (`knsim run` writes its report before the run's
   * output is moved into place): the files are written straight into it.
   */
  staging?: boolean;
  /** How errors name the run directory (default: `runDir` as given). */
  label?: string;
  /** Where notes go (default: stderr, one line each). */
  warn?: (line: string) => void;
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

/**
 * Builds the report of a run directory: <run>/report.html (self-contained) and, per chart,
 * <run>/charts/<id>.vl.json, .svg and .png.
 */
/**
 * The report replaces only what knsim wrote: a file at one of its paths must be listed in the
 * directory's manifest (a run directory copied without its manifest, or a user's own
 * report.html, is refused before anything is written).
 */
function refuseForeignFiles(label: string, dir: string, files: readonly string[]): void {
  const ours = new Set(readManifest(dir)?.files ?? []);
  const foreign = files.filter((f) => !ours.has(f) && existsSync(join(dir, f)));
  if (foreign.length === 0) return;
  const more = foreign.length > 1 ? ` (and ${foreign.length - 1} more)` : '';
  throw new OutputError(`${label}: ${foreign[0]}${more} exists and knsim did not write it (not in ${MANIFEST}); knsim will not replace it: move it away, or copy the run's files to a new directory`);
}

export async function buildReport(runDir: string, opts: ReportOptions = {}): Promise<ReportResult> {
  const dir = resolve(runDir);
  const label = opts.label ?? runDir;
  // A file given as the run directory: said so, rather than an ENOTDIR from the first file looked up under it.
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() === false) throw new NotARunDirectoryError(`${label}: not a knsim run directory (it is a file)`);
  checkReportInput(dir, label);
  // Loaded by the path as given, so an error names it the way the user typed it.
  const run = loadRunData(runDir);
  const { charts, ctx } = reportCharts(run, opts);
  const images = opts.images ?? true;
  const files = ['report.html', ...charts.flatMap((c) => [`charts/${c.id}.vl.json`, ...(images ? [`charts/${c.id}.svg`, `charts/${c.id}.png`] : [])])];
  const staging = opts.staging === true;
  const warn = opts.warn ?? ((line: string) => process.stderr.write(`${visibleControls(line)}\n`));
  const keptNote = (p: string): void => warn(`knsim: ${label}: ${p} held files knsim did not write; left them there`);
  if (!staging) {
    refuseForeignFiles(label, dir, files);
    refuseLinkedCharts(label, dir);
    for (const p of removeStaleReportStaging(dir)) keptNote(p);
  }
  // Into a staging directory (a run's, or one of its own inside the run directory), then moved in.
  const work = staging ? dir : startReportStaging(dir);
  try {
    const written: ReportResult['charts'] = [];
    let warnings: string[] = [];
    let html = '';
    try {
      mkdirSync(join(work, 'charts'), { recursive: true });
      for (const c of charts) {
        writeOutputFile(join(work, 'charts', `${c.id}.vl.json`), JSON.stringify(c.spec, null, 1) + '\n');
        written.push({ id: c.id, files: [`charts/${c.id}.vl.json`, ...(images ? [`charts/${c.id}.svg`, `charts/${c.id}.png`] : [])] });
      }
      await testFault();
      if (images) warnings = await writeChartImages(work, charts);
      html = buildHtml({ summary: run.summary, settings: run.settings, axis: ctx.axis, charts, missing: missingNotes(run) });
      writeOutputFile(join(work, 'report.html'), html);
    } catch (e) {
      // A file that could not be written is named where the user will look for it: under the run directory they gave.
      throw atShownPath(e, work, label);
    }
    if (!staging) installReport(label, dir, work, files);
    return { htmlPath: join(dir, 'report.html'), htmlBytes: Buffer.byteLength(html), charts: written, bucketSeconds: ctx.axis.bucketSeconds, warnings };
  } finally {
    if (!staging) {
      // A file the user put into it meanwhile stays.
      if (!emptyStaging(work, 'report')) keptNote(work);
      untrackTemporary(work);
    }
  }
}

/**
 * Test-only: with KNSIM_TEST_FAULT=report the report fails half-written (as on EIO), and with
 * report-sigint the process gets SIGINT there, so tests can show that neither leaves a
 * half-written report nor costs the previous one.
 */
async function testFault(): Promise<void> {
  const f = process.env['KNSIM_TEST_FAULT'];
  if (f === 'report') throw Object.assign(new Error('EIO: injected fault at report'), { code: 'EIO', syscall: 'write' });
  if (f === 'report-sigint') {
    process.kill(process.pid, 'SIGINT');
    // The handler runs on a later turn of the event loop, as a real Ctrl-C would reach a report being drawn.
    await new Promise((r) => setTimeout(r, 10_000));
  }
}

/** `charts` must be a real directory of the run's (or absent): writing or deleting through a link would reach a user's files. */
function refuseLinkedCharts(label: string, dir: string): void {
  const st = lstatSync(join(dir, 'charts'), { throwIfNoEntry: false });
  if (st === undefined || st.isDirectory()) return;
  const what = st.isSymbolicLink() ? 'a symbolic link' : 'not a directory';
  throw new OutputError(`${label}: charts is ${what}; knsim writes its charts only into a directory of its own: move it away`);
}

/** The report's own staging directory in the run directory: `.report.partial-<pid>`, marked as staging, removed on SIGINT/SIGTERM. */
function startReportStaging(dir: string): string {
  const work = join(dir, `${REPORT_STAGING}${process.pid}`);
  const there = lstatSync(work, { throwIfNoEntry: false });
  if (there !== undefined) {
    // Left by an earlier knsim of this pid (a reused pid after a SIGKILL): emptied only if marked as its staging.
    if (!there.isDirectory() || readManifest(work)?.state !== 'staging' || !emptyStaging(work)) {
      throw new OutputError(`${work}: exists and is not a knsim report staging directory; remove it yourself`);
    }
  }
  mkdirSync(work);
  trackTemporary(work, 'report');
  writeManifest(work, newManifest('report', [], true));
  return work;
}


/**
 * Moves the new report's files over the old ones, each with one rename (a file is never seen
 * half-written, and a link at its path is replaced, not written through), report.html last;
 * then deletes the previous report's charts that the new one does not have, and lists the
 * files in the manifest.
 */
function installReport(label: string, dir: string, work: string, files: readonly string[]): void {
  // Checked again just before: a link put there meanwhile would take the renames elsewhere.
  refuseLinkedCharts(label, dir);
  mkdirSync(join(dir, 'charts'), { recursive: true });
  for (const f of files) if (f !== 'report.html') renameSync(join(work, ...f.split('/')), join(dir, ...f.split('/')));
  renameSync(join(work, 'report.html'), join(dir, 'report.html'));
  const now = new Set(files);
  for (const f of readManifest(dir)?.files ?? []) {
    if (!f.startsWith('charts/') || now.has(f) || !realParents(dir, f)) continue;
    rmSync(join(dir, ...f.split('/')), { force: true });
  }
  // Listed in a knsim directory's manifest, so the next report may replace them.
  addToManifest(dir, files);
}
