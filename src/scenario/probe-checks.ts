/**
 * A revision template's probes, checked as Knative and Kubernetes check them. First the
 * serving webhook (pkg/apis/serving/k8s_validation.go validateProbe, validateReadinessProbe),
 * which sees the template after its own defaulting (pkg/apis/serving/v1/revision_defaults.go):
 * the serving container always has a readiness probe (a TCP one when none is written), and a
 * readiness probe gets successThreshold 1 and, with periodSeconds set, failureThreshold 3 and
 * timeoutSeconds 1. Then the API server, for the probes Knative leaves on the revision's
 * Deployment (pkg/reconciler/revision/resources/deploy.go): it defaults and validates them as
 * it does any pod's. Knative takes such a template, but its revision never gets a pod; so too when
 * the reconciler cannot give the queue-proxy a sidecar's readiness probe (resources/queue.go).
 *
 * Fields count as Go decodes them: an int of 0 is unset, a handler is set once written (even `{}`).
 * The schema check has run first, so values have their schema's types.
 */
import type { FeatureFlags } from './config-features.js';
import { formatPath, ScenarioError, type PathSegment } from './errors.js';
import { type Obj, isObj, written } from './go-values.js';

type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

/** The webhook's order for a container's probes, and the API server's. */
const KINDS: readonly ProbeKind[] = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const MAX_INT32 = 2147483647;
const ADMISSION = 'so Knative refuses the template';
/** Knative admits such a template, but its revision never gets a pod. */
const DEPLOYMENT = 'so Kubernetes refuses the Deployment (Knative admits the template)';

/** An int32 field: absent or null is Go's 0. */
const int = (v: unknown): number => (typeof v === 'number' ? v : 0);
/** An int-or-string port as Go prints it: "0" when unset. */
const portText = (v: unknown): string => (written(v) ? String(v) : '0');
/** intstr's IntValue(): a number, a string's decimal value, else 0. */
const intValue = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && /^[+-]?\d+$/.test(v) ? Number(v) : 0);

/** The serving port (validateContainersPorts): the first port of the container with ports, named "http" and 8080 when unset. */
interface ServingPort {
  name: string;
  number: number;
  /** The name is Knative's, not the manifest's. */
  defaultName: boolean;
}

interface Problem {
  at: PathSegment[];
  rule: string;
}

function servingPort(containers: readonly Obj[]): ServingPort {
  let first: Obj = {};
  for (const c of containers) {
    const ports = c['ports'];
    if (Array.isArray(ports) && ports.length > 0 && isObj(ports[0])) first = ports[0];
  }
  const name = typeof first['name'] === 'string' ? first['name'] : '';
  const number = int(first['containerPort']);
  return { name: name === '' ? 'http' : name, number: number === 0 ? 8080 : number, defaultName: name === '' };
}

/** Whether containers[i] serves (ValidateUserContainer) or is a sidecar (validateSidecarContainer). */
const serves = (containers: readonly Obj[], c: Obj): boolean => containers.length === 1 || (Array.isArray(c['ports']) && c['ports'].length > 0);

/** A container's readiness probe after the webhook's defaulting; undefined when it has none. */
function defaultedReadiness(c: Obj, serving: boolean): Obj | undefined {
  const own = c['readinessProbe'];
  if (!isObj(own) && !serving) return undefined;
  const p: Obj = isObj(own) ? { ...own } : {};
  if (serving && !['tcpSocket', 'httpGet', 'exec', 'grpc'].some((h) => written(p[h]))) p['tcpSocket'] = {};
  if (int(p['successThreshold']) === 0) p['successThreshold'] = 1;
  if (int(p['periodSeconds']) !== 0) {
    if (int(p['failureThreshold']) === 0) p['failureThreshold'] = 3;
    if (int(p['timeoutSeconds']) === 0) p['timeoutSeconds'] = 1;
  }
  return p;
}

const outOfBounds = (field: string, value: number, lower: number): Problem => ({ at: [field], rule: `expected ${lower} <= ${value} <= ${MAX_INT32}, ${ADMISSION}` });

/** validateProbe: each handler's port, then exactly one handler. `port` is the serving port, undefined for a sidecar. */
function webhookProbe(p: Obj, port: ServingPort | undefined): Problem | undefined {
  for (const h of ['httpGet', 'tcpSocket'] as const) {
    const action = p[h];
    if (!written(action)) continue;
    const v = isObj(action) ? action['port'] : undefined;
    if (port !== undefined) {
      // Only a named port is compared: a number passes, and the queue-proxy then probes that port.
      if (typeof v === 'string' && v !== '' && v !== port.name) {
        const named = port.defaultName ? `"http", Knative's name when ports[0].name is unset` : `"${port.name}"`;
        return { at: [h, 'port'], rule: `invalid value: ${v}: Probe port must match container port (the serving port is named ${named}), ${ADMISSION}` };
      }
    } else if (!written(v) || v === 0 || v === '') {
      return { at: [h, 'port'], rule: `invalid value: ${portText(v)}: Probe port must be specified (a sidecar's probe has no serving port to default to), ${ADMISSION}` };
    }
  }
  const handlers = (['httpGet', 'tcpSocket', 'exec', 'grpc'] as const).filter((h) => written(p[h]));
  if (handlers.length === 0) {
    return { at: [], rule: `expected exactly one, got neither: httpGet, tcpSocket, exec, grpc (a probe needs one handler), ${ADMISSION}` };
  }
  if (handlers.length > 1) {
    // Upstream names the gRPC handler so in this message.
    const names = handlers.map((h) => (h === 'grpc' ? 'gRPC' : h));
    return { at: [], rule: `expected exactly one, got both: ${names.join(', ')} (a probe takes one handler), ${ADMISSION}` };
  }
  return undefined;
}

/** validateReadinessProbe, on the defaulted probe: validateProbe, then Knative's readiness rules. */
function webhookReadiness(p: Obj, port: ServingPort | undefined): Problem | undefined {
  const first = webhookProbe(p, port);
  if (first !== undefined) return first;
  const period = int(p['periodSeconds']);
  if (period < 0) return outOfBounds('periodSeconds', period, 0);
  if (int(p['initialDelaySeconds']) < 0) return outOfBounds('initialDelaySeconds', int(p['initialDelaySeconds']), 0);
  if (int(p['successThreshold']) < 1) return outOfBounds('successThreshold', int(p['successThreshold']), 1);
  if (period === 0) {
    // periodSeconds 0 (also when unset) is Knative's aggressive probing: the queue-proxy retries every 50 ms for up to 10 s.
    const aggressive = "(unset or 0 means Knative's aggressive probing; set periodSeconds ≥ 1 to tune the probe)";
    for (const f of ['failureThreshold', 'timeoutSeconds']) {
      if (int(p[f]) !== 0) return { at: [f], rule: `${f} is disallowed when periodSeconds is zero ${aggressive}, ${ADMISSION}` };
    }
    return undefined;
  }
  if (int(p['timeoutSeconds']) < 1) return outOfBounds('timeoutSeconds', int(p['timeoutSeconds']), 1);
  if (int(p['failureThreshold']) < 1) return outOfBounds('failureThreshold', int(p['failureThreshold']), 1);
  return undefined;
}

/** IsValidPortName's first complaint, if any. */
function portNameError(name: string): string | undefined {
  if (name.length > 15) return 'must be no more than 15 characters';
  if (!/^[-a-z0-9]+$/.test(name)) return 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)';
  if (!/[a-z]/.test(name)) return 'must contain at least one letter (a-z)';
  if (name.includes('--')) return 'must not contain consecutive hyphens';
  if (name.startsWith('-') || name.endsWith('-')) return 'must not begin or end with a hyphen';
  return undefined;
}

const PORT_RANGE = 'must be between 1 and 65535, inclusive';

/** ValidatePortNumOrName. */
function portError(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const why = portNameError(v);
    return why === undefined ? undefined : `Invalid value: ${JSON.stringify(v)}: ${why}`;
  }
  const n = int(v);
  return n >= 1 && n <= 65535 ? undefined : `Invalid value: ${n}: ${PORT_RANGE}`;
}

/**
 * The API server's probe check (validateProbe, and successThreshold 1 for liveness and startup
 * probes) on a probe as Knative puts it on the Deployment, after the API server's defaults.
 * `unsetPortWhy` says why a port left out reaches the Deployment as 0.
 */
function deploymentProbe(kind: ProbeKind, p: Obj, unsetPortWhy: string): Problem | undefined {
  const fail = (at: PathSegment[], text: string): Problem => ({ at, rule: `${text}, ${DEPLOYMENT}` });
  const handlers = (['exec', 'httpGet', 'tcpSocket', 'grpc'] as const).filter((h) => written(p[h]));
  if (handlers.length === 0) return fail([], 'Required value: must specify a handler type');
  if (handlers.length > 1) return fail([handlers[1]!], 'Forbidden: may not specify more than 1 handler type');
  const h = handlers[0]!;
  const action: Obj = isObj(p[h]) ? (p[h] as Obj) : {};
  if (h === 'exec') {
    const cmd = action['command'];
    if (!Array.isArray(cmd) || cmd.length === 0) return fail(['exec', 'command'], 'Required value (an exec probe runs a command)');
  } else {
    const v = action['port'];
    const bad = h === 'grpc' ? (int(v) >= 1 && int(v) <= 65535 ? undefined : `Invalid value: ${int(v)}: ${PORT_RANGE}`) : portError(v);
    if (bad !== undefined) return fail([h, 'port'], !written(v) || v === 0 ? `${bad} (${unsetPortWhy})` : bad);
    if (h === 'httpGet') {
      const scheme = typeof action['scheme'] === 'string' && action['scheme'] !== '' ? action['scheme'] : 'HTTP';
      if (scheme !== 'HTTP' && scheme !== 'HTTPS') return fail(['httpGet', 'scheme'], `Unsupported value: ${JSON.stringify(scheme)}: supported values: "HTTP", "HTTPS"`);
    }
  }
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    if (int(p[f]) < 0) return fail([f], `Invalid value: ${int(p[f])}: must be greater than or equal to 0`);
  }
  // The API server's default is 1; Kubernetes acts on a liveness or startup probe's first success.
  const success = int(p['successThreshold']) === 0 ? 1 : int(p['successThreshold']);
  if (kind !== 'readinessProbe' && success !== 1) return fail(['successThreshold'], `Invalid value: ${success}: must be 1 (for liveness and startup probes)`);
  return undefined;
}

/**
 * The probe Knative leaves on container `c` of the Deployment, if any: readiness probes other
 * than exec ones go to the queue-proxy, and the serving container's liveness probe gets the
 * serving port unless multi-container probing keeps a numbered port of its own.
 */
function onDeployment(kind: ProbeKind, c: Obj, serving: boolean, port: ServingPort, customPorts: boolean): Obj | undefined {
  const p = kind === 'readinessProbe' ? defaultedReadiness(c, serving) : isObj(c[kind]) ? { ...(c[kind] as Obj) } : undefined;
  if (p === undefined) return undefined;
  if (kind === 'readinessProbe') return ['httpGet', 'tcpSocket', 'grpc'].some((h) => written(p[h])) ? undefined : p;
  if (kind === 'livenessProbe' && serving) {
    for (const h of ['httpGet', 'tcpSocket']) {
      if (!isObj(p[h])) continue;
      // Only the first handler is rewritten; the webhook has refused a probe with two.
      const action = p[h] as Obj;
      if (!customPorts || intValue(action['port']) === 0) p[h] = { ...action, port: port.number };
      break;
    }
  }
  return p;
}

/** What both probe checks start from; undefined when a container is not an object (the schema check has refused it). */
interface ProbeScope {
  containers: Obj[];
  port: ReturnType<typeof servingPort>;
  probing: boolean;
  fail: (i: number, kind: ProbeKind, problem: Problem) => never;
}

function probeScope(spec: unknown, flags: FeatureFlags, file: string, base: readonly PathSegment[]): ProbeScope | undefined {
  if (!isObj(spec) || !Array.isArray(spec['containers'])) return undefined;
  const containers = spec['containers'].filter(isObj);
  if (containers.length !== spec['containers'].length) return undefined;
  return {
    containers,
    port: servingPort(containers),
    probing: flags.values['multi-container-probing'] === 'Enabled',
    fail: (i, kind, problem) => {
      throw new ScenarioError(file, formatPath([...base, 'containers', i, kind, ...problem.at]), problem.rule);
    },
  };
}

/**
 * Refuses a template (its `spec`, written at `base` in `file`) whose probes the webhook refuses,
 * at the first. Sidecar probes are the webhook's to check only with multi-container-probing
 * enabled (below that the gate in feature-gates.ts lets only empty ones through).
 * @throws ScenarioError at the field.
 */
export function checkProbes(spec: unknown, flags: FeatureFlags, file: string, base: readonly PathSegment[]): void {
  const scope = probeScope(spec, flags, file, base);
  if (scope === undefined) return;
  const { containers, port, probing, fail } = scope;

  containers.forEach((c, i) => {
    const serving = serves(containers, c);
    if (!serving && !probing) return;
    const userPort = serving ? port : undefined;
    for (const kind of KINDS) {
      const p = kind === 'readinessProbe' ? defaultedReadiness(c, serving) : c[kind];
      if (!isObj(p)) continue;
      const problem = kind === 'readinessProbe' ? webhookReadiness(p, userPort) : webhookProbe(p, userPort);
      if (problem !== undefined) fail(i, kind, problem);
    }
  });
}

/**
 * Refuses a template the webhook admitted whose probes then fail the revision: the reconciler's
 * (a sidecar readiness probe without a port number) or the API server's on the Deployment
 * (called after every webhook check: only an admitted template gets that far).
 * @throws ScenarioError at the field.
 */
export function checkProbesForDeployment(spec: unknown, flags: FeatureFlags, file: string, base: readonly PathSegment[]): void {
  const scope = probeScope(spec, flags, file, base);
  if (scope === undefined) return;
  const { containers, port, probing, fail } = scope;

  // With multi-container probing the reconciler hands each sidecar readiness probe to the queue-proxy by port number (queue.go).
  if (probing) {
    containers.forEach((c, i) => {
      const p = c['readinessProbe'];
      if (serves(containers, c) || !isObj(p) || written(p['exec'])) return;
      const h = (['httpGet', 'tcpSocket', 'grpc'] as const).find((k) => written(p[k]));
      const v = h !== undefined && isObj(p[h]) ? (p[h] as Obj)['port'] : undefined;
      if (h === undefined || (h === 'grpc' ? int(v) > 0 : intValue(v) !== 0)) return;
      fail(i, 'readinessProbe', {
        at: [h, 'port'],
        rule: `sidecar readiness probe does not define probe port on container (the queue-proxy needs a port number), so Knative's revision reconciler fails: no pod ever starts`,
      });
    });
  }

  containers.forEach((c, i) => {
    const serving = serves(containers, c);
    for (const kind of KINDS) {
      const p = onDeployment(kind, c, serving, port, probing);
      if (p === undefined) continue;
      const unsetPortWhy = serving ? 'Knative fills in only a liveness httpGet or tcpSocket port' : 'Knative fills in no port on a sidecar';
      const problem = deploymentProbe(kind, p, unsetPortWhy);
      if (problem !== undefined) fail(i, kind, problem);
    }
  });

  // The kubelet runs a startup probe, by the port names the container has as deployed: Knative
  // renames the serving container's one port user-port (deploy.go) and rewrites only a liveness
  // probe's port, and a sidecar has no ports. A name it cannot find fails every probe.
  containers.forEach((c, i) => {
    const p = c['startupProbe'];
    if (!isObj(p)) return;
    const serving = serves(containers, c);
    for (const h of ['httpGet', 'tcpSocket'] as const) {
      const action = p[h];
      const name = isObj(action) ? action['port'] : undefined;
      if (typeof name !== 'string' || (serving && name === 'user-port')) continue;
      fail(i, 'startupProbe', {
        at: [h, 'port'],
        rule: `named port ${JSON.stringify(name)} is not on the container as Knative deploys it (${serving ? 'its one port is renamed user-port' : 'a sidecar has no ports'}), so the kubelet cannot resolve it: the startup probe never passes and no pod ever starts`,
      });
    }
  });
}
