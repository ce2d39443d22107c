/**
 * The `quickstart-process` case of `npm run bench`: `knsim run scenarios/quickstart.yaml`
 * as a fresh process, with its report (charts and report.html, the default) and with
 * --no-report, interleaved; the median CPU seconds of each (user + system, every thread).
 *
 * Run directly (`node dist/bench/bench-process.js [rounds]`) it prints the result as JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processCpu, type ProcessCpu } from './process-cpu.js';

/** The package root (dist/bench/ → ../../). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const QUICKSTART_PROCESS_TARGET_CPU_SECONDS = 0.4;

export interface ProcessBench {
  rounds: number;
  /** Median CPU seconds and peak RSS of `knsim run scenarios/quickstart.yaml --no-report`. */
  noReportCpuSeconds: number;
  noReportPeakRssMB: number;
  /** The same with the report (the default). */
  withReportCpuSeconds: number;
  withReportPeakRssMB: number;
  /** Every round's CPU seconds. */
  noReportAll: number[];
  withReportAll: number[];
  /** `node -e 0` on this machine: the floor of any node process. */
  nodeFloorCpuSeconds: number;
}

const r3 = (v: number): number => Math.round(v * 1000) / 1000;
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export function benchProcess(rounds = 5): ProcessBench {
  const out = mkdtempSync(join(tmpdir(), 'knsim-bench-process-'));
  const run = (i: number, report: boolean): ProcessCpu =>
    processCpu([join(ROOT, 'bin/knsim.js'), 'run', 'scenarios/quickstart.yaml', '--out', join(out, `${report ? 'r' : 'n'}${i}`), ...(report ? [] : ['--no-report'])], ROOT);
  const none: ProcessCpu[] = [];
  const full: ProcessCpu[] = [];
  const floor: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      none.push(run(i, false));
      full.push(run(i, true));
      floor.push(processCpu(['-e', '0'], ROOT).cpuSeconds);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const cpu = (xs: ProcessCpu[]) => xs.map((x) => r3(x.cpuSeconds));
  return {
    rounds,
    noReportCpuSeconds: r3(median(cpu(none))),
    noReportPeakRssMB: median(none.map((x) => x.peakRssMB)),
    withReportCpuSeconds: r3(median(cpu(full))),
    withReportPeakRssMB: median(full.map((x) => x.peakRssMB)),
    noReportAll: cpu(none),
    withReportAll: cpu(full),
    nodeFloorCpuSeconds: r3(median(floor)),
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rounds = process.argv[2] !== undefined ? Number(process.argv[2]) : 5;
  process.stdout.write(JSON.stringify(benchProcess(rounds)) + '\n');
}
