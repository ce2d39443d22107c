/**
 * Refuses a Knative object's field that would never reach a Revision (service-fields.ts):
 * one the Service CRD's schema does not list, which `kubectl apply` refuses, and one the
 * schema keeps (inside an init container) but the webhook's field masks refuse, or a value
 * only the webhook refuses (`privileged: true`).
 */
import { closest } from './did-you-mean.js';
import { formatPath, ScenarioError, type PathSegment } from './errors.js';
import { CONTAINER_NODE, type FieldNode, type FieldsNode } from './service-fields.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A path as kubectl prints it in a strict decoding error: `spec.template.spec.containers[0].stdin`. */
function apiPath(path: readonly PathSegment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** Set as Go decodes it: not absent, null, false, "" or 0 (a list or map counts even when empty). */
const setInGo = (v: unknown): boolean => v !== undefined && v !== null && v !== false && v !== '' && v !== 0;

/** How many more unknown fields the line names after the first. */
const MAX_OTHERS = 3;

interface Unlisted {
  at: PathSegment[];
  key: string;
  node: FieldsNode;
}

/** Every key of `value` that `node` does not list, depth first in written order. */
function unlisted(value: unknown, node: FieldNode, at: PathSegment[], out: Unlisted[]): Unlisted[] {
  if (node === 'open') return out;
  if ('item' in node) {
    if (Array.isArray(value)) value.forEach((v: unknown, i) => unlisted(v, node.item, [...at, i], out));
    return out;
  }
  if (!isObj(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    const child = node.fields[k];
    if (child === undefined) out.push({ at, key: k, node });
    else unlisted(v, child, [...at, k], out);
  }
  return out;
}

/**
 * Refuses a Knative object (or part of one, written at `base` in `file`) with fields its
 * schema `node` does not list, as kubectl's strict decoding does: at the first, naming the
 * others too, since kubectl lists them all. `apiBase` is where `value` sits in the Service
 * (`['spec', 'template']` for an update's template).
 * @throws ScenarioError at the first such field.
 */
export function checkSchemaFields(value: unknown, node: FieldNode, file: string, base: readonly PathSegment[], apiBase: readonly PathSegment[]): void {
  const all = unlisted(value, node, [], []);
  const first = all[0];
  if (first === undefined) return;
  const { at, key } = first;
  const api = (u: Unlisted): string => apiPath([...apiBase, ...u.at, u.key]);
  // The line is capped anyway; a few names say enough.
  const named = all.slice(1, 1 + MAX_OTHERS).map(api);
  if (all.length > 1 + MAX_OTHERS) named.push(`and ${all.length - 1 - MAX_OTHERS} more`);
  const others = named.length > 0 ? `; also ${named.join(', ')}` : '';
  const strict = `kubectl apply refuses it (strict decoding error: unknown field ${JSON.stringify(api(first))}${others})`;
  let rule: string;
  if (first.node.refused?.includes(key) === true) rule = `Knative's Service schema leaves out this Kubernetes field, so ${strict}`;
  else {
    const near = closest(key, Object.keys(first.node.fields));
    rule = `not a field of a Knative Service${near !== undefined ? ` (did you mean ${near}?)` : ''}: ${strict}`;
  }
  throw new ScenarioError(file, formatPath([...base, ...at, key]), rule);
}

/** The first Kubernetes field of `value` that the webhook's masks refuse (set as Go decodes it); unknown keys pass, as its decoder drops them. */
function firstMasked(value: unknown, node: FieldNode, at: PathSegment[]): PathSegment[] | undefined {
  if (node === 'open') return undefined;
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
