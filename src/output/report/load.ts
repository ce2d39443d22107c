import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RevisionSettings, RunSettings } from '../settings.js';
import type { RunSummary } from '../summary.js';
import { Columns, parseNumberCell, parseCsv } from './csv.js';

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
  /** Which of the per-tick files were present. */
  files: { timeseries: boolean; autoscaler: boolean; requestSeries: boolean; latencyCdf: boolean; pods: boolean; latencyBuckets: boolean };
}

/** The directory is not a knsim run directory. */
export class NotARunDirectoryError extends Error {
  override readonly name = 'NotARunDirectoryError';
}

const emptyTimeseries = (): TimeseriesData => ({
  time: [], pending: [], starting: [], ready: [], terminating: [], activatorWaiting: [], podQueued: [], podExecuting: [], trafficPercent: [], proxy: [],
});
const emptyDecisions = (): DecisionData => ({
  time: [], target: [], readyPods: [], observedStable: [], observedPanic: [], desired: [], want: [], inPanic: [], valid: [],
});
const emptyRequests = (): RequestSeriesData => ({
  time: [], completed: [], ok: [], status503: [], status504: [], clientTimeouts: [], cold: [], p50: [], p95: [], p99: [],
});

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
  const settingsPath = join(dir, 'settings.json');
  const settings = existsSync(settingsPath) ? (JSON.parse(readFileSync(settingsPath, 'utf8')) as RunSettings) : undefined;

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
        timeseries: emptyTimeseries(),
        decisions: emptyDecisions(),
        requests: emptyRequests(),
        pods: { time: [], pod: [], event: [] },
        latencyBuckets: { start: [], bucketSeconds: [], p50: [], p95: [], p99: [] },
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
    const t = parseCsv(readFileSync(p, 'utf8'));
    return { cols: new Columns(file, t.header), rows: t.rows };
  };

  const ts = read('timeseries.csv');
  if (ts !== undefined) {
    const c = ts.cols;
    const [iT, iS, iR] = [c.col('time_s'), c.col('service'), c.col('revision')];
    const [iPe, iSt, iRe, iTe] = [c.col('pending'), c.col('starting'), c.col('ready'), c.col('terminating')];
    const [iAw, iPq, iPx, iSks, iTr] = [c.col('activator_waiting'), c.col('pod_queued'), c.col('pod_executing'), c.col('sks_mode'), c.col('traffic_percent')];
    for (const row of ts.rows) {
      const d = rev(row[iS] ?? '', row[iR] ?? '').timeseries;
      d.time.push(parseNumberCell(row[iT]));
      d.pending.push(parseNumberCell(row[iPe]));
      d.starting.push(parseNumberCell(row[iSt]));
      d.ready.push(parseNumberCell(row[iRe]));
      d.terminating.push(parseNumberCell(row[iTe]));
      d.activatorWaiting.push(parseNumberCell(row[iAw]));
      d.podQueued.push(parseNumberCell(row[iPq]));
      d.podExecuting.push(parseNumberCell(row[iPx]));
      d.trafficPercent.push(parseNumberCell(row[iTr]));
      d.proxy.push(row[iSks] === 'Proxy' ? 1 : 0);
    }
  }

  const as = read('autoscaler.csv');
  if (as !== undefined) {
    const c = as.cols;
    const [iT, iS, iR, iTg, iRp] = [c.col('time_s'), c.col('service'), c.col('revision'), c.col('target'), c.col('ready_pods')];
    const [iOs, iOp, iDe, iWa, iIp, iVa] = [c.col('observed_stable'), c.col('observed_panic'), c.col('desired'), c.col('want'), c.col('in_panic'), c.col('valid')];
    for (const row of as.rows) {
      const d = rev(row[iS] ?? '', row[iR] ?? '').decisions;
      d.time.push(parseNumberCell(row[iT]));
      d.target.push(parseNumberCell(row[iTg]));
      d.readyPods.push(parseNumberCell(row[iRp]));
      d.observedStable.push(parseNumberCell(row[iOs]));
      d.observedPanic.push(parseNumberCell(row[iOp]));
      d.desired.push(parseNumberCell(row[iDe]));
      d.want.push(parseNumberCell(row[iWa]));
      d.inPanic.push(parseNumberCell(row[iIp]));
      d.valid.push(parseNumberCell(row[iVa]));
    }
  }

  const rq = read('requests-per-second.csv');
  if (rq !== undefined) {
    const c = rq.cols;
    const [iT, iS, iR, iC, iOk] = [c.col('time_s'), c.col('service'), c.col('revision'), c.col('completed'), c.col('ok')];
    const [i503, i504, iCt, iCo, i50, i95, i99] = [c.col('status503'), c.col('status504'), c.col('client_timeouts'), c.col('cold'), c.col('p50_ms'), c.col('p95_ms'), c.col('p99_ms')];
    for (const row of rq.rows) {
      const d = rev(row[iS] ?? '', row[iR] ?? '').requests;
      d.time.push(parseNumberCell(row[iT]));
      d.completed.push(parseNumberCell(row[iC]));
      d.ok.push(parseNumberCell(row[iOk]));
      d.status503.push(parseNumberCell(row[i503]));
      d.status504.push(parseNumberCell(row[i504]));
      d.clientTimeouts.push(parseNumberCell(row[iCt]));
      d.cold.push(parseNumberCell(row[iCo]));
      d.p50.push(parseNumberCell(row[i50]));
      d.p95.push(parseNumberCell(row[i95]));
      d.p99.push(parseNumberCell(row[i99]));
    }
  }

  const pe = read('pods.csv');
  if (pe !== undefined) {
    const c = pe.cols;
    const [iT, iS, iR, iP, iE] = [c.col('time_s'), c.col('service'), c.col('revision'), c.col('pod'), c.col('event')];
    for (const row of pe.rows) {
      const d = rev(row[iS] ?? '', row[iR] ?? '').pods;
      d.time.push(parseNumberCell(row[iT]));
      d.pod.push(row[iP] ?? '');
      d.event.push(row[iE] ?? '');
    }
  }

  const lb = read('latency-buckets.csv');
  if (lb !== undefined) {
    const c = lb.cols;
    const [iT, iW, iS, iR, i50, i95, i99] = [c.col('start_s'), c.col('bucket_s'), c.col('service'), c.col('revision'), c.col('p50_ms'), c.col('p95_ms'), c.col('p99_ms')];
    for (const row of lb.rows) {
      const d = rev(row[iS] ?? '', row[iR] ?? '').latencyBuckets;
      d.start.push(parseNumberCell(row[iT]));
      d.bucketSeconds.push(parseNumberCell(row[iW]));
      d.p50.push(parseNumberCell(row[i50]));
      d.p95.push(parseNumberCell(row[i95]));
      d.p99.push(parseNumberCell(row[i99]));
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
    files: { timeseries: ts !== undefined, autoscaler: as !== undefined, requestSeries: rq !== undefined, latencyCdf: cdf !== undefined, pods: pe !== undefined, latencyBuckets: lb !== undefined },
  };
}
