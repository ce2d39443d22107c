/** A fake cluster (API server + queue-proxies + clock) and helpers to drive controllers on it. */
import { defaultAutoscalerConfig } from '../../../src/core/autoscaler/index.js';
import { Controller, type ControllerOptions } from '../../../src/adapter/controller.js';
import type { ShadowRow } from '../../../src/adapter/decision-csv.js';
import { LeaderElector } from '../../../src/adapter/leader.js';
import type { Logger, LogFields } from '../../../src/adapter/log.js';
import { KNSIM_CLASS, loadAutoscalerConfig } from '../../../src/adapter/revisions.js';
import { FakeClock } from './fake-clock.js';
import { FakeKube, type RecordedRequest } from './fake-kube.js';
import { FakeQueueProxies, SCRAPE_TIMEOUT_SECONDS } from './fake-qp.js';

export const T0 = 1_700_000_000;
export const NS = 'default';

export class MemoryLogger implements Logger {
  readonly lines: Array<{ level: string; msg: string; fields: LogFields | undefined }> = [];
  info(msg: string, fields?: LogFields): void {
    this.lines.push({ level: 'info', msg, fields });
  }
  warn(msg: string, fields?: LogFields): void {
    this.lines.push({ level: 'warn', msg, fields });
  }
  error(msg: string, fields?: LogFields): void {
    this.lines.push({ level: 'error', msg, fields });
  }
  has(msg: string | RegExp): boolean {
    return this.lines.some((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg)));
  }
}

export interface Cluster {
  kube: FakeKube;
  qps: FakeQueueProxies;
  clock: FakeClock;
  stop(): Promise<void>;
}

export async function fakeCluster(): Promise<Cluster> {
  const kube = await new FakeKube().start();
  const qps = new FakeQueueProxies();
  const clock = new FakeClock(T0);
  kube.clock = clock;
  return {
    kube,
    qps,
    clock,
    stop: async () => {
      await Promise.all([kube.stop(), qps.stopAll()]);
    },
  };
}

/** A revision with `pods` ready pods, each with a fake queue-proxy reporting `concurrency`. */
export async function addRevision(
  c: Cluster,
  name: string,
  o: { annotations?: Record<string, string>; knsim?: boolean; pods: number; concurrency: number; replicas?: number; created?: string },
): Promise<void> {
  const annotations = { ...(o.knsim ? { 'autoscaling.knative.dev/class': KNSIM_CLASS } : {}), ...o.annotations };
  c.kube.addRevision(NS, name, { annotations, ...(o.created !== undefined ? { created: o.created } : {}) });
  c.kube.setDeployment(NS, `${name}-deployment`, o.replicas ?? o.pods);
  c.kube.setPodAutoscaler(NS, name, { annotations });
  for (let i = 0; i < o.pods; i++) {
    const pod = `${name}-deployment-${i}`;
    c.kube.addPod(NS, pod, name);
    await c.qps.add(pod, { averageConcurrentRequests: o.concurrency, requestCount: o.concurrency });
  }
}

export function setConcurrency(c: Cluster, revision: string, concurrency: number): void {
  for (const [pod, qp] of c.qps.byPod) if (pod.startsWith(`${revision}-deployment-`)) qp.stat = { ...qp.stat, averageConcurrentRequests: concurrency, requestCount: concurrency };
}

export interface Replica {
  controller: Controller;
  leader: LeaderElector | undefined;
  rows: ShadowRow[];
  logger: MemoryLogger;
  token: string;
}

export function replica(
  c: Cluster,
  o: { token?: string; mode: 'shadow' | 'apply'; dryRun?: boolean; leader?: boolean; leaseNamespace?: string; requestTimeoutSeconds?: number } & Partial<Omit<ControllerOptions, 'leader'>>,
): Replica {
  const token = o.token ?? 'replica-a';
  const kube = c.kube.clients(token, o.requestTimeoutSeconds);
  const logger = new MemoryLogger();
  const rows: ShadowRow[] = [];
  const leader =
    o.leader === false || o.mode === 'shadow' || o.dryRun
      ? undefined
      : new LeaderElector({
          kube,
          clock: c.clock,
          logger,
          namespace: o.leaseNamespace ?? NS,
          name: 'knsim-controller',
          identity: token,
          leaseDurationSeconds: 15,
          renewDeadlineSeconds: 10,
          retryPeriodSeconds: 2,
        });
  let n = 0;
  const { leaseNamespace: _ln, token: _t, leader: _l, requestTimeoutSeconds: _rt, ...rest } = o;
  const controller = new Controller({
    kube,
    clock: c.clock,
    logger,
    dryRun: false,
    namespaces: [NS],
    config: defaultAutoscalerConfig,
    allowScaleToZero: false,
    scrapeUrl: c.qps.url,
    scrapeTimeoutSeconds: SCRAPE_TIMEOUT_SECONDS,
    // Deterministic "randomness": a fixed sequence.
    random: () => ((n = (n * 7919 + 17) % 1000) / 1000),
    backoff: { initialSeconds: 1, maxSeconds: 8, jitter: 0 },
    onRow: (r) => rows.push(r),
    ...rest,
    leader,
  });
  return { controller, leader, rows, logger, token };
}

/**
 * Whether every loop of a running `Controller.run` (default periods: scrape each second, decide
 * every 2 s, revision resync every 10 s) has finished its rounds up to T0 + `s` and sleeps until
 * its next one, with no reconcile in flight: the moment to move the fake clock on. Moved on
 * earlier, a loop still in its round skips the missed one, or one not yet started counts its
 * period from the later time. Other sleeps ending at the same whole second (informers' periodic
 * relists) would stand in for a loop's: `others` says how many to expect there.
 */
export function runLoopsAsleep(c: Cluster, r: Replica, s: number, others: (at: number) => number = () => 0): boolean {
  const due = new Map<number, number>();
  for (const period of [1, 2, 10]) {
    const at = (Math.floor(s / period) + 1) * period;
    due.set(at, (due.get(at) ?? 0) + 1);
  }
  return r.controller.reconcilesInFlight === 0 && [...due].every(([at, n]) => c.clock.sleepsUntil(T0 + at) >= n + others(at));
}

/** The rows of decide ticks: without those of the reconciles a config change ran (action `config-…: …`). */
export function tickRows(r: Replica): ShadowRow[] {
  return r.rows.filter((x) => !/^config-(autoscaler|deployment): /.test(x.action));
}

/**
 * Advances the clock one second at a time for `seconds`: leaders renew every 2 s, every
 * controller scrapes each second and decides every 2 s (as the run loop would).
 */
/** A shadow replica that reloads knative-serving's config-autoscaler (as `knsim controller` does), starting from the defaults. */
export function reloadingReplica(c: Cluster): Replica {
  const clients = c.kube.clients();
  return replica(c, {
    mode: 'shadow',
    config: defaultAutoscalerConfig,
    reloadConfig: { where: 'knative-serving/config-autoscaler', load: () => loadAutoscalerConfig(clients, 'knative-serving', {}) },
  });
}

export async function run(c: Cluster, replicas: readonly Replica[], seconds: number, opts: { renew?: (r: Replica) => boolean } = {}): Promise<void> {
  for (let s = 0; s < seconds; s++) {
    c.clock.advance(1);
    const t = Math.round(c.clock.now() - T0);
    for (const r of replicas) {
      if (r.leader && t % 2 === 0 && (opts.renew?.(r) ?? true)) await r.leader.tryAcquireOrRenew();
      await r.controller.scrapeTick();
      if (t % 2 === 0) await r.controller.decideTick();
    }
  }
}

/** Scale PATCHes of one Deployment, in order. */
export function scalePatches(c: Cluster, deployment: string): RecordedRequest[] {
  return c.kube.requests.filter((r) => r.method === 'PATCH' && r.path === `/apis/apps/v1/namespaces/${NS}/deployments/${deployment}/scale`);
}

/**
 * No wrong or duplicate write: every scale PATCH that took effect changed the replicas
 * (never re-sent a value the Deployment already had), carried a merge-patch body with
 * the resourceVersion, and stayed within [min, max].
 */
export function checkScaleWrites(c: Cluster, deployment: string, initial: number, bounds: { min: number; max: number }): number[] {
  let current = initial;
  const applied: number[] = [];
  for (const r of scalePatches(c, deployment)) {
    if (r.contentType !== 'application/merge-patch+json') throw new Error(`PATCH #${r.seq} has content type ${r.contentType}`);
    const body = r.body as { metadata?: { resourceVersion?: string }; spec?: { replicas?: number } };
    const replicas = body.spec?.replicas;
    if (typeof replicas !== 'number') throw new Error(`PATCH #${r.seq} without spec.replicas`);
    if (body.metadata?.resourceVersion === undefined) throw new Error(`PATCH #${r.seq} without a resourceVersion precondition`);
    if (replicas < bounds.min || (bounds.max > 0 && replicas > bounds.max)) throw new Error(`PATCH #${r.seq} to ${replicas} is outside [${bounds.min}, ${bounds.max}]`);
    if (replicas === current) throw new Error(`PATCH #${r.seq} re-sent replicas=${replicas} the Deployment already had`);
    if (r.applied) {
      current = replicas;
      applied.push(replicas);
    }
  }
  return applied;
}
