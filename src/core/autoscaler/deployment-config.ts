/**
 * config-deployment's `progress-deadline`: how long a revision's Deployment may take to
 * make progress (pkg/deployment/config.go). The KPA reads it too: a revision activating
 * for longer than it plus 30 s fails activation.
 */
import { isWholeSeconds, nanosToSeconds, tryParseGoDuration } from '../duration.js';
import { FieldError } from '../field-error.js';
import { parseQuantity, QuantityError } from '../resources/quantity.js';
import { goTrimSpace } from '../strconv.js';
import { DEFAULT_PROGRESS_DEADLINE_SECONDS } from './revision.js';

export const DEPLOYMENT_CONFIG_MAP_NAME = 'config-deployment';

const INT32_MAX = 2 ** 31 - 1;

/**
 * The progress deadline in seconds (600 when unset). Upstream parses the legacy camelCase
 * `progressDeadline` first; the kebab-case key, when set, overrides it.
 * @throws FieldError at `config-deployment[<key>]` for a value upstream refuses (not a
 *   duration, not positive, not whole seconds), or one past the int32 seconds of a
 *   Deployment's progressDeadlineSeconds, which Kubernetes would refuse on every revision.
 */
export function parseProgressDeadline(data: Readonly<Record<string, string>>): number {
  let set: { key: string; raw: string; nanos: bigint } | undefined;
  const fail = (key: string, rule: string): never => {
    throw new FieldError(rule, [[DEPLOYMENT_CONFIG_MAP_NAME, { key }]]);
  };
  for (const key of ['progressDeadline', 'progress-deadline']) {
    if (!Object.prototype.hasOwnProperty.call(data, key)) continue;
    const raw = data[key]!;
    const r = tryParseGoDuration(raw);
    if (!r.ok) fail(key, `failed to parse ${JSON.stringify(raw)}: ${r.reason}`);
    else set = { key, raw, nanos: r.nanos };
  }
  if (set === undefined) return DEFAULT_PROGRESS_DEADLINE_SECONDS;
  const { key, raw, nanos } = set;
  if (nanos <= 0n) fail(key, `progress-deadline cannot be a non-positive duration, was ${raw}`);
  if (!isWholeSeconds(nanos)) fail(key, `progress-deadline must be rounded to a whole second, was ${raw}`);
  const seconds = nanosToSeconds(nanos);
  if (seconds > INT32_MAX) {
    fail(key, `${raw} is ${seconds} s, more than the ${INT32_MAX} s of a Deployment's progressDeadlineSeconds (an int32): Kubernetes would refuse the revisions' Deployments`);
  }
  return seconds;
}

/** How upstream's NewConfigFromMap parses each key, in its order: the legacy camelCase keys, then the kebab-case ones. */
const PARSED_KEYS: ReadonlyArray<readonly [string, 'string' | 'duration' | 'quantity' | 'bool']> = [
  ['queueSidecarImage', 'string'],
  ['progressDeadline', 'duration'],
  ['digestResolutionTimeout', 'duration'],
  ['registriesSkippingTagResolving', 'string'],
  ['queueSidecarCPURequest', 'quantity'],
  ['queueSidecarMemoryRequest', 'quantity'],
  ['queueSidecarEphemeralStorageRequest', 'quantity'],
  ['queueSidecarCPULimit', 'quantity'],
  ['queueSidecarMemoryLimit', 'quantity'],
  ['queueSidecarEphemeralStorageLimit', 'quantity'],
  ['queue-sidecar-image', 'string'],
  ['progress-deadline', 'duration'],
  ['digest-resolution-timeout', 'duration'],
  ['registries-skipping-tag-resolving', 'string'],
  ['queue-sidecar-cpu-request', 'quantity'],
  ['queue-sidecar-memory-request', 'quantity'],
  ['queue-sidecar-ephemeral-storage-request', 'quantity'],
  ['queue-sidecar-cpu-limit', 'quantity'],
  ['queue-sidecar-memory-limit', 'quantity'],
  ['queue-sidecar-ephemeral-storage-limit', 'quantity'],
  ['pod-is-always-schedulable', 'bool'],
];

const GO_BOOLS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Why `raw` does not parse as `kind` (as knative.dev/pkg's configmap parsers read it); undefined when it does. */
function parseProblem(kind: 'string' | 'duration' | 'quantity' | 'bool', raw: string): string | undefined {
  switch (kind) {
    case 'string':
      return undefined;
    case 'duration': {
      const r = tryParseGoDuration(raw);
      return r.ok ? undefined : `failed to parse ${JSON.stringify(raw)}: ${r.reason}`;
    }
    case 'quantity':
      try {
        parseQuantity(raw);
        return undefined;
      } catch (e) {
        if (e instanceof QuantityError) return `failed to parse quantity: ${e.message}`;
        throw e;
      }
    case 'bool':
      return GO_BOOLS.has(raw) ? undefined : `failed to parse ${JSON.stringify(raw)}: expected a boolean (true or false)`;
  }
}

/**
 * config-deployment as a cluster's Knative takes it (NewConfigFromMap, pkg/deployment/config.go):
 * every key it parses, in its order, then its rules — the queue-proxy image set, the progress
 * deadline positive and whole seconds (and, knsim's, within a Deployment's int32), the digest
 * resolution timeout positive, a known default affinity type. A ConfigMap it refuses is not
 * taken at all, so a controller reading the cluster's must refuse it too, whichever key is bad.
 * Not checked: `runtime-class-name`'s YAML (core decodes no YAML; the scenario reader checks it).
 * With `imageMayBeUnset` (a scenario's ConfigMap, which lists only the keys it changes from the
 * shipped one), an image left unset is the shipped one; set, it must not be blank.
 * Returns the progress deadline in seconds.
 * @throws FieldError at `config-deployment[<key>]` with the rule.
 */
export function parseClusterDeploymentConfig(data: Readonly<Record<string, string>>, o: { imageMayBeUnset?: boolean } = {}): number {
  const fail = (key: string, rule: string): never => {
    throw new FieldError(rule, [[DEPLOYMENT_CONFIG_MAP_NAME, { key }]]);
  };
  const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(data, key);
  for (const [key, kind] of PARSED_KEYS) {
    if (!has(key)) continue;
    const problem = parseProblem(kind, data[key]!);
    if (problem !== undefined) fail(key, problem);
  }
  // The kebab-case key, parsed later, wins; AsString trims it.
  const imageKey = has('queue-sidecar-image') ? 'queue-sidecar-image' : has('queueSidecarImage') ? 'queueSidecarImage' : undefined;
  if (imageKey === undefined ? o.imageMayBeUnset !== true : goTrimSpace(data[imageKey]!) === '') fail(imageKey ?? 'queue-sidecar-image', 'queue-sidecar-image cannot be empty or unset (Knative runs it as every revision\'s queue-proxy)');
  const progressDeadlineSeconds = parseProgressDeadline(data);
  const digestKey = has('digest-resolution-timeout') ? 'digest-resolution-timeout' : has('digestResolutionTimeout') ? 'digestResolutionTimeout' : undefined;
  if (digestKey !== undefined) {
    const r = tryParseGoDuration(data[digestKey]!);
    if (r.ok && r.nanos <= 0n) fail(digestKey, `digest-resolution-timeout cannot be a non-positive duration, was ${data[digestKey]!}`);
  }
  const affinity = 'default-affinity-type';
  if (has(affinity) && data[affinity] !== 'none' && data[affinity] !== 'prefer-spread-revision-over-nodes') {
    fail(affinity, `unsupported ${affinity} value: ${JSON.stringify(data[affinity])} (Knative takes none or prefer-spread-revision-over-nodes)`);
  }
  return progressDeadlineSeconds;
}
