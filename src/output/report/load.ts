import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RevisionSettings, RunSettings } from '../settings.js';
import type { RunSummary } from '../summary.js';
import { Columns, NotARunDirectoryError, parseNumberCell, readRunCsv } from './csv.js';

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
  cdf: { all: CdfPoint[]; cold: CdfPoint[]; warm: CdfPoint[] };
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

/** Where each field of a per-revision series comes from: a column read as a number, or a column and how to read its cell. */
/** A field's column: by name (a number cell), or with its own reading; an optional column may be missing from the file. */
type ColumnMap<T> = { [K in keyof T]: string | { column: string; cell: (v: string) => T[K] extends Array<infer E> ? E : never; optional?: boolean } };

const TIMESERIES: ColumnMap<TimeseriesData> = {
  time: 'time_s', pending: 'pending', starting: 'starting', ready: 'ready', terminating: 'terminating',
  activatorWaiting: 'activator_waiting', podQueued: 'pod_queued', podExecuting: 'pod_executing', trafficPercent: 'traffic_percent',
  proxy: { column: 'sks_mode', cell: (v) => (v === 'Proxy' ? 1 : 0) },
};
const DECISIONS: ColumnMap<DecisionData> = {
  time: 'time_s', target: 'target', readyPods: 'ready_pods', observedStable: 'observed_stable', observedPanic: 'observed_panic',
  desired: 'desired', want: 'want', inPanic: 'in_panic', valid: 'valid',
};
const REQUESTS: ColumnMap<RequestSeriesData> = {
  time: 'time_s', completed: 'completed', ok: 'ok', status503: 'status503', status504: 'status504', clientTimeouts: 'client_timeouts',
  status502: { column: 'status502', cell: (v) => (v === '' ? 0 : Number(v)), optional: true },
  cold: 'cold', p50: 'p50_ms', p95: 'p95_ms', p99: 'p99_ms',
};
const PODS: ColumnMap<PodEventData> = { time: 'time_s', pod: { column: 'pod', cell: (v) => v }, event: { column: 'event', cell: (v) => v } };
const LATENCY_BUCKETS: ColumnMap<LatencyBucketData> = { start: 'start_s', bucketSeconds: 'bucket_s', p50: 'p50_ms', p95: 'p95_ms', p99: 'p99_ms' };

/** A series with no rows yet: an empty array per field of the map. */
function empty<T>(map: ColumnMap<T>): T {
  return Object.fromEntries(Object.keys(map).map((k) => [k, []])) as T;
}

/** Appends each row of a CSV to the series of its (service, revision), field by field as the map says. */
function fill<T>(table: { cols: Columns; rows: string[][] }, map: ColumnMap<T>, series: (service: string, revision: string) => T): void {
  const { cols, rows } = table;
  const [iS, iR] = [cols.col('service'), cols.col('revision')];
  const fields = Object.entries(map).map(([k, m]) => {
    const spec = m as string | { column: string; cell: (v: string) => unknown; optional?: boolean };
    if (typeof spec === 'string') return { k, i: cols.col(spec), read: parseNumberCell as (v: string | undefined) => unknown };
    // An optional column the file does not have reads as an empty cell in every row.
    const i = spec.optional === true && !cols.has(spec.column) ? -1 : cols.col(spec.column);
    return { k, i, read: (v: string | undefined) => spec.cell(v ?? '') };
  });
  for (const row of rows) {
    const d = series(row[iS] ?? '', row[iR] ?? '') as Record<string, unknown[]>;
    for (const f of fields) d[f.k]!.push(f.read(row[f.i]));
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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
  return undefined;
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
    if (typeof settings !== 'object' || settings === null || !Array.isArray(settings.revisions)) {
      throw new NotARunDirectoryError(`${settingsPath}: not a knsim settings file (no revisions)`);
    }
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
        cdf: { all: [], cold: [], warm: [] },
      };
      revs.set(k, r);
    }
    return r;
  };
  // Revisions in the order settings.json lists them (by service, oldest first), then any others.
  for (const s of settings?.revisions ?? []) rev(s.service, s.revision);
  for (const s of summary.revisions) if (s.revision !== '') rev(s.service, s.revision);

  const read = (file: string): { cols: Columns; rows: string[][] } | undefined => {
    const p = join(dir, file);
    if (!existsSync(p)) return undefined;
    const t = readRunCsv(p);
    return { cols: new Columns(p, t.header), rows: t.rows };
  };

  const ts = read('timeseries.csv');
  if (ts !== undefined) fill(ts, TIMESERIES, (s, r) => rev(s, r).timeseries);
  const as = read('autoscaler.csv');
  if (as !== undefined) fill(as, DECISIONS, (s, r) => rev(s, r).decisions);
  const rq = read('requests-per-second.csv');
  if (rq !== undefined) fill(rq, REQUESTS, (s, r) => rev(s, r).requests);
  const pe = read('pods.csv');
  if (pe !== undefined) fill(pe, PODS, (s, r) => rev(s, r).pods);
  const lb = read('latency-buckets.csv');
  if (lb !== undefined) fill(lb, LATENCY_BUCKETS, (s, r) => rev(s, r).latencyBuckets);

  const nc = read('nodes.csv');
  let nodes: NodeEventData | undefined;
  if (nc !== undefined) {
    const c = nc.cols;
    const [iT, iN, iP, iE, iPr] = [c.col('time_s'), c.col('node'), c.col('pool'), c.col('event'), c.col('price_per_hour')];
    nodes = { time: [], node: [], pool: [], event: [], pricePerHour: [] };
    for (const row of nc.rows) {
      nodes.time.push(parseNumberCell(row[iT]));
      nodes.node.push(row[iN] ?? '');
      nodes.pool.push(row[iP] ?? '');
      nodes.event.push(row[iE] ?? '');
      nodes.pricePerHour.push(parseNumberCell(row[iPr]));
    }
  }

  const cdf = read('latency-cdf.csv');
  if (cdf !== undefined) {
    const c = cdf.cols;
    const [iS, iR, iK, iMs, iF] = [c.col('service'), c.col('revision'), c.col('kind'), c.col('latency_ms'), c.col('fraction')];
    for (const row of cdf.rows) {
      const kind = row[iK];
      if (kind !== 'all' && kind !== 'cold' && kind !== 'warm') continue;
      rev(row[iS] ?? '', row[iR] ?? '').cdf[kind].push({ ms: parseNumberCell(row[iMs]), fraction: parseNumberCell(row[iF]) });
    }
  }

  return {
    dir,
    summary,
    settings,
    durationSeconds: settings?.durationSeconds ?? summary.simulatedSeconds,
    revisions: [...revs.values()],
    nodes,
    files: { timeseries: ts !== undefined, autoscaler: as !== undefined, requestSeries: rq !== undefined, latencyCdf: cdf !== undefined, pods: pe !== undefined, latencyBuckets: lb !== undefined },
  };
}
