/**
 * A revision template's container names, checked as they stand once Knative's webhook has
 * named the unnamed ones (container-names.ts): first what the webhook refuses when the
 * template is applied (pkg/apis/serving/k8s_validation.go), then what the API server refuses
 * in the revision's Deployment, which Knative takes but whose revision then never gets a pod;
 * and last the references to a container by name that the kubelet must resolve.
 */
import type { RevisionDefaults } from './configmaps.js';
import { containerNameErrors, defaultContainerNames, nameFromTemplate, type ServiceMeta } from './container-names.js';
import { formatPath, ScenarioError, type PathSegment } from './errors.js';

/** The name Knative gives its own sidecar in every revision's pod. */
const QUEUE_PROXY = 'queue-proxy';
const ADMISSION = 'Knative refuses the template';
const DEPLOYMENT = 'Kubernetes refuses the Deployment';

type TemplateKey = 'container-name-template' | 'init-container-name-template';

/** One container of the template with the name it ends up with, and the config-defaults key that gave it, if any. */
interface Named {
  field: 'containers' | 'initContainers';
  index: number;
  name: string;
  key: TemplateKey | undefined;
  /** Go's error when the template failed on the Service's metadata, so the webhook named from ''. */
  failed?: string | undefined;
}

const namesOf = (list: unknown): Array<string | undefined> =>
  (Array.isArray(list) ? list : []).map((c: unknown) => {
    const n = typeof c === 'object' && c !== null ? (c as Record<string, unknown>)['name'] : undefined;
    return typeof n === 'string' ? n : undefined;
  });

/** Each container's and init container's name after the webhook's defaulting, in that order. */
function namedContainers(spec: unknown, defaults: RevisionDefaults, meta: ServiceMeta, file: string, specPath: readonly PathSegment[]): Named[] {
  const s = typeof spec === 'object' && spec !== null ? (spec as Record<string, unknown>) : {};
  const containers = namesOf(s['containers']);
  const inits = namesOf(s['initContainers']);
  // The webhook steers clear of every name in the pod spec, an unnamed container's '' among them.
  const taken = new Set([...containers, ...inits].map((n) => n ?? ''));
  const lists = [
    { field: 'containers', names: containers, key: 'container-name-template', template: defaults.containerNameTemplate },
    { field: 'initContainers', names: inits, key: 'init-container-name-template', template: defaults.initContainerNameTemplate },
  ] as const;
  return lists.flatMap(({ field, names, key, template }) => {
    const unnamed = names.findIndex((n) => n === undefined || n === '');
    if (unnamed < 0) return names.map((n, index): Named => ({ field, index, name: n!, key: undefined }));
    const base = nameFromTemplate(template, meta);
    if ('unchecked' in base) {
      throw new ScenarioError(
        file,
        formatPath([...specPath, field, unnamed, 'name']),
        `config-defaults ${key} uses ${base.unchecked} here, which knsim does not evaluate (knsim's rule): name this container`,
      );
    }
    const given = defaultContainerNames(names, taken, base.name);
    return names.map((n, index): Named => {
      const g = given.get(index);
      return g !== undefined ? { field, index, name: g, key, failed: base.failed } : { field, index, name: n ?? '', key: undefined };
    });
  });
}

/**
 * The template's containers' names as the webhook leaves them, in order (for messages that
 * name a container, as the HPA's does); call after checkContainerNames has passed the template.
 */
export function containerNames(spec: unknown, defaults: RevisionDefaults, meta: ServiceMeta, file: string, specPath: readonly PathSegment[]): string[] {
  return namedContainers(spec, defaults, meta, file, specPath)
    .filter((c) => c.field === 'containers')
    .map((c) => c.name);
}

/** How config-defaults gave `c` its name. */
const givenBy = (c: Named): string =>
  c.failed === undefined
    ? `config-defaults ${c.key} gives ${JSON.stringify(c.name)}`
    : `config-defaults ${c.key} fails here (${c.failed}), giving ${JSON.stringify(c.name)}`;
/** `"name"`, or where a config-defaults template gave it, that template's key and the name. */
const subject = (c: Named): string => (c.key === undefined ? JSON.stringify(c.name) : `${givenBy(c)}, which`);
const otherName = (c: Named): string => `${c.field}[${c.index}]${c.key === undefined ? '' : ` (named by config-defaults ${c.key})`}`;

/**
 * The first container before `c` in `among` with c's name, if any. The webhook compares each
 * container with the containers before it and each init container with the containers only;
 * the API server compares every name in the pod with every other.
 */
function earlier(c: Named, among: readonly Named[]): Named | undefined {
  return among.find((o) => o !== c && o.name === c.name && (o.field !== c.field || o.index < c.index));
}

/**
 * Refuses a template whose container names (as written, or as config-defaults names the unnamed
 * ones from the Service's metadata `meta`) Knative's webhook or the API server refuses.
 * `specPath` is where the template's spec sits in `file`.
 */
export function checkContainerNames(spec: unknown, defaults: RevisionDefaults, meta: ServiceMeta, file: string, specPath: readonly PathSegment[]): void {
  const all = namedContainers(spec, defaults, meta, file, specPath);
  const fail = (c: Named, rule: string): never => {
    throw new ScenarioError(file, formatPath([...specPath, c.field, c.index, 'name']), rule);
  };
  const containers = all.filter((c) => c.field === 'containers');
  const inits = all.filter((c) => c.field === 'initContainers');

  // The webhook, in its order: init containers, then containers.
  for (const c of [...inits, ...containers]) {
    const dup = earlier(c, containers);
    if (dup !== undefined) fail(c, `${subject(c)} also names ${otherName(dup)}: container names must be unique, so ${ADMISSION}`);
    if (c.name === QUEUE_PROXY) fail(c, `${subject(c)} is reserved for Knative's own sidecar: ${ADMISSION}`);
  }

  // The API server, for the Deployment: each name a DNS-1123 label, and no two alike.
  for (const c of all) {
    const errs = containerNameErrors(c.name);
    if (errs.length > 0) {
      const what = c.key === undefined ? `${JSON.stringify(c.name)} is` : `${givenBy(c)},`;
      fail(c, `${what} not a DNS-1123 label (${errs.join('; ')}): ${DEPLOYMENT}`);
    }
    const dup = earlier(c, all);
    if (dup !== undefined) fail(c, `${subject(c)} also names ${otherName(dup)}: container names must be unique, so ${DEPLOYMENT}`);
  }
}

const obj = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const entries = (v: unknown): Array<[number, Record<string, unknown>]> =>
  (Array.isArray(v) ? v : []).flatMap((x: unknown, i: number): Array<[number, Record<string, unknown>]> => {
    const o = obj(x);
    return o === undefined ? [] : [[i, o]];
  });
/** A resourceFieldRef's containerName, '' when unset. */
const refName = (ref: unknown): string => {
  const n = obj(ref)?.['containerName'];
  return typeof n === 'string' ? n : '';
};

/**
 * Refuses a resourceFieldRef that names a container the revision's pod lacks (its containers and
 * init containers as named after defaulting, and the queue-proxy): the API server takes it, but the
 * kubelet looks the name up when it mounts a projected downwardAPI file or fills in a variable
 * (pkg/api/v1/resource findContainerInPod) and fails, so no pod ever starts. A template written for
 * `user-container` meets this when config-defaults names the container otherwise. In the kubelet's
 * order: volumes, then init containers, then containers.
 */
export function checkContainerNameRefs(spec: unknown, defaults: RevisionDefaults, meta: ServiceMeta, file: string, specPath: readonly PathSegment[]): void {
  const s = obj(spec) ?? {};
  const inPod = new Set([...namedContainers(spec, defaults, meta, file, specPath).map((c) => c.name), QUEUE_PROXY]);
  const fail = (name: string, at: PathSegment[]): never => {
    throw new ScenarioError(file, formatPath([...specPath, ...at]), `no container ${JSON.stringify(name)} in the revision's pod (${[...inPod].join(', ')}): the kubelet cannot resolve it, so no pod ever starts`);
  };
  for (const [v, vol] of entries(s['volumes'])) {
    for (const [k, src] of entries(obj(vol['projected'])?.['sources'])) {
      for (const [f, item] of entries(obj(src['downwardAPI'])?.['items'])) {
        const name = refName(item['resourceFieldRef']);
        const at = ['volumes', v, 'projected', 'sources', k, 'downwardAPI', 'items', f, 'resourceFieldRef', 'containerName'];
        if (name !== '' && !inPod.has(name)) fail(name, at);
      }
    }
  }
  for (const field of ['initContainers', 'containers'] as const) {
    for (const [i, c] of entries(s[field])) {
      for (const [k, env] of entries(c['env'])) {
        const name = refName(obj(env['valueFrom'])?.['resourceFieldRef']);
        if (name !== '' && !inPod.has(name)) fail(name, [field, i, 'env', k, 'valueFrom', 'resourceFieldRef', 'containerName']);
      }
    }
  }
}
