/**
 * The sweep case of `npm run bench`: one sweep on 1 thread (in-process) and on 2 threads
 * (this one and a worker thread, see pool.ts), measured two ways.
 *
 * - Throughput: each runner is created once and warmed by one untimed round (module
 *   loading, WebAssembly and JIT warm-up happen once per thread, whatever the sweep's
 *   size), then timed over `rounds` interleaved rounds; the fastest of each counts, since
 *   other load on a shared machine only ever slows a round down.
 * - End to end: the `knsim sweep` command itself, a fresh process per timing, so it
 *   includes process start, worker start and JIT warm-up (a worker thread's JIT compiles
 *   take about a second of CPU on background threads, which with 2 threads on 2 cores
 *   compete with the runs): what a short sweep on the command line sees. Rounds are
 *   interleaved; the median counts, and each round's CPU seconds and the load average
 *   say how far other work on the machine bent the walls.
 *
 * Run directly (`node dist/sweep/bench-sweep.js [rounds]`) it prints the result as JSON.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAxes } from './axes.js';
import { defineSweep } from './define.js';
import { splitThreadCpu, watchThreads, type ThreadCpu } from './bench-sweep-threads.js';
import { createRunner, type Runner } from './pool.js';
import { runSweep, sweepPoints } from './sweep.js';

export interface SweepBench {
  runs: number;
  /** Warm runners: wall seconds of the fastest round, and the ratio. */
  workers1Seconds: number;
  workers2Seconds: number;
  speedup: number;
  /** `knsim sweep --workers 1|2` as fresh processes: median wall seconds of the rounds, and their ratio. */
  cliWorkers1Seconds: number;
  cliWorkers2Seconds: number;
  cliSpeedup: number;
}

export interface SweepBenchDetails extends SweepBench {
  points: number;
  replications: number;
  /** Timed rounds per configuration (interleaved); the fastest of each counts. */
  rounds: number;
  /** Every round's wall time, seconds. */
  workers1All: number[];
  workers2All: number[];
  cliWorkers1All: number[];
  cliWorkers2All: number[];
  /**
   * CPU seconds (every thread of the process) of each end-to-end round. On a machine
   * shared with other work the walls mean little; the CPU says what 2 threads cost: their
   * wall on 2 free cores is at least half of it.
   */
  cliWorkers1Cpu: number[];
  cliWorkers2Cpu: number[];
  /**
   * Each end-to-end round's CPU seconds by thread (bench-sweep-threads.ts; Linux only, else empty):
   * the simulation threads' (main first) and the background threads' (V8's compiles and GC, libuv).
   */
  cliWorkers1Threads: ThreadCpu[];
  cliWorkers2Threads: ThreadCpu[];
  /** The fastest round of each, and their ratio. */
  cliBestSpeedup: number;
  /** 1-minute load average before and after the end-to-end rounds (the machine's other work). */
  loadAverage: [number, number];
  /** CPU seconds (all threads) over wall seconds in the fastest 2-worker round: the cores actually used. */
  workers2CoresUsed: number;
  /** The two configurations gave the same numbers in every round. */
  identical: boolean;
}

/** The package root (dist/sweep/ → ../../). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCENARIO = join(ROOT, 'scenarios/quickstart.yaml');
const CLI = join(ROOT, 'bin/knsim.js');

/**
 * quickstart with its load raised to 1,000 rps and kept on for the whole 5 simulated
 * minutes; containerConcurrency 2…9 (8 points) × 5 replications (the CLI's default) =
 * 40 runs of about 290,000 requests each. Smaller containerConcurrency means more pods
 * (86 at 2, 19 at 9, by the work estimate), so the runs differ in cost: warm, a run at 2 took
 * 0.17–0.19 s of CPU and one at 9 0.14–0.16 s (4 rounds, 7 December 2026). The costliest points
 * come first in the grid, so the sweep's longest-first dispatch (dispatch-order.ts) keeps index order.
 */
const GRID = 'services[0].manifest.spec.template.spec.containerConcurrency=2..9';
const SETS = ['clients[0].open.rate.steps[1].rps=1000', 'clients[0].open.rate.steps[2].at=5m'];
const DURATION_SECONDS = 300;
const REPLICATIONS = 5;

const r2 = (v: number): number => Math.round(v * 100) / 100;

/**
 * CPU seconds of this process's finished children (Linux: cutime + cstime of
 * /proc/self/stat, in clock ticks of 1/100 s); NaN elsewhere.
 */
function childrenCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return Number.NaN;
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function benchSweepDetails(rounds = 3, cliRounds = 3): Promise<SweepBenchDetails> {
  const axes = parseAxes([GRID], '--grid');
  const { def } = defineSweep({ file: SCENARIO, axes, sets: SETS, durationSeconds: DURATION_SECONDS, replications: REPLICATIONS });
  const points = [...Array(sweepPoints(def)).keys()];
  const time = async (runner: Runner) => {
    const cpu0 = process.cpuUsage();
    const started = process.hrtime.bigint();
    const results = await runSweep({ file: SCENARIO, def, points, runner });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, results: JSON.stringify(results) };
  };
  const one: Array<Awaited<ReturnType<typeof time>>> = [];
  const two: Array<Awaited<ReturnType<typeof time>>> = [];
  const inProcess = createRunner(1);
  const pool = createRunner(2);
  let identical: boolean;
  try {
    // Untimed warm-up round on each runner.
    const warm = [await time(inProcess), await time(pool)];
    for (let i = 0; i < rounds; i++) {
      one.push(await time(inProcess));
      two.push(await time(pool));
    }
    identical = [...warm, ...one, ...two].every((x) => x.results === warm[0]!.results);
  } finally {
    await inProcess.close();
    await pool.close();
  }
  const best = (xs: typeof one) => xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const b1 = best(one);
  const b2 = best(two);

  // End to end through the CLI, fresh processes, interleaved.
  const out = mkdtempSync(join(tmpdir(), 'knsim-bench-sweep-'));
  const cli = async (workers: number) => {
    const args = [CLI, 'sweep', SCENARIO, '--grid', GRID, ...SETS.flatMap((s) => ['--set', s]), '--duration', `${DURATION_SECONDS}s`];
    args.push('--replications', String(REPLICATIONS), '--workers', String(workers), '--no-report', '--out', join(out, `w${workers}`));
    const cpu0 = childrenCpuSeconds();
    const started = process.hrtime.bigint();
    // Spawned, not run synchronously, so that this thread samples the child's threads meanwhile.
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    const watch = child.pid === undefined ? undefined : watchThreads(child.pid);
    const code = await new Promise<number | string>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (c, signal) => resolve(c ?? String(signal)));
    });
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const samples = watch?.stop() ?? [];
    if (code !== 0) throw new Error(`knsim sweep --workers ${workers} exited with ${code}`);
    const threads = samples.length > 0 && child.pid !== undefined ? splitThreadCpu(samples, child.pid) : undefined;
    return { wallSeconds, cpuSeconds: childrenCpuSeconds() - cpu0, threads };
  };
  const c1: Array<Awaited<ReturnType<typeof cli>>> = [];
  const c2: Array<Awaited<ReturnType<typeof cli>>> = [];
  const load0 = loadavg()[0]!;
  try {
    for (let i = 0; i < cliRounds; i++) {
      c1.push(await cli(1));
      c2.push(await cli(2));
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const threadsOf = (cs: typeof c1): ThreadCpu[] =>
    cs.flatMap((c) => (c.threads === undefined ? [] : [{ simulation: c.threads.simulation.map(r2), background: r2(c.threads.background) }]));
  const wall1 = c1.map((c) => c.wallSeconds);
  const wall2 = c2.map((c) => c.wallSeconds);
  return {
    runs: points.length * def.replications,
    workers1Seconds: r2(b1.seconds),
    workers2Seconds: r2(b2.seconds),
    speedup: r2(b1.seconds / b2.seconds),
    cliWorkers1Seconds: r2(median(wall1)),
    cliWorkers2Seconds: r2(median(wall2)),
    cliSpeedup: r2(median(wall1) / median(wall2)),
    points: points.length,
    replications: def.replications,
    rounds,
    workers1All: one.map((x) => r2(x.seconds)),
    workers2All: two.map((x) => r2(x.seconds)),
    cliWorkers1All: wall1.map(r2),
    cliWorkers2All: wall2.map(r2),
    cliWorkers1Cpu: c1.map((c) => r2(c.cpuSeconds)),
    cliWorkers2Cpu: c2.map((c) => r2(c.cpuSeconds)),
    cliWorkers1Threads: threadsOf(c1),
    cliWorkers2Threads: threadsOf(c2),
    cliBestSpeedup: r2(Math.min(...wall1) / Math.min(...wall2)),
    loadAverage: [r2(load0), r2(loadavg()[0]!)],
    workers2CoresUsed: r2(b2.cpuSeconds / b2.seconds),
    identical,
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rounds = process.argv[2] !== undefined ? Number(process.argv[2]) : 3;
  const cliRounds = process.argv[3] !== undefined ? Number(process.argv[3]) : 3;
  process.stdout.write(JSON.stringify(await benchSweepDetails(rounds, cliRounds)) + '\n');
}
