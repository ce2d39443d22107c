/**
 * Kubernetes' checks of an object's annotations (apimachinery ValidateAnnotations):
 * each key a qualified name (checked in lower case), and keys and values together
 * at most 256 KiB. The API server applies them to a Service's own metadata and to
 * every Revision Knative creates from a template or a scenario patches, so a key it
 * would refuse is an error here rather than an annotation that silently does nothing.
 */
import { formatPath, ScenarioError, type PathSegment } from './errors.js';

/** apimachinery's TotalAnnotationSizeLimitB. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

const NAME_MAX = 63;
const NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const PREFIX_MAX = 253;
const PREFIX_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Why Kubernetes refuses `key` as an annotation key (checked in lower case), or as a label
 * key (`label`: as written, so an upper-case prefix is refused), or undefined when it takes it.
 */
export function annotationKeyProblem(key: string, label = false): string | undefined {
  const parts = (label ? key : key.toLowerCase()).split('/');
  if (parts.length > 2) return "at most one '/' (an optional DNS subdomain prefix, then a name)";
  const name = parts[parts.length - 1]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix === '') return "the prefix before '/' is empty";
    if (prefix.length > PREFIX_MAX || !PREFIX_RE.test(prefix)) {
      return `the prefix before '/' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most ${PREFIX_MAX})`;
    }
  }
  if (name === '') return 'the name is empty';
  if (name.length > NAME_MAX) return `the name is ${name.length} characters, at most ${NAME_MAX}`;
  if (!NAME_RE.test(name)) return "the name must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  return undefined;
}

/** Where the annotations end up, for the error's reason. */
export type AnnotationsOn = 'service' | 'revision' | 'pdb';

const REFUSED: Record<AnnotationsOn, string> = {
  service: 'Kubernetes refuses the Service',
  revision: 'Kubernetes refuses the Revision made with it',
  pdb: 'Kubernetes refuses the PodDisruptionBudget',
};

/**
 * Throws a ScenarioError at the first key Kubernetes refuses (`base[key]`), then at
 * `base` when the map is larger than {@link ANNOTATIONS_MAX_BYTES}.
 * `keys` limits the key check to those keys (a patch's); the size always counts all.
 */
export function checkAnnotationKeys(
  annotations: Readonly<Record<string, string>>,
  file: string,
  base: readonly PathSegment[],
  on: AnnotationsOn,
  keys: readonly string[] = Object.keys(annotations),
): void {
  for (const k of keys) {
    const why = annotationKeyProblem(k);
    if (why !== undefined) throw new ScenarioError(file, formatPath([...base, k]), `invalid annotation key: ${why} (${REFUSED[on]})`);
  }
  let bytes = 0;
  for (const [k, v] of Object.entries(annotations)) bytes += utf8.encode(k).length + utf8.encode(v).length;
  if (bytes > ANNOTATIONS_MAX_BYTES) {
    throw new ScenarioError(file, formatPath(base), `keys and values hold ${bytes} bytes, more than Kubernetes' limit of ${ANNOTATIONS_MAX_BYTES} (256 KiB; ${REFUSED[on]})`);
  }
}

const utf8 = new TextEncoder();

const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Kubernetes' checks of an object's labels (apimachinery ValidateLabels): each key a
 * qualified name, each value empty or at most 63 letters, digits, '-', '_' or '.',
 * starting and ending with a letter or digit. Throws a ScenarioError at the first bad one.
 */
export function checkLabels(labels: Readonly<Record<string, string>>, file: string, base: readonly PathSegment[], on: AnnotationsOn): void {
  for (const [k, v] of Object.entries(labels)) {
    const why = annotationKeyProblem(k, true);
    if (why !== undefined) throw new ScenarioError(file, formatPath([...base, k]), `invalid label key: ${why} (${REFUSED[on]})`);
    if (v.length > NAME_MAX || !LABEL_VALUE_RE.test(v)) {
      throw new ScenarioError(
        file,
        formatPath([...base, k]),
        `invalid label value: at most ${NAME_MAX} letters, digits, '-', '_' or '.', starting and ending with a letter or digit, or empty (${REFUSED[on]})`,
      );
    }
  }
}
