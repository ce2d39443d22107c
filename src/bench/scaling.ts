/**
 * `npm run bench:scaling`: how a run's cost grows with duration, rate, services and pods, and
 * what an event costs as services multiply (density) (each case in a fresh process: CPU s, wall
 * s, peak RSS, events), and with `--limits`,
 * where one process stops. Never part of the test suite.
 *
 *   node dist/bench/scaling.js [duration|rate|services|pods|density …]
 *       the growth table (all five axes by default; a full run writes reports/bench/scaling.json)
 *   node dist/bench/scaling.js --limits [services|pods] [--budget-gb N] [--step-cpu S] [--step-wall S] [--from N] [--up-to N]
 *       services at 1 RPS each for 5 min (2k, 5k, 10k …) and scale-ups (20k, 50k, 100k … pods;
 *       --from and --up-to bound the steps),
 *       stopping at the first failure, at a step's CPU-time cap (default 600 s) or wall-time
 *       backstop (default 3600 s), or before
 *       a step whose peak RSS the sizes so far predict above the budget (default: the smaller of
 *       85 % of this machine's memory and what is available now); writes reports/bench/scaling-limits.json
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  failureReason,
  fitPerUnit,
  GROWTH_CASES,
  growthTable,
  limitSpec,
  limitSteps,
  predictMB,
  specKey,
  unitsWithin,
  type Axis,
  type LimitAxis,
  type ScalingRow,
  type ScalingSpec,
  type SizePoint,
  type StepCaps,
} from './scaling-cases.js';

const here = dirname(fileURLToPath(import.meta.url));
const MB = 1024 * 1024;

function usage(message: string): never {
  process.stderr.write(`bench:scaling: ${message}\n`);
  process.exit(2);
}

/** MemAvailable from /proc/meminfo (MB), or the total where there is none. */
function availableMB(): number {
  try {
    const m = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m !== null) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return totalmem() / MB;
}

function machine(): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGB: Math.round((totalmem() / MB / 1024) * 10) / 10,
    node: process.version,
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

type Outcome = { ok: true; row: ScalingRow } | { ok: false; reason: string; wallSeconds: number };

/**
 * Runs one case in a child process with the given heap limit and caps. The CPU cap is the
 * shell's `ulimit -t` (the kernel stops the process with SIGXCPU), so other jobs on the
 * machine do not make a step fail; the wall cap only catches a step that waits forever.
 */
function runChild(spec: ScalingSpec, heapMB: number | undefined, caps: StepCaps): Outcome {
  // The output directory is made and removed here: a child stopped by a cap cannot clean up.
  const dir = mkdtempSync(join(tmpdir(), 'knsim-scaling-'));
  const node = [process.execPath, ...(heapMB === undefined ? [] : [`--max-old-space-size=${Math.floor(heapMB)}`]), join(here, 'run-scaling-case.js'), specKey(spec), dir];
  const from = Date.now();
  const r = spawnSync('/bin/sh', ['-c', `ulimit -S -t ${Math.ceil(caps.cpuSeconds)} && exec "$0" "$@"`, ...node], {
    encoding: 'utf8',
    maxBuffer: 16 * MB,
    timeout: caps.wallSeconds * 1000,
    killSignal: 'SIGKILL',
  });
  rmSync(dir, { recursive: true, force: true });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  const reason = failureReason({ status: r.status, signal: r.signal, timedOut, stderr: r.stderr ?? '' }, caps);
  if (reason !== undefined) return { ok: false, reason, wallSeconds: Math.round((Date.now() - from) / 100) / 10 };
  return { ok: true, row: JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ScalingRow };
}

const ALL_AXES: readonly Axis[] = ['duration', 'rate', 'services', 'pods', 'density'];

function growth(axes: readonly Axis[]): void {
  const cases = GROWTH_CASES.filter((c) => axes.includes(c.axis));
  const rows = new Map<string, ScalingRow>();
  const startedWith = machine();
  for (const c of cases) {
    const key = specKey(c.spec);
    if (rows.has(key)) continue; // 1 h at 1,000 RPS on one service is on three axes: run it once
    process.stderr.write(`bench:scaling: ${c.axis} ${c.label} (${key}) …\n`);
    const out = runChild(c.spec, undefined, { cpuSeconds: 3600, wallSeconds: 4 * 3600 });
    if (!out.ok) usage(`${key} failed: ${out.reason}`);
    rows.set(key, out.row);
    process.stderr.write(`  ${out.row.cpuSeconds} s CPU, ${out.row.wallSeconds} s wall, ${out.row.peakRssMB} MB, ${out.row.events.toLocaleString('en-US')} events\n`);
  }
  console.log(growthTable(cases, (c) => rows.get(specKey(c.spec))));
  if (axes.length < ALL_AXES.length) return;
  mkdirSync('reports/bench', { recursive: true });
  const report = {
    ...startedWith,
    loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
    command: 'npm run bench:scaling',
    rows: cases.map((c) => ({ axis: c.axis, label: c.label, ...rows.get(specKey(c.spec))! })),
  };
  writeFileSync('reports/bench/scaling.json', JSON.stringify(report, null, 2) + '\n');
  console.log('wrote reports/bench/scaling.json');
}

interface LimitStep {
  size: number;
  key: string;
  units?: number;
  row?: ScalingRow;
  failed?: string;
}

/** The first step of each axis, and how a step's measured units are read. */
const LIMIT_AXES: Record<LimitAxis, { from: number; units: (r: ScalingRow) => number; unit: string }> = {
  services: { from: 2000, units: (r) => r.services, unit: 'service' },
  pods: { from: 20000, units: (r) => r.maxReadyPods, unit: 'pod' },
};

function limits(axes: readonly LimitAxis[], budgetMB: number, caps: StepCaps, from: number | undefined, upTo: number): void {
  const startedWith = machine();
  const machineMB = totalmem() / MB;
  const results = [];
  for (const axis of axes) {
    const a = LIMIT_AXES[axis];
    const steps: LimitStep[] = [];
    const points: SizePoint[] = [];
    let stop: { size: number; why: string } | undefined;
    for (const size of limitSteps(from ?? a.from, upTo)) {
      const spec = limitSpec(axis, size);
      const fit = fitPerUnit(points);
      // With one size measured, assume memory proportional to size (an overestimate: it ignores the fixed part).
      const predicted = fit !== undefined ? predictMB(fit, size) : points.length === 1 ? (points[0]!.peakRssMB * size) / points[0]!.units : 0;
      if (predicted > budgetMB) {
        stop = { size, why: `not run: predicted peak RSS ${Math.round(predicted)} MB is over the budget of ${Math.round(budgetMB)} MB` };
        break;
      }
      process.stderr.write(`bench:scaling --limits: ${axis} ${size.toLocaleString('en-US')} (${specKey(spec)}) …\n`);
      const out = runChild(spec, budgetMB, caps);
      if (!out.ok) {
        steps.push({ size, key: specKey(spec), failed: out.reason });
        stop = { size, why: `failed after ${out.wallSeconds} s: ${out.reason}` };
        process.stderr.write(`  ${stop.why}\n`);
        break;
      }
      const units = a.units(out.row);
      steps.push({ size, key: specKey(spec), units, row: out.row });
      points.push({ units, peakRssMB: out.row.peakRssMB });
      process.stderr.write(`  ${units.toLocaleString('en-US')} ${a.unit}s: ${out.row.cpuSeconds} s CPU, ${out.row.wallSeconds} s wall, ${out.row.peakRssMB} MB\n`);
    }
    const fit = fitPerUnit(points);
    const perUnitMB = fit === undefined ? undefined : Math.round(fit.mbPerUnit * 1000) / 1000;
    // What the line says fits in the whole machine, leaving 1 GB to the system: memory alone.
    const extrapolated = fit === undefined ? undefined : unitsWithin(fit, machineMB - 1024);
    results.push({ axis, steps, mbPer: a.unit, perUnitMB, fixedMB: fit === undefined ? undefined : Math.round(fit.fixedMB), stop, unitsWithinMachineByMemory: extrapolated });
    console.log(`${axis}:`);
    for (const s of steps) {
      console.log(
        s.row === undefined
          ? `  ${s.size.toLocaleString('en-US')}: FAILED — ${s.failed}`
          : `  ${s.size.toLocaleString('en-US')}: ${s.units!.toLocaleString('en-US')} ${a.unit}s, ${s.row.events.toLocaleString('en-US')} events, ${s.row.cpuSeconds} s CPU, ${s.row.wallSeconds} s wall, ${s.row.peakRssMB} MB peak RSS`,
      );
    }
    if (perUnitMB !== undefined) console.log(`  ${perUnitMB} MB per ${a.unit} (+ ${Math.round(fit!.fixedMB)} MB fixed); by memory alone ${extrapolated!.toLocaleString('en-US')} ${a.unit}s fit in ${Math.round(machineMB / 1024)} GB`);
    console.log(stop === undefined ? `  no failure up to ${upTo.toLocaleString('en-US')}` : `  stopped at ${stop.size.toLocaleString('en-US')}: ${stop.why}`);
  }
  mkdirSync('reports/bench', { recursive: true });
  const report = {
    ...startedWith,
    loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
    command: `node dist/bench/scaling.js ${process.argv.slice(2).join(' ')}`,
    budgetMB: Math.round(budgetMB),
    stepCaps: caps,
    axes: results,
  };
  writeFileSync('reports/bench/scaling-limits.json', JSON.stringify(report, null, 2) + '\n');
  console.log('wrote reports/bench/scaling-limits.json');
}

function numberFlag(args: string[], name: string): number | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v <= 0) usage(`${name} takes a positive number, got ${JSON.stringify(args[i + 1])}`);
  args.splice(i, 2);
  return v;
}

const args = process.argv.slice(2);
if (args.includes('--limits')) {
  args.splice(args.indexOf('--limits'), 1);
  const gb = numberFlag(args, '--budget-gb');
  const cpuCap = numberFlag(args, '--step-cpu') ?? 600;
  const wallCap = numberFlag(args, '--step-wall') ?? 3600;
  const from = numberFlag(args, '--from');
  const upTo = numberFlag(args, '--up-to') ?? 10_000_000;
  const bad = args.filter((a) => a !== 'services' && a !== 'pods');
  if (bad.length > 0) usage(`--limits takes services and/or pods, got ${bad.join(' ')}`);
  const budgetMB = gb !== undefined ? gb * 1024 : Math.min(0.85 * (totalmem() / MB), availableMB());
  limits(args.length === 0 ? ['services', 'pods'] : (args as LimitAxis[]), budgetMB, { cpuSeconds: cpuCap, wallSeconds: wallCap }, from, upTo);
} else {
  const axes = ALL_AXES;
  const bad = args.filter((a) => !(axes as string[]).includes(a));
  if (bad.length > 0) usage(`unknown axis ${bad.join(' ')}: want ${axes.join(', ')} (or --limits)`);
  growth(args.length === 0 ? axes : axes.filter((a) => args.includes(a)));
}
