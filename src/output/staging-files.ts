/**
 * Emptying a staging directory (`<out>.partial-<pid>`, a report's `.report.partial-<pid>`)
 * without deleting what knsim did not write there: a user may drop a file into a folder
 * knsim is writing, and a `rm -rf` of the folder would take it. Only the files knsim itself
 * writes for the folder's command (named in its staging manifest) go; anything else stays.
 */
import { lstatSync, readFileSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { listFiles, MANIFEST, readManifest } from './output-dir.js';

// A report's files, in every output that draws one (chart ids are lower-case words with hyphens).
const REPORT = /^(?:report\.html|charts\/[a-z0-9][a-z0-9-]*\.(?:vl\.json|svg|png))$/;

/**
 * The files each command writes into its staging directory, besides its report. Kept by hand
 * (output/ may not import sweep/); a name missing here only makes knsim keep a file of its own
 * as if it were the user's, never delete one of the user's. test/output/staging-files.test.ts
 * checks them against real outputs.
 */
const WRITES: Readonly<Record<string, RegExp>> = {
  run: /^(?:summary\.json|settings\.json|requests\.csv|autoscaler\.csv|pods\.csv|nodes\.csv|timeseries\.csv|requests-per-second\.csv|latency-cdf\.csv|latency-buckets\.csv)$/,
  sweep: /^(?:sweep\.json|sweep\.csv|runs\.csv)$/,
  tune: /^(?:tune\.json|tune\.csv|flags\.csv|runs\.csv|winner\.yaml)$/,
  compare: /^(?:compare\.json|compare\.csv|runs\.csv)$/,
  // nbconvert's executed copies and their pages, one of each per notebook.
  notebooks: /^[^/]+\.(?:ipynb|html)$/,
  report: /^$/,
};

/** Whether `rel` (`/`-separated, relative to a staging directory of `command`) is a file knsim writes there. */
export function knsimWrites(command: string, rel: string): boolean {
  const own = WRITES[command];
  return own !== undefined && (own.test(rel) || REPORT.test(rel));
}

const MANIFEST_TEMP = /^\.knsim-output\.json\.tmp-\d+$/;

/**
 * writeManifest's temporary file: that of the process whose staging this is (`writer`), even
 * cut short, or one holding a knsim manifest (another's cut short is not known to be knsim's).
 */
function isManifestTemp(dir: string, rel: string, writer: number | undefined): boolean {
  if (!MANIFEST_TEMP.test(rel)) return false;
  if (writer !== undefined && rel === `${MANIFEST}.tmp-${writer}`) return true;
  try {
    return (JSON.parse(readFileSync(join(dir, rel), 'utf8')) as { kind?: unknown } | null)?.kind === 'knsim-output';
  } catch {
    return false;
  }
}

/**
 * Deletes from staging directory `dir` the files knsim writes there (regular files only: knsim
 * writes no links), its manifest last, then the directories left empty that held them, and
 * `dir` itself when nothing else is in it. Returns true when `dir` is gone, false when it
 * still holds what knsim did not write (now without a manifest, so no longer taken for
 * knsim's staging). A file a worker thread still adds meanwhile is deleted on a later pass.
 * `mine`: the command of this process's own staging directory, known even when its manifest
 * could not be written (a full disk).
 */
export function emptyStaging(dir: string, mine?: string): boolean {
  const m = readManifest(dir);
  const command = mine ?? m?.command ?? '';
  const writer = mine !== undefined ? process.pid : m?.state === 'staging' ? m.pid : undefined;
  // charts/, the one directory knsim makes there, may be empty already (a report moved out of it).
  const dirs = new Set<string>(['charts']);
  for (let pass = 0; pass < 5; pass++) {
    let deleted = 0;
    for (const f of listFiles(dir)) {
      if (!knsimWrites(command, f) && !isManifestTemp(dir, f, writer)) continue;
      const p = join(dir, ...f.split('/'));
      try {
        if (!lstatSync(p).isFile()) continue;
        unlinkSync(p);
        deleted++;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      for (let d = dirname(f); d !== '.'; d = dirname(d)) dirs.add(d);
    }
    if (deleted === 0) break;
  }
  try {
    unlinkSync(join(dir, MANIFEST));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  // Deepest first; a directory the user made, or one holding a user's file, stays.
  for (const d of [...dirs].sort((a, b) => b.split('/').length - a.split('/').length)) {
    const p = join(dir, ...d.split('/'));
    try {
      if (lstatSync(p).isDirectory() && readdirSync(p).length === 0) rmdirSync(p);
    } catch {
      // gone already, or not empty
    }
  }
  if (readdirSync(dir).length > 0) return false;
  rmdirSync(dir);
  return true;
}

/**
 * Deletes a report's files (report.html, charts/<id>.*) from `dir`, a run's staging directory
 * whose report failed half-way, then charts/ if that left it empty; anything else stays.
 */
export function removeReportFiles(dir: string): void {
  for (const f of listFiles(dir)) {
    const p = join(dir, ...f.split('/'));
    if (REPORT.test(f) && lstatSync(p).isFile()) unlinkSync(p);
  }
  try {
    if (readdirSync(join(dir, 'charts')).length === 0) rmdirSync(join(dir, 'charts'));
  } catch {
    // no charts/ (or not a directory knsim made)
  }
}
