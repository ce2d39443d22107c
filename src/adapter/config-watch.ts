/**
 * config-autoscaler watched, as Knative's config store watches its ConfigMaps (an informer on
 * the system namespace): a write of it is taken at once, not at the next poll. The list and
 * watch are field-selected by name, so RBAC can grant them on that one ConfigMap
 * (`resourceNames`); an install that grants only `get` answers 403, and the controller then
 * reads the ConfigMap at each revision resync instead.
 */
import { callOptions, httpStatus, type KubeClients } from './kube.js';
import { checkList, type CheckedList } from './response-shape.js';

export const configMapsPath = (namespace: string): string => `/api/v1/namespaces/${namespace}/configmaps`;

/** The field selector of one ConfigMap by name. */
export const nameSelector = (name: string): string => `metadata.name=${name}`;

/** Lists the one ConfigMap `name` of `namespace` (an empty list if it does not exist). */
export async function listConfigMapItems(kube: KubeClients, namespace: string, name: string): Promise<CheckedList> {
  const list: unknown = await kube.core.listNamespacedConfigMap({ namespace, fieldSelector: nameSelector(name) }, callOptions(kube));
  return checkList(list, configMapsPath(namespace), 'ConfigMapList');
}

/** A 403, from a list (an API error) or from a watch (client-node's plain Error with statusCode). */
export function isForbidden(e: unknown): boolean {
  return httpStatus(e) === 403 || (e as { statusCode?: unknown } | null | undefined)?.statusCode === 403;
}
