import { buildReport, NotARunDirectoryError } from '../output/report/index.js';
import { toOutputError } from '../output/output-error.js';
import { UsageError } from './errors.js';
import { requireOptional } from './optional-deps.js';

/**
 * Builds report.html and the chart files of a run directory; returns the report's path.
 * In a knsim output directory the files are added to its manifest; a file at one of their
 * paths that knsim did not write is refused (see buildReport).
 */
export async function reportCommand(runDir: string): Promise<string> {
  requireOptional('charts');
  try {
    return (await buildReport(runDir)).htmlPath;
  } catch (e) {
    if (e instanceof NotARunDirectoryError) throw new UsageError(e.message);
    throw toOutputError(e, runDir);
  }
}
