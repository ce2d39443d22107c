/**
 * How much work a loaded scenario asks for, estimated before it runs, and the limits
 * above which knsim refuses it: a well-formed but absurd value (`rps: 1e12`,
 * `initialPods: 1e6`, a 100-year duration) would otherwise run until memory runs out.
 * Each limit has a flag that raises it. Also: turning the engine's no-progress stop
 * into a scenario error that names the likely cause.
 */
import { PodLimitExceeded } from '../model/pod-limit.js';
import { DEFAULT_IN_FLIGHT_LIMIT, InFlightLimitExceeded, RequestLimitExceeded } from '../model/request-limit.js';
import { makeSampler } from '../engine/distributions.js';
import { NoProgressError } from '../engine/no-progress.js';
import type { ClientSpec, RateSpec, RevisionSpec, WorldSpec } from '../model/spec.js';
import { AUTOSCALING_ANNOTATION_KEYS } from '../core/autoscaler/index.js';
import { formatPath, isPathWithin, ScenarioError, type PathSegment } from './errors.js';
import { leastValue } from './least-value.js';

/** The limits; each has a command-line flag. */
export interface WorkLimits {
  /** Requests the clients send over the run (--max-requests). */
  requests: number;
  /** Pods at the peak: revision pods plus activators (--max-pods). */
  pods: number;
  /** Closed-loop users, each with a request in flight (--max-users). */
  users: number;
  /** Periodic events over the run: stats pushes, scrapes, decider ticks, pod reports, samples (--max-events). */
  events: number;
  /** Requests in flight at once while the run goes (--max-in-flight): not estimated, only held (WorldSpec.inFlightLimit). */
  inFlight: number;
  /** Nodes launched over the run: Karpenter's floor replacing expired ones, and nodes launched for pods (--max-node-launches). */
  nodeLaunches: number;
}

/**
 * The defaults: 10 × the largest bench case (steady-24h, 86.4 M requests), far more
 * pods than one Knative cluster runs, periodic events a run gets through in minutes, and
 * node launches that take seconds. Each launched node stays in the run's accounting (about
 * 1.4 KB), and a launch or expiry looks over the pool's nodes: measured with 5,000 nodes
 * expiring every second, 200,000 launches took 26 s and 360 MB, 600,000 took 115 s and 860 MB.
 */
export const DEFAULT_WORK_LIMITS: Readonly<WorkLimits> = Object.freeze({
  requests: 1e9,
  pods: 100_000,
  users: 100_000,
  events: 1e10,
  inFlight: DEFAULT_IN_FLIGHT_LIMIT,
  nodeLaunches: 100_000,
});

/** The flag that raises each limit. */
export const WORK_LIMIT_FLAGS: Readonly<Record<keyof WorkLimits, string>> = Object.freeze({
  requests: '--max-requests',
  pods: '--max-pods',
  users: '--max-users',
  events: '--max-events',
  inFlight: '--max-in-flight',
  nodeLaunches: '--max-node-launches',
});

/** Where a revision was written: the template's file and path, and its annotations. */
export interface RevisionOrigin {
  file: string;
  path: readonly PathSegment[];
  annotations: Readonly<Record<string, string>>;
  /** `document 2` when `file` holds several documents (`path` does not say which). */
  document?: string;
  /**
   * `--set` overrides into a manifest file's Service (`path`: the field path each wrote, in
   * `file`): a value under one came from the flag, which `scenarioFile`'s messages name.
   */
  sets?: { scenarioFile: string; paths: ReadonlyArray<{ path: string; expr: string }> };
}

/** The flag that wrote `path` of a manifest file, if a `--set` did, as a message's file and path. */
function setWhere(origin: RevisionOrigin, path: string): { file: string; path: string } | undefined {
  const sets = origin.sets;
  if (sets === undefined) return undefined;
  for (const o of [...sets.paths].reverse()) {
    if (isPathWithin(path, o.path)) return { file: sets.scenarioFile, path: `--set ${o.expr}` };
  }
  return undefined;
}

/** What the estimate reads from a loaded scenario. */
export interface WorkInput {
  file: string;
  world: WorldSpec;
  /** [service][revision], as the loader built them; without it, paths name the service entry. */
  revisionOrigins?: ReadonlyArray<ReadonlyArray<RevisionOrigin>> | undefined;
  /** Where a config-autoscaler key is written (a manifest file's path); without it, `configMaps.config-autoscaler[<key>]` in `file`. */
  configMapWhere?: ((cm: 'config-autoscaler', key: string) => { file: string; path: string }) | undefined;
}

/** One contribution to a total, with the field to blame and how it was worked out. */
export interface WorkItem {
  file: string;
  path: string;
  amount: number;
  /** "1e12 requests/s × 3600 s", for the message. */
  how: string;
}

export interface WorkEstimate {
  requests: WorkItem[];
  /** Expected requests of each client, in the order of world.clients. */
  requestsPerClient: number[];
  pods: WorkItem[];
  users: WorkItem[];
  /** Periodic events per simulated second, and over the run. */
  eventsPerSecond: number;
  events: number;
  durationSeconds: number;
  /** Of eventsPerSecond: the Cluster Autoscaler's loops (1 / scanInterval), 0 without it. */
  nodeLoopsPerSecond?: number;
  /** Nodes launched during the run: Karpenter's floor replacing expired ones, and at most the node autoscaler's launches for pods. */
  nodeLaunches: WorkItem[];
}

/** A number for a message: whole numbers exact below 10 million, fractions to 4 digits, else 3 digits as `3.6e15` (an overflow as "more than 1.8e308"). */
export function fmtAmount(n: number): string {
  // A product of finite values past the largest double (1e308 requests/s × 10 s): its size is all a message can say.
  if (n === Number.POSITIVE_INFINITY) return 'more than 1.8e308';
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) < 1e7) return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4)));
  // Three significant digits as text: rounding through a Number would turn 1.798e308 into Infinity.
  return n.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/**
 * When a client sends, in its own time (rates and traces are in the same time): [start, end)
 * within the run. A conditional client (startWhen) may start at 0, and its times count
 * from its start, so [0, the earliest of end, for and the duration) bounds it.
 */
export function activeWindow(c: Pick<ClientSpec, 'startWhen' | 'startSeconds' | 'endSeconds' | 'forSeconds'>, duration: number): { from: number; to: number; seconds: number } {
  const from = c.startWhen !== undefined ? 0 : c.startSeconds;
  const to = Math.min(c.endSeconds, duration, c.forSeconds ?? Number.POSITIVE_INFINITY);
  return { from, to, seconds: Math.max(0, to - from) };
}

/** ∫ rate dt over [from, to): exact for every shape but sine, which takes its mean (or its peak when it is clipped at 0). */
export function expectedArrivals(rate: RateSpec, from: number, to: number): number {
  if (!(to > from)) return 0;
  const overlap = (a: number, b: number): number => Math.max(0, Math.min(b, to) - Math.max(a, from));
  switch (rate.shape) {
    case 'constant':
      return rate.rps * (to - from);
    case 'step': {
      let sum = 0;
      const steps = [...rate.steps].sort((a, b) => a.atSeconds - b.atSeconds);
      steps.forEach((s, i) => {
        sum += s.rps * overlap(s.atSeconds, steps[i + 1]?.atSeconds ?? Number.POSITIVE_INFINITY);
      });
      return sum;
    }
    case 'ramp': {
      const { fromRps, toRps, startSeconds: a, endSeconds: b } = rate;
      const at = (t: number): number => (t <= a ? fromRps : t >= b ? toRps : fromRps + ((toRps - fromRps) * (t - a)) / (b - a));
      const lo = Math.max(a, from);
      const hi = Math.min(b, to);
      const ramp = hi > lo ? ((at(lo) + at(hi)) / 2) * (hi - lo) : 0;
      return fromRps * overlap(Number.NEGATIVE_INFINITY, a) + ramp + toRps * overlap(b, Number.POSITIVE_INFINITY);
    }
    case 'spike':
      return rate.baseRps * (to - from) + (rate.peakRps - rate.baseRps) * overlap(rate.atSeconds, rate.atSeconds + rate.durationSeconds);
    case 'sine': {
      const amp = Math.abs(rate.amplitudeRps);
      return (amp <= rate.meanRps ? rate.meanRps : rate.meanRps + amp) * (to - from);
    }
  }
}

/** The highest rate of a shape (requests per second). */
function peakRate(rate: RateSpec): number {
  switch (rate.shape) {
    case 'constant':
      return rate.rps;
    case 'step':
      return Math.max(...rate.steps.map((s) => s.rps));
    case 'ramp':
      return Math.max(rate.fromRps, rate.toRps);
    case 'spike':
      return Math.max(rate.baseRps, rate.peakRps);
    case 'sine':
      return rate.meanRps + Math.abs(rate.amplitudeRps);
  }
}

function rateWhat(rate: RateSpec): { field: string; how: (seconds: number) => string } {
  if (rate.shape === 'constant') return { field: 'rps', how: (s) => `${fmtAmount(rate.rps)} requests/s × ${fmtAmount(s)} s` };
  return { field: 'rate', how: (s) => `a ${rate.shape} rate of up to ${fmtAmount(peakRate(rate))} requests/s over ${fmtAmount(s)} s` };
}

function annotationKey(annotations: Readonly<Record<string, string>>, keys: readonly string[]): string | undefined {
  return keys.find((k) => Object.prototype.hasOwnProperty.call(annotations, k));
}

/**
 * Estimates the work of a loaded scenario: expected requests per client (rate × time for
 * open loops, users × time / cycle for closed loops, the arrivals of a trace), pods at the
 * peak (what initialPods, initial-scale and min-scale start or keep, plus what the load
 * needs at the revision's target, capped by max-scale), closed-loop users, and periodic events.
 */
export function estimateWork(input: WorkInput): WorkEstimate {
  const { file, world } = input;
  const duration = world.durationSeconds;
  const cluster = world.cluster;
  const requests: WorkItem[] = [];
  const requestsPerClient: number[] = [];
  const users: WorkItem[] = [];
  const at = (...segs: PathSegment[]): string => formatPath(segs);

  // Mean service time of the fastest revision of each service: a closed loop's shortest cycle.
  const serviceIndex = new Map(world.services.map((s, i) => [s.name, i]));
  const fastest = (service: string): number => {
    const s = world.services[serviceIndex.get(service) ?? -1];
    return s === undefined ? 0 : Math.min(...s.revisions.map((r) => makeSampler(r.serviceTime).mean));
  };
  // Concurrency each service's load asks for (Little's law), and the client to blame.
  const demand = new Map<string, { inFlight: number; rps: number; path: string; how: string }>();
  const addDemand = (service: string, path: string, rps: number, inFlight: number, how: string): void => {
    const d = demand.get(service);
    if (d === undefined) demand.set(service, { inFlight, rps, path, how });
    else {
      if (inFlight > d.inFlight) Object.assign(d, { path, how });
      d.inFlight += inFlight;
      d.rps += rps;
    }
  };

  world.clients.forEach((c, i) => {
    const { from, to, seconds } = activeWindow(c, duration);
    if (c.kind === 'open') {
      const w = rateWhat(c.rate);
      const n = expectedArrivals(c.rate, from, to);
      requests.push({ file, path: at('clients', i, 'open', w.field), amount: n, how: `${w.how(seconds)} = ${fmtAmount(n)} requests` });
      requestsPerClient.push(n);
      const rps = peakRate(c.rate);
      const st = fastest(c.service);
      addDemand(c.service, at('clients', i, 'open', w.field), rps, rps * st, `${fmtAmount(rps)} requests/s × ${fmtAmount(st)} s service time`);
    } else if (c.kind === 'closed') {
      const loop = makeSampler(c.think).mean + cluster.ingressLatencySeconds + fastest(c.service);
      // A `qps` user sends at most once a tick (hey's period: whole microseconds).
      const cycle = c.qps !== undefined ? Math.max(loop, Math.trunc(1e6 / c.qps) / 1e6) : loop;
      // Every user sends once at the start; a zero-time cycle is the engine's to catch.
      const rounds = seconds > 0 ? Math.max(1, cycle > 0 ? seconds / cycle : 1) : 0;
      requests.push({
        file,
        path: at('clients', i, 'closed', 'users'),
        amount: c.users * rounds,
        how: `${fmtAmount(c.users)} users × ${fmtAmount(seconds)} s / ${fmtAmount(cycle)} s per request = ${fmtAmount(c.users * rounds)} requests`,
      });
      requestsPerClient.push(c.users * rounds);
      users.push({ file, path: at('clients', i, 'closed', 'users'), amount: c.users, how: `${fmtAmount(c.users)} closed-loop users` });
      addDemand(c.service, at('clients', i, 'closed', 'users'), 0, c.users, `${fmtAmount(c.users)} users`);
    } else {
      let n = 0;
      for (const a of c.arrivals) if (a >= from && a < to) n++;
      requests.push({ file, path: at('clients', i, 'trace', 'file'), amount: n, how: `${fmtAmount(n)} requests in ${fmtAmount(seconds)} s` });
      requestsPerClient.push(n);
    }
  });

  const pods: WorkItem[] = [];
  const ac = cluster.activatorCpu;
  if (ac === undefined) pods.push({ file, path: 'cluster.activators', amount: cluster.activatorReplicas, how: `${fmtAmount(cluster.activatorReplicas)} activator pods` });
  // The activator HPA may grow the pool to its maximum.
  else pods.push({ file, path: 'cluster.activatorCpu.maxReplicas', amount: ac.maxReplicas, how: `up to ${fmtAmount(ac.maxReplicas)} activator pods (the activator HPA's maxReplicas)` });
  let revisions = 0;
  let revisionPods = 0;
  world.services.forEach((s, si) => {
    let extra: WorkItem | undefined;
    s.revisions.forEach((r, ri) => {
      revisions++;
      const origin = input.revisionOrigins?.[si]?.[ri];
      let start = startPods(r, si, file, origin, input.configMapWhere);
      // An in-place change (a patch, a ConfigMap change) may raise min-scale later on.
      for (const c of s.autoscalingChanges ?? []) {
        if (c.revision !== r.name || !(c.autoscaling.minScale > start.amount)) continue;
        const n = c.autoscaling.minScale;
        start = { file, path: c.source ?? 'updates', amount: n, how: `min-scale keeps ${fmtAmount(n)} pods of ${r.name} from ${fmtAmount(c.atSeconds)} s` };
      }
      if (start.amount > 0) pods.push(start);
      revisionPods += start.amount;
      const d = demand.get(s.name);
      if (d === undefined) return;
      const target = r.autoscaling.deciderSpec.targetValue;
      const load = r.autoscaling.metric === 'rps' ? d.rps : d.inFlight;
      let need = target > 0 ? Math.ceil(load / target) : 0;
      if (r.autoscaling.maxScale > 0) need = Math.min(need, r.autoscaling.maxScale);
      const more = need - start.amount;
      if (more > 0 && (extra === undefined || more > extra.amount)) {
        const unit = r.autoscaling.metric === 'rps' ? 'requests/s' : 'requests in flight';
        extra = {
          file,
          path: d.path,
          amount: more,
          how: `${d.how} = ${fmtAmount(load)} ${unit} for ${r.name} at ${fmtAmount(target)} per pod = ${fmtAmount(need)} pods`,
        };
      }
    });
    // The load lands on one revision at a time: count the largest need once per service.
    if (extra !== undefined) {
      pods.push(extra);
      revisionPods += extra.amount;
    }
  });
  const peakPods = revisionPods;
  // Per simulated second: one sample of every revision, one stats push per activator, one
  // scrape and half a decider tick per revision, one report per pod, the node autoscaler's loops.
  // A Cluster Autoscaler loop every scan interval; Karpenter's disruption passes (10 s apart while
  // they find nothing, at once after a command) are too few to count.
  const na = cluster.nodes?.autoscaler;
  const nodeLoops = na?.kind === 'cluster-autoscaler' ? 1 / na.config.scanIntervalSeconds : 0;
  const eventsPerSecond = 1 + cluster.activatorReplicas + 1.5 * revisions + peakPods + nodeLoops;
  return {
    requests,
    requestsPerClient,
    pods,
    users,
    eventsPerSecond,
    events: eventsPerSecond * duration,
    durationSeconds: duration,
    nodeLoopsPerSecond: nodeLoops,
    nodeLaunches: [...karpenterLaunches(file, world), ...podDrivenLaunches(file, world, peakPods)],
  };
}

/**
 * At most how many nodes the node autoscaler launches for pods over the run, above the pools'
 * minNodes (karpenterLaunches counts the floor). Pods can come and go without end, so this bounds
 * it by two things it cannot outrun, and takes the smaller:
 * - how often it launches: once a Cluster Autoscaler loop (scanInterval), once a Karpenter batch
 *   (batches close at least batchIdleDuration apart), each time at most the room left above the floor;
 * - how long a node lives, as a slot above the floor is reused only once its node is gone: the Cluster
 *   Autoscaler deletes a node unneeded for scale-down-unneeded-time or unregistered after
 *   max-node-provision-time; Karpenter consolidates only a Ready node (its quickest start), after its
 *   command's validation wait, and deletes a node at its expireAfter or registration TTL. A pool whose launches can fail
 *   (launchFailures) deletes those claims at once, so only the first bound holds for Karpenter then.
 * Each node drain and pool drift of the scenario frees slots once more (a drift, every node of the pool).
 * The slots are the nodes above minNodes, but no more than the revisions' pods at the peak: a node
 * is launched for at least one pod that found no room.
 */
function podDrivenLaunches(file: string, world: WorldSpec, peakRevisionPods: number): WorkItem[] {
  const nodes = world.cluster.nodes;
  const a = nodes?.autoscaler;
  if (nodes === undefined || a === undefined || a.kind === 'none') return [];
  const duration = world.durationSeconds;
  const room = nodes.pools.map((p) => Math.max(0, p.maxNodes - p.minNodes));
  const roomAbove = room.reduce((x, y) => x + y, 0);
  const above = Math.min(roomAbove, Math.max(0, peakRevisionPods));
  if (above === 0) return [];
  let every: number;
  let life: number;
  let what: string;
  if (a.kind === 'cluster-autoscaler') {
    every = a.config.scanIntervalSeconds;
    life = Math.min(a.config.scaleDownUnneededSeconds, a.config.maxNodeProvisionSeconds);
    what = 'a loop every scanInterval';
  } else {
    every = a.config.batchIdleSeconds;
    const fails = nodes.pools.some((p) => (p.launchFailures?.length ?? 0) > 0);
    // Consolidation takes only a Ready node, after the command's validation wait.
    const ready = Math.min(...nodes.pools.map((p) => leastValue(p.startupLatency)));
    life = fails ? 0 : Math.min(ready + a.config.validationSeconds, a.config.expireAfterSeconds, a.config.registrationTimeoutSeconds);
    what = 'a batch every batchIdleDuration';
  }
  const byRate = every > 0 ? above * (Math.floor(duration / every) + 1) : Number.POSITIVE_INFINITY;
  const byLife = life > 0 ? above * (Math.floor(duration / life) + 1) : Number.POSITIVE_INFINITY;
  const freed = (world.nodeDrains?.length ?? 0) + (world.nodePoolDrifts ?? []).reduce((n, d) => n + (nodes.pools.find((p) => p.name === d.pool)?.maxNodes ?? 0), 0);
  const amount = Math.min(byRate, byLife) + freed;
  const i = room.indexOf(Math.max(...room));
  const bound =
    byLife <= byRate
      ? `each slot reused once its node is gone, which takes at least ${fmtAmount(life)} s: ${fmtAmount(above)} × ${fmtAmount(Math.floor(duration / life) + 1)}`
      : `${what} (${fmtAmount(every)} s): ${fmtAmount(above)} × ${fmtAmount(Math.floor(duration / every) + 1)}`;
  const extra = freed > 0 ? ` + ${fmtAmount(freed)} for the scenario's node drains and drifts` : '';
  return [
    {
      file,
      path: formatPath(['cluster', 'nodePools', i, 'maxNodes']),
      amount,
      how: `${fmtAmount(above)} nodes above minNodes${above < roomAbove ? ` (one per revision pod at the peak)` : ''}, launched for pods at most ${bound}${extra} = ${fmtAmount(amount)} node launches in ${fmtAmount(duration)} s`,
    },
  ];
}

/**
 * The nodes Karpenter launches during the run to replace expired ones. Every node expires
 * `expireAfter` after its launch, and a pool below its minNodes gets a new one at once: the
 * floor is launched again every expireAfter (nodes above the floor come back only for pods that
 * need them, which the estimate does not foresee). Consolidation is not counted: a replacement
 * is cheaper than the nodes it replaces, so it follows the launches that put them there, a few
 * times at most (one per cheaper pool).
 */
function karpenterLaunches(file: string, world: WorldSpec): WorkItem[] {
  const nodes = world.cluster.nodes;
  if (nodes?.autoscaler.kind !== 'karpenter') return [];
  const cfg = nodes.autoscaler.config;
  const duration = world.durationSeconds;
  const items: WorkItem[] = [];
  const expiries = Number.isFinite(cfg.expireAfterSeconds) ? Math.floor(duration / cfg.expireAfterSeconds) : 0;
  const floor = nodes.pools.reduce((n, p) => n + p.minNodes, 0);
  if (expiries > 0 && floor > 0) {
    const pools = nodes.pools.filter((p) => p.minNodes > 0).map((p) => `${p.name} ${fmtAmount(p.minNodes)}`);
    items.push({
      file,
      path: 'cluster.nodeAutoscaler.expireAfter',
      amount: floor * expiries,
      how: `${fmtAmount(floor)} nodes kept by minNodes (${pools.join(', ')}), each launched again when it expires every ${fmtAmount(cfg.expireAfterSeconds)} s: ${fmtAmount(floor)} × ${fmtAmount(expiries)} expiries in ${fmtAmount(duration)} s = ${fmtAmount(floor * expiries)} node launches`,
    });
  }
  return items;
}

/** The pods a revision starts with or keeps: initialPods (or initial-scale when created during the run) and min-scale. */
function startPods(r: RevisionSpec, si: number, file: string, origin: RevisionOrigin | undefined, cmWhere: WorkInput['configMapWhere']): WorkItem {
  const K = AUTOSCALING_ANNOTATION_KEYS;
  const minScale = r.autoscaling.minScale;
  const initial = r.initialPods ?? r.autoscaling.initialScale;
  const annotationPath = (keys: readonly string[], cmKey: string): { file: string; path: string } => {
    const key = origin !== undefined ? annotationKey(origin.annotations, keys) : undefined;
    if (origin !== undefined && key !== undefined) {
      const path = formatPath([...origin.path, 'metadata', 'annotations', key]);
      return setWhere(origin, path) ?? { file: origin.file, path: origin.document === undefined ? path : `${origin.document}, ${path}` };
    }
    return cmWhere?.('config-autoscaler', cmKey) ?? { file, path: formatPath(['configMaps', 'config-autoscaler', cmKey]) };
  };
  if (minScale > initial) {
    return { ...annotationPath(K.minScale, 'min-scale'), amount: minScale, how: `min-scale keeps ${fmtAmount(minScale)} pods of ${r.name}` };
  }
  if (r.initialPods !== undefined) {
    return { file, path: formatPath(['services', si, 'initialPods']), amount: initial, how: `${fmtAmount(initial)} pods of ${r.name}` };
  }
  const where = origin !== undefined ? annotationPath(K.initialScale, 'initial-scale') : { file, path: formatPath(['services', si]) };
  return { ...where, amount: initial, how: `initial-scale starts ${fmtAmount(initial)} pods of ${r.name}` };
}

function exceeds(kind: keyof WorkLimits, limit: number, unit: string): string {
  return `exceeds the limit of ${fmtAmount(limit)} ${unit} (raise with ${WORK_LIMIT_FLAGS[kind]})`;
}

/**
 * The refusal of a trace whose window holds more requests than `limit` (of which `before` are the
 * trace clients' loaded before it, leaving `left`): its loading stops at the first past the limit.
 */
export function tooManyTraceArrivals(left: number, before: number, seconds: number, limit: number): string {
  const atLeast = `at least ${fmtAmount(Math.max(0, Math.floor(left)) + 1)} requests in ${fmtAmount(seconds)} s`;
  const all = before > 0 ? ` (with the ${fmtAmount(before)} of the trace clients before it)` : '';
  return `${atLeast}${all} ${exceeds('requests', limit, 'requests')}`;
}

/** The item to blame for a total: the largest. */
export function largest(items: readonly WorkItem[]): WorkItem | undefined {
  return items.reduce<WorkItem | undefined>((best, it) => (best === undefined || it.amount > best.amount ? it : best), undefined);
}

function checkTotal(kind: keyof WorkLimits, items: readonly WorkItem[], limit: number, unit: string): void {
  const total = items.reduce((a, it) => a + it.amount, 0);
  if (!(total > limit)) return;
  const top = largest(items)!;
  // The total only when this item alone is within the limit.
  const others = top.amount <= limit ? ` (${fmtAmount(total)} ${unit} in all)` : '';
  throw new ScenarioError(top.file, top.path, `${top.how}${others} ${exceeds(kind, limit, unit)}`);
}

/**
 * Refuses a scenario whose estimated work is over a limit, naming the field that
 * contributes most, the arithmetic and the flag that raises the limit.
 * @throws ScenarioError
 */
export function checkWork(input: WorkInput, limits: Readonly<WorkLimits> = DEFAULT_WORK_LIMITS): WorkEstimate {
  const e = estimateWork(input);
  checkTotal('requests', e.requests, limits.requests, 'requests');
  checkTotal('users', e.users, limits.users, 'users');
  checkTotal('pods', e.pods, limits.pods, 'pods');
  checkTotal('nodeLaunches', e.nodeLaunches, limits.nodeLaunches, 'node launches');
  if (e.events > limits.events) {
    // Blame the Cluster Autoscaler's scan interval when its loops are most of the events.
    const loops = e.nodeLoopsPerSecond ?? 0;
    const byLoops = loops > e.eventsPerSecond / 2;
    throw new ScenarioError(
      input.file,
      byLoops ? 'cluster.nodeAutoscaler.scanInterval' : 'duration',
      `${fmtAmount(e.durationSeconds)} s × ${fmtAmount(e.eventsPerSecond)} periodic events/s${byLoops ? ` (${fmtAmount(loops)} Cluster Autoscaler loops/s)` : ''} = ${fmtAmount(e.events)} events ${exceeds('events', limits.events, 'events')}`,
    );
  }
  return e;
}

/**
 * The scenario error for a run whose simulated time stopped advancing, naming the
 * likeliest cause: a closed-loop client whose request, answer and think time can all take
 * (next to) no time; else a trace replaying too many requests at one instant.
 */
export function noProgressError(input: WorkInput, e: NoProgressError): ScenarioError {
  const { world } = input;
  const stuck = `simulated time stopped at ${fmtAmount(e.atSeconds)} s (${fmtAmount(e.events)} events without the clock moving)`;
  const fastest = (service: string): number =>
    Math.min(...(world.services.find((s) => s.name === service)?.revisions.map((r) => makeSampler(r.serviceTime).mean) ?? [0]));
  let best: { i: number; cycle: number; idle: number } | undefined;
  world.clients.forEach((c, i) => {
    // A `qps` user waits for its next tick, so it cannot loop at one instant.
    if (c.kind !== 'closed' || c.qps !== undefined) return;
    const idle = makeSampler(c.think).mean + world.cluster.ingressLatencySeconds;
    const cycle = idle + fastest(c.service);
    if (best === undefined || cycle < best.cycle) best = { i, cycle, idle };
  });
  if (best !== undefined) {
    const path = formatPath(['clients', best.i, 'closed', 'think']);
    // A service time does not stop the loop when the answers come without one: a 404 before any
    // revision is routable, a 503 with no activator endpoint. Only think time or the hop can.
    if (best.idle === 0 && best.cycle > 0) {
      return new ScenarioError(
        input.file,
        path,
        `${stuck}: think time and ingress latency are 0 s, and an unserved answer (404 before a revision is Ready, 503) takes no time; give think or cluster.ingressLatency a duration`,
      );
    }
    return new ScenarioError(
      input.file,
      path,
      `${stuck}: its users loop without time passing (think time + service time + ingress latency ≈ ${fmtAmount(best.cycle)} s); give one of them a duration`,
    );
  }
  const trace = world.clients.findIndex((c) => c.kind === 'trace');
  return new ScenarioError(
    input.file,
    trace >= 0 ? formatPath(['clients', trace, 'trace', 'timeScale']) : 'clients',
    `${stuck}: too many requests at one instant`,
  );
}

/** The pod cap stopped the run: named against the revision's service, with its autoscaler class. */
function podLimitError(input: WorkInput, e: PodLimitExceeded): ScenarioError {
  const i = input.world.services.findIndex((s) => s.revisions.some((r) => r.name === e.revision));
  const rev = input.world.services[i]?.revisions.find((r) => r.name === e.revision);
  const cls = rev !== undefined ? ` (autoscaler class ${rev.autoscaling.class})` : '';
  return new ScenarioError(
    input.file,
    i >= 0 ? formatPath(['services', i]) : 'services',
    // Pods still terminating (or of other revisions) count too: "asked for 99999 pods" alone read as under a limit of 100000.
    `revision ${e.revision}${cls} asked for ${fmtAmount(e.replicas)} pods at ${fmtAmount(e.atSeconds)} s${e.others > 0 ? ` while ${fmtAmount(e.others)} other pods exist (terminating, or of other revisions)` : ''}: more than the limit of ${fmtAmount(e.limit)} pods at once (raise with --max-pods)`,
  );
}

/**
 * Past this many times the requests foreseen (and at least RUNAWAY_FLOOR), a run whose
 * --max-requests was not given stops: its clients are looping on answers that take no time.
 */
export const RUNAWAY_FACTOR = 10;
export const RUNAWAY_FLOOR = 1e7;

/**
 * The request cap while the run goes: `--max-requests` when given; otherwise ten times the
 * requests foreseen, within the default limit. The estimate counts a closed loop's cycle with
 * its service time, but requests that fail at once (404 before any revision is Ready, 502 from
 * a crashed container) come back after the ingress hop alone: users with no think time then
 * send hundreds of times more, and a run meant to take seconds took minutes and wrote 22 GB.
 */
export function runRequestLimit(work: Pick<WorkEstimate, 'requests'>, limits: Readonly<WorkLimits>, given: boolean): number {
  if (given) return limits.requests;
  let foreseen = 0;
  for (const r of work.requests) foreseen += r.amount;
  return Math.min(limits.requests, Math.max(RUNAWAY_FACTOR * foreseen, RUNAWAY_FLOOR));
}

/** The request cap stopped the run: named against the closed-loop client whose cycle is shortest, else the clients. */
function requestLimitError(input: WorkInput, e: RequestLimitExceeded): ScenarioError {
  const { world } = input;
  let best: { i: number; think: number } | undefined;
  world.clients.forEach((c, i) => {
    if (c.kind !== 'closed') return;
    const think = makeSampler(c.think).mean;
    if (best === undefined || think < best.think) best = { i, think };
  });
  const foreseen = estimateWork(input).requests.reduce((n, r) => n + r.amount, 0);
  const cap =
    e.limit === RUNAWAY_FACTOR * foreseen ? `${RUNAWAY_FACTOR}× the ${fmtAmount(foreseen)} foreseen`
    : e.limit === RUNAWAY_FLOOR && RUNAWAY_FACTOR * foreseen < RUNAWAY_FLOOR ? `the least cap; ${fmtAmount(foreseen)} foreseen`
    : '--max-requests';
  const sent = `${fmtAmount(e.limit)} requests sent by ${fmtAmount(e.atSeconds)} s (${cap})`;
  if (best !== undefined) {
    return new ScenarioError(
      input.file,
      formatPath(['clients', best.i, 'closed', 'think']),
      `${sent}: users answered at once (404 before a revision is Ready, 502, 503) send again after ${fmtAmount(best.think)} s; add think time or raise --max-requests`,
    );
  }
  return new ScenarioError(input.file, 'clients', `${sent}; raise --max-requests to let it run`);
}

/** The cap on requests in flight stopped the run: named against the load of the client that sent past it. */
function inFlightLimitError(input: WorkInput, e: InFlightLimitExceeded): ScenarioError {
  const i = input.world.clients.findIndex((c) => c.name === e.client);
  const c = input.world.clients[i];
  const path =
    c === undefined ? ['clients']
    : c.kind === 'open' ? ['clients', i, 'open', rateWhat(c.rate).field]
    : c.kind === 'closed' ? ['clients', i, 'closed', 'users']
    : ['clients', i, 'trace', 'file'];
  // The memory figure is the default cap's (about 500 bytes a request). The rule stays short: a sweep adds which run it was.
  const memory = e.limit === DEFAULT_IN_FLIGHT_LIMIT ? ' (about 1 GB)' : '';
  return new ScenarioError(
    input.file,
    formatPath(path),
    `${fmtAmount(e.inFlight)} requests in flight (sent, not yet answered) at ${fmtAmount(e.atSeconds)} s: more than the limit of ${fmtAmount(e.limit)}${memory}; send fewer at once, give the revisions more pods, or raise ${WORK_LIMIT_FLAGS.inFlight}`,
  );
}

/** Runs a simulation, turning the engine's no-progress stop and the pod, request and in-flight caps into ScenarioErrors for the scenario. */
export function guardProgress<T>(input: WorkInput, run: () => T): T {
  const rethrow = (e: unknown): never => {
    if (e instanceof PodLimitExceeded) throw podLimitError(input, e);
    if (e instanceof RequestLimitExceeded) throw requestLimitError(input, e);
    if (e instanceof InFlightLimitExceeded) throw inFlightLimitError(input, e);
    throw e instanceof NoProgressError ? noProgressError(input, e) : e;
  };
  try {
    const r = run();
    // A run that yields between slices (runWorldInterruptible) fails through its promise.
    return (r instanceof Promise ? r.catch(rethrow) : r) as T;
  } catch (e) {
    return rethrow(e);
  }
}
