/**
 * `knsim sweep k8s-job`: a Kubernetes Indexed Job that runs one shard of a sweep per
 * completion index (`JOB_COMPLETION_INDEX` → `--shard i/N`), each writing its shard
 * directory to a shared results volume, plus a ConfigMap with the scenario (and the
 * manifest and trace files it names) mounted at /scenario.
 */
import { readFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { Document, parse as parseYaml } from 'yaml';
import { KUBECTL_SAFE, kubectlTags } from '../scenario/kubectl-yaml.js';
import { UsageError } from '../scenario/usage-error.js';
import { applySet, parseSetExpression } from '../scenario/set.js';
import { compiledModuleSources } from '../scenario/user-classes.js';
import type { SweepDefinition } from './sweep.js';

export interface JobOptions {
  /** The scenario file on this machine. */
  file: string;
  def: SweepDefinition;
  shards: number;
  /** Pods at once (default: all shards). */
  parallelism?: number;
  image: string;
  /** The container's command before `sweep …` (default ["knsim"]). */
  command?: string[];
  /** The PersistentVolumeClaim mounted at /results. */
  pvc: string;
  /** Worker threads per pod (`--workers`). */
  workers: number;
  cpu: string;
  memory: string;
  /** The Job's name (the ConfigMap is <name>-scenario). */
  name: string;
  namespace?: string;
  /** Work-limit flags to pass on to every shard (`--max-pods 200000`, …). */
  limitArgs?: readonly string[];
}

export const SCENARIO_MOUNT = '/scenario';
export const RESULTS_MOUNT = '/results';
/** ConfigMaps hold at most 1 MiB. */
const CONFIGMAP_LIMIT = 1_000_000;

const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A default Job name from the scenario name (Indexed Job pod names add "-<index>-xxxxx"). */
export function defaultJobName(scenario: string): string {
  return `knsim-sweep-${scenario}`.slice(0, 52).replace(/-+$/, '');
}

export function checkJobName(name: string, flag = '--name'): string {
  if (!DNS1123.test(name) || name.length > 52) {
    throw new UsageError(`${flag}: must be a DNS-1123 label of at most 52 characters (lower-case letters, digits, '-'), got ${JSON.stringify(name)}`);
  }
  return name;
}

/**
 * The image reference grammar the kubelet parses a pod's image with (distribution's
 * reference: an optional registry host and port, lower-case path components, a tag of
 * at most 128 characters, a digest); a Job whose image breaks it never gets a running
 * pod (InvalidImageName), so it is refused here.
 */
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const NAME = `(?:${HOST}(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const IMAGE_REFERENCE = new RegExp(`^(${NAME})(?::[\\w][\\w.-]{0,127})?(?:@${DIGEST})?$`);

export function checkJobImage(image: string): string {
  const m = IMAGE_REFERENCE.exec(image);
  // The name part is at most 255 characters.
  if (m === null || m[1]!.length > 255) {
    throw new UsageError(`--image: must be a container image reference such as registry.example.com/knsim:0.1.0 (got ${JSON.stringify(image)})`);
  }
  return image;
}

/** Kubernetes expands $(VAR) in args; a literal "$(" from the user must be written "$$(". */
const escapeK8s = (s: string): string => s.replace(/\$\(/g, '$$$$(');

interface Mounted {
  key: string;
  path: string;
  text: string;
}

/** The scenario file and every relative file it names (manifestFile, configMapFiles, trace file, autoscaler module), also through overrides and axes. */
function scenarioFiles(file: string, def: SweepDefinition): Mounted[] {
  let raw: unknown = parseYaml(readFileSync(file, 'utf8'), { customTags: kubectlTags });
  for (const s of def.sets) raw = applySet(raw, s, file);
  const refs = new Set<string>();
  const scan = (v: unknown): void => {
    const o = v as { services?: unknown; clients?: unknown; configMapFiles?: unknown; autoscalerClasses?: unknown } | null;
    if (o === null || typeof o !== 'object') return;
    if (Array.isArray(o.configMapFiles)) for (const f of o.configMapFiles) if (typeof f === 'string') refs.add(f);
    if (Array.isArray(o.autoscalerClasses)) for (const c of o.autoscalerClasses) if (typeof (c as { module?: unknown })?.module === 'string') refs.add((c as { module: string }).module);
    if (Array.isArray(o.services)) for (const s of o.services) if (typeof (s as { manifestFile?: unknown })?.manifestFile === 'string') refs.add((s as { manifestFile: string }).manifestFile);
    if (Array.isArray(o.clients)) {
      for (const c of o.clients) {
        const f = (c as { trace?: { file?: unknown } })?.trace?.file;
        if (typeof f === 'string') refs.add(f);
      }
    }
  };
  scan(raw);
  for (const a of def.axes) {
    const path = parseSetExpression(`${a.path}=0`).path;
    const last = path[path.length - 1];
    const prev = path[path.length - 2];
    const isModule = last === 'module' && path[path.length - 3] === 'autoscalerClasses';
    if (last === 'manifestFile' || (last === 'file' && prev === 'trace') || (typeof last === 'number' && prev === 'configMapFiles') || isModule) for (const v of a.values) refs.add(String(parseYaml(v, { customTags: kubectlTags })));
  }
  // A module's pod compiles it again there, so the user's sources it bundles come along
  // (knsim/autoscaler is the pod's knsim).
  const dir = nodePath.resolve(nodePath.dirname(file));
  for (const ref of [...refs]) {
    const module = nodePath.resolve(dir, ref);
    for (const src of compiledModuleSources(module) ?? []) {
      if (src === module) continue;
      const rel = nodePath.relative(dir, src).split(nodePath.sep).join('/');
      if (rel.startsWith('../') || nodePath.isAbsolute(rel)) {
        throw new UsageError(
          `sweep k8s-job: the autoscaler module ${JSON.stringify(ref)} bundles ${JSON.stringify(rel)}, which is not inside the scenario's directory (a pod sees only that directory); copy it next to the scenario, or import knsim's own interface as 'knsim/autoscaler'`,
        );
      }
      refs.add(rel);
    }
  }
  const used = new Set<string>();
  const keyFor = (p: string): string => {
    let key = p.replace(/[^-._a-zA-Z0-9]/g, '_');
    while (used.has(key)) key = `_${key}`;
    used.add(key);
    return key;
  };
  const base = nodePath.basename(file);
  const out: Mounted[] = [{ key: keyFor(base), path: base, text: readFileSync(file, 'utf8') }];
  const paths = new Set<string>();
  for (const ref of [...refs].sort()) {
    const norm = nodePath.posix.normalize(ref.replace(/\\/g, '/'));
    // ./m.ts and m.ts (a module's own name and its bundle's) are one file in the pod.
    if (paths.has(norm)) continue;
    paths.add(norm);
    if (nodePath.isAbsolute(ref) || norm.startsWith('../') || norm === '..') {
      throw new UsageError(`sweep k8s-job: the scenario names ${JSON.stringify(ref)}, which is not inside the scenario's directory; copy it next to the scenario and use a relative path`);
    }
    let text: string;
    try {
      text = readFileSync(nodePath.join(nodePath.dirname(file), ref), 'utf8');
    } catch {
      throw new UsageError(`sweep k8s-job: cannot read ${JSON.stringify(ref)}, named by the scenario`);
    }
    out.push({ key: keyFor(norm), path: norm, text });
  }
  const bytes = out.reduce((n, m) => n + Buffer.byteLength(m.text), 0);
  if (bytes > CONFIGMAP_LIMIT) {
    throw new UsageError(`sweep k8s-job: the scenario and its files are ${bytes.toLocaleString('en-US')} bytes, over the 1 MiB a ConfigMap holds; bake them into the image instead`);
  }
  return out;
}

/** The container arguments of one shard (with $(JOB_COMPLETION_INDEX) for the kubelet to fill in). */
export function shardArgs(scenarioInPod: string, def: SweepDefinition, shards: number, workers: number, outDir: string, limitArgs: readonly string[] = []): string[] {
  const args = ['sweep', scenarioInPod];
  for (const s of def.sets) args.push('--set', escapeK8s(s));
  for (const a of def.axes) args.push('--grid', escapeK8s(`${a.path}=${a.values.join(',')}`));
  args.push('--replications', String(def.replications), '--seed', String(def.baseSeed), '--seeds', def.seeds);
  if (def.durationSeconds !== null) args.push('--duration', `${def.durationSeconds}s`);
  args.push(...limitArgs);
  args.push('--workers', String(workers), '--shard', `$(JOB_COMPLETION_INDEX)/${shards}`, '--out', `${outDir}/shard-$(JOB_COMPLETION_INDEX)`);
  return args;
}

/** The manifests (ConfigMap, then Job) as objects. */
export function jobManifests(o: JobOptions): Array<Record<string, unknown>> {
  const files = scenarioFiles(o.file, o.def);
  const cmName = `${o.name}-scenario`;
  const labels = { 'app.kubernetes.io/name': 'knsim', 'app.kubernetes.io/component': 'sweep', 'app.kubernetes.io/instance': o.name };
  const meta = (name: string): Record<string, unknown> => ({ name, ...(o.namespace !== undefined ? { namespace: o.namespace } : {}), labels });
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(cmName),
    data: Object.fromEntries(files.map((f) => [f.key, f.text])),
  };
  const resources = { cpu: o.cpu, memory: o.memory };
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(o.name),
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism: Math.min(o.parallelism ?? o.shards, o.shards),
      backoffLimit: Math.max(6, 2 * o.shards),
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          securityContext: { fsGroup: 1000 },
          containers: [
            {
              name: 'knsim',
              image: o.image,
              imagePullPolicy: 'IfNotPresent',
              command: o.command ?? ['knsim'],
              args: shardArgs(`${SCENARIO_MOUNT}/${files[0]!.path}`, o.def, o.shards, o.workers, `${RESULTS_MOUNT}/${o.name}`, o.limitArgs),
              env: [
                // Set by the Job controller too; declared so that $(JOB_COMPLETION_INDEX) in args is expanded on every version.
                { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
                // No progress bar in logs.
                { name: 'CI', value: 'true' },
              ],
              resources: { requests: resources, limits: resources },
              volumeMounts: [
                { name: 'scenario', mountPath: SCENARIO_MOUNT, readOnly: true },
                { name: 'results', mountPath: RESULTS_MOUNT },
              ],
            },
          ],
          volumes: [
            { name: 'scenario', configMap: { name: cmName, items: files.map((f) => ({ key: f.key, path: f.path })) } },
            { name: 'results', persistentVolumeClaim: { claimName: o.pvc } },
          ],
        },
      },
    },
  };
  return [configMap, job];
}

/** The manifests as one multi-document YAML text, ready for `kubectl apply -f`. */
export function jobYaml(o: JobOptions): string {
  const [cm, job] = jobManifests(o);
  const head = new Document(cm, { aliasDuplicateObjects: false, ...KUBECTL_SAFE });
  head.commentBefore =
    ` knsim sweep ${o.def.scenario}: ${o.shards} shard(s) as an Indexed Job.\n` +
    ` kubectl apply -f this file; when it completes, copy ${RESULTS_MOUNT}/${o.name}/shard-* from the "${o.pvc}" volume\n` +
    ` and run: knsim sweep merge shard-*`;
  const body = new Document(job, { aliasDuplicateObjects: false, ...KUBECTL_SAFE });
  return head.toString({ lineWidth: 0 }) + '---\n' + body.toString({ lineWidth: 0 });
}
