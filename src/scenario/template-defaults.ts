/**
 * A Service template as Knative stores it, for deciding whether an update changes it.
 * The webhook defaults every template it admits (pkg/apis/serving/v1/revision_defaults.go),
 * the API server applies the CRD schema's defaults, and the Service reconciler compares
 * the Configuration it wants with the one it has by Kubernetes' semantic equality (an
 * empty list or map is no list or map). So an update that only writes out a value
 * Knative would fill in anyway creates no revision; this applies those defaults and that
 * equality's rules to a template as written, so two templates compare as Knative would.
 */
import type { ClusterConfig } from './configmaps.js';
import type { TemplateInput } from './schema.js';
import { parseMemoryBytes, QuantityError } from './quantity.js';
import { defaultContainerNames, nameFromTemplate, type ServiceMeta } from './container-names.js';
import { type Obj, isObj } from './go-values.js';

/** Fields that are Go maps or structs held by value: empty is the same as absent. */
const EMPTY_IS_ABSENT = new Set(['metadata', 'spec', 'annotations', 'labels', 'resources', 'requests', 'limits', 'nodeSelector', 'overhead']);

/**
 * A deep copy without empty lists anywhere (Go slices) or empty objects where Go holds a map or a struct by value,
 * and without null fields: Go decodes a null as the zero value, and writes a zero time back as null, so the
 * `creationTimestamp: null` of every template `kubectl get` prints is no value.
 */
function semantic(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map((x) => semantic(x));
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null) continue;
    const c = semantic(x, k);
    if (c !== undefined) out[k] = c;
  }
  return Object.keys(out).length === 0 && EMPTY_IS_ABSENT.has(key) ? undefined : out;
}

/** A quantity as its value in base units, so `1Gi` and `1073741824` are one; as written when it does not parse. */
function byValue(v: unknown): unknown {
  try {
    return parseMemoryBytes(v);
  } catch (e) {
    if (e instanceof QuantityError) return v;
    throw e;
  }
}

/** Where this Service's template is defaulted: its cluster config and metadata. */
export interface TemplateDefaultsContext {
  cluster: ClusterConfig;
  /** The Service's metadata as this template is applied (the name templates run on it). */
  meta: ServiceMeta;
  /** spec.enableServiceLinks as the cluster holds it now (defaulted only when the Service is created). */
  enableServiceLinks: boolean | undefined;
}

/** Names the unnamed containers of `list` as the webhook does, from the name template `template`. */
function nameContainers(list: Obj[], taken: ReadonlySet<string>, template: string, meta: ServiceMeta): void {
  const names = list.map((c) => (typeof c['name'] === 'string' ? c['name'] : undefined));
  if (!names.some((n) => n === undefined || n === '')) return;
  const base = nameFromTemplate(template, meta);
  // A name knsim cannot evaluate matches no real one, so the template counts as changed and its
  // revision's checks (container-name-checks.ts) refuse it.
  const from = 'unchecked' in base ? `\u0000${base.unchecked}` : base.name;
  for (const [i, name] of defaultContainerNames(names, taken, from)) list[i]!['name'] = name;
}

/** The webhook's probe defaults, and the CRD schema's gRPC service "". */
function defaultProbes(c: Obj, serving: boolean): void {
  if (serving) {
    const p = isObj(c['readinessProbe']) ? c['readinessProbe'] : {};
    if (!['tcpSocket', 'httpGet', 'exec', 'grpc'].some((k) => p[k] !== undefined && p[k] !== null)) p['tcpSocket'] = {};
    c['readinessProbe'] = p;
  }
  const r = c['readinessProbe'];
  if (isObj(r)) {
    if (!r['successThreshold']) r['successThreshold'] = 1;
    if (r['periodSeconds']) {
      if (!r['failureThreshold']) r['failureThreshold'] = 3;
      if (!r['timeoutSeconds']) r['timeoutSeconds'] = 1;
    }
  }
  for (const k of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
    const p = c[k];
    if (!isObj(p)) continue;
    // An unset port is the zero value Go writes back.
    for (const action of ['tcpSocket', 'httpGet']) {
      const a = p[action];
      if (isObj(a) && a['port'] === undefined) a['port'] = 0;
    }
    if (isObj(p['grpc']) && p['grpc']['service'] === undefined) p['grpc']['service'] = '';
  }
}

/**
 * config-features `secure-pod-defaults` (Enabled or AllowRootBounded): the webhook's defaultSecurityContext
 * fills in a restricted security context on every container and init container, field by field, leaving
 * what the template sets. `pod` is the template's pod-level securityContext, which it reads but does not change.
 */
function defaultSecurityContext(c: Obj, pod: Obj, enabled: boolean): void {
  const sc: Obj = isObj(c['securityContext']) ? c['securityContext'] : {};
  sc['allowPrivilegeEscalation'] ??= false;
  const podSeccomp = pod['seccompProfile'];
  if (!isObj(podSeccomp) || !podSeccomp['type']) {
    const sp: Obj = isObj(sc['seccompProfile']) ? sc['seccompProfile'] : {};
    if (!sp['type']) sp['type'] = 'RuntimeDefault';
    sc['seccompProfile'] = sp;
  }
  if (!isObj(sc['capabilities'])) {
    // A port below 1024 needs the one capability the restricted profile allows back.
    const low = (Array.isArray(c['ports']) ? c['ports'] : []).some((p) => isObj(p) && Number(p['containerPort'] ?? 0) < 1024);
    sc['capabilities'] = low ? { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } : { drop: ['ALL'] };
  }
  // Only Enabled asks for a non-root user, and not over a pod-level choice.
  if (enabled && (pod['runAsNonRoot'] === undefined || pod['runAsNonRoot'] === null)) sc['runAsNonRoot'] ??= true;
  c['securityContext'] = sc;
}

/**
 * `t` as Knative would store it when the Service is created or updated, reduced to what
 * Kubernetes' semantic equality compares: compare two of these with a deep equality.
 */
export function storedTemplate(t: TemplateInput, ctx: TemplateDefaultsContext): unknown {
  const d = ctx.cluster.defaults;
  const copy = structuredClone(t) as Obj;
  const spec: Obj = isObj(copy['spec']) ? copy['spec'] : {};
  copy['spec'] = spec;

  const timeout = typeof spec['timeoutSeconds'] === 'number' && spec['timeoutSeconds'] !== 0 ? spec['timeoutSeconds'] : d.revisionTimeoutSeconds;
  spec['timeoutSeconds'] = timeout;
  // Set only when the ConfigMap's value is above 0 and below the revision's timeout.
  if (spec['idleTimeoutSeconds'] === undefined && d.idleTimeoutSeconds !== 0 && d.idleTimeoutSeconds < timeout) spec['idleTimeoutSeconds'] = d.idleTimeoutSeconds;
  if (spec['responseStartTimeoutSeconds'] === undefined && d.responseStartTimeoutSeconds !== 0 && d.responseStartTimeoutSeconds < timeout) {
    spec['responseStartTimeoutSeconds'] = d.responseStartTimeoutSeconds;
  }
  spec['containerConcurrency'] ??= d.containerConcurrency;
  if (spec['enableServiceLinks'] === undefined && ctx.enableServiceLinks !== undefined) spec['enableServiceLinks'] = ctx.enableServiceLinks;

  const containers = (Array.isArray(spec['containers']) ? spec['containers'] : []).filter(isObj);
  const inits = (Array.isArray(spec['initContainers']) ? spec['initContainers'] : []).filter(isObj);
  const taken = new Set([...containers, ...inits].map((c) => (typeof c['name'] === 'string' ? c['name'] : '')));
  nameContainers(containers, taken, d.containerNameTemplate, ctx.meta);
  nameContainers(inits, taken, d.initContainerNameTemplate, ctx.meta);

  const shared = new Set(
    (Array.isArray(spec['volumes']) ? spec['volumes'] : [])
      .filter(isObj)
      .filter((v) => v['emptyDir'] !== undefined || v['persistentVolumeClaim'] !== undefined || v['ephemeral'] !== undefined)
      .map((v) => v['name']),
  );
  const cd = ctx.cluster.containerDefaults;
  for (const c of containers) {
    // The scenario schema has already read cpu and memory as millicores and bytes, the units of the defaults.
    const res: Obj = isObj(c['resources']) ? c['resources'] : {};
    const requests: Obj = isObj(res['requests']) ? res['requests'] : {};
    const limits: Obj = isObj(res['limits']) ? res['limits'] : {};
    requests['cpu'] ??= cd.cpuRequestMillis;
    requests['memory'] ??= cd.memoryRequestBytes;
    requests['ephemeral-storage'] ??= d.ephemeralStorageRequestBytes;
    limits['cpu'] ??= cd.cpuLimitMillis;
    limits['memory'] ??= cd.memoryLimitBytes;
    limits['ephemeral-storage'] ??= d.ephemeralStorageLimitBytes;
    // Quantities compare by value: the schema has read cpu and memory, the others are read here.
    for (const list of [requests, limits]) for (const [k, v] of Object.entries(list)) if (k !== 'cpu' && k !== 'memory') list[k] = byValue(v);
    c['resources'] = { ...res, requests, limits };
    // The user container of one, or the one that declares ports, gets the default readiness probe.
    defaultProbes(c, containers.length === 1 || (Array.isArray(c['ports']) && c['ports'].length > 0));
    if (Array.isArray(c['ports'])) for (const p of c['ports']) if (isObj(p)) p['protocol'] ??= 'TCP';
    // Mounts of volumes that are not the pod's own scratch or claims are made read-only.
    if (Array.isArray(c['volumeMounts'])) for (const m of c['volumeMounts']) if (isObj(m) && !shared.has(m['name'])) m['readOnly'] = true;
  }
  for (const c of inits) if (Array.isArray(c['ports'])) for (const p of c['ports']) if (isObj(p)) p['protocol'] ??= 'TCP';
  const spd = ctx.cluster.features.values['secure-pod-defaults'];
  if (spd === 'Enabled' || spd === 'AllowRootBounded') {
    const pod: Obj = isObj(spec['securityContext']) ? spec['securityContext'] : {};
    for (const c of [...containers, ...inits]) defaultSecurityContext(c, pod, spd === 'Enabled');
  }
  return semantic(copy);
}
