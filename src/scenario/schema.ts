/**
 * The scenario file's schema (zod) and the translation of zod issues into
 * ScenarioErrors with knsim's field paths and short rules.
 *
 * Scenario objects are strict (unknown fields are errors). Inside a Knative
 * manifest, objects are loose: Kubernetes fields knsim does not read are ignored,
 * but the ones it reads are type-checked, and so are a few common ones it does not read
 * (labels, namespace, a container's image, command, args, env).
 */
import { z } from 'zod';
import type { PodStartSpec } from '../model/spec.js';
import { formatPath, ScenarioError, shownNumber, type PathSegment } from './errors.js';
import { count, describeValue, distribution, duration, obj, parseDuration, rate, stringMap, unquotedNumberRule } from './values.js';
import { NegativeQuantityError, parseCpuMillis, parseMemoryBytes, QuantityError } from './quantity.js';

/**
 * A Kubernetes quantity field read with `parse` (CPU → millicores, memory → bytes); a bad one is
 * an issue at its path. With `positive` (a node's CPU, the pod CPU ceiling), knsim needs it above
 * 0: -1 and 0 break that one rule, so both get it, with the value as written (-1 had Kubernetes'
 * "must be greater than or equal to 0", which 0 meets); `positive` says why, or is ''.
 */
function quantity(parse: (v: unknown) => number, positive?: string) {
  return z.unknown().transform((v, ctx): number => {
    // Only a required quantity gets here without a value (.optional() stops undefined before): say so,
    // as every other required field does, rather than "got undefined".
    if (v === undefined) {
      ctx.addIssue({ code: 'custom', message: 'required field is missing' });
      return z.NEVER;
    }
    const notPositive = (): string => `must be greater than 0${positive}, got ${typeof v === 'number' ? shownNumber(v) : JSON.stringify(v)}`;
    let n: number;
    try {
      n = parse(v);
    } catch (e) {
      if (!(e instanceof QuantityError)) throw e;
      ctx.addIssue({ code: 'custom', message: positive !== undefined && e instanceof NegativeQuantityError ? notPositive() : e.message });
      return z.NEVER;
    }
    if (positive === undefined || n > 0) return n;
    ctx.addIssue({ code: 'custom', message: notPositive() });
    return z.NEVER;
  });
}
export const cpuQuantity = quantity(parseCpuMillis);
export const memoryQuantity = quantity(parseMemoryBytes);
const positiveCpuQuantity = (why = '') => quantity(parseCpuMillis, why);
const positiveMemoryQuantity = quantity(parseMemoryBytes, '');

/**
 * A manifest field that may be left out or written as null: the API server drops a null (an
 * `env:` whose entries are all commented out is YAML's null, and kubectl applies it), so knsim
 * reads it as left out.
 */
const unset = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === null ? undefined : v), schema.optional());

/** `resources.requests` / `resources.limits` of a container: only cpu and memory are read. */
const resourceListSchema = z.looseObject({ cpu: unset(cpuQuantity), memory: unset(memoryQuantity) });

/** A container of the template: its resources, probes, and ports (the serving container of a multi-container revision has them). */
/**
 * Fields knsim does not read still have Kubernetes' types: the API server refuses
 * `env: {a: 1}` or `image: [1]`, so a scenario does too, rather than simulating a Service
 * that kubectl apply would reject.
 */
const envVarSchema = z.looseObject({ name: z.string().min(1), value: unset(z.string()) });

const containerSchema = z.looseObject({
  name: unset(z.string()),
  image: unset(z.string()),
  command: unset(z.array(z.string())),
  args: unset(z.array(z.string())),
  env: unset(z.array(envVarSchema)),
  ports: unset(z.array(z.unknown())),
  resources: unset(z.looseObject({ requests: unset(resourceListSchema), limits: unset(resourceListSchema) })),
  // Read for which handlers they use (the activator's probe shortcut and a hung app depend on
  // them) and their timing. (null, as YAML reads an empty value, is unset for Kubernetes.)
  readinessProbe: z.looseObject({ exec: z.looseObject({}).nullish() }).nullish(),
  livenessProbe: z.looseObject({}).nullish(),
  startupProbe: z.looseObject({}).nullish(),
});
export type ContainerInput = z.output<typeof containerSchema>;

// ---------------------------------------------------------------- Knative manifests

export const annotationsSchema = stringMap('annotation');
const labelsSchema = stringMap('label');

/** One `spec.traffic` entry; `url` (a status field) is refused by the traffic checks. */
export const trafficTargetSchema = z.looseObject({
  tag: unset(z.string()),
  revisionName: unset(z.string()),
  configurationName: unset(z.string()),
  latestRevision: unset(z.boolean()),
  percent: unset(z.number()),
});
export const trafficListSchema = z.array(trafficTargetSchema);

/** `spec.template` of a Service (a RevisionTemplateSpec); containers and the rest are not read. */
export const templateSchema = z.looseObject({
  metadata: unset(
    z.looseObject({
      name: unset(z.string()),
      labels: unset(labelsSchema),
      annotations: unset(annotationsSchema),
    }),
  ),
  spec: unset(
    z.looseObject({
      containerConcurrency: unset(z.int()),
      timeoutSeconds: unset(z.int()),
      responseStartTimeoutSeconds: unset(z.int()),
      idleTimeoutSeconds: unset(z.int()),
      containers: unset(z.array(containerSchema)),
    }),
  ),
});
export type TemplateInput = z.output<typeof templateSchema>;

export const serviceManifestSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({
    name: z.string(),
    namespace: unset(z.string()),
    labels: unset(labelsSchema),
    annotations: unset(annotationsSchema),
  }),
  spec: unset(
    z.looseObject({
      template: unset(templateSchema),
      traffic: unset(trafficListSchema),
    }),
  ),
});
export type ServiceManifest = z.output<typeof serviceManifestSchema>;

// ---------------------------------------------------------------- scenario

/**
 * Injected pod faults (README "Unhealthy pods"). `at` is seconds from the start of the run;
 * an absent `duration` lasts to the end; an absent `pods` means every pod of the revision.
 */
const faultSchema = z.discriminatedUnion('kind', [
  obj({ kind: z.literal('readinessFailure'), at: duration('nonneg').optional(), duration: duration('positive').optional(), pods: count(1).optional() }),
  obj({ kind: z.literal('crash'), at: duration('nonneg'), pods: count(1).optional(), count: count(1).optional(), uptime: duration('nonneg').optional() }),
  obj({ kind: z.literal('imagePull'), at: duration('nonneg').optional(), duration: duration('positive').optional() }),
  obj({ kind: z.literal('hang'), at: duration('nonneg'), duration: duration('positive').optional(), pods: count(1).optional() }),
  obj({ kind: z.literal('slowdown'), at: duration('nonneg').optional(), duration: duration('positive').optional(), factor: z.number().gt(0).lte(1e6), pods: count(1).optional() }),
]);
export type FaultInput = z.output<typeof faultSchema>;

/** A point of a measured profile: latency or throughput (`hey -c N` against one pod) at a concurrency. */
const profilePointSchema = obj({
  concurrency: z.number().min(1),
  latency: duration('positive').optional(),
  rps: z.number().gt(0).optional(),
  cpu: cpuQuantity.optional(),
});
export type ProfilePointInput = z.output<typeof profilePointSchema>;

/**
 * `app.cpu.parallelism`, the cores one request uses at once. A request in its CPU phase runs at
 * least one thread, and the kernel runs a thread on a whole core: below 1 is no real app (a
 * request getting less is the CPU limit's or the node's doing, which the model gives). 1e-12 made
 * every request take years, and the run completed none without a word.
 */
const parallelism = z.number().refine((p) => p >= 1, {
  error: (iss) => `must be at least 1 (a request's CPU phase runs at least one thread, on a whole core while it runs), got ${shownNumber(iss.input as number)}`,
});

const appSchema = obj({
  serviceTime: distribution.optional(),
  cpu: obj({ work: distribution, wait: distribution.optional(), parallelism: parallelism.optional() }).optional(),
  profile: z.array(profilePointSchema).min(1).optional(),
  memory: obj({ baseline: memoryQuantity, perRequest: memoryQuantity.optional() }).optional(),
  // A streamed response: its first byte after firstByte of work, then a write every interval.
  stream: obj({ firstByte: duration('nonneg').optional(), interval: duration('positive').optional() }).optional(),
  // Each request is a WebSocket session of its service time, which the app closes when it gets SIGTERM.
  webSocket: z.union([z.boolean(), obj({ onSigterm: z.enum(['close', 'drain']).optional() })], { error: 'must be true, false or { onSigterm: close | drain }' }).optional(),
  faults: z.array(faultSchema).optional(),
});
export type AppInput = z.output<typeof appSchema>;

/** The phases of a pod's start (the model's PodStartSpec), in the order a pod goes through them. */
export const POD_START_PHASES = ['scheduling', 'imagePull', 'containerStart', 'readiness', 'kubeletReadyLag'] as const satisfies readonly (keyof PodStartSpec)[];
export type PodStartPhase = (typeof POD_START_PHASES)[number];

/** One value per pod start phase, keyed in phase order. */
export function perPodStartPhase<T>(value: (phase: PodStartPhase) => T): Record<PodStartPhase, T> {
  return Object.fromEntries(POD_START_PHASES.map((p) => [p, value(p)])) as Record<PodStartPhase, T>;
}

const podStartSchema = obj(perPodStartPhase(() => distribution.optional()));
export type PodStartInput = z.output<typeof podStartSchema>;

const updateSchema = obj({
  at: duration('positive'),
  template: templateSchema.optional(),
  traffic: trafficListSchema.optional(),
  annotations: annotationsSchema.optional(),
  app: appSchema.optional(),
});
export type UpdateInput = z.output<typeof updateSchema>;

const serviceEntrySchema = obj({
  manifest: serviceManifestSchema.optional(),
  manifestFile: z.string().min(1).optional(),
  manifestName: z.string().min(1).optional(),
  manifestNamespace: z.string().min(1).optional(),
  initialPods: count(0).optional(),
  app: appSchema.optional(),
  revisionApps: z.record(z.string(), appSchema).optional(),
  podStart: podStartSchema.optional(),
  updates: z.array(updateSchema).optional(),
});
export type ServiceEntryInput = z.output<typeof serviceEntrySchema>;

const openSchema = obj({
  process: z.enum(['poisson', 'uniform']).optional(),
  rps: z.number().min(0).optional(),
  rate: rate.optional(),
});

const closedSchema = obj({
  users: count(1),
  think: distribution.optional(),
  // hey's -q: each user's ticker period is 1e6 / qps whole microseconds, which is 0 (no ticks) above 1e6.
  qps: z.number().gt(0).max(1e6).optional(),
});

const traceClientSchema = obj({
  file: z.string().min(1),
  format: z.enum(['simple', 'azure2021']).optional(),
  timeScale: z.number().gt(0).optional(),
  offset: duration('nonneg').optional(),
  useDurations: z.boolean().optional(),
  app: z.string().optional(),
  func: z.string().optional(),
});
export type TraceClientInput = z.output<typeof traceClientSchema>;

/** A client that starts on a revision's condition; exactly one of readyPods, sksMode, scaledToZero. */
const startWhenSchema = obj({
  revision: z.string().min(1),
  readyPods: count(1).optional(),
  sksMode: z.enum(['Serve', 'Proxy']).optional(),
  scaledToZero: z.literal(true).optional(),
  delay: duration('nonneg').optional(),
});
export type StartWhenInput = z.output<typeof startWhenSchema>;

const clientSchema = obj({
  name: z.string().min(1),
  service: z.string().min(1),
  tag: z.string().min(1).optional(),
  timeout: duration('positive').optional(),
  start: duration('nonneg').optional(),
  startWhen: startWhenSchema.optional(),
  end: duration('positive').optional(),
  for: duration('positive').optional(),
  open: openSchema.optional(),
  closed: closedSchema.optional(),
  trace: traceClientSchema.optional(),
  randomStream: z.string().min(1).optional(),
});
export type ClientInput = z.output<typeof clientSchema>;

/** The ConfigMaps knsim reads. */
export const CONFIG_MAP_NAMES = ['config-autoscaler', 'config-deployment', 'config-defaults', 'config-network', 'config-features', 'config-observability'] as const;
export type ConfigMapName = (typeof CONFIG_MAP_NAMES)[number];

/** The bare form: each ConfigMap's `data` by name. */
const configMapDataSchema = z.strictObject(
  {
    'config-autoscaler': stringMap('ConfigMap').optional(),
    'config-deployment': stringMap('ConfigMap').optional(),
    'config-defaults': stringMap('ConfigMap').optional(),
    'config-network': stringMap('ConfigMap').optional(),
    'config-features': stringMap('ConfigMap').optional(),
    'config-observability': stringMap('ConfigMap').optional(),
  },
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys' ? `unknown ConfigMap (knsim reads ${CONFIG_MAP_NAMES.join(', ')})` : undefined,
  },
);

/**
 * `configMaps`: bare data by name (a mapping), or Kubernetes manifests (a list, as
 * kubectl prints them), which configmap-manifests.ts reads.
 */
const configMapsSchema = z.unknown().transform((v, ctx): z.output<typeof configMapDataSchema> | { manifests: unknown[] } => {
  if (Array.isArray(v)) return { manifests: v };
  if (typeof v !== 'object' || v === null) {
    ctx.addIssue({ code: 'custom', message: `expected a mapping (each ConfigMap's data by name) or a list (ConfigMap manifests), got ${describeValue(v)}` });
    return z.NEVER;
  }
  const r = configMapDataSchema.safeParse(v);
  if (r.success) return r.data;
  for (const iss of r.error.issues) ctx.issues.push({ ...iss, input: v } as (typeof ctx.issues)[number]);
  return z.NEVER;
});

/** One node pool: identical nodes with their allocatable, price and DaemonSet overhead (nodes.ts turns it into a NodePoolSpec). */
const nodePoolSchema = obj({
  name: z.string().min(1),
  cpu: positiveCpuQuantity(),
  memory: positiveMemoryQuantity,
  maxPods: count(1).optional(),
  pricePerHour: z.number().min(0),
  minNodes: count(0).optional(),
  maxNodes: count(0).optional(),
  // A Karpenter NodePool's spec.limits (quantities by resource name), read by nodepool-limits.ts.
  limits: z.unknown().optional(),
  initialNodes: count(0).optional(),
  startupLatency: distribution.optional(),
  // Its kubelet registers the Node object this long before the node is Ready (default 0s).
  readyAfterRegistration: duration('nonneg').optional(),
  daemonSets: obj({ cpu: cpuQuantity.optional(), memory: memoryQuantity.optional(), pods: count(0).optional() }).optional(),
  // The annotations every node of the pool carries (knsim reads scale-down-disabled and do-not-disrupt).
  annotations: stringMap('annotations').optional(),
  // Injected cloud launch failures (Karpenter only): `at` from the run's start, an absent `duration` to its end.
  launchFailures: z
    .array(obj({ kind: z.enum(['insufficientCapacity', 'launchError']), at: duration('nonneg').optional(), duration: duration('positive').optional() }))
    .optional(),
});
export type NodePoolInput = z.output<typeof nodePoolSchema>;

/** The node autoscaler and its flags (upstream defaults when absent); which flags a kind accepts is checked in nodes.ts. */
/**
 * A Karpenter NodePool duration that may be `Never` (NillableDuration): seconds, Infinity for Never.
 * `zero`: whether 0 is taken (consolidateAfter 0s consolidates at once; an expireAfter of 0 would relaunch nodes without end).
 */
const durationOrNever = (zero: boolean) =>
  z.unknown().transform((v, ctx): number => {
    if (v === 'Never') return Number.POSITIVE_INFINITY;
    const r = parseDuration(v);
    // The NodePool CRD's pattern takes only whole s, m and h (so no 1ns expiry, which relaunched a node every nanosecond).
    const whole = typeof v === 'string' ? /^([0-9]+(s|m|h))+$/.test(v) : Number.isInteger(v);
    const rule = !r.ok
      ? r.rule
      : !(r.seconds > 0 || (zero && r.seconds === 0))
        ? zero
          ? 'must not be negative'
          : 'must be greater than 0'
        : whole
          ? undefined
          : `must be whole seconds, minutes or hours: Karpenter's NodePool schema (^(([0-9]+(s|m|h))+|Never)$) refuses ${JSON.stringify(typeof v === 'string' ? v : String(v))}`;
    if (rule === undefined && r.ok) return r.seconds;
    ctx.addIssue({ code: 'custom', message: `${rule}; or Never` });
    return z.NEVER;
  });
const nodeAutoscalerSchema = obj({
  kind: z.enum(['none', 'cluster-autoscaler', 'karpenter']),
  // Cluster Autoscaler flags.
  scanInterval: duration('positive').optional(),
  firstScan: duration('nonneg').optional(),
  newPodScaleUpDelay: duration('nonneg').optional(),
  maxNodesPerScaleUp: count(1).optional(),
  maxNodeProvisionTime: duration('positive').optional(),
  scaleDownUtilizationThreshold: z.number().min(0).max(1).optional(),
  scaleDownUnneededTime: duration('nonneg').optional(),
  scaleDownDelayAfterAdd: duration('nonneg').optional(),
  scaleDownDelayAfterDelete: duration('nonneg').optional(),
  scaleDownDelayAfterFailure: duration('nonneg').optional(),
  maxEmptyBulkDelete: count(1).optional(),
  nodeDeleteDelayAfterTaint: duration('nonneg').optional(),
  unremovableNodeRecheckTimeout: duration('nonneg').optional(),
  skipNodesWithLocalStorage: z.boolean().optional(),
  maxBulkSoftTaintCount: count(0).optional(),
  // Karpenter settings.
  batchIdleDuration: duration('positive').optional(),
  batchMaxDuration: duration('positive').optional(),
  consolidateAfter: durationOrNever(true).optional(),
  consolidationPolicy: z.enum(['WhenEmptyOrUnderutilized', 'WhenEmpty', 'Balanced']).optional(),
  budgetNodesPercent: z.number().min(0).max(100).optional(),
  expireAfter: durationOrNever(false).optional(),
  // The NodePool's pattern takes whole s, m and h only (Never is refused in nodes.ts).
  terminationGracePeriod: durationOrNever(true).optional(),
  firstPoll: duration('nonneg').optional(),
  budgets: z
    .array(
      obj({
        nodes: z.union([z.string(), z.number().int().min(0)]),
        reasons: z.array(z.string()).optional(),
        schedule: z.string().optional(),
        duration: z.string().optional(),
      }),
    )
    .optional(),
  runStartsAt: z.string().optional(),
});
export type NodeAutoscalerInput = z.output<typeof nodeAutoscalerSchema>;
/** `cluster.activatorCpu`: the activator's CPU and its HPA (knative/serving activator.yaml and activator-hpa.yaml). */
const activatorCpuSchema = obj({
  perRequest: duration('positive'),
  request: positiveCpuQuantity(" (the HPA's utilization denominator)").optional(),
  limit: positiveCpuQuantity().optional(),
  minReplicas: count(1).optional(),
  maxReplicas: count(1).optional(),
  targetUtilization: count(1).optional(),
  startup: duration('nonneg').optional(),
});
export type ActivatorCpuInput = z.output<typeof activatorCpuSchema>;

/**
 * `cluster.scheduler`: the KubeSchedulerConfiguration settings knsim models. kube-scheduler
 * refuses a percentageOfNodesToScore outside [0, 100] (validatePercentageOfNodesToScore).
 */
const schedulerSchema = obj({
  percentageOfNodesToScore: count(0)
    .refine((v) => v <= 100, { error: (iss) => `not in kube-scheduler's valid range [0-100] (0: its adaptive default), got ${String(iss.input)}` })
    .optional(),
});

const clusterSchema = obj({
  activators: count(1).optional(),
  activatorCpu: activatorCpuSchema.optional(),
  ingressLatency: duration('nonneg').optional(),
  activatorProbePeriod: duration('positive').optional(),
  drainPeriod: duration('nonneg').optional(),
  podCpuCeiling: positiveCpuQuantity().optional(),
  metricsResolution: duration('positive').optional(),
  nodePools: z.array(nodePoolSchema).min(1).optional(),
  nodeAutoscaler: nodeAutoscalerSchema.optional(),
  costCpuShare: z.number().min(0).max(1).optional(),
  scheduler: schedulerSchema.optional(),
});

/**
 * A merge patch of annotations: string values (YAML numbers and booleans are accepted),
 * `null` removes the key.
 */
const annotationPatchSchema = z.record(z.string(), z.unknown()).transform((m, ctx): Record<string, string | null> => {
  const out: Record<string, string | null> = {};
  let ok = true;
  for (const [k, v] of Object.entries(m)) {
    const unquoted = typeof v === 'number' ? unquotedNumberRule('annotation', v) : undefined;
    if (typeof v === 'string' || v === null) out[k] = v;
    else if (unquoted !== undefined) {
      ctx.addIssue({ code: 'custom', message: unquoted, path: [k] });
      ok = false;
    } else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else {
      ctx.addIssue({ code: 'custom', message: `annotation values must be strings (or null to remove the key), got ${describeValue(v)}`, path: [k] });
      ok = false;
    }
  }
  return ok ? out : z.NEVER;
});

/** A timed change to the cluster during the run (top-level `updates`). */
const clusterUpdateSchema = obj({
  at: duration('positive'),
  configMaps: configMapsSchema.optional(),
  patchRevision: obj({ name: z.string().min(1), annotations: annotationPatchSchema }).optional(),
  deleteService: z.string().min(1).optional(),
  restartAutoscaler: obj({ downtime: duration('positive') }).optional(),
  crashActivator: obj({ activator: z.int().min(0).optional(), downtime: duration('positive') }).optional(),
  restartActivators: obj({ startup: duration('nonneg').optional() }).optional(),
  deleteActivator: obj({ activator: z.int().min(0).optional(), startup: duration('nonneg').optional() }).optional(),
  drainNode: obj({ node: z.string().min(1), timeout: duration('positive').optional(), disableEviction: z.boolean().optional() }).optional(),
  driftNodePool: obj({ pool: z.string().min(1) }).optional(),
});
export type ClusterUpdateInput = z.output<typeof clusterUpdateSchema>;

export const scenarioSchema = obj({
  name: z.string(),
  description: z.string().optional(),
  seed: z.int().min(0).optional(),
  duration: duration('positive'),
  trace: z.string().optional(),
  /** Write the per-second time series (`knsim run --series` / `--no-series` override it). */
  series: z.boolean().optional(),
  configMaps: configMapsSchema.optional(),
  configMapFiles: z.array(z.string().min(1)).optional(),
  cluster: clusterSchema.optional(),
  defaults: obj({ app: appSchema.optional(), podStart: podStartSchema.optional() }).optional(),
  services: z.array(serviceEntrySchema).min(1),
  clients: z.array(clientSchema).min(1),
  updates: z.array(clusterUpdateSchema).optional(),
  /** policy/v1 PodDisruptionBudget manifests; checked in disruption-budgets.ts. */
  podDisruptionBudgets: z.array(z.unknown()).optional(),
  /** User-written autoscaler classes (src/scenario/user-classes.ts). */
  autoscalerClasses: z.array(obj({ name: z.string().min(1), module: z.string().min(1), timeout: duration('positive').optional() })).optional(),
  /** Expectations for `knsim test` (src/expect); kept raw here, parsed there. */
  expect: z.array(z.unknown()).optional(),
});
export type ScenarioInput = z.output<typeof scenarioSchema>;

// ---------------------------------------------------------------- issues → ScenarioError

const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'a boolean',
  object: 'a mapping',
  record: 'a mapping',
  map: 'a mapping',
  array: 'a list',
};

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof seg === 'symbol') return undefined;
    cur = Object.prototype.hasOwnProperty.call(cur, seg) ? (cur as Record<PropertyKey, unknown>)[seg] : undefined;
  }
  return cur;
}

function segments(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((p) => (typeof p === 'number' ? p : String(p)));
}

const fmtNum = (n: unknown): string => (typeof n === 'bigint' ? n.toString() : String(n));

/** The rule text for one zod issue; `input` is the validated document, used to say what was found. */
function ruleFor(iss: z.core.$ZodIssue, input: unknown): string {
  const found = valueAt(input, iss.path);
  switch (iss.code) {
    case 'invalid_type': {
      if (found === undefined) return 'required field is missing';
      if (iss.expected === 'int' && typeof found === 'number' && Number.isFinite(found)) return `must be an integer, got ${found}`;
      if (typeof found === 'number' && !Number.isFinite(found) && (iss.expected === 'number' || iss.expected === 'int')) {
        return `must be a finite number, got ${shownNumber(found)}`;
      }
      return `expected ${EXPECTED[iss.expected] ?? iss.expected}, got ${describeValue(found)}`;
    }
    case 'too_small': {
      if (iss.origin === 'array') return `must have at least ${fmtNum(iss.minimum)} item(s)`;
      if (iss.origin === 'string') return 'must not be empty';
      return `must be ${iss.inclusive ? '≥' : '>'} ${fmtNum(iss.minimum)}, got ${describeValue(found)}`;
    }
    case 'too_big': {
      if (iss.origin === 'array') return `must have at most ${fmtNum(iss.maximum)} item(s)`;
      if (iss.maximum === Number.MAX_SAFE_INTEGER) {
        return `must be an integer of at most 2^53 − 1 = ${Number.MAX_SAFE_INTEGER} (the largest knsim holds exactly), got ${describeValue(found)}`;
      }
      if (iss.origin === 'string') return `must be at most ${fmtNum(iss.maximum)} characters`;
      return `must be ${iss.inclusive ? '≤' : '<'} ${fmtNum(iss.maximum)}, got ${describeValue(found)}`;
    }
    case 'invalid_value': {
      const allowed = iss.values.map((v) => String(v)).join(', ');
      if (found === undefined) return `required field is missing (one of: ${allowed})`;
      return `must be one of: ${allowed} (got ${describeValue(found)})`;
    }
    case 'invalid_union': {
      const u = iss as z.core.$ZodIssueInvalidUnion & { discriminator?: string; options?: unknown[] };
      if (u.options !== undefined) {
        const allowed = u.options.map((v) => String(v)).join(', ');
        if (found === undefined) return `required field is missing (one of: ${allowed})`;
        return `must be one of: ${allowed} (got ${describeValue(found)})`;
      }
      return iss.message;
    }
    case 'unrecognized_keys':
    case 'custom':
    default:
      return iss.message;
  }
}

/**
 * Converts the most useful issue of a failed parse into a ScenarioError: unknown
 * fields first (a misspelt key usually also makes a required one "missing"),
 * otherwise the first issue in document order.
 * @param base path of the validated value inside `file` (e.g. [] for the whole scenario).
 * @param input the value that was validated.
 */
export function issueToError(file: string, base: readonly PathSegment[], issues: readonly z.core.$ZodIssue[], input: unknown): ScenarioError {
  const iss = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (iss === undefined) return new ScenarioError(file, formatPath(base), 'invalid value');
  let path = [...base, ...segments(iss.path)];
  if (iss.code === 'unrecognized_keys' && iss.keys[0] !== undefined) path = [...path, iss.keys[0]];
  return new ScenarioError(file, formatPath(path), ruleFor(iss, input));
}

/**
 * Parses `input` with `schema`, throwing a ScenarioError (paths under `base`) when it does not fit.
 */
export function parseWith<T extends z.ZodType>(schema: T, input: unknown, file: string, base: readonly PathSegment[]): z.output<T> {
  const r = safeParseOrOverflow(schema, input);
  if (r === 'overflow') throw firstIssueOfHuge(schema, input, file, base);
  if (r.success) return r.data;
  throw issueToError(file, base, r.error.issues, input);
}

function safeParseOrOverflow<T extends z.ZodType>(schema: T, input: unknown): z.ZodSafeParseResult<z.output<T>> | 'overflow' {
  try {
    return schema.safeParse(input);
  } catch (e) {
    if (e instanceof RangeError) return 'overflow';
    throw e;
  }
}

/** `v` with every list cut to its first `n` items (mappings kept whole). */
function listsCut(v: unknown, n: number): unknown {
  if (Array.isArray(v)) return v.slice(0, n).map((x) => listsCut(x, n));
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = listsCut(x, n);
  return out;
}

/**
 * zod gathers a list's issues into its parent's with one spread call, so a list of 150,000
 * bad values overflowed the stack ("internal error"). The error is then found on the input
 * with every list cut short: the shortest cut that still fails, by bisection, holds the first
 * bad item of some list and few issues. No schema here checks a list's items against each
 * other or a longest length, so an issue of a cut input is an issue of the whole one.
 */
function firstIssueOfHuge(schema: z.ZodType, input: unknown, file: string, base: readonly PathSegment[]): ScenarioError {
  let longest = 0;
  const stack: unknown[] = [input];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) longest = Math.max(longest, v.length);
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push(x);
  }
  // Invariant: a cut at `lo` parses, one at `hi` fails (or overflows).
  let lo = 0;
  let hi = longest;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const r = safeParseOrOverflow(schema, listsCut(input, mid));
    if (r !== 'overflow' && r.success) lo = mid;
    else hi = mid;
  }
  const cut = listsCut(input, hi);
  const r = safeParseOrOverflow(schema, cut);
  if (r !== 'overflow' && !r.success) return issueToError(file, base, r.error.issues, cut);
  return new ScenarioError(file, formatPath(base), 'too many invalid values for knsim to name the first (a mapping with more than 100,000 bad entries?)');
}