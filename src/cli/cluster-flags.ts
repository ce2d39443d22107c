/**
 * The flags `knsim controller` and `knsim rollout` share: how to reach the API server
 * (one kubeconfig connect in the adapter serves both) and how to log.
 */
import type { Argv } from 'yargs';
import type { ConnectSettings } from '../adapter/run-controller.js';
import { UsageError } from './errors.js';
import { DIGITS, parseDurationFlag } from './flags.js';

export function clusterOptions<T>(y: Argv<T>) {
  return y
    .option('kubeconfig', { type: 'string', describe: 'kubeconfig file (default $KUBECONFIG, ~/.kube/config, then in-cluster)' })
    .option('context', { type: 'string', describe: 'kubeconfig context' })
    .option('in-cluster', { type: 'boolean', default: false, describe: 'Use the pod\'s service account' })
    .option('request-timeout', { type: 'string', default: '5s', describe: 'Timeout of each Kubernetes API request' })
    .option('log-format', { type: 'string', default: 'text', describe: 'text | json' });
}

/** The shared flags as parsed by yargs (camel-cased). */
export interface ClusterArgs {
  kubeconfig: unknown;
  context: unknown;
  inCluster: unknown;
  requestTimeout: unknown;
  logFormat: unknown;
}

const MAX_REQUEST_TIMEOUT_MS = 2 ** 32 - 1;

/** Validates the shared flags; throws UsageError naming the first bad one. */
export function parseClusterFlags(a: ClusterArgs): ConnectSettings {
  const logFormat = String(a.logFormat);
  if (logFormat !== 'text' && logFormat !== 'json') throw new UsageError(`--log-format: must be text or json (got ${JSON.stringify(logFormat)})`);
  const requestTimeoutSeconds = parseDurationFlag(a.requestTimeout, '--request-timeout') ?? 5;
  // Each API request is aborted by AbortSignal.timeout, which takes whole milliseconds up to 2^32 − 1 and throws past them.
  if (requestTimeoutSeconds * 1000 > MAX_REQUEST_TIMEOUT_MS) {
    throw new UsageError(`--request-timeout: must be at most 1193h (a request's timeout is whole milliseconds up to 2^32 − 1), got ${JSON.stringify(String(a.requestTimeout))}`);
  }
  return {
    kubeconfig: a.kubeconfig === undefined ? undefined : String(a.kubeconfig),
    context: a.context === undefined ? undefined : String(a.context),
    inCluster: a.inCluster === true,
    requestTimeoutSeconds,
    logFormat,
  };
}

/** A flag's value in a message: a non-number handed in as NaN would show as JSON's null. */
export function shownFlagValue(v: unknown): string {
  return typeof v === 'number' && Number.isNaN(v) ? 'something that is not a number' : JSON.stringify(v) ?? String(v);
}

/**
 * A numeric flag's value. The flags are yargs strings, not numbers, so that a message can
 * echo what was typed (yargs made "abc" NaN and "1e309" Infinity, both shown as null); a
 * default arrives as a number. Decimal text only, no spaces around it (see DIGITS).
 */
export function flagNumber(v: unknown, whole: boolean): number {
  if (typeof v === 'number') return v;
  const s = String(v);
  return (whole ? DIGITS : /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/).test(s) ? Number(s) : Number.NaN;
}

/** --metrics-port: a TCP port number. */
export function parsePort(v: unknown, flag = '--metrics-port'): number {
  const port = flagNumber(v, true);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`${flag}: must be a port number 1–65535 (got ${shownFlagValue(v)})`);
  return port;
}
