/**
 * Runs a node script as a fresh process and returns the CPU seconds it used. A parent
 * cannot read a child's rusage from node (process.resourceUsage() has no children), so
 * the child reports its own: a module preloaded with --import writes its CPU seconds
 * (user + system, every thread, since the process started) and peak RSS at exit.
 */
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

const PRELOAD_SOURCE = `import { writeFileSync } from 'node:fs';
const file = process.env.KNSIM_BENCH_CPU_FILE;
process.on('exit', () => {
  const u = process.resourceUsage();
  writeFileSync(file, JSON.stringify({ userSeconds: u.userCPUTime / 1e6, systemSeconds: u.systemCPUTime / 1e6, peakRssMB: Math.round(u.maxRSS / 1024) }));
});`;
/** A data: URL, so the preload works from dist/ and from src/ (tests) alike. */
const PRELOAD = `data:text/javascript,${encodeURIComponent(PRELOAD_SOURCE)}`;

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
