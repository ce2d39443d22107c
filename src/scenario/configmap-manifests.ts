/**
 * ConfigMaps given as Kubernetes manifests (what `kubectl get cm … -o yaml`
 * prints), inline in `configMaps: [ … ]` or in `configMapFiles`, resolved to the
 * bare `data` the ConfigMap readers take, with where each key was written so an
 * error names the manifest's file and field path.
 *
 * A ConfigMap given on its own (an inline entry, a file of one document) is
 * explicit: a name knsim does not read is an error. A listing (a `kind: List`, a
 * file of several documents) is what kubectl prints for a whole namespace: other
 * kinds and other ConfigMaps are skipped. No file I/O here: the loader reads the
 * files and hands over their documents.
 */
import type { FieldPathSegment } from '../core/autoscaler/index.js';
import type { ConfigMapsInput, KeyWhere } from './configmaps.js';
import { formatPath, quote, ScenarioError } from './errors.js';
import { CONFIG_MAP_NAMES, type ConfigMapName } from './schema.js';
import { describeValue } from './values.js';
import { binaryValueBytes, configMapSizeProblem, dataValueBytes } from './configmap-size.js';
import { configMapKeyProblem } from './configmap-key.js';

/** Knative's shipped ConfigMaps document their defaults under this key; Knative never reads it. */
export const EXAMPLE_KEY = '_example';

/** The fields of a v1 ConfigMap; Kubernetes' strict field validation refuses others. */
const CONFIG_MAP_FIELDS = ['apiVersion', 'kind', 'metadata', 'data', 'binaryData', 'immutable'];



/** A file of ConfigMap manifests, as the loader parsed it. */
export interface ConfigMapFile {
  /** The file, as errors name it. */
  file: string;
  /** Its YAML documents. */
  docs: readonly unknown[];
  /** `configMapFiles[i]` in the scenario, for "holds nothing knsim reads". */
  index: number;
}

/** The ConfigMaps' data, ready for readConfigMaps, and where each key came from. */
export interface ResolvedConfigMaps {
  data: ConfigMapsInput;
  where: KeyWhere;
}

/** The `configMaps` field after the schema: bare data by name, or manifests still to read. */
export type ConfigMapsField = ConfigMapsInput | { manifests: readonly unknown[] };

/** Where a manifest sits: its file, a prefix naming the document, and its path inside it. */
interface Origin {
  file: string;
  /** `document 2, ` in a file of several documents; '' otherwise. */
  doc: string;
  base: readonly FieldPathSegment[];
}

const at = (o: Origin, ...rest: FieldPathSegment[]): string => {
  const p = formatPath([...o.base, ...rest]);
  return o.doc === '' ? p : p === '' ? o.doc.replace(/, $/, '') : `${o.doc}${p}`;
};

const fail = (o: Origin, rule: string, ...rest: FieldPathSegment[]): never => {
  throw new ScenarioError(o.file, at(o, ...rest), rule);
};

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const isKnown = (name: string): name is ConfigMapName => (CONFIG_MAP_NAMES as readonly string[]).includes(name);
const KNOWN = `knsim reads ${CONFIG_MAP_NAMES.join(', ')}`;

/** One ConfigMap knsim takes. */
interface Taken {
  name: ConfigMapName;
  namespace: string | undefined;
  data: Record<string, string>;
  /** Every data value as written, `_example` included (Kubernetes counts it against the size limit). */
  written: Record<string, string>;
  /** The decoded bytes of its binaryData. */
  binaryBytes: number;
  origin: Origin;
}

/**
 * Resolves the scenario's ConfigMaps: the manifests of `files` (in order), then the
 * `configMaps` field, either bare data by name (set over the manifests' data key by
 * key, as `kubectl patch` would) or inline manifests.
 * @param scenarioFile the scenario, for the bare form's paths.
 * @throws ScenarioError for a manifest Kubernetes would refuse, a ConfigMap given
 *   twice, a name knsim does not read given explicitly, or a file holding none it reads.
 */
export function resolveConfigMaps(scenarioFile: string, field: ConfigMapsField | undefined, files: readonly ConfigMapFile[] = []): ResolvedConfigMaps {
  const taken = new Map<ConfigMapName, Taken>();
  const take = (t: Taken): void => {
    const prev = taken.get(t.name);
    if (prev !== undefined) {
      fail(t.origin, `ConfigMap ${t.name} is given twice (also ${describeOrigin(prev.origin)}); give each ConfigMap once`, 'metadata', 'name');
    }
    for (const other of taken.values()) {
      if (t.namespace !== undefined && other.namespace !== undefined && other.namespace !== t.namespace) {
        fail(
          t.origin,
          `${t.name} is in namespace ${quote(t.namespace)} but ${other.name} (${describeOrigin(other.origin)}) is in ${quote(other.namespace)}: Knative Serving reads all its ConfigMaps from its one system namespace`,
          'metadata',
          'namespace',
        );
      }
    }
    taken.set(t.name, t);
  };

  for (const f of files) {
    const before = taken.size;
    const found: string[] = [];
    const docs = f.docs.filter((d) => d !== null && d !== undefined);
    const listing = docs.length > 1;
    f.docs.forEach((doc, i) => {
      if (doc === null || doc === undefined) return; // an empty document between `---` lines
      const origin: Origin = { file: f.file, doc: listing ? `document ${i + 1}, ` : '', base: [] };
      readObject(doc, origin, listing, take, found);
    });
    if (taken.size === before) {
      throw new ScenarioError(
        scenarioFile,
        formatPath(['configMapFiles', f.index]),
        `${f.file} holds no ConfigMap knsim reads (found: ${found.length > 0 ? found.join(', ') : 'none'}; ${KNOWN})`,
      );
    }
  }

  let bare: ConfigMapsInput | undefined;
  if (field !== undefined && 'manifests' in field && Array.isArray(field.manifests)) {
    field.manifests.forEach((m, i) => readObject(m, { file: scenarioFile, doc: '', base: ['configMaps', i] }, false, take, []));
  } else {
    bare = field as ConfigMapsInput | undefined;
  }

  const data: ConfigMapsInput = {};
  const fromBare = (cm: ConfigMapName, key: string): boolean => bare?.[cm] !== undefined && hasOwn(bare[cm]!, key);
  for (const name of CONFIG_MAP_NAMES) {
    const t = taken.get(name);
    const patch = bare?.[name];
    if (t === undefined && patch === undefined) continue;
    data[name] = { ...t?.data, ...patch };
    if (patch !== undefined) {
      // Set over the cluster's ConfigMap as a patch would be, so the API server checks its keys too.
      for (const key of Object.keys(patch)) {
        const badKey = configMapKeyProblem(key);
        if (badKey !== undefined) throw new ScenarioError(scenarioFile, formatPath(['configMaps', name, key]), badKey);
      }
      // The ConfigMap the cluster would hold: the manifest's data (its _example too) with the bare keys set over it.
      const problem = configMapSizeProblem(dataValueBytes({ ...t?.written, ...patch }) + (t?.binaryBytes ?? 0));
      if (problem !== undefined) throw new ScenarioError(scenarioFile, formatPath(['configMaps', name]), problem);
    }
  }
  const where: KeyWhere = (cm, key) => {
    const t = taken.get(cm);
    if (t === undefined || fromBare(cm, key)) return { file: scenarioFile, path: formatPath(['configMaps', cm, key]) };
    return { file: t.origin.file, path: at(t.origin, 'data', { key }) };
  };
  return { data, where };
}

function describeOrigin(o: Origin): string {
  const p = at(o);
  return p === '' ? o.file : `${o.file} ${p}`;
}

/**
 * Reads one object: a ConfigMap, a List of objects, or (in a listing) anything
 * else, skipped. `found` collects the ConfigMap names seen, for messages.
 */
function readObject(v: unknown, o: Origin, listing: boolean, take: (t: Taken) => void, found: string[]): void {
  if (!isMapping(v)) {
    fail(o, `expected a Kubernetes object (a ConfigMap or a List of them), got ${describeValue(v)}`);
    return;
  }
  const kind = v['kind'];
  if (kind === 'List' || kind === 'ConfigMapList') {
    const items = v['items'];
    if (items === undefined || items === null) return; // kubectl prints `items: []` for none; both mean empty
    if (!Array.isArray(items)) fail(o, `expected a list, got ${describeValue(items)}`, 'items');
    // A ConfigMapList (the API's own list) leaves kind and apiVersion out of its items.
    const implied = kind === 'ConfigMapList' ? { apiVersion: 'v1', kind: 'ConfigMap' } : {};
    (items as unknown[]).forEach((item, i) => {
      const io: Origin = { ...o, base: [...o.base, 'items', i] };
      if (!isMapping(item)) fail(io, `expected a Kubernetes object, got ${describeValue(item)}`);
      else readObject({ ...implied, ...item }, io, true, take, found);
    });
    return;
  }
  if (kind !== 'ConfigMap') {
    if (listing) return; // kubectl get all,cm and friends: not ours
    if (kind === undefined) fail(o, 'required field is missing (kind: ConfigMap, or a List of ConfigMaps)', 'kind');
    fail(o, `expected kind ConfigMap (or a List of ConfigMaps), got ${describeValue(kind)}`, 'kind');
  }
  const md = v['metadata'];
  if (!isMapping(md)) fail(o, md === undefined ? 'required field is missing' : `expected a mapping, got ${describeValue(md)}`, 'metadata');
  const meta = md as Record<string, unknown>;
  const name = meta['name'];
  if (typeof name !== 'string' || name === '') {
    fail(o, name === undefined ? 'required field is missing' : `expected a ConfigMap name, got ${describeValue(name)}`, 'metadata', 'name');
  }
  const cmName = name as string;
  found.push(cmName);
  if (!isKnown(cmName)) {
    if (listing) return; // config-logging, config-leader-election, …: a namespace holds more than knsim reads
    fail(o, `unknown ConfigMap ${quote(cmName)} (${KNOWN})`, 'metadata', 'name');
  }
  take(readConfigMap(v, meta, cmName as ConfigMapName, o));
}

/** Standard base64 with its padding, as Go's JSON decoding of a []byte reads it (line breaks skipped). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * binaryData as the API server takes it (knsim reads none of it, but kubectl apply of the
 * ConfigMap fails, so the cluster never had it): a mapping of ConfigMap keys, none also in
 * data, to base64 strings (a []byte in JSON).
 */
function checkBinaryData(binary: unknown, data: Record<string, unknown>, o: Origin): void {
  if (!isMapping(binary)) fail(o, `expected a mapping, got ${describeValue(binary)}`, 'binaryData');
  for (const [key, value] of Object.entries(binary as Record<string, unknown>)) {
    const badKey = configMapKeyProblem(key);
    if (badKey !== undefined) fail(o, badKey, 'binaryData', { key });
    if (hasOwn(data, key)) fail(o, `duplicate of key present in data: the API server refuses it`, 'binaryData', { key });
    if (value === null) continue;
    if (typeof value !== 'string' || !BASE64.test(value.replace(/[\r\n]/g, ''))) {
      fail(o, `binaryData values must be base64 text (the bytes, encoded), got ${describeValue(value)}: the API server refuses it`, 'binaryData', { key });
    }
  }
}

/** A ConfigMap knsim reads, checked as the API server would check it. */
function readConfigMap(v: Record<string, unknown>, meta: Record<string, unknown>, name: ConfigMapName, o: Origin): Taken {
  for (const k of Object.keys(v)) {
    if (!CONFIG_MAP_FIELDS.includes(k)) fail(o, `unknown field (a ConfigMap has ${CONFIG_MAP_FIELDS.join(', ')})`, k);
  }
  if (v['apiVersion'] !== 'v1') {
    fail(o, v['apiVersion'] === undefined ? 'required field is missing ("v1")' : `must be "v1" for a ConfigMap, got ${describeValue(v['apiVersion'])}`, 'apiVersion');
  }
  const ns = meta['namespace'];
  if (ns !== undefined && typeof ns !== 'string') fail(o, `expected a string, got ${describeValue(ns)}`, 'metadata', 'namespace');
  // data is optional to the API server: kubectl prints none for an empty ConfigMap, and a `data:` whose keys are
  // all commented out is null, which the API server drops. Knative reads either as no keys: its defaults.
  const raw = v['data'] ?? {};
  if (!isMapping(raw)) fail(o, `expected a mapping, got ${describeValue(raw)}`, 'data');
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const badKey = configMapKeyProblem(key);
    if (badKey !== undefined) fail(o, badKey, 'data', { key });
    // The API server refuses anything but a string: a YAML number must be quoted ("30", not 30).
    if (typeof value !== 'string') {
      // A boolean's text is not known: yes, on, y and true all read as true (kubectl-yaml.ts).
      const hint =
        typeof value === 'number' ? ` (quote it: "${String(value)}")`
        : typeof value === 'boolean' ? ` (quote it: unquoted, ${value ? 'true, yes, on or y' : 'false, no, off or n'} reads as a boolean)`
        : '';
      fail(o, `ConfigMap data values must be strings, got ${describeValue(value)}${hint}`, 'data', { key });
    }
    if (key === EXAMPLE_KEY) continue;
    data[key] = value as string;
  }
  const written = raw as Record<string, string>;
  const binary = v['binaryData'];
  if (binary !== undefined && binary !== null) checkBinaryData(binary, written, o);
  const binaryBytes = isMapping(binary) ? binaryValueBytes(binary) : 0;
  const problem = configMapSizeProblem(dataValueBytes(written) + binaryBytes);
  if (problem !== undefined) fail(o, problem, 'data');
  return { name, namespace: ns as string | undefined, data, written, binaryBytes, origin: o };
}
