/**
 * ServerlessServices (`networking.internal.knative.dev/v1alpha1`), the object through which
 * a PodAutoscaler's class reconciler tells Knative's networking whether the revision's
 * public endpoints are its pods (Serve) or activators (Proxy), and how many activators.
 * One per PodAutoscaler, with the PA's name, owned by it (controller reference). Its status
 * (written by Knative's SKS reconciler) names the public and private Services and says
 * whether endpoints are ready and whether activators back the revision.
 */
import type { SksMode } from '../core/autoscaler/index.js';
import { findCondition, parseConditions, parseTime, READY, type KnativeCondition } from './conditions.js';
import { AUTOSCALING_INTERNAL_GROUP, callOptions, NETWORKING_INTERNAL_GROUP, NETWORKING_INTERNAL_VERSION, type KubeClients } from './kube.js';
import type { CheckedList } from './response-shape.js';
import { byName, coords, customObjectsPath, getCustomObject, listCustomItems, type CustomKind } from './custom-objects.js';
import type { PodAutoscalerObject } from './revisions.js';

export const SKS_API_VERSION = `${NETWORKING_INTERNAL_GROUP}/${NETWORKING_INTERNAL_VERSION}`;
export const SKS_KIND = 'ServerlessService';
const PLURAL = 'serverlessservices';
/** SKS status condition: activators back the revision (ProxyFor counts from its transition). */
export const ACTIVATOR_ENDPOINTS_POPULATED = 'ActivatorEndpointsPopulated';
/** The only PodAutoscaler annotation an SKS carries over. */
const METRIC_ANNOTATION = 'autoscaling.knative.dev/metric';

export interface SksSpec {
  mode: SksMode;
  numActivators: number;
  objectRef: { apiVersion: string; kind: string; name: string };
  protocolType: string;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
}

export interface ServerlessServiceObject {
  name: string;
  namespace: string;
  generation: number;
  resourceVersion: string | undefined;
  ownerReferences: OwnerReference[];
  /** The spec as stored (mode undefined when absent or not Serve/Proxy). */
  spec: { mode: SksMode | undefined; numActivators: number; objectRef: { apiVersion: string; kind: string; name: string }; protocolType: string };
  status: {
    observedGeneration: number | undefined;
    serviceName: string;
    privateServiceName: string;
    conditions: KnativeCondition[];
  };
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function parseServerlessService(obj: unknown, fallbackNamespace = ''): ServerlessServiceObject | undefined {
  const o = obj as
    | {
        metadata?: { name?: unknown; namespace?: unknown; generation?: unknown; resourceVersion?: unknown; ownerReferences?: unknown };
        spec?: { mode?: unknown; numActivators?: unknown; objectRef?: { apiVersion?: unknown; kind?: unknown; name?: unknown }; protocolType?: unknown };
        status?: { observedGeneration?: unknown; serviceName?: unknown; privateServiceName?: unknown };
      }
    | undefined;
  const m = o?.metadata;
  if (!m || typeof m.name !== 'string') return undefined;
  const owners: OwnerReference[] = [];
  if (Array.isArray(m.ownerReferences)) {
    for (const r of m.ownerReferences as Array<Record<string, unknown> | null>) {
      if (!r) continue;
      owners.push({ apiVersion: text(r.apiVersion), kind: text(r.kind), name: text(r.name), uid: text(r.uid), controller: r.controller === true });
    }
  }
  const mode = o?.spec?.mode;
  const ref = o?.spec?.objectRef;
  return {
    name: m.name,
    namespace: typeof m.namespace === 'string' ? m.namespace : fallbackNamespace,
    generation: num(m.generation) ?? 0,
    resourceVersion: typeof m.resourceVersion === 'string' ? m.resourceVersion : undefined,
    ownerReferences: owners,
    spec: {
      mode: mode === 'Serve' || mode === 'Proxy' ? mode : undefined,
      numActivators: num(o?.spec?.numActivators) ?? 0,
      objectRef: { apiVersion: text(ref?.apiVersion), kind: text(ref?.kind), name: text(ref?.name) },
      protocolType: text(o?.spec?.protocolType),
    },
    status: {
      observedGeneration: num(o?.status?.observedGeneration),
      serviceName: text(o?.status?.serviceName),
      privateServiceName: text(o?.status?.privateServiceName),
      conditions: parseConditions(o?.status),
    },
  };
}

/** Whether `pa` is the SKS's controller (by UID, as Kubernetes' IsControlledBy). */
export function controlledBy(sks: ServerlessServiceObject, pa: PodAutoscalerObject): boolean {
  return sks.ownerReferences.some((r) => r.controller && r.uid === pa.uid && pa.uid !== '');
}

/**
 * The name of the PodAutoscaler in the SKS's controller reference, if that is what controls it
 * (the group and kind, as knative.dev/pkg's FilterController compares them); else undefined.
 */
export function controllingPodAutoscaler(sks: ServerlessServiceObject): string | undefined {
  const ref = sks.ownerReferences.find((r) => r.controller);
  if (ref === undefined || ref.kind !== 'PodAutoscaler' || ref.apiVersion.split('/')[0] !== AUTOSCALING_INTERNAL_GROUP) return undefined;
  return ref.name;
}

/** Ready and reporting on its current spec. */
export function sksReady(sks: ServerlessServiceObject): boolean {
  return sks.status.observedGeneration === sks.generation && findCondition(sks.status.conditions, READY)?.status === 'True';
}

/** The message of a not-ready SKS's Ready condition ('' if none). */
export function sksNotReadyMessage(sks: ServerlessServiceObject): string {
  return findCondition(sks.status.conditions, READY)?.message ?? '';
}

/** Whether activators back the revision (ActivatorEndpointsPopulated True). */
export function activatorEndpointsPopulated(sks: ServerlessServiceObject): boolean {
  return findCondition(sks.status.conditions, ACTIVATOR_ENDPOINTS_POPULATED)?.status === 'True';
}

/**
 * When ActivatorEndpointsPopulated turned True (epoch seconds, never after `nowSeconds`:
 * another component's clock may run ahead), or undefined while it is not True.
 */
export function activatorEndpointsPopulatedSince(sks: ServerlessServiceObject, nowSeconds: number): number | undefined {
  const c = findCondition(sks.status.conditions, ACTIVATOR_ENDPOINTS_POPULATED);
  if (c?.status !== 'True') return undefined;
  return Math.min(nowSeconds, parseTime(c.lastTransitionTime) ?? nowSeconds);
}

/** The SKS spec a PodAutoscaler asks for. */
export function desiredSksSpec(pa: PodAutoscalerObject, mode: SksMode, numActivators: number): SksSpec {
  return { mode, numActivators, objectRef: { ...pa.scaleTargetRef }, protocolType: pa.protocolType };
}

export function specMatches(sks: ServerlessServiceObject, want: SksSpec): boolean {
  const s = sks.spec;
  return (
    s.mode === want.mode &&
    s.numActivators === want.numActivators &&
    s.protocolType === want.protocolType &&
    s.objectRef.apiVersion === want.objectRef.apiVersion &&
    s.objectRef.kind === want.objectRef.kind &&
    s.objectRef.name === want.objectRef.name
  );
}

/** The SKS to create for `pa`: its name and namespace, its labels, its metric annotation, owned by it. */
export function makeServerlessService(pa: PodAutoscalerObject, spec: SksSpec): Record<string, unknown> {
  const annotations: Record<string, string> = {};
  const metric = pa.annotations[METRIC_ANNOTATION];
  if (metric !== undefined) annotations[METRIC_ANNOTATION] = metric;
  return {
    apiVersion: SKS_API_VERSION,
    kind: SKS_KIND,
    metadata: {
      name: pa.name,
      namespace: pa.namespace,
      labels: { ...pa.labels },
      annotations,
      ownerReferences: [
        { apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler', name: pa.name, uid: pa.uid, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: { ...spec, objectRef: { ...spec.objectRef } },
  };
}

/** ServerlessServices as the controller reads them. */
export const SERVERLESS_SERVICES: CustomKind<ServerlessServiceObject> = {
  group: NETWORKING_INTERNAL_GROUP,
  version: NETWORKING_INTERNAL_VERSION,
  plural: PLURAL,
  listKind: 'ServerlessServiceList',
  parse: parseServerlessService,
};

/** The API path of a namespace's ServerlessServices (lists and watches). */
export const serverlessServicesPath = (namespace: string): string => customObjectsPath(SERVERLESS_SERVICES, namespace);

/** The namespace's ServerlessServices as the API returns them, checked to be a list. */
export const listServerlessServiceItems = (kube: KubeClients, namespace: string): Promise<CheckedList> => listCustomItems(kube, SERVERLESS_SERVICES, namespace);

/** ServerlessServices by name. */
export const serverlessServicesByName = (items: readonly unknown[], namespace: string): Map<string, ServerlessServiceObject> =>
  byName(SERVERLESS_SERVICES, items, namespace);

/** The namespace's ServerlessServices by name. */
export async function listServerlessServices(kube: KubeClients, namespace: string): Promise<Map<string, ServerlessServiceObject>> {
  return serverlessServicesByName((await listServerlessServiceItems(kube, namespace)).items, namespace);
}

/** One SKS, or null if it does not exist. */
export async function getServerlessService(kube: KubeClients, namespace: string, name: string): Promise<ServerlessServiceObject | null> {
  return (await getCustomObject(kube, SERVERLESS_SERVICES, namespace, name)) ?? null;
}

export async function createServerlessService(kube: KubeClients, namespace: string, body: Record<string, unknown>): Promise<ServerlessServiceObject | undefined> {
  const obj: unknown = await kube.custom.createNamespacedCustomObject({ ...coords(SERVERLESS_SERVICES, namespace), body }, callOptions(kube));
  return parseServerlessService(obj, namespace);
}

/** Merge-patches the spec, guarded by the resourceVersion read (409 if it changed since). */
export async function patchServerlessServiceSpec(
  kube: KubeClients,
  sks: ServerlessServiceObject,
  spec: SksSpec,
): Promise<ServerlessServiceObject | undefined> {
  const body = { metadata: sks.resourceVersion !== undefined ? { resourceVersion: sks.resourceVersion } : {}, spec };
  const obj: unknown = await kube.custom.patchNamespacedCustomObject({ ...coords(SERVERLESS_SERVICES, sks.namespace), name: sks.name, body }, callOptions(kube, 'merge'));
  return parseServerlessService(obj, sks.namespace);
}
