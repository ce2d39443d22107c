import type { DecisionRecord, RevisionAutoscaling } from '../core/autoscaler/index.js';
import type { Pod } from '../model/pod.js';
import type { NodeEvent, PodEvent, Recorder } from '../model/recorder.js';
import type { ClusterNode } from '../model/cluster-node.js';
import { STATUS_BAD_GATEWAY, STATUS_CLIENT_TIMEOUT, STATUS_NO_ROUTE, STATUS_OK, STATUS_OVERLOADED, STATUS_TIMEOUT, type Request } from '../model/request.js';
import type { Revision } from '../model/revision.js';
import type { RequestTraceMode } from '../model/spec.js';
import type { PodMetricsSample } from '../model/metrics-server.js';
import type { AutoscalerRecord, NodeRecord, PodRecord, RecordSink, RequestOutcome, RequestRecord, ResourceColumns, RevisionEndRecord, TimeseriesRecord } from '../output/records.js';
import { RunOutputs, type RevisionHandle } from '../output/run-outputs.js';
import type { RunSummary } from '../output/summary.js';
import { scalingMetric } from '../model/scaling-metric.js';

/** A revision's metric and target as records show them (scalingMetric). */
type ScalingMetricView = ReturnType<typeof scalingMetric>;

export interface RunRecorderOptions {
  /** Where to write CSVs; undefined keeps only the in-memory aggregates (sweeps, tests). */
  outDir: string | undefined;
  trace: RequestTraceMode;
  /** Write the time series (timeseries.csv, autoscaler.csv, requests-per-second.csv; default true): see RunOutputsOptions.series. */
  series?: boolean;
  /** The report's time bucket (s), for latency-buckets.csv (see RunOutputsOptions). */
  latencyBucketSeconds?: number;
  /** timeseries.csv gets the resource columns (some revision models CPU or memory). */
  resourceColumns?: boolean;
  /** requests-per-second.csv gets a status502 column (a crash can fail requests). */
  badGatewayColumn?: boolean;
  /** requests.csv gets a first_byte_ms column (some revision streams its responses). */
  firstByteColumn?: boolean;
  /** requests.csv gets a closed_at_shutdown column, summary.json sessionsClosedAtShutdown (some revision serves WebSocket sessions). */
  webSockets?: boolean;
  /** The scenario has node pools (node column, nodes.csv, nodes and cost in the summary). */
  cluster?: { cpuCostShare: number } | undefined;
  /** The run's end (s): see RunOutputsOptions.endSeconds. */
  endSeconds?: number;
}

function outcomeOf(status: number): RequestOutcome {
  switch (status) {
    case STATUS_OK:
      return 'ok';
    case STATUS_OVERLOADED:
      return 'overloaded';
    case STATUS_TIMEOUT:
      return 'timeout';
    case STATUS_CLIENT_TIMEOUT:
      return 'clientTimeout';
    case STATUS_NO_ROUTE:
      return 'noRoute';
    case STATUS_BAD_GATEWAY:
      return 'badGateway';
    default:
      throw new Error(`request finished with status ${status}`);
  }
}

/** A record to fill with {@link fillRequestRecord}. */
export function blankRequestRecord(): RequestRecord {
  return {
    id: 0,
    originKey: 0,
    service: '',
    revision: '',
    client: '',
    tag: undefined,
    arrival: Number.NaN,
    serviceStart: Number.NaN,
    end: Number.NaN,
    status: 0,
    outcome: 'ok',
    route: 'none',
    pod: '',
    cold: false,
    activatorQueueSeconds: Number.NaN,
    podQueueSeconds: Number.NaN,
    firstByteSeconds: Number.NaN,
    closedAtShutdown: false,
  };
}

/**
 * A finished request as a record, written into `r`: the run reuses one record for every
 * request (a long run finishes millions) rather than allocating each.
 */
export function fillRequestRecord(r: RequestRecord, req: Request): RequestRecord {
  fillRequestOutcome(r, req);
  fillRequestDetail(r, req);
  return r;
}

/** The fields every request's aggregates need (counts, latency histograms): service, revision, arrival, end, status, outcome, cold. */
function fillRequestOutcome(r: RequestRecord, req: Request): void {
  r.service = req.service;
  const rev = req.revision;
  r.revision = rev === undefined ? '' : rev.spec.name;
  r.arrival = req.arrival;
  r.end = req.end;
  const status = req.status;
  r.status = status;
  r.outcome = status === STATUS_OK ? 'ok' : outcomeOf(status);
  r.cold = req.cold;
  // A streamed 200's first byte: its app's first write (or, for work shorter than that, the whole response).
  r.firstByteSeconds = status === STATUS_OK ? req.firstByteAt - req.arrival : Number.NaN;
  r.closedAtShutdown = req.closedAtShutdown;
}

/** The rest, for a requests.csv row or another sink: id, client, tag, serviceStart, route, pod and the queue times. */
function fillRequestDetail(r: RequestRecord, req: Request): void {
  r.id = req.id;
  r.originKey = req.originKey;
  r.client = req.clientName;
  r.tag = req.tag;
  r.serviceStart = req.serviceStart;
  r.route = req.route;
  r.pod = req.pod?.name ?? '';
  r.activatorQueueSeconds = Number.isNaN(req.activatorIn) ? Number.NaN : (Number.isNaN(req.activatorOut) ? req.end : req.activatorOut) - req.activatorIn;
  r.podQueueSeconds = Number.isNaN(req.podIn) ? Number.NaN : (Number.isNaN(req.serviceStart) ? req.end : req.serviceStart) - req.podIn;
}

/** A record to fill with {@link timeseriesRecord}. */
function blankTimeseriesRecord(): TimeseriesRecord {
  return {
    time: 0, service: '', revision: '', pending: 0, starting: 0, ready: 0, terminating: 0, activatorHealthy: 0, replicas: 0,
    activatorWaiting: 0, podQueued: 0, podExecuting: 0, sksMode: 'Proxy', trafficPercent: 0, resources: undefined,
  };
}

/** RunRecorder's per-revision state, on the revision (Revision.recorderSlot). */
interface RevisionSlot {
  /** The recorder it belongs to: another recorder of the same revisions keeps its own. */
  readonly owner: RunRecorder;
  percent: number;
  /** The traffic version `percent` is current for. */
  trafficVersion: number;
  /** The settings `scaling` was derived from: a patch or config-autoscaler change replaces them. */
  autoscaling: RevisionAutoscaling | undefined;
  scaling: ScalingMetricView;
  /** Added to the recorder's `seen`: a decision or pod row need not add it again. */
  seen: boolean;
  /** The outputs' accumulator of the revision, from its first request on. */
  outputs: RevisionHandle | undefined;
}

/** A decider evaluation as a record, with the revision's metric and target from its spec. */
export function autoscalerRecord(
  d: DecisionRecord,
  rev: Revision,
  into?: AutoscalerRecord,
  // The settings in force: a patch or a config-autoscaler change may have replaced the spec's.
  scaling: ScalingMetricView = scalingMetric(rev.autoscaler.loop.autoscaling),
): AutoscalerRecord {
  // Field by field (the decision's own order, without `hold`): spreading costs an allocation-heavy copy per tick.
  if (into !== undefined) {
    into.time = d.time;
    into.revision = d.revision;
    into.valid = d.valid;
    into.readyPods = d.readyPods;
    into.observedStable = d.observedStable;
    into.observedPanic = d.observedPanic;
    into.desired = d.desired;
    into.want = d.want;
    into.inPanic = d.inPanic;
    into.excessBurstCapacity = d.excessBurstCapacity;
    into.sksMode = d.sksMode;
    into.activators = d.activators;
    into.poke = d.poke;
    into.service = rev.spec.service;
    into.metric = scaling.metric;
    into.target = scaling.target;
    return into;
  }
  return {
    time: d.time,
    revision: d.revision,
    valid: d.valid,
    readyPods: d.readyPods,
    observedStable: d.observedStable,
    observedPanic: d.observedPanic,
    desired: d.desired,
    want: d.want,
    inPanic: d.inPanic,
    excessBurstCapacity: d.excessBurstCapacity,
    sksMode: d.sksMode,
    activators: d.activators,
    poke: d.poke,
    service: rev.spec.service,
    metric: scaling.metric,
    target: scaling.target,
  };
}

export function podRecord(pod: Pod, event: PodEvent, now: number): PodRecord {
  const spec = pod.revision.spec;
  const r: PodRecord = { time: now, service: spec.service, revision: spec.name, pod: pod.name, event, readyAt: pod.readyAt, terminatingAt: pod.terminatingAt };
  if (pod.revision.world.cluster === undefined) return r;
  r.node = pod.node?.name ?? '';
  if (event === 'Scheduled') {
    // Cost attribution charges the containers' requests, as OpenCost does: an init container's larger request holds node room, not cost.
    const req = pod.revision.world.cluster.requestsOf(pod).containerRequests;
    r.requests = { cpuMillis: req.cpuMillis, memoryBytes: req.memoryBytes };
    const user = pod.revision.resources?.spec.user;
    if (user !== undefined) r.userContainerRequests = { cpuMillis: user.cpuRequestMillis ?? 0, memoryBytes: user.memoryRequestBytes ?? 0 };
  }
  return r;
}

/** A node's lifecycle step as a record. */
export function nodeRecord(node: ClusterNode, event: NodeEvent, now: number): NodeRecord {
  return { time: now, node: node.name, pool: node.pool.name, event, pricePerHour: node.pool.pricePerHour, cpuMillis: node.allocatable.cpuMillis, memoryBytes: node.allocatable.memoryBytes, daemonSets: { cpuMillis: node.pool.daemonSet.cpuMillis, memoryBytes: node.pool.daemonSet.memoryBytes } };
}

/**
 * A revision's state now: the one place that counts its pods by phase and its queued
 * requests (at the activators and in the pods).
 */
export function timeseriesRecord(rev: Revision, now: number, trafficPercent: number, into?: TimeseriesRecord): TimeseriesRecord {
  let pending = 0;
  let starting = 0;
  let ready = 0;
  let terminating = 0;
  let queued = 0;
  let executing = 0;
  for (const p of rev.allPods) {
    if (p.phase === 'Pending' || p.phase === 'ImagePullBackOff') pending++;
    else if (p.phase === 'Ready') ready++;
    else if (p.phase === 'Terminating') terminating++;
    // Running but not Ready, restarting, or waiting for an image: all not yet (or no longer) serving.
    else if (p.phase !== 'Gone') starting++;
    queued += p.queued;
    executing += p.executing;
  }
  const waiting = rev.activatorWaiting;
  if (into !== undefined) {
    into.time = now;
    into.service = rev.spec.service;
    into.revision = rev.spec.name;
    into.pending = pending;
    into.starting = starting;
    into.ready = ready;
    into.terminating = terminating;
    into.activatorHealthy = rev.activatorHealthyCount;
    into.replicas = rev.replicas;
    into.activatorWaiting = waiting;
    into.podQueued = queued;
    into.podExecuting = executing;
    into.sksMode = rev.sksEffectiveMode;
    into.trafficPercent = trafficPercent;
    into.resources = rev.resources !== undefined ? resourceColumns(rev) : undefined;
    return into;
  }
  const r: TimeseriesRecord = {
    time: now,
    service: rev.spec.service,
    revision: rev.spec.name,
    pending,
    starting,
    ready,
    terminating,
    activatorHealthy: rev.activatorHealthyCount,
    replicas: rev.replicas,
    activatorWaiting: waiting,
    podQueued: queued,
    podExecuting: executing,
    sksMode: rev.sksEffectiveMode,
    trafficPercent,
  };
  // Set after, not spread into the literal: this runs per revision per second, and the key order is the same.
  if (rev.resources !== undefined) r.resources = resourceColumns(rev);
  return r;
}

/**
 * A revision's resource use as metrics-server reports it now: sums over the pods it has
 * metrics for, with their requests (the HPA's utilization denominator).
 */
export function resourceColumns(rev: Revision): ResourceColumns {
  const samples = rev.world.metricsServer?.podMetrics(rev) ?? [];
  let cpu = 0;
  let mem = 0;
  for (const s of samples) {
    cpu += s.cpuMillis;
    mem += s.memoryBytes;
  }
  const perPod = rev.resources?.podCpuRequestMillis;
  const request = perPod === undefined ? Number.NaN : perPod * samples.length;
  const cpuUsage = samples.length === 0 ? Number.NaN : cpu;
  return {
    cpuUsageMillis: cpuUsage,
    cpuRequestMillis: samples.length === 0 ? Number.NaN : request,
    cpuUtilizationPercent: request > 0 && !Number.isNaN(cpuUsage) ? Math.floor((100 * cpuUsage) / request) : Number.NaN,
    memoryBytes: samples.length === 0 ? Number.NaN : mem,
    podsWithMetrics: samples.length,
  };
}

/**
 * The model's recorder for a run: turns what the model reports (live requests, pods and
 * revisions) into plain records and hands them to the run's outputs (CSVs and summary)
 * and to any other sinks (a notebook keeping rows in memory).
 */
export class RunRecorder implements Recorder {
  /** request() turns the Request into a record at once. */
  readonly copiesRequests = true;
  readonly outputs: RunOutputs;
  /** Only the time series and other sinks read samples: without them the world takes none. */
  readonly sampling: boolean;
  /** Sinks besides the outputs. */
  private readonly extra: RecordSink[];
  private readonly requestRecord = blankRequestRecord();
  /**
   * Requests need their whole record: another sink, or requests.csv. Without them the outputs
   * read only the outcome fields (RunOutputs.request), so the rest is not filled.
   */
  private readonly detailed: boolean;
  private readonly trafficShare = new Map<string, ReadonlyMap<string, number>>();
  /** Counts traffic changes: a sample slot's percent is current while its version is this. */
  private trafficVersion = 0;
  private readonly sampleRecord = blankTimeseriesRecord();
  private readonly decisionRecord: AutoscalerRecord = {
    time: 0, revision: '', valid: false, readyPods: 0, observedStable: 0, observedPanic: 0, desired: 0, want: 0, inPanic: false,
    excessBurstCapacity: 0, sksMode: 'Proxy', activators: 0, poke: false, service: '', metric: '', target: 0,
  };
  /** Revisions that had pods or decisions: the ones whose end state (a failure) the summary reports. */
  private readonly seen = new Set<Revision>();

  constructor(
    readonly options: RunRecorderOptions,
    ...extra: RecordSink[]
  ) {
    const t = options.trace;
    this.outputs = new RunOutputs({
      outDir: options.outDir,
      requestSampleRate: t.mode === 'full' ? 1 : t.mode === 'sample' ? t.rate : 0,
      ...(options.series !== undefined ? { series: options.series } : {}),
      ...(options.latencyBucketSeconds !== undefined ? { latencyBucketSeconds: options.latencyBucketSeconds } : {}),
      ...(options.resourceColumns === true ? { resourceColumns: true } : {}),
      ...(options.badGatewayColumn === true ? { badGatewayColumn: true } : {}),
      ...(options.firstByteColumn === true ? { firstByteColumn: true } : {}),
      ...(options.webSockets === true ? { webSockets: true } : {}),
      ...(options.cluster !== undefined ? { cluster: options.cluster } : {}),
      ...(options.endSeconds !== undefined ? { endSeconds: options.endSeconds } : {}),
    });
    this.extra = extra;
    this.detailed = extra.length > 0 || t.mode !== 'none';
    this.sampling = this.outputs.wantsSamples || extra.some((s) => s.wantsSamples !== false);
  }

  request(req: Request): void {
    const r = this.requestRecord;
    fillRequestOutcome(r, req);
    // The revision keeps its accumulator: no lookup by name per request (made at its first request, as the lookup would).
    const rev = req.revision;
    let acc: RevisionHandle | undefined;
    if (rev !== undefined) {
      const slot = this.slotOf(rev);
      acc = slot.outputs ??= this.outputs.accumulator(r.service, r.revision);
    }
    if (!this.detailed) {
      this.outputs.request(r, acc);
      return;
    }
    fillRequestDetail(r, req);
    this.outputs.request(r, acc);
    for (const s of this.extra) s.request(r);
  }

  decision(d: DecisionRecord, rev: Revision): void {
    const slot = this.slotOf(rev);
    this.see(slot, rev);
    // The outputs keep nothing of a decision: without other sinks one record serves every decision.
    const autoscaling = rev.autoscaler.loop.autoscaling;
    // Derived once per settings object: an HPA-class revision's would otherwise build its HPA every tick.
    if (slot.autoscaling !== autoscaling) {
      slot.scaling = scalingMetric(autoscaling);
      slot.autoscaling = autoscaling;
    }
    const r = autoscalerRecord(d, rev, this.extra.length === 0 ? this.decisionRecord : undefined, slot.scaling);
    this.outputs.decision(r);
    for (const s of this.extra) s.decision(r);
  }

  autoscalerDown(rev: Revision, now: number): void {
    this.outputs.panicChanged(rev.service.spec.name, rev.spec.name, false, now);
  }

  revisionDeleted(rev: Revision, now: number): void {
    this.outputs.panicChanged(rev.service.spec.name, rev.spec.name, false, now);
  }

  autoscalerRestarted(rev: Revision, now: number): void {
    // A new decider with more than one pod ready is in panic from its creation, not from its first tick.
    if (rev.autoscaler.loop.inPanic) this.outputs.panicChanged(rev.service.spec.name, rev.spec.name, true, now);
  }

  podTransition(pod: Pod, event: PodEvent, now: number): void {
    this.see(this.slotOf(pod.revision), pod.revision);
    const r = podRecord(pod, event, now);
    this.outputs.pod(r);
    for (const s of this.extra) s.pod(r);
  }

  traffic(service: string, now: number, percents: ReadonlyMap<string, number>): void {
    this.trafficShare.set(service, new Map(percents));
    this.trafficVersion++;
    const r = { time: now, service, percents: Object.fromEntries(percents) };
    this.outputs.traffic(r);
    for (const s of this.extra) s.traffic(r);
  }

  sample(rev: Revision, now: number): void {
    // The outputs keep nothing of a sample: without other sinks one record serves every sample.
    const r = timeseriesRecord(rev, now, this.trafficPercent(rev), this.extra.length === 0 ? this.sampleRecord : undefined);
    this.outputs.sample(r);
    for (const s of this.extra) s.sample(r);
  }

  /** One revision's share of its service's default route, percent (0 when it has none). */
  private trafficPercent(rev: Revision): number {
    const slot = this.slotOf(rev);
    if (slot.trafficVersion !== this.trafficVersion) {
      slot.percent = this.trafficShare.get(rev.spec.service)?.get(rev.spec.name) ?? 0;
      slot.trafficVersion = this.trafficVersion;
    }
    return slot.percent;
  }

  private see(slot: RevisionSlot, rev: Revision): void {
    if (slot.seen) return;
    this.seen.add(rev);
    slot.seen = true;
  }

  /** This recorder's state for `rev`, made on first use. */
  private slotOf(rev: Revision): RevisionSlot {
    const slot = rev.recorderSlot as RevisionSlot | undefined;
    if (slot !== undefined && slot.owner === this) return slot;
    const made: RevisionSlot = { owner: this, percent: 0, trafficVersion: -1, autoscaling: undefined, scaling: { metric: '', target: 0 }, seen: false, outputs: undefined };
    rev.recorderSlot = made;
    return made;
  }

  podMetrics(sample: PodMetricsSample): void {
    this.outputs.podMetrics(sample);
    for (const s of this.extra) s.podMetrics?.(sample);
  }

  node(node: ClusterNode, event: NodeEvent, now: number): void {
    const r = nodeRecord(node, event, now);
    this.outputs.node(r);
    for (const s of this.extra) s.node?.(r);
  }

  /** Closes the files and returns the summary (wall time and event count from the caller). */
  finish(meta: { scenario: string; seed: number; simulatedSeconds: number; events: number; wallSeconds: number }): RunSummary {
    const ends: RevisionEndRecord[] = [...this.seen].map((rev) => ({
      service: rev.spec.service,
      revision: rev.spec.name,
      failure: rev.failure,
      readyFalse: rev.readyFalse,
      failedScrapes: rev.autoscaler.failedScrapes,
    }));
    return this.outputs.finish(meta, ends);
  }
}
