/**
 * A revision's resources and resource model from its template and app:
 * - requests and limits of its containers after Knative's defaulting (config-defaults
 *   revision-* for each container that sets none) and Kubernetes' (a request left unset
 *   takes the limit), validated as the API server does (request ≤ limit); plus the
 *   queue-proxy's (config-deployment queue-sidecar-*);
 * - the app's work model (fixed service time, `cpu`, or a measured `profile`) and memory.
 */
import { podResources as corePodResources, type PodResources } from '../core/capacity/index.js';
import type { DistributionSpec, MemoryModelSpec, PodResourcesSpec, StreamSpec, WebSocketSpec, WorkModelSpec, ContainerResources } from '../model/spec.js';
import { enforcedMemoryLimit } from '../model/memory.js';
import { requestOverLimit, type ClusterConfig } from './configmaps.js';
import { formatPath, ScenarioError, type PathSegment } from './errors.js';
import type { AppInput, ContainerInput } from './schema.js';
import { parseCpuMillis, parseMemoryBytes, QuantityError } from './quantity.js';
import { goParseFloat } from '../core/autoscaler/index.js';

/** The CPU a pod's node gives it (without a limit, or within a smaller limit's CFS quota) when the scenario sets no `cluster.podCpuCeiling` and has no node pools. */
export const DEFAULT_POD_CPU_CEILING_MILLIS = 1000;

/** One container's resources after defaulting, with the API server's request ≤ limit check. */
function containerResources(c: ContainerInput, defaults: ContainerResources, file: string, base: readonly PathSegment[]): ContainerResources {
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  const cpuLimit = lim.cpu ?? defaults.cpuLimitMillis;
  const memLimit = lim.memory ?? defaults.memoryLimitBytes;
  // Knative's webhook fills requests from config-defaults first; Kubernetes then copies a limit into a missing request.
  const cpuRequest = req.cpu ?? defaults.cpuRequestMillis ?? cpuLimit;
  const memRequest = req.memory ?? defaults.memoryRequestBytes ?? memLimit;
  const out = { cpuRequestMillis: cpuRequest, cpuLimitMillis: cpuLimit, memoryRequestBytes: memRequest, memoryLimitBytes: memLimit };
  const over = requestOverLimit(out);
  if (over !== undefined) {
    // Name the config-defaults keys that filled either side, which the container does not show.
    const r = over.resource;
    const sides = [
      { side: 'request', written: req[r], field: over.requestField },
      { side: 'limit', written: lim[r], field: r === 'cpu' ? 'cpuLimitMillis' : 'memoryLimitBytes' },
    ] as const;
    const keys = sides.filter((x) => x.written === undefined && defaults[x.field] !== undefined).map((x) => `revision-${r}-${x.side}`);
    const origin = keys.length > 0 ? ` (${keys.join(' and ')} from config-defaults)` : '';
    throw new ScenarioError(file, `${formatPath([...base, 'resources', 'requests'])}.${over.resource}`, `${over.rule}${origin}`);
  }
  return out;
}

/**
 * The pod's resources from the template's containers (`specBase` is the path of
 * `spec.template.spec`). The serving container is the one with `ports` when there are
 * several (Knative's multi-container rule), else the first.
 */
export function podResources(
  containers: readonly ContainerInput[] | undefined,
  cluster: ClusterConfig,
  file: string,
  specBase: readonly PathSegment[],
  annotations: Readonly<Record<string, string>> = {},
  annotationsBase: readonly PathSegment[] = [...specBase.slice(0, -1), 'metadata', 'annotations'],
  initContainers: readonly ContainerInput[] = [],
  names: readonly string[] = [],
): PodResourcesSpec {
  const list = containers ?? [];
  const all = list.map((c, i) => containerResources(c, cluster.containerDefaults, file, [...specBase, 'containers', i]));
  let serving = list.length > 1 ? list.findIndex((c) => c.ports !== undefined && c.ports.length > 0) : 0;
  if (serving < 0) serving = 0;
  const user = all[serving] ?? containerResources({}, cluster.containerDefaults, file, [...specBase, 'containers', 0]);
  const queueProxy = queueProxyResources(cluster, list[serving], annotations, file, annotationsBase);
  // Knative's config-defaults fill the containers only; Kubernetes still copies a limit into a missing request.
  const inits = initContainers.map((c, i) => containerResources(c, {}, file, [...specBase, 'initContainers', i]));
  const withoutRequest = firstWithoutRequest([
    ...(all.length > 0 ? all : [user]).map((c, i) => ({ name: names[i] ?? DEFAULT_CONTAINER_NAME, c })),
    { name: QUEUE_PROXY_NAME, c: queueProxy },
  ]);
  return { user, sidecars: all.filter((_, i) => i !== serving), queueProxy, ...(inits.length > 0 ? { initContainers: inits } : {}), ...(withoutRequest !== undefined ? { withoutRequest } : {}) };
}

/** config-defaults' container-name-template as shipped: what a lone unnamed container is called. */
const DEFAULT_CONTAINER_NAME = 'user-container';
/** The name Knative gives its own sidecar. */
const QUEUE_PROXY_NAME = 'queue-proxy';

/** For each resource, the first of `pod`'s containers (in the pod's order) with no request for it; undefined when all have both. */
function firstWithoutRequest(pod: ReadonlyArray<{ name: string; c: ContainerResources }>): PodResourcesSpec['withoutRequest'] {
  const cpu = pod.find((x) => x.c.cpuRequestMillis === undefined)?.name;
  const memory = pod.find((x) => x.c.memoryRequestBytes === undefined)?.name;
  if (cpu === undefined && memory === undefined) return undefined;
  return { ...(cpu !== undefined ? { cpu } : {}), ...(memory !== undefined ? { memory } : {}) };
}

/**
 * The requests and limits of a template's init containers (`spec.initContainers`, read raw: the
 * init-container checks have passed), as quantities; a malformed one is an error at its path.
 */
export function initContainerInputs(raw: unknown, file: string, base: readonly PathSegment[]): ContainerInput[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((c: unknown, i) => {
    const res = typeof c === 'object' && c !== null ? (c as Record<string, unknown>)['resources'] : undefined;
    const list = (kind: 'requests' | 'limits') => {
      const l = typeof res === 'object' && res !== null ? (res as Record<string, unknown>)[kind] : undefined;
      if (typeof l !== 'object' || l === null) return undefined;
      const read = (name: 'cpu' | 'memory', parse: (v: unknown) => number): number | undefined => {
        const v = (l as Record<string, unknown>)[name];
        if (v === undefined || v === null) return undefined;
        try {
          return parse(v);
        } catch (e) {
          if (e instanceof QuantityError) throw new ScenarioError(file, formatPath([...base, i, 'resources', kind, name]), `invalid value: ${e.message}`);
          throw e;
        }
      };
      return { cpu: read('cpu', parseCpuMillis), memory: read('memory', parseMemoryBytes) };
    };
    return { resources: { requests: list('requests'), limits: list('limits') } } as ContainerInput;
  });
}

/** The per-revision queue-proxy resource annotations (pkg/apis/serving register.go). */
const QP_PREFIX = 'queue.sidecar.serving.knative.dev/';
const QP_PERCENTAGE = `${QP_PREFIX}resource-percentage`;

/** For each queue-proxy field: its explicit annotation, how to parse it, and the clamp of the deprecated percentage (pkg/reconciler/revision/resources/resourceboundary.go). */
const QP_FIELDS: ReadonlyArray<{
  field: keyof ContainerResources;
  annotation: string;
  parse: (v: unknown) => number;
  /** The user container's value the percentage applies to, before Kubernetes copies a limit into a request. */
  userValue: (c: ContainerInput | undefined, d: ContainerResources) => number | undefined;
  /** In the field's unit (millicores or bytes). */
  min: number;
  max: number;
  /** Milli-units of the Quantity upstream scales per unit of the field (millicores: 1; bytes: 1000). */
  millisPer: number;
}> = [
  { field: 'cpuRequestMillis', annotation: `${QP_PREFIX}cpu-resource-request`, parse: parseCpuMillis, userValue: (c, d) => c?.resources?.requests?.cpu ?? d.cpuRequestMillis, min: 25, max: 100, millisPer: 1 },
  { field: 'cpuLimitMillis', annotation: `${QP_PREFIX}cpu-resource-limit`, parse: parseCpuMillis, userValue: (c, d) => c?.resources?.limits?.cpu ?? d.cpuLimitMillis, min: 40, max: 500, millisPer: 1 },
  { field: 'memoryRequestBytes', annotation: `${QP_PREFIX}memory-resource-request`, parse: parseMemoryBytes, userValue: (c, d) => c?.resources?.requests?.memory ?? d.memoryRequestBytes, min: 50 * 2 ** 20, max: 200 * 2 ** 20, millisPer: 1000 },
  { field: 'memoryLimitBytes', annotation: `${QP_PREFIX}memory-resource-limit`, parse: parseMemoryBytes, userValue: (c, d) => c?.resources?.limits?.memory ?? d.memoryLimitBytes, min: 200 * 2 ** 20, max: 500 * 2 ** 20, millisPer: 1000 },
];

/**
 * The queue-proxy's resources as upstream's createQueueResources builds them: config-deployment's
 * queue-sidecar-*, then the deprecated resource-percentage annotation (a fraction of the user
 * container's value, clamped), then the explicit per-revision annotations. Values the webhook
 * refuses (a malformed quantity, a percentage outside [0.1, 100]) are errors at the annotation.
 */
function queueProxyResources(
  cluster: ClusterConfig,
  userContainer: ContainerInput | undefined,
  annotations: Readonly<Record<string, string>>,
  file: string,
  base: readonly PathSegment[],
): ContainerResources {
  const out: ContainerResources = { ...cluster.queueProxy };
  const pct = annotations[QP_PERCENTAGE];
  if (pct !== undefined) {
    const v = goParseFloat(pct);
    const at = formatPath([...base, QP_PERCENTAGE]);
    if (!v.ok || !Number.isFinite(v.value)) throw new ScenarioError(file, at, `invalid value: ${JSON.stringify(pct)} is not a number`);
    if (v.value < 0.1 || v.value > 100) throw new ScenarioError(file, at, `expected 0.1 <= ${pct} <= 100 (a deprecated annotation: prefer ${QP_PREFIX}cpu-resource-request and its siblings)`);
    const fraction = v.value / 100;
    for (const f of QP_FIELDS) {
      const user = f.userValue(userContainer, cluster.containerDefaults);
      if (user === undefined || user === 0) continue;
      // Upstream scales the milli-value, truncates it to a whole milli-unit, then clamps; a
      // fraction of a byte left over is rounded up, as the scheduler reads a request.
      const scaled = Math.trunc(user * f.millisPer * fraction) / f.millisPer;
      out[f.field] = scaled < f.min ? f.min : scaled > f.max ? f.max : Math.ceil(scaled);
    }
  }
  for (const f of QP_FIELDS) {
    const raw = annotations[f.annotation];
    if (raw === undefined) continue;
    try {
      out[f.field] = f.parse(raw);
    } catch (e) {
      if (e instanceof QuantityError) throw new ScenarioError(file, formatPath([...base, f.annotation]), `invalid value: ${e.message}`);
      throw e;
    }
  }
  // Kubernetes copies a limit into a request left unset (Knative sets none of its own then).
  if (out.cpuRequestMillis === undefined && out.cpuLimitMillis !== undefined) out.cpuRequestMillis = out.cpuLimitMillis;
  if (out.memoryRequestBytes === undefined && out.memoryLimitBytes !== undefined) out.memoryRequestBytes = out.memoryLimitBytes;
  const over = requestOverLimit(out);
  if (over !== undefined) {
    // config-deployment alone was checked where it is read: an annotation made this one.
    const request = QP_FIELDS.find((f) => f.field === over.requestField)!;
    const limit = QP_FIELDS.find((f) => f.field === (over.resource === 'cpu' ? 'cpuLimitMillis' : 'memoryLimitBytes'))!;
    const key = annotations[request.annotation] !== undefined || annotations[limit.annotation] === undefined ? request.annotation : limit.annotation;
    const target = annotations[key] !== undefined ? key : QP_PERCENTAGE;
    throw new ScenarioError(file, formatPath([...base, target]), `${over.rule}: the API server refuses the revision's Deployment (its queue-proxy container)`);
  }
  return out;
}

/** An app and where it is written, most specific first. */
export interface PlacedApp {
  app: AppInput | undefined;
  file: string;
  path: readonly PathSegment[];
}

export interface AppModel {
  /** The request's work distribution (service time; CPU-seconds with the CPU model); undefined: the caller's default. */
  serviceTime: DistributionSpec | undefined;
  work: WorkModelSpec | undefined;
  memory: MemoryModelSpec | undefined;
  /** How the app writes its response, when it streams (the most specific app that sets `stream`). */
  stream: StreamSpec | undefined;
  /** Its requests are WebSocket sessions (the most specific app that sets `webSocket`); undefined: they are not. */
  webSocket: WebSocketSpec | undefined;
  /** The app that decided the work model (where its `cpu` is written). */
  workApp: PlacedApp | undefined;
}

/**
 * The work and memory model of a revision: the most specific app that sets any of
 * serviceTime, cpu, profile decides the work model; the most specific that sets memory, the memory.
 */
export function appModel(apps: readonly PlacedApp[], resources: PodResourcesSpec, ceilingMillis: number): AppModel {
  const workApp = apps.find((a) => a.app?.serviceTime !== undefined || a.app?.cpu !== undefined || a.app?.profile !== undefined);
  let serviceTime: DistributionSpec | undefined;
  let work: WorkModelSpec | undefined;
  if (workApp !== undefined) {
    const app = workApp.app!;
    const at = (...segs: PathSegment[]): string => formatPath([...workApp.path, ...segs]);
    if (app.cpu !== undefined && app.profile !== undefined) throw new ScenarioError(workApp.file, at('profile'), 'set one of cpu, profile, not both');
    if (app.cpu !== undefined && app.serviceTime !== undefined) {
      throw new ScenarioError(workApp.file, at('serviceTime'), 'set either serviceTime or cpu (cpu.work is the CPU time per request), not both');
    }
    serviceTime = app.serviceTime;
    if (app.cpu !== undefined) {
      serviceTime = app.cpu.work;
      work = {
        kind: 'cpu',
        waitSeconds: app.cpu.wait ?? { dist: 'constant', value: 0 },
        parallelism: app.cpu.parallelism ?? 1,
        ceilingMillis,
      };
    } else if (app.profile !== undefined) {
      const p = profile(app.profile, workApp.file, [...workApp.path, 'profile']);
      work = p;
      // A request's time alone on a pod: the profile's latency at concurrency 1 unless serviceTime says otherwise.
      serviceTime ??= { dist: 'constant', value: p.latencySeconds[0]! };
    }
  }
  const memApp = apps.find((a) => a.app?.memory !== undefined);
  let memory: MemoryModelSpec | undefined;
  if (memApp !== undefined) {
    const m = memApp.app!.memory!;
    memory = { baselineBytes: m.baseline, perRequestBytes: m.perRequest ?? 0 };
    const limit = enforcedMemoryLimit(resources.user.memoryLimitBytes);
    if (limit !== undefined && memory.baselineBytes > limit) {
      throw new ScenarioError(
        memApp.file,
        formatPath([...memApp.path, 'memory', 'baseline']),
        `${memory.baselineBytes} bytes is above the container's memory limit (${limit} bytes): every start would be OOM-killed`,
      );
    }
  }
  const streamApp = apps.find((a) => a.app?.stream !== undefined);
  let stream: StreamSpec | undefined;
  if (streamApp !== undefined) {
    const at = formatPath([...streamApp.path, 'stream']);
    // The CPU model and a profile stretch a request's work as it runs, so its writes have no fixed times.
    if (work !== undefined) throw new ScenarioError(streamApp.file, at, `a streamed response is simulated for an app given by serviceTime only, not with ${work.kind === 'cpu' ? 'the CPU model (cpu)' : 'a measured profile'}`);
    const st = streamApp.app!.stream!;
    stream = { firstByteSeconds: st.firstByte ?? 0, intervalSeconds: st.interval ?? Number.POSITIVE_INFINITY };
  }
  const wsApp = apps.find((a) => a.app?.webSocket !== undefined);
  const ws = wsApp?.app?.webSocket;
  // true is the default behaviour (the app closes its sessions at SIGTERM); false, none.
  const webSocket: WebSocketSpec | undefined = ws === undefined || ws === false ? undefined : { onSigterm: ws === true ? 'close' : (ws.onSigterm ?? 'close') };
  if (webSocket !== undefined) {
    const at = formatPath([...wsApp!.path, 'webSocket']);
    // A session's messages go over the upgraded connection, not through a response the app streams.
    if (stream !== undefined) throw new ScenarioError(wsApp!.file, at, 'a WebSocket session does not stream an HTTP response (app.stream): set one of them');
    if (work !== undefined) throw new ScenarioError(wsApp!.file, at, `a WebSocket session is simulated for an app given by serviceTime (the session's length) only, not with ${work.kind === 'cpu' ? 'the CPU model (cpu)' : 'a measured profile'}`);
  }
  return { serviceTime, work, memory, stream, webSocket, workApp };
}

/** A measured profile: concurrency strictly increasing, each point with exactly one of latency, rps, cpu on all points or none. */
function profile(points: NonNullable<AppInput['profile']>, file: string, base: readonly PathSegment[]): Extract<WorkModelSpec, { kind: 'profile' }> {
  const concurrency: number[] = [];
  const latency: number[] = [];
  const cpu: number[] = [];
  points.forEach((p, i) => {
    const at = (...segs: PathSegment[]): string => formatPath([...base, i, ...segs]);
    if (i > 0 && !(p.concurrency > concurrency[i - 1]!)) {
      throw new ScenarioError(file, at('concurrency'), `must be greater than the previous point's (${concurrency[i - 1]}): points go by increasing concurrency`);
    }
    if ((p.latency === undefined) === (p.rps === undefined)) throw new ScenarioError(file, at(), 'exactly one of latency, rps is required');
    if ((p.cpu === undefined) !== (points[0]!.cpu === undefined)) {
      throw new ScenarioError(file, at('cpu'), 'set cpu on every point of the profile or on none');
    }
    concurrency.push(p.concurrency);
    // hey -c N with no think time: N requests always in flight, so latency = N / throughput (Little's law).
    latency.push(p.latency ?? p.concurrency / p.rps!);
    if (p.cpu !== undefined) cpu.push(p.cpu);
  });
  return { kind: 'profile', concurrency, latencySeconds: latency, cpuMillis: cpu.length > 0 ? cpu : undefined };
}

/** The pod's requests as kube-scheduler sums them (all containers, queue-proxy included), with its scoring defaults. */
export function schedulerRequests(r: PodResourcesSpec): PodResources {
  const requests = (c: ContainerResources) => ({ cpuMillis: c.cpuRequestMillis, memoryBytes: c.memoryRequestBytes });
  return corePodResources([r.user, r.queueProxy, ...r.sidecars].map(requests), undefined, (r.initContainers ?? []).map(requests));
}
