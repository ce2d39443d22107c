/**
 * A sweep's output directory and the merge of shard directories.
 *
 *   sweep.json   the definition (what decides the numbers), plus the shard for a shard
 *   sweep.csv    one row per point: the axis values, which interval it gives, then mean,
 *                lo and hi per metric
 *   runs.csv     one row per (point, replication): the seed and every metric
 *   report.html, charts/   (full sweeps only; a shard's report would show a few points)
 *
 * Rows are sorted by point index and numbers are rounded to 6 decimals and printed
 * with String(), which reads back as the same double: the files of merged shards are
 * rebuilt from their rows by the same code and are byte-identical to a single run's.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { cell } from '../output/csv-writer.js';
import { readManifest } from '../output/output-dir.js';
import { knsimBuild, type KnsimBuild } from '../output/build-id.js';
import { writeStaged, type StageOptions } from '../output/staged-dir.js';
import { join } from 'node:path';
import { writeOutputFile } from '../output/write-file.js';
import { UsageError } from '../scenario/usage-error.js';
import { formatPath, ScenarioError } from '../scenario/errors.js';
import { parseSetExpression } from '../scenario/set.js';
import { runsWithout200, writeSweepReport } from './report/report.js';
import { METRIC_KEYS, type MetricKey, type MetricValues } from '../output/metrics.js';
import { MAX_SHARDS, shardPoints, type Shard } from './shard.js';
import { MAX_POINTS, pointValues, type Axis } from './axes.js';
import { RANGE_INTERVAL_BELOW, round6 } from './stats.js';
import { MAX_REPLICATIONS, pointStats, seedFor, sweepPoints, type MetricStat, type PointResult, type RunResult, type SweepDefinition, type SweepInput, type SweepResults } from './sweep.js';

export const SWEEP_JSON = 'sweep.json';
export const SWEEP_CSV = 'sweep.csv';
export const RUNS_CSV = 'runs.csv';
/** Beside a sweep's output while it runs: its finished runs (resume.ts). */
export const RESUME_SUFFIX = '.resume.csv';
const KIND = 'knsim-sweep';
const VERSION = 1;

// ---------------------------------------------------------------- CSV

/** Reads CSV text (RFC 4180, as {@link cell} quotes it) into rows of fields. */
export function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: true }) as string[][];
}

/**
 * A metric as the files hold it: round6's text, not csv-writer's num (6 decimals), which
 * would print a rate below 0.001 with fewer digits than the in-memory value a sweep's row
 * was computed from (1 error in 3 million as 0), so a merge recomputing a shard's rows from
 * its runs.csv would find them different. Not finite (a metric a run lacks): an empty cell.
 */
function num(v: number): string {
  if (!Number.isFinite(v)) return '';
  const r = round6(v);
  // Past about 1.8e302, v × 10^6 overflows to Infinity: such a value has no fraction to round.
  return String(Number.isFinite(r) ? r : v);
}

const numOrEmpty = (v: number | null): string => (v === null ? '' : num(v));

export function sweepCsvHeader(def: SweepDefinition): string[] {
  return ['point', ...def.axes.map((a) => a.path), 'replications', 'interval', ...metricColumns()];
}

/**
 * The `interval` cell of a row of n replications: what its lo and hi columns are. From
 * RANGE_INTERVAL_BELOW on every metric's is a 95 % interval; below it the bootstrapped
 * metrics' is the range of the replications (rates keep their 95 % Wilson interval); one
 * replication gives none. The column names cannot say it: a tune's rows differ in n.
 */
export function intervalCell(n: number): string {
  if (n < 2) return '';
  return n < RANGE_INTERVAL_BELOW ? 'range (rates: 95 %)' : '95 %';
}

export function runsCsvHeader(def: SweepDefinition): string[] {
  return ['point', 'replication', 'seed', ...def.axes.map((a) => a.path), ...METRIC_KEYS];
}

const line = (fields: readonly string[]): string => fields.map(cell).join(',') + '\n';

/** mean, lo, hi per metric, as sweep.csv prints them (the interval cell says what lo and hi are). */
export function metricCells(p: PointResult): string[] {
  const f: string[] = [];
  for (const k of METRIC_KEYS) {
    const s = p.metrics[k];
    f.push(num(s.mean), numOrEmpty(s.lo), numOrEmpty(s.hi));
  }
  return f;
}

export function metricColumns(): string[] {
  return METRIC_KEYS.flatMap((k) => [`${k}_mean`, `${k}_lo`, `${k}_hi`]);
}

export const csvLine = line;

export function formatSweepCsv(def: SweepDefinition, points: readonly PointResult[]): string {
  let out = line(sweepCsvHeader(def));
  for (const p of [...points].sort((a, b) => a.point - b.point)) out += line([String(p.point), ...p.values, String(p.replications), intervalCell(p.replications), ...metricCells(p)]);
  return out;
}

/** One run's fields as runs.csv holds them. */
export function runFields(r: RunResult): string[] {
  return [String(r.point), String(r.replication), String(r.seed), ...r.values, ...METRIC_KEYS.map((k) => num(r.metrics[k]))];
}

export function formatRunsCsv(def: SweepDefinition, runs: readonly RunResult[]): string {
  let out = line(runsCsvHeader(def));
  const sorted = [...runs].sort((a, b) => a.point - b.point || a.replication - b.replication);
  for (const r of sorted) out += line(runFields(r));
  return out;
}

// ---------------------------------------------------------------- sweep.json

export interface SweepJson {
  kind: typeof KIND;
  version: typeof VERSION;
  /**
   * The knsim build whose simulations gave the rows (build-id.ts): shards of two builds may be of two
   * models, so they do not merge, nor does a resume file of another build resume. Absent in sweeps
   * written before knsim recorded it.
   */
  knsim?: KnsimBuild;
  definition: SweepDefinition;
  points: number;
  metrics: readonly MetricKey[];
  /** Present in a shard's directory only. */
  shard?: Shard;
}

/** `build`: the build whose runs these are (this one's unless merged: the shards'; null: not recorded). */
export function sweepJson(def: SweepDefinition, shard: Shard | undefined, build: KnsimBuild | null = knsimBuild()): SweepJson {
  return { kind: KIND, version: VERSION, ...(build !== null ? { knsim: build } : {}), definition: def, points: sweepPoints(def), metrics: METRIC_KEYS, ...(shard !== undefined ? { shard } : {}) };
}

// ---------------------------------------------------------------- writing

export interface WriteOptions {
  /** Charts and report.html (never for a shard). Default true. */
  report?: boolean;
  /** How errors name the directory, and paths it may not replace. */
  output?: StageOptions;
  /** The build whose runs these are: a merge's shards' (null: they did not record it). Default: this one. */
  build?: KnsimBuild | null;
}

export interface WrittenSweep {
  outDir: string;
  files: string[];
  /** Warnings from rendering the charts. */
  warnings: string[];
}

/**
 * Writes a sweep directory. Everything goes to a temporary sibling that is renamed into
 * place at the end, so a failed or interrupted sweep never leaves a directory that
 * looks complete.
 */
export async function writeSweepDir(outDir: string, def: SweepDefinition, shard: Shard | undefined, results: SweepResults, opts: WriteOptions = {}): Promise<WrittenSweep> {
  return writeStaged(outDir, { command: 'sweep', ...opts.output }, async (tmp) => {
    const files = [SWEEP_JSON, SWEEP_CSV, RUNS_CSV];
    writeOutputFile(join(tmp, SWEEP_JSON), JSON.stringify(sweepJson(def, shard, opts.build === undefined ? knsimBuild() : opts.build), null, 2) + '\n');
    writeOutputFile(join(tmp, SWEEP_CSV), formatSweepCsv(def, results.points));
    writeOutputFile(join(tmp, RUNS_CSV), formatRunsCsv(def, results.runs));
    let warnings: string[] = [];
    if (shard === undefined && (opts.report ?? true)) {
      const without200 = runsWithout200(results.runs.map((r) => [r.point, r.metrics] as const));
      const rep = await writeSweepReport(tmp, def, [...results.points].sort((a, b) => a.point - b.point), true, without200);
      files.push(...rep.files);
      warnings = rep.warnings;
    }
    return { files, warnings };
  });
}

// ---------------------------------------------------------------- reading and merging

export interface ReadSweep {
  dir: string;
  json: SweepJson;
  results: SweepResults;
}

const bad = (dir: string, rule: string): never => {
  throw new UsageError(`sweep merge: ${dir}: ${rule}`);
};

function readText(dir: string, file: string): string {
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch {
    return bad(dir, `no ${file} (not a knsim sweep output directory, or the shard did not finish)`);
  }
}

function parseNumber(dir: string, file: string, s: string, nullable: boolean | 'metric'): number | null {
  // A metric a run does not have (node cost without node pools) is written as an empty cell.
  if (s === '' && nullable === 'metric') return Number.NaN;
  if (s === '' && nullable) return null;
  const v = Number(s);
  if (s === '' || !Number.isFinite(v)) return bad(dir, `${file}: ${JSON.stringify(s)} is not a number`);
  return v;
}

const isWhole = (v: unknown, min: number, max: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The shape of sweep.json's definition and shard, so a damaged file is a usage error naming the field, never a crash. */
function checkSweepJson(dir: string, json: SweepJson): void {
  const d = json.definition as unknown as Record<string, unknown>;
  const field = (path: string, rule: string): never => bad(dir, `${SWEEP_JSON}: ${path} ${rule}`);
  if (typeof d['scenario'] !== 'string') field('definition.scenario', 'must be a string');
  if (typeof d['scenarioSha256'] !== 'string') field('definition.scenarioSha256', 'must be a string');
  if (!isStrings(d['sets'])) field('definition.sets', 'must be a list of strings');
  if (d['durationSeconds'] !== null && !(typeof d['durationSeconds'] === 'number' && d['durationSeconds'] > 0)) field('definition.durationSeconds', 'must be a number > 0 or null');
  if (!isWhole(d['baseSeed'], 0, Number.MAX_SAFE_INTEGER)) field('definition.baseSeed', `must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`);
  if (d['seeds'] !== 'common' && d['seeds'] !== 'independent') field('definition.seeds', 'must be common or independent');
  if (!isWhole(d['replications'], 1, MAX_REPLICATIONS)) field('definition.replications', `must be a whole number from 1 to ${MAX_REPLICATIONS}`);
  const inputs = d['inputs'];
  if (inputs !== undefined) {
    if (!Array.isArray(inputs)) field('definition.inputs', 'must be a list of {file, sha256}');
    (inputs as unknown[]).forEach((x, i) => {
      const o = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
      if (typeof o['file'] !== 'string' || typeof o['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(o['sha256'])) field(`definition.inputs[${i}]`, 'must be {file, sha256} with a 64-digit hex SHA-256');
    });
  }
  const axes = d['axes'];
  if (!Array.isArray(axes) || !axes.every((a) => typeof a === 'object' && a !== null)) return field('definition.axes', 'must be a list of {path, values}');
  axes.forEach((a: Record<string, unknown>, i) => {
    if (typeof a['path'] !== 'string') field(`definition.axes[${i}].path`, 'must be a string');
    // The charts and labels parse it as --set does; a damaged one is this file's fault, not the command line's.
    let parsed: string | undefined;
    try {
      parsed = formatPath(parseSetExpression(`${a['path'] as string}=0`).path);
    } catch (e) {
      field(`definition.axes[${i}].path`, `must be a --set path (${e instanceof ScenarioError ? e.rule : String(e)})`);
    }
    if (parsed !== a['path']) field(`definition.axes[${i}].path`, `must be a --set path as knsim writes it (${JSON.stringify(parsed)}, not ${JSON.stringify(a['path'])})`);
    if (!isStrings(a['values']) || a['values'].length === 0) field(`definition.axes[${i}].values`, 'must be a non-empty list of strings');
  });
  const total = (axes as Axis[]).reduce((n, a) => n * a.values.length, 1);
  if (total > MAX_POINTS) field('definition.axes', `give ${total} points (at most ${MAX_POINTS})`);
  const k = (json as { knsim?: unknown }).knsim;
  if (k !== undefined) {
    const o = (typeof k === 'object' && k !== null ? k : {}) as Record<string, unknown>;
    if (typeof o['version'] !== 'string' || typeof o['build'] !== 'string' || !/^[0-9a-f]{64}$/.test(o['build'])) field('knsim', 'must be {version, build} with a 64-digit hex SHA-256 build');
  }
  const sh = json.shard as unknown;
  if (sh !== undefined) {
    const o = (typeof sh === 'object' && sh !== null ? sh : {}) as Record<string, unknown>;
    if (!isWhole(o['count'], 1, MAX_SHARDS) || !isWhole(o['index'], 0, (o['count'] as number) - 1)) field('shard', `must be {index, count} with whole numbers 0 ≤ index < count ≤ ${MAX_SHARDS}`);
  }
}

/** Reads a sweep (or shard) directory back into its definition and rows. */
export function readSweepDir(dir: string): ReadSweep {
  // A shard that died while writing leaves <out>.partial-<pid>, which shard-* globs match.
  if (readManifest(dir)?.state === 'staging') bad(dir, 'an unfinished output (a knsim process was writing it and died, or is still writing it); leave it out or remove it');
  // An interrupted shard leaves <out>.resume.csv (resume.ts), which shard-* globs match too.
  if (dir.endsWith(RESUME_SUFFIX)) bad(dir, 'the finished runs of an interrupted sweep (run that sweep again to finish it), not an output; leave it out');
  let json: SweepJson;
  try {
    json = JSON.parse(readText(dir, SWEEP_JSON)) as SweepJson;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    return bad(dir, `${SWEEP_JSON} is not valid JSON`);
  }
  if (json?.kind !== KIND || json.version !== VERSION || typeof json.definition !== 'object') {
    bad(dir, `${SWEEP_JSON} is not a knsim sweep (version ${VERSION}) description`);
  }
  checkSweepJson(dir, json);
  const def = json.definition;
  const nAxes = def.axes.length;

  const sweepRows = parseCsv(readText(dir, SWEEP_CSV));
  if (JSON.stringify(sweepRows[0]) !== JSON.stringify(sweepCsvHeader(def))) {
    // Before the interval column, lo and hi were named _ci95_ whatever they were.
    if (sweepRows[0]?.some((h) => h.endsWith('_ci95_lo'))) bad(dir, `${SWEEP_CSV}: written by an older knsim (its columns are <metric>_ci95_lo, not <metric>_lo and an interval column); run every shard with this knsim`);
    bad(dir, `${SWEEP_CSV}: the header does not match ${SWEEP_JSON}`);
  }
  const points: PointResult[] = sweepRows.slice(1).map((f) => {
    if (f.length !== 3 + nAxes + 3 * METRIC_KEYS.length) bad(dir, `${SWEEP_CSV}: a row has ${f.length} fields`);
    const replications = parseNumber(dir, SWEEP_CSV, f[1 + nAxes]!, false)!;
    if (f[2 + nAxes] !== intervalCell(replications)) bad(dir, `${SWEEP_CSV}: point ${f[0]}: the interval of ${replications} replications is ${JSON.stringify(intervalCell(replications))}, not ${JSON.stringify(f[2 + nAxes])}`);
    const metrics = {} as Record<MetricKey, MetricStat>;
    METRIC_KEYS.forEach((k, i) => {
      const at = 3 + nAxes + 3 * i;
      metrics[k] = {
        mean: parseNumber(dir, SWEEP_CSV, f[at]!, 'metric')!,
        lo: parseNumber(dir, SWEEP_CSV, f[at + 1]!, true),
        hi: parseNumber(dir, SWEEP_CSV, f[at + 2]!, true),
      };
    });
    return { point: parseNumber(dir, SWEEP_CSV, f[0]!, false)!, values: f.slice(1, 1 + nAxes), replications, metrics };
  });

  const runRows = parseCsv(readText(dir, RUNS_CSV));
  if (JSON.stringify(runRows[0]) !== JSON.stringify(runsCsvHeader(def))) bad(dir, `${RUNS_CSV}: the header does not match ${SWEEP_JSON}`);
  const runs: RunResult[] = runRows.slice(1).map((f) => {
    if (f.length !== 3 + nAxes + METRIC_KEYS.length) bad(dir, `${RUNS_CSV}: a row has ${f.length} fields`);
    const metrics = {} as MetricValues;
    METRIC_KEYS.forEach((k, i) => (metrics[k] = parseNumber(dir, RUNS_CSV, f[3 + nAxes + i]!, 'metric')!));
    return {
      point: parseNumber(dir, RUNS_CSV, f[0]!, false)!,
      replication: parseNumber(dir, RUNS_CSV, f[1]!, false)!,
      seed: parseNumber(dir, RUNS_CSV, f[2]!, false)!,
      values: f.slice(3, 3 + nAxes),
      metrics,
    };
  });
  return { dir, json, results: { points, runs } };
}

/**
 * Every point of a directory has exactly its replications 0…R−1 in runs.csv, each once with
 * the seed and values the sweep gives it, and its sweep.csv row is what those runs give:
 * a merge then counts each run once and its sweep.csv summarises its runs.csv.
 */
function checkRuns(dir: string, def: SweepDefinition, results: SweepResults): void {
  const byPoint = new Map<number, MetricValues[]>();
  for (const run of results.runs) {
    const at = `${RUNS_CSV}: point ${run.point} replication ${run.replication}`;
    if (!Number.isInteger(run.replication) || run.replication < 0 || run.replication >= def.replications) bad(dir, `${at} is outside 0–${def.replications - 1}`);
    const seed = seedFor(def, run.point, run.replication);
    if (run.seed !== seed) bad(dir, `${at} has seed ${run.seed}, not ${seed}`);
    if (JSON.stringify(run.values) !== JSON.stringify(pointValues(def.axes, run.point))) bad(dir, `${at} has the values of another point`);
    const list = byPoint.get(run.point) ?? new Array<MetricValues>(def.replications);
    if (list[run.replication] !== undefined) bad(dir, `${at} is there twice`);
    list[run.replication] = run.metrics;
    byPoint.set(run.point, list);
  }
  for (const p of results.points) {
    const list = byPoint.get(p.point) ?? [];
    const missing = [...Array(def.replications).keys()].filter((r) => list[r] === undefined);
    if (missing.length > 0) bad(dir, `${RUNS_CSV}: point ${p.point} has no replication ${missing.slice(0, 5).join(', ')}`);
    if (p.replications !== def.replications || JSON.stringify(p.values) !== JSON.stringify(pointValues(def.axes, p.point))) {
      bad(dir, `${SWEEP_CSV}: point ${p.point} has other values or replications than ${SWEEP_JSON} gives it`);
    }
    const expected = { ...p, metrics: pointStats(list, def.baseSeed) };
    if (JSON.stringify(metricCells(p)) !== JSON.stringify(metricCells(expected))) bad(dir, `${SWEEP_CSV}: point ${p.point} does not match its runs in ${RUNS_CSV}`);
  }
}

/** What differs between two sweep definitions, in words (the first difference found). */
export function definitionDifference(a: SweepDefinition, b: SweepDefinition): string {
  const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);
  if (a.scenarioSha256 !== b.scenarioSha256 || a.scenario !== b.scenario) return 'the scenario file has other contents';
  if (!same(a.inputs, b.inputs)) {
    if (a.inputs === undefined || b.inputs === undefined) return 'one was written by a knsim that did not record the files the scenario reads; run both shards with one knsim';
    const shaOf = (list: readonly SweepInput[], file: string): string | undefined => list.find((x) => x.file === file)?.sha256;
    for (const x of [...a.inputs, ...b.inputs]) {
      const sa = shaOf(a.inputs, x.file);
      const sb = shaOf(b.inputs, x.file);
      if (sa === undefined || sb === undefined) return `only one read ${x.file}`;
      if (sa !== sb) return `${x.file} has other contents (sha256 ${sa.slice(0, 12)}… against ${sb.slice(0, 12)}…)`;
    }
  }
  if (!same(a.sets, b.sets)) return 'the --set overrides';
  if (a.durationSeconds !== b.durationSeconds) return '--duration';
  if (a.baseSeed !== b.baseSeed || a.seeds !== b.seeds) return 'the seeds';
  if (a.replications !== b.replications) return '--replications';
  return 'the grid';
}

/** How two shards' builds differ (the field and both values), or undefined when they are one build. */
export function buildDifference(a: KnsimBuild | undefined, b: KnsimBuild | undefined): string | undefined {
  if (a === undefined && b === undefined) return undefined;
  if (a === undefined || b === undefined) return `knsim: only the ${a === undefined ? 'second' : 'first'} records its build, the other is from a knsim that did not`;
  if (a.version !== b.version) return `knsim.version ${a.version} against ${b.version}`;
  if (a.build !== b.build) return `knsim.build ${a.build.slice(0, 12)}… against ${b.build.slice(0, 12)}…`;
  return undefined;
}

/**
 * Combines shard directories (or any directories of one sweep that together hold every
 * point exactly once) into the definition and rows of the whole sweep.
 * @throws UsageError when they belong to different sweeps, overlap or leave points out.
 */
export function mergeSweeps(dirs: readonly string[]): { def: SweepDefinition; results: SweepResults; build: KnsimBuild | null } {
  if (dirs.length === 0) throw new UsageError('sweep merge: name the shard directories to merge');
  const read = dirs.map(readSweepDir);
  const first = read[0]!;
  const def = first.json.definition;
  const defText = JSON.stringify(def);
  for (const r of read.slice(1)) {
    const why = buildDifference(first.json.knsim, r.json.knsim);
    if (why !== undefined) {
      throw new UsageError(`sweep merge: ${join(first.dir, SWEEP_JSON)} and ${join(r.dir, SWEEP_JSON)} were written by different knsim builds (${why}), so their runs may be of different models; run every shard with one knsim build`);
    }
    if (JSON.stringify(r.json.definition) !== defText) {
      throw new UsageError(`sweep merge: ${r.dir} is from a different sweep than ${first.dir} (${SWEEP_JSON} definitions differ: ${definitionDifference(def, r.json.definition)})`);
    }
  }
  const total = sweepPoints(def);
  const owner = new Map<number, string>();
  const points: PointResult[] = [];
  const runs: RunResult[] = [];
  for (const r of read) {
    const expected = r.json.shard !== undefined ? shardPoints(total, r.json.shard) : undefined;
    const got = r.results.points.map((p) => p.point);
    if (expected !== undefined && JSON.stringify(expected) !== JSON.stringify(got)) {
      throw new UsageError(`sweep merge: ${r.dir}: shard ${r.json.shard!.index}/${r.json.shard!.count} should hold ${expected.length} point(s) but holds ${got.length}`);
    }
    for (const p of r.results.points) {
      if (!Number.isInteger(p.point) || p.point < 0 || p.point >= total) throw new UsageError(`sweep merge: ${r.dir}: point ${p.point} is outside the grid (0–${total - 1})`);
      const prev = owner.get(p.point);
      if (prev !== undefined) throw new UsageError(`sweep merge: point ${p.point} is in both ${prev} and ${r.dir}`);
      owner.set(p.point, r.dir);
      points.push(p);
    }
    const have = new Set(got);
    for (const run of r.results.runs) {
      if (!have.has(run.point)) throw new UsageError(`sweep merge: ${r.dir}: ${RUNS_CSV} has point ${run.point}, which its ${SWEEP_CSV} does not`);
      runs.push(run);
    }
    checkRuns(r.dir, def, r.results);
  }
  if (owner.size !== total) {
    const missing: number[] = [];
    for (let p = 0; p < total && missing.length < 5; p++) if (!owner.has(p)) missing.push(p);
    const shardCount = read.find((r) => r.json.shard !== undefined)?.json.shard?.count;
    const shards = shardCount === undefined ? [] : [...new Set(missing.map((p) => p % shardCount))];
    const hint = shardCount !== undefined ? ` (missing shard${shards.length > 1 ? 's' : ''} ${shards.map((i) => `${i}/${shardCount}`).join(', ')})` : '';
    throw new UsageError(`sweep merge: ${total - owner.size} of ${total} points are in none of the directories, e.g. point${missing.length > 1 ? 's' : ''} ${missing.join(', ')}${hint}`);
  }
  if (runs.length !== total * def.replications) throw new UsageError(`sweep merge: expected ${total * def.replications} rows in the ${RUNS_CSV} files, found ${runs.length}`);
  return { def, results: { points, runs }, build: first.json.knsim ?? null };
}
