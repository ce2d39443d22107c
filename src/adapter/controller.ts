/**
 * The controller adapter: knsim's autoscaler (core's decision pipeline, as in the
 * simulator) driven by a real cluster.
 *
 * - Every resync: list the Revisions to manage (apply: those of the knsim class; shadow:
 *   every KPA- or knsim-class revision).
 * - Every 1 s: list each namespace's revision pods, scrape a sample of each revision's
 *   queue-proxies into its metric collection, and run reconciles that are due (pods
 *   changed, requeue time reached, or a held one).
 * - Every 2 s: read the PodAutoscalers (reachability; Knative's own decision), evaluate
 *   each revision's decider, reconcile when the multiscaler would notify, and report.
 *
 * Writes (apply mode only, never with dry-run or in shadow mode) are Deployment scale
 * patches through {@link ScaleWriter}, and only while this replica leads (Lease).
 */
import type { AutoscalerConfig } from '../core/autoscaler/index.js';
import { DECIDER_PERIOD_SECONDS, KPA_CLASS, SCRAPE_PERIOD_SECONDS } from '../core/autoscaler/index.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type { Clock } from './clock.js';
import type { ShadowRow } from './decision-csv.js';
import { RevisionLoop, type LoopDecision } from './decision-loop.js';
import { describeError, type KubeClients } from './kube.js';
import type { LeaderElector } from './leader.js';
import type { Logger } from './log.js';
import { listRevisionPods, podCounts, scrapeablePods, type PodCounts, type PodInfo } from './pods.js';
import { fetchQueueProxyStat, podMetricsUrl, SCRAPE_TIMEOUT_SECONDS, scrapeRevision, type ScrapeUrl } from './qp-scraper.js';
import {
  adapterAutoscaling,
  deploymentName,
  KNSIM_CLASS,
  listPodAutoscalers,
  listRevisions,
  type PodAutoscalerObject,
  type RevisionObject,
} from './revisions.js';
import { ScaleWriter, type ScaleRead } from './scale-writer.js';

export type ControllerMode = 'shadow' | 'apply';

export interface ControllerOptions {
  kube: KubeClients;
  clock: Clock;
  logger: Logger;
  mode: ControllerMode;
  /** Compute and log writes without sending them (apply mode). */
  dryRun: boolean;
  namespaces: readonly string[];
  /** Only revisions matching this label selector. */
  labelSelector?: string | undefined;
  /** The cluster's `config-autoscaler` (plus overrides), parsed. */
  config: AutoscalerConfig;
  /** Let revisions go to zero (see `adapterAutoscaling`). */
  allowScaleToZero: boolean;
  /** Hold decisions when ready pods have had no good scrape for this long (default 5 s). */
  staleAfterSeconds?: number;
  /** Subtract queue-proxies' proxied counts (only right when activator stats arrive too). */
  subtractProxied?: boolean;
  /** Where pods' autoscaler metrics are served (default http://<podIP>:9090/metrics). */
  scrapeUrl?: ScrapeUrl;
  scrapeTimeoutSeconds?: number;
  /** Uniform in [0, 1): scrape order shuffles and backoff jitter. */
  random?: () => number;
  /** Receives every decision row (CSV writer, tests). */
  onRow?: (row: ShadowRow) => void;
  /** Required in apply mode without dry-run: writes only while leading. */
  leader?: LeaderElector | undefined;
  backoff?: BackoffOptions;
  /** Periods of the run loop (tests may shorten them); upstream's 1 s / 2 s by default. */
  periods?: { scrapeSeconds?: number; decideSeconds?: number; resyncSeconds?: number };
}

interface Managed {
  rev: RevisionObject;
  loop: RevisionLoop;
  deployment: string;
  reachable: boolean;
  /** Shadow mode: the replicas knsim would have set. */
  virtualReplicas: number;
  /** Last scale read (apply / dry-run), reused by the next write as its precondition. */
  lastRead: ScaleRead | undefined;
  /** The Deployment's replicas as last read or written. */
  knownReplicas: number | undefined;
  lastLogged: string;
}

const key = (namespace: string, name: string): string => `${namespace}/${name}`;

export class Controller {
  private readonly o: ControllerOptions;
  private readonly writer: ScaleWriter;
  private readonly revisions = new Map<string, RevisionObject>();
  private readonly managed = new Map<string, Managed>();
  private readonly pods = new Map<string, { at: number; byRevision: Map<string, PodInfo[]> }>();
  private readonly pas = new Map<string, Map<string, PodAutoscalerObject>>();
  private readonly readBackoffs = new Map<string, Backoff>();
  private readonly staleAfter: number;
  private readonly random: () => number;

  constructor(o: ControllerOptions) {
    if (o.mode === 'apply' && !o.dryRun && !o.leader) throw new Error('apply mode without --dry-run needs leader election');
    this.o = o;
    this.staleAfter = o.staleAfterSeconds ?? 5;
    this.random = o.random ?? Math.random;
    const backoff = o.backoff ?? DEFAULT_BACKOFF;
    this.writer = new ScaleWriter({
      kube: o.kube,
      clock: o.clock,
      logger: o.logger,
      dryRun: o.dryRun || o.mode === 'shadow',
      mayWrite: () => o.mode === 'apply' && !o.dryRun && (o.leader?.isLeader(o.clock.now()) ?? false),
      newBackoff: () => new Backoff({ ...backoff, random: this.random }),
    });
  }

  /** Whether this controller writes at all (apply mode, no dry-run). */
  get writes(): boolean {
    return this.o.mode === 'apply' && !this.o.dryRun;
  }

  /** The managed revisions' loops (for tests and status). */
  loops(): RevisionLoop[] {
    return [...this.managed.values()].map((m) => m.loop);
  }

  private readBackoff(k: string): Backoff {
    let b = this.readBackoffs.get(k);
    if (!b) {
      b = new Backoff({ ...(this.o.backoff ?? DEFAULT_BACKOFF), random: this.random });
      this.readBackoffs.set(k, b);
    }
    return b;
  }

  /** Runs `fn` unless its backoff forbids; failures back off. Returns undefined on failure or while backing off. */
  private async guardedRead<T>(k: string, what: string, fn: () => Promise<T>): Promise<T | undefined> {
    const b = this.readBackoff(k);
    if (!b.ready(this.o.clock.now())) return undefined;
    try {
      const v = await fn();
      b.succeed();
      return v;
    } catch (e) {
      const delay = b.fail(this.o.clock.now());
      this.o.logger.warn(`${what} failed; backing off`, { reason: describeError(e), retryInSeconds: Math.round(delay * 1000) / 1000 });
      return undefined;
    }
  }

  private wants(rev: RevisionObject): boolean {
    if (this.o.mode === 'apply') return rev.autoscalerClass === KNSIM_CLASS;
    const cls = rev.autoscalerClass === '' ? this.o.config.podAutoscalerClass : rev.autoscalerClass;
    return cls === KPA_CLASS || cls === KNSIM_CLASS;
  }

  /** Lists the revisions to manage; forgets deleted ones. */
  async syncRevisions(): Promise<void> {
    for (const ns of this.o.namespaces) {
      const list = await this.guardedRead(`revisions/${ns}`, 'list revisions', () => listRevisions(this.o.kube, ns, this.o.labelSelector));
      if (list === undefined) continue;
      const seen = new Set<string>();
      for (const rev of list) {
        if (!this.wants(rev)) continue;
        const k = key(rev.namespace, rev.name);
        seen.add(k);
        this.revisions.set(k, rev);
      }
      for (const k of [...this.revisions.keys()]) {
        if (k.startsWith(`${ns}/`) && !seen.has(k)) {
          this.revisions.delete(k);
          if (this.managed.delete(k)) this.o.logger.info('revision gone; stopped managing it', { revision: k });
        }
      }
    }
  }

  private ensureManaged(rev: RevisionObject, pods: readonly PodInfo[], now: number): Managed | undefined {
    const k = key(rev.namespace, rev.name);
    const existing = this.managed.get(k);
    if (existing) return existing;
    const pa = this.pas.get(rev.namespace)?.get(rev.name);
    const reachable = pa?.reachable ?? true;
    let autoscaling;
    try {
      autoscaling = adapterAutoscaling(this.o.config, rev, { reachable, allowScaleToZero: this.o.allowScaleToZero });
    } catch (e) {
      if (!this.invalid.has(k)) this.o.logger.error('revision has invalid autoscaling settings; not managing it', { revision: k, reason: describeError(e) });
      this.invalid.add(k);
      return undefined;
    }
    const ready = podCounts(pods).ready;
    // A revision created less than a stable window ago starts as new (PA activating);
    // an older one is taken over as running with the pods it has.
    const isNew = rev.createdSeconds !== undefined && now - rev.createdSeconds < autoscaling.deciderSpec.stableWindowSeconds;
    const loop = new RevisionLoop({
      namespace: rev.namespace,
      name: rev.name,
      autoscaling,
      nowSeconds: now,
      existingPods: isNew ? undefined : ready,
      staleAfterSeconds: this.staleAfter,
    });
    const m: Managed = {
      rev,
      loop,
      deployment: deploymentName(rev.name, pa),
      reachable,
      virtualReplicas: isNew ? autoscaling.initialScale : ready,
      lastRead: undefined,
      knownReplicas: undefined,
      lastLogged: '',
    };
    this.managed.set(k, m);
    this.o.logger.info('managing revision', {
      revision: k,
      mode: this.o.mode,
      deployment: m.deployment,
      target: autoscaling.deciderSpec.targetValue,
      metric: autoscaling.metric,
      minScale: autoscaling.minScale,
      maxScale: autoscaling.maxScale,
      scaleToZero: autoscaling.enableScaleToZero,
      takenOverWithPods: isNew ? undefined : ready,
    });
    return m;
  }

  private readonly invalid = new Set<string>();

  /** The 1 s tick: pods, scrapes, due reconciles. */
  async scrapeTick(): Promise<void> {
    const { clock } = this.o;
    await Promise.all(
      this.o.namespaces.map(async (ns) => {
        const byRevision = await this.guardedRead(`pods/${ns}`, 'list pods', () => listRevisionPods(this.o.kube, ns));
        const now = clock.now();
        if (byRevision === undefined) return;
        this.pods.set(ns, { at: now, byRevision });
        const work: Promise<void>[] = [];
        for (const rev of this.revisions.values()) {
          if (rev.namespace !== ns) continue;
          const pods = byRevision.get(rev.name) ?? [];
          const m = this.ensureManaged(rev, pods, now);
          if (!m) continue;
          work.push(this.scrapeOne(m, pods, now));
        }
        await Promise.all(work);
      }),
    );
  }

  private async scrapeOne(m: Managed, pods: readonly PodInfo[], now: number): Promise<void> {
    const counts = podCounts(pods);
    m.loop.observePods(now, counts);
    if (m.loop.pipeline.scrapes) {
      const timeout = this.o.scrapeTimeoutSeconds ?? SCRAPE_TIMEOUT_SECONDS;
      const url = this.o.scrapeUrl ?? podMetricsUrl();
      const res = await scrapeRevision({
        pods: scrapeablePods(pods),
        nowSeconds: now,
        stableWindowSeconds: m.loop.pipeline.autoscaling.deciderSpec.stableWindowSeconds,
        randomInt: (b) => Math.min(b - 1, Math.floor(this.random() * b)),
        fetchStat: (p) => fetchQueueProxyStat(url(p), timeout),
        subtractProxied: this.o.subtractProxied ?? false,
      });
      const t = this.o.clock.now();
      if (res.kind === 'stat') m.loop.recordScrape({ timeSeconds: t, ...res.stat });
      else if (res.kind === 'no-pods') m.loop.recordEmptyScrape(t);
      else this.o.logger.warn('scrape failed; nothing recorded', { revision: key(m.rev.namespace, m.rev.name), reason: res.error });
    }
    if (m.loop.reconcileDue(this.o.clock.now())) await this.reconcile(m, counts);
  }

  /** The 2 s tick: PodAutoscalers, decider evaluations, notified reconciles, rows. */
  async decideTick(): Promise<void> {
    const { clock } = this.o;
    for (const ns of this.o.namespaces) {
      const pas = await this.guardedRead(`podautoscalers/${ns}`, 'list podautoscalers', () => listPodAutoscalers(this.o.kube, ns));
      if (pas !== undefined) this.pas.set(ns, pas);
      else this.pas.delete(ns);
    }
    for (const m of this.managed.values()) {
      const now = clock.now();
      const pa = this.pas.get(m.rev.namespace)?.get(m.rev.name);
      if (pa && pa.reachable !== m.reachable) {
        m.reachable = pa.reachable;
        if (m.loop.pipeline.setReachable(pa.reachable)) m.loop.deferReconcile();
      }
      const listing = this.pods.get(m.rev.namespace);
      const fresh = listing !== undefined && now - listing.at <= this.staleAfter;
      const counts = fresh ? podCounts(listing.byRevision.get(m.rev.name) ?? []) : undefined;
      const d = m.loop.decide(now, counts?.ready);
      let action = 'none';
      if (counts !== undefined && m.loop.reconcileDue(now)) action = await this.reconcile(m, counts);
      else if (d.hold !== undefined) action = 'hold';
      this.emit(m, d, pa, action);
    }
  }

  /** One reconcile of a revision, then its write (or what would be written). Returns the action. */
  private async reconcile(m: Managed, counts: PodCounts): Promise<string> {
    const { clock, logger } = this.o;
    const loop = m.loop;
    const now = clock.now();
    if (loop.isStale(now)) {
      loop.deferReconcile();
      return 'hold';
    }
    if (this.writes && !(this.o.leader?.isLeader(now) ?? false)) {
      // A standby keeps its deciders warm but does not reconcile.
      loop.deferReconcile();
      return 'standby';
    }
    const target = { namespace: m.rev.namespace, deployment: m.deployment, revision: m.rev.name };
    let replicas: number;
    if (this.o.mode === 'shadow') replicas = m.virtualReplicas;
    else {
      if (this.writer.backingOff(target)) {
        loop.deferReconcile();
        return 'backoff';
      }
      const read = await this.writer.read(target);
      if (read === undefined) {
        loop.deferReconcile();
        return 'read-failed';
      }
      m.lastRead = read;
      m.knownReplicas = read.replicas;
      replicas = read.replicas;
    }
    const r = loop.reconcile(clock.now(), counts, replicas);
    if (r.applyReplicas === undefined) return 'none';
    const to = r.applyReplicas;
    if (this.o.mode === 'shadow') {
      m.virtualReplicas = to;
      return `would-scale ${replicas}->${to}`;
    }
    const s = loop.pipeline.settings;
    let min = s.reachable ? s.minScale : 0;
    if (!loop.pipeline.autoscaling.enableScaleToZero) min = Math.max(min, 1);
    const outcome = await this.writer.write(target, to, { min, max: s.maxScale }, m.lastRead);
    switch (outcome) {
      case 'written':
        m.lastRead = undefined;
        m.knownReplicas = to;
        return `scale ${replicas}->${to}`;
      case 'unchanged':
        return 'none';
      case 'dry-run':
        return `dry-run ${replicas}->${to}`;
      default:
        // Not applied: reconcile again (after any backoff) with a fresh read.
        m.lastRead = undefined;
        loop.deferReconcile();
        logger.info('scale not applied; will retry', { revision: target.revision, outcome });
        return outcome;
    }
  }

  private emit(m: Managed, d: LoopDecision, pa: PodAutoscalerObject | undefined, action: string): void {
    const row: ShadowRow = {
      ...m.loop.row(d),
      knativeDesired: m.rev.autoscalerClass === KNSIM_CLASS ? undefined : pa?.desiredScale,
      knativeActual: pa?.actualScale,
      replicas: this.o.mode === 'shadow' ? m.virtualReplicas : m.knownReplicas,
      action,
    };
    this.o.onRow?.(row);
    const summary = `${row.valid}/${row.desired}/${row.want}/${row.hold}/${String(row.knativeDesired)}`;
    const quiet = action === 'none' || action === 'hold' || action === 'standby' || action === 'backoff';
    if (!quiet || summary !== m.lastLogged) {
      m.lastLogged = summary;
      this.o.logger.info('decision', {
        revision: key(row.namespace, row.revision),
        ready: row.readyPods,
        stable: Number.isNaN(row.observedStable) ? undefined : Math.round(row.observedStable * 1000) / 1000,
        panic: Number.isNaN(row.observedPanic) ? undefined : Math.round(row.observedPanic * 1000) / 1000,
        knsimDesired: row.desired,
        knsimWant: row.want,
        knativeDesired: row.knativeDesired,
        valid: row.valid,
        hold: row.hold || undefined,
        action,
      });
    }
  }

  /**
   * Runs until `signal` aborts: leader election (if any), resync, scrape and decide loops
   * on the clock. Errors in one round are logged; the loops go on.
   */
  async run(signal: AbortSignal): Promise<void> {
    const p = this.o.periods ?? {};
    const scrape = p.scrapeSeconds ?? SCRAPE_PERIOD_SECONDS;
    const decide = p.decideSeconds ?? DECIDER_PERIOD_SECONDS;
    const resync = p.resyncSeconds ?? 10;
    const loops: Promise<void>[] = [];
    const leader = this.writes ? this.o.leader : undefined;
    if (leader) {
      await leader.tryAcquireOrRenew();
      loops.push(this.every(leader.opts.retryPeriodSeconds, signal, 'leader election', () => leader.tryAcquireOrRenew().then(() => {})));
    }
    await this.syncRevisions().catch((e: unknown) => this.o.logger.error('sync failed', { reason: describeError(e) }));
    loops.push(this.every(resync, signal, 'sync', () => this.syncRevisions(), resync));
    loops.push(this.every(scrape, signal, 'scrape', () => this.scrapeTick()));
    loops.push(this.every(decide, signal, 'decide', () => this.decideTick(), decide));
    await Promise.all(loops);
    if (leader) await leader.release();
  }

  private async every(period: number, signal: AbortSignal, what: string, fn: () => Promise<void>, firstDelay = 0): Promise<void> {
    const { clock } = this.o;
    let next = clock.now() + firstDelay;
    for (;;) {
      const wait = next - clock.now();
      if (wait > 0) await clock.sleep(wait, signal);
      if (signal.aborted) return;
      try {
        await fn();
      } catch (e) {
        this.o.logger.error(`${what} round failed`, { reason: describeError(e) });
      }
      next += period;
      // Skip rounds that were missed while this one ran long.
      const now = clock.now();
      if (next < now) next = now;
    }
  }
}
