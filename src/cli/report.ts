import { buildReport, NotARunDirectoryError } from '../output/report/index.js';
import { addToManifest } from '../output/output-dir.js';
import { toOutputError } from '../output/output-error.js';
import { UsageError } from './errors.js';
import { requireOptional } from './optional-deps.js';

/**
 * Builds report.html and the chart files of a run directory; returns the report's path.
 * In a knsim output directory the files are added to its manifest.
 */
export async function reportCommand(runDir: string): Promise<string> {
  requireOptional('charts');
  try {
    const r = await buildReport(runDir);
    addToManifest(runDir, ['report.html', ...r.charts.flatMap((c) => c.files)]);
    return r.htmlPath;
  } catch (e) {
    if (e instanceof NotARunDirectoryError) throw new UsageError(e.message);
    throw toOutputError(e, runDir);
  }
}
