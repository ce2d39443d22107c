/**
 * What the API server refuses in a template's volume sources when Knative creates the
 * revision's Deployment, as Kubernetes 1.35 checks a pod's volumes (pkg/apis/core/validation:
 * validateSecretVolumeSource, validateConfigMapVolumeSource, validateKeyToPath,
 * validateProjectedVolumeSource and validateProjectionSources, validateDownwardAPIVolumeFile
 * with validateObjectFieldSelector and validateContainerResourceFieldSelector,
 * ValidateLocalNonReservedPath). Knative's webhook checks none of these, so it takes the
 * template, but the revision never gets a pod. Not checked here: a resourceFieldRef's divisor.
 *
 * Knative's own volume checks (volume-checks.ts) have passed by now: each volume has exactly
 * one kind, each item a key and a path. A field counts as Go decodes it: a mode once written.
 */
import { qualifiedNameErrors } from '../core/traffic/index.js';
import { quote, shownNumber, type PathSegment } from './errors.js';
import { type Obj, isObj, items } from './go-values.js';

/** A refused field, relative to the pod spec, and the API server's rule. */
export interface SourceFinding {
  at: PathSegment[];
  rule: string;
}

/** Kubernetes' validateLocalDescendingPath, and with `nonReserved` ValidateLocalNonReservedPath. */
export function localPath(p: unknown, at: PathSegment[], nonReserved: boolean): SourceFinding[] {
  if (typeof p !== 'string' || p === '') return [];
  const shown = `Invalid value: ${quote(p)}`;
  if (p.startsWith('/')) return [{ at, rule: `${shown}: must be a relative path` }];
  if (p.split('/').includes('..')) return [{ at, rule: `${shown}: must not contain '..'` }];
  if (nonReserved && p.startsWith('..')) return [{ at, rule: `${shown}: must not start with '..'` }];
  return [];
}

const MAX_MODE = 0o777;

/**
 * A file mode outside 0 to 0777. Written `0644`, a mode is octal (420), as kubectl reads it
 * (kubectl-yaml.ts); written `644`, it is the decimal 644, out of range, as in a cluster.
 */
function fileMode(v: unknown, at: PathSegment[]): SourceFinding[] {
  if (typeof v !== 'number' || (v >= 0 && v <= MAX_MODE)) return [];
  return [{ at, rule: `Invalid value: ${shownNumber(v)}: must be a number between 0 and 0777 (octal), both inclusive` }];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const required = (at: PathSegment[], why: string): SourceFinding[] => [{ at, rule: `Required value (${why})` }];

/** validateKeyToPath's rules Knative leaves to the API server: the path stays inside the volume, the mode in range. */
const keyToPaths = (list: unknown, at: PathSegment[]): SourceFinding[] =>
  items(list).flatMap(([k, item]) => [...localPath(item['path'], [...at, 'items', k, 'path'], true), ...fileMode(item['mode'], [...at, 'items', k, 'mode'])]);

/** validateSecretVolumeSource and validateConfigMapVolumeSource: the object's name, the default mode, the items. */
function secretOrConfigMap(src: Obj, nameField: 'secretName' | 'name', why: string, at: PathSegment[]): SourceFinding[] {
  const name = src[nameField];
  return [
    ...(typeof name === 'string' && name !== '' ? [] : required([...at, nameField], why)),
    ...fileMode(src['defaultMode'], [...at, 'defaultMode']),
    ...keyToPaths(src['items'], at),
  ];
}

/** A projected token's lifetime: at least 10 minutes, at most 2^32 s. */
function tokenExpiry(v: unknown, at: PathSegment[]): SourceFinding[] {
  if (typeof v !== 'number') return [];
  if (v < 600) return [{ at, rule: `Invalid value: ${shownNumber(v)}: may not specify a duration less than 10 minutes` }];
  if (v > 2 ** 32) return [{ at, rule: `Invalid value: ${shownNumber(v)}: may not specify a duration larger than 2^32 seconds` }];
  return [];
}

/** The pod fields a downwardAPI volume file may show (validVolumeDownwardAPIFieldPathExpressions), as sets.List sorts them. */
const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
/** Other fields ConvertDownwardAPIFieldLabel knows, which a volume file may not show. */
const OTHER_POD_FIELDS = ['spec.nodeName', 'spec.restartPolicy', 'spec.serviceAccountName', 'spec.schedulerName', 'status.phase', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
/** The container resources a resourceFieldRef may show (validContainerResourceFieldPathExpressions), sorted; hugepages by prefix. */
const RESOURCE_FIELDS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];
const listed = (values: readonly string[]): string => values.map((v) => JSON.stringify(v)).join(', ');

/** validateObjectFieldSelector for a volume file (the API server defaults an empty apiVersion to v1). */
function volumeFieldRef(ref: Obj, at: PathSegment[]): SourceFinding[] {
  const path = str(ref['fieldPath']);
  const version = str(ref['apiVersion']) === '' ? 'v1' : str(ref['apiVersion']);
  if (path === '') return [{ at: [...at, 'fieldPath'], rule: 'Required value' }];
  const converting = (why: string): SourceFinding[] => [{ at: [...at, 'fieldPath'], rule: `Invalid value: ${quote(path)}: error converting fieldPath: ${why}` }];
  if (version !== 'v1') return converting(`unsupported pod version: ${version}`);
  // fieldpath.SplitMaybeSubscriptedPath: `metadata.labels['app']`.
  const sub = path.startsWith("['") ? null : /^(.+?)\['(.*)'\]$/s.exec(path);
  if (sub !== null) {
    const [, field, key] = sub as unknown as [string, string, string];
    if (field !== 'metadata.labels' && field !== 'metadata.annotations') return converting(`field label does not support subscript: ${path}`);
    // Annotation keys are compared in lower case.
    const checked = field === 'metadata.annotations' ? key.toLowerCase() : key;
    const why = qualifiedNameErrors(checked)[0];
    return why === undefined ? [] : [{ at, rule: `Invalid value: ${quote(checked)}: ${why}` }];
  }
  if (VOLUME_FIELD_PATHS.includes(path)) return [];
  if (OTHER_POD_FIELDS.includes(path) || path === 'spec.host') {
    const shown = path === 'spec.host' ? 'spec.nodeName' : path;
    return [{ at: [...at, 'fieldPath'], rule: `Unsupported value: ${quote(shown)}: supported values: ${listed(VOLUME_FIELD_PATHS)}` }];
  }
  return converting(`field label not supported: ${path}`);
}

/** validateContainerResourceFieldSelector for a volume file: a container name, then a resource it knows. */
function volumeResourceFieldRef(ref: Obj, at: PathSegment[]): SourceFinding[] {
  if (str(ref['containerName']) === '') return [{ at: [...at, 'containerName'], rule: 'Required value (a downwardAPI file names the container whose resource it shows)' }];
  const resource = str(ref['resource']);
  if (resource === '') return [{ at: [...at, 'resource'], rule: 'Required value' }];
  if (RESOURCE_FIELDS.includes(resource) || resource.startsWith('requests.hugepages-') || resource.startsWith('limits.hugepages-')) return [];
  return [{ at: [...at, 'resource'], rule: `Unsupported value: ${quote(resource)}: supported values: ${listed(RESOURCE_FIELDS)}` }];
}

/** validateDownwardAPIVolumeFile's rules Knative leaves to the API server: the path, what the file shows, the mode. */
function downwardFile(item: Obj, at: PathSegment[]): SourceFinding[] {
  const fieldRef = item['fieldRef'];
  const resourceRef = item['resourceFieldRef'];
  return [
    ...localPath(item['path'], [...at, 'path'], true),
    ...(isObj(fieldRef) ? volumeFieldRef(fieldRef, [...at, 'fieldRef']) : isObj(resourceRef) ? volumeResourceFieldRef(resourceRef, [...at, 'resourceFieldRef']) : []),
    ...fileMode(item['mode'], [...at, 'mode']),
  ];
}

/**
 * validateProjectedVolumeSource: the default mode, then each source's items, and no path written
 * twice across the sources (the error names the projected volume, and shows the source's
 * name, or for a downwardAPI item its path, as upstream does).
 */
function projected(p: Obj, at: PathSegment[]): SourceFinding[] {
  const out = fileMode(p['defaultMode'], [...at, 'defaultMode']);
  const paths = new Set<string>();
  const once = (path: unknown, shown: unknown): void => {
    if (typeof path !== 'string' || path === '') return;
    if (paths.has(path)) {
      out.push({ at, rule: `Invalid value: ${quote(typeof shown === 'string' ? shown : '')}: conflicting duplicate paths (more than one item writes ${quote(path)})` });
    }
    paths.add(path);
  };
  for (const [j, s] of items(p['sources'])) {
    const sat = [...at, 'sources', j];
    for (const kind of ['secret', 'configMap'] as const) {
      const src = s[kind];
      if (!isObj(src)) continue;
      for (const [k, item] of items(src['items'])) {
        const iat = [...sat, kind, 'items', k];
        out.push(...localPath(item['path'], [...iat, 'path'], true), ...fileMode(item['mode'], [...iat, 'mode']));
        once(item['path'], src['name']);
      }
    }
    const downward = s['downwardAPI'];
    if (isObj(downward)) {
      for (const [k, item] of items(downward['items'])) {
        out.push(...downwardFile(item, [...sat, 'downwardAPI', 'items', k]));
        once(item['path'], item['path']);
      }
    }
    const token = s['serviceAccountToken'];
    if (isObj(token)) {
      const tat = [...sat, 'serviceAccountToken'];
      out.push(...tokenExpiry(token['expirationSeconds'], [...tat, 'expirationSeconds']), ...localPath(token['path'], [...tat, 'path'], true));
    }
  }
  return out;
}

/** Every volume's findings, in the order the API server lists them. */
export function volumeSourceFindings(spec: Obj): SourceFinding[] {
  return items(spec['volumes']).flatMap(([i, v]): SourceFinding[] => {
    const at = ['volumes', i];
    const out: SourceFinding[] = [];
    const secret = v['secret'];
    if (isObj(secret)) out.push(...secretOrConfigMap(secret, 'secretName', 'a secret volume names its Secret', [...at, 'secret']));
    const configMap = v['configMap'];
    if (isObj(configMap)) out.push(...secretOrConfigMap(configMap, 'name', 'a configMap volume names its ConfigMap', [...at, 'configMap']));
    const proj = v['projected'];
    if (isObj(proj)) out.push(...projected(proj, [...at, 'projected']));
    return out;
  });
}
