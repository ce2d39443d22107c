/**
 * Which override paths name a real field of a Knative Service: `--set`, `--grid` and
 * `--space` paths into a manifest are checked against the Service's schema
 * (service-fields.ts) before they are applied, so a misspelt path is refused with the
 * closest field rather than written into the manifest. Manifests themselves are checked
 * against the same tree when they load (manifest-fields.ts). Where the schema keeps
 * unknown fields (annotations, labels, affinity, an init container, status ...) any
 * path is accepted: annotation keys are checked when the scenario loads (see
 * annotation-warnings.ts). Scenario fields outside manifests need no tree: the scenario
 * schema is strict.
 */
import { closest } from './did-you-mean.js';
import { formatPath, type PathSegment } from './errors.js';
import { SERVICE_NODE, TEMPLATE_NODE, TRAFFIC_NODE, type FieldNode } from './service-fields.js';

type Node = FieldNode;

/** Where a path enters a Knative object, and that object's tree; undefined when the path does not. */
function knativeRoot(path: readonly PathSegment[]): { depth: number; node: Node } | undefined {
  if (path[0] !== 'services' || typeof path[1] !== 'number') return undefined;
  if (path[2] === 'manifest') return { depth: 3, node: SERVICE_NODE };
  if (path[2] === 'updates' && typeof path[3] === 'number') {
    if (path[4] === 'template') return { depth: 5, node: TEMPLATE_NODE };
    if (path[4] === 'traffic') return { depth: 5, node: TRAFFIC_NODE };
  }
  return undefined;
}

/** Every complete path below `node`, for suggestions (leaves end a path). */
function leafPaths(node: Node, prefix: PathSegment[], out: PathSegment[][]): PathSegment[][] {
  if ('leaf' in node) out.push(prefix);
  else if ('item' in node) leafPaths(node.item, [...prefix, 0], out);
  else for (const [k, v] of Object.entries(node.fields)) leafPaths(v, [...prefix, k], out);
  return out;
}

/**
 * Checks that `path` names a field a Knative Service has, where it enters a
 * manifest (`services[i].manifest...`, `services[i].updates[j].template...` or
 * `...traffic...`); other paths pass (the strict scenario schema checks them).
 * @returns the rule to report, with a "did you mean" when a field is close; undefined when the path is fine.
 */
export function overridePathError(path: readonly PathSegment[]): string | undefined {
  const root = knativeRoot(path);
  if (root === undefined) return undefined;
  let node = root.node;
  for (let k = root.depth; k < path.length; k++) {
    // Below a leaf: the value written is type-checked when the manifest loads.
    if ('leaf' in node) return undefined;
    const seg = path[k]!;
    if ('item' in node) {
      if (typeof seg !== 'number') return undefined; // applySet reports indexing mistakes
      node = node.item;
      continue;
    }
    if (typeof seg === 'number') return undefined;
    const next = node.fields[seg];
    if (next !== undefined) {
      node = next;
      continue;
    }
    const here = path.slice(0, k);
    const at = here.length === root.depth ? 'a Knative Service' : formatPath(here);
    if (node.refused?.includes(seg) === true) {
      return `${JSON.stringify(seg)} is a Kubernetes field Knative's Service schema leaves out of ${at}: kubectl apply refuses it (strict decoding error: unknown field)`;
    }
    // Suggest the whole corrected path: the close field here, or a close field a level deeper or shallower.
    const candidates = leafPaths(node, [], []).map((p) => ({ p, text: p.map(String).join('.') }));
    const rest = path.slice(k).map(String).join('.');
    const sameField = closest(seg, Object.keys(node.fields));
    let fix: PathSegment[] | undefined;
    if (sameField !== undefined) fix = [...here, sameField, ...path.slice(k + 1)];
    else {
      const whole = closest(rest, candidates.map((c) => c.text));
      const found = candidates.find((c) => c.text === whole);
      if (found !== undefined) fix = [...here, ...found.p];
    }
    const hint = fix === undefined ? '' : ` (did you mean ${formatPath(fix)}?)`;
    return `${JSON.stringify(seg)} is not a field of ${at}${hint}`;
  }
  return undefined;
}
