import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DecisionRecord } from '../core/autoscaler/index.js';
import type { Pod } from '../model/pod.js';
import type { PodEvent, Recorder } from '../model/recorder.js';
import {
  STATUS_CLIENT_TIMEOUT,
  STATUS_NO_ROUTE,
  STATUS_OK,
  STATUS_OVERLOADED,
  STATUS_TIMEOUT,
  type Request,
} from '../model/request.js';
import type { Revision } from '../model/revision.js';
import type { RequestTraceMode } from '../model/spec.js';
import { CsvWriter, cell, ms, num, sec } from './csv-writer.js';
import { LatencyHistogram } from './latency.js';
import { RevisionStats, round3, type RunSummary } from './summary.js';

export const REQUESTS_HEADER = [
  'id', 'service', 'revision', 'client', 'arrival_s', 'service_start_s', 'end_s', 'latency_ms', 'status',
  'route', 'pod', 'cold', 'activator_queue_ms', 'pod_queue_ms',
] as const;
export const AUTOSCALER_HEADER = [
  'time_s', 'service', 'revision', 'metric', 'target', 'ready_pods', 'observed_stable', 'observed_panic',
  'desired', 'want', 'in_panic', 'excess_burst_capacity', 'sks_mode', 'activators', 'valid', 'poke',
] as const;
export const REQUEST_SERIES_HEADER = [
  'time_s', 'service', 'revision', 'completed', 'ok', 'status503', 'status504', 'client_timeouts', 'cold', 'p50_ms', 'p95_ms', 'p99_ms',
] as const;
export const LATENCY_CDF_HEADER = ['service', 'revision', 'kind', 'latency_ms', 'fraction'] as const;
export const PODS_HEADER = ['time_s', 'service', 'revision', 'pod', 'event'] as const;
export const TIMESERIES_HEADER = [
  'time_s', 'service', 'revision', 'pending', 'starting', 'ready', 'terminating', 'activator_healthy',
  'replicas', 'activator_waiting', 'pod_queued', 'pod_executing', 'sks_mode', 'traffic_percent',
] as const;

export interface RunRecorderOptions {
  /** Where to write CSVs; undefined keeps only the in-memory aggregates (sweeps, tests). */
  outDir: string | undefined;
  trace: RequestTraceMode;
  /** Write autoscaler.csv, pods.csv and timeseries.csv (default true). */
  perTickFiles?: boolean;
}

function statusText(status: number): string {
  return status === STATUS_CLIENT_TIMEOUT ? 'client_timeout' : String(status);
}

/** A deterministic keep/drop for sampled request traces: a hash of the id, not a random draw. */
function sampled(id: number, rate: number): boolean {
  const h = Math.imul(id ^ (id >>> 16), 0x45d9f3b) >>> 0;
  return ((Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0) / 4294967296) < rate;
}

/**
 * Streams the run's CSVs and keeps the aggregates summary.json needs. Memory is O(revisions),
 * not O(requests): percentiles come from fixed-size HDR histograms.
 */
export class RunRecorder implements Recorder {
  private readonly requests: CsvWriter | undefined;
  private readonly autoscaler: CsvWriter | undefined;
  private readonly pods: CsvWriter | undefined;
  private readonly timeseries: CsvWriter | undefined;
  private readonly requestSeries: CsvWriter | undefined;
  /** Per revision, the current 1 s window of completions (flushed by sample()). */
  private readonly window = new Map<Revision, SecondWindow>();
  private readonly byRevision = new Map<Revision, RevisionStats>();
  private readonly noRoute = new Map<string, RevisionStats>();
  private readonly sampleRate: number;
  private readonly trafficShare = new Map<string, ReadonlyMap<string, number>>();
  private totalReady = 0;
  private maxTotalReady = 0;

  constructor(readonly options: RunRecorderOptions) {
    const out = options.outDir;
    const t = options.trace;
    this.sampleRate = t.mode === 'full' ? 1 : t.mode === 'sample' ? t.rate : 0;
    if (out !== undefined) {
      mkdirSync(out, { recursive: true });
      if (this.sampleRate > 0) this.requests = new CsvWriter(join(out, 'requests.csv'), REQUESTS_HEADER);
      if (options.perTickFiles ?? true) {
        this.autoscaler = new CsvWriter(join(out, 'autoscaler.csv'), AUTOSCALER_HEADER);
        this.pods = new CsvWriter(join(out, 'pods.csv'), PODS_HEADER);
        this.timeseries = new CsvWriter(join(out, 'timeseries.csv'), TIMESERIES_HEADER);
        this.requestSeries = new CsvWriter(join(out, 'requests-per-second.csv'), REQUEST_SERIES_HEADER);
      }
    }
  }

  private stats(rev: Revision): RevisionStats {
    let s = this.byRevision.get(rev);
    if (s === undefined) {
      s = new RevisionStats(rev.spec.service, rev.spec.name);
      this.byRevision.set(rev, s);
    }
    return s;
  }

  request(req: Request): void {
    const rev = req.revision;
    let s: RevisionStats;
    if (rev === undefined) {
      s = this.noRoute.get(req.service) ?? new RevisionStats(req.service, '');
      this.noRoute.set(req.service, s);
    } else {
      s = this.stats(rev);
    }
    const c = s.counts;
    c.total++;
    const latency = req.end - req.arrival;
    switch (req.status) {
      case STATUS_OK:
        c.ok++;
        // "All" is cold + warm, merged when the summary is built.
        (req.cold ? s.coldLatency : s.warmLatency).recordSeconds(latency);
        break;
      case STATUS_OVERLOADED:
        c.status503++;
        break;
      case STATUS_TIMEOUT:
        c.status504++;
        break;
      case STATUS_CLIENT_TIMEOUT:
        c.clientTimeouts++;
        break;
      case STATUS_NO_ROUTE:
        c.noRoute++;
        break;
    }
    if (req.cold) s.cold++;
    if (rev !== undefined && this.requestSeries !== undefined) {
      let win = this.window.get(rev);
      if (win === undefined) {
        win = new SecondWindow();
        this.window.set(rev, win);
      }
      win.add(req.status, req.cold, latency);
    }
    const w = this.requests;
    if (w !== undefined && (this.sampleRate >= 1 || sampled(req.id, this.sampleRate))) {
      const actQueue = Number.isNaN(req.activatorIn) ? Number.NaN : (Number.isNaN(req.activatorOut) ? req.end : req.activatorOut) - req.activatorIn;
      const podQueue = Number.isNaN(req.podIn) ? Number.NaN : (Number.isNaN(req.serviceStart) ? req.end : req.serviceStart) - req.podIn;
      w.line(
        `${req.id},${req.service},${rev?.spec.name ?? ''},${cell(req.clientName)},${sec(req.arrival)},${sec(req.serviceStart)},${sec(req.end)},${ms(latency)},${statusText(req.status)},${req.route},${req.pod?.name ?? ''},${req.cold ? 1 : 0},${ms(actQueue)},${ms(podQueue)}`,
      );
    }
  }

  decision(d: DecisionRecord, rev: Revision): void {
    const s = this.stats(rev);
    s.panic(d.inPanic, d.time);
    const w = this.autoscaler;
    if (w === undefined) return;
    const spec = rev.spec;
    w.line(
      `${sec(d.time)},${spec.service},${spec.name},${spec.autoscaling.metric},${num(spec.autoscaling.deciderSpec.targetValue)},${d.readyPods},${num(d.observedStable)},${num(d.observedPanic)},${d.desired},${d.want},${d.inPanic ? 1 : 0},${d.excessBurstCapacity},${d.sksMode},${d.activators},${d.valid ? 1 : 0},${d.poke ? 1 : 0}`,
    );
  }

  podTransition(pod: Pod, event: PodEvent, now: number): void {
    const rev = pod.revision;
    const s = this.stats(rev);
    s.advancePods(now);
    switch (event) {
      case 'Pending':
        s.existingPods++;
        s.livePods++;
        break;
      case 'Ready':
        s.readyPods++;
        this.totalReady++;
        if (s.readyPods > s.maxReady) s.maxReady = s.readyPods;
        if (this.totalReady > this.maxTotalReady) this.maxTotalReady = this.totalReady;
        break;
      case 'Terminating':
        if (!Number.isNaN(pod.readyAt)) {
          s.readyPods--;
          this.totalReady--;
        }
        s.livePods--;
        if (s.livePods === 0) s.scaleToZeroAt.push(now);
        break;
      case 'Gone':
        s.existingPods--;
        if (Number.isNaN(pod.terminatingAt)) s.livePods--;
        break;
      default:
        break;
    }
    this.pods?.line(`${sec(now)},${rev.spec.service},${rev.spec.name},${pod.name},${event}`);
  }

  traffic(service: string, _now: number, percents: ReadonlyMap<string, number>): void {
    this.trafficShare.set(service, new Map(percents));
  }

  sample(rev: Revision, now: number): void {
    const win = this.window.get(rev);
    if (win !== undefined && win.completed > 0) {
      this.requestSeries!.line(`${sec(now)},${rev.spec.service},${rev.spec.name},${win.completed},${win.ok},${win.s503},${win.s504},${win.clientTimeouts},${win.cold},${win.p(50)},${win.p(95)},${win.p(99)}`);
      win.reset();
    }
    const w = this.timeseries;
    if (w === undefined) return;
    let pending = 0;
    let starting = 0;
    let ready = 0;
    let terminating = 0;
    let queued = 0;
    let executing = 0;
    for (const p of rev.allPods) {
      if (p.phase === 'Pending') pending++;
      else if (p.phase === 'Starting') starting++;
      else if (p.phase === 'Ready') ready++;
      else if (p.phase === 'Terminating') terminating++;
      queued += p.queued;
      executing += p.executing;
    }
    let waiting = 0;
    for (const a of rev.world.activators) waiting += a.existingThrottler(rev)?.waiting ?? 0;
    const share = this.trafficShare.get(rev.spec.service)?.get(rev.spec.name) ?? 0;
    w.line(
      `${sec(now)},${rev.spec.service},${rev.spec.name},${pending},${starting},${ready},${terminating},${rev.activatorHealthyPods.length},${rev.replicas},${waiting},${queued},${executing},${rev.sksEffectiveMode},${num(share)}`,
    );
  }

  /** Closes the files and returns the summary (wall time and event count from the caller). */
  finish(meta: { scenario: string; seed: number; simulatedSeconds: number; events: number; wallSeconds: number }): RunSummary {
    for (const w of [this.requests, this.autoscaler, this.pods, this.timeseries, this.requestSeries]) w?.close();
    if (this.options.outDir !== undefined && (this.options.perTickFiles ?? true)) this.writeCdf();
    const now = meta.simulatedSeconds;
    for (const [rev, s] of this.byRevision) {
      s.firstRequestAt = rev.firstRequestAt;
      s.firstReadyAfterRequest = rev.firstReadyAfterRequestAt;
    }
    const all = [...this.byRevision.values(), ...this.noRoute.values()];
    const revisions = all.map((s) => s.finish(now)).sort((a, b) => (a.service + '/' + a.revision).localeCompare(b.service + '/' + b.revision));
    const latency = new LatencyHistogram();
    for (const s of all) latency.add(s.allLatency());
    const overallLatency = latency.summary();
    latency.destroy();
    for (const s of all) s.destroy();
    const counts = { total: 0, ok: 0, status503: 0, status504: 0, clientTimeouts: 0, noRoute: 0 };
    for (const r of revisions) for (const k of Object.keys(counts) as Array<keyof typeof counts>) counts[k] += r.requests[k];
    return {
      scenario: meta.scenario,
      seed: meta.seed,
      simulatedSeconds: meta.simulatedSeconds,
      events: meta.events,
      wallSeconds: meta.wallSeconds,
      overall: {
        requests: counts,
        latencyMs: overallLatency,
        coldStartRequests: revisions.reduce((a, r) => a + r.coldStartRequests, 0),
        podSeconds: round3(revisions.reduce((a, r) => a + r.podSeconds, 0)),
        maxReadyPods: this.maxTotalReady,
        panicSeconds: round3(revisions.reduce((a, r) => a + r.panicSeconds, 0)),
      },
      revisions: revisions.filter((r) => r.revision !== '' || r.requests.total > 0),
    };
  }

  private writeCdf(): void {
    const w = new CsvWriter(join(this.options.outDir!, 'latency-cdf.csv'), LATENCY_CDF_HEADER);
    const revs = [...this.byRevision.values()].sort((a, b) => (a.service + a.revision).localeCompare(b.service + b.revision));
    for (const s of revs) {
      for (const [kind, h] of [['all', s.allLatency()], ['cold', s.coldLatency], ['warm', s.warmLatency]] as const) {
        for (const pt of h.cdf()) w.line(`${s.service},${s.revision},${kind},${pt.ms},${pt.fraction}`);
      }
    }
    w.close();
  }

}

/**
 * Completions of one revision in the current 1 s window. Latencies of its 200s are kept in a
 * reusable typed array and ranked exactly at the end of the second (nearest rank): a sort
 * of one second's requests is far cheaper than a histogram query per second.
 */
class SecondWindow {
  completed = 0;
  ok = 0;
  s503 = 0;
  s504 = 0;
  clientTimeouts = 0;
  cold = 0;
  private latencies = new Float64Array(64);
  private sorted = false;

  add(status: number, cold: boolean, latencySeconds: number): void {
    this.completed++;
    if (cold) this.cold++;
    if (status === STATUS_OK) {
      if (this.ok === this.latencies.length) {
        const grown = new Float64Array(this.latencies.length * 2);
        grown.set(this.latencies);
        this.latencies = grown;
      }
      this.latencies[this.ok++] = latencySeconds;
    } else if (status === STATUS_OVERLOADED) this.s503++;
    else if (status === STATUS_TIMEOUT) this.s504++;
    else if (status === STATUS_CLIENT_TIMEOUT) this.clientTimeouts++;
  }

  /** The p-th percentile (nearest rank) of this second's 200 latencies, in ms; blank when none. */
  p(percentile: number): string {
    if (this.ok === 0) return '';
    const view = this.latencies.subarray(0, this.ok);
    if (!this.sorted) {
      view.sort();
      this.sorted = true;
    }
    const rank = Math.max(1, Math.ceil((percentile / 100) * this.ok));
    return ms(view[rank - 1]!);
  }

  reset(): void {
    this.completed = this.ok = this.s503 = this.s504 = this.clientTimeouts = this.cold = 0;
    this.sorted = false;
  }
}
