/**
 * Reading Knative's custom objects of one kind (Revisions, PodAutoscalers,
 * ServerlessServices): where a namespace's objects live, listing them (checked to be a
 * list), indexing them by name, and reading one fresh.
 */
import { callOptions, isNotFound, type KubeClients } from './kube.js';
import { checkList, type CheckedList } from './response-shape.js';

/** One custom resource kind and how knsim parses its objects. */
export interface CustomKind<T extends { name: string }> {
  group: string;
  version: string;
  plural: string;
  /** The list's kind, for errors (e.g. `PodAutoscalerList`). */
  listKind: string;
  /** The object, or undefined when it is not one knsim can use. */
  parse: (obj: unknown, namespace: string) => T | undefined;
}

/** The API path of a namespace's objects of `kind` (lists and watches). */
export const customObjectsPath = (kind: CustomKind<{ name: string }>, namespace: string): string =>
  `/apis/${kind.group}/${kind.version}/namespaces/${namespace}/${kind.plural}`;

/** The client's coordinates of a namespace's objects of `kind`. */
export const coords = (kind: CustomKind<{ name: string }>, namespace: string) => ({ group: kind.group, version: kind.version, namespace, plural: kind.plural });

/** The namespace's objects of `kind` as the API returns them, checked to be a list. */
export async function listCustomItems(kube: KubeClients, kind: CustomKind<{ name: string }>, namespace: string, labelSelector?: string): Promise<CheckedList> {
  const list: unknown = await kube.custom.listNamespacedCustomObject({ ...coords(kind, namespace), ...(labelSelector ? { labelSelector } : {}) }, callOptions(kube));
  return checkList(list, customObjectsPath(kind, namespace), kind.listKind);
}

/** The items knsim can parse, in list order. */
export function parseItems<T extends { name: string }>(kind: CustomKind<T>, items: readonly unknown[], namespace: string): T[] {
  const out: T[] = [];
  for (const item of items) {
    const o = kind.parse(item, namespace);
    if (o) out.push(o);
  }
  return out;
}

/** The items knsim can parse, by name. */
export function byName<T extends { name: string }>(kind: CustomKind<T>, items: readonly unknown[], namespace: string): Map<string, T> {
  return new Map(parseItems(kind, items, namespace).map((o) => [o.name, o]));
}

/** One object, read fresh; undefined if it does not exist. */
export async function getCustomObject<T extends { name: string }>(kube: KubeClients, kind: CustomKind<T>, namespace: string, name: string): Promise<T | undefined> {
  try {
    const obj: unknown = await kube.custom.getNamespacedCustomObject({ ...coords(kind, namespace), name }, callOptions(kube));
    return kind.parse(obj, namespace);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
