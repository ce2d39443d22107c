/**
 * Loads a scenario file into the model's WorldSpec: YAML → `--set` overrides →
 * schema → ConfigMaps → Services (manifests, revisions, traffic) → clients
 * (rates, closed loops, trace files). Every problem is a ScenarioError.
 */
import { readFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { LineCounter, parseAllDocuments, parseDocument } from 'yaml';
import type { ClientSpec, RequestTraceMode, ServiceSpec, WorldSpec } from '../model/spec.js';
import { readConfigMaps } from './configmaps.js';
import { formatPath, ScenarioError, type PathSegment } from './errors.js';
import { buildService, type ManifestSource } from './manifest.js';
import { parseWith, scenarioSchema, serviceManifestSchema, type ClientInput, type ScenarioInput, type ServiceEntryInput } from './schema.js';
import { applySet } from './set.js';
import { parseAzure2021Trace, parseSimpleTrace, shapeTrace, type RawTrace } from './trace.js';

export interface LoadOptions {
  /** `--set path=value` overrides, applied in order to the parsed YAML before validation. */
  sets?: readonly string[];
  /** Overrides `seed` (after the --set overrides). */
  seed?: number;
  /** Overrides `duration`, in seconds (after the --set overrides). */
  durationSeconds?: number;
}

export interface LoadedScenario {
  /** The scenario file as given. */
  file: string;
  name: string;
  /** '' when the scenario has none. */
  description: string;
  traceMode: RequestTraceMode;
  world: WorldSpec;
}

/** Cluster defaults when the scenario's `cluster` block leaves them out. */
export const DEFAULT_CLUSTER = Object.freeze({
  // A default install's activator HPA minReplicas (config/core/deployments/activator-hpa.yaml);
  // its CPU-driven scale-out needs a CPU model, which knsim does not have.
  activatorReplicas: 1,
  ingressLatencySeconds: 0.001,
  activatorProbePeriodSeconds: 0.2,
  drainSeconds: 30,
});

export const DEFAULT_SEED = 1;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Reads, overrides, validates and converts a scenario file.
 * @throws ScenarioError for any bad input (the scenario, a manifest or trace file it names, an override).
 */
export function loadScenario(file: string, opts: LoadOptions = {}): LoadedScenario {
  const text = readText(file, (reason) => new ScenarioError(file, '', `cannot read the scenario file: ${reason}`));
  let raw = parseYamlOne(text, file);
  for (const expr of opts.sets ?? []) raw = applySet(raw, expr, file);
  if (isMapping(raw)) {
    const over: Record<string, unknown> = { ...raw };
    if (opts.seed !== undefined) over['seed'] = opts.seed;
    if (opts.durationSeconds !== undefined) over['duration'] = opts.durationSeconds;
    raw = over;
  }
  return scenarioFromValue(raw, file);
}

/**
 * Validates and converts an already parsed scenario (after overrides). Relative
 * `manifestFile` and trace `file` paths are resolved against `file`'s directory.
 * @throws ScenarioError
 */
export function scenarioFromValue(raw: unknown, file: string): LoadedScenario {
  const s = parseWith(scenarioSchema, raw, file, []);
  if (!DNS1123_LABEL.test(s.name) || s.name.length > 63) {
    throw new ScenarioError(
      file,
      'name',
      `must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got ${JSON.stringify(s.name)}`,
    );
  }
  const traceMode = parseTraceMode(s.trace, file);
  const cluster = readConfigMaps(file, s.configMaps);

  const services: ServiceSpec[] = [];
  const tagsByService = new Map<string, ReadonlySet<string>>();
  const serviceIndex = new Map<string, number>();
  s.services.forEach((entry, i) => {
    const source = manifestSource(entry, i, file);
    const built = buildService({ scenarioFile: file, index: i, entry, source, cluster, defaults: s.defaults });
    const name = built.spec.name;
    const prev = serviceIndex.get(name);
    if (prev !== undefined) {
      throw new ScenarioError(source.file, formatPath([...source.base, 'metadata', 'name']), `duplicate Service name ${JSON.stringify(name)} (also services[${prev}])`);
    }
    serviceIndex.set(name, i);
    tagsByService.set(name, built.tags);
    services.push(built.spec);
  });

  const clientIndex = new Map<string, number>();
  const clients = s.clients.map((c, i) => buildClient(c, i, s, file, tagsByService, clientIndex));

  const world: WorldSpec = {
    name: s.name,
    seed: s.seed ?? DEFAULT_SEED,
    durationSeconds: s.duration,
    autoscalerConfig: cluster.autoscaler,
    cluster: {
      activatorReplicas: s.cluster?.activators ?? DEFAULT_CLUSTER.activatorReplicas,
      ingressLatencySeconds: s.cluster?.ingressLatency ?? DEFAULT_CLUSTER.ingressLatencySeconds,
      activatorProbePeriodSeconds: s.cluster?.activatorProbePeriod ?? DEFAULT_CLUSTER.activatorProbePeriodSeconds,
      drainSeconds: s.cluster?.drainPeriod ?? DEFAULT_CLUSTER.drainSeconds,
    },
    services,
    clients,
  };
  return { file, name: s.name, description: s.description ?? '', traceMode, world };
}

// ---------------------------------------------------------------- files and YAML

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readText(path: string, onError: (reason: string) => ScenarioError): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file or directory'
      : code === 'EISDIR' ? 'is a directory'
      : code === 'EACCES' ? 'permission denied'
      : e instanceof Error ? e.message
      : String(e);
    throw onError(reason);
  }
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? s).trim();
}

interface YamlErrorLike {
  message: string;
  pos: [number, number];
}

function yamlError(file: string, e: YamlErrorLike, lc: LineCounter): ScenarioError {
  const { line, col } = lc.linePos(e.pos[0]);
  return new ScenarioError(file, `line ${line}, column ${col}`, `invalid YAML: ${firstLine(e.message)}`);
}

function toJS(doc: { toJS(opts?: { maxAliasCount?: number }): unknown }, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    throw new ScenarioError(file, '', `invalid YAML: ${firstLine(e instanceof Error ? e.message : String(e))}`);
  }
}

/** Parses a one-document YAML file. */
function parseYamlOne(text: string, file: string): unknown {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err !== undefined) throw yamlError(file, err, lc);
  return toJS(doc, file);
}

/** Parses a (possibly multi-document) YAML file. */
function parseYamlAll(text: string, file: string): unknown[] {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(docs)) return [];
  const out: unknown[] = [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err !== undefined) throw yamlError(file, err, lc);
    out.push(toJS(doc, file));
  }
  return out;
}

/** A path named in the scenario, as the user sees it (relative to the scenario's directory). */
function relativeTo(scenarioFile: string, p: string): string {
  return nodePath.isAbsolute(p) ? p : nodePath.join(nodePath.dirname(scenarioFile), p);
}

// ---------------------------------------------------------------- services

function manifestSource(entry: ServiceEntryInput, i: number, file: string): ManifestSource {
  const at = (...segs: PathSegment[]): string => formatPath(['services', i, ...segs]);
  if (entry.manifest !== undefined && entry.manifestFile !== undefined) {
    throw new ScenarioError(file, at(), 'set either manifest or manifestFile, not both');
  }
  if (entry.manifestName !== undefined && entry.manifestFile === undefined) {
    throw new ScenarioError(file, at('manifestName'), 'only allowed with manifestFile');
  }
  if (entry.manifest !== undefined) return { manifest: entry.manifest, file, base: ['services', i, 'manifest'] };
  if (entry.manifestFile === undefined) {
    throw new ScenarioError(file, at(), 'exactly one of manifest, manifestFile is required');
  }
  const mFile = relativeTo(file, entry.manifestFile);
  const text = readText(mFile, (reason) => new ScenarioError(file, at('manifestFile'), `cannot read ${JSON.stringify(mFile)}: ${reason}`));
  const docs = parseYamlAll(text, mFile);
  const services = docs.filter((d): d is Record<string, unknown> => isMapping(d) && d['kind'] === 'Service');
  const nameOf = (d: Record<string, unknown>): string => {
    const md = d['metadata'];
    return isMapping(md) && typeof md['name'] === 'string' ? md['name'] : '';
  };
  let chosen: Record<string, unknown> | undefined;
  if (entry.manifestName !== undefined) {
    chosen = services.find((d) => nameOf(d) === entry.manifestName);
    if (chosen === undefined) {
      throw new ScenarioError(
        file,
        at('manifestName'),
        `no Service named ${JSON.stringify(entry.manifestName)} in ${mFile} (found: ${services.map(nameOf).join(', ') || 'none'})`,
      );
    }
  } else if (services.length === 1) {
    chosen = services[0];
  } else if (services.length === 0) {
    throw new ScenarioError(file, at('manifestFile'), `no document with kind: Service in ${mFile}`);
  } else {
    throw new ScenarioError(file, at('manifestFile'), `${mFile} holds several Services (${services.map(nameOf).join(', ')}); pick one with manifestName`);
  }
  const manifest = parseWith(serviceManifestSchema, chosen, mFile, []);
  return { manifest, file: mFile, base: [] };
}

// ---------------------------------------------------------------- clients

function parseTraceMode(v: string | undefined, file: string): RequestTraceMode {
  if (v === undefined || v === 'full') return { mode: 'full' };
  if (v === 'none') return { mode: 'none' };
  const m = /^sample=(.*)$/.exec(v);
  if (m !== null) {
    const text = m[1]!.trim();
    const rate = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
    if (rate > 0 && rate <= 1) return { mode: 'sample', rate };
    throw new ScenarioError(file, 'trace', `sample rate must be a fraction in (0, 1], got ${JSON.stringify(text)}`);
  }
  throw new ScenarioError(file, 'trace', `must be full, none or sample=<fraction in (0, 1]>, got ${JSON.stringify(v)}`);
}

function buildClient(
  c: ClientInput,
  i: number,
  s: ScenarioInput,
  file: string,
  tagsByService: ReadonlyMap<string, ReadonlySet<string>>,
  seen: Map<string, number>,
): ClientSpec {
  const at = (...segs: PathSegment[]): string => formatPath(['clients', i, ...segs]);
  const prev = seen.get(c.name);
  if (prev !== undefined) throw new ScenarioError(file, at('name'), `duplicate client name ${JSON.stringify(c.name)} (also clients[${prev}])`);
  seen.set(c.name, i);

  const tags = tagsByService.get(c.service);
  if (tags === undefined) {
    throw new ScenarioError(file, at('service'), `no Service named ${JSON.stringify(c.service)} (services: ${[...tagsByService.keys()].join(', ')})`);
  }
  if (c.tag !== undefined && !tags.has(c.tag)) {
    throw new ScenarioError(
      file,
      at('tag'),
      `tag ${JSON.stringify(c.tag)} is not defined in any traffic block of Service ${JSON.stringify(c.service)} (tags: ${[...tags].join(', ') || 'none'})`,
    );
  }

  const kinds = (['open', 'closed', 'trace'] as const).filter((k) => c[k] !== undefined);
  if (kinds.length === 0) throw new ScenarioError(file, at(), 'exactly one of open, closed, trace is required');
  if (kinds.length > 1) throw new ScenarioError(file, at(kinds[1]!), `only one of open, closed, trace may be set (got ${kinds.join(', ')})`);

  const startSeconds = c.start ?? 0;
  const endSeconds = c.end ?? s.duration;
  if (c.end !== undefined && !(c.end > startSeconds)) {
    throw new ScenarioError(file, at('end'), `must be after start (${startSeconds}s), got ${c.end}s`);
  }
  const base = {
    name: c.name,
    service: c.service,
    ...(c.tag !== undefined ? { tag: c.tag } : {}),
    ...(c.timeout !== undefined ? { timeoutSeconds: c.timeout } : {}),
    startSeconds,
    endSeconds,
  };

  if (c.open !== undefined) {
    const o = c.open;
    if (o.rps !== undefined && o.rate !== undefined) throw new ScenarioError(file, at('open', 'rate'), 'set either rps or rate, not both');
    const rate = o.rate ?? (o.rps !== undefined ? { shape: 'constant' as const, rps: o.rps } : undefined);
    if (rate === undefined) throw new ScenarioError(file, at('open'), 'exactly one of rps, rate is required');
    return { kind: 'open', ...base, process: o.process ?? 'poisson', rate };
  }
  if (c.closed !== undefined) {
    return { kind: 'closed', ...base, users: c.closed.users, think: c.closed.think ?? { dist: 'constant', value: 0 } };
  }

  const t = c.trace!;
  const format = t.format ?? 'simple';
  if (format !== 'azure2021') {
    if (t.app !== undefined) throw new ScenarioError(file, at('trace', 'app'), 'only allowed with format azure2021');
    if (t.func !== undefined) throw new ScenarioError(file, at('trace', 'func'), 'only allowed with format azure2021');
  }
  const tFile = relativeTo(file, t.file);
  const text = readText(tFile, (reason) => new ScenarioError(file, at('trace', 'file'), `cannot read ${JSON.stringify(tFile)}: ${reason}`));
  const raw: RawTrace = format === 'azure2021' ? parseAzure2021Trace(text, tFile, { app: t.app, func: t.func }) : parseSimpleTrace(text, tFile);
  if (raw.arrivals.length === 0) {
    const filtered = t.app !== undefined || t.func !== undefined;
    throw new ScenarioError(
      file,
      at('trace', filtered ? (t.app !== undefined ? 'app' : 'func') : 'file'),
      filtered ? `no invocations in ${tFile} match the app/func filter` : `${tFile} holds no arrivals`,
    );
  }
  const data = shapeTrace(raw, {
    format,
    timeScale: t.timeScale ?? 1,
    offsetSeconds: t.offset ?? 0,
    useDurations: t.useDurations ?? true,
  });
  return { kind: 'trace', ...base, arrivals: data.arrivals, durations: data.durations };
}
