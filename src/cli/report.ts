import { buildReport, NotARunDirectoryError } from '../output/report/index.js';
import { UsageError } from './errors.js';
import { requireOptional } from './optional-deps.js';

/** Builds report.html and the chart files of a run directory; returns the report's path. */
export async function reportCommand(runDir: string): Promise<string> {
  requireOptional('charts');
  try {
    const r = await buildReport(runDir);
    return r.htmlPath;
  } catch (e) {
    if (e instanceof NotARunDirectoryError) throw new UsageError(e.message);
    throw e;
  }
}
