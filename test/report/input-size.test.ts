/**
 * The report holds a run's per-second series in memory, at about 2 bytes of heap per byte of CSV
 * at the peak, and node aborts near 4 GB: a run whose files pass REPORT_INPUT_LIMIT_BYTES is refused in one line
 * (`knsim report`: exit 2; after `knsim run`: the run's files stay, exit 0, no report). Before, a
 * 1,000-service run of 2 h ran the report out of memory. Files here are sparse: their size is
 * what counts, and the refusal comes before any is read.
 */
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_INPUT_LIMIT_BYTES, ReportTooLargeError } from '../../src/output/report/index.js';
import { checkReportInput } from '../../src/output/report/input-size.js';
import { runKnsim } from '../support/cli.js';

const root = resolve(import.meta.dirname, '../..');
const MiB = 1024 * 1024;

function sparse(path: string, bytes: number): void {
  closeSync(openSync(path, 'w'));
  truncateSync(path, bytes);
}

describe('the report’s input budget', () => {
  let tmp: string;
  let run: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'knsim-report-size-'));
    run = join(tmp, 'run');
    expect(runKnsim(['run', 'scenarios/quickstart.yaml', '--no-report', '--out', run, '--duration', '20s'], root, { CI: '1' }).code).toBe(0);
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('is 1536 MiB, and passes a directory at it', () => {
    expect(REPORT_INPUT_LIMIT_BYTES).toBe(1536 * MiB);
    const dir = join(tmp, 'at');
    cpSync(run, dir, { recursive: true });
    sparse(join(dir, 'timeseries.csv'), 1500 * MiB);
    sparse(join(dir, 'autoscaler.csv'), 36 * MiB);
    for (const f of ['requests-per-second.csv', 'latency-cdf.csv', 'pods.csv']) rmSync(join(dir, f));
    expect(() => checkReportInput(dir, dir)).not.toThrow();
  });

  it('refuses one byte more, naming the total and the two largest files', () => {
    const dir = join(tmp, 'over');
    cpSync(run, dir, { recursive: true });
    sparse(join(dir, 'timeseries.csv'), 1500 * MiB);
    sparse(join(dir, 'autoscaler.csv'), 36 * MiB + 1);
    for (const f of ['requests-per-second.csv', 'latency-cdf.csv', 'pods.csv']) rmSync(join(dir, f));
    expect(() => checkReportInput(dir, 'runs/x')).toThrow(ReportTooLargeError);
    expect(() => checkReportInput(dir, 'runs/x')).toThrow(
      "runs/x: the report holds the run's time series in memory, and they are 1536 MiB (timeseries.csv 1500 MiB, autoscaler.csv 36 MiB), more than the 1536 MiB it can chart; the run's files are complete: chart a shorter run or fewer services, or read the CSVs directly",
    );
  });

  it('knsim report exits 2 with that line and writes nothing', () => {
    const dir = join(tmp, 'cli');
    cpSync(run, dir, { recursive: true });
    sparse(join(dir, 'timeseries.csv'), 1600 * MiB);
    const r = runKnsim(['report', dir], root, { CI: '1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^knsim: .*cli: the report holds the run's time series in memory, and they are 160\d MiB \(timeseries\.csv 1600 MiB, [^)]+\), more than the 1536 MiB it can chart; [^\n]+\n$/);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });

  it('after a run, the run’s files stay, a line on stderr says why there is no report, and the exit code is 0', async () => {
    const { runReport } = await import('../../src/cli/report.js');
    const dir = join(tmp, 'after-run');
    cpSync(run, dir, { recursive: true });
    sparse(join(dir, 'autoscaler.csv'), 2000 * MiB);
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (written.push(String(s)), true)) as typeof process.stderr.write;
    try {
      expect(await runReport(dir)).toBeUndefined();
    } finally {
      process.stderr.write = write;
    }
    expect(written.join('')).toMatch(/^knsim: report not written: .*after-run: the report holds the run's time series in memory, and they are 200\d MiB \(autoscaler\.csv 2000 MiB, [^)]+\)/);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
    expect(existsSync(join(dir, 'summary.json'))).toBe(true);
  });
});
