/**
 * Loads a scenario into the model's WorldSpec: YAML → `--set` overrides → schema →
 * ConfigMaps → Services (manifests, revisions, traffic) → clients (rates, closed loops,
 * trace files). Every problem is a ScenarioError. No file system here: the files a
 * scenario names are read through {@link ScenarioFiles}, so this module also runs in a
 * browser (the playground); `load.ts` supplies the node:fs reader.
 */
import { Composer, isDocument, isNode, isScalar, LineCounter, Parser, visit, YAMLParseError, type CST, type Document, type Node as YamlNode } from 'yaml';
import { kubectlTags } from './kubectl-yaml.js';
import { checkWrittenMetadata, checkWrittenScenarioMetadata } from './metadata-values.js';
import type { ActivatorCpuSpec, ClientSpec, RequestTraceMode, ServiceSpec, StartCondition, WorldSpec } from '../model/spec.js';
import { disruptionBudgets, type RevisionPodLabels } from './disruption-budgets.js';
import { activatorCrashes, activatorDeletions, activatorRollouts, applyClusterUpdates, autoscalerRestarts, DEFAULT_ACTIVATOR_STARTUP_SECONDS, nodeDrains, nodePoolDrifts } from './cluster-updates.js';
import { checkInitialPlacement } from './initial-placement.js';
import { readConfigMaps, type ClusterConfig, type KeyWhere } from './configmaps.js';
import type { AutoscalerClass } from '../core/autoscaler/index.js';
import type { UserClassInput, UserClassRef } from './user-classes.js';
import { resolveConfigMaps, type ConfigMapFile, type ResolvedConfigMaps } from './configmap-manifests.js';
import { formatPath, isPathWithin, quote, ScenarioError, type PathSegment } from './errors.js';
import { buildService, type ManifestSource } from './manifest.js';
import {
  parseWith,
  scenarioSchema,
  serviceManifestSchema,
  type ActivatorCpuInput,
  type ConfigMapName,
  type ClientInput,
  type ScenarioInput,
  type ServiceEntryInput,
  type StartWhenInput,
} from './schema.js';
import { applySet, parseSetExpression, setAt } from './set.js';
import { buildNodes } from './nodes.js';
import { checkSchemaFields } from './manifest-fields.js';
import { overridePathError } from './override-paths.js';
import { SERVICE_NODE } from './service-fields.js';
import { autoscalerConfigWarnings } from './annotation-warnings.js';
import { networkWarnings } from './network-warnings.js';
import { launchFailureWarnings } from './launch-failure-warnings.js';
import { expireBeforeReadyWarnings } from './expiry-warnings.js';
import { podCpuCeilingWarning } from './cpu-ceiling-warnings.js';
import { featuresWarnings } from './config-features.js';
import { defaultsKeyWarnings, deploymentKeyWarnings, networkKeyWarnings, observabilityKeyWarnings } from './configmap-keys.js';
import { activeWindow, DEFAULT_WORK_LIMITS, fmtAmount, tooManyTraceArrivals, type RevisionOrigin } from './work-estimate.js';
import { TraceCollector, type TraceFormat, type TraceSink } from './trace-shape.js';
import { decodeKubectlText, decodeStrictUtf8 } from './utf8.js';
import { TOO_DEEP_RULE, tooDeepIn } from './yaml-depth.js';

export { firstInvalidUtf8 } from './utf8.js';
import { TOO_MANY_NODES_RULE, tooManyNodesOffset } from './yaml-size.js';

export interface LoadOptions {
  /** `--set path=value` overrides, applied in order to the parsed YAML before validation. */
  sets?: readonly string[];
  /** Overrides `seed` (after the --set overrides). */
  seed?: number;
  /** Overrides `duration`, in seconds (after the --set overrides). */
  durationSeconds?: number;
  /** Autoscaler classes registered besides the scenario's own (`knsim compare --class ./x.ts`). */
  classes?: readonly UserClassRef[];
  /** Every revision uses this autoscaler class, whatever its annotation (`knsim compare --class`). */
  classOverride?: string;
  /**
   * The requests a run may send (`--max-requests`; DEFAULT_WORK_LIMITS.requests otherwise): loading a
   * trace stops, with the work estimate's refusal, once the trace clients' windows hold more.
   */
  maxRequests?: number;
}

export interface LoadedScenario {
  /** The scenario file as given. */
  file: string;
  name: string;
  /** '' when the scenario has none. */
  description: string;
  traceMode: RequestTraceMode;
  /** The scenario's `series` (default true): write the per-second time series. */
  series: boolean;
  world: WorldSpec;
  /** Where each revision was written, [service][revision], for the work estimate's messages. */
  revisionOrigins?: RevisionOrigin[][];
  /** Where each ConfigMap key is written (a manifest file, or the scenario's bare data). */
  configMapWhere?: KeyWhere;
  /** Keys and values Knative ignores that look like typos (unknown autoscaling annotations, unknown keys of config-autoscaler, -features, -network, -deployment and -defaults, config-features values), one line each. */
  warnings?: string[];
  /** The scenario's `expect:` entries, unparsed (src/expect reads them). */
  expect?: unknown[];
}

/** A `--set` into a Service given by `manifestFile`: applied to the Service once the file is read. */
export interface ManifestFileSet {
  expr: string;
  /** The path inside the Service (after `services[i].manifest`). */
  path: PathSegment[];
  value: unknown;
}

/** The files a scenario names (manifests, ConfigMap files, traces), as the loader reads them. */
export interface ScenarioFiles {
  /** A path written in `scenarioFile`, as it is opened and named in messages. */
  resolve(scenarioFile: string, path: string): string;
  /** The file's bytes, or why it could not be read (a few words). */
  read(path: string): Uint8Array | { error: string };
  /** Reads a trace file's arrivals into `into`, or says why it could not be read; parse errors are thrown as ScenarioErrors. */
  readTrace(path: string, format: TraceFormat, filter: { app: string | undefined; func: string | undefined }, into: TraceSink): { error: string } | undefined;
  /** Whether a trace can be read once only (a pipe); absent where every file can be read again. */
  readsOnce?(path: string): boolean;
  /**
   * Compiles and loads user autoscaler classes (`autoscalerClasses`, `knsim compare --class`);
   * absent where modules cannot be loaded (the browser playground).
   */
  loadUserClasses?(scenarioFile: string, entries: readonly UserClassInput[], extra: readonly UserClassRef[]): AutoscalerClass[];
}

/** The requests a run may send, and how many of them the trace clients loaded so far send. */
interface TraceBudget {
  limit: number;
  held: number;
}

/** Cluster defaults when the scenario's `cluster` block leaves them out. */
export const DEFAULT_CLUSTER = Object.freeze({
  // A default install's activator HPA minReplicas (config/core/deployments/activator-hpa.yaml);
  // the pool scales out on CPU only with cluster.activatorCpu, the activators' CPU model.
  activatorReplicas: 1,
  ingressLatencySeconds: 0.001,
  activatorProbePeriodSeconds: 0.2,
  drainSeconds: 30,
});

export const DEFAULT_SEED = 1;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Longest client name or randomStream, Kubernetes' longest object name: every requests.csv row
 * holds the name and every closed-loop user's streams are seeded from it, so a megabyte name
 * wrote gigabytes and took minutes.
 */
export const MAX_CLIENT_NAME_LENGTH = 253;

/**
 * Overrides, validates and converts a scenario given as text (the contents of `file`).
 * @throws ScenarioError for any bad input (the scenario, a manifest or trace file it names, an override).
 */
export function loadScenarioText(text: string, file: string, opts: LoadOptions, files: ScenarioFiles): LoadedScenario {
  let raw = parseYamlOne(text, file);
  rejectProtoKeys(raw, file, []);
  // Before the overrides: what the file says, as kubectl would send it.
  checkWrittenScenarioMetadata(raw, file);
  const manifestSets = new Map<number, ManifestFileSet[]>();
  for (const expr of opts.sets ?? []) {
    const deferred = manifestFileSet(raw, expr, file);
    if (deferred === undefined) raw = applySet(raw, expr, file);
    else manifestSets.set(deferred.index, [...(manifestSets.get(deferred.index) ?? []), deferred.set]);
  }
  if (isMapping(raw)) {
    const over: Record<string, unknown> = { ...raw };
    if (opts.seed !== undefined) over['seed'] = opts.seed;
    if (opts.durationSeconds !== undefined) over['duration'] = opts.durationSeconds;
    raw = over;
  }
  const classes = { ...(opts.classes !== undefined ? { extra: opts.classes } : {}), ...(opts.classOverride !== undefined ? { override: opts.classOverride } : {}) };
  return scenarioFromValueWith(raw, file, files, manifestSets, classes, opts.maxRequests);
}

/**
 * A `--set` whose path goes into `services[i].manifest` of a service given by
 * `manifestFile`: it has to wait until the file is read, so it is returned to be
 * applied then; undefined for every other override.
 */
function manifestFileSet(raw: unknown, expr: string, file: string): { index: number; set: ManifestFileSet } | undefined {
  const { path, value } = parseSetExpression(expr, file);
  const index = path[1];
  if (path[0] !== 'services' || typeof index !== 'number' || path[2] !== 'manifest' || path.length <= 3) return undefined;
  const services = isMapping(raw) ? raw['services'] : undefined;
  const entry = Array.isArray(services) ? (services[index] as unknown) : undefined;
  if (!isMapping(entry) || typeof entry['manifestFile'] !== 'string' || entry['manifest'] !== undefined) return undefined;
  const bad = overridePathError(path);
  if (bad !== undefined) throw new ScenarioError(file, `--set ${expr}`, bad);
  return { index, set: { expr, path: path.slice(3), value } };
}

/**
 * Two first mistakes the schema would answer with a puzzling line: an empty file ("expected a
 * mapping, got null") and a Kubernetes manifest given where the scenario goes ("apiVersion:
 * unknown field").
 */
function notAScenario(raw: unknown, file: string): void {
  if (raw === null || raw === undefined) {
    throw new ScenarioError(file, '', 'is empty (no YAML value, only comments or ---): a scenario is a mapping with name, duration, services and clients');
  }
  if (isMapping(raw) && typeof raw['apiVersion'] === 'string' && typeof raw['kind'] === 'string' && raw['name'] === undefined) {
    throw new ScenarioError(
      file,
      'kind',
      `a Kubernetes manifest (kind ${quote(raw['kind'])}, apiVersion ${quote(raw['apiVersion'])}), not a knsim scenario: name it in a scenario's services[].manifestFile (ConfigMaps: configMapFiles)`,
    );
  }
}

/** The ConfigMaps whose keys knsim warns about, each with its warnings (without their `file: path: ` head). */
const KEY_WARNINGS: ReadonlyArray<[ConfigMapName, (data: Readonly<Record<string, string>>) => Array<{ key: string; text: string }>]> = [
  ['config-autoscaler', autoscalerConfigWarnings],
  ['config-features', featuresWarnings],
  ['config-network', (data) => [...networkKeyWarnings(data), ...networkWarnings(data)]],
  ['config-deployment', deploymentKeyWarnings],
  ['config-defaults', defaultsKeyWarnings],
  ['config-observability', observabilityKeyWarnings],
];

/** Each ConfigMap key warning, at the file and path where the key is written (bare data, a manifest, or a configMapFiles file). */
function configMapKeyWarnings(cms: ResolvedConfigMaps): string[] {
  return KEY_WARNINGS.flatMap(([cm, warn]) =>
    warn(cms.data?.[cm] ?? {}).map((w) => {
      const at = cms.where(cm, w.key);
      return `${at.file}: ${at.path}: ${w.text}`;
    }),
  );
}

/**
 * Validates and converts an already parsed scenario (after overrides). Relative
 * `manifestFile` and trace `file` paths are resolved by `files` against `file`.
 * @throws ScenarioError
 */
export function scenarioFromValueWith(
  raw: unknown,
  file: string,
  files: ScenarioFiles,
  manifestSets: ReadonlyMap<number, readonly ManifestFileSet[]> = new Map(),
  classes: { extra?: readonly UserClassRef[]; override?: string } = {},
  maxRequests: number = DEFAULT_WORK_LIMITS.requests,
): LoadedScenario {
  rejectProtoKeys(raw, file, []);
  notAScenario(raw, file);
  const s = parseWith(scenarioSchema, raw, file, []);
  if (!DNS1123_LABEL.test(s.name) || s.name.length > 63) {
    throw new ScenarioError(
      file,
      'name',
      `must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got ${JSON.stringify(s.name)}`,
    );
  }
  const traceMode = parseTraceMode(s.trace, file);
  const cms = resolveConfigMaps(file, s.configMaps, readConfigMapFiles(s.configMapFiles ?? [], file, files));
  const userClasses = userClassesOf(file, s.autoscalerClasses ?? [], classes.extra ?? [], files);
  const cluster: ClusterConfig = {
    ...readConfigMaps(file, cms.data, cms.where),
    ...(userClasses.length > 0 ? { userClasses: new Set(userClasses.map((c) => c.name)) } : {}),
    ...(classes.override !== undefined ? { classOverride: classes.override } : {}),
  };
  const warnings = configMapKeyWarnings(cms);

  const nodes = buildNodes(file, s.cluster, cluster.podIsAlwaysSchedulable, warnings);
  warnings.push(...launchFailureWarnings(file, s.cluster?.nodePools, s.duration));
  warnings.push(...expireBeforeReadyWarnings(file, nodes));
  const built: ServiceSpec[] = [];
  const revisionOrigins: RevisionOrigin[][] = [];
  const tagsByService = new Map<string, ReadonlySet<string>>();
  const serviceIndex = new Map<string, { index: number; namespace: string }>();
  const podLabels = new Map<string, RevisionPodLabels>();
  s.services.forEach((entry, i) => {
    const sets = manifestSets.get(i) ?? [];
    const source = manifestSource(entry, i, file, files, sets);
    let b: ReturnType<typeof buildService>;
    const warned = warnings.length;
    try {
      b = buildService({ scenarioFile: file, index: i, entry, source, cluster, defaults: s.defaults, warnings, podCpuCeilingMillis: s.cluster?.podCpuCeiling, withPodRequests: nodes !== undefined });
    } catch (e) {
      throw inDocument(blameManifestSet(e, sets, source, file, i), source);
    }
    warningsInDocument(warnings, warned, source);
    const name = b.spec.name;
    const namespace = source.manifest.metadata.namespace || 'default';
    const prev = serviceIndex.get(name);
    if (prev !== undefined) {
      // Knative takes one name in two namespaces, but clients, revisions and every output name a Service by its name alone.
      const rule =
        prev.namespace === namespace
          ? `duplicate Service name ${JSON.stringify(name)} (also services[${prev.index}])`
          : `a Service named ${JSON.stringify(name)} is also services[${prev.index}] (namespace ${prev.namespace}, this one ${namespace}): Knative allows that, but knsim tells Services apart by name alone, as clients and outputs name them; rename one`;
      const duplicate = new ScenarioError(source.file, formatPath([...source.base, 'metadata', 'name']), rule);
      throw inDocument(blameManifestSet(duplicate, sets, source, file, i), source);
    }
    serviceIndex.set(name, { index: i, namespace });
    tagsByService.set(name, b.tags);
    for (const [r, l] of b.podLabels) podLabels.set(r, l);
    built.push(b.spec);
    // Where the estimate blames a value a --set wrote into the manifest file: the flag.
    const setPaths = sets.map((o) => ({ path: formatPath([...source.base, ...o.path]), expr: o.expr }));
    const origins = source.document === undefined ? b.origins : b.origins.map((o) => (o.file === source.file ? { ...o, document: source.document! } : o));
    revisionOrigins.push(setPaths.length === 0 ? origins : origins.map((o) => (o.file === source.file ? { ...o, sets: { scenarioFile: file, paths: setPaths } } : o)));
  });
  const services = applyClusterUpdates({ file, updates: s.updates, services: built, origins: revisionOrigins, configMaps: cms.data, cluster });
  const ceilingUnread = podCpuCeilingWarning(file, s.cluster?.podCpuCeiling, services);
  if (ceilingUnread !== undefined) warnings.push(ceilingUnread);
  // A ConfigMap an update writes gets the same key warnings, at the update's path.
  (s.updates ?? []).forEach((u, j) => {
    // Only the bare form reaches here: applyClusterUpdates refused manifests in an update.
    const written = u.configMaps;
    if (written === undefined || 'manifests' in written) return;
    for (const [cm, warn] of KEY_WARNINGS) {
      const data = written[cm];
      if (data !== undefined) for (const w of warn(data)) warnings.push(`${file}: ${formatPath(['updates', j, 'configMaps', cm, { key: w.key }])}: ${w.text}`);
    }
  });

  const clientIndex = new Map<string, number>();
  const revisionNames = services.flatMap((sv) => sv.revisions.map((r) => r.name));
  const traceBudget: TraceBudget = { limit: maxRequests, held: 0 };
  const clients = s.clients.map((c, i) => buildClient(c, i, s, file, files, tagsByService, clientIndex, revisionNames, warnings, traceBudget));

  const world: WorldSpec = {
    name: s.name,
    seed: s.seed ?? DEFAULT_SEED,
    durationSeconds: s.duration,
    autoscalerConfig: cluster.autoscaler,
    cluster: {
      activatorReplicas: s.cluster?.activators ?? s.cluster?.activatorCpu?.minReplicas ?? DEFAULT_CLUSTER.activatorReplicas,
      ingressLatencySeconds: s.cluster?.ingressLatency ?? DEFAULT_CLUSTER.ingressLatencySeconds,
      activatorProbePeriodSeconds: s.cluster?.activatorProbePeriod ?? DEFAULT_CLUSTER.activatorProbePeriodSeconds,
      ...(cluster.meshCompatibilityMode !== 'auto' ? { meshCompatibilityMode: cluster.meshCompatibilityMode } : {}),
      ...(cluster.ingressClass !== undefined ? { ingressClass: cluster.ingressClass } : {}),
      drainSeconds: s.cluster?.drainPeriod ?? DEFAULT_CLUSTER.drainSeconds,
      ...(s.cluster?.metricsResolution !== undefined ? { metricsResolutionSeconds: metricsResolution(s.cluster.metricsResolution, file) } : {}),
      ...(nodes !== undefined ? { nodes } : {}),
      ...(s.cluster?.activatorCpu !== undefined ? { activatorCpu: activatorCpu(s.cluster.activatorCpu, s.cluster.activators, file) } : {}),
    },
    services,
    clients,
    ...(userClasses.length > 0 ? { autoscalerClasses: userClasses } : {}),
  };
  const restarts = autoscalerRestarts(file, s.updates);
  if (restarts.length > 0) world.autoscalerRestarts = restarts;
  const crashes = activatorCrashes(file, s.updates, world.cluster.activatorReplicas, world.cluster.activatorCpu !== undefined);
  if (crashes.length > 0) world.activatorCrashes = crashes;
  const deletions = activatorDeletions(file, s.updates, world.cluster.activatorReplicas, world.cluster.activatorCpu !== undefined, crashes);
  if (deletions.length > 0) world.activatorDeletions = deletions;
  const rollouts = activatorRollouts(file, s.updates, world.cluster.activatorReplicas, world.cluster.activatorCpu !== undefined, crashes, deletions);
  if (rollouts.length > 0) world.activatorRollouts = rollouts;
  const drains = nodeDrains(file, s.updates, world.cluster.nodes);
  if (drains.length > 0) world.nodeDrains = drains;
  const drifts = nodePoolDrifts(file, s.updates, world.cluster.nodes);
  if (drifts.length > 0) world.nodePoolDrifts = drifts;
  const budgets = disruptionBudgets(file, s.podDisruptionBudgets, nodes, services, podLabels, warnings);
  if (budgets.length > 0) world.disruptionBudgets = budgets;
  checkInitialPlacement(file, world);
  const unique = [...new Set(warnings)];
  return { file, name: s.name, description: s.description ?? '', traceMode, series: s.series ?? true, world, revisionOrigins, configMapWhere: cms.where, ...(unique.length > 0 ? { warnings: unique } : {}), ...(s.expect !== undefined ? { expect: s.expect } : {}) };
}

/**
 * The activator's defaults are knative/serving's: requests 300m, limits 1000m
 * (config/core/deployments/activator.yaml), HPA min 1, max 20, 100 % of the request
 * (activator-hpa.yaml). The pool starts with `cluster.activators` pods, or without it at
 * minReplicas: the HPA raises a Deployment below minReplicas at its first sync, so a running
 * cluster's pool is never below it.
 */
function activatorCpu(a: ActivatorCpuInput, initial: number | undefined, file: string): ActivatorCpuSpec {
  const spec: ActivatorCpuSpec = {
    perRequestSeconds: a.perRequest,
    requestMillis: a.request ?? 300,
    limitMillis: a.limit ?? 1000,
    minReplicas: a.minReplicas ?? 1,
    maxReplicas: a.maxReplicas ?? 20,
    targetUtilization: a.targetUtilization ?? 100,
    startupSeconds: a.startup ?? DEFAULT_ACTIVATOR_STARTUP_SECONDS,
  };
  const at = (f: string): string => `cluster.activatorCpu.${f}`;
  // The activator's HorizontalPodAutoscaler holds them as int32s: the API server refuses larger ones.
  for (const f of ['minReplicas', 'maxReplicas', 'targetUtilization'] as const) {
    if (spec[f] > MAX_INT32) throw new ScenarioError(file, at(f), `must be at most ${MAX_INT32} (an int32 of the activator's HorizontalPodAutoscaler), got ${spec[f]}`);
  }
  if (spec.limitMillis < spec.requestMillis) throw new ScenarioError(file, at('limit'), `must be at least the request (${spec.requestMillis}m), got ${spec.limitMillis}m`);
  if (spec.maxReplicas < spec.minReplicas) throw new ScenarioError(file, at('maxReplicas'), `must be at least minReplicas (${spec.minReplicas}), got ${spec.maxReplicas}`);
  const n = initial ?? spec.minReplicas;
  if (n < spec.minReplicas || n > spec.maxReplicas) {
    throw new ScenarioError(file, 'cluster.activators', `must be within the activator HPA's ${spec.minReplicas}..${spec.maxReplicas} (cluster.activatorCpu.minReplicas/maxReplicas), got ${n}`);
  }
  return spec;
}

/** The largest int32, Kubernetes' type for replica counts and utilization targets. */
const MAX_INT32 = 2 ** 31 - 1;

/** The user classes a scenario registers, loaded by `files` (refused where modules cannot be loaded). */
function userClassesOf(file: string, entries: readonly UserClassInput[], extra: readonly UserClassRef[], files: ScenarioFiles): AutoscalerClass[] {
  if (entries.length === 0 && extra.length === 0) return [];
  if (files.loadUserClasses === undefined) {
    throw new ScenarioError(file, 'autoscalerClasses', 'user autoscaler modules can be loaded only by the knsim CLI (not in the browser playground)');
  }
  return files.loadUserClasses(file, entries, extra);
}

/** metrics-server refuses a resolution under 10 s (Options.validate). */
function metricsResolution(seconds: number, file: string): number {
  if (seconds < 10) throw new ScenarioError(file, 'cluster.metricsResolution', `must be at least 10s (metrics-server's minimum), got ${seconds}s`);
  return seconds;
}

// ---------------------------------------------------------------- files and YAML

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A manifest or ConfigMap file: UTF-8, or UTF-16 with a byte order mark, as kubectl reads it. */
function readText(files: ScenarioFiles, path: string, onError: (reason: string) => ScenarioError): string {
  const bytes = files.read(path);
  if ('error' in bytes) throw onError(bytes.error);
  const t = decodeKubectlText(bytes);
  if (typeof t !== 'string') throw new ScenarioError(path, t.line === undefined ? '' : `line ${t.line}`, t.rule);
  return t;
}

/** Strict UTF-8 (a BOM is kept, as readFileSync's 'utf8' keeps it); a bad byte is an error naming its line and offset. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  const t = decodeStrictUtf8(bytes);
  if (typeof t !== 'string') throw new ScenarioError(file, `line ${t.line}`, t.rule);
  return t;
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? s).trim();
}

interface YamlErrorLike {
  message: string;
  pos: [number, number];
  code?: string;
}

function yamlError(file: string, e: YamlErrorLike, lc: LineCounter): ScenarioError {
  const { line, col } = lc.linePos(e.pos[0]);
  // The parser's own words name its JavaScript API ("please use YAML.parseAllDocuments()").
  const rule = /call stack/i.test(e.message) ? TOO_DEEP
    : e.code === 'MULTIPLE_DOCS' ? 'a scenario file is one YAML document, and another starts here: remove the --- line, or give the other document a file of its own'
    : `invalid YAML: ${firstLine(e.message)}`;
  return new ScenarioError(file, `line ${line}, column ${col}`, rule);
}

/** yaml's guard against alias bombs ("billion laughs"): aliased nodes a document may expand to. */
export const MAX_ALIAS_COUNT = 1000;

const TOO_DEEP = `invalid YAML: ${TOO_DEEP_RULE}`;

/**
 * The alias to blame when a document expands too much: the first one whose anchor itself
 * holds aliases (where a bomb multiplies), else the first alias.
 */
function blameAlias(doc: Document): YamlNode | undefined {
  let first: YamlNode | undefined;
  let blamed: YamlNode | undefined;
  visit(doc, {
    Alias(_, alias) {
      first ??= alias;
      const target = alias.resolve(doc);
      let nested = false;
      if (target !== undefined) {
        visit(target, {
          Alias() {
            nested = true;
            return visit.BREAK;
          },
        });
      }
      if (nested) {
        blamed = alias;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return blamed ?? first;
}

function toJS(doc: Document, file: string, lc: LineCounter): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof RangeError) throw new ScenarioError(file, '', TOO_DEEP);
    if (e instanceof ReferenceError && isDocument(doc)) {
      const alias = blameAlias(doc);
      const where = alias?.range !== undefined && alias.range !== null ? lc.linePos(alias.range[0]) : undefined;
      throw new ScenarioError(
        file,
        where !== undefined ? `line ${where.line}, column ${where.col}` : '',
        `invalid YAML: aliases expand to more than ${MAX_ALIAS_COUNT} nodes (an alias bomb?); write the values out instead`,
      );
    }
    throw new ScenarioError(file, '', `invalid YAML: ${firstLine(e instanceof Error ? e.message : String(e))}`);
  }
}

/** `line L, column C` of an offset in `text`. */
function lineColumn(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < lineStart; i = text.indexOf('\n', i + 1)) line++;
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/**
 * How every user YAML file is composed. logLevel: the parser would print its warnings (a mapping
 * as a key, an unknown tag) to stderr through process.emitWarning. uniqueKeys: checked by
 * firstYamlError in linear time. merge: `<<: *anchor` merge keys, which kubectl's YAML reader
 * (go-yaml) resolves too. customTags: plain scalars as go-yaml v2 reads them (`0644` is octal,
 * `yes` a boolean; kubectl-yaml.ts).
 */
const COMPOSE_OPTIONS = { prettyErrors: false, uniqueKeys: false, logLevel: 'error', merge: true, customTags: kubectlTags } as const;

/**
 * Composes the file's syntax tokens (`compose`, as yaml's parseDocument or parseAllDocuments
 * would) after refusing more than MAX_YAML_NODES nodes or nesting deeper than MAX_YAML_DEPTH (at
 * its line); a stack overflow all the same (a thread with a small stack) gets the same rule. The
 * tokens the depth check walks are the ones composed: parsing them is most of a load's cost, and
 * was done twice when each step parsed the text itself.
 */
function composeGuarded<T>(file: string, text: string, lc: LineCounter, compose: (tokens: CST.Token[]) => T): T {
  // The node count first: the depth check builds yaml's syntax tree, which a dense file makes huge.
  const many = tooManyNodesOffset(text);
  if (many !== undefined) throw new ScenarioError(file, lineColumn(text, many), `invalid YAML: ${TOO_MANY_NODES_RULE}`);
  try {
    const tokens = [...new Parser(lc.addNewLine).parse(text)];
    const deep = tooDeepIn(tokens);
    if (deep !== undefined) throw new ScenarioError(file, lineColumn(text, deep), TOO_DEEP);
    return compose(tokens);
  } catch (e) {
    if (e instanceof RangeError) throw new ScenarioError(file, '', TOO_DEEP);
    throw e;
  }
}

/** The first document, with a MULTIPLE_DOCS error if another follows: yaml's parseDocument on parsed tokens. */
function composeOne(tokens: CST.Token[], text: string): Document {
  let doc: Document | undefined;
  // compose(…, forceDoc) ends with a document at the latest, an empty one for an empty file.
  for (const next of new Composer(COMPOSE_OPTIONS).compose(tokens, true, text.length)) {
    if (doc === undefined) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
      break;
    }
  }
  return doc!;
}

/**
 * Where the first mapping key equal to an earlier one of its mapping starts, or undefined.
 * yaml's own check (uniqueKeys) compares each key with every earlier one, so a mapping of
 * 100,000 keys took over two minutes; this is one set per mapping, with yaml's equality:
 * scalar keys by value, a missing key equal to another missing key, others never equal.
 */
function duplicateKeyOffset(doc: Document): number | undefined {
  let found: number | undefined;
  const missing = Symbol('no key');
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key as unknown;
        let k: unknown;
        if (key === null || key === undefined) k = missing;
        else if (isScalar(key)) k = key.value;
        else continue;
        if (seen.has(k)) {
          const range = isNode(key) ? key.range : undefined;
          found = range?.[0] ?? map.range?.[0] ?? 0;
          return visit.BREAK;
        }
        seen.add(k);
      }
      return undefined;
    },
  });
  return found;
}

/** yaml's first error in `doc` or its first duplicate key, whichever comes first in the text. */
function firstYamlError(doc: Document): YamlErrorLike | undefined {
  const err = doc.errors[0];
  const dup = duplicateKeyOffset(doc);
  if (dup !== undefined && (err === undefined || dup < err.pos[0])) return { message: 'Map keys must be unique', pos: [dup, dup], code: 'DUPLICATE_KEY' };
  return err;
}

/** Parses a one-document YAML file: depth, size and duplicate keys checked, one-line errors naming `file`. */
export function parseYamlOne(text: string, file: string): unknown {
  const lc = new LineCounter();
  const doc = composeGuarded(file, text, lc, (tokens) => composeOne(tokens, text));
  const err = firstYamlError(doc);
  if (err !== undefined) throw yamlError(file, err, lc);
  return toJS(doc, file, lc);
}

/** Parses a (possibly multi-document) YAML file. */
function parseYamlAll(text: string, file: string): unknown[] {
  const lc = new LineCounter();
  const docs = composeGuarded(file, text, lc, (tokens) => [...new Composer(COMPOSE_OPTIONS).compose(tokens)]);
  const out: unknown[] = [];
  for (const doc of docs) {
    const err = firstYamlError(doc);
    if (err !== undefined) throw yamlError(file, err, lc);
    const value = toJS(doc, file, lc);
    rejectProtoKeys(value, file, []);
    out.push(value);
  }
  return out;
}

/**
 * Rejects `__proto__` keys anywhere in a parsed file: JavaScript objects would drop or
 * misread them, so the value would silently vanish.
 * @throws ScenarioError at the key's path.
 */
export function rejectProtoKeys(root: unknown, file: string, base: readonly PathSegment[]): void {
  const seen = new Set<object>();
  const stack: Array<{ v: unknown; path: readonly PathSegment[] }> = [{ v: root, path: base }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, i] });
      continue;
    }
    const keys = Object.keys(v);
    if (Object.prototype.hasOwnProperty.call(v, '__proto__')) {
      throw new ScenarioError(file, formatPath([...path, '__proto__']), 'the key "__proto__" is not allowed');
    }
    for (let i = keys.length - 1; i >= 0; i--) stack.push({ v: (v as Record<string, unknown>)[keys[i]!], path: [...path, keys[i]!] });
  }
}

// ---------------------------------------------------------------- ConfigMaps

/** The documents of each `configMapFiles` entry (relative to the scenario's directory). */
function readConfigMapFiles(paths: readonly string[], file: string, files: ScenarioFiles): ConfigMapFile[] {
  return paths.map((p, index) => {
    const cmFile = files.resolve(file, p);
    const text = readText(files, cmFile, (reason) => new ScenarioError(file, formatPath(['configMapFiles', index]), `cannot read ${JSON.stringify(cmFile)}: ${reason}`));
    return { file: cmFile, docs: parseYamlAll(text, cmFile), index };
  });
}

// ---------------------------------------------------------------- services

function manifestSource(entry: ServiceEntryInput, i: number, file: string, files: ScenarioFiles, sets: readonly ManifestFileSet[]): ManifestSource {
  const at = (...segs: PathSegment[]): string => formatPath(['services', i, ...segs]);
  if (entry.manifest !== undefined && entry.manifestFile !== undefined) {
    throw new ScenarioError(file, at(), 'set either manifest or manifestFile, not both');
  }
  for (const k of ['manifestName', 'manifestNamespace'] as const) {
    if (entry[k] !== undefined && entry.manifestFile === undefined) throw new ScenarioError(file, at(k), 'only allowed with manifestFile');
  }
  if (entry.manifest !== undefined) {
    checkSchemaFields(entry.manifest, SERVICE_NODE, file, ['services', i, 'manifest'], []);
    return { manifest: entry.manifest, file, base: ['services', i, 'manifest'] };
  }
  if (entry.manifestFile === undefined) {
    throw new ScenarioError(file, at(), 'exactly one of manifest, manifestFile is required');
  }
  const mFile = files.resolve(file, entry.manifestFile);
  const text = readText(files, mFile, (reason) => new ScenarioError(file, at('manifestFile'), `cannot read ${JSON.stringify(mFile)}: ${reason}`));
  // The file's Services, also those of a List (what `kubectl get ksvc -o yaml` prints), with their paths in it.
  const found: Array<{ doc: Record<string, unknown>; base: PathSegment[]; document?: string }> = [];
  const docs = parseYamlAll(text, mFile);
  // In a file of several documents a path alone does not say which one, so errors name it (as in ConfigMap files).
  const several = docs.filter((d) => d !== null && d !== undefined).length > 1;
  docs.forEach((d, n) => {
    if (!isMapping(d)) return;
    const document = several ? { document: `document ${n + 1}` } : {};
    if (d['kind'] === 'Service') found.push({ doc: d, base: [], ...document });
    else if (d['kind'] === 'List' && Array.isArray(d['items'])) {
      d['items'].forEach((item: unknown, k: number) => {
        if (isMapping(item) && item['kind'] === 'Service') found.push({ doc: item, base: ['items', k], ...document });
      });
    } else if (d['kind'] === 'ServiceList' && Array.isArray(d['items'])) {
      // The API's own list (`kubectl get --raw …/services`) leaves kind and apiVersion out of its items.
      const implied = { apiVersion: d['apiVersion'], kind: 'Service' };
      d['items'].forEach((item: unknown, k: number) => {
        if (isMapping(item)) found.push({ doc: { ...implied, ...item }, base: ['items', k], ...document });
      });
    }
  });
  // A core v1 Service beside the Knative one (as in many manifest files) is skipped like any other kind;
  // a file of only other Services keeps them, so the error says what their apiVersion should be.
  const knative = found.filter((f) => typeof f.doc['apiVersion'] === 'string' && f.doc['apiVersion'].startsWith('serving.knative.dev/'));
  const candidates = knative.length > 0 ? knative : found;
  const nameOf = (d: Record<string, unknown>): string => {
    const md = d['metadata'];
    return isMapping(md) && typeof md['name'] === 'string' ? md['name'] : '';
  };
  // A Service without a namespace goes where kubectl's context points: `default` unless told otherwise.
  const namespaceOf = (d: Record<string, unknown>): string => {
    const md = d['metadata'];
    return isMapping(md) && typeof md['namespace'] === 'string' && md['namespace'] !== '' ? md['namespace'] : 'default';
  };
  // Knative allows one name in several namespaces (`kubectl get ksvc -A -o yaml`): say which is which then.
  const namespaces = new Set(candidates.map((f) => namespaceOf(f.doc)));
  const label = (d: Record<string, unknown>): string => (namespaces.size > 1 ? `${namespaceOf(d)}/${nameOf(d)}` : nameOf(d));
  const all = candidates.map((f) => f.doc);
  const inNamespace = entry.manifestNamespace === undefined ? all : all.filter((d) => namespaceOf(d) === entry.manifestNamespace);
  if (inNamespace.length === 0 && all.length > 0) {
    throw new ScenarioError(file, at('manifestNamespace'), `no Service in namespace ${JSON.stringify(entry.manifestNamespace)} in ${mFile} (found: ${all.map(label).join(', ')})`);
  }
  const services = entry.manifestName === undefined ? inNamespace : inNamespace.filter((d) => nameOf(d) === entry.manifestName);
  let chosen: Record<string, unknown> | undefined;
  if (entry.manifestName !== undefined && services.length === 0) {
    throw new ScenarioError(
      file,
      at('manifestName'),
      `no Service named ${JSON.stringify(entry.manifestName)}${entry.manifestNamespace === undefined ? '' : ` in namespace ${JSON.stringify(entry.manifestNamespace)}`} in ${mFile} (found: ${inNamespace.map(label).join(', ') || 'none'})`,
    );
  } else if (services.length === 1) {
    chosen = services[0];
  } else if (services.length === 0) {
    throw new ScenarioError(file, at('manifestFile'), `no document with kind: Service in ${mFile}`);
  } else if (entry.manifestName !== undefined) {
    throw new ScenarioError(
      file,
      at('manifestName'),
      `${mFile} holds several Services named ${JSON.stringify(entry.manifestName)} (${services.map(label).join(', ')}); pick one with manifestNamespace`,
    );
  } else {
    throw new ScenarioError(file, at('manifestFile'), `${mFile} holds several Services (${services.map(label).join(', ')}); pick one with manifestName`);
  }
  const { base, document } = candidates.find((f) => f.doc === chosen)!;
  const where = { file: mFile, base, ...(document !== undefined ? { document } : {}) };
  try {
    checkWrittenMetadata(chosen, mFile, base);
  } catch (e) {
    throw inDocument(e, where);
  }
  // `--set services[i].manifest...` overrides, now that there is a manifest to apply them to.
  let overridden: unknown = chosen;
  for (const o of sets) {
    overridden = setAt(overridden, o.path, o.value, (rule) => {
      throw new ScenarioError(file, `--set ${o.expr}`, rule);
    });
  }
  if (sets.length > 0) rejectProtoKeys(overridden, file, []);
  try {
    const manifest = parseWith(serviceManifestSchema, overridden, mFile, base);
    checkSchemaFields(overridden, SERVICE_NODE, mFile, base, []);
    return { manifest, ...where };
  } catch (e) {
    throw inDocument(blameManifestSet(e, sets, where, file, i), where);
  }
}

/** An error in a manifest from a file of several documents, its path prefixed with the document's (`document 2, spec…`). */
function inDocument(e: unknown, source: { file: string; document?: string }): unknown {
  if (source.document === undefined || !(e instanceof ScenarioError) || e.file !== source.file) return e;
  return new ScenarioError(e.file, e.path === '' ? source.document : `${source.document}, ${e.path}`, e.rule, e.within);
}

/** Warnings `from` on about that manifest's file, their paths prefixed as {@link inDocument} prefixes errors'. */
function warningsInDocument(warnings: string[], from: number, source: { file: string; document?: string }): void {
  if (source.document === undefined) return;
  const head = `${source.file}: `;
  for (let k = from; k < warnings.length; k++) {
    const w = warnings[k]!;
    if (w.startsWith(head)) warnings[k] = `${head}${source.document}, ${w.slice(head.length)}`;
  }
}

/**
 * An error in a manifest file at a path a `--set` wrote: the value is the flag's, not the
 * file's, so the error names the flag (and, when it is deeper than the flag's path, where in
 * `services[i].manifest`). Any other error is returned as it is.
 */
function blameManifestSet(e: unknown, sets: readonly ManifestFileSet[], source: { file: string; base: readonly PathSegment[] }, file: string, i: number): unknown {
  if (!(e instanceof ScenarioError) || e.file !== source.file) return e;
  // The last --set of a path is the one whose value stands.
  for (const o of [...sets].reverse()) {
    if (!isPathWithin(e.path, formatPath([...source.base, ...o.path]))) continue;
    const base = formatPath([...source.base]);
    const under = base === '' ? `.${e.path}` : e.path.slice(base.length);
    const inScenario = `${formatPath(['services', i, 'manifest'])}${under}`;
    const deeper = inScenario === formatPath(['services', i, 'manifest', ...o.path]) ? '' : `${inScenario}: `;
    return new ScenarioError(file, `--set ${o.expr}`, `${deeper}${e.rule}`);
  }
  return e;
}

// ---------------------------------------------------------------- clients

function parseTraceMode(v: string | undefined, file: string): RequestTraceMode {
  if (v === undefined || v === 'full') return { mode: 'full' };
  if (v === 'none') return { mode: 'none' };
  const m = /^sample=(.*)$/.exec(v);
  if (m !== null) {
    const text = m[1]!.trim();
    const rate = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
    if (rate > 0 && rate <= 1) return { mode: 'sample', rate };
    throw new ScenarioError(file, 'trace', `sample rate must be a fraction in (0, 1], got ${JSON.stringify(text)}`);
  }
  throw new ScenarioError(file, 'trace', `must be full, none or sample=<fraction in (0, 1]>, got ${JSON.stringify(v)}`);
}

function buildClient(
  c: ClientInput,
  i: number,
  s: ScenarioInput,
  file: string,
  files: ScenarioFiles,
  tagsByService: ReadonlyMap<string, ReadonlySet<string>>,
  seen: Map<string, number>,
  revisionNames: readonly string[],
  warnings: string[],
  traceBudget: TraceBudget,
): ClientSpec {
  const at = (...segs: PathSegment[]): string => formatPath(['clients', i, ...segs]);
  // A YAML escape can make a lone UTF-16 surrogate, which no output file (UTF-8) can hold.
  if (LONE_SURROGATE.test(c.name)) throw new ScenarioError(file, at('name'), 'must be valid Unicode: it holds a lone UTF-16 surrogate (an escape such as "\\uD800")');
  for (const key of ['name', 'randomStream'] as const) {
    const v = c[key];
    if (v !== undefined && v.length > MAX_CLIENT_NAME_LENGTH) {
      throw new ScenarioError(file, at(key), `is ${v.length} characters long, at most ${MAX_CLIENT_NAME_LENGTH}`);
    }
  }
  const prev = seen.get(c.name);
  if (prev !== undefined) throw new ScenarioError(file, at('name'), `duplicate client name ${JSON.stringify(c.name)} (also clients[${prev}])`);
  seen.set(c.name, i);

  const tags = tagsByService.get(c.service);
  if (tags === undefined) {
    throw new ScenarioError(file, at('service'), `no Service named ${JSON.stringify(c.service)} (services: ${[...tagsByService.keys()].join(', ')})`);
  }
  if (c.tag !== undefined && !tags.has(c.tag)) {
    throw new ScenarioError(
      file,
      at('tag'),
      `tag ${JSON.stringify(c.tag)} is not defined in any traffic block of Service ${JSON.stringify(c.service)} (tags: ${[...tags].join(', ') || 'none'})`,
    );
  }

  const kinds = (['open', 'closed', 'trace'] as const).filter((k) => c[k] !== undefined);
  if (kinds.length === 0) throw new ScenarioError(file, at(), 'exactly one of open, closed, trace is required');
  if (kinds.length > 1) throw new ScenarioError(file, at(kinds[1]!), `only one of open, closed, trace may be set (got ${kinds.join(', ')})`);

  if (c.start !== undefined && c.startWhen !== undefined) throw new ScenarioError(file, at('startWhen'), 'set either start or startWhen, not both');
  if (c.end !== undefined && c.for !== undefined) throw new ScenarioError(file, at('for'), 'set either end or for, not both');
  const startWhen = c.startWhen !== undefined ? startCondition(c.startWhen, file, at, revisionNames) : undefined;
  const startSeconds = c.start ?? 0;
  // A conditional client's `for` counts from when it actually starts; a fixed start's is folded into its end.
  const endSeconds = c.end ?? (c.for !== undefined && startWhen === undefined ? startSeconds + c.for : s.duration);
  if (c.end !== undefined && startWhen === undefined && !(c.end > startSeconds)) {
    throw new ScenarioError(file, at('end'), `must be after start (${startSeconds}s), got ${c.end}s`);
  }
  // The timeout runs from sending, so a shorter one would expire before the request reached the ingress.
  const ingressLatency = s.cluster?.ingressLatency ?? DEFAULT_CLUSTER.ingressLatencySeconds;
  if (c.timeout !== undefined && c.timeout < ingressLatency) {
    throw new ScenarioError(file, at('timeout'), `must be at least cluster.ingressLatency (${ingressLatency}s), got ${c.timeout}s`);
  }
  const base = {
    name: c.name,
    service: c.service,
    ...(c.tag !== undefined ? { tag: c.tag } : {}),
    ...(c.timeout !== undefined ? { timeoutSeconds: c.timeout } : {}),
    startSeconds,
    endSeconds,
    ...(startWhen !== undefined ? { startWhen } : {}),
    ...(startWhen !== undefined && c.for !== undefined ? { forSeconds: c.for } : {}),
    ...(c.randomStream !== undefined ? { randomStream: c.randomStream } : {}),
  };

  if (c.open !== undefined) {
    const o = c.open;
    if (o.rps !== undefined && o.rate !== undefined) throw new ScenarioError(file, at('open', 'rate'), 'set either rps or rate, not both');
    const rate = o.rate ?? (o.rps !== undefined ? { shape: 'constant' as const, rps: o.rps } : undefined);
    if (rate === undefined) throw new ScenarioError(file, at('open'), 'exactly one of rps, rate is required');
    return { kind: 'open', ...base, process: o.process ?? 'poisson', rate };
  }
  if (c.closed !== undefined) {
    return { kind: 'closed', ...base, users: c.closed.users, think: c.closed.think ?? { dist: 'constant', value: 0 }, qps: c.closed.qps };
  }

  const t = c.trace!;
  const format = t.format ?? 'simple';
  if (format !== 'azure2021') {
    if (t.app !== undefined) throw new ScenarioError(file, at('trace', 'app'), 'only allowed with format azure2021');
    if (t.func !== undefined) throw new ScenarioError(file, at('trace', 'func'), 'only allowed with format azure2021');
  }
  const tFile = files.resolve(file, t.file);
  const shaping = { format, timeScale: t.timeScale ?? 1, offsetSeconds: t.offset ?? 0, useDurations: t.useDurations ?? true };
  // Only what the client can send is held: from its start (a conditional start moves the times, so
  // then from any), before its end (a conditional one's `for` after it), and not after the run's,
  // which no start moves back.
  const window = {
    fromSeconds: startWhen === undefined ? startSeconds : Number.NEGATIVE_INFINITY,
    endSeconds: startWhen !== undefined && c.for !== undefined ? Math.min(endSeconds, c.for) : endSeconds,
    runSeconds: s.duration,
  };
  // The requests it may send, counted as the work estimate counts them.
  const sending = activeWindow({ startSeconds, endSeconds, ...(startWhen !== undefined ? { startWhen } : {}), ...(startWhen !== undefined && c.for !== undefined ? { forSeconds: c.for } : {}) }, s.duration);
  const left = traceBudget.limit - traceBudget.held;
  const limit = {
    arrivals: left,
    fromSeconds: sending.from,
    toSeconds: sending.to,
    exceeded: (): never => {
      throw new ScenarioError(file, at('trace', 'file'), tooManyTraceArrivals(left, traceBudget.held, sending.seconds, traceBudget.limit));
    },
  };
  const read = (collector: TraceCollector): void => {
    // Streamed from the file by the reader: a trace of hundreds of megabytes is never held as text.
    let failed;
    try {
      failed = files.readTrace(tFile, format, { app: t.app, func: t.func }, collector);
    } catch (e) {
      // A bad line names the trace file and the line, and the field of the scenario that named the file.
      if (e instanceof ScenarioError && e.file === tFile) throw ScenarioError.within(file, at('trace', 'file'), e);
      throw e;
    }
    if (failed !== undefined) throw new ScenarioError(file, at('trace', 'file'), `cannot read ${JSON.stringify(tFile)}: ${failed.error}`);
  };
  const collector = new TraceCollector(shaping, window, limit);
  read(collector);
  const origin = collector.rereadFrom();
  let data = collector.finish();
  if (origin !== undefined) {
    // An azure2021 window held more than the limit before its earliest invocation was known: read
    // again from it, so that times are fixed as they are read and the count stops at the limit.
    if (files.readsOnce?.(tFile) === true) {
      throw new ScenarioError(
        file,
        at('trace', 'file'),
        `${tFile} is a pipe, read once: an azure2021 window past the request limit (${fmtAmount(left)}) is read again from its earliest invocation; save the trace to a file or raise --max-requests`,
      );
    }
    const again = new TraceCollector(shaping, window, limit, origin);
    read(again);
    const second = again.finish();
    if (second.count !== data.count || second.first !== data.first || second.last !== data.last) {
      throw new ScenarioError(file, at('trace', 'file'), `${tFile} changed while knsim read it (a window of more than the request limit is read twice): read it once it is complete`);
    }
    data = second;
  }
  let kept = 0;
  for (const a of data.arrivals) if (a >= sending.from && a < sending.to) kept++;
  if (kept > left) limit.exceeded();
  traceBudget.held += kept;
  if (data.count === 0) {
    const filtered = t.app !== undefined || t.func !== undefined;
    throw new ScenarioError(
      file,
      at('trace', filtered ? (t.app !== undefined ? 'app' : 'func') : 'file'),
      filtered ? `no invocations in ${tFile} match the app/func filter` : `${tFile} holds no arrivals`,
    );
  }
  // Times too far apart (or too far scaled) overflow the clock.
  const last = data.last;
  if (!Number.isFinite(last)) {
    throw new ScenarioError(file, at('trace', 'file'), `its arrivals span more than a finite time once shifted and scaled (offset ${t.offset ?? 0} s, timeScale ${t.timeScale ?? 1}): the last is ${last}`);
  }
  // A trace whose times miss the run (Unix timestamps, milliseconds, a late offset) would replay nothing, silently.
  if (startWhen === undefined) {
    const until = Math.min(endSeconds, s.duration);
    // Sorted, and none before the start: the first is the earliest the client sends.
    if (data.arrivals.length === 0 || data.arrivals[0]! >= until) {
      const n = data.count;
      // 12 digits: scaling leaves float noise (16000.000000000002) that would only distract.
      const t = (x: number): number => Number(x.toPrecision(12));
      warnings.push(
        `${file}: ${at('trace', 'file')}: none of its ${n} arrival${n === 1 ? '' : 's'} (${t(data.first)} s to ${t(last)} s once shifted and scaled) falls in the client's sending window [${startSeconds} s, ${until} s): it sends no request`,
      );
    }
  }
  return { kind: 'trace', ...base, arrivals: data.arrivals, durations: data.durations };
}

/** A client's `startWhen`: one condition on a revision the scenario creates. */
function startCondition(w: StartWhenInput, file: string, at: (...segs: PathSegment[]) => string, revisionNames: readonly string[]): StartCondition {
  if (!revisionNames.includes(w.revision)) {
    const some = revisionNames.slice(0, 5).join(', ') + (revisionNames.length > 5 ? ', …' : '');
    throw new ScenarioError(file, at('startWhen', 'revision'), `no revision named ${JSON.stringify(w.revision)} in the scenario (revisions: ${some})`);
  }
  const kinds = (['readyPods', 'sksMode', 'scaledToZero'] as const).filter((k) => w[k] !== undefined);
  if (kinds.length === 0) throw new ScenarioError(file, at('startWhen'), 'exactly one of readyPods, sksMode, scaledToZero is required');
  if (kinds.length > 1) throw new ScenarioError(file, at('startWhen', kinds[1]!), `only one of readyPods, sksMode, scaledToZero may be set (got ${kinds.join(', ')})`);
  const when: StartCondition['when'] =
    w.readyPods !== undefined ? { kind: 'readyPods', atLeast: w.readyPods }
    : w.sksMode !== undefined ? { kind: 'sksMode', mode: w.sksMode }
    : { kind: 'scaledToZero' };
  return { revision: w.revision, when, delaySeconds: w.delay ?? 0 };
}
