/**
 * config-features: the feature flags Knative's webhook checks templates against
 * (pkg/apis/config/features.go). knsim enforces the flags that gate template fields
 * (init-containers.ts, feature-gates.ts) and models queueproxy.resource-defaults (configmaps.ts);
 * it takes the others without modelling them.
 *
 * Knative matches a flag's value case-insensitively and ignores a value it does not
 * accept, keeping the flag's default, so a ConfigMap with `enable` or `on` is taken
 * and does nothing. knsim does the same and warns, as it does for a key Knative does
 * not read: both nearly always leave a flag at a default the user did not mean.
 */
import { goEqualFoldAscii } from '../core/autoscaler/index.js';
import { didYouMean } from './did-you-mean.js';
import { quote } from './errors.js';

export const FEATURES_CONFIG_MAP = 'config-features';
export const INIT_CONTAINERS_FLAG = 'kubernetes.podspec-init-containers';
const SECURE_POD_DEFAULTS = 'secure-pod-defaults';
/** Gives the queue-proxy Knative's default requests and limits (configmaps.ts). */
export const QUEUE_PROXY_RESOURCE_DEFAULTS_FLAG = 'queueproxy.resource-defaults';

/** A flag's value as Knative holds it (AllowRootBounded is secure-pod-defaults' own). */
export type FeatureFlag = 'Enabled' | 'Disabled' | 'Allowed' | 'AllowRootBounded';

/** Every key Knative reads from config-features, with its default (defaultFeaturesConfig). */
export const FEATURE_DEFAULTS: Readonly<Record<string, FeatureFlag>> = Object.freeze({
  'autodetect-http2': 'Disabled',
  'kubernetes.containerspec-addcapabilities': 'Disabled',
  'kubernetes.podspec-affinity': 'Disabled',
  'kubernetes.podspec-dnsconfig': 'Disabled',
  'kubernetes.podspec-dnspolicy': 'Disabled',
  'kubernetes.podspec-fieldref': 'Disabled',
  'kubernetes.podspec-hostaliases': 'Disabled',
  'kubernetes.podspec-hostipc': 'Disabled',
  'kubernetes.podspec-hostnetwork': 'Disabled',
  'kubernetes.podspec-hostpid': 'Disabled',
  [INIT_CONTAINERS_FLAG]: 'Disabled',
  'kubernetes.podspec-nodeselector': 'Disabled',
  'kubernetes.podspec-persistent-volume-claim': 'Disabled',
  'kubernetes.podspec-persistent-volume-write': 'Disabled',
  'kubernetes.podspec-priorityclassname': 'Disabled',
  'kubernetes.podspec-runtimeclassname': 'Disabled',
  'kubernetes.podspec-schedulername': 'Disabled',
  'kubernetes.podspec-securitycontext': 'Disabled',
  'kubernetes.podspec-shareprocessnamespace': 'Disabled',
  'kubernetes.podspec-tolerations': 'Disabled',
  'kubernetes.podspec-topologyspreadconstraints': 'Disabled',
  'kubernetes.podspec-volumes-csi': 'Disabled',
  'kubernetes.podspec-volumes-emptydir': 'Enabled',
  'kubernetes.podspec-volumes-ephemeral': 'Disabled',
  'kubernetes.podspec-volumes-hostpath': 'Disabled',
  'kubernetes.podspec-volumes-image': 'Disabled',
  'kubernetes.podspec-volumes-mount-propagation': 'Disabled',
  'multi-container': 'Enabled',
  'multi-container-probing': 'Disabled',
  'queueproxy.mount-podinfo': 'Disabled',
  [QUEUE_PROXY_RESOURCE_DEFAULTS_FLAG]: 'Disabled',
  [SECURE_POD_DEFAULTS]: 'Disabled',
  'tag-header-based-routing': 'Disabled',
});

const KEYS = Object.keys(FEATURE_DEFAULTS);

/** Prefixes many keys share, longest first: names are compared after them, or the prefix alone would make any name look close. */
const SHARED_PREFIXES = ['kubernetes.podspec-', 'kubernetes.'];

/** ` (did you mean …?)` for an unknown key. */
function hint(key: string): string {
  const prefix = SHARED_PREFIXES.find((p) => key.startsWith(p)) ?? '';
  const names = KEYS.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  return didYouMean(key.slice(prefix.length), names, (n) => prefix + n);
}

/** The values Knative takes for `key`; secure-pod-defaults has its own set, without Allowed. */
export const acceptedValues = (key: string): readonly FeatureFlag[] =>
  key === SECURE_POD_DEFAULTS ? ['Disabled', 'AllowRootBounded', 'Enabled'] : ['Enabled', 'Allowed', 'Disabled'];

/** `raw` as the flag Knative reads it (any case, as strings.EqualFold has it), or undefined for a value it ignores. */
export function parseFlag(key: string, raw: string): FeatureFlag | undefined {
  return acceptedValues(key).find((f) => goEqualFoldAscii(raw, f.toLowerCase()));
}

/** config-features as Knative holds it. */
export interface FeatureFlags {
  /** Every flag Knative reads: the value config-features gives it when Knative takes that value, else its default. */
  readonly values: Readonly<Record<string, FeatureFlag>>;
  /** The values as written, for the keys config-features sets (Knative ignores a value it does not accept). */
  readonly written: Readonly<Record<string, string>>;
}

/** Reads config-features as Knative does: no value is an error. */
export function readFeatures(data: Readonly<Record<string, string>>): FeatureFlags {
  const values: Record<string, FeatureFlag> = { ...FEATURE_DEFAULTS };
  const written: Record<string, string> = {};
  for (const key of KEYS) {
    if (!Object.prototype.hasOwnProperty.call(data, key)) continue;
    const raw = data[key]!;
    written[key] = raw;
    values[key] = parseFlag(key, raw) ?? FEATURE_DEFAULTS[key]!;
  }
  return { values, written };
}

/** The values `key` takes, in lower case as Knative's shipped ConfigMap writes them: `enabled, allowed or disabled`. */
export const acceptedText = (key: string): string => {
  const v = acceptedValues(key).map((f) => f.toLowerCase());
  return `${v.slice(0, -1).join(', ')} or ${v[v.length - 1]}`;
};

/**
 * One warning (without its `file: path: ` head) per key of config-features that Knative
 * does not read or whose value it ignores, in the data's order.
 */
export function featuresWarnings(data: Readonly<Record<string, string>>): Array<{ key: string; text: string }> {
  const out: Array<{ key: string; text: string }> = [];
  for (const [key, raw] of Object.entries(data)) {
    // `_example` (and any `_` key) is a ConfigMap's documentation block.
    if (key.startsWith('_')) continue;
    const dflt = FEATURE_DEFAULTS[key];
    if (dflt === undefined) {
      out.push({ key, text: `unknown ${FEATURES_CONFIG_MAP} key, ignored${hint(key)}` });
    } else if (parseFlag(key, raw) === undefined) {
      out.push({ key, text: `${quote(raw)} is not ${acceptedText(key)}: Knative ignores it and keeps the default, ${dflt.toLowerCase()}` });
    }
  }
  return out;
}
