/**
 * The webhook's config-features gates on template fields other than init containers
 * (init-containers.ts): pkg/apis/serving/fieldmask.go drops a gated field unless its
 * flag is on, and k8s_validation.go then wants some flags at `enabled` exactly. A
 * field is gated whether or not knsim models it: the gate decides admission.
 *
 * Fields are "set" as Go decodes them: a written list, map or object counts even when
 * empty, an empty string or a `false` does not (they are the zero value).
 */
import { FEATURES_CONFIG_MAP, acceptedText, parseFlag, type FeatureFlag, type FeatureFlags } from './config-features.js';
import { formatPath, quote, ScenarioError, type PathSegment } from './errors.js';
import { type Obj, isObj, written, writtenString, writtenBool, items } from './go-values.js';

/** Which values let a field through: `allowed` or `enabled`; only `enabled`, with `allowed` past the field mask or not. */
type Needs = 'allowed' | 'enabled, allowed past the mask' | 'enabled';

/** A field the gate refuses, relative to the pod spec, and what more to say about it. */
interface Found {
  at: PathSegment[];
  /** Follows "<what> is off and …", when the field is refused for a reason beyond the flag. */
  and?: string;
}

interface Gate {
  flag: string;
  /** What the flag turns on: "<what> is off". */
  what: string;
  needs: Needs;
  /** The fields of `spec` this gate refuses when the flag does not let them through. */
  find: (spec: Obj, flags: FeatureFlags) => Found[];
}

/** secure-pod-defaults at Enabled or AllowRootBounded opens a narrow way past two gates. */
const securePodDefaultsOn = (f: FeatureFlags): boolean => ['Enabled', 'AllowRootBounded'].includes(f.values['secure-pod-defaults']!);

const podField =
  (name: string, isSet: (v: unknown) => boolean = written) =>
  (spec: Obj): Found[] =>
    isSet(spec[name]) ? [{ at: [name] }] : [];

const volumeKind =
  (kind: string) =>
  (spec: Obj): Found[] =>
    items(spec['volumes'])
      .filter(([, v]) => written(v[kind]))
      .map(([i]) => ({ at: ['volumes', i, kind] }));

/** Fields of every container and init container (init containers reach here only when their own gate lets them). */
const inContainers =
  (find: (c: Obj, flags: FeatureFlags) => Found[]) =>
  (spec: Obj, flags: FeatureFlags): Found[] =>
    (['containers', 'initContainers'] as const).flatMap((list) =>
      items(spec[list]).flatMap(([i, c]) => find(c, flags).map((f) => ({ ...f, at: [list, i, ...f.at] }))),
    );

const SECCOMP_TYPES_PAST_SECURE_DEFAULTS = ['RuntimeDefault', 'Unconfined'];

/** A pod securityContext with the podspec-securitycontext flag off: secure-pod-defaults lets through a bare seccompProfile type. */
function podSecurityContext(spec: Obj, flags: FeatureFlags): Found[] {
  const sc = spec['securityContext'];
  if (!written(sc)) return [];
  if (!securePodDefaultsOn(flags) || !isObj(sc)) return [{ at: ['securityContext'] }];
  const and = 'secure-pod-defaults lets through only seccompProfile.type RuntimeDefault or Unconfined';
  return Object.entries(sc)
    .filter(([k, v]) => {
      if (!written(v)) return false;
      if (k !== 'seccompProfile') return true;
      // The mask copies the type alone; localhostProfile is a *string, so even "" is set.
      const bare = isObj(v) && Object.entries(v).every(([pk, pv]) => pk === 'type' || !written(pv));
      return !(bare && SECCOMP_TYPES_PAST_SECURE_DEFAULTS.includes(String(v['type'])));
    })
    .map(([k]) => ({ at: ['securityContext', k], and }));
}

/** A container's capabilities.add with the addcapabilities flag not enabled: secure-pod-defaults lets through exactly NET_BIND_SERVICE. */
function addedCapabilities(c: Obj, flags: FeatureFlags): Found[] {
  const sc = c['securityContext'];
  const caps = isObj(sc) ? sc['capabilities'] : undefined;
  const add = isObj(caps) ? caps['add'] : undefined;
  if (!written(add)) return [];
  const at = ['securityContext', 'capabilities', 'add'];
  if (!securePodDefaultsOn(flags)) return [{ at }];
  const onlyBind = Array.isArray(add) && add.length === 1 && add[0] === 'NET_BIND_SERVICE';
  return onlyBind ? [] : [{ at, and: 'secure-pod-defaults lets through only add: [NET_BIND_SERVICE]' }];
}

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
/** Probe fields that are plain ints in Go, so 0 is unset; terminationGracePeriodSeconds is a pointer. */
const PROBE_INTS = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'];

/** A probe the webhook finds set: one field written beyond Go's zero value (an empty probe passes). */
const probeSet = (p: unknown): boolean =>
  isObj(p) ? Object.entries(p).some(([k, v]) => written(v) && !(v === 0 && PROBE_INTS.includes(k))) : written(p);

/**
 * Probes on a sidecar: with more than one container, any container without ports is one.
 * The webhook checks the template after defaulting it, which gives any readiness probe
 * successThreshold 1 (revision_defaults.go), so even an empty one is set by then.
 */
function sidecarProbes(spec: Obj): Found[] {
  if (!Array.isArray(spec['containers']) || spec['containers'].length < 2) return [];
  const set = (c: Obj, p: (typeof PROBES)[number]): boolean => (p === 'readinessProbe' ? written(c[p]) : probeSet(c[p]));
  return items(spec['containers'])
    .filter(([, c]) => !(Array.isArray(c['ports']) && c['ports'].length > 0))
    .flatMap(([i, c]) => PROBES.filter((p) => set(c, p)).map((p) => ({ at: ['containers', i, p], and: 'this container is a sidecar (it has no ports)' })));
}

/** The flag → field table. */
const GATES: readonly Gate[] = [
  // PodSpecMask: each of these passes at allowed.
  { flag: 'kubernetes.podspec-affinity', what: 'pod spec support for affinity', needs: 'allowed', find: podField('affinity') },
  { flag: 'kubernetes.podspec-topologyspreadconstraints', what: 'pod spec support for topologySpreadConstraints', needs: 'allowed', find: podField('topologySpreadConstraints') },
  { flag: 'kubernetes.podspec-hostaliases', what: 'pod spec support for hostAliases', needs: 'allowed', find: podField('hostAliases') },
  { flag: 'kubernetes.podspec-nodeselector', what: 'pod spec support for nodeSelector', needs: 'allowed', find: podField('nodeSelector') },
  // A pointer: even "" is set.
  { flag: 'kubernetes.podspec-runtimeclassname', what: 'pod spec support for runtimeClassName', needs: 'allowed', find: podField('runtimeClassName') },
  { flag: 'kubernetes.podspec-tolerations', what: 'pod spec support for tolerations', needs: 'allowed', find: podField('tolerations') },
  { flag: 'kubernetes.podspec-securitycontext', what: 'pod spec support for securityContext', needs: 'allowed', find: podSecurityContext },
  // A pointer: even false is set.
  { flag: 'kubernetes.podspec-shareprocessnamespace', what: 'pod spec support for shareProcessNamespace', needs: 'allowed', find: podField('shareProcessNamespace') },
  { flag: 'kubernetes.podspec-priorityclassname', what: 'pod spec support for priorityClassName', needs: 'allowed', find: podField('priorityClassName', writtenString) },
  { flag: 'kubernetes.podspec-schedulername', what: 'pod spec support for schedulerName', needs: 'allowed', find: podField('schedulerName', writtenString) },
  { flag: 'kubernetes.podspec-dnspolicy', what: 'pod spec support for dnsPolicy', needs: 'allowed', find: podField('dnsPolicy', writtenString) },
  { flag: 'kubernetes.podspec-dnsconfig', what: 'pod spec support for dnsConfig', needs: 'allowed', find: podField('dnsConfig') },
  { flag: 'kubernetes.podspec-hostipc', what: 'pod spec support for hostIPC', needs: 'allowed', find: podField('hostIPC', writtenBool) },
  { flag: 'kubernetes.podspec-hostpid', what: 'pod spec support for hostPID', needs: 'allowed', find: podField('hostPID', writtenBool) },
  { flag: 'kubernetes.podspec-hostnetwork', what: 'pod spec support for hostNetwork', needs: 'allowed', find: podField('hostNetwork', writtenBool) },
  // VolumeSourceMask passes these at allowed, validateVolume wants enabled; secret, configMap and projected need no flag.
  { flag: 'kubernetes.podspec-volumes-emptydir', what: 'emptyDir volume support', needs: 'enabled, allowed past the mask', find: volumeKind('emptyDir') },
  { flag: 'kubernetes.podspec-persistent-volume-claim', what: 'persistent volume claim support', needs: 'enabled, allowed past the mask', find: volumeKind('persistentVolumeClaim') },
  {
    flag: 'kubernetes.podspec-persistent-volume-write',
    what: 'persistent volume write support',
    needs: 'enabled',
    find: (spec) =>
      items(spec['volumes'])
        .filter(([, v]) => isObj(v['persistentVolumeClaim']) && v['persistentVolumeClaim']['readOnly'] !== true)
        .map(([i]) => ({ at: ['volumes', i, 'persistentVolumeClaim'], and: 'this claim is not readOnly' })),
  },
  { flag: 'kubernetes.podspec-volumes-hostpath', what: 'hostPath volume support', needs: 'enabled, allowed past the mask', find: volumeKind('hostPath') },
  { flag: 'kubernetes.podspec-volumes-csi', what: 'csi volume support', needs: 'enabled, allowed past the mask', find: volumeKind('csi') },
  { flag: 'kubernetes.podspec-volumes-ephemeral', what: 'ephemeral volume support', needs: 'enabled, allowed past the mask', find: volumeKind('ephemeral') },
  { flag: 'kubernetes.podspec-volumes-image', what: 'image volume support', needs: 'enabled, allowed past the mask', find: volumeKind('image') },
  // Container fields.
  {
    flag: 'kubernetes.podspec-fieldref',
    what: 'pod spec support for fieldRef',
    needs: 'allowed',
    find: inContainers((c) =>
      items(c['env']).flatMap(([k, e]) => {
        const from = e['valueFrom'];
        if (!isObj(from)) return [];
        return ['fieldRef', 'resourceFieldRef'].filter((f) => written(from[f])).map((f) => ({ at: ['env', k, 'valueFrom', f] }));
      }),
    ),
  },
  {
    flag: 'kubernetes.podspec-volumes-mount-propagation',
    what: 'volume mount propagation support',
    needs: 'enabled, allowed past the mask',
    find: inContainers((c) => items(c['volumeMounts']).filter(([, m]) => written(m['mountPropagation'])).map(([k]) => ({ at: ['volumeMounts', k, 'mountPropagation'] }))),
  },
  // CapabilitiesMask itself wants enabled.
  { flag: 'kubernetes.containerspec-addcapabilities', what: 'container spec support for adding capabilities', needs: 'enabled', find: inContainers(addedCapabilities) },
  // validateContainers: more than one container wants enabled (its default).
  { flag: 'multi-container', what: 'multi-container support', needs: 'enabled', find: (spec) => (Array.isArray(spec['containers']) && spec['containers'].length > 1 ? [{ at: ['containers'] }] : []) },
  // validateSidecarContainer: a probe on a sidecar wants enabled; otherwise only an empty probe passes.
  { flag: 'multi-container-probing', what: 'multi-container probing', needs: 'enabled', find: sidecarProbes },
];

const passes = (value: FeatureFlag, needs: Needs): boolean => value === 'Enabled' || (value === 'Allowed' && needs === 'allowed');

/** Why the flag does not let the field through, in a few words. */
function flagState(flags: FeatureFlags, gate: Gate): string {
  const raw = flags.written[gate.flag];
  const value = flags.values[gate.flag]!;
  if (raw === undefined) return `it is ${value.toLowerCase()} by default`;
  if (parseFlag(gate.flag, raw) === undefined) return `it is ${quote(raw)}, not ${acceptedText(gate.flag)}, which Knative ignores`;
  if (value === 'Allowed') {
    return gate.needs === 'enabled' ? 'allowed is not enough here, only enabled' : 'allowed passes the field mask; only enabled turns the feature on';
  }
  return `it is ${value.toLowerCase()}`;
}

/**
 * Refuses a template (its `spec`, written at `base`) with a field Knative's webhook
 * refuses under these feature flags; the first such field in the table's order.
 * @throws ScenarioError at the field.
 */
export function checkFeatureGates(spec: unknown, flags: FeatureFlags, file: string, base: readonly PathSegment[]): void {
  if (!isObj(spec)) return;
  for (const gate of GATES) {
    if (passes(flags.values[gate.flag]!, gate.needs)) continue;
    const found = gate.find(spec, flags)[0];
    if (found === undefined) continue;
    const off = found.and === undefined ? `${gate.what} is off` : `${gate.what} is off and ${found.and}`;
    throw new ScenarioError(
      file,
      formatPath([...base, ...found.at]),
      `${off}, so Knative refuses the template: set ${FEATURES_CONFIG_MAP}' ${gate.flag}: enabled (${flagState(flags, gate)})`,
    );
  }
}

/** The flags this module gates fields with, for tests and the README. */
export const GATED_FLAGS: readonly string[] = GATES.map((g) => g.flag);
