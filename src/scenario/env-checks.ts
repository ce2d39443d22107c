/**
 * What the API server refuses in a template's environment when Knative creates the revision's
 * Deployment, as Kubernetes 1.35 checks a pod's containers (pkg/apis/core/validation: ValidateEnv,
 * validateEnvVarValueFrom, validateConfigMapKeySelector, validateSecretKeySelector,
 * ValidateEnvFrom, validateConfigMapEnvSource, validateSecretEnvSource; the name rules in
 * apimachinery's util/validation). Knative's webhook checks only that a variable has a name that
 * is not one of its own and that an envFrom has one source (container-checks.ts), so it takes
 * the template, but the revision never gets a pod.
 *
 * Names follow the relaxed rule (RelaxedEnvironmentVariableValidation: beta and on by default
 * since 1.32, GA and locked on since 1.34; knative/serving builds against 1.35's k8s.io/api).
 * Not checked here: what fieldRef and resourceFieldRef select.
 *
 * Runs after every webhook check, since the Deployment exists only once Knative takes the
 * template. Containers first, then init containers, as ValidatePodSpec lists them.
 */
import { dns1123SubdomainErrors } from '../core/traffic/index.js';
import { formatPath, quote, ScenarioError, type PathSegment } from './errors.js';
import { type Obj, isObj, items, written } from './go-values.js';

const DEPLOYMENT = "so Kubernetes refuses the revision's Deployment (Knative takes the template, but the revision never gets a pod)";

interface Finding {
  at: PathSegment[];
  rule: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** IsRelaxedEnvVarName (for a name Knative has already required): printable ASCII but '='. */
function envVarName(name: string, at: PathSegment[]): Finding[] {
  if (name === '' || /^[\x20-\x3c\x3e-\x7e]*$/.test(name)) return [];
  return [{ at, rule: `Invalid value: ${quote(name)}: must consist only of printable ASCII characters other than '='` }];
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
// Upstream's texts, without the examples and the regex (the line is capped, and this one would fill it).
const CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
const SUBDOMAIN_MSG = "not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', alphanumeric at each end, at most 253 characters)";

/** IsConfigMapKey's first complaint, if any. */
function configKeyError(key: string): string | undefined {
  if (key.length > 253) return 'must be no more than 253 characters';
  if (!CONFIG_KEY.test(key)) return CONFIG_KEY_MSG;
  if (key === '.') return "must not be '.'";
  if (key === '..') return "must not be '..'";
  if (key.startsWith('..')) return "must not start with '..'";
  return undefined;
}

/** NameIsDNSSubdomain: with `prefix`, a trailing '-' passes (maskTrailingDash puts a letter in place of the two last bytes). */
function objectNameError(name: string, prefix: boolean): string | undefined {
  const masked = prefix && name.length > 1 && name.endsWith('-') && /^[\x00-\x7f]*$/.test(name) ? `${name.slice(0, -2)}a` : name;
  return dns1123SubdomainErrors(masked).length > 0 ? SUBDOMAIN_MSG : undefined;
}

/** validateConfigMapKeySelector and validateSecretKeySelector: an object name (none is no name), and a key. */
function keySelector(sel: Obj, at: PathSegment[]): Finding[] {
  const out: Finding[] = [];
  const name = str(sel['name']);
  const nameWhy = objectNameError(name, false);
  if (nameWhy !== undefined) out.push({ at: [...at, 'name'], rule: `Invalid value: ${quote(name)}: ${nameWhy}` });
  const key = str(sel['key']);
  if (key === '') out.push({ at: [...at, 'key'], rule: 'Required value' });
  else {
    const keyWhy = configKeyError(key);
    if (keyWhy !== undefined) out.push({ at: [...at, 'key'], rule: `Invalid value: ${quote(key)}: ${keyWhy}` });
  }
  return out;
}

const SOURCES = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'] as const;

/** validateEnvVarValueFrom: each source's own rules, then one source, and no value beside it. */
function valueFrom(e: Obj, at: PathSegment[]): Finding[] {
  const from = e['valueFrom'];
  if (!isObj(from)) return [];
  const out: Finding[] = [];
  for (const kind of ['configMapKeyRef', 'secretKeyRef'] as const) {
    const sel = from[kind];
    if (isObj(sel)) out.push(...keySelector(sel, [...at, kind]));
  }
  const set = SOURCES.filter((s) => written(from[s]));
  if (set.length === 0) out.push({ at, rule: 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`' });
  else if (str(e['value']) !== '') out.push({ at, rule: 'may not be specified when `value` is not empty (a variable takes value or valueFrom)' });
  else if (set.length > 1) out.push({ at, rule: `may not have more than one field specified at a time (got ${set.join(', ')})` });
  return out;
}

/** validateConfigMapEnvSource and validateSecretEnvSource: a name, which may end in '-'. */
function envSourceName(ref: unknown, at: PathSegment[]): Finding[] {
  if (!isObj(ref)) return [];
  const name = str(ref['name']);
  if (name === '') return [{ at: [...at, 'name'], rule: 'Required value' }];
  const why = objectNameError(name, true);
  return why === undefined ? [] : [{ at: [...at, 'name'], rule: `Invalid value: ${quote(name)}: ${why}` }];
}

/** ValidateEnv then ValidateEnvFrom for one container. */
function containerEnv(c: Obj, at: PathSegment[]): Finding[] {
  const env = items(c['env']).flatMap(([i, e]) => [...envVarName(str(e['name']), [...at, 'env', i, 'name']), ...valueFrom(e, [...at, 'env', i, 'valueFrom'])]);
  const envFrom = items(c['envFrom']).flatMap(([i, f]) => {
    const fat = [...at, 'envFrom', i];
    return [...envVarName(str(f['prefix']), [...fat, 'prefix']), ...envSourceName(f['configMapRef'], [...fat, 'configMapRef']), ...envSourceName(f['secretRef'], [...fat, 'secretRef'])];
  });
  return [...env, ...envFrom];
}

/**
 * Refuses a template (its `spec`, written at `base` in `file`) whose environment the API
 * server refuses in the revision's Deployment.
 * @throws ScenarioError at the first such field.
 */
export function checkEnvForDeployment(spec: unknown, file: string, base: readonly PathSegment[]): void {
  if (!isObj(spec)) return;
  const first = (['containers', 'initContainers'] as const).flatMap((list) => items(spec[list]).flatMap(([i, c]) => containerEnv(c, [list, i])))[0];
  if (first !== undefined) throw new ScenarioError(file, formatPath([...base, ...first.at]), `${first.rule}, ${DEPLOYMENT}`);
}
