/**
 * Knative objects the controller reads: Revisions (annotations, containerConcurrency,
 * class), their PodAutoscalers (reachability, what Knative's autoscaler decided) and the
 * `config-autoscaler` ConfigMap; and how a revision's settings are resolved with core.
 */
import {
  AUTOSCALING_ANNOTATION_KEYS,
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  deploymentDeadlineProblem,
  InvalidArgumentError,
  KPA_CLASS,
  PROGRESS_DEADLINE_ANNOTATION,
  parseAutoscalerConfig,
  parseClusterDeploymentConfig,
  resolveRevisionAutoscaling,
  type AutoscalerConfig,
  type FieldError,
  type RevisionAutoscaling,
} from '../core/autoscaler/index.js';
import { byName, customObjectsPath, getCustomObject, listCustomItems, parseItems, type CustomKind } from './custom-objects.js';
import { AUTOSCALING_INTERNAL_GROUP, AUTOSCALING_INTERNAL_VERSION, callOptions, isNotFound, SERVING_GROUP, SERVING_VERSION, type KubeClients } from './kube.js';
import type { CheckedList } from './response-shape.js';
import { parseConditions, type KnativeCondition } from './conditions.js';

/**
 * The autoscaler class that hands a revision to knsim's controller. Knative's KPA and HPA
 * reconcilers only take their own classes, so they leave such revisions alone. It must not
 * end in `.knative.dev` (Knative's webhook rejects unknown classes there).
 */
export const KNSIM_CLASS = 'kpa.knsim.dev';

/** The class annotation key. */
export const CLASS_ANNOTATION = AUTOSCALING_ANNOTATION_KEYS.class[0];

export interface RevisionObject {
  namespace: string;
  name: string;
  annotations: Record<string, string>;
  containerConcurrency: number;
  /** The autoscaler class annotation, else ''. */
  autoscalerClass: string;
  /** metadata.creationTimestamp in epoch seconds, if known. */
  createdSeconds: number | undefined;
  serviceName: string;
  configurationName: string;
  generation: number;
  /** Ready condition True. */
  ready: boolean;
}

interface Meta {
  name?: unknown;
  namespace?: unknown;
  annotations?: unknown;
  labels?: unknown;
  creationTimestamp?: unknown;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (typeof x === 'string') out[k] = x;
  }
  return out;
}

function conditionTrue(status: unknown, type: string): boolean {
  const conds = (status as { conditions?: unknown } | undefined)?.conditions;
  if (!Array.isArray(conds)) return false;
  return conds.some((c: { type?: unknown; status?: unknown }) => c?.type === type && c?.status === 'True');
}

/** A Revision object from the API, or undefined if it lacks a name. */
export function parseRevision(obj: unknown, fallbackNamespace: string): RevisionObject | undefined {
  const o = obj as { metadata?: Meta; spec?: { containerConcurrency?: unknown }; status?: unknown } | undefined;
  const m = o?.metadata;
  if (!m || typeof m.name !== 'string') return undefined;
  const annotations = stringMap(m.annotations);
  const labels = stringMap(m.labels);
  const cc = o?.spec?.containerConcurrency;
  const created = typeof m.creationTimestamp === 'string' ? Date.parse(m.creationTimestamp) / 1000 : undefined;
  return {
    namespace: typeof m.namespace === 'string' ? m.namespace : fallbackNamespace,
    name: m.name,
    annotations,
    containerConcurrency: typeof cc === 'number' && Number.isInteger(cc) && cc >= 0 ? cc : 0,
    autoscalerClass: annotations[CLASS_ANNOTATION] ?? '',
    createdSeconds: created !== undefined && Number.isFinite(created) ? created : undefined,
    serviceName: labels['serving.knative.dev/service'] ?? '',
    configurationName: labels['serving.knative.dev/configuration'] ?? '',
    generation: Number(labels['serving.knative.dev/configurationGeneration'] ?? 0) || 0,
    ready: conditionTrue(o?.status, 'Ready'),
  };
}

/** Revisions as the controller reads them. */
export const REVISIONS: CustomKind<RevisionObject> = { group: SERVING_GROUP, version: SERVING_VERSION, plural: 'revisions', listKind: 'RevisionList', parse: parseRevision };

export async function listRevisions(kube: KubeClients, namespace: string, labelSelector?: string): Promise<RevisionObject[]> {
  return parseItems(REVISIONS, (await listCustomItems(kube, REVISIONS, namespace, labelSelector)).items, namespace);
}

/** A PodAutoscaler's status as the adapter reads and writes it. */
export interface PodAutoscalerStatus {
  observedGeneration: number | undefined;
  serviceName: string;
  metricsServiceName: string;
  desiredScale: number | undefined;
  actualScale: number | undefined;
  conditions: KnativeCondition[];
}

/** What the controller reads from a PodAutoscaler. */
export interface PodAutoscalerObject {
  name: string;
  namespace: string;
  uid: string;
  generation: number;
  resourceVersion: string | undefined;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** spec.reachability ≠ Unreachable. */
  reachable: boolean;
  /** spec.scaleTargetRef.name (the Deployment), if set. */
  scaleTargetName: string | undefined;
  /** spec.scaleTargetRef (apps/v1 Deployment unless it says otherwise). */
  scaleTargetRef: { apiVersion: string; kind: string; name: string };
  /** spec.protocolType (http1 unless set). */
  protocolType: string;
  /** status.desiredScale: what Knative's autoscaler decided; undefined if unset. */
  desiredScale: number | undefined;
  /** status.actualScale. */
  actualScale: number | undefined;
  status: PodAutoscalerStatus;
}

export function parsePodAutoscaler(obj: unknown, fallbackNamespace = ''): PodAutoscalerObject | undefined {
  const o = obj as
    | {
        metadata?: Meta & { uid?: unknown; generation?: unknown; resourceVersion?: unknown };
        spec?: { reachability?: unknown; protocolType?: unknown; scaleTargetRef?: { apiVersion?: unknown; kind?: unknown; name?: unknown } };
        status?: { desiredScale?: unknown; actualScale?: unknown; observedGeneration?: unknown; serviceName?: unknown; metricsServiceName?: unknown };
      }
    | undefined;
  const m = o?.metadata;
  const name = m?.name;
  if (typeof name !== 'string') return undefined;
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const text = (v: unknown, dflt: string): string => (typeof v === 'string' && v !== '' ? v : dflt);
  const ref = o?.spec?.scaleTargetRef;
  const target = ref?.name;
  const status = o?.status;
  return {
    name,
    namespace: text(m?.namespace, fallbackNamespace),
    uid: text(m?.uid, ''),
    generation: num(m?.generation) ?? 0,
    resourceVersion: typeof m?.resourceVersion === 'string' ? m.resourceVersion : undefined,
    labels: stringMap(m?.labels),
    annotations: stringMap(m?.annotations),
    reachable: o?.spec?.reachability !== 'Unreachable',
    scaleTargetName: typeof target === 'string' && target !== '' ? target : undefined,
    scaleTargetRef: { apiVersion: text(ref?.apiVersion, 'apps/v1'), kind: text(ref?.kind, 'Deployment'), name: text(target, `${name}-deployment`) },
    protocolType: text(o?.spec?.protocolType, 'http1'),
    desiredScale: num(status?.desiredScale),
    actualScale: num(status?.actualScale),
    status: {
      observedGeneration: num(status?.observedGeneration),
      serviceName: text(status?.serviceName, ''),
      metricsServiceName: text(status?.metricsServiceName, ''),
      desiredScale: num(status?.desiredScale),
      actualScale: num(status?.actualScale),
      conditions: parseConditions(status),
    },
  };
}

/** PodAutoscalers as the controller reads them (named as their revisions). */
export const POD_AUTOSCALERS: CustomKind<PodAutoscalerObject> = {
  group: AUTOSCALING_INTERNAL_GROUP,
  version: AUTOSCALING_INTERNAL_VERSION,
  plural: 'podautoscalers',
  listKind: 'PodAutoscalerList',
  parse: parsePodAutoscaler,
};

/** The API path of a namespace's PodAutoscalers (lists and watches). */
export const podAutoscalersPath = (namespace: string): string => customObjectsPath(POD_AUTOSCALERS, namespace);

/** The namespace's PodAutoscalers as the API returns them, checked to be a list. */
export const listPodAutoscalerItems = (kube: KubeClients, namespace: string): Promise<CheckedList> => listCustomItems(kube, POD_AUTOSCALERS, namespace);

/** PodAutoscalers by name. */
export const podAutoscalersByName = (items: readonly unknown[], namespace: string): Map<string, PodAutoscalerObject> => byName(POD_AUTOSCALERS, items, namespace);

/** The namespace's PodAutoscalers by name (= revision name). */
export async function listPodAutoscalers(kube: KubeClients, namespace: string): Promise<Map<string, PodAutoscalerObject>> {
  return podAutoscalersByName((await listPodAutoscalerItems(kube, namespace)).items, namespace);
}

/** One PodAutoscaler, read fresh (after a conflict); undefined if it does not exist. */
export const getPodAutoscaler = (kube: KubeClients, namespace: string, name: string): Promise<PodAutoscalerObject | undefined> =>
  getCustomObject(kube, POD_AUTOSCALERS, namespace, name);

/** The Deployment Knative creates for a revision (resourcenames.Deployment). */
export function deploymentName(revision: string, pa?: PodAutoscalerObject): string {
  return pa?.scaleTargetName ?? `${revision}-deployment`;
}

/**
 * Reads `config-autoscaler` from Knative's namespace and applies `overrides` (ConfigMap
 * keys, e.g. `stable-window: 30s`) on top. A missing ConfigMap gives Knative's defaults.
 * @throws AutoscalerConfigError for invalid values (the cluster's or the overrides').
 */
export async function loadAutoscalerConfig(
  kube: KubeClients,
  knativeNamespace: string,
  overrides: Readonly<Record<string, string>>,
): Promise<LoadedAutoscalerConfig> {
  const { data, found, resourceVersion } = await readKnativeConfigMap(kube, knativeNamespace, 'config-autoscaler');
  return { config: parseAutoscalerConfig({ ...data, ...overrides }), found, data, ...(resourceVersion !== undefined ? { resourceVersion } : {}) };
}

/**
 * config-autoscaler as a watch event or list item has it, parsed with `overrides` on top as
 * {@link loadAutoscalerConfig} does. @throws AutoscalerConfigError for invalid values.
 */
export function autoscalerConfigOf(configMap: unknown, overrides: Readonly<Record<string, string>>): LoadedAutoscalerConfig {
  const { data, resourceVersion } = configMapData(configMap);
  return { config: parseAutoscalerConfig({ ...data, ...overrides }), found: true, data, ...(resourceVersion !== undefined ? { resourceVersion } : {}) };
}

/** A watched ConfigMap's string data and resourceVersion. */
function configMapData(configMap: unknown): { data: Record<string, string>; resourceVersion: string | undefined } {
  const cm = (configMap ?? {}) as { data?: unknown; metadata?: { resourceVersion?: unknown } };
  // The API server stores only string values; anything else is not a key Knative reads.
  const raw = cm.data !== null && typeof cm.data === 'object' ? Object.entries(cm.data as Record<string, unknown>) : [];
  const data = Object.fromEntries(raw.filter((e): e is [string, string] => typeof e[1] === 'string'));
  const resourceVersion = typeof cm.metadata?.resourceVersion === 'string' ? cm.metadata.resourceVersion : undefined;
  return { data, resourceVersion };
}

/**
 * config-autoscaler as read: parsed (with the overrides), whether it exists, its data as
 * stored and its resourceVersion (if known; any write of it, or a re-create, gives a new one).
 */
export interface LoadedAutoscalerConfig {
  config: AutoscalerConfig;
  found: boolean;
  data?: Readonly<Record<string, string>>;
  resourceVersion?: string;
}

/** A ConfigMap's data as one string, the same whatever order its keys come in. */
export function configDataKey(data: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * config-deployment as the controller uses it: its progress deadline (seconds; Knative's 600
 * when unset or when the ConfigMap is missing), whether it exists, and its resourceVersion.
 */
export interface LoadedDeploymentConfig {
  progressDeadlineSeconds: number;
  found: boolean;
  resourceVersion?: string;
}

/**
 * Reads `config-deployment` from Knative's namespace; a missing ConfigMap gives Knative's 600 s.
 * @throws FieldError for a ConfigMap Knative refuses (any key it parses, see core's
 *   parseClusterDeploymentConfig), or a progress deadline Kubernetes would refuse.
 */
export async function loadDeploymentConfig(kube: KubeClients, knativeNamespace: string): Promise<LoadedDeploymentConfig> {
  const { data, found, resourceVersion } = await readKnativeConfigMap(kube, knativeNamespace, 'config-deployment');
  // A missing ConfigMap is no ConfigMap Knative refuses: nothing changes (see Controller.syncDeploymentConfig).
  if (!found) return { progressDeadlineSeconds: DEFAULT_PROGRESS_DEADLINE_SECONDS, found };
  return { progressDeadlineSeconds: parseClusterDeploymentConfig(data), found, ...(resourceVersion !== undefined ? { resourceVersion } : {}) };
}

/** config-deployment as a watch event or list item has it (see {@link loadDeploymentConfig}). @throws FieldError */
export function deploymentConfigOf(configMap: unknown): LoadedDeploymentConfig {
  const { data, resourceVersion } = configMapData(configMap);
  return { progressDeadlineSeconds: parseClusterDeploymentConfig(data), found: true, ...(resourceVersion !== undefined ? { resourceVersion } : {}) };
}

/**
 * A refused config-deployment in one line: the ConfigMap (`where`), the key and the rule
 * (the key is not repeated when the rule starts with it, as upstream's own messages do).
 */
export function deploymentConfigErrorLine(where: string, e: FieldError): string {
  const seg = e.first.paths[0]?.[1];
  const k = typeof seg === 'object' && seg !== null && 'key' in seg ? String(seg.key) : undefined;
  const rule = e.first.message;
  // A rule that names its key already (`unsupported default-affinity-type value: …`) is not prefixed with it again.
  return k === undefined || rule.split(' ').includes(k) ? `${where}: ${rule}` : `${where}: ${k}: ${rule}`;
}

/** A ConfigMap's data in Knative's namespace; a missing one is empty (Knative's defaults apply), `found` false. */
async function readKnativeConfigMap(
  kube: KubeClients,
  knativeNamespace: string,
  name: string,
): Promise<{ data: Record<string, string>; found: boolean; resourceVersion?: string | undefined }> {
  try {
    const cm = await kube.core.readNamespacedConfigMap({ name, namespace: knativeNamespace }, callOptions(kube));
    return { data: { ...(cm.data ?? {}) }, found: true, resourceVersion: cm.metadata?.resourceVersion };
  } catch (e) {
    if (!isNotFound(e)) throw e;
    return { data: {}, found: false };
  }
}

/**
 * A revision's autoscaling settings for the adapter, resolved by core exactly as for the
 * KPA: the knsim class (or any class) is read as the KPA class, since the decision logic
 * is the KPA's. Unreachable revisions lose min-scale. Without `allowScaleToZero` the
 * adapter never scales to zero: it receives no activator stats, so it could not see
 * requests waiting for a revision at zero. A user class (`userClass`, loaded by
 * `knsim controller --autoscaler-class`) reads the KPA's settings too, as in the simulator;
 * only the class name is put back, so its loop runs that class. `progressDeadlineSeconds` is
 * config-deployment's (600 s unless given); the revision's annotation overrides it.
 * @throws AnnotationError / InvalidArgumentError for invalid annotations, and for a progress-deadline
 *   annotation Kubernetes refuses on the revision's Deployment (0s, empty, past int32 seconds).
 */
export function adapterAutoscaling(
  config: AutoscalerConfig,
  rev: Pick<RevisionObject, 'annotations' | 'containerConcurrency'>,
  opts: { reachable: boolean; allowScaleToZero: boolean; userClass?: string | undefined; progressDeadlineSeconds?: number | undefined },
): RevisionAutoscaling {
  // Knative's reconciler cannot create the Deployment of such a revision, so it never runs: not one to manage.
  const deadline = deploymentDeadlineProblem(rev.annotations);
  if (deadline !== undefined) throw new InvalidArgumentError(`annotations[${JSON.stringify(PROGRESS_DEADLINE_ANNOTATION)}]`, deadline);
  const annotations = { ...rev.annotations, [CLASS_ANNOTATION]: KPA_CLASS };
  const a = resolveRevisionAutoscaling(
    { ...config, podAutoscalerClass: KPA_CLASS },
    {
      annotations,
      containerConcurrency: rev.containerConcurrency,
      reachable: opts.reachable,
      ...(opts.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: opts.progressDeadlineSeconds } : {}),
    },
  );
  const named = opts.userClass === undefined ? a : { ...a, class: opts.userClass };
  return opts.allowScaleToZero ? named : { ...named, enableScaleToZero: false };
}
