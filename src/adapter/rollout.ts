/**
 * `knsim rollout`: moves a Knative Service's traffic from its current revision(s) to a
 * new one in steps, pausing after each step to watch the new revision's request metrics,
 * and puts the original traffic block back if its error rate or latency crosses a
 * threshold.
 *
 * Traffic blocks are built and checked with core/traffic (the webhook's validation, then
 * the route's resolution to per-revision percents) and written with a JSON merge patch of
 * `spec.traffic` carrying the resourceVersion read. A 409 re-reads the Service: if its
 * traffic is still what the driver expects, the patch is retried; if someone else changed
 * it, the rollout stops rather than fight them.
 */
import {
  defaultTraffic,
  ingressSplits,
  makeRouteTraffic,
  resolveTraffic,
  revisionPercents,
  type RevisionInfo,
  type TrafficTarget,
} from '../core/traffic/index.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type { Clock } from './clock.js';
import { callOptions, describeError, isConflict, isRetryable, SERVING_GROUP, SERVING_VERSION, type KubeClients } from './kube.js';
import type { Logger } from './log.js';
import { listRevisionPods, scrapeablePods, type PodInfo } from './pods.js';
import {
  fetchMetricsText,
  histogramDelta,
  histogramQuantile,
  histogramSum,
  requestHistogram,
  USER_METRICS_PORT,
  type RequestHistogram,
} from './request-metrics.js';
import { listRevisions, type RevisionObject } from './revisions.js';

/** The Service fields the driver reads. */
export interface ServiceObject {
  name: string;
  resourceVersion: string | undefined;
  traffic: TrafficTarget[];
  latestReadyRevisionName: string;
}

export function parseService(obj: unknown): ServiceObject {
  const o = obj as {
    metadata?: { name?: unknown; resourceVersion?: unknown };
    spec?: { traffic?: unknown };
    status?: { latestReadyRevisionName?: unknown };
  };
  const raw = o?.spec?.traffic;
  const traffic = Array.isArray(raw) ? (raw as TrafficTarget[]) : [];
  return {
    name: typeof o?.metadata?.name === 'string' ? o.metadata.name : '',
    resourceVersion: typeof o?.metadata?.resourceVersion === 'string' ? o.metadata.resourceVersion : undefined,
    traffic: traffic.map((t) => ({ ...t })),
    latestReadyRevisionName: typeof o?.status?.latestReadyRevisionName === 'string' ? o.status.latestReadyRevisionName : '',
  };
}

/** A usage problem with the rollout request itself (bad revision names, nothing to do). */
export class RolloutPlanError extends Error {
  override readonly name = 'RolloutPlanError';
}

export interface RolloutPlan {
  namespace: string;
  service: string;
  to: string;
  /** The revisions giving up traffic and their current share of the default route. */
  from: Map<string, number>;
  /** The Service's traffic block before the rollout (restored on rollback). */
  original: TrafficTarget[];
  /**
   * Entries of the original block kept in every step: those that carry no traffic, and
   * every tagged one at 0% (its tag URL keeps reaching the same target; the step's pinned
   * entries carry the traffic).
   */
  preserved: TrafficTarget[];
  /** Percent for the new revision after each step, ascending, ending at 100. */
  steps: number[];
}

function toRevisionInfo(r: RevisionObject): RevisionInfo {
  return {
    name: r.name,
    configurationName: r.configurationName,
    generation: r.generation,
    ready: r.ready,
    serviceName: r.serviceName || undefined,
  };
}

/**
 * Each revision's share of the Service's default route, resolved by core/traffic exactly
 * as Knative's route reconciler would (latest-revision targets follow the configuration's
 * latest ready revision).
 */
export function currentShares(svc: ServiceObject, revisions: readonly RevisionObject[]): Map<string, number> {
  const route = makeRouteTraffic(svc.name, svc.traffic);
  const res = resolveTraffic(
    route,
    { revisions: revisions.map(toRevisionInfo), configurations: [{ name: svc.name, latestReadyRevisionName: svc.latestReadyRevisionName }] },
    { serviceName: svc.name },
  );
  if (!res.ok) throw new RolloutPlanError(`service ${svc.name}: its traffic does not resolve: ${res.error.message}`);
  const def = ingressSplits(res.config).find((g) => g.tag === '');
  return revisionPercents(def?.splits ?? []);
}

/** Plans a rollout to `to` (default: the latest ready revision) from everything else that has traffic. */
export function planRollout(
  namespace: string,
  svc: ServiceObject,
  revisions: readonly RevisionObject[],
  opts: { to?: string | undefined; steps: readonly number[] },
): RolloutPlan {
  const to = opts.to ?? svc.latestReadyRevisionName;
  if (!to) throw new RolloutPlanError(`service ${svc.name} has no ready revision to roll out; name one with --to`);
  const target = revisions.find((r) => r.name === to);
  if (!target) throw new RolloutPlanError(`revision ${to} not found in service ${svc.name}`);
  if (!target.ready) throw new RolloutPlanError(`revision ${to} is not ready`);
  const shares = currentShares(svc, revisions);
  const from = new Map([...shares].filter(([name, p]) => name !== to && p > 0));
  if (from.size === 0) throw new RolloutPlanError(`revision ${to} already has all of service ${svc.name}'s traffic`);
  const current = shares.get(to) ?? 0;
  const steps = opts.steps.filter((p) => p > current);
  const original = svc.traffic.map((t) => ({ ...t }));
  const preserved = defaultTraffic(svc.traffic, 'service')
    .map((t, i) => ({ t, src: svc.traffic[i] }))
    .filter(({ t, src }) => (t.percent === 0 || t.tag !== '') && src !== undefined)
    // A tagged entry with traffic loses only its percent: dropping it would take its tag's URL away (404).
    .map(({ t, src }) => (t.percent === 0 ? { ...src! } : { ...src!, percent: 0 }));
  return { namespace, service: svc.name, to, from, original, preserved, steps };
}

/** Splits `total` percent over `shares` in proportion, in whole percents (largest remainder; ties in order). */
export function apportion(shares: ReadonlyMap<string, number>, total: number): Map<string, number> {
  const sum = [...shares.values()].reduce((a, b) => a + b, 0);
  const exact = [...shares].map(([name, s], i) => ({ name, i, v: (s * total) / sum }));
  const out = new Map(exact.map((e) => [e.name, Math.floor(e.v)]));
  let left = total - [...out.values()].reduce((a, b) => a + b, 0);
  for (const e of [...exact].sort((a, b) => b.v - Math.floor(b.v) - (a.v - Math.floor(a.v)) || a.i - b.i)) {
    if (left <= 0) break;
    out.set(e.name, (out.get(e.name) ?? 0) + 1);
    left--;
  }
  return out;
}

/** The traffic block with `percent` on the new revision, pinned revisions only; validated by core/traffic. */
export function stepTraffic(plan: RolloutPlan, percent: number): TrafficTarget[] {
  const block: TrafficTarget[] = plan.preserved.map((t) => ({ ...t }));
  for (const [name, p] of apportion(plan.from, 100 - percent)) if (p > 0) block.push({ revisionName: name, percent: p });
  block.push({ revisionName: plan.to, percent });
  makeRouteTraffic(plan.service, block); // throws TrafficValidationError if invalid
  return block;
}

/** Whether two traffic blocks mean the same after Knative's defaulting. */
export function sameTraffic(a: readonly TrafficTarget[], b: readonly TrafficTarget[]): boolean {
  return JSON.stringify(defaultTraffic(a, 'service')) === JSON.stringify(defaultTraffic(b, 'service'));
}

export interface RolloutThresholds {
  /** Roll back when 5xx / requests exceeds this (0–1). */
  maxErrorRate?: number | undefined;
  /** Roll back when the latency quantile exceeds this many seconds. */
  maxLatencySeconds?: number | undefined;
  /** The quantile judged against maxLatencySeconds (default 0.95). */
  latencyQuantile?: number | undefined;
  /** Judge only windows with at least this many requests (default 20). */
  minRequests?: number | undefined;
}

export interface RolloutOptions extends RolloutThresholds {
  kube: KubeClients;
  clock: Clock;
  logger: Logger;
  namespace: string;
  service: string;
  to?: string | undefined;
  steps: readonly number[];
  /** Wait this long after each step but the last, checking the metrics. */
  pauseSeconds: number;
  /** How often to check the new revision's metrics during a pause. */
  analysisIntervalSeconds: number;
  dryRun: boolean;
  /** Where a pod's request metrics are served (default http://<podIP>:9091/metrics). */
  metricsUrl?: (pod: PodInfo) => string;
  metricsTimeoutSeconds?: number;
  backoff?: BackoffOptions;
  /** Attempts per traffic write (conflicts and retryable errors), default 5. */
  maxWriteAttempts?: number;
}

export interface StepReport {
  percent: number;
  traffic: TrafficTarget[];
  requests: number;
  errorRate: number;
  latencySeconds: number;
}

export type RolloutResult =
  | { outcome: 'completed' | 'dry-run'; plan: RolloutPlan; steps: StepReport[] }
  | { outcome: 'rolled-back'; plan: RolloutPlan; steps: StepReport[]; reason: string }
  | { outcome: 'aborted'; plan: RolloutPlan | undefined; steps: StepReport[]; reason: string };

/** Someone else changed the Service's traffic during the rollout. */
export class TrafficChangedError extends Error {
  override readonly name = 'TrafficChangedError';
}

/** A window's verdict on the new revision. */
export interface Verdict {
  requests: number;
  errors: number;
  errorRate: number;
  latencySeconds: number;
  breach: string | undefined;
}

/**
 * Two fractions as percentages with the fewest significant digits (3 or more) that tell them
 * apart, so a breach never reads `0.10% exceeds 0.10%`.
 */
function distinctPercents(a: number, b: number): [string, string] {
  const at = (x: number, d: number): string => String(+(x * 100).toPrecision(d));
  let d = 3;
  while (d < 15 && at(a, d) === at(b, d)) d++;
  return [at(a, d), at(b, d)];
}

export function judge(h: RequestHistogram, t: RolloutThresholds): Verdict {
  const q = t.latencyQuantile ?? 0.95;
  const errorRate = h.count > 0 ? h.errors / h.count : 0;
  const latencySeconds = histogramQuantile(h, q);
  let breach: string | undefined;
  if (h.count >= (t.minRequests ?? 20)) {
    if (t.maxErrorRate !== undefined && errorRate > t.maxErrorRate) {
      const [rate, max] = distinctPercents(errorRate, t.maxErrorRate);
      breach = `error rate ${rate}% (${h.errors} of ${h.count} requests) exceeds ${max}%`;
    } else if (t.maxLatencySeconds !== undefined && latencySeconds > t.maxLatencySeconds) {
      breach = `p${Math.round(q * 100)} latency ${(latencySeconds * 1000).toFixed(1)} ms exceeds ${(t.maxLatencySeconds * 1000).toFixed(1)} ms`;
    }
  }
  return { requests: h.count, errors: h.errors, errorRate, latencySeconds, breach };
}

export class RolloutDriver {
  private readonly backoff: Backoff;

  constructor(private readonly o: RolloutOptions) {
    this.backoff = new Backoff(o.backoff ?? DEFAULT_BACKOFF);
  }

  private async getService(): Promise<ServiceObject> {
    const { kube, namespace, service } = this.o;
    const obj: unknown = await kube.custom.getNamespacedCustomObject(
      { group: SERVING_GROUP, version: SERVING_VERSION, namespace, plural: 'services', name: service },
      callOptions(kube),
    );
    return parseService(obj);
  }

  /**
   * Writes `block` if the Service's traffic is one of `accepted` (or already `block`).
   * @throws TrafficChangedError if someone else changed it; the last API error after the attempts.
   */
  async writeTraffic(block: TrafficTarget[], accepted: readonly TrafficTarget[][], known?: ServiceObject): Promise<void> {
    const { kube, clock, logger, namespace, service } = this.o;
    const attempts = this.o.maxWriteAttempts ?? 5;
    let svc = known;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        svc ??= await this.getService();
        if (sameTraffic(svc.traffic, block)) return;
        if (!accepted.some((a) => sameTraffic(svc!.traffic, a))) {
          throw new TrafficChangedError(`service ${service}: its traffic was changed by someone else: ${JSON.stringify(svc.traffic)}`);
        }
        const body = { metadata: svc.resourceVersion !== undefined ? { resourceVersion: svc.resourceVersion } : {}, spec: { traffic: block } };
        await kube.custom.patchNamespacedCustomObject(
          { group: SERVING_GROUP, version: SERVING_VERSION, namespace, plural: 'services', name: service, body },
          callOptions(kube, 'merge'),
        );
        this.backoff.succeed();
        return;
      } catch (e) {
        if (e instanceof TrafficChangedError) throw e;
        lastError = e;
        svc = undefined;
        if (isConflict(e)) {
          logger.info('service changed concurrently (409); re-reading', { service, attempt });
          continue;
        }
        if (!isRetryable(e)) throw e;
        const delay = this.backoff.fail(clock.now());
        logger.warn('traffic write failed; backing off', { service, attempt, reason: describeError(e), retryInSeconds: Math.round(delay * 1000) / 1000 });
        await clock.sleep(delay);
      }
    }
    throw lastError instanceof Error ? lastError : new Error(`traffic write failed after ${attempts} attempts`);
  }

  private async snapshot(to: string): Promise<Map<string, RequestHistogram>> {
    const { kube, namespace, logger } = this.o;
    const url = this.o.metricsUrl ?? ((p: PodInfo) => `http://${p.ip.includes(':') ? `[${p.ip}]` : p.ip}:${USER_METRICS_PORT}/metrics`);
    const out = new Map<string, RequestHistogram>();
    let pods: PodInfo[];
    try {
      pods = scrapeablePods((await listRevisionPods(kube, namespace)).get(to) ?? []);
    } catch (e) {
      logger.warn('list pods for analysis failed', { revision: to, reason: describeError(e) });
      return out;
    }
    await Promise.all(
      pods.map(async (p) => {
        try {
          const h = requestHistogram(await fetchMetricsText(url(p), this.o.metricsTimeoutSeconds ?? 3));
          if (h) out.set(p.name, h);
          else logger.warn('pod serves no request histogram (is request-metrics-protocol prometheus?)', { pod: p.name });
        } catch (e) {
          logger.warn('scrape of request metrics failed', { pod: p.name, reason: describeError(e) });
        }
      }),
    );
    return out;
  }

  /** Runs the rollout. Resolves with its outcome; throws only for unusable input or unrecoverable API errors. */
  async run(signal?: AbortSignal): Promise<RolloutResult> {
    const { kube, clock, logger, namespace, service } = this.o;
    const svc = await this.getService();
    const revisions = await listRevisions(kube, namespace, `serving.knative.dev/service=${service}`);
    const plan = planRollout(namespace, svc, revisions, { to: this.o.to, steps: this.o.steps });
    logger.info('rollout planned', {
      service: `${namespace}/${service}`,
      to: plan.to,
      from: [...plan.from].map(([n, p]) => `${n}=${p}%`).join(','),
      steps: plan.steps.join(','),
    });
    const reports: StepReport[] = [];
    if (this.o.dryRun) {
      for (const p of plan.steps) {
        const block = stepTraffic(plan, p);
        logger.info('dry-run: would PATCH service traffic', { service, percent: p, contentType: 'application/merge-patch+json', traffic: JSON.stringify(block) });
        reports.push({ percent: p, traffic: block, requests: 0, errorRate: 0, latencySeconds: Number.NaN });
      }
      return { outcome: 'dry-run', plan, steps: reports };
    }
    let previous = plan.original;
    let known: ServiceObject | undefined = svc;
    for (const [i, percent] of plan.steps.entries()) {
      if (signal?.aborted) return { outcome: 'aborted', plan, steps: reports, reason: 'interrupted; traffic left as is' };
      const block = stepTraffic(plan, percent);
      try {
        await this.writeTraffic(block, [previous], known);
      } catch (e) {
        return { outcome: 'aborted', plan, steps: reports, reason: `step to ${percent}%: ${describeError(e)}` };
      }
      known = undefined;
      logger.info('rollout step applied', { service, to: plan.to, percent });
      const report: StepReport = { percent, traffic: block, requests: 0, errorRate: 0, latencySeconds: Number.NaN };
      reports.push(report);
      const accepted = [previous, block];
      previous = block;
      if (i === plan.steps.length - 1) break;
      // Pause, judging the new revision's requests since this step began.
      const baseline = await this.snapshot(plan.to);
      const until = clock.now() + this.o.pauseSeconds;
      while (clock.now() < until) {
        await clock.sleep(Math.min(this.o.analysisIntervalSeconds, until - clock.now()), signal);
        if (signal?.aborted) return { outcome: 'aborted', plan, steps: reports, reason: 'interrupted; traffic left as is' };
        const now = await this.snapshot(plan.to);
        const window = histogramSum([...now].map(([pod, h]) => histogramDelta(baseline.get(pod), h)));
        const v = judge(window, this.o);
        report.requests = v.requests;
        report.errorRate = v.errorRate;
        report.latencySeconds = v.latencySeconds;
        if (v.breach !== undefined) {
          logger.warn('rollout threshold crossed; rolling back', { service, to: plan.to, percent, reason: v.breach });
          try {
            await this.writeTraffic(plan.original, accepted);
          } catch (e) {
            return { outcome: 'aborted', plan, steps: reports, reason: `${v.breach}; rollback failed: ${describeError(e)}` };
          }
          logger.info('rolled back to the original traffic', { service, traffic: JSON.stringify(plan.original) });
          return { outcome: 'rolled-back', plan, steps: reports, reason: v.breach };
        }
      }
    }
    return { outcome: 'completed', plan, steps: reports };
  }
}
