/**
 * The webhook's gate on a template's init containers (pkg/apis/serving/k8s_validation.go
 * and fieldmask.go): only with config-features `kubernetes.podspec-init-containers: enabled`
 * may a template have any. `allowed` lets the field through the field mask but the
 * init-container check still finds support off; `disabled` (the default) refuses the field
 * itself, so even an empty list is refused.
 */
import { FEATURES_CONFIG_MAP, INIT_CONTAINERS_FLAG, acceptedText, parseFlag, type FeatureFlags } from './config-features.js';
import { formatPath, quote, ScenarioError, type PathSegment } from './errors.js';

// The fix comes before the why, so a long path that cuts the line short cuts the why.
const FIX = `set ${FEATURES_CONFIG_MAP}' ${INIT_CONTAINERS_FLAG}: enabled`;

/** Why the flag is not Enabled, in a few words. */
function flagState(f: FeatureFlags): string {
  const raw = f.written[INIT_CONTAINERS_FLAG];
  if (raw === undefined) return 'it is disabled by default';
  if (parseFlag(INIT_CONTAINERS_FLAG, raw) === undefined) return `it is ${quote(raw)}, not ${acceptedText(INIT_CONTAINERS_FLAG)}, which Knative ignores`;
  if (f.values[INIT_CONTAINERS_FLAG] === 'Allowed') return 'allowed lets the field through, but only enabled turns init containers on';
  return 'it is disabled';
}

/**
 * Refuses a template (its `spec`, written at `base`) whose init containers Knative's
 * webhook would refuse under these feature flags.
 * @throws ScenarioError at `<base>.initContainers`.
 */
export function checkInitContainers(spec: unknown, flags: FeatureFlags, file: string, base: readonly PathSegment[]): void {
  const flag = flags.values[INIT_CONTAINERS_FLAG];
  if (typeof spec !== 'object' || spec === null) return;
  const list = (spec as Record<string, unknown>)['initContainers'];
  if (!Array.isArray(list)) return;
  if (flag === 'Enabled') {
    checkInitContainerFields(list, file, [...base, 'initContainers']);
    return;
  }
  const path = formatPath([...base, 'initContainers']);
  const why = flagState(flags);
  if (list.length > 0) {
    throw new ScenarioError(file, path, `pod spec support for init-containers is off, so Knative refuses the template: ${FIX} (${why})`);
  }
  // An empty list passes the init-container check but not the field mask, which drops the field unless the flag is on.
  if (flag !== 'Allowed') {
    throw new ScenarioError(file, path, `must not set the field, even empty, so Knative refuses the template: leave it out or ${FIX} (${why})`);
  }
}

/** Fields an init container may not set (the kubelet runs it to completion before the pod starts), whatever the flags. */
const NOT_IN_INIT_CONTAINERS = ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'] as const;

/**
 * The webhook's own check of each init container (validateInitContainer): no probes and no
 * lifecycle hooks. A field counts once written, even `{}`, as a Go pointer does; `null` is unset.
 * @throws ScenarioError at `<base>[i].<field>`.
 */
function checkInitContainerFields(list: readonly unknown[], file: string, base: readonly PathSegment[]): void {
  list.forEach((c, i) => {
    if (typeof c !== 'object' || c === null) return;
    for (const field of NOT_IN_INIT_CONTAINERS) {
      const v = (c as Record<string, unknown>)[field];
      if (v !== undefined && v !== null) {
        throw new ScenarioError(file, formatPath([...base, i, field]), 'is not allowed in an init container (it runs to completion before the pod starts), so Knative refuses the template');
      }
    }
  });
}
