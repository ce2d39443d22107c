/** Runs a node script as a fresh process and returns the CPU seconds it used (see cpu-at-exit.ts). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProcessCpu {
  /** User + system CPU seconds of the whole process (all threads). */
  cpuSeconds: number;
  peakRssMB: number;
  wallSeconds: number;
}

const PRELOAD = new URL('./cpu-at-exit.js', import.meta.url).href;

/** `node <args>` with cwd `cwd`; throws if it exits non-zero. Its output is discarded. */
export function processCpu(args: readonly string[], cwd: string): ProcessCpu {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-bench-cpu-'));
  const file = join(dir, 'cpu.json');
  try {
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['--import', PRELOAD, ...args], {
      cwd,
      env: { ...process.env, KNSIM_BENCH_CPU_FILE: file },
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${String(r.status ?? r.signal)}: ${String(r.stderr).trim().slice(0, 500)}`);
    const u = JSON.parse(readFileSync(file, 'utf8')) as { userSeconds: number; systemSeconds: number; peakRssMB: number };
    return { cpuSeconds: u.userSeconds + u.systemSeconds, peakRssMB: u.peakRssMB, wallSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
