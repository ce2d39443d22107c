/**
 * Which override paths name a real field of a Knative Service. Manifests are
 * loose (Kubernetes fields knsim does not read are ignored, as the file would be
 * applied to a cluster), so a misspelt field in a manifest would otherwise be
 * accepted and silently change nothing; `--set`, `--grid` and `--space` paths
 * into a manifest are checked against this tree instead.
 *
 * The tree holds the serving.knative.dev/v1 Service fields down to where knsim
 * stops reading: the fields knsim reads (containerConcurrency, timeoutSeconds,
 * annotations, traffic, template name) and, so that a real manifest's paths stay
 * valid, the Kubernetes ObjectMeta and PodSpec fields and the other Knative
 * fields, which knsim ignores on purpose. Below a field knsim does not read
 * (containers, labels, annotation keys, status ...) any path is accepted:
 * annotation keys are checked when the scenario loads (see annotation-warnings.ts).
 * Scenario fields outside manifests need no tree: the scenario schema is strict.
 */
import { closest } from './did-you-mean.js';
import { formatPath, type PathSegment } from './errors.js';

/** A mapping with known fields, a list of one kind of item, or anything ('open'). */
type Node = { readonly fields: Readonly<Record<string, Node>> } | { readonly item: Node } | 'open';

const open = 'open' as const;
const fields = (names: readonly string[], known: Readonly<Record<string, Node>> = {}): Node => ({
  fields: Object.fromEntries([...names.map((n) => [n, open] as const), ...Object.entries(known)]),
});
const list = (item: Node): Node => ({ item });

/** metav1.ObjectMeta. */
const OBJECT_META = fields([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);

/** Knative's RevisionSpec: corev1.PodSpec plus containerConcurrency and the timeouts. */
const REVISION_SPEC = fields([
  // Knative's own.
  'containerConcurrency', 'timeoutSeconds', 'responseStartTimeoutSeconds', 'idleTimeoutSeconds',
  // corev1.PodSpec.
  'volumes', 'initContainers', 'containers', 'ephemeralContainers', 'restartPolicy', 'terminationGracePeriodSeconds',
  'activeDeadlineSeconds', 'dnsPolicy', 'nodeSelector', 'serviceAccountName', 'serviceAccount', 'automountServiceAccountToken',
  'nodeName', 'hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace', 'securityContext', 'imagePullSecrets', 'hostname',
  'subdomain', 'affinity', 'schedulerName', 'tolerations', 'hostAliases', 'priorityClassName', 'priority', 'dnsConfig',
  'readinessGates', 'runtimeClassName', 'enableServiceLinks', 'preemptionPolicy', 'overhead', 'topologySpreadConstraints',
  'setHostnameAsFQDN', 'os', 'hostUsers', 'schedulingGates', 'resourceClaims', 'resources',
]);

/** Knative's RevisionTemplateSpec (a Service's spec.template, an update's template). */
export const TEMPLATE_NODE: Node = fields([], { metadata: OBJECT_META, spec: REVISION_SPEC });

/** Knative's TrafficTarget. */
const TRAFFIC_TARGET = fields(['tag', 'revisionName', 'configurationName', 'latestRevision', 'percent', 'url']);

/** serving.knative.dev/v1 Service. */
export const SERVICE_NODE: Node = fields(['apiVersion', 'kind', 'status'], {
  metadata: OBJECT_META,
  spec: fields([], { template: TEMPLATE_NODE, traffic: list(TRAFFIC_TARGET) }),
});

/** Where a path enters a Knative object, and that object's tree; undefined when the path does not. */
function knativeRoot(path: readonly PathSegment[]): { depth: number; node: Node } | undefined {
  if (path[0] !== 'services' || typeof path[1] !== 'number') return undefined;
  if (path[2] === 'manifest') return { depth: 3, node: SERVICE_NODE };
  if (path[2] === 'updates' && typeof path[3] === 'number') {
    if (path[4] === 'template') return { depth: 5, node: TEMPLATE_NODE };
    if (path[4] === 'traffic') return { depth: 5, node: list(TRAFFIC_TARGET) };
  }
  return undefined;
}

/** Every complete path below `node`, for suggestions (open nodes end a path). */
function leafPaths(node: Node, prefix: PathSegment[], out: PathSegment[][]): PathSegment[][] {
  if (node === 'open') out.push(prefix);
  else if ('item' in node) leafPaths(node.item, [...prefix, 0], out);
  else for (const [k, v] of Object.entries(node.fields)) leafPaths(v, [...prefix, k], out);
  return out;
}

/**
 * Checks that `path` names a field a Knative Service has, where it enters a
 * manifest (`services[i].manifest...`, `services[i].updates[j].template...` or
 * `...traffic...`); other paths pass (the strict scenario schema checks them).
 * @returns the rule to report, with a "did you mean" when a field is close; undefined when the path is fine.
 */
export function overridePathError(path: readonly PathSegment[]): string | undefined {
  const root = knativeRoot(path);
  if (root === undefined) return undefined;
  let node = root.node;
  for (let k = root.depth; k < path.length; k++) {
    if (node === 'open') return undefined;
    const seg = path[k]!;
    if ('item' in node) {
      if (typeof seg !== 'number') return undefined; // applySet reports indexing mistakes
      node = node.item;
      continue;
    }
    if (typeof seg === 'number') return undefined;
    const next = node.fields[seg];
    if (next !== undefined) {
      node = next;
      continue;
    }
    const here = path.slice(0, k);
    const at = here.length === root.depth ? 'a Knative Service' : formatPath(here);
    // Suggest the whole corrected path: the close field here, or a close field a level deeper or shallower.
    const candidates = leafPaths(node, [], []).map((p) => ({ p, text: p.map(String).join('.') }));
    const rest = path.slice(k).map(String).join('.');
    const sameField = closest(seg, Object.keys(node.fields));
    let fix: PathSegment[] | undefined;
    if (sameField !== undefined) fix = [...here, sameField, ...path.slice(k + 1)];
    else {
      const whole = closest(rest, candidates.map((c) => c.text));
      const found = candidates.find((c) => c.text === whole);
      if (found !== undefined) fix = [...here, ...found.p];
    }
    const hint = fix === undefined ? '' : ` (did you mean ${formatPath(fix)}?)`;
    return `${JSON.stringify(seg)} is not a field of ${at}${hint}`;
  }
  return undefined;
}
