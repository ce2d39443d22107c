/**
 * `knsim rollout <service>`: a gradual traffic rollout with automatic rollback (see
 * src/adapter/rollout.ts). Exit 0 when complete (or dry-run), 3 when rolled back or
 * stopped, 2 for bad input.
 */
import type { Argv } from 'yargs';
import type { RolloutSettings } from '../adapter/run-rollout.js';
import { clusterOptions, flagNumber, parseClusterFlags, parsePort, shownFlagValue, type ClusterArgs } from './cluster-flags.js';
import { parseDurationFlag } from './flags.js';
import { UsageError } from './errors.js';
import { requireOptional } from './optional-deps.js';

/** Exit code of a rollout that was rolled back or could not finish. */
export const EXIT_ROLLED_BACK = 3;

export function rolloutOptions<T>(y: Argv<T>) {
  return clusterOptions(
    y
      .positional('service', { type: 'string', describe: 'Knative Service name', demandOption: true })
      .option('namespace', { alias: 'n', type: 'string', describe: 'Namespace (default: the kubeconfig context\'s, else "default")' })
      .option('to', { type: 'string', describe: 'Revision to roll out (default: the Service\'s latest ready revision)' })
      .option('steps', { type: 'string', default: '10,25,50,100', describe: 'Percent for the new revision after each step, ascending, ending at 100' })
      .option('pause', { type: 'string', default: '60s', describe: 'Wait after each step (but the last), watching the new revision' })
      .option('interval', { type: 'string', describe: 'How often to check the new revision\'s metrics during a pause (at least 1s; default: 10s, or --pause if shorter)' })
      .option('max-error-rate', { type: 'string', describe: 'Roll back above this 5xx share, e.g. 0.05 or 5%' })
      .option('max-latency', { type: 'string', describe: 'Roll back when the latency quantile exceeds this, e.g. 500ms' })
      .option('latency-quantile', { type: 'string', default: 0.95, describe: 'Quantile judged against --max-latency' })
      .option('min-requests', { type: 'string', default: 20, describe: 'Judge only windows with at least this many requests' })
      .option('metrics-port', { type: 'string', default: 9091, describe: 'Queue-proxy request metrics port (Prometheus)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print the traffic blocks instead of patching' }),
  );
}

export interface RolloutArgs extends ClusterArgs {
  service: unknown;
  namespace: unknown;
  to: unknown;
  steps: unknown;
  pause: unknown;
  interval: unknown;
  maxErrorRate: unknown;
  maxLatency: unknown;
  latencyQuantile: unknown;
  minRequests: unknown;
  metricsPort: unknown;
  dryRun: unknown;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** --interval's floor: knative/serving's collector scrapes every pod once a second (scrapeTickInterval). */
const MIN_INTERVAL_SECONDS = 1;
/** --interval when not given, unless --pause is shorter. */
const DEFAULT_INTERVAL_SECONDS = 10;

/** --steps: whole percents in (0, 100], strictly ascending, the last 100. */
export function parseSteps(v: unknown): number[] {
  const s = String(v);
  const steps = s.split(',').map((x) => x.trim().replace(/%$/, ''));
  const nums = steps.map(Number);
  if (steps.some((x) => !/^[0-9]+$/.test(x)) || nums.some((n) => n < 1 || n > 100)) {
    throw new UsageError(`--steps: must be whole percents 1–100 separated by commas, e.g. 10,25,50,100 (got ${JSON.stringify(s)})`);
  }
  for (let i = 1; i < nums.length; i++) {
    if (!(nums[i]! > nums[i - 1]!)) throw new UsageError(`--steps: must be strictly ascending (got ${JSON.stringify(s)})`);
  }
  if (nums.at(-1) !== 100) throw new UsageError(`--steps: the last step must be 100 (got ${JSON.stringify(s)})`);
  return nums;
}

/** `0.05`, `.5`, `5e-2`, `5%` or `2.5%`: a decimal number, as the other numeric flags take it, then an optional percent sign. */
const DECIMAL_RATE = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?%?$/;

/** --max-error-rate: a fraction in [0, 1] or a percentage like 5%. */
export function parseRate(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  // A plain decimal, as the other numeric flags take: Number() alone read '0x1' as 1 and dropped spaces.
  const ok = typeof v === 'number' ? Number.isFinite(v) : DECIMAL_RATE.test(s);
  const pct = s.endsWith('%');
  const n = Number(pct ? s.slice(0, -1) : s);
  const rate = pct ? n / 100 : n;
  if (!ok || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new UsageError(`--max-error-rate: must be a fraction 0–1 or a percentage like 5% (got ${JSON.stringify(v)})`);
  }
  return rate;
}

export function parseRolloutFlags(a: RolloutArgs): RolloutSettings {
  const service = String(a.service);
  if (!NAME.test(service) || service.length > 63) throw new UsageError(`<service>: ${JSON.stringify(service)} is not a valid Service name`);
  const namespace = a.namespace === undefined ? undefined : String(a.namespace);
  if (namespace !== undefined && (!NAME.test(namespace) || namespace.length > 63)) throw new UsageError(`--namespace: ${JSON.stringify(namespace)} is not a valid namespace name`);
  const to = a.to === undefined ? undefined : String(a.to);
  if (to !== undefined && (!NAME.test(to) || to.length > 63)) throw new UsageError(`--to: ${JSON.stringify(to)} is not a valid revision name`);
  const pauseSeconds = parseDurationFlag(a.pause, '--pause') ?? 60;
  // No check can be shorter than 1s, so neither can a pause; this names the flag given (it was blamed on --interval).
  if (pauseSeconds < MIN_INTERVAL_SECONDS) throw new UsageError(`--pause: must be at least 1s, the shortest --interval (got ${JSON.stringify(String(a.pause))})`);
  // Unset, the interval shrinks to a shorter pause: the fixed 10s refused --pause 5s for an --interval never given.
  const intervalSeconds = parseDurationFlag(a.interval, '--interval') ?? Math.min(DEFAULT_INTERVAL_SECONDS, pauseSeconds);
  // Each check scrapes every pod of the revision; Knative's own autoscaler scrapes queue-proxies once a second,
  // so anything shorter only loads the pods and the API server (1ns ran the checks back to back).
  if (intervalSeconds < MIN_INTERVAL_SECONDS) throw new UsageError(`--interval: must be at least 1s, the Knative autoscaler's scrape period (got ${JSON.stringify(String(a.interval))})`);
  if (intervalSeconds > pauseSeconds) throw new UsageError('--interval: must not be longer than --pause');
  const q = flagNumber(a.latencyQuantile, false);
  if (!(q > 0 && q < 1)) throw new UsageError(`--latency-quantile: must be between 0 and 1 (got ${shownFlagValue(a.latencyQuantile)})`);
  const minRequests = flagNumber(a.minRequests, true);
  if (!Number.isSafeInteger(minRequests) || minRequests < 1) throw new UsageError(`--min-requests: must be a whole number ≥ 1 (got ${shownFlagValue(a.minRequests)})`);
  const metricsPort = parsePort(a.metricsPort);
  const cluster = parseClusterFlags(a);
  return {
    service,
    namespace,
    to,
    steps: parseSteps(a.steps),
    pauseSeconds,
    intervalSeconds,
    maxErrorRate: parseRate(a.maxErrorRate),
    maxLatencySeconds: parseDurationFlag(a.maxLatency, '--max-latency'),
    latencyQuantile: q,
    minRequests,
    metricsPort,
    dryRun: a.dryRun === true,
    ...cluster,
  };
}

/** Error codes of a server that cannot be reached or trusted: the user's kubeconfig or network, not a bug. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
  'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The one-line message of a request that never reached the API server, or undefined for anything else. */
export function networkFailure(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  // The per-request timeout (AbortSignal.timeout) fired: the server did not answer in time, which is no bug of knsim's.
  if (e.name === 'AbortError' || (e.cause as { name?: unknown } | undefined)?.name === 'AbortError') return 'no answer within --request-timeout';
  const codes = [(e as { code?: unknown }).code, (e.cause as { code?: unknown } | undefined)?.code];
  if (!codes.some((c) => typeof c === 'string' && NETWORK_CODES.has(c))) return undefined;
  return e.message.replace(/\s+/g, ' ').trim();
}

export async function rolloutCommand(args: RolloutArgs): Promise<void> {
  const s = parseRolloutFlags(args);
  requireOptional('kubernetes');
  const { runRollout } = await import('../adapter/run-rollout.js');
  const { SetupError } = await import('../adapter/run-controller.js');
  let outcome: string;
  try {
    outcome = (await runRollout(s, { stdout: (x) => process.stdout.write(x), stderr: (x) => process.stderr.write(x) })).outcome;
  } catch (e) {
    if (e instanceof SetupError) throw new UsageError(e.message);
    const unreachable = networkFailure(e);
    if (unreachable !== undefined) throw new UsageError(`kubeconfig: cannot reach the API server: ${unreachable}`);
    throw e;
  }
  if (outcome === 'rolled-back' || outcome === 'aborted') process.exitCode = EXIT_ROLLED_BACK;
}
