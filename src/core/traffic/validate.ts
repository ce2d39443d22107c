/**
 * Defaulting and admission validation of a `spec.traffic` block, as the
 * serving webhook does it for Routes and Services (pkg/apis/serving/v1
 * route_defaults.go, route_validation.go, service_validation.go), plus the
 * Service → Route translation of the service reconciler (resources/route.go).
 */

import { FieldError, formatIssuePaths, type FieldIssue, type FieldPathInput } from '../field-error.js';
import { dns1035LabelErrors, qualifiedNameErrors } from './k8s-names.js';
import type { DefaultedTrafficTarget, TrafficOwner, TrafficTarget } from './types.js';

/**
 * A traffic block (or traffic annotation) the serving webhook would reject: a
 * {@link FieldError} with one issue. `field` is the offending field path, e.g.
 * `spec.traffic[1].percent`; `paths` lists every path the rule names (duplicate
 * tags name both entries); the message reads like Knative's: `<rule>: <paths>`.
 */
export class TrafficValidationError extends FieldError {
  override name = 'TrafficValidationError';
  /** All field paths this error names, sorted as Knative prints them. */
  readonly paths: readonly string[];
  /** The rule that was broken, in Knative's words, without the paths. */
  readonly rule: string;
  constructor(rule: string, paths: readonly FieldPathInput[], details?: string) {
    super(rule, paths, details);
    this.paths = formatIssuePaths(this.first);
    this.rule = rule;
  }

  /** The TrafficValidationError of one issue of a composed FieldError. */
  static fromIssue(issue: FieldIssue): TrafficValidationError {
    return new TrafficValidationError(issue.message, issue.paths, issue.details);
  }
}

/**
 * Applies Knative's defaults to a traffic block: a Service with no traffic sends
 * 100% to its latest revision; every target gets `latestRevision = (revisionName == '')`
 * and `percent = 0` when unset. A standalone Route gets no default target.
 * Returns a new array; the input is not modified.
 */
export function defaultTraffic(traffic: readonly TrafficTarget[], owner: TrafficOwner): DefaultedTrafficTarget[] {
  const src: readonly TrafficTarget[] =
    traffic.length === 0 && owner === 'service' ? [{ percent: 100, latestRevision: true }] : traffic;
  return src.map((tt) => {
    const revisionName = tt.revisionName ?? '';
    return {
      tag: tt.tag ?? '',
      revisionName,
      configurationName: tt.configurationName ?? '',
      latestRevision: tt.latestRevision ?? revisionName === '',
      percent: tt.percent ?? 0,
    };
  });
}

/** Checks one defaulted target; paths are relative to the target. */
function validateTarget(tt: DefaultedTrafficTarget, owner: TrafficOwner): FieldError[] {
  const errs: FieldError[] = [];
  // latestRevision must agree with whether the target is pinned to a revision.
  const pinned = tt.revisionName !== '';
  if (pinned === tt.latestRevision) {
    errs.push(
      new FieldError(
        `may not set revisionName ${JSON.stringify(tt.revisionName)} when latestRevision is ${String(tt.latestRevision)}`,
        ['latestRevision'],
      ),
    );
  }
  // Inside a Service the configuration is implied, so naming one is an error.
  if (owner === 'service' && tt.configurationName !== '') {
    errs.push(new FieldError('must not set the field(s)', ['configurationName']));
  } else if (tt.revisionName !== '' && tt.configurationName !== '') {
    errs.push(
      new FieldError('expected exactly one, got both', ['revisionName', 'configurationName']),
    );
  } else if (tt.revisionName !== '') {
    const msgs = qualifiedNameErrors(tt.revisionName);
    if (msgs.length > 0) {
      errs.push(
        new FieldError(`invalid key name ${JSON.stringify(tt.revisionName)}`, ['revisionName'], msgs.join(', ')),
      );
    }
  } else if (tt.configurationName !== '') {
    const msgs = qualifiedNameErrors(tt.configurationName);
    if (msgs.length > 0) {
      errs.push(
        new FieldError(
          `invalid key name ${JSON.stringify(tt.configurationName)}`,
          ['configurationName'],
          msgs.join(', '),
        ),
      );
    }
  } else if (owner === 'route') {
    errs.push(
      new FieldError('expected exactly one, got neither', ['revisionName', 'configurationName']),
    );
  }
  // percent is an int64 in the API; anything else would not even decode.
  if (typeof tt.percent !== 'number' || !Number.isInteger(tt.percent)) {
    errs.push(new FieldError(`invalid value: ${String(tt.percent)}`, ['percent'], 'percent must be an integer'));
  } else if (tt.percent < 0 || tt.percent > 100) {
    errs.push(new FieldError(`expected 0 <= ${tt.percent} <= 100`, ['percent']));
  }
  return errs;
}

/**
 * Validates a traffic block the way the serving webhook does after defaulting:
 * every percent an integer in [0, 100] and all of them summing to exactly 100;
 * tags DNS-1035 labels and unique; each target names a revision or (Route only)
 * a configuration, not both; `latestRevision: true` forbids `revisionName` and
 * `false` requires it; inside a Service `configurationName` is not allowed;
 * `url` (a status field) is not allowed.
 *
 * Returns every problem found, in the order Knative checks them; an empty array
 * means the block is valid. Field paths index the defaulted list (a Service's
 * empty block is valid because it defaults to one target).
 *
 * Note: like upstream (apis.ErrInvalidArrayValue), a bad tag is reported at
 * `spec.traffic.tag[i]`, not `spec.traffic[i].tag`.
 */
export function validateTraffic(traffic: readonly TrafficTarget[], owner: TrafficOwner): TrafficValidationError[] {
  const errs = trafficBlockErrors(traffic, owner);
  return errs === undefined ? [] : errs.viaField('spec', 'traffic').issues.map((i) => TrafficValidationError.fromIssue(i));
}

/**
 * The checks of {@link validateTraffic} as one {@link FieldError} whose paths
 * are relative to the traffic list (`[1].percent`, `tag[2]`, `` for the sum),
 * for callers that place the block elsewhere; undefined when the block is valid.
 */
export function trafficBlockErrors(traffic: readonly TrafficTarget[], owner: TrafficOwner): FieldError | undefined {
  const defaulted = defaultTraffic(traffic, owner);
  const errs: FieldError[] = [];
  const firstIndexOfTag = new Map<string, number>();
  let sum = 0;
  defaulted.forEach((tt, i) => {
    errs.push(...validateTarget(tt, owner).map((e) => e.viaIndex(i)));
    // Knative fills in url in status.traffic; in a spec it is refused (a Service's default target has none).
    const url = traffic[i]?.url;
    if (url !== undefined && url !== '') errs.push(new FieldError('must not set the field(s)', [[i, 'url']]));
    if (typeof tt.percent === 'number' && Number.isFinite(tt.percent)) sum += tt.percent;
    if (tt.tag === '') return;
    const msgs = dns1035LabelErrors(tt.tag);
    if (msgs.length > 0) {
      errs.push(new FieldError(`invalid value: not a DNS 1035 label: [${msgs.join(' ')}]`, [['tag', i]]));
    }
    const prev = firstIndexOfTag.get(tt.tag);
    if (prev !== undefined) {
      // One definition per tag, even if both entries point at the same target.
      errs.push(new FieldError(`Multiple definitions for ${JSON.stringify(tt.tag)}`, [[i, 'tag'], [prev, 'tag']]));
    } else {
      firstIndexOfTag.set(tt.tag, i);
    }
  });
  if (sum !== 100) {
    errs.push(new FieldError(`Traffic targets sum to ${sum}, want 100`));
  }
  return FieldError.merge(...errs);
}

/**
 * Defaults and validates a traffic block, returning the defaulted targets.
 * @throws {TrafficValidationError} the first problem {@link validateTraffic} finds.
 */
export function assertValidTraffic(traffic: readonly TrafficTarget[], owner: TrafficOwner): DefaultedTrafficTarget[] {
  const errs = validateTraffic(traffic, owner);
  const first = errs[0];
  if (first) throw first;
  return defaultTraffic(traffic, owner);
}

/**
 * The Route traffic a Service produces (service reconciler's MakeRoute): the
 * Service's block is validated and defaulted, then every target that does not
 * pin a revision is pointed at the Service's configuration, which has the
 * Service's name.
 * @throws {TrafficValidationError} when the Service's traffic block is invalid.
 */
export function makeRouteTraffic(serviceName: string, traffic: readonly TrafficTarget[]): DefaultedTrafficTarget[] {
  if (qualifiedNameErrors(serviceName).length > 0) {
    throw new TrafficValidationError(`invalid key name ${JSON.stringify(serviceName)}`, [['metadata', 'name']]);
  }
  return assertValidTraffic(traffic, 'service').map((tt) =>
    tt.revisionName === '' ? { ...tt, configurationName: serviceName } : tt,
  );
}
