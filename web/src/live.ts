/**
 * The run's data as it happens: a RecordSink beside the run's own outputs that keeps, per
 * revision, the columns the report's charts read (the report's RunData) and every decider
 * evaluation for the inspector. Values are rounded exactly as the CSV writers round them,
 * so a live chart shows what the report will show once the run ends.
 */
import { ms, num, sec } from '../../src/output/csv-writer.js';
import type { AutoscalerRecord, PodRecord, RecordSink, RequestRecord, TimeseriesRecord, TrafficRecord } from '../../src/output/records.js';
import type { RevisionData, RunData } from '../../src/output/report/load.js';
import type { RunSettings } from '../../src/output/settings.js';
import type { RunSummary } from '../../src/output/summary.js';

/** One decider evaluation as autoscaler.csv has it (numbers after the CSV's rounding). */
export interface DecisionRow {
  time: number;
  service: string;
  revision: string;
  metric: string;
  target: number;
  readyPods: number;
  observedStable: number;
  observedPanic: number;
  desired: number;
  want: number;
  inPanic: boolean;
  excessBurstCapacity: number;
  sksMode: string;
  activators: number;
  valid: boolean;
  poke: boolean;
}

const back = (s: string): number => (s === '' ? Number.NaN : Number(s));

/** Completions of one revision in the current second (as RunOutputs counts them for requests-per-second.csv). */
class Window {
  completed = 0;
  ok = 0;
  s503 = 0;
  s504 = 0;
  clientTimeouts = 0;
  s502 = 0;
  cold = 0;
  latencies: number[] = [];
  /** The first bytes of the streamed 200s (app.stream). */
  firstBytes: number[] = [];

  add(r: RequestRecord): void {
    this.completed++;
    if (r.cold) this.cold++;
    if (r.outcome === 'ok') {
      this.ok++;
      this.latencies.push(r.end - r.arrival);
      const fb = r.firstByteSeconds;
      if (fb !== undefined && fb >= 0) this.firstBytes.push(fb);
    } else if (r.outcome === 'overloaded') this.s503++;
    else if (r.outcome === 'timeout') this.s504++;
    else if (r.outcome === 'clientTimeout') this.clientTimeouts++;
    else if (r.outcome === 'badGateway') this.s502++;
  }

  /** Nearest-rank percentile in ms, NaN when no 200s. */
  p(sorted: readonly number[], percentile: number): number {
    if (sorted.length === 0) return Number.NaN;
    return back(ms(sorted[Math.max(1, Math.ceil((percentile / 100) * sorted.length)) - 1]!));
  }
}

function emptyRevision(service: string, revision: string, settings: RunSettings): RevisionData {
  return {
    service,
    revision,
    settings: settings.revisions.find((s) => s.service === service && s.revision === revision),
    timeseries: { time: [], pending: [], starting: [], ready: [], terminating: [], activatorWaiting: [], podQueued: [], podExecuting: [], trafficPercent: [], proxy: [] },
    decisions: { time: [], target: [], readyPods: [], observedStable: [], observedPanic: [], desired: [], want: [], inPanic: [], valid: [] },
    requests: { time: [], completed: [], ok: [], status503: [], status504: [], clientTimeouts: [], status502: [], cold: [], p50: [], p95: [], p99: [], fbP50: [], fbP95: [], fbP99: [] },
    pods: { time: [], pod: [], event: [] },
    latencyBuckets: { start: [], bucketSeconds: [], p50: [], p95: [], p99: [], fbP50: [], fbP95: [], fbP99: [] },
    cdf: { all: [], cold: [], warm: [], firstByte: [] },
  };
}

export class LiveData implements RecordSink {
  private readonly revs = new Map<string, RevisionData>();
  private readonly windows = new Map<string, Window>();
  /** Every decider evaluation, in time order. */
  readonly decisions: DecisionRow[] = [];

  /** `series`: the scenario's (false: no per-second samples, and no charts drawn from them or from autoscaler.csv, as in the CLI's report). */
  constructor(
    readonly settings: RunSettings,
    readonly wantsSamples = true,
  ) {
    // Revisions in settings.json's order, as the report lists them.
    for (const r of settings.revisions) this.rev(r.service, r.revision);
  }

  private rev(service: string, revision: string): RevisionData {
    const k = `${service}\u0000${revision}`;
    let r = this.revs.get(k);
    if (r === undefined) {
      r = emptyRevision(service, revision, this.settings);
      this.revs.set(k, r);
    }
    return r;
  }

  request(r: RequestRecord): void {
    if (r.revision === '') return;
    const k = `${r.service}\u0000${r.revision}`;
    let w = this.windows.get(k);
    if (w === undefined) {
      w = new Window();
      this.windows.set(k, w);
    }
    w.add(r);
  }

  decision(d: AutoscalerRecord): void {
    const row: DecisionRow = {
      time: back(sec(d.time)),
      service: d.service,
      revision: d.revision,
      metric: d.metric,
      target: back(num(d.target)),
      readyPods: d.readyPods,
      observedStable: back(num(d.observedStable)),
      observedPanic: back(num(d.observedPanic)),
      desired: d.desired,
      want: d.want,
      inPanic: d.inPanic,
      excessBurstCapacity: d.excessBurstCapacity,
      sksMode: d.sksMode,
      activators: d.activators,
      valid: d.valid,
      poke: d.poke,
    };
    this.decisions.push(row);
    const c = this.rev(d.service, d.revision).decisions;
    c.time.push(row.time);
    c.target.push(row.target);
    c.readyPods.push(row.readyPods);
    c.observedStable.push(row.observedStable);
    c.observedPanic.push(row.observedPanic);
    c.desired.push(row.desired);
    c.want.push(row.want);
    c.inPanic.push(row.inPanic ? 1 : 0);
    c.valid.push(row.valid ? 1 : 0);
  }

  pod(p: PodRecord): void {
    const c = this.rev(p.service, p.revision).pods;
    c.time.push(back(sec(p.time)));
    c.pod.push(p.pod);
    c.event.push(p.event);
  }

  traffic(_r: TrafficRecord): void {}

  sample(r: TimeseriesRecord): void {
    const rev = this.rev(r.service, r.revision);
    const t = back(sec(r.time));
    const w = this.windows.get(`${r.service}\u0000${r.revision}`);
    if (w !== undefined && w.completed > 0) {
      const q = rev.requests;
      const sorted = w.latencies.sort((a, b) => a - b);
      q.time.push(t);
      q.completed.push(w.completed);
      q.ok.push(w.ok);
      q.status503.push(w.s503);
      q.status504.push(w.s504);
      q.clientTimeouts.push(w.clientTimeouts);
      q.status502.push(w.s502);
      q.cold.push(w.cold);
      q.p50.push(w.p(sorted, 50));
      q.p95.push(w.p(sorted, 95));
      q.p99.push(w.p(sorted, 99));
      const fb = w.firstBytes.sort((a, b) => a - b);
      q.fbP50.push(w.p(fb, 50));
      q.fbP95.push(w.p(fb, 95));
      q.fbP99.push(w.p(fb, 99));
      this.windows.set(`${r.service}\u0000${r.revision}`, new Window());
    }
    const s = rev.timeseries;
    s.time.push(t);
    s.pending.push(r.pending);
    s.starting.push(r.starting);
    s.ready.push(r.ready);
    s.terminating.push(r.terminating);
    s.activatorWaiting.push(r.activatorWaiting);
    s.podQueued.push(r.podQueued);
    s.podExecuting.push(r.podExecuting);
    s.trafficPercent.push(back(num(r.trafficPercent)));
    s.proxy.push(r.sksMode === 'Proxy' ? 1 : 0);
  }

  /**
   * The data so far as the report's RunData (no latency CDF until the run ends). The run
   * has no summary yet: the charts that quote one (ready pod-hours) leave the figure out.
   */
  runData(): RunData {
    return {
      dir: '',
      summary: { overall: {} } as unknown as RunSummary,
      settings: this.settings,
      durationSeconds: this.settings.durationSeconds,
      revisions: [...this.revs.values()],
      files: { timeseries: this.wantsSamples, autoscaler: this.wantsSamples, requestSeries: this.wantsSamples, latencyCdf: false, pods: true, latencyBuckets: false },
    };
  }
}
