import { buildReport, NotARunDirectoryError, ReportTooLargeError } from '../output/report/index.js';
import { toOutputError } from '../output/output-error.js';
import { removeReportFiles } from '../output/staging-files.js';
import { UsageError } from './errors.js';
import { requireOptional } from './optional-deps.js';
import { refuseSpecialFiles } from './special-files.js';

/**
 * Builds report.html and the chart files of a run directory; returns the report's path.
 * In a knsim output directory the files are added to its manifest; a file at one of their
 * paths that knsim did not write is refused (see buildReport).
 */
export async function reportCommand(runDir: string): Promise<string> {
  requireOptional('charts');
  refuseSpecialFiles(runDir);
  try {
    return (await buildReport(runDir)).htmlPath;
  } catch (e) {
    return reportError(e, runDir);
  }
}

/**
 * The report `knsim run` writes into its staging directory, before the run's output is moved
 * into place: true when written. A run too large to chart keeps its complete files and exits 0,
 * with a line on stderr saying why there is no report (false). On any other failure the
 * report's files are taken out of the staging directory before the error is thrown, so the run
 * goes into place complete, without a half-written report. `outDir` names the run in messages;
 * `what` names the failure (by default the run directory).
 */
export async function runReport(stagingDir: string, outDir: string, what = outDir): Promise<boolean> {
  requireOptional('charts');
  try {
    await buildReport(stagingDir, { staging: true, label: outDir });
    return true;
  } catch (e) {
    removeReportFiles(stagingDir);
    if (e instanceof ReportTooLargeError) {
      process.stderr.write(`knsim: report not written: ${e.message}\n`);
      return false;
    }
    return reportError(e, what);
  }
}

/** A report's failure as the CLI reports it: bad input (exit 2), or an output error. */
function reportError(e: unknown, runDir: string): never {
  if (e instanceof NotARunDirectoryError || e instanceof ReportTooLargeError) throw new UsageError(e.message);
  throw toOutputError(e, runDir);
}
