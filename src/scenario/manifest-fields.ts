/**
 * Refuses what a Knative object's schema (service-fields.ts) or the webhook's field masks
 * refuse before any other check: a field the Service CRD's schema does not list (`kubectl
 * apply` refuses it), then a value of another type or a missing required field (the API
 * server's validation); and what the schema keeps but the masks refuse: a Kubernetes field
 * inside an init container, or a value only the webhook refuses (`privileged: true`).
 */
import { closest } from './did-you-mean.js';
import { formatPath, ScenarioError, type PathSegment } from './errors.js';
import { describeValue } from './values.js';
import { CONTAINER_NODE, type FieldNode, type FieldsNode, type LeafType } from './service-fields.js';
import { type Obj, isObj, setInGo } from './go-values.js';

/** A path as kubectl prints it in a strict decoding error: `spec.template.spec.containers[0].stdin`. */
function apiPath(path: readonly PathSegment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** How many more fields the line names after the first. */
const MAX_OTHERS = 3;

interface Unlisted {
  at: PathSegment[];
  key: string;
  node: FieldsNode;
}

interface Mistyped {
  at: PathSegment[];
  /** `present`: a required field is missing. */
  expected: Expected | 'present';
  value: unknown;
}

type Expected = 'string' | 'integer' | 'boolean' | 'integer or string' | 'array' | 'object';

/** What a leaf's value must be, as the API server's schema names it. */
const LEAF_TYPE: Record<Exclude<LeafType, 'open'>, Expected> = {
  string: 'string',
  integer: 'integer',
  boolean: 'boolean',
  'int-or-string': 'integer or string',
  strings: 'array',
  'string-map': 'object',
};

/** The same in knsim's words (describeValue's). */
const EXPECTED_TEXT: Record<Expected, string> = {
  string: 'a string',
  integer: 'an integer',
  boolean: 'a boolean',
  'integer or string': 'an integer or a string',
  array: 'a list',
  object: 'a mapping',
};

function leafFits(t: LeafType, v: unknown): boolean {
  switch (t) {
    case 'open':
      return true;
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return Number.isSafeInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'int-or-string':
      return typeof v === 'string' || Number.isSafeInteger(v);
    case 'strings':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'string-map':
      return isObj(v) && Object.values(v).every((x) => typeof x === 'string' || x === null);
  }
}

/**
 * Every key of `value` that `node` does not list, depth first in written order, and every
 * value not of its type. A null is no value: the API server drops it.
 */
function walk(value: unknown, node: FieldNode, at: PathSegment[], unknown: Unlisted[], mistyped: Mistyped[]): void {
  if (value === null || value === undefined) return;
  if ('leaf' in node) {
    // A list or map of strings: the item that is not one.
    if (node.leaf === 'strings' && Array.isArray(value)) {
      value.forEach((x: unknown, i) => typeof x !== 'string' && mistyped.push({ at: [...at, i], expected: 'string', value: x }));
    } else if (node.leaf === 'string-map' && isObj(value)) {
      for (const [k, x] of Object.entries(value)) if (typeof x !== 'string' && x !== null) mistyped.push({ at: [...at, k], expected: 'string', value: x });
    } else if (!leafFits(node.leaf, value)) mistyped.push({ at, expected: LEAF_TYPE[node.leaf as Exclude<LeafType, 'open'>], value });
    return;
  }
  if ('item' in node) {
    if (Array.isArray(value)) value.forEach((v: unknown, i) => walk(v, node.item, [...at, i], unknown, mistyped));
    else mistyped.push({ at, expected: 'array', value });
    return;
  }
  if (!isObj(value)) {
    mistyped.push({ at, expected: 'object', value });
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const child = node.fields[k];
    if (child === undefined) unknown.push({ at, key: k, node });
    else walk(v, child, [...at, k], unknown, mistyped);
  }
  for (const k of node.required ?? []) if (value[k] === undefined || value[k] === null) mistyped.push({ at: [...at, k], expected: 'present', value: undefined });
}

/** "; also a, b, c, and N more" for the fields after the first (the line is capped anyway, so a few say enough). */
function alsoText(rest: readonly string[]): string {
  if (rest.length === 0) return '';
  const named = rest.slice(0, MAX_OTHERS);
  if (rest.length > MAX_OTHERS) named.push(`and ${rest.length - MAX_OTHERS} more`);
  return `; also ${named.join(', ')}`;
}

/**
 * Refuses a Knative object (or part of one, written at `base` in `file`) that its schema
 * `node` refuses. First the fields it does not list, as kubectl's strict decoding does (at
 * the first, naming the others too, since kubectl lists them all); then a value of the wrong
 * type, as the API server's schema validation does. `apiBase` is where `value` sits in the
 * Service (`['spec', 'template']` for an update's template).
 * @throws ScenarioError at the first such field.
 */
export function checkSchemaFields(value: unknown, node: FieldNode, file: string, base: readonly PathSegment[], apiBase: readonly PathSegment[]): void {
  const unknown: Unlisted[] = [];
  const mistyped: Mistyped[] = [];
  walk(value, node, [], unknown, mistyped);
  const first = unknown[0];
  if (first !== undefined) {
    const { at, key } = first;
    const api = (u: Unlisted): string => apiPath([...apiBase, ...u.at, u.key]);
    const strict = `kubectl apply refuses it (strict decoding error: unknown field ${JSON.stringify(api(first))}${alsoText(unknown.slice(1).map(api))})`;
    let rule: string;
    if (first.node.refused?.includes(key) === true) rule = `Knative's Service schema leaves out this Kubernetes field, so ${strict}`;
    else {
      const near = closest(key, Object.keys(first.node.fields));
      rule = `not a field of a Knative Service${near !== undefined ? ` (did you mean ${near}?)` : ''}: ${strict}`;
    }
    throw new ScenarioError(file, formatPath([...base, ...at, key]), rule);
  }
  const bad = mistyped[0];
  if (bad !== undefined) {
    const api = apiPath([...apiBase, ...bad.at]);
    const others = alsoText(mistyped.slice(1).map((m) => apiPath([...apiBase, ...m.at])));
    const rule =
      bad.expected === 'present'
        ? `required field is missing: the API server refuses it (${api}: Required value${others})`
        : `expected ${EXPECTED_TEXT[bad.expected]}, got ${describeValue(bad.value)}: the API server refuses it (${api} must be of type ${bad.expected}${others})`;
    throw new ScenarioError(file, formatPath([...base, ...bad.at]), rule);
  }
}

/** The first Kubernetes field of `value` that the webhook's masks refuse (set as Go decodes it); unknown keys pass, as its decoder drops them. */
function firstMasked(value: unknown, node: FieldNode, at: PathSegment[]): PathSegment[] | undefined {
  if ('leaf' in node) return undefined;
  if ('item' in node) {
    if (!Array.isArray(value)) return undefined;
    for (let i = 0; i < value.length; i++) {
      const found = firstMasked(value[i], node.item, [...at, i]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isObj(value)) return undefined;
  for (const [k, v] of Object.entries(value)) {
    if (node.refused?.includes(k) === true && setInGo(v)) return [...at, k];
    const child = node.fields[k];
    if (child === undefined) continue;
    const found = firstMasked(v, child, [...at, k]);
    if (found !== undefined) return found;
  }
  return undefined;
}

const MASK = 'so Knative refuses the template (must not set the field(s))';

/**
 * What the webhook refuses in a template's pod spec (`spec`, written at `base`) beyond its
 * schema: in an init container (which the schema keeps whole) a Kubernetes field the
 * container masks drop; anywhere, `privileged: true` and `automountServiceAccountToken: true`,
 * of which the masks keep only `false`.
 * @throws ScenarioError at the field.
 */
export function checkMaskedFields(spec: unknown, file: string, base: readonly PathSegment[]): void {
  if (!isObj(spec)) return;
  const fail = (at: PathSegment[], rule: string): never => {
    throw new ScenarioError(file, formatPath([...base, ...at]), rule);
  };
  if (spec['automountServiceAccountToken'] === true) {
    fail(['automountServiceAccountToken'], `Knative lets a Revision only turn the token off (false), ${MASK}`);
  }
  for (const list of ['containers', 'initContainers'] as const) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    containers.forEach((c: unknown, i) => {
      if (!isObj(c)) return;
      if (list === 'initContainers') {
        const masked = firstMasked(c, CONTAINER_NODE, []);
        if (masked !== undefined) fail([list, i, ...masked], `Knative does not take this Kubernetes field in a container, ${MASK}`);
      }
      const sc = c['securityContext'];
      if (isObj(sc) && sc['privileged'] === true) fail([list, i, 'securityContext', 'privileged'], `Knative allows only privileged: false, ${MASK}`);
    });
  }
}
