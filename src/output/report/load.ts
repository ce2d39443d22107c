import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RevisionSettings, RunSettings } from '../settings.js';
import type { RunSummary } from '../summary.js';
import { settingsShapeError } from './settings-shape.js';
import { badCell, type CellRule, Columns, COUNT, FLAG, FRACTION, MEASURE, NotARunDirectoryError, PERCENT, POSITIVE, readCell, readRunCsv, SCALE, timeRule } from './csv.js';

/** timeseries.csv of one revision: one sample per simulated second. */
export interface TimeseriesData {
  time: number[];
  pending: number[];
  starting: number[];
  ready: number[];
  terminating: number[];
  activatorWaiting: number[];
  podQueued: number[];
  podExecuting: number[];
  trafficPercent: number[];
  /** 1 while the SKS is in Proxy mode (activator in the request path). */
  proxy: number[];
}

/** autoscaler.csv of one revision: one row per decider evaluation (ticks and pokes). */
export interface DecisionData {
  time: number[];
  target: number[];
  readyPods: number[];
  observedStable: number[];
  observedPanic: number[];
  desired: number[];
  want: number[];
  inPanic: number[];
  valid: number[];
}

/** pods.csv of one revision: each pod's transitions, in time order. */
export interface PodEventData {
  time: number[];
  pod: string[];
  event: string[];
}

/** nodes.csv (only runs with node pools): each node's lifecycle steps, in time order. */
export interface NodeEventData {
  time: number[];
  node: string[];
  pool: string[];
  /** Requested, Ready, Tainted, Untainted, Deleted. */
  event: string[];
  pricePerHour: number[];
}

/** latency-buckets.csv of one revision: percentiles of the 200s completed in each chart bucket. */
export interface LatencyBucketData {
  /** Bucket start, seconds. */
  start: number[];
  bucketSeconds: number[];
  p50: number[];
  p95: number[];
  p99: number[];
  /** The same percentiles of the bucket's streamed 200s' first bytes (app.stream); NaN where none, and in every row of a run without streams. */
  fbP50: number[];
  fbP95: number[];
  fbP99: number[];
}

/** requests-per-second.csv of one revision: completions in the second ending at `time` (rows only for seconds with completions). */
export interface RequestSeriesData {
  time: number[];
  completed: number[];
  ok: number[];
  status503: number[];
  status504: number[];
  clientTimeouts: number[];
  /** 0 in every row when the run's file has no status502 column (nothing could crash). */
  status502: number[];
  cold: number[];
  p50: number[];
  p95: number[];
  p99: number[];
  /** The first byte's percentiles of the second's streamed 200s (app.stream); NaN where none, and in every row of a run without streams. */
  fbP50: number[];
  fbP95: number[];
  fbP99: number[];
}

export interface CdfPoint {
  ms: number;
  fraction: number;
}

export interface RevisionData {
  service: string;
  revision: string;
  settings: RevisionSettings | undefined;
  timeseries: TimeseriesData;
  decisions: DecisionData;
  requests: RequestSeriesData;
  pods: PodEventData;
  latencyBuckets: LatencyBucketData;
  /** firstByte: the time to the first byte of the 200s of a revision that streams (kind first_byte); empty otherwise. */
  cdf: { all: CdfPoint[]; cold: CdfPoint[]; warm: CdfPoint[]; firstByte: CdfPoint[] };
}

export interface RunData {
  dir: string;
  summary: RunSummary;
  settings: RunSettings | undefined;
  durationSeconds: number;
  revisions: RevisionData[];
  /** nodes.csv, when the run had node pools. */
  nodes?: NodeEventData | undefined;
  /** Which of the per-tick files were present. */
  files: { timeseries: boolean; autoscaler: boolean; requestSeries: boolean; latencyCdf: boolean; pods: boolean; latencyBuckets: boolean };
}

export { NotARunDirectoryError };

/**
 * A field's column: read as a number by its rule ('time' for the run's time rule), or with its
 * own reading; an optional column may be missing from the file (then every cell reads as empty).
 */
type ColumnSpec<E> = { column: string; rule: CellRule | 'time'; blankAs?: number; optional?: boolean } | { column: string; cell: (v: string) => E };
type ColumnMap<T> = { [K in keyof T]: ColumnSpec<T[K] extends Array<infer E> ? E : never> };

const n = (column: string, rule: CellRule | 'time'): { column: string; rule: CellRule | 'time' } => ({ column, rule });
const TIME = n('time_s', 'time');

const TIMESERIES: ColumnMap<TimeseriesData> = {
  time: TIME, pending: n('pending', COUNT), starting: n('starting', COUNT), ready: n('ready', COUNT), terminating: n('terminating', COUNT),
  activatorWaiting: n('activator_waiting', COUNT), podQueued: n('pod_queued', COUNT), podExecuting: n('pod_executing', COUNT), trafficPercent: n('traffic_percent', PERCENT),
  proxy: { column: 'sks_mode', cell: (v) => (v === 'Proxy' ? 1 : 0) },
};
const DECISIONS: ColumnMap<DecisionData> = {
  time: TIME, target: n('target', MEASURE), readyPods: n('ready_pods', COUNT), observedStable: n('observed_stable', MEASURE), observedPanic: n('observed_panic', MEASURE),
  desired: n('desired', SCALE), want: n('want', SCALE), inPanic: n('in_panic', FLAG), valid: n('valid', FLAG),
};
const REQUESTS: ColumnMap<RequestSeriesData> = {
  time: TIME, completed: n('completed', COUNT), ok: n('ok', COUNT), status503: n('status503', COUNT), status504: n('status504', COUNT), clientTimeouts: n('client_timeouts', COUNT),
  // Runs where nothing could crash have no status502 column: 0 in every row.
  status502: { column: 'status502', rule: COUNT, blankAs: 0, optional: true },
  cold: n('cold', COUNT), p50: n('p50_ms', MEASURE), p95: n('p95_ms', MEASURE), p99: n('p99_ms', MEASURE),
  // Runs where nothing streams have no first-byte columns.
  fbP50: { column: 'first_byte_p50_ms', rule: MEASURE, optional: true },
  fbP95: { column: 'first_byte_p95_ms', rule: MEASURE, optional: true },
  fbP99: { column: 'first_byte_p99_ms', rule: MEASURE, optional: true },
};
const PODS: ColumnMap<PodEventData> = { time: TIME, pod: { column: 'pod', cell: (v) => v }, event: { column: 'event', cell: (v) => v } };
const LATENCY_BUCKETS: ColumnMap<LatencyBucketData> = {
  start: n('start_s', 'time'), bucketSeconds: n('bucket_s', POSITIVE), p50: n('p50_ms', MEASURE), p95: n('p95_ms', MEASURE), p99: n('p99_ms', MEASURE),
  // Runs where nothing streams have no first-byte columns.
  fbP50: { column: 'first_byte_p50_ms', rule: MEASURE, optional: true },
  fbP95: { column: 'first_byte_p95_ms', rule: MEASURE, optional: true },
  fbP99: { column: 'first_byte_p99_ms', rule: MEASURE, optional: true },
};

/** A series with no rows yet: an empty array per field of the map. */
function empty<T>(map: ColumnMap<T>): T {
  return Object.fromEntries(Object.keys(map).map((k) => [k, []])) as T;
}

/** Reads a number cell by its rule; a cell that breaks it stops the report with the file, line, column and rule. */
function numberAt(file: string, line: number, cells: readonly string[], index: number, column: string, rule: CellRule): number {
  const cell = cells[index];
  const v = readCell(cell, rule);
  if (v === undefined) throw badCell(file, line, column, cell, rule);
  return v;
}

/** The percentiles of a row, lowest first: knsim never writes a higher one below a lower one (the chart would draw p50 above p99). */
const PERCENTILE_ORDER = [['p50', 'p95', 'p99'], ['fbP50', 'fbP95', 'fbP99']] as const;

/**
 * Appends each row of a CSV to the series of its (service, revision), field by field as the map says, as the file is read.
 * Each of `ordered`'s groups of fields must not fall from left to right within a row (empty cells aside).
 */
function fill<T>(file: string, map: ColumnMap<T>, time: CellRule, series: (service: string, revision: string) => T, ordered: ReadonlyArray<readonly string[]> = []): void {
  readRunCsv(file, (header) => {
    const cols = new Columns(file, header);
    const [iS, iR] = [cols.col('service'), cols.col('revision')];
    const fields = Object.entries(map).map(([k, m]) => {
      const spec = m as ColumnSpec<unknown>;
      if ('cell' in spec) {
        const i = cols.col(spec.column);
        return { k, column: spec.column, i, rule: undefined, blankAs: Number.NaN, cell: spec.cell };
      }
      // An optional column the file does not have reads as an empty cell in every row.
      const i = spec.optional === true && !cols.has(spec.column) ? -1 : cols.col(spec.column);
      const rule = spec.rule === 'time' ? time : spec.rule;
      return { k, column: spec.column, i, rule: spec.blankAs === undefined ? rule : { ...rule, blank: true }, blankAs: spec.blankAs ?? Number.NaN, cell: undefined };
    });
    const groups = ordered.map((g) => g.map((k) => fields.find((f) => f.k === k)!));
    return (row, line) => {
      const d = series(row[iS] ?? '', row[iR] ?? '') as Record<string, unknown[]>;
      for (const f of fields) {
        if (f.rule === undefined) {
          d[f.k]!.push(f.cell!(row[f.i] ?? ''));
          continue;
        }
        const cell = row[f.i];
        if (cell === undefined || cell === '') {
          if (f.rule.blank !== true) throw badCell(file, line, f.column, cell, f.rule);
          d[f.k]!.push(f.blankAs);
          continue;
        }
        const v = Number(cell);
        if (!f.rule.ok(v)) throw badCell(file, line, f.column, cell, f.rule);
        d[f.k]!.push(v);
      }
      for (const group of groups) {
        const cells = group.flatMap((f) => {
          const v = d[f.k]!.at(-1) as number;
          return Number.isNaN(v) ? [] : [{ column: f.column, v }];
        });
        for (let j = 1; j < cells.length; j++) {
          const [lo, hi] = [cells[j - 1]!, cells[j]!];
          if (hi.v < lo.v) throw new NotARunDirectoryError(`${file}: line ${line}, column ${hi.column}: ${hi.v} is below ${lo.column} ${lo.v}, but a higher percentile is never below a lower one (not a file knsim wrote)`);
        }
      }
    };
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A summary.json number the report prints, and what it must be. */
interface ValueRule {
  rule: string;
  ok(v: unknown): boolean;
}
const WHOLE: ValueRule = { rule: 'a whole number ≥ 0', ok: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 };
const AMOUNT: ValueRule = { rule: 'a number ≥ 0', ok: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 };
/** Idle cost is negative when revisions use more than they request (OpenCost's max(request, usage)). */
const SIGNED: ValueRule = { rule: 'a finite number', ok: (v) => typeof v === 'number' && Number.isFinite(v) };

/**
 * The numbers of one summary (overall or a revision) the report prints, as [path, rule, optional]:
 * optional ones are absent from summaries of older knsim versions or of runs without them.
 */
const SUMMARY_VALUES: ReadonlyArray<readonly [string, ValueRule, boolean]> = [
  ['requests.total', WHOLE, false],
  ['requests.ok', WHOLE, false],
  ['requests.status503', WHOLE, false],
  ['requests.status504', WHOLE, false],
  ['requests.clientTimeouts', WHOLE, false],
  ['requests.noRoute', WHOLE, true],
  ['requests.status502', WHOLE, true],
  ['latencyMs.p50', AMOUNT, false],
  ['latencyMs.p95', AMOUNT, false],
  ['latencyMs.p99', AMOUNT, false],
  ['latencyMs.max', AMOUNT, false],
  ['firstByteMs.p50', AMOUNT, true],
  ['firstByteMs.p99', AMOUNT, true],
  ['sessionsClosedAtShutdown', WHOLE, true],
  ['coldStartRequests', WHOLE, false],
  ['podSeconds', AMOUNT, false],
  ['podHours', AMOUNT, true],
  ['readyPodHours', AMOUNT, true],
  ['maxReadyPods', WHOLE, false],
  ['panicSeconds', AMOUNT, false],
];

/** The node and cost numbers the nodes and cost charts print (summaries of runs with node pools). */
const CLUSTER_VALUES: ReadonlyArray<readonly [string, ValueRule, boolean]> = [
  ['nodes.max', WHOLE, true],
  ['nodes.podsWaitedForNode', WHOLE, true],
  ['nodes.maxPendingSeconds', AMOUNT, true],
  ['cost.total', AMOUNT, true],
  ['cost.idle', SIGNED, true],
  ['cost.daemonSets', AMOUNT, true],
  ['cost.perDay', AMOUNT, true],
];

const at = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), o);

/** The first of `rules` that `o` breaks, as "where.path: value is not rule", or undefined. */
function badValue(o: unknown, where: string, rules: ReadonlyArray<readonly [string, ValueRule, boolean]>): string | undefined {
  for (const [path, rule, optional] of rules) {
    const v = at(o, path);
    if (v === undefined && optional) continue;
    // A summary edited by hand or written by another tool printed "-5", "abc (NaN%)" or "undefined" in the table.
    if (v === undefined) return `${where}${path} is missing (must be ${rule.rule})`;
    if (!rule.ok(v)) return `${where}${path}: ${String(JSON.stringify(v)).slice(0, 80)} is not ${rule.rule}`;
  }
  return undefined;
}

/** What a summary.json lacks of what every knsim run writes and the report reads, or undefined. */
function summaryShapeError(summary: RunSummary): string | undefined {
  const top = summary as unknown as Record<string, unknown>;
  if (typeof top['scenario'] !== 'string') return 'no scenario name';
  for (const k of ['seed', 'simulatedSeconds', 'events']) if (typeof top[k] !== 'number' || !Number.isFinite(top[k])) return `${k} is not a number`;
  const counts = (r: unknown): boolean => isObject(r) && isObject(r['requests']) && isObject(r['latencyMs']);
  if (!counts(top['overall'])) return 'no overall requests and latencyMs';
  for (const [i, r] of (summary.revisions as unknown[]).entries()) {
    if (!counts(r) || typeof (r as Record<string, unknown>)['service'] !== 'string' || typeof (r as Record<string, unknown>)['revision'] !== 'string') {
      return `revisions[${i}] is not a revision summary`;
    }
  }
  const scalar = badValue(top, '', [['simulatedSeconds', AMOUNT, false], ['events', WHOLE, false]]) ?? badValue(top, '', CLUSTER_VALUES) ?? badValue(top['overall'], 'overall.', SUMMARY_VALUES);
  if (scalar !== undefined) return scalar;
  for (const [i, r] of (summary.revisions as unknown[]).entries()) {
    const where = `revisions[${i}].`;
    const bad = badValue(r, where, SUMMARY_VALUES);
    if (bad !== undefined) return bad;
    const rec = r as Record<string, unknown>;
    const first = rec['timeToFirstReadySeconds'];
    if (first !== undefined && first !== null && !AMOUNT.ok(first)) return `${where}timeToFirstReadySeconds: ${JSON.stringify(first)} is not null or ${AMOUNT.rule}`;
    const zero = rec['scaleToZeroAtSeconds'];
    if (zero !== undefined && !(Array.isArray(zero) && zero.every((v) => AMOUNT.ok(v)))) return `${where}scaleToZeroAtSeconds: not a list of numbers ≥ 0`;
  }
  return undefined;
}

/** Slack for percents written rounded (three revisions at 33.34 %). */
const TRAFFIC_SUM_SLACK = 1;

/**
 * A Route splits a service's traffic into shares of 100 %, so its revisions' traffic_percent at
 * one time add up to at most 100. A file that says more was not written by knsim, and the
 * traffic chart, which stacks the shares on a 0–100 axis, would draw the excess as a band
 * thousands of pixels above it: 500 rows of 100 % at one second asked for a 100,000-pixel-tall
 * image and gigabytes of memory.
 */
function checkTrafficShares(file: string, revisions: Iterable<RevisionData>): void {
  const sums = new Map<string, Map<number, number>>();
  for (const r of revisions) {
    let byTime = sums.get(r.service);
    if (byTime === undefined) sums.set(r.service, (byTime = new Map()));
    const { time, trafficPercent } = r.timeseries;
    for (let i = 0; i < time.length; i++) {
      const p = trafficPercent[i]!;
      if (Number.isNaN(p)) continue;
      const sum = (byTime.get(time[i]!) ?? 0) + p;
      if (sum > 100 + TRAFFIC_SUM_SLACK) {
        throw new NotARunDirectoryError(
          `${file}: column traffic_percent: the revisions of service ${JSON.stringify(r.service)} add up to more than 100 at ${time[i]} s (${Math.round(sum * 100) / 100}), but a Route's shares add up to 100 (not a file knsim wrote)`,
        );
      }
      byTime.set(time[i]!, sum);
    }
  }
}

/**
 * Reads a run directory's summary, settings and per-tick CSVs (never requests.csv, which
 * may be huge or absent). Throws NotARunDirectoryError when summary.json is missing.
 */
export function loadRunData(dir: string): RunData {
  const summaryPath = join(dir, 'summary.json');
  if (!existsSync(summaryPath)) throw new NotARunDirectoryError(`${dir}: not a knsim run directory (no summary.json)`);
  let summary: RunSummary;
  try {
    summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as RunSummary;
  } catch (e) {
    throw new NotARunDirectoryError(`${summaryPath}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof summary !== 'object' || summary === null || !Array.isArray(summary.revisions) || typeof summary.simulatedSeconds !== 'number') {
    throw new NotARunDirectoryError(`${summaryPath}: not a knsim summary (no revisions or simulatedSeconds)`);
  }
  // The fields the report reads: without them (a summary.json knsim did not write) it failed deep inside as an internal error.
  const missing = summaryShapeError(summary);
  if (missing !== undefined) throw new NotARunDirectoryError(`${summaryPath}: not a knsim summary (${missing})`);
  const settingsPath = join(dir, 'settings.json');
  let settings: RunSettings | undefined;
  if (existsSync(settingsPath)) {
    try {
      settings = JSON.parse(readFileSync(settingsPath, 'utf8')) as RunSettings;
    } catch (e) {
      throw new NotARunDirectoryError(`${settingsPath}: not valid JSON (${(e as Error).message})`);
    }
    const bad = settingsShapeError(settings);
    if (bad !== undefined) throw new NotARunDirectoryError(`${settingsPath}: not a knsim settings file (${bad})`);
  }

  const revs = new Map<string, RevisionData>();
  const key = (service: string, revision: string): string => `${service}\u0000${revision}`;
  const rev = (service: string, revision: string): RevisionData => {
    const k = key(service, revision);
    let r = revs.get(k);
    if (r === undefined) {
      r = {
        service,
        revision,
        settings: settings?.revisions.find((s) => s.service === service && s.revision === revision),
        timeseries: empty(TIMESERIES),
        decisions: empty(DECISIONS),
        requests: empty(REQUESTS),
        pods: empty(PODS),
        latencyBuckets: empty(LATENCY_BUCKETS),
        cdf: { all: [], cold: [], warm: [], firstByte: [] },
      };
      revs.set(k, r);
    }
    return r;
  };
  // Revisions in the order settings.json lists them (by service, oldest first), then any others.
  for (const s of settings?.revisions ?? []) rev(s.service, s.revision);
  for (const s of summary.revisions) if (s.revision !== '') rev(s.service, s.revision);

  const durationSeconds = settings?.durationSeconds ?? summary.simulatedSeconds;
  // A row's time is within the run: settings.json's duration, or the summary's simulated seconds.
  const time = timeRule(Math.max(durationSeconds, summary.simulatedSeconds));
  // Each file, when the run wrote it, is read row by row straight into the revisions' series.
  const present = (file: string): string | undefined => {
    const p = join(dir, file);
    return existsSync(p) ? p : undefined;
  };

  const ts = present('timeseries.csv');
  if (ts !== undefined) {
    fill(ts, TIMESERIES, time, (s, r) => rev(s, r).timeseries);
    checkTrafficShares(ts, revs.values());
  }
  const as = present('autoscaler.csv');
  if (as !== undefined) fill(as, DECISIONS, time, (s, r) => rev(s, r).decisions);
  const rq = present('requests-per-second.csv');
  if (rq !== undefined) fill(rq, REQUESTS, time, (s, r) => rev(s, r).requests, PERCENTILE_ORDER);
  const pe = present('pods.csv');
  if (pe !== undefined) fill(pe, PODS, time, (s, r) => rev(s, r).pods);
  const lb = present('latency-buckets.csv');
  if (lb !== undefined) fill(lb, LATENCY_BUCKETS, time, (s, r) => rev(s, r).latencyBuckets, PERCENTILE_ORDER);

  const nc = present('nodes.csv');
  let nodes: NodeEventData | undefined;
  if (nc !== undefined) {
    const into: NodeEventData = { time: [], node: [], pool: [], event: [], pricePerHour: [] };
    readRunCsv(nc, (header) => {
      const c = new Columns(nc, header);
      const [iT, iN, iP, iE, iPr] = [c.col('time_s'), c.col('node'), c.col('pool'), c.col('event'), c.col('price_per_hour')];
      return (row, line) => {
        into.time.push(numberAt(nc, line, row, iT, 'time_s', time));
        into.node.push(row[iN] ?? '');
        into.pool.push(row[iP] ?? '');
        into.event.push(row[iE] ?? '');
        into.pricePerHour.push(numberAt(nc, line, row, iPr, 'price_per_hour', MEASURE));
      };
    });
    nodes = into;
  }

  const cdf = present('latency-cdf.csv');
  if (cdf !== undefined) {
    readRunCsv(cdf, (header) => {
      const c = new Columns(cdf, header);
      const [iS, iR, iK, iMs, iF] = [c.col('service'), c.col('revision'), c.col('kind'), c.col('latency_ms'), c.col('fraction')];
      return (row, line) => {
        const kind = row[iK];
        const key = kind === 'first_byte' ? 'firstByte' : kind;
        if (key !== 'all' && key !== 'cold' && key !== 'warm' && key !== 'firstByte') return;
        const points = rev(row[iS] ?? '', row[iR] ?? '').cdf[key];
        const p = { ms: numberAt(cdf, line, row, iMs, 'latency_ms', MEASURE), fraction: numberAt(cdf, line, row, iF, 'fraction', FRACTION) };
        // A distribution's points rise in both latency and share; a falling one would draw the curve backwards.
        const last = points.at(-1);
        if (last !== undefined && (p.ms < last.ms || p.fraction < last.fraction)) {
          const [column, v, was] = p.ms < last.ms ? ['latency_ms', p.ms, last.ms] : ['fraction', p.fraction, last.fraction];
          throw new NotARunDirectoryError(`${cdf}: line ${line}, column ${column}: ${v} is below the previous ${row[iR] ?? ''} ${kind} row's ${was}, but a distribution's points never fall (not a file knsim wrote)`);
        }
        points.push(p);
      };
    });
  }

  return {
    dir,
    summary,
    settings,
    durationSeconds,
    revisions: [...revs.values()],
    nodes,
    files: { timeseries: ts !== undefined, autoscaler: as !== undefined, requestSeries: rq !== undefined, latencyCdf: cdf !== undefined, pods: pe !== undefined, latencyBuckets: lb !== undefined },
  };
}
