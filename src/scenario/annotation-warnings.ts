/**
 * Warnings for keys Knative would ignore without a word: an annotation in the
 * `autoscaling.knative.dev/` namespace that no version of the autoscaler reads
 * (`minscale`, `targt`), and a `config-autoscaler` key it does not know
 * (`stable-windw`). Knative ignores them, so knsim does too, but says so: such a
 * key is nearly always a typo that leaves the setting at its default.
 */
import { AUTOSCALER_CONFIG_KEYS, AUTOSCALING_ANNOTATION_KEYS, AUTOSCALING_GROUP } from '../core/autoscaler/index.js';
import { INGRESS_CLASS_ANNOTATION_KEYS, ROLLOUT_DURATION_ANNOTATION, ROLLOUT_DURATION_ANNOTATION_LEGACY } from '../core/traffic/index.js';
import { didYouMean } from './did-you-mean.js';
import { formatPath, type PathSegment } from './errors.js';

const ANNOTATION_PREFIX = `${AUTOSCALING_GROUP}/`;

/** Every autoscaling annotation key the autoscaler reads, legacy spellings included. */
const KNOWN_ANNOTATIONS: readonly string[] = Object.values(AUTOSCALING_ANNOTATION_KEYS).flat();

/** One warning: `file: path: text`, the form errors take. */
const line = (file: string, path: readonly PathSegment[], text: string): string => `${file}: ${formatPath(path)}: ${text}`;

/** Warnings for the unknown `autoscaling.knative.dev/` keys of one annotations map written at `base` in `file`. */
export function annotationWarnings(annotations: Readonly<Record<string, string>>, file: string, base: readonly PathSegment[]): string[] {
  const out: string[] = [];
  for (const key of Object.keys(annotations)) {
    if (!key.startsWith(ANNOTATION_PREFIX) || KNOWN_ANNOTATIONS.includes(key)) continue;
    // Compare the names after the prefix: the shared prefix would make any name look close.
    const names = KNOWN_ANNOTATIONS.map((k) => k.slice(ANNOTATION_PREFIX.length));
    const hint = didYouMean(key.slice(ANNOTATION_PREFIX.length), names, (n) => ANNOTATION_PREFIX + n);
    out.push(line(file, [...base, key], `unknown autoscaling annotation, ignored${hint}`));
  }
  return out;
}

/**
 * One warning (without its `file: path: ` head) per key of `config-autoscaler` that the
 * autoscaler does not read, in the data's order; the caller names where the key is written.
 */
export function autoscalerConfigWarnings(data: Readonly<Record<string, string>>): Array<{ key: string; text: string }> {
  const out: Array<{ key: string; text: string }> = [];
  for (const key of Object.keys(data)) {
    // `_example` (and any `_` key) is a ConfigMap's documentation block.
    if (AUTOSCALER_CONFIG_KEYS.includes(key) || key.startsWith('_')) continue;
    out.push({ key, text: `unknown config-autoscaler key, ignored${didYouMean(key, AUTOSCALER_CONFIG_KEYS)}` });
  }
  return out;
}

/**
 * A Service's own ingress class (its `networking.knative.dev/ingress.class` annotation, which
 * Knative passes to its Route's KIngress) is not simulated: the warning says config-network's
 * class decides how the ingress balances. One per annotation written, at `base` in `file`.
 */
export function ingressClassAnnotationWarnings(annotations: Readonly<Record<string, string>>, file: string, base: readonly PathSegment[]): string[] {
  return INGRESS_CLASS_ANNOTATION_KEYS.filter((k) => Object.prototype.hasOwnProperty.call(annotations, k)).map((k) =>
    line(file, [...base, k], "a Service's own ingress class is not simulated: the ingress balances as config-network's ingress-class says"),
  );
}

/**
 * The rollout duration on a revision template does nothing: the Route reads it from its own
 * annotations, which the Service's `metadata.annotations` give it (upstream's webhook checks it
 * only there and lets the template carry it unread). One per key written, at `base` in `file`.
 */
export function templateRolloutDurationWarnings(annotations: Readonly<Record<string, string>>, file: string, base: readonly PathSegment[]): string[] {
  return [ROLLOUT_DURATION_ANNOTATION, ROLLOUT_DURATION_ANNOTATION_LEGACY]
    .filter((k) => Object.prototype.hasOwnProperty.call(annotations, k))
    .map((k) => line(file, [...base, k], "ignored on the revision template, as Knative ignores it: the Route reads the rollout duration from the Service's metadata.annotations"));
}
