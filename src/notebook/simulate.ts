/**
 * Runs a simulation in memory for a notebook and keeps what the notebook charts:
 * every decider evaluation, a per-second sample of each revision, traffic changes, pod
 * transitions and (optionally) every request. The summary is the same one `knsim run`
 * writes to summary.json.
 */
import { fileURLToPath } from 'node:url';
import type { DecisionRecord } from '../core/autoscaler/index.js';
import type { Pod } from '../model/pod.js';
import type { PodEvent, Recorder } from '../model/recorder.js';
import type { Request } from '../model/request.js';
import type { Revision } from '../model/revision.js';
import type { WorldSpec } from '../model/spec.js';
import { World } from '../model/world.js';
import { RunRecorder } from '../output/run-recorder.js';
import type { RunSummary } from '../output/summary.js';
import { parse as parseYaml } from 'yaml';
import { applySet, loadScenario, scenarioFromValue, type LoadedScenario } from '../scenario/index.js';

/** One decider evaluation, as autoscaler.csv has it: core's record and the revision's service. */
export type DecisionRow = DecisionRecord & { service: string };

/** One revision at the end of a simulated second. */
export interface SampleRow {
  time: number;
  service: string;
  revision: string;
  pending: number;
  starting: number;
  ready: number;
  terminating: number;
  /** Deployment replicas. */
  replicas: number;
  /** Requests waiting at the activators for a pod. */
  activatorWaiting: number;
  /** Requests in the pods (queued in queue-proxies or executing). */
  inPods: number;
  /** The SKS sends requests through the activators. */
  proxy: boolean;
  /** The revision's share of the service's default route, percent. */
  trafficPercent: number;
}

export interface TrafficRow {
  time: number;
  service: string;
  /** Percent per revision on the default route. */
  percents: Record<string, number>;
}

export interface PodEventRow {
  time: number;
  service: string;
  revision: string;
  pod: string;
  event: PodEvent;
}

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
  let raw: unknown = parseYaml(yamlText);
  const name = raw !== null && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string' ? (raw as { name: string }).name : 'inline';
  const file = fileURLToPath(new URL(`../../notebooks/${name}.yaml`, import.meta.url));
  for (const expr of opts.sets ?? []) raw = applySet(raw, expr, file);
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const over: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
    if (opts.seed !== undefined) over['seed'] = opts.seed;
    if (opts.durationSeconds !== undefined) over['duration'] = opts.durationSeconds;
    raw = over;
  }
  return scenarioFromValue(raw, file);
}

class NotebookRecorder implements Recorder {
  readonly decisions: DecisionRow[] = [];
  readonly samples: SampleRow[] = [];
  readonly traffics: TrafficRow[] = [];
  readonly pods: PodEventRow[] = [];
  readonly requests: RequestRow[] = [];
  readonly revisions: string[] = [];
  private readonly seen = new Set<string>();
  private readonly share = new Map<string, ReadonlyMap<string, number>>();

  constructor(
    private readonly inner: RunRecorder,
    private readonly keepRequests: boolean,
  ) {}

  private note(rev: Revision): void {
    if (!this.seen.has(rev.spec.name)) {
      this.seen.add(rev.spec.name);
      this.revisions.push(rev.spec.name);
    }
  }

  request(req: Request): void {
    this.inner.request(req);
    if (!this.keepRequests) return;
    this.requests.push({
      service: req.service,
      revision: req.revision?.spec.name ?? '',
      client: req.clientName,
      tag: req.tag,
      arrival: req.arrival,
      latencyMs: (req.end - req.arrival) * 1000,
      waitMs: (req.serviceStart - req.arrival) * 1000,
      status: req.status,
      cold: req.cold,
      route: req.route,
    });
  }

  decision(d: DecisionRecord, rev: Revision): void {
    this.inner.decision(d, rev);
    this.note(rev);
    this.decisions.push({
      time: d.time,
      service: rev.spec.service,
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
    });
  }

  podTransition(pod: Pod, event: PodEvent, now: number): void {
    this.inner.podTransition(pod, event, now);
    this.note(pod.revision);
    this.pods.push({ time: now, service: pod.revision.spec.service, revision: pod.revision.spec.name, pod: pod.name, event });
  }

  traffic(service: string, now: number, percents: ReadonlyMap<string, number>): void {
    this.inner.traffic(service, now, percents);
    this.share.set(service, new Map(percents));
    this.traffics.push({ time: now, service, percents: Object.fromEntries(percents) });
  }

  sample(rev: Revision, now: number): void {
    this.inner.sample(rev, now);
    this.note(rev);
    let pending = 0;
    let starting = 0;
    let ready = 0;
    let terminating = 0;
    let inPods = 0;
    for (const p of rev.allPods) {
      if (p.phase === 'Pending') pending++;
      else if (p.phase === 'Starting') starting++;
      else if (p.phase === 'Ready') ready++;
      else if (p.phase === 'Terminating') terminating++;
      inPods += p.queued + p.executing;
    }
    let waiting = 0;
    for (const a of rev.world.activators) waiting += a.existingThrottler(rev)?.waiting ?? 0;
    this.samples.push({
      time: now,
      service: rev.spec.service,
      revision: rev.spec.name,
      pending,
      starting,
      ready,
      terminating,
      replicas: rev.replicas,
      activatorWaiting: waiting,
      inPods,
      proxy: rev.sksEffectiveMode === 'Proxy',
      trafficPercent: this.share.get(rev.spec.service)?.get(rev.spec.name) ?? 0,
    });
  }
}

/**
 * Runs a scenario (from {@link scenario}) or a WorldSpec in memory and returns its
 * summary and per-decision / per-second data. Deterministic: same input, same output.
 */
export function simulate(input: LoadedScenario | WorldSpec, opts: SimulateOptions = {}): SimRun {
  const spec: WorldSpec = 'world' in input ? input.world : input;
  const inner = new RunRecorder({ outDir: undefined, trace: { mode: 'none' }, perTickFiles: false });
  const rec = new NotebookRecorder(inner, opts.requests ?? false);
  const world = new World(spec, rec);
  world.run();
  const summary = inner.finish({
    scenario: spec.name,
    seed: spec.seed,
    simulatedSeconds: spec.durationSeconds,
    events: world.sim.events,
    wallSeconds: 0,
  });
  return {
    name: spec.name,
    seed: spec.seed,
    durationSeconds: spec.durationSeconds,
    summary,
    decisions: rec.decisions,
    samples: rec.samples,
    traffic: rec.traffics,
    pods: rec.pods,
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
