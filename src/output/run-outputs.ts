import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CsvWriter, cell, num, sec } from './csv-writer.js';
import { LatencyHistogram, microsOf } from './latency.js';
import { ClusterAccounting } from './cluster-accounting.js';
import { DecisionRow, TimeseriesRow, writeTimeseriesCells } from './tick-rows.js';
import type { AutoscalerRecord, NodeRecord, PodMetricsRecord, PodRecord, RecordSink, RequestOutcome, RequestRecord, RevisionEndRecord, TimeseriesRecord, TrafficRecord } from './records.js';
import { RevisionStats, countOutcome, emptyCounts, podHours, round3, type RequestCounts, type RunSummary } from './summary.js';

/** Name cells are encoded once and copied as bytes (see traceRequest). */
const utf8 = new TextEncoder();

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
/** REQUEST_SERIES_HEADER with status502 after client_timeouts. */
export function requestSeriesHeader502(): string[] {
  const h: string[] = [...REQUEST_SERIES_HEADER];
  h.splice(h.indexOf('client_timeouts') + 1, 0, 'status502');
  return h;
}
/** The first byte's percentiles of each second, last in requests-per-second.csv when some revision streams. */
export const FIRST_BYTE_SERIES_COLUMNS = ['first_byte_p50_ms', 'first_byte_p95_ms', 'first_byte_p99_ms'] as const;
export const LATENCY_BUCKETS_HEADER = ['start_s', 'bucket_s', 'service', 'revision', 'ok', 'p50_ms', 'p95_ms', 'p99_ms'] as const;
export const LATENCY_CDF_HEADER = ['service', 'revision', 'kind', 'latency_ms', 'fraction'] as const;
export const PODS_HEADER = ['time_s', 'service', 'revision', 'pod', 'event'] as const;
export const TIMESERIES_HEADER = [
  'time_s', 'service', 'revision', 'pending', 'starting', 'ready', 'terminating', 'activator_healthy',
  'replicas', 'activator_waiting', 'pod_queued', 'pod_executing', 'sks_mode', 'traffic_percent',
] as const;

/** nodes.csv, written only when the scenario has node pools. */
export const NODES_HEADER = ['time_s', 'node', 'pool', 'event', 'price_per_hour', 'cpu_m', 'memory_bytes'] as const;

/** timeseries.csv's extra columns, written only when some revision models resources. */
export const RESOURCE_COLUMNS_HEADER = ['cpu_usage_m', 'cpu_request_m', 'cpu_utilization_pct', 'memory_bytes', 'pods_with_metrics'] as const;

export interface RunOutputsOptions {
  /** The scenario has node pools: pods.csv gets a node column, nodes.csv is written, the summary gains nodes and cost. */
  cluster?: { cpuCostShare: number } | undefined;
  /** Add RESOURCE_COLUMNS_HEADER to timeseries.csv (some revision models CPU or memory). */
  resourceColumns?: boolean;
  /** requests-per-second.csv gets a status502 column after client_timeouts (a crash can fail requests). */
  badGatewayColumn?: boolean;
  /** requests.csv gets a last column, first_byte_ms (some revision streams its responses: app.stream). */
  firstByteColumn?: boolean;
  /**
   * Some revision serves WebSocket sessions (app.webSocket): requests.csv ends with closed_at_shutdown
   * (1: a session its app closed as its pod shut down), and each revision's summary counts them.
   */
  webSockets?: boolean;
  /** Where to write CSVs; undefined keeps only the in-memory aggregates (sweeps, tests). */
  outDir: string | undefined;
  /** The share of requests written to requests.csv: 0 (none), 1 (all) or a sampled fraction. */
  requestSampleRate: number;
  /**
   * Write the time series: timeseries.csv, autoscaler.csv, requests-per-second.csv and
   * latency-buckets.csv (default true; `knsim run --no-series` skips them). pods.csv,
   * nodes.csv and latency-cdf.csv are written either way: their cost is per pod, node or
   * run, not per revision and second.
   */
  series?: boolean;
  /**
   * The report's time bucket (s). Above 1, latency-buckets.csv gets the percentiles of
   * each bucket's 200s from one histogram per bucket: percentiles of seconds cannot be combined.
   */
  latencyBucketSeconds?: number;
  /**
   * The run's end (s). The sample at the end comes before completions at that very instant, so
   * its requests-per-second.csv rows are written by finish(), those completions included.
   */
  endSeconds?: number;
}

/** The percentiles of latency-buckets.csv's and requests-per-second.csv's p50_ms, p95_ms and p99_ms. */
const PERCENTILE_COLUMNS = [50, 95, 99];

/** The resource cells of a timeseries row (leading comma); empty cells where unknown or not modelled. */
function resourceCells(c: TimeseriesRecord['resources']): string {
  if (c === undefined) return ',,,,,';
  const f = (v: number): string => (Number.isNaN(v) ? '' : String(v));
  return `,${f(c.cpuUsageMillis)},${f(c.cpuRequestMillis)},${f(c.cpuUtilizationPercent)},${f(c.memoryBytes)},${c.podsWithMetrics}`;
}

/**
 * A deterministic keep/drop for sampled request traces: a hash of the request's origin key (its
 * sender and its place in the sender's order), not a random draw, and not of the run-wide id,
 * which another client's timing would shift.
 */
function sampled(key: number, rate: number): boolean {
  const h = Math.imul(key ^ (key >>> 16), 0x45d9f3b) >>> 0;
  return ((Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0) / 4294967296) < rate;
}

/**
 * Streams the run's CSVs from its records and keeps the aggregates summary.json needs.
 * Memory is O(revisions), not O(requests): percentiles come from fixed-size HDR histograms.
 */
export class RunOutputs implements RecordSink {
  private readonly requests: CsvWriter | undefined;
  private readonly autoscaler: CsvWriter | undefined;
  private readonly pods: CsvWriter | undefined;
  private readonly timeseries: CsvWriter | undefined;
  private readonly requestSeries: CsvWriter | undefined;
  private readonly latencyBuckets: CsvWriter | undefined;
  private readonly nodesCsv: CsvWriter | undefined;
  private readonly accounting: ClusterAccounting | undefined;
  private readonly bucketSeconds: number;
  /**
   * Per revision name, the running aggregates and the current 1 s window of completions
   * (flushed by sample()); revisions of other services with the same name follow in `sameName`.
   * One flat map: a lookup per record, however many services.
   */
  private readonly byRevision = new Map<string, RevisionAccumulator>();
  /** The same accumulators, in first-seen order. */
  private readonly accumulators: RevisionAccumulator[] = [];
  /** Per service, requests sent while it had no routable revision: not any revision's. */
  private readonly noRoute = new Map<string, number>();
  private readonly sampleRate: number;
  private totalReady = 0;
  private maxTotalReady = 0;
  /** Revisions in panic now, and since when at least one has been: the run's time in panic counts overlaps once. */
  private panicking = 0;
  private anyPanicSince = Number.NaN;
  private anyPanicSeconds = 0;

  constructor(readonly options: RunOutputsOptions) {
    const out = options.outDir;
    this.sampleRate = options.requestSampleRate;
    this.bucketSeconds = options.latencyBucketSeconds ?? 1;
    this.accounting = options.cluster !== undefined ? new ClusterAccounting(options.cluster.cpuCostShare) : undefined;
    if (out !== undefined) {
      mkdirSync(out, { recursive: true });
      if (this.sampleRate > 0) {
        const header = [...REQUESTS_HEADER, ...(options.firstByteColumn === true ? ['first_byte_ms'] : []), ...(options.webSockets === true ? ['closed_at_shutdown'] : [])];
        this.requests = new CsvWriter(join(out, 'requests.csv'), header);
      }
      this.pods = new CsvWriter(join(out, 'pods.csv'), options.cluster !== undefined ? [...PODS_HEADER, 'node'] : PODS_HEADER);
      if (options.cluster !== undefined) this.nodesCsv = new CsvWriter(join(out, 'nodes.csv'), NODES_HEADER);
      if (options.series ?? true) {
        this.autoscaler = new CsvWriter(join(out, 'autoscaler.csv'), AUTOSCALER_HEADER);
        this.timeseries = new CsvWriter(join(out, 'timeseries.csv'), options.resourceColumns === true ? [...TIMESERIES_HEADER, ...RESOURCE_COLUMNS_HEADER] : TIMESERIES_HEADER);
        const series = options.badGatewayColumn === true ? requestSeriesHeader502() : REQUEST_SERIES_HEADER;
        this.requestSeries = new CsvWriter(join(out, 'requests-per-second.csv'), options.firstByteColumn === true ? [...series, ...FIRST_BYTE_SERIES_COLUMNS] : series);
        if (this.bucketSeconds > 1) {
          this.latencyBuckets = new CsvWriter(join(out, 'latency-buckets.csv'), options.firstByteColumn === true ? [...LATENCY_BUCKETS_HEADER, ...FIRST_BYTE_SERIES_COLUMNS] : LATENCY_BUCKETS_HEADER);
        }
      }
    }
  }

  /** sample() writes something: timeseries.csv and requests-per-second.csv are open. */
  get wantsSamples(): boolean {
    return this.timeseries !== undefined;
  }

  /** The last accumulator looked up: consecutive records are mostly of one revision. */
  private last: RevisionAccumulator | undefined = undefined;

  private revision(service: string, revision: string): RevisionAccumulator {
    const last = this.last;
    if (last !== undefined && last.stats.revision === revision && last.stats.service === service) return last;
    return this.lookUp(service, revision);
  }

  /** revision() past its last-one check (kept apart: the check is inlined per request, this is not). */
  private lookUp(service: string, revision: string): RevisionAccumulator {
    let a = this.find(service, revision);
    if (a === undefined) {
      const stats = new RevisionStats(service, revision);
      if (this.options.webSockets === true) stats.sessionsClosedAtShutdown = 0;
      // Made with the accumulator: its counts are the revision's since its last row, of any outcome.
      a = { stats, window: this.requestSeries !== undefined ? new SecondWindow(stats) : undefined, bucket: undefined, timeseriesRow: undefined, decisionRow: undefined, nameCells: undefined, sameName: this.byRevision.get(revision), nextDecided: undefined, nextSampled: undefined };
      this.byRevision.set(revision, a);
      this.accumulators.push(a);
    }
    this.last = a;
    return a;
  }

  /** The accumulator of a revision seen before, without creating one. */
  private find(service: string, revision: string): RevisionAccumulator | undefined {
    let a = this.byRevision.get(revision);
    while (a !== undefined && a.stats.service !== service) a = a.sameName;
    return a;
  }

  /**
   * The accumulator of a revision's records, made on first use (as a record of it would make
   * it): a caller may keep it and pass it with that revision's requests, sparing a lookup each.
   */
  accumulator(service: string, revision: string): RevisionHandle {
    return this.revision(service, revision);
  }

  /**
   * A finished request, with its revision's accumulator if the caller kept it. Without
   * requests.csv only its outcome fields are read (service, revision, arrival, end, outcome,
   * cold): the run's recorder fills no others then.
   */
  request(r: RequestRecord, kept?: RevisionHandle): void {
    if (r.revision === '') {
      this.noRouteRequest(r);
      return;
    }
    const acc = kept !== undefined && kept.stats.revision === r.revision && kept.stats.service === r.service ? kept : this.revision(r.service, r.revision);
    const s = acc.stats;
    countOutcome(s.counts, r.outcome);
    if (r.outcome === 'ok') {
      // Whole µs (an integer): one rounding for both histograms, and nothing boxed for calls not inlined.
      const us = microsOf(r.end - r.arrival);
      // "All" is cold + warm, merged when the summary is built.
      (r.cold ? s.coldLatency : s.warmLatency).recordMicros(us);
      const fb = r.firstByteSeconds;
      const fbUs = fb !== undefined && fb >= 0 ? microsOf(fb) : -1;
      if (fbUs >= 0) (s.firstByte ??= new LatencyHistogram()).recordMicros(fbUs);
      if (this.latencyBuckets !== undefined) this.bucketLatency(acc, r.end, us, fbUs);
      // The window's counts come from the revision's, once a second: only 200s' latencies are added.
      acc.window?.add200(r);
    }
    if (r.cold) s.cold++;
    if (r.closedAtShutdown === true) s.sessionsClosedAtShutdown = (s.sessionsClosedAtShutdown ?? 0) + 1;
    // Checked here: the call (not inlined) would box the latency even with no requests.csv.
    if (this.requests !== undefined) this.traceRequest(r, r.end - r.arrival);
  }

  private noRouteRequest(r: RequestRecord): void {
    this.noRoute.set(r.service, (this.noRoute.get(r.service) ?? 0) + 1);
    if (this.requests !== undefined) this.traceRequest(r, r.end - r.arrival);
  }

  /** Adds a 200 to its bucket (by completion time; completions come in time order), with its first byte (µs; −1: not streamed). */
  private bucketLatency(acc: RevisionAccumulator, end: number, us: number, firstByteUs: number): void {
    let b = acc.bucket;
    // Inside the bucket's sure range the index is the same: no division per request.
    if (b === undefined || !(end >= b.sureFrom && end <= b.sureTo)) {
      const B = this.bucketSeconds;
      let index = Math.floor(end / B + 1e-9);
      // A completion at the very end of a run that ends on a bucket boundary belongs to the last
      // bucket, as requests-per-second.csv counts it: not to a bucket that starts when the run ends.
      const endAt = this.options.endSeconds;
      if (endAt !== undefined && index > 0 && index * B >= endAt - 1e-9 * B) index = Math.max(0, Math.ceil(endAt / B - 1e-9) - 1);
      if (b === undefined) b = acc.bucket = { index, sureFrom: 0, sureTo: -1, latency: new LatencyHistogram(), firstByte: undefined };
      else if (b.index !== index) {
        this.flushBucket(acc);
        b.index = index;
      }
      // The index is monotone in `end`, so two ends with this index bound a range that has only it.
      const from = (index + 1e-6) * B;
      const to = (index + 1 - 1e-6) * B;
      const ok = Math.floor(from / B + 1e-9) === index && Math.floor(to / B + 1e-9) === index;
      b.sureFrom = ok ? from : Number.POSITIVE_INFINITY;
      b.sureTo = ok ? to : Number.NEGATIVE_INFINITY;
    }
    b.latency.recordMicros(us);
    if (firstByteUs >= 0) (b.firstByte ??= new LatencyHistogram()).recordMicros(firstByteUs);
  }

  private flushBucket(acc: RevisionAccumulator): void {
    const b = acc.bucket;
    if (b === undefined || b.latency.count === 0) return;
    const h = b.latency;
    const s = acc.stats;
    const w = this.latencyBuckets!;
    // start_s, bucket_s, service, revision, ok, p50_ms, p95_ms, p99_ms; field by field, as String() writes
    // them (percentiles are whole µs in ms, which measure() writes as String() does).
    const names = nameCells(acc);
    w.reserve(names.length + 150);
    w.number(b.index * this.bucketSeconds);
    w.comma();
    w.number(this.bucketSeconds);
    w.bytes(names);
    w.comma();
    w.number(h.count);
    for (const p of h.percentilesMs(PERCENTILE_COLUMNS)) {
      w.comma();
      w.measure(p);
    }
    if (this.options.firstByteColumn === true) {
      // first_byte_p50_ms, …: of the bucket's streamed 200s, empty cells when it had none.
      const f = b.firstByte;
      const ps = f !== undefined && f.count > 0 ? f.percentilesMs(PERCENTILE_COLUMNS) : undefined;
      for (let k = 0; k < PERCENTILE_COLUMNS.length; k++) {
        w.comma();
        if (ps !== undefined) w.measure(ps[k]!);
      }
      f?.reset();
    }
    w.endRow();
    h.reset();
  }

  /** The last row's service, revision and client, and their cells with commas, as bytes. */
  private prefixService = '';
  private prefixRevision = '';
  private prefixClient: string | undefined = undefined;
  private prefix = new Uint8Array(0);
  /** The bytes of `service,revision,client,` for this row: rows of one sender repeat them. */
  private rowPrefix(r: RequestRecord): Uint8Array {
    if (r.service !== this.prefixService || r.revision !== this.prefixRevision || r.client !== this.prefixClient) {
      this.prefixService = r.service;
      this.prefixRevision = r.revision;
      this.prefixClient = r.client;
      this.prefix = utf8.encode(`${r.service},${r.revision},${cell(r.client)},`);
    }
    return this.prefix;
  }

  /**
   * The route, pod and cold cells of recent rows as bytes, by pod name: one map per route and
   * cold flag, so finding a row's cells builds no key string.
   */
  private readonly podCells = [0, 1, 2, 3, 4, 5].map(() => new Map<string, Uint8Array>());

  /** The bytes of `route,pod,cold,` for this row (a run has few pods at a time). */
  private podCell(r: RequestRecord): Uint8Array {
    const map = this.podCells[2 * (r.route === 'activator' ? 0 : r.route === 'direct' ? 1 : 2) + (r.cold ? 1 : 0)]!;
    let b = map.get(r.pod);
    if (b === undefined) {
      // Bounded: a scale-up of thousands of pods starts the cache over rather than growing it.
      if (map.size >= 4096) map.clear();
      b = utf8.encode(`${r.route},${r.pod},${r.cold ? '1' : '0'},`);
      map.set(r.pod, b);
    }
    return b;
  }

  /**
   * A row of requests.csv: id, service, revision, client, arrival_s, service_start_s, end_s,
   * latency_ms, status, route, pod, cold, activator_queue_ms, pod_queue_ms (and first_byte_ms
   * when some revision streams) — written field by
   * field (the text sec(), ms() and cell() give), so a row allocates no strings; the name
   * cells are copied from bytes encoded once.
   */
  private traceRequest(r: RequestRecord, latency: number): void {
    const w = this.requests;
    if (w === undefined || !(this.sampleRate >= 1 || sampled(r.originKey, this.sampleRate))) return;
    const prefix = this.rowPrefix(r);
    const pod = this.podCell(r);
    // The numbers and the status take well under 300 bytes.
    w.reserve(prefix.length + pod.length + 300);
    w.number(r.id);
    w.comma();
    w.bytes(prefix);
    w.sec(r.arrival);
    w.comma();
    w.sec(r.serviceStart);
    w.comma();
    w.sec(r.end);
    w.comma();
    w.ms(latency);
    w.comma();
    if (r.outcome === 'clientTimeout') w.text('client_timeout');
    else w.number(r.status);
    w.comma();
    w.bytes(pod);
    w.ms(r.activatorQueueSeconds);
    w.comma();
    w.ms(r.podQueueSeconds);
    // A streamed 200's first byte, from sending (empty for others).
    if (this.options.firstByteColumn === true) {
      w.comma();
      w.ms(r.firstByteSeconds ?? Number.NaN);
    }
    if (this.options.webSockets === true) w.text(r.closedAtShutdown === true ? ',1' : ',0');
    w.endRow();
  }

  /**
   * The accumulators of the last decision and the last sample: each revision decides and is
   * sampled in the same order every tick, so the one linked after it (nextDecided,
   * nextSampled) is mostly the next one's, found without a lookup by name.
   */
  private lastDecided: RevisionAccumulator | undefined = undefined;
  private lastSampled: RevisionAccumulator | undefined = undefined;

  private decided(service: string, revision: string): RevisionAccumulator {
    const prev = this.lastDecided;
    let a = prev?.nextDecided;
    if (a === undefined || a.stats.revision !== revision || a.stats.service !== service) {
      a = this.revision(service, revision);
      if (prev !== undefined) prev.nextDecided = a;
    }
    this.lastDecided = a;
    return a;
  }

  /** sample()'s accumulator, if the revision has one (see lastSampled). */
  private sampled(service: string, revision: string): RevisionAccumulator | undefined {
    const prev = this.lastSampled;
    let a = prev?.nextSampled;
    if (a === undefined || a.stats.revision !== revision || a.stats.service !== service) {
      a = this.find(service, revision);
      if (a === undefined) return undefined;
      if (prev !== undefined) prev.nextSampled = a;
    }
    this.lastSampled = a;
    return a;
  }

  decision(d: AutoscalerRecord): void {
    const acc = this.decided(d.service, d.revision);
    const was = !Number.isNaN(acc.stats.panicSince);
    acc.stats.panic(d.inPanic, d.time);
    if (d.inPanic !== was) this.anyPanic(d.inPanic, d.time);
    const w = this.autoscaler;
    if (w === undefined) return;
    // Names take at most 3 bytes per UTF-16 unit; each other cell (num() at most 24 characters) well under 30.
    w.reserve(3 * (d.service.length + d.revision.length + d.metric.length + d.sksMode.length) + 30 * AUTOSCALER_HEADER.length);
    w.sec(d.time);
    (acc.decisionRow ??= new DecisionRow()).write(w, d);
    w.endRow();
  }

  /**
   * The revision's panic changed between decisions: its decider went with the autoscaler
   * process (false), or a restarted process made one that starts in panic (true).
   */
  panicChanged(service: string, revision: string, inPanic: boolean, now: number): void {
    const acc = this.find(service, revision);
    if (acc === undefined || Number.isNaN(acc.stats.panicSince) !== inPanic) return;
    acc.stats.panic(inPanic, now);
    this.anyPanic(inPanic, now);
  }

  /** A revision entered (or left) panic at `now`: the run is in panic while any revision is. */
  private anyPanic(entered: boolean, now: number): void {
    if (entered) {
      if (this.panicking++ === 0) this.anyPanicSince = now;
    } else if (--this.panicking === 0) {
      this.anyPanicSeconds += now - this.anyPanicSince;
      this.anyPanicSince = Number.NaN;
    }
  }

  pod(p: PodRecord): void {
    const now = p.time;
    const acc = this.revision(p.service, p.revision);
    const s = acc.stats;
    s.advancePods(now);
    switch (p.event) {
      case 'Pending':
        s.existingPods++;
        s.livePods++;
        break;
      case 'Ready':
        if (Number.isNaN(s.firstReadyAt)) s.firstReadyAt = now;
        s.readyPods++;
        this.totalReady++;
        if (s.readyPods > s.maxReady) s.maxReady = s.readyPods;
        if (this.totalReady > this.maxTotalReady) this.maxTotalReady = this.totalReady;
        break;
      case 'NotReady':
      case 'CrashLoopBackOff':
        // Left the ready endpoints; the event still carries when it had been Ready.
        if (!Number.isNaN(p.readyAt)) {
          s.readyPods--;
          this.totalReady--;
        }
        break;
      case 'Terminating':
        if (!Number.isNaN(p.readyAt)) {
          s.readyPods--;
          this.totalReady--;
        }
        s.livePods--;
        if (s.livePods === 0) s.scaleToZeroAt.push(now);
        break;
      case 'Gone':
        s.existingPods--;
        if (Number.isNaN(p.terminatingAt)) s.livePods--;
        break;
      default:
        break;
    }
    this.accounting?.pod(p);
    const w = this.pods;
    if (w === undefined) return;
    // time_s, service, revision, pod, event[, node], field by field (a pod makes five rows).
    const node = this.accounting === undefined ? undefined : (p.node ?? '');
    const names = nameCells(acc);
    w.reserve(names.length + 3 * (p.pod.length + p.event.length + (node?.length ?? 0)) + 40);
    w.sec(now);
    w.bytes(names);
    w.comma();
    w.text(p.pod);
    w.comma();
    w.text(p.event);
    if (node !== undefined) {
      w.comma();
      w.text(node);
    }
    w.endRow();
  }

  node(r: NodeRecord): void {
    this.accounting?.node(r);
    this.nodesCsv?.line(`${sec(r.time)},${r.node},${r.pool},${r.event},${num(r.pricePerHour)},${r.cpuMillis},${r.memoryBytes}`);
  }

  podMetrics(r: PodMetricsRecord): void {
    this.accounting?.podMetrics(r);
  }

  /** Traffic shares reach the files through each second's TimeseriesRecord. */
  traffic(_r: TrafficRecord): void {}

  sample(r: TimeseriesRecord): void {
    // Not this.revision(): a revision gets its summary entry from a request, a pod or a decision, not from a sample.
    const acc = this.sampled(r.service, r.revision);
    const win = acc?.window;
    if (acc !== undefined && win !== undefined && win.completions > 0 && !(r.time >= (this.options.endSeconds ?? Number.POSITIVE_INFINITY))) {
      this.writeRequestSeries(r.time, win, acc);
      win.reset();
    }
    const w = this.timeseries;
    if (w === undefined) return;
    w.reserve(3 * (r.service.length + r.revision.length + r.sksMode.length) + 30 * TIMESERIES_HEADER.length + 300);
    w.sec(r.time);
    if (acc === undefined) writeTimeseriesCells(w, r);
    else (acc.timeseriesRow ??= new TimeseriesRow()).write(w, r);
    if (this.options.resourceColumns === true) w.text(resourceCells(r.resources));
    w.endRow();
  }

  /** A row of requests-per-second.csv: time_s, service, revision, completed, ok, status503, status504, client_timeouts, [status502,] cold, p50_ms, p95_ms, p99_ms. */
  private writeRequestSeries(time: number, win: SecondWindow, acc: RevisionAccumulator): void {
    const w = this.requestSeries!;
    const c = win.counts();
    const names = nameCells(acc);
    w.reserve(names.length + 300);
    w.sec(time);
    w.bytes(names);
    w.comma();
    w.number(c.total);
    w.comma();
    w.number(c.ok);
    w.comma();
    w.number(c.status503);
    w.comma();
    w.number(c.status504);
    w.comma();
    w.number(c.clientTimeouts);
    if (this.options.badGatewayColumn === true) {
      w.comma();
      w.number(c.status502 ?? 0);
    }
    w.comma();
    w.number(win.cold);
    // A second of one or two completions has equal percentiles: the cell is copied, not formatted again.
    let last = Number.NaN;
    let from = 0;
    let to = 0;
    for (const p of PERCENTILE_COLUMNS) {
      w.comma();
      const v = win.p(p);
      if (v === last) w.again(from, to);
      else {
        from = w.mark();
        w.ms(v);
        to = w.mark();
        last = v;
      }
    }
    // A streamed 200's first byte, percentiles of the second (blank when none completed in it).
    if (this.options.firstByteColumn === true) {
      for (const p of PERCENTILE_COLUMNS) {
        w.comma();
        w.ms(win.firstBytes?.p(p) ?? Number.NaN);
      }
    }
    w.endRow();
  }

  /**
   * Closes the files and returns the summary (wall time and event count from the caller).
   */
  finish(meta: { scenario: string; seed: number; simulatedSeconds: number; events: number; wallSeconds: number }, ends: readonly RevisionEndRecord[] = []): RunSummary {
    if (this.latencyBuckets !== undefined) for (const a of this.accumulators) this.flushBucket(a);
    // A run that ends between whole seconds has no sample at its end: its last, partial second's
    // completions are written here, stamped with the run's end as every row is with its window's.
    // So is a whole-second end's last second (sample() left it), with completions at the end itself.
    if (this.requestSeries !== undefined && (Math.floor(meta.simulatedSeconds) < meta.simulatedSeconds || this.options.endSeconds === meta.simulatedSeconds)) {
      for (const a of this.accumulators) {
        if (a.window === undefined || a.window.completions === 0) continue;
        this.writeRequestSeries(meta.simulatedSeconds, a.window, a);
        a.window.reset();
      }
    }
    for (const w of [this.requests, this.autoscaler, this.pods, this.timeseries, this.requestSeries, this.latencyBuckets, this.nodesCsv]) w?.close();
    if (this.options.outDir !== undefined) this.writeCdf();
    const now = meta.simulatedSeconds;
    for (const r of ends) {
      const s = this.find(r.service, r.revision)?.stats;
      if (s === undefined) continue;
      s.failure = r.failure;
      s.readyFalse = r.readyFalse ?? [];
      s.failedScrapes = r.failedScrapes ?? 0;
    }
    const all = this.accumulators.map((a) => a.stats);
    const revisions = all.map((s) => s.finish(now)).sort((a, b) => (a.service + '/' + a.revision).localeCompare(b.service + '/' + b.revision));
    const latency = new LatencyHistogram();
    for (const s of all) latency.add(s.allLatency());
    const overallLatency = latency.summary();
    // The first byte over the revisions that stream (absent when none does).
    let firstByte: LatencyHistogram | undefined;
    for (const s of all) if (s.firstByte !== undefined) (firstByte ??= new LatencyHistogram()).add(s.firstByte);
    const counts: RequestCounts = emptyCounts();
    for (const r of revisions) {
      for (const k of ['total', 'ok', 'status503', 'status504', 'clientTimeouts', 'noRoute'] as const) counts[k] += r.requests[k];
      // Present only when some request got one (runs without crashes keep their summary's shape).
      if (r.requests.status502 !== undefined) counts.status502 = (counts.status502 ?? 0) + r.requests.status502;
    }
    const noRouteByService: Record<string, number> = {};
    for (const [service, n] of [...this.noRoute].sort(([a], [b]) => a.localeCompare(b))) {
      noRouteByService[service] = n;
      counts.total += n;
      counts.noRoute += n;
    }
    return {
      scenario: meta.scenario,
      seed: meta.seed,
      simulatedSeconds: meta.simulatedSeconds,
      events: meta.events,
      wallSeconds: meta.wallSeconds,
      overall: {
        requests: counts,
        latencyMs: overallLatency,
        ...(firstByte !== undefined ? { firstByteMs: firstByte.summary() } : {}),
        ...(this.options.webSockets === true ? { sessionsClosedAtShutdown: revisions.reduce((a, r) => a + (r.sessionsClosedAtShutdown ?? 0), 0) } : {}),
        coldStartRequests: revisions.reduce((a, r) => a + r.coldStartRequests, 0),
        podSeconds: round3(revisions.reduce((a, r) => a + r.podSeconds, 0)),
        ...podHours(all),
        maxReadyPods: this.maxTotalReady,
        // Time in panic, not a sum over revisions: two revisions panicking together for 60 s are 60 s.
        panicSeconds: round3(this.anyPanicSeconds + (this.panicking > 0 ? now - this.anyPanicSince : 0)),
      },
      noRouteByService,
      revisions,
      ...(this.accounting !== undefined ? this.accounting.finish(now) : {}),
    };
  }

  private writeCdf(): void {
    const w = new CsvWriter(join(this.options.outDir!, 'latency-cdf.csv'), LATENCY_CDF_HEADER);
    const revs = this.accumulators.map((a) => a.stats).sort((a, b) => (a.service + a.revision).localeCompare(b.service + b.revision));
    for (const s of revs) {
      // A revision that streams its responses adds its first byte's distribution (kind first_byte).
      const kinds: Array<readonly [string, LatencyHistogram]> = [['all', s.allLatency()], ['cold', s.coldLatency], ['warm', s.warmLatency]];
      if (s.firstByte !== undefined) kinds.push(['first_byte', s.firstByte]);
      for (const [kind, h] of kinds) {
        // Field by field: latencies (whole µs in ms) and fractions (multiples of 1/200) have at most 6 decimals, so measure() writes what String() does.
        for (const pt of h.cdf()) {
          w.reserve(3 * (s.service.length + s.revision.length) + 100);
          w.text(s.service);
          w.comma();
          w.text(s.revision);
          w.comma();
          w.text(kind);
          w.comma();
          w.measure(pt.ms);
          w.comma();
          w.measure(pt.fraction);
          w.endRow();
        }
      }
    }
    w.close();
  }

}

/** A revision's accumulator as callers keep it (see {@link RunOutputs.accumulator}). */
export type RevisionHandle = RevisionAccumulator;

interface RevisionAccumulator {
  stats: RevisionStats;
  /** Only while requests-per-second.csv is written. */
  window: SecondWindow | undefined;
  /** The 200s of the current report bucket; only while latency-buckets.csv is written. */
  bucket: { index: number; sureFrom: number; sureTo: number; latency: LatencyHistogram; firstByte: LatencyHistogram | undefined } | undefined;
  /** The last rows written to timeseries.csv and autoscaler.csv. */
  timeseriesRow: TimeseriesRow | undefined;
  decisionRow: DecisionRow | undefined;
  /** `,service,revision` as UTF-8, for the rows of requests-per-second.csv, latency-buckets.csv and pods.csv (see nameCells). */
  nameCells: Uint8Array | undefined;
  /** The accumulator of another service's revision with the same name. */
  sameName: RevisionAccumulator | undefined;
  /** The revision that decided, and the one sampled, after this one last time (RunOutputs.lastDecided). */
  nextDecided: RevisionAccumulator | undefined;
  nextSampled: RevisionAccumulator | undefined;
}

/** A revision's `,service,revision` cells as UTF-8, encoded at its first row. */
function nameCells(acc: RevisionAccumulator): Uint8Array {
  return (acc.nameCells ??= utf8.encode(`,${acc.stats.service},${acc.stats.revision}`));
}

/** Up to this many latencies, SecondWindow sorts by insertion. */
const INSERTION_SORT_MAX = 16;

/** Sorts a[0, n) ascending (latencies: no NaN, so the order is the typed array sort's). */
function insertionSort(a: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/**
 * Completions of one revision in the current 1 s window. Its counts are the revision's running
 * counts less those at the window's start, taken once a second rather than counted again per
 * request. Latencies of its 200s are kept in a reusable typed array and ranked exactly at the
 * end of the second (nearest rank): a sort of one second's requests is far cheaper than a
 * histogram query per second.
 */
class SecondWindow {
  /** The revision's counts when the window started. */
  private readonly from = emptyCounts();
  private coldFrom = 0;
  /** This second's completions by outcome, as counts() last took them. */
  private readonly window = emptyCounts();
  /** This second's 200 latencies. */
  private readonly latencies = new SecondPercentiles();
  /** The first bytes of this second's streamed 200s (app.stream); created at the first one. */
  firstBytes: SecondPercentiles | undefined = undefined;

  /** The window of `stats`, the revision's running aggregates (which count every completion). */
  constructor(private readonly stats: RevisionStats) {}

  /** Completions of any outcome in this window. */
  get completions(): number {
    return this.stats.counts.total - this.from.total;
  }

  /** This window's completions by outcome (status502 only once the revision had one). */
  counts(): RequestCounts {
    const now = this.stats.counts;
    const c = this.window;
    c.total = now.total - this.from.total;
    c.ok = now.ok - this.from.ok;
    c.status503 = now.status503 - this.from.status503;
    c.status504 = now.status504 - this.from.status504;
    c.clientTimeouts = now.clientTimeouts - this.from.clientTimeouts;
    c.noRoute = now.noRoute - this.from.noRoute;
    if (now.status502 !== undefined) c.status502 = now.status502 - (this.from.status502 ?? 0);
    return c;
  }

  /** This window's completions after a cold start. */
  get cold(): number {
    return this.stats.cold - this.coldFrom;
  }

  /** A 200's latency and first byte (the record, not numbers, is passed so that nothing is boxed). */
  add200(r: RequestRecord): void {
    this.latencies.add(r.end - r.arrival);
    const fb = r.firstByteSeconds;
    if (fb !== undefined && fb >= 0) (this.firstBytes ??= new SecondPercentiles()).add(fb);
  }

  /** The p-th percentile (nearest rank) of this second's 200 latencies, in seconds; NaN (a blank cell) when none. */
  p(percentile: number): number {
    return this.latencies.p(percentile);
  }

  /** Starts the next window: its counts start from the revision's now. */
  reset(): void {
    // Field by field: Object.assign took about 900 instructions a call (cachegrind), once per row.
    const from = this.from;
    const now = this.stats.counts;
    from.total = now.total;
    from.ok = now.ok;
    from.status503 = now.status503;
    from.status504 = now.status504;
    from.clientTimeouts = now.clientTimeouts;
    from.noRoute = now.noRoute;
    if (now.status502 !== undefined) from.status502 = now.status502;
    this.coldFrom = this.stats.cold;
    this.latencies.reset();
    this.firstBytes?.reset();
  }
}

/** One second's values (seconds) and their nearest-rank percentiles. */
class SecondPercentiles {
  private values = new Float64Array(64);
  private n = 0;
  private sorted = false;
  /** The extremes: when they are equal every rank is that value, no sort needed. */
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  add(v: number): void {
    const n = this.n;
    if (n === this.values.length) {
      const grown = new Float64Array(n * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[n] = v;
    this.n = n + 1;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /** The p-th percentile (nearest rank); NaN when there is no value. */
  p(percentile: number): number {
    const n = this.n;
    if (n === 0) return Number.NaN;
    if (this.min === this.max) return this.min;
    const a = this.values;
    if (!this.sorted) {
      // A second holds a few completions at most rates: an insertion sort in place beats a view and its sort.
      if (n <= INSERTION_SORT_MAX) insertionSort(a, n);
      else a.subarray(0, n).sort();
      this.sorted = true;
    }
    const rank = Math.max(1, Math.ceil((percentile / 100) * n));
    return a[rank - 1]!;
  }

  reset(): void {
    this.n = 0;
    this.sorted = false;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
  }
}
