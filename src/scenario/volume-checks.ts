/**
 * A template's volumes, volume mounts and security contexts as Knative's webhook checks
 * them (pkg/apis/serving/k8s_validation.go: ValidatePodSecurityContext, ValidateVolumes,
 * validateVolume and its projection, keyToPath and emptyDir helpers, validateSecurityContext,
 * validateVolumeMounts), then the volume rules only the API server applies to the
 * revision's Deployment (Kubernetes' pkg/apis/core/validation: the volume sources' names,
 * modes and paths in volume-sources.ts, and the mounts' subPaths), which Knative takes but
 * whose revision then never gets a pod.
 *
 * The config-features gates (feature-gates.ts) and the field masks (manifest-fields.ts) run
 * first, so a field reaching here is one the flags let through. The webhook checks the template
 * as Knative's defaulting left it, which made a container's mounts readOnly (volumeMounts).
 * Fields count as Go decodes them: a pointer or list once written (even empty), a string
 * unless "", a bool when true.
 */
import type { FeatureFlags } from './config-features.js';
import { containerNameErrors } from './container-names.js';
import { formatPath, quote, ScenarioError, shownNumber, type PathSegment } from './errors.js';
import { parseMemoryBytes, QuantityError } from './quantity.js';
import { type Obj, isObj, written, items } from './go-values.js';
import { localPath, volumeSourceFindings } from './volume-sources.js';

/** A string field as Go holds it: "" when absent or not a string (the schema has refused other types by now). */
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const ADMISSION = 'so Knative refuses the template';
const DEPLOYMENT = "so Kubernetes refuses the revision's Deployment (Knative takes the template, but the revision never gets a pod)";

/** A refused field, relative to the pod spec, and the rule in upstream's words. */
interface Finding {
  at: PathSegment[];
  rule: string;
}

/** Mount paths the webhook keeps for the container runtime (reservedPaths), compared after cleaning. */
const RESERVED_PATHS = new Set(['/', '/dev', '/dev/log']);

/** User and group ids the webhook takes: 0 to math.MaxInt32. */
const MAX_ID = 2 ** 31 - 1;

/** PodSecurityContext fields PodSecurityContextMask never copies (the others need config-features' podspec-securitycontext). */
const POD_SC_REFUSED = ['seLinuxOptions', 'windowsOptions', 'supplementalGroupsPolicy', 'sysctls', 'fsGroupChangePolicy', 'appArmorProfile', 'seLinuxChangePolicy'];

/** Go's path.Clean: the shortest equivalent path, no trailing slash but the root's. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (abs) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** An id outside [0, MaxInt32], as ErrOutOfBoundsValue words it. */
function idRange(v: unknown, at: PathSegment[]): Finding[] {
  if (typeof v !== 'number' || (v >= 0 && v <= MAX_ID)) return [];
  return [{ at, rule: `expected 0 <= ${shownNumber(v)} <= ${MAX_ID}` }];
}

/** ValidatePodSecurityContext: the fields its mask refuses, then the id ranges. */
function podSecurityContext(sc: unknown): Finding[] {
  if (!isObj(sc)) return [];
  const at = (...p: PathSegment[]): PathSegment[] => ['securityContext', ...p];
  const refused = POD_SC_REFUSED.filter((k) => written(sc[k])).map((k) => ({ at: at(k), rule: 'must not set the field(s)' }));
  const groups = Array.isArray(sc['supplementalGroups']) ? sc['supplementalGroups'] : [];
  return [
    ...refused,
    ...idRange(sc['runAsUser'], at('runAsUser')),
    ...idRange(sc['runAsGroup'], at('runAsGroup')),
    ...idRange(sc['fsGroup'], at('fsGroup')),
    ...groups.flatMap((g: unknown, i) => idRange(g, at('supplementalGroups', i))),
  ];
}

/** validateKeyToPath: a key and a path. */
function keyToPath(item: Obj, at: PathSegment[]): Finding[] {
  const out: Finding[] = [];
  if (str(item['key']) === '') out.push({ at: [...at, 'key'], rule: 'missing field(s)' });
  if (str(item['path']) === '') out.push({ at: [...at, 'path'], rule: 'missing field(s)' });
  return out;
}

const keyToPaths = (list: unknown, at: PathSegment[]): Finding[] => items(list).flatMap(([k, item]) => keyToPath(item, [...at, 'items', k]));

const PROJECTION_KINDS = ['secret', 'configMap', 'serviceAccountToken', 'downwardAPI'] as const;

/** validateProjectedVolumeSource and its per-kind helpers, for one of `sources`. */
function projection(source: Obj, at: PathSegment[]): Finding[] {
  const kinds = PROJECTION_KINDS.filter((k) => written(source[k]));
  if (kinds.length === 0) return [{ at, rule: `expected exactly one, got neither: ${PROJECTION_KINDS.join(', ')}` }];
  if (kinds.length > 1) return [{ at, rule: `expected exactly one, got both: ${kinds.join(', ')}` }];
  const kind = kinds[0]!;
  const p = source[kind];
  if (!isObj(p)) return [];
  const here = [...at, kind];
  switch (kind) {
    case 'secret':
    case 'configMap':
      return [...(str(p['name']) === '' ? [{ at: [...here, 'name'], rule: 'missing field(s)' }] : []), ...keyToPaths(p['items'], here)];
    case 'serviceAccountToken':
      return str(p['path']) === '' ? [{ at: [...here, 'path'], rule: 'missing field(s)' }] : [];
    case 'downwardAPI':
      return items(p['items']).flatMap(([k, f]) => {
        const fat = [...here, 'items', k];
        const refs = ['fieldRef', 'resourceFieldRef'].filter((r) => written(f[r]));
        const out: Finding[] = [];
        if (refs.length === 0) out.push({ at: fat, rule: 'expected exactly one, got neither: fieldRef, resourceFieldRef' });
        if (refs.length > 1) out.push({ at: fat, rule: 'Within a single item, cannot set both: resourceFieldRef, fieldRef' });
        if (str(f['path']) === '') out.push({ at: [...fat, 'path'], rule: 'missing field(s)' });
        return out;
      });
  }
}

/** validateEmptyDirFields: medium "" or Memory, a sizeLimit not below 0. */
function emptyDir(dir: unknown, at: PathSegment[]): Finding[] {
  if (!isObj(dir)) return [];
  const out: Finding[] = [];
  const medium = dir['medium'];
  if (typeof medium === 'string' && medium !== '' && medium !== 'Memory') out.push({ at: [...at, 'medium'], rule: `invalid value: ${medium}` });
  const limit = dir['sizeLimit'];
  if (written(limit)) {
    const negative = typeof limit === 'number' ? limit < 0 : typeof limit === 'string' && limit.startsWith('-');
    const magnitude = negative ? (typeof limit === 'number' ? -limit : String(limit).slice(1)) : limit;
    try {
      // The webhook decodes the quantity first: a malformed one never reaches the check.
      const bytes = parseMemoryBytes(magnitude);
      if (negative && bytes > 0) out.push({ at: [...at, 'sizeLimit'], rule: `invalid value: ${String(limit)}` });
    } catch (e) {
      if (!(e instanceof QuantityError)) throw e;
      out.push({ at: [...at, 'sizeLimit'], rule: e.message });
    }
  }
  return out;
}

/** The volume kinds validateVolume counts, in its order, and the flag that lets each into "got neither". */
const VOLUME_KINDS: ReadonlyArray<{ kind: string; flag?: string }> = [
  { kind: 'secret' },
  { kind: 'configMap' },
  { kind: 'projected' },
  { kind: 'emptyDir', flag: 'kubernetes.podspec-volumes-emptydir' },
  { kind: 'persistentVolumeClaim', flag: 'kubernetes.podspec-persistent-volume-claim' },
  { kind: 'hostPath', flag: 'kubernetes.podspec-volumes-hostpath' },
  { kind: 'csi', flag: 'kubernetes.podspec-volumes-csi' },
  { kind: 'ephemeral', flag: 'kubernetes.podspec-volumes-ephemeral' },
  { kind: 'image', flag: 'kubernetes.podspec-volumes-image' },
];

const IMAGE_PULL_POLICIES = ['IfNotPresent', 'Always', 'Never', ''];

/** validateVolume: its name, exactly one source, and that source's own rules. */
function volume(v: Obj, at: PathSegment[], flags: FeatureFlags): Finding[] {
  const out: Finding[] = [];
  const name = str(v['name']);
  if (name === '') out.push({ at: [...at, 'name'], rule: 'missing field(s)' });
  else if (containerNameErrors(name).length > 0) out.push({ at: [...at, 'name'], rule: `invalid value: ${name} (a DNS-1123 label: ${containerNameErrors(name).join('; ')})` });
  const kinds = VOLUME_KINDS.filter(({ kind }) => written(v[kind])).map(({ kind }) => kind);
  if (kinds.length === 0) {
    const offered = VOLUME_KINDS.filter(({ flag }) => flag === undefined || flags.values[flag] === 'Enabled').map(({ kind }) => kind);
    out.push({ at, rule: `expected exactly one, got neither: ${offered.join(', ')}` });
  } else if (kinds.length > 1) {
    out.push({ at, rule: `expected exactly one, got both: ${kinds.join(', ')}` });
  }
  const secret = v['secret'];
  if (isObj(secret)) out.push(...keyToPaths(secret['items'], [...at, 'secret']));
  const configMap = v['configMap'];
  if (isObj(configMap)) out.push(...keyToPaths(configMap['items'], [...at, 'configMap']));
  const projected = v['projected'];
  if (isObj(projected)) out.push(...items(projected['sources']).flatMap(([j, s]) => projection(s, [...at, 'projected', 'sources', j])));
  out.push(...emptyDir(v['emptyDir'], [...at, 'emptyDir']));
  const image = v['image'];
  if (isObj(image)) {
    if (str(image['reference']) === '') out.push({ at: [...at, 'image', 'reference'], rule: 'missing field(s)' });
    const policy = str(image['pullPolicy']);
    if (!IMAGE_PULL_POLICIES.includes(policy)) out.push({ at: [...at, 'image', 'pullPolicy'], rule: `invalid value: ${policy}` });
  }
  return out;
}

/** ValidateVolumes: each volume's name once, mounted by some container or init container, and valid itself. */
function volumes(spec: Obj, mounted: ReadonlySet<string>, flags: FeatureFlags): Finding[] {
  const seen = new Set<string>();
  return items(spec['volumes']).flatMap(([i, v]) => {
    const at = ['volumes', i];
    const name = str(v['name']);
    const out: Finding[] = [];
    if (seen.has(name)) out.push({ at: [...at, 'name'], rule: `duplicate volume name ${quote(name)}` });
    if (!mounted.has(name)) out.push({ at: [...at, 'name'], rule: `volume with name ${quote(name)} not mounted` });
    seen.add(name);
    return [...out, ...volume(v, at, flags)];
  });
}

/** A container's securityContext: the ids in range (its mask is checked by the schema and the gates). */
function containerSecurityContext(sc: unknown, at: PathSegment[]): Finding[] {
  if (!isObj(sc)) return [];
  return [...idRange(sc['runAsUser'], [...at, 'runAsUser']), ...idRange(sc['runAsGroup'], [...at, 'runAsGroup'])];
}

/** Kinds a mount may write to; every other mount must be readOnly (Knative's defaulting makes a container's so). */
const WRITABLE_KINDS = ['emptyDir', 'persistentVolumeClaim', 'ephemeral'];

/** Where a mount's volume is: the last volume of each name, as the webhook's map holds them, and the names with a writable kind. */
interface Volumes {
  byName: ReadonlyMap<string, Obj>;
  writable: ReadonlySet<string>;
}

/**
 * validateVolumeMounts for one container. `defaulted`: a container (not an init container),
 * whose mounts Knative's defaulting (RevisionSpec.applyDefault) has made readOnly unless their
 * volume's name is one of a writable kind, before the webhook checks them.
 */
function volumeMounts(mounts: unknown, vols: Volumes, defaulted: boolean, at: PathSegment[]): Finding[] {
  const { byName } = vols;
  const paths = new Set<string>();
  return items(mounts).flatMap(([k, m]) => {
    const mat = [...at, k];
    const out: Finding[] = [];
    const vol = byName.get(str(m['name']));
    if (vol === undefined) out.push({ at: [...mat, 'name'], rule: 'volumeMount has no matching volume' });
    const mountPath = str(m['mountPath']);
    const clean = cleanPath(mountPath);
    if (mountPath === '') out.push({ at: [...mat, 'mountPath'], rule: 'missing field(s)' });
    else if (RESERVED_PATHS.has(clean)) out.push({ at: [...mat, 'mountPath'], rule: `mountPath ${quote(clean)} is a reserved path` });
    else if (!mountPath.startsWith('/')) out.push({ at: [...mat, 'mountPath'], rule: `invalid value: ${mountPath} (must be an absolute path)` });
    else if (paths.has(clean)) out.push({ at: [...mat, 'mountPath'], rule: `invalid value: ${quote(mountPath)} must be unique` });
    paths.add(clean);
    const readOnly = m['readOnly'] === true || (defaulted && !vols.writable.has(str(m['name'])));
    const writable = vol !== undefined && WRITABLE_KINDS.some((kind) => written(vol[kind]));
    if (!writable && !readOnly) out.push({ at: [...mat, 'readOnly'], rule: 'volume mount should be readOnly for this type of volume' });
    const propagation = m['mountPropagation'];
    if (typeof propagation === 'string' && propagation !== 'None' && propagation !== 'HostToContainer') {
      out.push({ at: [...mat, 'mountPropagation'], rule: 'mount propagation should be set to None or HostToContainer' });
    }
    const claim = vol?.['persistentVolumeClaim'];
    if (isObj(claim) && claim['readOnly'] === true && !readOnly) out.push({ at: [...mat, 'readOnly'], rule: 'volume is readOnly but volume mount is not' });
    return out;
  });
}

/** The containers the webhook validates, init containers first as ValidatePodSpec does. */
const allContainers = (spec: Obj): Array<[PathSegment[], Obj]> =>
  (['initContainers', 'containers'] as const).flatMap((list) => items(spec[list]).map(([i, c]): [PathSegment[], Obj] => [[list, i], c]));

/** Everything the webhook finds, in ValidatePodSpec's order. */
function admissionFindings(spec: Obj, flags: FeatureFlags): Finding[] {
  const containers = allContainers(spec);
  // AllMountedVolumes: init containers' mounts count too.
  const mounted = new Set(containers.flatMap(([, c]) => items(c['volumeMounts']).map(([, m]) => str(m['name']))));
  const vols: Volumes = {
    byName: new Map(items(spec['volumes']).map(([, v]) => [str(v['name']), v] as const)),
    writable: new Set(items(spec['volumes']).filter(([, v]) => WRITABLE_KINDS.some((kind) => written(v[kind]))).map(([, v]) => str(v['name']))),
  };
  return [
    ...podSecurityContext(spec['securityContext']),
    ...volumes(spec, mounted, flags),
    ...containers.flatMap(([at, c]) => [
      ...containerSecurityContext(c['securityContext'], [...at, 'securityContext']),
      ...volumeMounts(c['volumeMounts'], vols, at[0] === 'containers', [...at, 'volumeMounts']),
    ]),
  ];
}

/** What the API server then refuses in the revision's Deployment: the volume sources (volume-sources.ts), then the mounts' subPaths. */
function deploymentFindings(spec: Obj): Finding[] {
  const inMounts = allContainers(spec).flatMap(([at, c]) => items(c['volumeMounts']).flatMap(([k, m]) => localPath(m['subPath'], [...at, 'volumeMounts', k, 'subPath'], false)));
  return [...volumeSourceFindings(spec), ...inMounts];
}

/**
 * Refuses a template (its `spec`, written at `base`) whose volumes, volume mounts or security
 * contexts Knative's webhook refuses, at the first such field.
 * @throws ScenarioError at the field.
 */
export function checkVolumes(spec: unknown, flags: FeatureFlags, file: string, base: readonly PathSegment[]): void {
  if (!isObj(spec)) return;
  const admission = admissionFindings(spec, flags)[0];
  if (admission !== undefined) throw new ScenarioError(file, formatPath([...base, ...admission.at]), `${admission.rule}, ${ADMISSION}`);
}

/**
 * Refuses a template the webhook admitted whose volume sources or paths the API server then
 * refuses in the revision's Deployment (called after every webhook check: only an admitted
 * template gets that far).
 * @throws ScenarioError at the field.
 */
export function checkVolumesForDeployment(spec: unknown, file: string, base: readonly PathSegment[]): void {
  if (!isObj(spec)) return;
  const deployment = deploymentFindings(spec)[0];
  if (deployment !== undefined) throw new ScenarioError(file, formatPath([...base, ...deployment.at]), `${deployment.rule}, ${DEPLOYMENT}`);
}
