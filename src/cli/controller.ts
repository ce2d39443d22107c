/**
 * `knsim controller`: runs knsim's autoscaler against a live cluster (see src/adapter).
 * Flag problems are UsageErrors (one line, exit 2); the adapter is loaded lazily so the
 * simulator's commands never pay for the Kubernetes client.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { ControllerSettings } from '../adapter/run-controller.js';
import { DECISION_CSV_HEADER, DecisionCsvError } from '../adapter/decision-csv.js';
import { checkOwnedFile } from '../output/owned-file.js';
import { toOutputError } from '../output/output-error.js';
import { parseClusterFlags, parsePort, type ClusterArgs } from './cluster-flags.js';
import { parseDurationFlag } from './flags.js';
import { UsageError } from './errors.js';
import { requireOptional } from './optional-deps.js';
import { AUTOSCALER_CONFIG_KEYS, AutoscalerConfigError, checkAutoscalerConfigValue, checkAutoscalerConfigValues, type AutoscalerClass } from '../core/autoscaler/index.js';
import { labelSelectorError } from '../adapter/label-selector.js';
import { didYouMean } from '../scenario/did-you-mean.js';
import { capText, quote, ScenarioError } from '../scenario/errors.js';
import { DEFAULT_USER_CALL_BUDGET_MS, loadUserClass, reservedClassName } from '../scenario/user-classes.js';

export { controllerOptions } from './controller-options.js';

export interface ControllerArgs extends ClusterArgs {
  mode: unknown;
  dryRun: unknown;
  namespace: unknown;
  selector: unknown;
  knativeNamespace: unknown;
  config: unknown;
  csv: unknown;
  allowScaleToZero: unknown;
  /** Absent in callers that predate the flag. */
  autoscalerClass?: unknown;
  staleAfter: unknown;
  subtractProxied: unknown;
  metricsPort: unknown;
  leaseName: unknown;
  leaseNamespace: unknown;
  leaseDuration: unknown;
  renewDeadline: unknown;
  retryPeriod: unknown;
  identity: unknown;
  duration: unknown;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function str(v: unknown): string | undefined {
  return v === undefined ? undefined : String(v);
}

function seconds(v: unknown, flag: string): number {
  const s = parseDurationFlag(v, flag);
  if (s === undefined) throw new UsageError(`${flag}: required`);
  return s;
}

/**
 * `key=value` pairs of --config: each a key knsim reads, with a value that is valid on its
 * own, and together valid by the rules relating two keys both given here, checked before any
 * connection (a rule with one of its keys given waits for the cluster's ConfigMap, which may
 * hold the other one).
 */
export function parseConfigOverrides(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  for (const item of list) {
    const s = String(item);
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UsageError(`--config: must be key=value, e.g. stable-window=30s (got ${JSON.stringify(s)})`);
    const key = s.slice(0, eq);
    const value = s.slice(eq + 1);
    // Knative ignores keys it does not know; in a flag, such a key would change nothing, so it is a mistake.
    if (!AUTOSCALER_CONFIG_KEYS.includes(key)) {
      throw new UsageError(`--config ${capText(s)}: ${quote(key)} is not a config-autoscaler key${didYouMean(key, AUTOSCALER_CONFIG_KEYS)}`);
    }
    try {
      checkAutoscalerConfigValue(key, value);
    } catch (e) {
      if (e instanceof AutoscalerConfigError) throw new UsageError(`--config ${capText(s)}: ${e.first.message}`);
      throw e;
    }
    out[key] = value;
  }
  // A rule relating two keys given here (min-scale=5 with max-scale=2) fails whatever the cluster holds.
  try {
    checkAutoscalerConfigValues(out);
  } catch (e) {
    if (e instanceof AutoscalerConfigError && out[e.key] !== undefined) throw new UsageError(`--config ${capText(`${e.key}=${out[e.key]}`)}: ${e.first.message}`);
    throw e;
  }
  return out;
}

/** The adapter's KNSIM_CLASS, repeated so flag parsing does not load the adapter (a test keeps them equal). */
export const KNSIM_CLASS_NAME = 'kpa.knsim.dev';

/** The class annotation a user class may take: a DNS-subdomain-like name (`predictive.example.com`). */
const CLASS_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** `name=path` pairs of --autoscaler-class, checked for shape; paths resolved against `cwd`. */
export function parseAutoscalerClassFlags(v: unknown, cwd = process.cwd()): Array<{ name: string; module: string }> {
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  const out: Array<{ name: string; module: string }> = [];
  for (const item of list) {
    const s = String(item);
    const eq = s.indexOf('=');
    if (eq <= 0 || eq === s.length - 1) throw new UsageError(`--autoscaler-class: must be name=module, e.g. predictive.example.com=./predictive.ts (got ${JSON.stringify(s)})`);
    const name = s.slice(0, eq);
    if (!CLASS_NAME.test(name) || name.length > 253) throw new UsageError(`--autoscaler-class: ${JSON.stringify(name)} is not a valid class name (letters, digits, '-', '_', '.')`);
    if (reservedClassName(name)) throw new UsageError(`--autoscaler-class: ${JSON.stringify(name)} is reserved: classes ending in .knative.dev are Knative's`);
    if (name === KNSIM_CLASS_NAME) throw new UsageError(`--autoscaler-class: ${JSON.stringify(name)} is knsim's own class (the KPA's logic); pick another name`);
    if (out.some((c) => c.name === name)) throw new UsageError(`--autoscaler-class: class ${JSON.stringify(name)} is given twice`);
    out.push({ name, module: resolve(cwd, s.slice(eq + 1)) });
  }
  return out;
}

/**
 * Loads each class with the simulator's loader (compiled, checked, apiVersion included),
 * so the very module the simulator ran decides in the cluster.
 * @throws UsageError: one line naming the flag or the module and the rule.
 */
export function loadControllerClasses(refs: ReadonlyArray<{ name: string; module: string }>): AutoscalerClass[] {
  return refs.map((r) => {
    try {
      return loadUserClass({ name: r.name, module: r.module, budgetMs: DEFAULT_USER_CALL_BUDGET_MS, where: { file: '--autoscaler-class', path: r.name } });
    } catch (e) {
      if (e instanceof ScenarioError) throw new UsageError(e.message);
      throw e;
    }
  });
}

/** Validates every flag; throws UsageError naming the first bad one. */
export function parseControllerFlags(a: ControllerArgs, env: NodeJS.ProcessEnv = process.env): ControllerSettings {
  const mode = String(a.mode);
  if (mode !== 'shadow' && mode !== 'apply') throw new UsageError(`--mode: must be shadow or apply (got ${JSON.stringify(mode)})`);
  const namespaces = a.namespace === undefined ? undefined : (Array.isArray(a.namespace) ? a.namespace : [a.namespace]).map(String);
  for (const ns of namespaces ?? []) {
    if (!DNS_LABEL.test(ns) || ns.length > 63) throw new UsageError(`--namespace: ${JSON.stringify(ns)} is not a valid namespace name`);
  }
  const knativeNamespace = String(a.knativeNamespace);
  if (!DNS_LABEL.test(knativeNamespace)) throw new UsageError(`--knative-namespace: ${JSON.stringify(knativeNamespace)} is not a valid namespace name`);
  const leaseName = String(a.leaseName);
  if (!DNS_SUBDOMAIN.test(leaseName) || leaseName.length > 253) throw new UsageError(`--lease-name: ${JSON.stringify(leaseName)} is not a valid object name`);
  const leaseNamespace = str(a.leaseNamespace) ?? env['POD_NAMESPACE'];
  if (leaseNamespace !== undefined && !DNS_LABEL.test(leaseNamespace)) {
    throw new UsageError(`--lease-namespace: ${JSON.stringify(leaseNamespace)} is not a valid namespace name`);
  }
  const metricsPort = parsePort(a.metricsPort);
  const cluster = parseClusterFlags(a);
  const { requestTimeoutSeconds } = cluster;
  const leaseDurationSeconds = seconds(a.leaseDuration, '--lease-duration');
  // The Lease stores it as spec.leaseDurationSeconds, an int32: the API server refuses 15.5 or 3.6e9 at the first write.
  if (!Number.isInteger(leaseDurationSeconds) || leaseDurationSeconds > 2 ** 31 - 1) {
    throw new UsageError(`--lease-duration: must be whole seconds, at most 2147483647 (the Lease's spec.leaseDurationSeconds is an int32), got ${JSON.stringify(String(a.leaseDuration))}`);
  }
  const renewDeadlineSeconds = seconds(a.renewDeadline, '--renew-deadline');
  const retryPeriodSeconds = seconds(a.retryPeriod, '--retry-period');
  if (!(renewDeadlineSeconds < leaseDurationSeconds)) throw new UsageError('--renew-deadline: must be shorter than --lease-duration');
  if (!(retryPeriodSeconds < renewDeadlineSeconds)) throw new UsageError('--retry-period: must be shorter than --renew-deadline');
  if (renewDeadlineSeconds + requestTimeoutSeconds > leaseDurationSeconds) {
    throw new UsageError('--renew-deadline: plus --request-timeout must not exceed --lease-duration (else two leaders could overlap)');
  }
  const identity = str(a.identity) ?? env['POD_NAME'] ?? `${hostname()}-${process.pid}`;
  if (identity === '') throw new UsageError('--identity: must not be empty');
  const dryRun = a.dryRun === true;
  const allowScaleToZero = a.allowScaleToZero === true;
  if (mode === 'shadow' && dryRun) throw new UsageError('--dry-run: only means something with --mode apply (shadow mode never writes)');
  const classRefs = parseAutoscalerClassFlags(a.autoscalerClass);
  const csv = str(a.csv) ?? (mode === 'shadow' ? 'knsim-decisions.csv' : undefined);
  if (csv === '') throw new UsageError('--csv: must be a file path');
  const selector = str(a.selector);
  const badSelector = selector === undefined ? undefined : labelSelectorError(selector);
  if (badSelector !== undefined) throw new UsageError(`--selector ${quote(selector!)}: ${badSelector}`);
  return {
    mode,
    dryRun,
    namespaces,
    selector,
    ...cluster,
    knativeNamespace,
    config: parseConfigOverrides(a.config),
    csv,
    allowScaleToZero,
    ...(classRefs.length > 0 ? { autoscalerClasses: loadControllerClasses(classRefs) } : {}),
    staleAfterSeconds: seconds(a.staleAfter, '--stale-after'),
    subtractProxied: a.subtractProxied === true,
    metricsPort,
    leaseName,
    leaseNamespace,
    leaseDurationSeconds,
    renewDeadlineSeconds,
    retryPeriodSeconds,
    identity,
    durationSeconds: parseDurationFlag(a.duration, '--duration'),
  };
}

/** The first line of a decision CSV the controller wrote (adapter/decision-csv.ts). */
const DECISION_CSV_MARK = new RegExp(`^${DECISION_CSV_HEADER.join(',')}\n`);

/** Runs the controller until interrupted (or --duration). */
export async function controllerCommand(args: ControllerArgs): Promise<void> {
  const f = parseControllerFlags(args);
  // The decision CSV is truncated at start: only over a decision CSV knsim wrote before.
  if (f.csv !== undefined) checkOwnedFile(f.csv, `--csv ${f.csv}`, DECISION_CSV_MARK);
  requireOptional('kubernetes');
  const { runController, SetupError } = await import('../adapter/run-controller.js');
  try {
    await runController(f);
  } catch (e) {
    if (e instanceof SetupError) throw new UsageError(e.message);
    // The CSV's folder or file could not be made, or a row not written: the user's disk, in words (exit 2).
    if (e instanceof DecisionCsvError) throw toOutputError(e.error, `--csv ${e.path}`);
    throw e;
  }
}
