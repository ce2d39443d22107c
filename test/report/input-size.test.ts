/**
 * The report holds a run's per-second series in memory, at about 2 bytes of heap per byte of CSV
 * at the peak, and node aborts when its heap is full: a run whose files pass what the heap can chart is refused in one line
 * (`knsim report`: exit 2; after `knsim run`: the run's files stay, exit 0, no report). Before, a
 * 1,000-service run of 2 h ran the report out of memory. Files here are sparse: their size is
 * what counts, and the refusal comes before any is read.
 */
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHeapStatistics } from 'node:v8';
import { reportInputLimit, ReportTooLargeError } from '../../src/output/report/index.js';
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

  it.each([
    // node's own limit on a 24 GB machine: 2 bytes of heap per byte of CSV, past 1 GiB for the rest.
    [4144, 1560],
    [8192, 3584],
    [2048, 512],
    // A small heap still charts a short run.
    [1024, 64],
    [512, 64],
  ])('with a heap of %i MiB: %i MiB of CSV', (heap, budget) => {
    expect(reportInputLimit(heap * MiB)).toBe(budget * MiB);
  });

  it('passes a directory at the budget of a 4,144 MiB heap', () => {
    const dir = join(tmp, 'at');
    cpSync(run, dir, { recursive: true });
    sparse(join(dir, 'timeseries.csv'), 1500 * MiB);
    sparse(join(dir, 'autoscaler.csv'), 60 * MiB);
    for (const f of ['requests-per-second.csv', 'latency-cdf.csv', 'pods.csv']) rmSync(join(dir, f));
    expect(() => checkReportInput(dir, dir, 4144 * MiB)).not.toThrow();
  });

  it('refuses one byte more, naming the total, the two largest files and the heap', () => {
    const dir = join(tmp, 'over');
    cpSync(run, dir, { recursive: true });
    sparse(join(dir, 'timeseries.csv'), 1500 * MiB);
    sparse(join(dir, 'autoscaler.csv'), 60 * MiB + 1);
    for (const f of ['requests-per-second.csv', 'latency-cdf.csv', 'pods.csv']) rmSync(join(dir, f));
    expect(() => checkReportInput(dir, 'runs/x', 4144 * MiB)).toThrow(ReportTooLargeError);
    expect(() => checkReportInput(dir, 'runs/x', 4144 * MiB)).toThrow(
      "runs/x: the report holds the run's time series in memory, and they are 1560 MiB (timeseries.csv 1500 MiB, autoscaler.csv 60 MiB), more than the 1560 MiB it can chart in node's 4144 MiB heap (NODE_OPTIONS=--max-old-space-size raises it); the run's files are complete",
    );
    // A larger heap charts it.
    expect(() => checkReportInput(dir, 'runs/x', 8192 * MiB)).not.toThrow();
  });

  it("takes this process's heap limit by default", () => {
    const dir = join(tmp, 'default');
    cpSync(run, dir, { recursive: true });
    const budget = reportInputLimit(getHeapStatistics().heap_size_limit);
    sparse(join(dir, 'timeseries.csv'), budget + 1);
    for (const f of ['autoscaler.csv', 'requests-per-second.csv', 'latency-cdf.csv', 'pods.csv']) rmSync(join(dir, f));
    expect(() => checkReportInput(dir, dir)).toThrow(ReportTooLargeError);
    sparse(join(dir, 'timeseries.csv'), budget);
    expect(() => checkReportInput(dir, dir)).not.toThrow();
  });

  it('knsim report exits 2 with that line and writes nothing', () => {
    const dir = join(tmp, 'cli');
    cpSync(run, dir, { recursive: true });
    sparse(join(dir, 'timeseries.csv'), 1600 * MiB);
    // The folder by its name, from its parent: a long temporary folder would leave the line's cap no room for the rule's end.
    const r = runKnsim(['report', 'cli'], tmp, { CI: '1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^knsim: cli: the report holds the run's time series in memory, and they are 160\d MiB \(timeseries\.csv 1600 MiB, [^)]+\), more than the \d+ MiB it can chart in node's \d+ MiB heap \(NODE_OPTIONS=--max-old-space-size raises it\); the run's files are complete\n$/);
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
      // As `knsim run` calls it: on its staging directory, named by its --out.
      expect(await runReport(dir, dir)).toBe(false);
    } finally {
      process.stderr.write = write;
    }
    expect(written.join('')).toMatch(/^knsim: report not written: .*after-run: the report holds the run's time series in memory, and they are 200\d MiB \(autoscaler\.csv 2000 MiB, [^)]+\)/);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
    expect(existsSync(join(dir, 'summary.json'))).toBe(true);
  });
});
