/**
 * config-deployment's `progress-deadline`: how long a revision's Deployment may take to
 * make progress (pkg/deployment/config.go). The KPA reads it too: a revision activating
 * for longer than it plus 30 s fails activation.
 */
import { isWholeSeconds, nanosToSeconds, tryParseGoDuration } from '../duration.js';
import { FieldError } from '../field-error.js';
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
