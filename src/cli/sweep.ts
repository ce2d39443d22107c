/**
 * `knsim sweep <scenario>`, `knsim sweep merge <dirs..>` and `knsim sweep k8s-job <scenario>`.
 * Every flag is checked, and every grid point loaded, before the first simulation.
 */
import { inputFilesOpened } from '../scenario/regular-file.js';
import { join, resolve } from 'node:path';
import { parseAxes } from '../sweep/axes.js';
import { checkGrid, checkPoints, defineSweep } from '../sweep/define.js';
import { mergeSweeps, writeSweepDir, type WrittenSweep } from '../sweep/files.js';
import { checkJobImage, checkJobName, defaultJobName, jobYaml } from '../sweep/k8s-job.js';
import { createRunner, defaultWorkers } from '../sweep/pool.js';
import { createProgress } from '../sweep/progress.js';
import { openResume, type Resume } from '../sweep/resume.js';
import { parseShard, shardPoints, MAX_SHARDS } from '../sweep/shard.js';
import { MAX_REPLICATIONS, MAX_RUNS, runSweep, sweepPoints, type RunResult, type SeedMode } from '../sweep/sweep.js';
import { UsageError } from './errors.js';
import { checkWorkerThreads, gb, maxWorkerThreads, WORKER_THREAD_BYTES } from './worker-memory.js';
import { checkExpectBlock } from './expect-block.js';
import { loadScenario } from '../scenario/load.js';
import { checkOutDir } from '../output/output-dir.js';
import { OWNED_MARKS, writeOwnedFile } from '../output/owned-file.js';
import { outLabel } from './run.js';
import { DIGITS, parseDurationFlag, parseSeed, parseWorkLimits, workLimitArgs, stringList, type WorkLimitArgs } from './flags.js';
import { requireOptional } from './optional-deps.js';
import { refuseSpecialFiles } from './special-files.js';
import { sayWhenInterrupted, sweepInterrupted, type Said } from './interrupted.js';

/** A whole-number flag in [min, max]; `fallback` when absent. */
export function parseCount(v: unknown, flag: string, min: number, max: number, fallback: number): number {
  if (v === undefined) return fallback;
  const n = typeof v === 'number' ? v : DIGITS.test(String(v)) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag}: must be a whole number from ${min} to ${max} (got ${JSON.stringify(v)})`);
  return n;
}

export function parseSeedsMode(v: unknown): SeedMode {
  if (v === undefined || v === 'common') return 'common';
  if (v === 'independent') return 'independent';
  throw new UsageError(`--seeds: must be common or independent (got ${JSON.stringify(v)})`);
}

export const MAX_WORKERS = 1024;

/** The flags every batch command (sweep, compare, tune) shares. */
export interface BatchFlagArgs extends WorkLimitArgs {
  replications?: unknown;
  workers?: unknown;
  seed?: unknown;
  duration?: unknown;
}

/** Checks the shared batch flags; `minReplications` is the command's floor (tune needs 2 for a confidence bound). */
export function parseBatchFlags(args: BatchFlagArgs, minReplications: number) {
  const limits = parseWorkLimits(args);
  return {
    replications: parseCount(args.replications, '--replications', minReplications, MAX_REPLICATIONS, 5),
    workers: parseCount(args.workers, '--workers', 1, MAX_WORKERS, defaultWorkers()),
    seed: parseSeed(args.seed),
    durationSeconds: parseDurationFlag(args.duration),
    limits,
    /** --max-requests when given: each run's request cap (else ten times what it foresees; see runRequestLimit). */
    maxRequests: args.maxRequests !== undefined ? limits.requests : undefined,
  };
}

export interface GridArgs extends BatchFlagArgs {
  scenario: string;
  grid?: unknown;
  seeds?: unknown;
  set?: unknown;
}

function defineFromArgs(args: GridArgs) {
  const { replications, workers, seed, durationSeconds, limits, maxRequests } = parseBatchFlags(args, 1);
  const seeds = parseSeedsMode(args.seeds);
  const axes = parseAxes(stringList(args.grid), '--grid');
  const { def } = defineSweep({
    file: args.scenario,
    axes,
    sets: stringList(args.set),
    maxRequests: limits.requests,
    ...(seed !== undefined ? { seed } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    seeds,
    replications,
  });
  // The definition loads the scenario inside src/sweep, which leaves `expect:` unread.
  const base = loadScenario(args.scenario, { sets: stringList(args.set), maxRequests: limits.requests });
  checkExpectBlock(base);
  // What `knsim run` would warn of in the scenario as the sweep sets it (its points may add or lose some).
  for (const w of base.warnings ?? []) process.stderr.write(`knsim: warning: ${w}\n`);
  return { def, workers, limits, maxRequests };
}

const fmtSeconds = (s: number): string => (s < 10 ? s.toFixed(2) : s.toFixed(1));

function reportWarnings(w: WrittenSweep): void {
  for (const line of w.warnings) process.stderr.write(`knsim: chart warning: ${line}\n`);
}

export interface SweepRunArgs extends GridArgs {
  shard?: unknown;
  out?: unknown;
  report?: unknown;
}

/** `knsim sweep <scenario> --grid ... [--replications N] [--workers K] [--shard i/N]`. */
export async function sweepCommand(args: SweepRunArgs): Promise<void> {
  const shard = parseShard(args.shard);
  const { def, workers, limits, maxRequests } = defineFromArgs(args);
  const total = sweepPoints(def);
  const points = shardPoints(total, shard);
  const runs = points.length * def.replications;
  if (runs > MAX_RUNS) {
    throw new UsageError(
      `--replications: ${points.length.toLocaleString('en-US')} points × ${def.replications.toLocaleString('en-US')} replications = ${runs.toLocaleString('en-US')} runs (at most ${MAX_RUNS.toLocaleString('en-US')} in one process: fewer points or replications, or split it with --shard i/N)`,
    );
  }
  const threads = Math.max(1, Math.min(workers, runs));
  checkWorkerThreads(threads);
  const outDir = args.out !== undefined ? String(args.out) : join('reports', `${def.scenario}-sweep`);
  const output = { label: outLabel(outDir, args.out !== undefined), protect: [args.scenario, ...inputFilesOpened()] };
  // The worker threads start now: they load their modules while this thread checks every point.
  const runner = createRunner(threads, { podLimit: limits.pods, maxRequests, inFlightLimit: limits.inFlight });
  let results;
  let seconds: number;
  let resume: Resume;
  // Until the output is in place, a signal's end says where the finished runs are.
  let unsay: Said | undefined;
  try {
    const costs = checkPoints(args.scenario, def, points, limits);
    if (shard === undefined && args.report !== false) requireOptional('charts');
    checkOutDir(outDir, output);
    resume = openResume(outDir, def, shard, points);
    if (resume.startedOver !== undefined) process.stderr.write(`knsim: sweep: started ${resume.path} over: ${resume.startedOver}\n`);
    if (resume.dropped > 0) process.stderr.write(`knsim: sweep: ${resume.path}: ${resume.dropped} damaged or foreign row${resume.dropped === 1 ? '' : 's'} left out; those runs run again\n`);
    const kept = resume;
    const said = sayWhenInterrupted('sweep', () => sweepInterrupted(kept.kept(), runs, kept.path));
    unsay = said;
    const started = process.hrtime.bigint();
    const progress = createProgress(`sweep ${def.scenario}`, runs, resume.done.size);
    try {
      const onRun = (run: RunResult): void => {
        kept.append(run);
        said.changed();
      };
      results = await runSweep({ file: args.scenario, def, points, runner, progress, done: resume.done, onRun, costs });
    } catch (e) {
      // A run that failed fails again when the same sweep runs again: a failed command leaves nothing
      // behind. Only an interruption (a signal, a kill) keeps the finished runs.
      unsay();
      resume.remove();
      throw e;
    } finally {
      progress.stop();
    }
    seconds = Number(process.hrtime.bigint() - started) / 1e9;
  } catch (e) {
    unsay?.();
    await runner.close();
    throw e;
  }
  // The pool's threads wind down (an isolate's teardown: 0.05–0.07 s) while this one writes the files.
  const closing = runner.close().then(
    () => undefined,
    (e: unknown) => ({ error: e }),
  );
  const written = await writeSweepDir(outDir, def, shard, results, { report: args.report !== false, output }).finally(() => closing);
  unsay();
  const closed = await closing;
  if (closed !== undefined) throw closed.error;
  resume.remove();
  reportWarnings(written);
  const resumed = resume.done.size;
  const ran = runs - resumed;
  const used = Math.max(1, Math.min(threads, ran));
  const what = shard !== undefined ? `shard ${shard.index}/${shard.count}: ${points.length} of ${total} points` : `${total} point${total === 1 ? '' : 's'}`;
  process.stdout.write(
    `knsim: sweep ${def.scenario} — ${what} × ${def.replications} replication${def.replications === 1 ? '' : 's'} = ${runs} runs${resumed > 0 ? ` (${resumed} done before, from ${resume.path}; ${ran} run now)` : ''} on ${used} thread${used === 1 ? '' : 's'} in ${fmtSeconds(seconds)} s\n` +
      `  wrote ${outDir}/ (${written.files.filter((f) => !f.startsWith('charts/')).join(', ')}${written.files.some((f) => f.startsWith('charts/')) ? ', charts/' : ''})\n`,
  );
}

/** `knsim sweep merge <dirs..> [--out dir]`. */
export async function sweepMergeCommand(args: { dirs: string[]; out?: unknown; report?: unknown }): Promise<void> {
  const dirs = stringList(args.dirs);
  for (const d of dirs) refuseSpecialFiles(d, 'sweep merge: ');
  const { def, results, build } = mergeSweeps(dirs);
  if (args.report !== false) requireOptional('charts');
  const outDir = args.out !== undefined ? String(args.out) : join('reports', `${def.scenario}-sweep`);
  if (dirs.some((d) => resolve(d) === resolve(outDir))) throw new UsageError(`sweep merge: --out ${outDir} is one of the directories being merged; write elsewhere`);
  const output = { label: outLabel(outDir, args.out !== undefined), protect: dirs };
  checkOutDir(outDir, output);
  // The merged sweep.json names the shards' build, whose runs these are, not the one merging them.
  const written = await writeSweepDir(outDir, def, undefined, results, { report: args.report !== false, output, build });
  reportWarnings(written);
  process.stdout.write(`knsim: merged ${dirs.length} director${dirs.length === 1 ? 'y' : 'ies'} into ${outDir}/ — ${results.points.length} points × ${def.replications} replications\n`);
}

export interface JobArgs extends GridArgs {
  shards?: unknown;
  parallelism?: unknown;
  image?: unknown;
  pvc?: unknown;
  cpu?: unknown;
  memory?: unknown;
  name?: unknown;
  namespace?: unknown;
  command?: unknown;
  output?: unknown;
}

const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;

/**
 * The API server takes a 0 request and limit, but Kubernetes counts only quantities > 0
 * (the QoS class ignores zeros, so a pod with both at 0 is BestEffort) and the kubelet sets no
 * cgroup limit for a 0: the pod would get neither the request nor the limit the flag promises.
 */
function refuseZero(quantity: string, flag: string, what: string): void {
  if (Number(quantity.replace(/[a-zA-Z]+$/, '')) > 0) return;
  throw new UsageError(`${flag}: must be > 0 (got ${JSON.stringify(quantity)}); Kubernetes ignores a zero ${what} request and limit, so the pod would run with neither`);
}

/**
 * Every shard's pod refuses more than MAX_RUNS runs (as `knsim sweep --shard` does), so a Job
 * whose largest shard (shard 0: round-robin gives it ⌈points / N⌉) holds more would fail in every pod.
 */
function checkShardRuns(total: number, replications: number, shards: number): void {
  const points = Math.ceil(total / shards);
  if (points * replications <= MAX_RUNS) return;
  const needed = Math.ceil(total / Math.floor(MAX_RUNS / replications));
  const fix = needed <= MAX_SHARDS ? `--shards ${needed.toLocaleString('en-US')} or more, or fewer points or replications` : 'fewer points or replications';
  const n = (v: number): string => v.toLocaleString('en-US');
  throw new UsageError(
    `--shards: shard 0 of ${n(shards)} would run ${n(points)} points × ${n(replications)} replications = ${n(points * replications)} runs, and a shard's pod runs at most ${n(MAX_RUNS)} (${fix})`,
  );
}

const QUANTITY_SCALE: Readonly<Record<string, number>> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

/**
 * The pod's memory limit is what its container may use (the kernel kills it past that), however
 * large the node: the worker threads a shard starts must fit it as they must fit a machine.
 */
function checkPodThreads(threads: number, memory: string): void {
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(memory)!;
  const bytes = Number(m[1]) * QUANTITY_SCALE[m[2]!]!;
  const max = maxWorkerThreads(bytes);
  if (threads <= max) return;
  throw new UsageError(
    `--workers ${threads}: each worker thread holds about ${Math.round(WORKER_THREAD_BYTES / 1e6)} MB before its runs' own memory, so ${threads} need ${gb(threads * WORKER_THREAD_BYTES)}, more than half of the pod's --memory ${memory} (${gb(bytes)}), past which the kernel kills it: use --workers ${max} or fewer, or more --memory`,
  );
}

/** `knsim sweep k8s-job <scenario> --grid ... --shards N`: prints (or writes) the Job manifest. */
export async function sweepJobCommand(args: JobArgs): Promise<void> {
  const shards = parseCount(args.shards, '--shards', 1, MAX_SHARDS, 4);
  const parallelism = parseCount(args.parallelism, '--parallelism', 1, MAX_SHARDS, shards);
  const { def, workers, limits } = defineFromArgs({ ...args, workers: args.workers ?? '2' });
  // What every shard's pod checks first, checked here: a bad value fails now, not in the cluster.
  checkShardRuns(sweepPoints(def), def.replications, shards);
  checkGrid(args.scenario, def, limits);
  const cpu = args.cpu !== undefined ? String(args.cpu) : String(workers);
  const memory = args.memory !== undefined ? String(args.memory) : '1Gi';
  if (!QUANTITY.test(cpu)) throw new UsageError(`--cpu: must be a Kubernetes quantity such as 2 or 500m (got ${JSON.stringify(cpu)})`);
  if (!QUANTITY.test(memory)) throw new UsageError(`--memory: must be a Kubernetes quantity such as 1Gi or 512Mi (got ${JSON.stringify(memory)})`);
  refuseZero(cpu, '--cpu', 'CPU');
  refuseZero(memory, '--memory', 'memory');
  checkPodThreads(Math.min(workers, Math.ceil(sweepPoints(def) / shards) * def.replications), memory);
  const image = checkJobImage(args.image !== undefined ? String(args.image) : 'knsim:latest');
  const name = checkJobName(args.name !== undefined ? String(args.name) : defaultJobName(def.scenario));
  const pvc = checkJobName(args.pvc !== undefined ? String(args.pvc) : 'knsim-results', '--pvc');
  const namespace = args.namespace !== undefined ? checkJobName(String(args.namespace), '--namespace') : undefined;
  const command = args.command !== undefined ? String(args.command).split(/\s+/).filter((s) => s !== '') : undefined;
  if (command !== undefined && command.length === 0) throw new UsageError('--command: must not be empty');
  const yaml = jobYaml({
    file: args.scenario,
    def,
    shards,
    parallelism,
    image,
    ...(command !== undefined ? { command } : {}),
    pvc,
    workers,
    cpu,
    memory,
    name,
    limitArgs: workLimitArgs(limits, args.maxRequests !== undefined),
    ...(namespace !== undefined ? { namespace } : {}),
  });
  if (args.output !== undefined) {
    writeOwnedFile(String(args.output), yaml, `--output ${String(args.output)}`, OWNED_MARKS.k8sJob);
    process.stdout.write(`knsim: wrote ${String(args.output)} — Indexed Job ${name}, ${shards} shard(s) of ${sweepPoints(def)} points\n`);
  } else process.stdout.write(yaml);
}
