/**
 * A revision's pods as the autoscaler sees them (upstream `pkg/resources/pods.go`): one
 * list per namespace, grouped by the `serving.knative.dev/revision` label, and counted
 * by state. Ready = Running, not being deleted, condition Ready True.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { callOptions, type KubeClients } from './kube.js';
import { checkList, type CheckedList } from './response-shape.js';

/** The label Knative puts on every pod of a revision. */
export const REVISION_LABEL = 'serving.knative.dev/revision';

export interface PodInfo {
  name: string;
  namespace: string;
  revision: string;
  phase: string;
  /** status.podIP ('' until assigned). */
  ip: string;
  ready: boolean;
  terminating: boolean;
  /** status.startTime in epoch seconds; undefined until the kubelet has started the pod. */
  startTimeSeconds: number | undefined;
  /** metadata.resourceVersion: another one is another version of the pod (an update). */
  resourceVersion: string;
}

/** Pod counts by the states the KPA distinguishes (PodCountsByState). */
export interface PodCounts {
  ready: number;
  notReady: number;
  pending: number;
  terminating: number;
}

function toSeconds(t: unknown): number | undefined {
  if (t instanceof Date) return t.getTime() / 1000;
  if (typeof t === 'string') {
    const ms = Date.parse(t);
    return Number.isFinite(ms) ? ms / 1000 : undefined;
  }
  return undefined;
}

/** The adapter's view of one pod, or undefined if it carries no revision label. */
export function podInfo(p: V1Pod): PodInfo | undefined {
  const revision = p.metadata?.labels?.[REVISION_LABEL];
  if (!revision) return undefined;
  const phase = p.status?.phase ?? '';
  const readyCond = p.status?.conditions?.find((c) => c.type === 'Ready');
  return {
    name: p.metadata?.name ?? '',
    namespace: p.metadata?.namespace ?? '',
    revision,
    phase,
    ip: p.status?.podIP ?? '',
    ready: readyCond?.status === 'True',
    terminating: p.metadata?.deletionTimestamp != null,
    startTimeSeconds: toSeconds(p.status?.startTime),
    resourceVersion: p.metadata?.resourceVersion ?? '',
  };
}

/** Counts as upstream: Pending → pending and not ready; Running → terminating, ready or not ready; others ignored. */
export function podCounts(pods: readonly PodInfo[]): PodCounts {
  const c: PodCounts = { ready: 0, notReady: 0, pending: 0, terminating: 0 };
  for (const p of pods) {
    if (p.phase === 'Pending') {
      c.pending++;
      c.notReady++;
    } else if (p.phase === 'Running') {
      if (p.terminating) {
        c.terminating++;
        c.notReady++;
      } else if (p.ready) c.ready++;
      else c.notReady++;
    }
  }
  return c;
}

/** The pods the scraper may ask: running, not terminating, ready, with an IP. */
export function scrapeablePods(pods: readonly PodInfo[]): PodInfo[] {
  return pods.filter((p) => p.phase === 'Running' && !p.terminating && p.ready && p.ip !== '');
}

/** The API path of a namespace's pods (lists and watches). */
export const podsPath = (namespace: string): string => `/api/v1/namespaces/${namespace}/pods`;

/** Lists every revision pod of a namespace (one API call), checked to be a list. */
export async function listRevisionPodItems(kube: KubeClients, namespace: string): Promise<CheckedList> {
  const list: unknown = await kube.core.listNamespacedPod({ namespace, labelSelector: REVISION_LABEL }, callOptions(kube));
  return checkList(list, podsPath(namespace), 'PodList');
}

/** Pods grouped by revision name (pods without the revision label are left out). */
export function groupByRevision(items: readonly unknown[]): Map<string, PodInfo[]> {
  const byRevision = new Map<string, PodInfo[]>();
  for (const item of items) {
    const info = podInfo(item as V1Pod);
    if (!info) continue;
    const arr = byRevision.get(info.revision);
    if (arr) arr.push(info);
    else byRevision.set(info.revision, [info]);
  }
  return byRevision;
}

/** Lists every revision pod of a namespace (one API call), grouped by revision name. */
export async function listRevisionPods(kube: KubeClients, namespace: string): Promise<Map<string, PodInfo[]>> {
  return groupByRevision((await listRevisionPodItems(kube, namespace)).items);
}

/** The revisions one of whose pods was added, updated (another resourceVersion) or deleted from one listing to the next. */
export function revisionsWithPodEvents(before: ReadonlyMap<string, readonly PodInfo[]>, after: ReadonlyMap<string, readonly PodInfo[]>): string[] {
  const versions = (pods: readonly PodInfo[] | undefined): string =>
    (pods ?? [])
      .map((p) => `${p.name}@${p.resourceVersion}`)
      .sort()
      .join(' ');
  return [...new Set([...before.keys(), ...after.keys()])].filter((rev) => versions(before.get(rev)) !== versions(after.get(rev)));
}
