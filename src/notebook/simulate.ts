/**
 * Runs a simulation in memory for a notebook and keeps what the notebook charts:
 * every decider evaluation, a per-second sample of each revision, traffic changes, pod
 * transitions and (optionally) every request. The summary is the same one `knsim run`
 * writes to summary.json.
 */
import { fileURLToPath } from 'node:url';
import type { WorldSpec } from '../model/spec.js';
import { World } from '../model/world.js';
import type { AutoscalerRecord, NodeRecord, PodRecord, RecordSink, RequestRecord, TimeseriesRecord, TrafficRecord } from '../output/records.js';
import type { RunSummary } from '../output/summary.js';
import { RunRecorder } from '../run/run-recorder.js';
import { noteOutages, servesWebSockets } from '../run/run-options.js';
import { applySet, loadScenario, parseYamlOne, rejectProtoKeys, scenarioFromValue, type LoadedScenario } from '../scenario/index.js';

/** One decider evaluation, as autoscaler.csv has it (less the revision's metric and target). */
export type DecisionRow = Omit<AutoscalerRecord, 'metric' | 'target'>;

/** One revision at the end of a simulated second (the run's TimeseriesRecord, with pods' requests summed). */
export type SampleRow = Pick<
  TimeseriesRecord,
  'time' | 'service' | 'revision' | 'pending' | 'starting' | 'ready' | 'terminating' | 'replicas' | 'activatorWaiting' | 'trafficPercent'
> & {
  /** Requests in the pods (queued in queue-proxies or executing). */
  inPods: number;
  /** The SKS sends requests through the activators. */
  proxy: boolean;
};

/** A traffic split change: percent per revision on the default route. */
export type TrafficRow = TrafficRecord;

/** A pod lifecycle step. */
export type PodEventRow = Omit<PodRecord, 'readyAt' | 'terminatingAt'>;

/** A node's lifecycle step (Requested, Ready, Tainted, Untainted, Deleted), as nodes.csv has it (only with node pools). */
export type NodeRow = NodeRecord;

/** One finished request (kept only with `requests: true`). */
export interface RequestRow {
  service: string;
  /** '' when no revision was routable. */
  revision: string;
  client: string;
  tag: string | undefined;
  /** When the client sent it, seconds. */
  arrival: number;
  /** Client-side latency, milliseconds. */
  latencyMs: number;
  /** From arrival until the app started on it (activator and queue-proxy waits), milliseconds; NaN if it never started. */
  waitMs: number;
  /** A 200 from an app that streams (app.stream): from arrival to its first byte, milliseconds; NaN otherwise. */
  firstByteMs: number;
  /** A WebSocket session (app.webSocket) a pod's or an activator's shutdown closed before its end (counted with the 200s). */
  closedAtShutdown: boolean;
  /** 200, 503, 504, 404 (no route) or -1 (client timeout). */
  status: number;
  /** It waited at an activator while the revision had no pod to send it to. */
  cold: boolean;
  route: 'activator' | 'direct' | 'none';
}

export interface SimRun {
  name: string;
  seed: number;
  durationSeconds: number;
  summary: RunSummary;
  decisions: DecisionRow[];
  samples: SampleRow[];
  traffic: TrafficRow[];
  pods: PodEventRow[];
  /** Node lifecycle steps; empty without node pools (then the summary has no nodes or cost either). */
  nodes: NodeRow[];
  /** Empty unless the run was made with `requests: true`. */
  requests: RequestRow[];
  /** The revisions in creation order. */
  revisions: string[];
}

export interface SimulateOptions {
  /** Keep every request (memory grows with the run; fine for minutes of traffic). */
  requests?: boolean;
}

/** The repository root (where `scenarios/` lives), from dist/notebook/. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Path of a shipped scenario, by name: `scenarioPath('quickstart')`. */
export function scenarioPath(name: string): string {
  return fileURLToPath(new URL(`../../scenarios/${name}.yaml`, import.meta.url));
}

export interface ScenarioOptions {
  /** `--set path=value` overrides, e.g. `configMaps.config-autoscaler.stable-window=30s`. */
  sets?: readonly string[];
  seed?: number;
  durationSeconds?: number;
}

/** Loads a shipped scenario (`scenarios/<name>.yaml`) with `--set`-style overrides. */
export function scenario(name: string, opts: ScenarioOptions = {}): LoadedScenario {
  return loadScenario(scenarioPath(name), {
    ...(opts.sets !== undefined ? { sets: opts.sets } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.durationSeconds !== undefined ? { durationSeconds: opts.durationSeconds } : {}),
  });
}

/**
 * A scenario written inline as YAML (the same format as `scenarios/*.yaml`), with the same
 * overrides as {@link scenario}. Error messages name it `notebooks/<name>.yaml`.
 */
export function scenarioFromYaml(yamlText: string, opts: ScenarioOptions = {}): LoadedScenario {
  const fileOf = (name: string): string => fileURLToPath(new URL(`../../notebooks/${name}.yaml`, import.meta.url));
  // Parsed as the CLI parses a file (size, depth, duplicate keys); its errors name the `name:` line's value if there is one.
  const named = /^name:[ \t]*["']?([^\s"'#]+)/m.exec(yamlText)?.[1];
  let raw: unknown = parseYamlOne(yamlText, fileOf(named ?? 'inline'));
  const name = raw !== null && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string' ? (raw as { name: string }).name : 'inline';
  const file = fileOf(name);
  rejectProtoKeys(raw, file, []);
  for (const expr of opts.sets ?? []) raw = applySet(raw, expr, file);
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const over: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
    if (opts.seed !== undefined) over['seed'] = opts.seed;
    if (opts.durationSeconds !== undefined) over['duration'] = opts.durationSeconds;
    raw = over;
  }
  return scenarioFromValue(raw, file);
}

/** Keeps a run's records as the notebook's rows. */
class NotebookSink implements RecordSink {
  readonly decisions: DecisionRow[] = [];
  readonly samples: SampleRow[] = [];
  readonly traffics: TrafficRow[] = [];
  readonly pods: PodEventRow[] = [];
  readonly nodes: NodeRow[] = [];
  readonly requests: RequestRow[] = [];
  readonly revisions: string[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly keepRequests: boolean) {}

  private note(revision: string): void {
    if (!this.seen.has(revision)) {
      this.seen.add(revision);
      this.revisions.push(revision);
    }
  }

  request(r: RequestRecord): void {
    if (!this.keepRequests) return;
    this.requests.push({
      service: r.service,
      revision: r.revision,
      client: r.client,
      tag: r.tag,
      arrival: r.arrival,
      latencyMs: (r.end - r.arrival) * 1000,
      waitMs: (r.serviceStart - r.arrival) * 1000,
      firstByteMs: (r.firstByteSeconds ?? Number.NaN) * 1000,
      closedAtShutdown: r.closedAtShutdown === true,
      status: r.status,
      cold: r.cold,
      route: r.route,
    });
  }

  decision(r: AutoscalerRecord): void {
    this.note(r.revision);
    const { time, service, metric: _metric, target: _target, ...row } = r;
    // time and service first, as the rows have always listed them.
    this.decisions.push({ time, service, ...row });
  }

  pod(r: PodRecord): void {
    this.note(r.revision);
    // The node only with node pools, as pods.csv has it.
    this.pods.push({ time: r.time, service: r.service, revision: r.revision, pod: r.pod, event: r.event, ...(r.node !== undefined ? { node: r.node } : {}) });
  }

  node(r: NodeRecord): void {
    this.nodes.push({ ...r });
  }

  traffic(r: TrafficRecord): void {
    this.traffics.push({ time: r.time, service: r.service, percents: { ...r.percents } });
  }

  sample(r: TimeseriesRecord): void {
    this.note(r.revision);
    this.samples.push({
      time: r.time,
      service: r.service,
      revision: r.revision,
      pending: r.pending,
      starting: r.starting,
      ready: r.ready,
      terminating: r.terminating,
      replicas: r.replicas,
      activatorWaiting: r.activatorWaiting,
      inPods: r.podQueued + r.podExecuting,
      proxy: r.sksMode === 'Proxy',
      trafficPercent: r.trafficPercent,
    });
  }
}

/**
 * Runs a scenario (from {@link scenario}) or a WorldSpec in memory and returns its
 * summary and per-decision / per-second data. Deterministic: same input, same output.
 */
export function simulate(input: LoadedScenario | WorldSpec, opts: SimulateOptions = {}): SimRun {
  const spec: WorldSpec = 'world' in input ? input.world : input;
  const rec = new NotebookSink(opts.requests ?? false);
  const nodes = spec.cluster.nodes;
  const recorder = new RunRecorder({ outDir: undefined, trace: { mode: 'none' }, webSockets: servesWebSockets(spec), ...(nodes !== undefined ? { cluster: { cpuCostShare: nodes.cpuCostShare } } : {}) }, rec);
  const world = new World(spec, recorder);
  world.run();
  const summary = recorder.finish({
    scenario: spec.name,
    seed: spec.seed,
    simulatedSeconds: spec.durationSeconds,
    events: world.sim.events,
    wallSeconds: 0,
  });
  // The outages summary.json lists, as knsim run adds them.
  noteOutages(summary, world);
  return {
    name: spec.name,
    seed: spec.seed,
    durationSeconds: spec.durationSeconds,
    summary,
    decisions: rec.decisions,
    samples: rec.samples,
    traffic: rec.traffics,
    pods: rec.pods,
    nodes: rec.nodes,
    requests: rec.requests,
    revisions: rec.revisions,
  };
}

/** The summary of one revision of a run (throws if the run has no such revision). */
export function revisionSummary(run: SimRun, revision: string): RunSummary['revisions'][number] {
  const r = run.summary.revisions.find((x) => x.revision === revision);
  if (r === undefined) {
    throw new Error(`${run.name}: no revision ${revision} (has ${run.summary.revisions.map((x) => x.revision).join(', ')})`);
  }
  return r;
}

/** The per-second samples of one revision. */
export function samplesOf(run: SimRun, revision: string): SampleRow[] {
  return run.samples.filter((s) => s.revision === revision);
}

/** The decider evaluations of one revision. */
export function decisionsOf(run: SimRun, revision: string): DecisionRow[] {
  return run.decisions.filter((d) => d.revision === revision);
}

/** Contiguous periods where `pred` holds over time-ordered rows, as [from, to) in seconds. */
export function periods<T extends { time: number }>(rows: readonly T[], pred: (row: T) => boolean, stepSeconds = 1): Array<{ from: number; to: number }> {
  const out: Array<{ from: number; to: number }> = [];
  let start: number | undefined;
  let last = 0;
  for (const r of rows) {
    if (pred(r)) {
      if (start === undefined) start = r.time;
      last = r.time;
    } else if (start !== undefined) {
      out.push({ from: start, to: r.time });
      start = undefined;
    }
  }
  if (start !== undefined) out.push({ from: start, to: last + stepSeconds });
  return out;
}
