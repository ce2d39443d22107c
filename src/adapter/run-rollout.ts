/**
 * Wiring for `knsim rollout`: kubeconfig, clients and the rollout driver on the real
 * clock, stopped by SIGINT/SIGTERM (which leaves the traffic as it is).
 */
import { systemClock } from './clock.js';
import { lineLogger } from './log.js';
import { RolloutDriver, RolloutPlanError, type RolloutResult } from './rollout.js';
import { connect, SetupError, type ConnectSettings, type RunIo } from './run-controller.js';

export interface RolloutSettings extends ConnectSettings {
  service: string;
  namespace: string | undefined;
  to: string | undefined;
  steps: number[];
  pauseSeconds: number;
  intervalSeconds: number;
  maxErrorRate: number | undefined;
  maxLatencySeconds: number | undefined;
  latencyQuantile: number;
  minRequests: number;
  metricsPort: number;
  dryRun: boolean;
}

/** The same I/O seams as the controller (output, clock, abort, kube clients for tests). */
export type RolloutIo = RunIo;

/** Runs a rollout to its end. @throws SetupError for unusable inputs (bad kubeconfig, unknown revision…). */
export async function runRollout(s: RolloutSettings, io: RolloutIo): Promise<RolloutResult> {
  const clock = io.clock ?? systemClock;
  const logger = lineLogger(io.stderr, { json: s.logFormat === 'json', now: () => clock.now() });
  let kube = io.kube;
  let namespace = s.namespace;
  if (!kube) {
    const c = connect(s);
    namespace ??= c.namespace;
    kube = c.kube;
  }
  const driver = new RolloutDriver({
    kube,
    clock,
    logger,
    namespace: namespace ?? 'default',
    service: s.service,
    to: s.to,
    steps: s.steps,
    pauseSeconds: s.pauseSeconds,
    analysisIntervalSeconds: s.intervalSeconds,
    maxErrorRate: s.maxErrorRate,
    maxLatencySeconds: s.maxLatencySeconds,
    latencyQuantile: s.latencyQuantile,
    minRequests: s.minRequests,
    dryRun: s.dryRun,
    metricsUrl: (p) => `http://${p.ip.includes(':') ? `[${p.ip}]` : p.ip}:${s.metricsPort}/metrics`,
  });
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  io.signal?.addEventListener('abort', onSignal, { once: true });
  let result: RolloutResult;
  try {
    result = await driver.run(stop.signal);
  } catch (e) {
    if (e instanceof RolloutPlanError) throw new SetupError(`${s.service}: ${e.message}`);
    throw e;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    io.signal?.removeEventListener('abort', onSignal);
  }
  const where = `${namespace ?? 'default'}/${s.service}`;
  const plan = result.plan;
  const last = result.steps.at(-1);
  switch (result.outcome) {
    case 'completed':
      io.stdout(`knsim rollout: ${where}: ${plan?.to ?? ''} now has 100% of the traffic (${result.steps.length} steps)\n`);
      break;
    case 'dry-run':
      io.stdout(`knsim rollout: ${where}: dry-run, would move traffic to ${plan?.to ?? ''} in steps ${result.steps.map((x) => `${x.percent}%`).join(', ')}\n`);
      break;
    case 'rolled-back':
      io.stdout(`knsim rollout: ${where}: rolled back at ${last?.percent ?? 0}% to ${plan?.to ?? ''}: ${result.reason}\n`);
      break;
    case 'aborted':
      io.stdout(`knsim rollout: ${where}: stopped: ${result.reason}\n`);
      break;
  }
  return result;
}
