/**
 * The six Knative ConfigMaps a scenario may set, read the way the cluster
 * reads them: config-autoscaler (by core), config-deployment's
 * `progress-deadline` and queue-proxy resources, config-defaults' revision
 * defaults and limits, config-network's `rollout-duration`, config-features'
 * flags that gate template fields (config-features.ts), and config-observability's
 * `logging.enable-var-log-collection` (its other keys only checked: config-observability.ts).
 * Keys a ConfigMap does not know are ignored, as Knative ignores them.
 */
import { parseAutoscalerConfig, parseClusterDeploymentConfig, KPA_CLASS, goParseInt, goEqualFoldAscii, goToLower, goTrimSpace, tryParseGoDuration, type AutoscalerConfig, FieldError } from '../core/autoscaler/index.js';
import { parseIngressClass, parseMeshCompatibilityMode, parseNetworkRolloutDuration, type MeshCompatibilityMode } from '../core/traffic/index.js';
import type { ConfigMapName } from './schema.js';
import { formatPath, quote, ScenarioError } from './errors.js';
import type { ContainerResources } from '../model/spec.js';
import { parseCpuMillis, parseMemoryBytes, QuantityError } from './quantity.js';
import { checkNetworkTemplate, DOMAIN_TEMPLATE, TAG_TEMPLATE, tagTemplateInForce } from './network-templates.js';
import { parseGoYaml, shapeError, type GoShape } from './go-yaml-value.js';
import { RUNTIME_CLASS_NAME_KEY, runtimeClassNamesError } from './runtime-class-names.js';
import { nameTemplateProblem } from './container-names.js';
import { QUEUE_PROXY_RESOURCE_DEFAULTS_FLAG, readFeatures, type FeatureFlags } from './config-features.js';
import { checkObservability } from './config-observability.js';

/** config-defaults, the part knsim reads. */
export interface RevisionDefaults {
  /** revision-timeout-seconds (300): spec.timeoutSeconds when unset or 0. Knative sets no floor: 0 gives revisions a 0 s timeout. */
  revisionTimeoutSeconds: number;
  /** max-revision-timeout-seconds (600): the largest spec.timeoutSeconds allowed. */
  maxRevisionTimeoutSeconds: number;
  /** container-concurrency (0): spec.containerConcurrency when unset. */
  containerConcurrency: number;
  /** container-concurrency-max-limit (1000): the largest spec.containerConcurrency allowed (at least 1; Knative sets no ceiling). */
  containerConcurrencyMaxLimit: number;
  /** allow-container-concurrency-zero (true): whether a revision may have containerConcurrency 0 (unlimited). */
  allowContainerConcurrencyZero: boolean;
  /** revision-response-start-timeout-seconds (= revision-timeout-seconds): spec.responseStartTimeoutSeconds when unset, if above 0 and below the revision's timeout. */
  responseStartTimeoutSeconds: number;
  /** revision-idle-timeout-seconds (0): spec.idleTimeoutSeconds when unset, if above 0 and below the revision's timeout. */
  idleTimeoutSeconds: number;
  /** enable-service-links (false; undefined for a value neither true nor false): spec.enableServiceLinks when a Service is created without it. */
  enableServiceLinks: boolean | undefined;
  /** container-name-template ("user-container") and init-container-name-template ("init-container"): Go templates run on each Service's metadata to name its unnamed containers. */
  containerNameTemplate: string;
  initContainerNameTemplate: string;
  /** revision-ephemeral-storage-{request,limit} (unset), bytes: filled into containers that set none (knsim does not model the resource). */
  ephemeralStorageRequestBytes?: number | undefined;
  ephemeralStorageLimitBytes?: number | undefined;
}

export const DEFAULT_REVISION_DEFAULTS: Readonly<RevisionDefaults> = Object.freeze({
  revisionTimeoutSeconds: 300,
  maxRevisionTimeoutSeconds: 600,
  containerConcurrency: 0,
  containerConcurrencyMaxLimit: 1000,
  allowContainerConcurrencyZero: true,
  responseStartTimeoutSeconds: 300,
  idleTimeoutSeconds: 0,
  enableServiceLinks: false,
  containerNameTemplate: 'user-container',
  initContainerNameTemplate: 'init-container',
});

/** Everything the ConfigMaps decide. */
export interface ClusterConfig {
  autoscaler: AutoscalerConfig;
  /** config-deployment progress-deadline, seconds (600). */
  progressDeadlineSeconds: number;
  /** config-deployment pod-is-always-schedulable (false); read only by the cluster model. */
  podIsAlwaysSchedulable?: boolean;
  /**
   * config-deployment default-affinity-type set to `none`: revision pods get no preferred
   * anti-affinity over nodes (absent: Knative's default, prefer-spread-revision-over-nodes).
   */
  noDefaultAffinity?: boolean;
  defaults: RevisionDefaults;
  /** config-network rollout-duration, seconds (0). */
  networkRolloutDurationSeconds: number;
  /** config-network mesh-compatibility-mode (auto): whether the activators trust Ready pods unprobed. */
  meshCompatibilityMode: MeshCompatibilityMode;
  /** config-network ingress-class (or ingress.class); undefined when neither is set. */
  ingressClass: string | undefined;
  /** config-network tag-template (or tagTemplate), as in force; absent means Knative's default. */
  tagTemplate?: string | undefined;
  /** config-features: the flags the webhook checks templates against. */
  features: FeatureFlags;
  /** config-defaults revision-{cpu,memory}-{request,limit}: applied to each container that sets none (unset upstream by default). */
  containerDefaults: ContainerResources;
  /** config-deployment queue-sidecar-{cpu,memory}-{request,limit}: the queue-proxy's resources (CPU request 25m by default). */
  queueProxy: ContainerResources;
  /**
   * config-observability logging.enable-var-log-collection (false): Knative then gives every revision
   * pod an emptyDir, knative-var-log, for the node's log collector (deploy.go), a local volume the
   * Cluster Autoscaler's scale-down counts. The only key of config-observability knsim reads.
   */
  varLogCollection: boolean;
  /** User-written autoscaler classes the scenario registers (by class name). */
  userClasses?: ReadonlySet<string> | undefined;
  /** Every revision uses this class, whatever its annotation says (`knsim compare --class`). */
  classOverride?: string | undefined;
}

/** config-observability's key for the knative-var-log volume (pkg/observability/config.go). */
export const VAR_LOG_COLLECTION_KEY = 'logging.enable-var-log-collection';

/** config-deployment's queue-sidecar-cpu-request default (pkg/deployment/config.go). */
export const QUEUE_SIDECAR_CPU_REQUEST_MILLIS = 25;

/** Those defaults (pkg/deployment/config.go QueueSidecar*Default). */
export const QUEUE_SIDECAR_RESOURCE_DEFAULTS: Readonly<ContainerResources> = Object.freeze({
  cpuRequestMillis: QUEUE_SIDECAR_CPU_REQUEST_MILLIS,
  cpuLimitMillis: 1000,
  memoryRequestBytes: 400 * 2 ** 20,
  memoryLimitBytes: 800 * 2 ** 20,
});

export interface ConfigMapsInput {
  'config-autoscaler'?: Record<string, string> | undefined;
  'config-deployment'?: Record<string, string> | undefined;
  'config-defaults'?: Record<string, string> | undefined;
  'config-network'?: Record<string, string> | undefined;
  'config-features'?: Record<string, string> | undefined;
  'config-observability'?: Record<string, string> | undefined;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Where a ConfigMap key is written (a manifest's file and path, or the scenario's bare data). */
export type KeyWhere = (cm: ConfigMapName, key: string) => { file: string; path: string };

/** The bare form's paths: `configMaps.<name>["<key>"]` in the scenario. */
const bareWhere =
  (file: string): KeyWhere =>
  (cm, key) => ({ file, path: formatPath(['configMaps', cm, key]) });

/** A ScenarioError at `cm`'s `key`, wherever it is written. */
function errorAt(where: KeyWhere, cm: ConfigMapName, key: string, rule: string): ScenarioError {
  const w = where(cm, key);
  return new ScenarioError(w.file, w.path, rule);
}

/** A core FieldError at `<cm>[<key>]` placed where that key is written. */
function fromCore(file: string, where: KeyWhere, e: FieldError): ScenarioError {
  const issue = e.first;
  const [cm, keySeg] = issue.paths[0] ?? [];
  const rule = issue.details ? `${issue.message} (${issue.details})` : issue.message;
  if (typeof cm === 'string' && typeof keySeg === 'object') return errorAt(where, cm as ConfigMapName, keySeg.key, rule);
  return ScenarioError.fromField(file, e.viaField('configMaps'));
}

/**
 * Reads the ConfigMaps (absent ones take Knative's defaults).
 * @param where where each key is written (default: the bare form in `file`).
 * @throws ScenarioError at `configMaps.<name>["<key>"]` (or the manifest's key) for the first bad value.
 */
export function readConfigMaps(file: string, cms: ConfigMapsInput | undefined, where: KeyWhere = bareWhere(file)): ClusterConfig {
  const autoscalerData = cms?.['config-autoscaler'] ?? {};
  // Core's paths start at the ConfigMap's name (config-autoscaler[<key>]).
  const autoscaler: AutoscalerConfig = viaCore(file, where, () => parseAutoscalerConfig(autoscalerData));
  if (autoscaler.podAutoscalerClass !== KPA_CLASS) {
    throw errorAt(
      where,
      'config-autoscaler',
      'pod-autoscaler-class',
      `class ${JSON.stringify(autoscaler.podAutoscalerClass)} is not simulated as the default: the default class must be ${KPA_CLASS} (choose the HPA class per revision with the autoscaling.knative.dev/class annotation)`,
    );
  }

  const features = readFeatures(cms?.['config-features'] ?? {});
  checkObservability(cms?.['config-observability'] ?? {}, (key, rule) => {
    throw errorAt(where, 'config-observability', key, rule);
  });
  return {
    autoscaler,
    progressDeadlineSeconds: readDeployment(file, where, cms?.['config-deployment'] ?? {}),
    ...podIsAlwaysSchedulable(where, cms?.['config-deployment'] ?? {}),
    ...((cms?.['config-deployment'] ?? {})['default-affinity-type'] === 'none' ? { noDefaultAffinity: true } : {}),
    defaults: readDefaults(where, cms?.['config-defaults'] ?? {}),
    networkRolloutDurationSeconds: readNetwork(file, where, cms?.['config-network'] ?? {}),
    meshCompatibilityMode: parseMeshCompatibilityMode(cms?.['config-network'] ?? {}),
    ingressClass: parseIngressClass(cms?.['config-network'] ?? {}),
    tagTemplate: tagTemplateInForce(cms?.['config-network'] ?? {}),
    features,
    containerDefaults: readResources(where, 'config-defaults', 'revision', cms?.['config-defaults'] ?? {}),
    queueProxy: queueSidecarResources(where, features, readResources(where, 'config-deployment', 'queue-sidecar', cms?.['config-deployment'] ?? {})),
    varLogCollection: goBool(where, 'config-observability', VAR_LOG_COLLECTION_KEY, cms?.['config-observability'] ?? {}) ?? false,
  };
}

/**
 * The queue-proxy's resources from config-deployment (upstream createQueueResources): its
 * CPU request defaults to 25m; with config-features `queueproxy.resource-defaults: enabled`,
 * each of the four a key leaves unset takes Knative's default (CPU 25m/1000m, memory
 * 400Mi/800Mi).
 */
function queueSidecarResources(where: KeyWhere, features: FeatureFlags, written: ContainerResources): ContainerResources {
  const base: ContainerResources = { cpuRequestMillis: QUEUE_SIDECAR_CPU_REQUEST_MILLIS };
  if (features.values[QUEUE_PROXY_RESOURCE_DEFAULTS_FLAG] === 'Enabled') Object.assign(base, QUEUE_SIDECAR_RESOURCE_DEFAULTS);
  const out = { ...base, ...written };
  // Every revision's Deployment would carry these: the API server refuses a request above its limit.
  const over = requestOverLimit(out);
  if (over !== undefined) {
    const key = `queue-sidecar-${over.resource}-${written[over.requestField] !== undefined ? 'request' : 'limit'}`;
    throw errorAt(where, 'config-deployment', key, `${over.rule}: the API server refuses every revision's Deployment (its queue-proxy container)`);
  }
  return out;
}

/**
 * A container's request above its limit, as the API server's message says it
 * (`must be less than or equal to cpu limit of 1000m, got 2000m`), or undefined.
 */
export function requestOverLimit(r: ContainerResources): { resource: 'cpu' | 'memory'; requestField: 'cpuRequestMillis' | 'memoryRequestBytes'; rule: string } | undefined {
  if (r.cpuRequestMillis !== undefined && r.cpuLimitMillis !== undefined && r.cpuRequestMillis > r.cpuLimitMillis) {
    return { resource: 'cpu', requestField: 'cpuRequestMillis', rule: `must be less than or equal to cpu limit of ${r.cpuLimitMillis}m, got ${r.cpuRequestMillis}m` };
  }
  if (r.memoryRequestBytes !== undefined && r.memoryLimitBytes !== undefined && r.memoryRequestBytes > r.memoryLimitBytes) {
    return { resource: 'memory', requestField: 'memoryRequestBytes', rule: `must be less than or equal to memory limit of ${r.memoryLimitBytes} bytes, got ${r.memoryRequestBytes} bytes` };
  }
  return undefined;
}

/** config-deployment's legacy camelCase spellings of the queue-sidecar keys, which upstream still reads. */
const LEGACY_QUEUE_SIDECAR: Readonly<Record<string, string>> = {
  'cpu-request': 'queueSidecarCPURequest',
  'memory-request': 'queueSidecarMemoryRequest',
  'cpu-limit': 'queueSidecarCPULimit',
  'memory-limit': 'queueSidecarMemoryLimit',
};

/** `<prefix>-cpu-request`, `-memory-request`, `-cpu-limit`, `-memory-limit` as Kubernetes quantities; absent keys are left out. */
function readResources(where: KeyWhere, cm: ConfigMapName, prefix: string, data: Readonly<Record<string, string>>): ContainerResources {
  const out: ContainerResources = {};
  const fields: ReadonlyArray<[string, keyof ContainerResources, (v: unknown) => number]> = [
    ['cpu-request', 'cpuRequestMillis', parseCpuMillis],
    ['memory-request', 'memoryRequestBytes', parseMemoryBytes],
    ['cpu-limit', 'cpuLimitMillis', parseCpuMillis],
    ['memory-limit', 'memoryLimitBytes', parseMemoryBytes],
  ];
  const legacy = prefix === 'queue-sidecar' ? LEGACY_QUEUE_SIDECAR : {};
  // Upstream parses every legacy key before the kebab-case ones, which override them.
  for (const kebab of [false, true]) {
    for (const [suffix, field, parse] of fields) {
      const key = kebab ? `${prefix}-${suffix}` : legacy[suffix];
      if (key === undefined || !hasOwn(data, key)) continue;
      try {
        out[field] = parse(data[key]!);
      } catch (e) {
        if (e instanceof QuantityError) throw errorAt(where, cm, key, `failed to parse quantity: ${e.message}`);
        throw e;
      }
    }
  }
  return out;
}

/**
 * config-deployment as a cluster's Knative takes it, by core's parseClusterDeploymentConfig (every key
 * upstream's NewConfigFromMap parses, in its order, and its rules; an image left unset is the shipped
 * one); then what only the scenario reader checks. Returns the progress deadline in seconds.
 */
function readDeployment(file: string, where: KeyWhere, data: Readonly<Record<string, string>>): number {
  const seconds = viaCore(file, where, () => parseClusterDeploymentConfig(data, { imageMayBeUnset: true }));
  checkDeploymentKeys(where, data);
  return seconds;
}

/** The value in force of a config-deployment key upstream also reads in legacy camelCase (the kebab-case key wins), with the key that holds it. */
function inForce(data: Readonly<Record<string, string>>, legacy: string, kebab: string): { key: string; raw: string } | undefined {
  if (hasOwn(data, kebab)) return { key: kebab, raw: data[kebab]! };
  if (hasOwn(data, legacy)) return { key: legacy, raw: data[legacy]! };
  return undefined;
}

/**
 * What Knative's parser takes but a cluster would still refuse, past core's checks: a
 * `runtime-class-name` whose YAML upstream cannot read (core decodes no YAML), and a queue-proxy
 * ephemeral-storage request above its limit, which the API server refuses on every revision's
 * Deployment. Either would leave a cluster that cannot exist, so knsim refuses it.
 */
function checkDeploymentKeys(where: KeyWhere, data: Readonly<Record<string, string>>): void {
  const fail = (key: string, rule: string): never => {
    throw errorAt(where, 'config-deployment', key, rule);
  };
  const eph: { request?: number; limit?: number } = {};
  for (const [legacy, kebab, field] of [
    ['queueSidecarEphemeralStorageRequest', 'queue-sidecar-ephemeral-storage-request', 'request'],
    ['queueSidecarEphemeralStorageLimit', 'queue-sidecar-ephemeral-storage-limit', 'limit'],
  ] as const) {
    for (const key of [legacy, kebab]) {
      if (!hasOwn(data, key)) continue;
      try {
        eph[field] = parseMemoryBytes(data[key]!);
      } catch (e) {
        if (e instanceof QuantityError) fail(key, `failed to parse quantity: ${e.message}`);
        throw e;
      }
    }
  }
  if (hasOwn(data, RUNTIME_CLASS_NAME_KEY)) {
    const bad = runtimeClassNamesError(data[RUNTIME_CLASS_NAME_KEY]!);
    if (bad !== undefined) fail(RUNTIME_CLASS_NAME_KEY, bad);
  }
  // Knative gives the queue-proxy no ephemeral storage by default, so only the two keys can conflict.
  if (eph.request !== undefined && eph.limit !== undefined && eph.request > eph.limit) {
    const key = inForce(data, 'queueSidecarEphemeralStorageRequest', 'queue-sidecar-ephemeral-storage-request')!.key;
    fail(
      key,
      `must be less than or equal to ephemeral-storage limit of ${eph.limit} bytes, got ${eph.request} bytes: the API server refuses every revision's Deployment (its queue-proxy container)`,
    );
  }
}

/** A core parser's result; its FieldError becomes the scenario error naming the key where it is written. */
function viaCore<T>(file: string, where: KeyWhere, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof FieldError) throw fromCore(file, where, e);
    throw e;
  }
}

/** A Go boolean (strconv.ParseBool) at `cm`'s `key`; undefined when not set. */
function goBool(where: KeyWhere, cm: ConfigMapName, key: string, data: Readonly<Record<string, string>>): boolean | undefined {
  if (!hasOwn(data, key)) return undefined;
  const raw = data[key]!;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  throw errorAt(where, cm, key, `failed to parse ${JSON.stringify(raw)}: expected a boolean (true or false)`);
}

/** config-deployment `pod-is-always-schedulable`; absent when not set. */
function podIsAlwaysSchedulable(where: KeyWhere, data: Readonly<Record<string, string>>): { podIsAlwaysSchedulable?: boolean } {
  const v = goBool(where, 'config-deployment', 'pod-is-always-schedulable', data);
  return v === undefined ? {} : { podIsAlwaysSchedulable: v };
}

/** config-defaults: timeouts, container concurrency, container names and service links, with upstream's checks. */
function readDefaults(where: KeyWhere, data: Readonly<Record<string, string>>): RevisionDefaults {
  const out: RevisionDefaults = { ...DEFAULT_REVISION_DEFAULTS };
  // The name templates first, as upstream parses them.
  for (const [key, field] of [['init-container-name-template', 'initContainerNameTemplate'], ['container-name-template', 'containerNameTemplate']] as const) {
    if (!hasOwn(data, key)) continue;
    const raw = data[key]!;
    // Knative parses the template and runs it on an empty ObjectMeta; each Service's names come from its own.
    const problem = nameTemplateProblem(raw);
    if (problem !== undefined && 'error' in problem) {
      throw errorAt(where, 'config-defaults', key, `${quote(raw)}: Knative refuses config-defaults: the template fails to parse or to run on empty metadata: ${problem.error}`);
    }
    if (problem !== undefined) {
      throw errorAt(where, 'config-defaults', key, `${quote(raw)}: knsim does not evaluate ${problem.unchecked} in a Go template, so it cannot name containers with this one (knsim's rule)`);
    }
    out[field] = raw;
  }
  // Parsed first, as upstream does; checked against each revision's containerConcurrency (manifest.ts).
  out.allowContainerConcurrencyZero = goBool(where, 'config-defaults', 'allow-container-concurrency-zero', data) ?? out.allowContainerConcurrencyZero;
  // A tri-state: true or false in any case (strings.EqualFold), anything else unset.
  if (hasOwn(data, 'enable-service-links')) {
    const v = data['enable-service-links']!;
    out.enableServiceLinks = goEqualFoldAscii(v, 'true') ? true : goEqualFoldAscii(v, 'false') ? false : undefined;
  }
  /** An int64 key, or undefined when not set. */
  const int64 = (key: string): number | undefined => {
    if (!hasOwn(data, key)) return undefined;
    const raw = data[key]!;
    const r = goParseInt(raw, 64);
    if (!r.ok) {
      throw errorAt(where, 'config-defaults', key, `failed to parse ${JSON.stringify(raw)}: ${r.reason === 'range' ? 'integer out of int64 range' : 'not a decimal integer'}`);
    }
    // A valid int64 that a double cannot hold: knsim's limit, not the syntax's.
    if (r.value > BigInt(Number.MAX_SAFE_INTEGER) || r.value < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw errorAt(where, 'config-defaults', key, `${quote(raw)}: must be within ±(2^53 − 1) = ±${Number.MAX_SAFE_INTEGER} (the largest knsim holds exactly)`);
    }
    return Number(r.value);
  };
  // The idle and response-start timeouts default a revision's (manifest.ts); upstream refuses the
  // whole ConfigMap when one is malformed or above the revision timeout, so knsim does too.
  // In upstream's parse order, so the same malformed key is reported first.
  out.revisionTimeoutSeconds = int64('revision-timeout-seconds') ?? out.revisionTimeoutSeconds;
  out.maxRevisionTimeoutSeconds = int64('max-revision-timeout-seconds') ?? out.maxRevisionTimeoutSeconds;
  const idle = int64('revision-idle-timeout-seconds') ?? 0;
  out.containerConcurrency = int64('container-concurrency') ?? out.containerConcurrency;
  out.containerConcurrencyMaxLimit = int64('container-concurrency-max-limit') ?? out.containerConcurrencyMaxLimit;
  // Then the six quantities, in upstream's order (the CPU and memory ones are kept by readResources).
  for (const [key, parse] of [
    ['revision-cpu-request', parseCpuMillis],
    ['revision-memory-request', parseMemoryBytes],
    ['revision-ephemeral-storage-request', parseMemoryBytes],
    ['revision-cpu-limit', parseCpuMillis],
    ['revision-memory-limit', parseMemoryBytes],
    ['revision-ephemeral-storage-limit', parseMemoryBytes],
  ] as const) {
    if (!hasOwn(data, key)) continue;
    let v: number;
    try {
      v = parse(data[key]!);
    } catch (e) {
      if (e instanceof QuantityError) throw errorAt(where, 'config-defaults', key, `failed to parse quantity: ${e.message}`);
      throw e;
    }
    if (key === 'revision-ephemeral-storage-request') out.ephemeralStorageRequestBytes = v;
    if (key === 'revision-ephemeral-storage-limit') out.ephemeralStorageLimitBytes = v;
  }
  const responseStart = int64('revision-response-start-timeout-seconds') ?? out.revisionTimeoutSeconds;
  const fail = (key: string, rule: string): never => {
    throw errorAt(where, 'config-defaults', key, rule);
  };
  if (out.revisionTimeoutSeconds > out.maxRevisionTimeoutSeconds) {
    fail(
      'revision-timeout-seconds',
      `revision-timeout-seconds (${out.revisionTimeoutSeconds}) cannot be greater than max-revision-timeout-seconds (${out.maxRevisionTimeoutSeconds})`,
    );
  }
  for (const [key, v] of [['revision-response-start-timeout-seconds', responseStart], ['revision-idle-timeout-seconds', idle]] as const) {
    if (v > 0 && v > out.revisionTimeoutSeconds) fail(key, `${key} (${v}) cannot be greater than revision-timeout-seconds (${out.revisionTimeoutSeconds})`);
  }
  out.responseStartTimeoutSeconds = responseStart;
  out.idleTimeoutSeconds = idle;
  // Upstream checks only the floor (its message names MaxInt32 as the bound, but nothing enforces it).
  if (out.containerConcurrencyMaxLimit < 1) {
    fail('container-concurrency-max-limit', `expected 1 <= ${out.containerConcurrencyMaxLimit}`);
  }
  if (out.containerConcurrency < 0 || out.containerConcurrency > out.containerConcurrencyMaxLimit) {
    fail('container-concurrency', `expected 0 <= ${out.containerConcurrency} <= ${out.containerConcurrencyMaxLimit}`);
  }
  return out;
}

/** A metav1.LabelSelector, as Go decodes one. */
const LABEL_SELECTOR: GoShape = {
  struct: { matchLabels: { map: 'string' }, matchExpressions: { list: { struct: { key: 'string', operator: 'string', values: { list: 'string' } } } } },
};

/** config-network: `rollout-duration` (integer seconds), via core; then the keys knsim only checks. */
function readNetwork(file: string, where: KeyWhere, data: Readonly<Record<string, string>>): number {
  const seconds = viaCore(file, where, () => parseNetworkRolloutDuration(data));
  checkNetworkKeys(where, data);
  return seconds;
}

/**
 * config-network keys knsim does not simulate but knative.dev/networking's NewConfigFromMap
 * (pkg/config/config.go) checks, so that a ConfigMap Knative refuses is refused here too:
 * its booleans, namespace-wildcard-cert-selector, domain-template and tag-template (network-templates.ts), and the three keys
 * that take only a few words (in any case).
 */
function checkNetworkKeys(where: KeyWhere, data: Readonly<Record<string, string>>): void {
  for (const key of ['autocreateClusterDomainClaims', 'autocreate-cluster-domain-claims', 'enable-mesh-pod-addressability', 'internal-encryption']) {
    goBool(where, 'config-network', key, data);
  }
  // A metav1.LabelSelector in YAML; empty means none.
  const certSelector = data['namespace-wildcard-cert-selector'];
  if (hasOwn(data, 'namespace-wildcard-cert-selector') && certSelector !== '') {
    const parsed = parseGoYaml(certSelector!);
    const bad = 'error' in parsed ? parsed.error : shapeError(parsed.value, LABEL_SELECTOR, '');
    if (bad !== undefined) throw errorAt(where, 'config-network', 'namespace-wildcard-cert-selector', `${bad} (Knative reads a label selector: matchLabels, matchExpressions)`);
  }
  // Then the two templates, as upstream checks them after parsing the keys (a template knsim cannot run is a warning).
  for (const t of [DOMAIN_TEMPLATE, TAG_TEMPLATE]) {
    const c = checkNetworkTemplate(data, t);
    if (c !== undefined && 'error' in c) throw errorAt(where, 'config-network', c.key, c.error);
  }
  const words: ReadonlyArray<[string, string | undefined, readonly string[]]> = [
    ['http-protocol', 'httpProtocol', ['enabled', 'disabled', 'redirected']],
    ['system-internal-tls', undefined, ['enabled', 'disabled']],
    ['cluster-local-domain-tls', undefined, ['enabled', 'disabled']],
  ];
  for (const [kebab, legacy, allowed] of words) {
    const set = legacy === undefined ? (hasOwn(data, kebab) ? { key: kebab, raw: data[kebab]! } : undefined) : inForce(data, legacy, kebab);
    // An empty value is the default, as upstream's switch has it.
    if (set === undefined || set.raw === '' || allowed.includes(goToLower(set.raw))) continue;
    throw errorAt(where, 'config-network', set.key, `${JSON.stringify(set.raw)} is not supported: Knative refuses config-network unless ${kebab} is ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`);
  }
}
