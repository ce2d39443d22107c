/**
 * The scenarios of `npm run bench:scaling` and the pure arithmetic around them: which
 * cases the growth table has, the steps of the `--limits` search, the per-service and
 * per-pod memory fit, how a failed step is named, and the tables' text. No I/O here, so
 * the tests can check it without running anything.
 */

/** One scenario of the harness, named by a key the child process rebuilds it from. */
export type ScalingSpec =
  /** `count` services sharing `totalRps` (Poisson), containerConcurrency 10, 100 ms: steady-1h's app. */
  | { kind: 'services'; count: number; totalRps: number; durationSeconds: number }
  /** From zero pods, containerConcurrency 1, `rps` of 2 s requests for 20 s: the bench's scale-up cases. */
  | { kind: 'scale-up'; rps: number };

export function specKey(s: ScalingSpec): string {
  return s.kind === 'services' ? `services:${s.count}:${s.totalRps}:${s.durationSeconds}` : `scale-up:${s.rps}`;
}

/** The inverse of specKey; throws on anything else (the child's argument). */
export function parseSpecKey(key: string): ScalingSpec {
  const parts = key.split(':');
  const nums = parts.slice(1).map(Number);
  const ok = nums.every((n) => Number.isFinite(n) && n > 0);
  if (parts[0] === 'services' && nums.length === 3 && ok && Number.isInteger(nums[0])) {
    return { kind: 'services', count: nums[0]!, totalRps: nums[1]!, durationSeconds: nums[2]! };
  }
  if (parts[0] === 'scale-up' && nums.length === 1 && ok) return { kind: 'scale-up', rps: nums[0]! };
  throw new Error(`bad scaling case ${JSON.stringify(key)}: want services:<count>:<total rps>:<seconds> or scale-up:<rps>`);
}

/**
 * Pods to start with: enough for the load at 70 % of containerConcurrency 10 with 100 ms
 * requests, so a steady case starts steady (1,000 RPS gives steady-1h's 15 pods).
 */
export function steadyInitialPods(rpsPerService: number): number {
  return Math.max(1, Math.ceil((rpsPerService * 0.1) / (10 * 0.7)));
}

function service(name: string, rps: number, cc: number, serviceTime: string, initialPods: number): { service: unknown; client: unknown } {
  return {
    service: {
      manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name }, spec: { template: { spec: { containerConcurrency: cc, containers: [{ image: 'app' }] } } } },
      initialPods,
      app: { serviceTime },
    },
    client: { name: `${name}-load`, service: name, open: { process: 'poisson', rps } },
  };
}

/** The scenario (as parsed YAML) a spec stands for, built as src/bench/cases.ts builds its own. */
export function scalingScenario(s: ScalingSpec): Record<string, unknown> {
  if (s.kind === 'scale-up') {
    const one = service('burst', s.rps, 1, '2s', 0);
    return { name: `scaling-scale-up-${s.rps}`, seed: 1, duration: '20s', services: [one.service], clients: [one.client] };
  }
  const each = s.totalRps / s.count;
  const width = String(s.count - 1).length;
  const all = Array.from({ length: s.count }, (_, i) => service(`svc-${String(i).padStart(width, '0')}`, each, 10, '100ms', steadyInitialPods(each)));
  return {
    name: `scaling-${s.count}-services`,
    seed: 1,
    duration: `${s.durationSeconds}s`,
    services: all.map((x) => x.service),
    clients: all.map((x) => x.client),
  };
}

export type Axis = 'duration' | 'rate' | 'services' | 'pods' | 'density';

export interface GrowthCase {
  axis: Axis;
  /** What varies, for the table: "15 min", "10,000 RPS", "100 services", "~4k pods". */
  label: string;
  spec: ScalingSpec;
}

const HOUR = 3600;

/** The growth table: each axis varied alone from steady-1h (1 h, 1,000 RPS, one service), the bench's scale-ups, and services at a few RPS each. */
export const GROWTH_CASES: readonly GrowthCase[] = [
  { axis: 'duration', label: '15 min', spec: { kind: 'services', count: 1, totalRps: 1000, durationSeconds: HOUR / 4 } },
  { axis: 'duration', label: '1 h', spec: { kind: 'services', count: 1, totalRps: 1000, durationSeconds: HOUR } },
  { axis: 'duration', label: '4 h', spec: { kind: 'services', count: 1, totalRps: 1000, durationSeconds: 4 * HOUR } },
  { axis: 'rate', label: '100 RPS', spec: { kind: 'services', count: 1, totalRps: 100, durationSeconds: HOUR } },
  { axis: 'rate', label: '1,000 RPS', spec: { kind: 'services', count: 1, totalRps: 1000, durationSeconds: HOUR } },
  { axis: 'rate', label: '10,000 RPS', spec: { kind: 'services', count: 1, totalRps: 10000, durationSeconds: HOUR } },
  { axis: 'services', label: '1 service', spec: { kind: 'services', count: 1, totalRps: 1000, durationSeconds: HOUR } },
  { axis: 'services', label: '10 services', spec: { kind: 'services', count: 10, totalRps: 1000, durationSeconds: HOUR } },
  { axis: 'services', label: '100 services', spec: { kind: 'services', count: 100, totalRps: 1000, durationSeconds: HOUR } },
  { axis: 'services', label: '1,000 services', spec: { kind: 'services', count: 1000, totalRps: 1000, durationSeconds: HOUR } },
  // CC 1 and 2 s requests: about 8.5 pods per RPS at the peak of a 20 s scale-up.
  { axis: 'pods', label: '~1k pods', spec: { kind: 'scale-up', rps: 125 } },
  { axis: 'pods', label: '~4k pods', spec: { kind: 'scale-up', rps: 500 } },
  { axis: 'pods', label: '~17k pods', spec: { kind: 'scale-up', rps: 2000 } },
  // Services at a few RPS each for 10 min: what an event costs as the revisions' state outgrows the CPU's caches.
  { axis: 'density', label: '100 services × 10 RPS', spec: { kind: 'services', count: 100, totalRps: 1000, durationSeconds: 600 } },
  { axis: 'density', label: '300 services × 3 RPS', spec: { kind: 'services', count: 300, totalRps: 900, durationSeconds: 600 } },
  { axis: 'density', label: '1,000 services × 1 RPS', spec: { kind: 'services', count: 1000, totalRps: 1000, durationSeconds: 600 } },
  { axis: 'density', label: '3,000 services × 1 RPS', spec: { kind: 'services', count: 3000, totalRps: 3000, durationSeconds: 600 } },
];

/** The `--limits` search's scenarios: `size` services at 1 RPS each for 5 min, or a scale-up sized for about `size` pods. */
export type LimitAxis = 'services' | 'pods';

export const LIMIT_SECONDS = 300;
/** Peak ready pods per RPS of a 20 s scale-up with CC 1 and 2 s requests (measured: 4,084 at 500 RPS, 17,178 at 2,000). */
export const PODS_PER_RPS = 8.5;

export function limitSpec(axis: LimitAxis, size: number): ScalingSpec {
  return axis === 'services'
    ? { kind: 'services', count: size, totalRps: size, durationSeconds: LIMIT_SECONDS }
    : { kind: 'scale-up', rps: Math.round(size / PODS_PER_RPS) };
}

/** 1-2-5 steps from `from` (itself one of them) up to `upTo` inclusive: 2k, 5k, 10k, 20k, 50k … */
export function limitSteps(from: number, upTo: number): number[] {
  const out: number[] = [];
  let decade = 10 ** Math.floor(Math.log10(from));
  for (;;) {
    for (const m of [1, 2, 5]) {
      const n = m * decade;
      if (n > upTo) return out;
      if (n >= from) out.push(n);
    }
    decade *= 10;
  }
}

/** A measured size and its peak RSS. */
export interface SizePoint {
  units: number;
  peakRssMB: number;
}

/** Least-squares line through the points: MB per unit and the fixed MB. Needs two different sizes. */
export function fitPerUnit(points: readonly SizePoint[]): { mbPerUnit: number; fixedMB: number } | undefined {
  const xs = [...new Set(points.map((p) => p.units))];
  if (xs.length < 2) return undefined;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.units, 0) / n;
  const my = points.reduce((a, p) => a + p.peakRssMB, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.units - mx) * (p.peakRssMB - my);
    sxx += (p.units - mx) ** 2;
  }
  const mbPerUnit = sxy / sxx;
  return { mbPerUnit, fixedMB: my - mbPerUnit * mx };
}

/** The peak RSS the line predicts at `units`. */
export function predictMB(fit: { mbPerUnit: number; fixedMB: number }, units: number): number {
  return fit.fixedMB + fit.mbPerUnit * units;
}

/** The most units that fit in `budgetMB` by the line (memory alone: other caps may stop a run first). */
export function unitsWithin(fit: { mbPerUnit: number; fixedMB: number }, budgetMB: number): number {
  return fit.mbPerUnit <= 0 ? Infinity : Math.floor((budgetMB - fit.fixedMB) / fit.mbPerUnit);
}

/** How a child process ended, as the harness sees it. */
export interface ChildEnd {
  status: number | null;
  signal: string | null;
  timedOut: boolean;
  stderr: string;
}

/** The caps of one step: CPU seconds (the kernel's RLIMIT_CPU: steady whatever else runs) and a wall-time backstop. */
export interface StepCaps {
  cpuSeconds: number;
  wallSeconds: number;
}

/** Why a step failed, in one line; undefined when it did not (exit 0). */
export function failureReason(end: ChildEnd, caps: StepCaps): string | undefined {
  if (end.timedOut) return `over the wall-time cap of ${caps.wallSeconds} s per step`;
  if (end.signal === 'SIGXCPU') return `over the CPU-time cap of ${caps.cpuSeconds} s per step`;
  if (end.status === 0 && end.signal === null) return undefined;
  const lines = end.stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  /** The first line that says it, else the last line. */
  const said = (re: RegExp) => lines.find((l) => re.test(l)) ?? lines.at(-1) ?? '';
  const oom = /heap out of memory|Allocation failed|invalid array length|Invalid typed array length/i;
  if (lines.some((l) => oom.test(l))) return `out of memory (V8 heap): ${said(oom)}`;
  const wasm = /WebAssembly.*(memory|grow)|wasm.*memory/i;
  if (lines.some((l) => wasm.test(l))) return `out of WebAssembly memory (one instance addresses at most 4 GiB): ${said(wasm)}`;
  const cap = /exceeds the limit of [^ ]+ (\w+) \(raise with (--max-[a-z]+)\)/;
  const capped = lines.map((l) => cap.exec(l)).find((m) => m !== null);
  if (capped != null) return `refused by knsim's ${capped[1]} cap (${capped[2]}): ${capped.input}`;
  if (end.signal === 'SIGKILL') return "killed (SIGKILL: the kernel's out-of-memory killer, most likely)";
  // An uncaught error ends with its stack and node's version line: name the error line.
  return `exit ${end.status ?? end.signal}: ${said(/Error\b/)}`;
}

/** The measurements one child prints. */
export interface ScalingRow {
  key: string;
  services: number;
  simulatedSeconds: number;
  requests: number;
  events: number;
  maxReadyPods: number;
  cpuSeconds: number;
  wallSeconds: number;
  peakRssMB: number;
}

const n0 = (x: number) => Math.round(x).toLocaleString('en-US');

/** The growth table as Markdown (the README's table): one row per case, with its ratios to the axis's first row. */
export function growthTable(cases: readonly GrowthCase[], rowOf: (c: GrowthCase) => ScalingRow | undefined): string {
  const lines = [
    '| axis | case | requests | events | max pods | CPU s | wall s | peak RSS MB | CPU × first | events × first |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const first = new Map<Axis, ScalingRow>();
  for (const c of cases) {
    const r = rowOf(c);
    if (r === undefined) continue;
    const base = first.get(c.axis) ?? r;
    first.set(c.axis, base);
    const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}×` : '');
    lines.push(
      `| ${c.axis} | ${c.label} | ${n0(r.requests)} | ${n0(r.events)} | ${n0(r.maxReadyPods)} | ${r.cpuSeconds.toFixed(2)} | ${r.wallSeconds.toFixed(2)} | ${n0(r.peakRssMB)} | ${ratio(r.cpuSeconds, base.cpuSeconds)} | ${ratio(r.events, base.events)} |`,
    );
  }
  return lines.join('\n');
}
