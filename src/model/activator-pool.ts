import { apiTime, LONG_AGO_SECONDS } from './api-time.js';
import {
  HpaController,
  toHpaInputs,
  type HpaSpec,
  type PodResourceSample,
} from '../core/autoscaler/index.js';
import { automaxprocs } from '../core/capacity/index.js';
import { Activator } from './activator.js';
import { ActivatorDrain, startActivatorProcess } from './activator-rollout.js';
import { CfsBandwidth, type CfsThrottled } from './cfs-bandwidth.js';
import { CompletionTimer, cpuRate, ProcessorSharing } from './cpu.js';
import { METRICS_SCRAPE_PRIORITY } from './event-order.js';
import { DEFAULT_METRICS_RESOLUTION_SECONDS, FRESH_CONTAINER_MIN_SECONDS, cpuMillisOf } from './metrics-server.js';
import { cfsQuotaMillis } from './pod-resources.js';
import { Phase, type Request } from './request.js';
import type { ActivatorCpuSpec } from './spec.js';
import type { World } from './world.js';

/**
 * One activator pod's CPU: each proxied request first spends `perRequest` CPU-seconds in
 * it, sharing the activator's cores with the other requests doing so (processor sharing,
 * one core at most per request), and only then goes to its revision's throttler. An
 * activator at its limit therefore delays every request it takes. Its cores are its
 * GOMAXPROCS (automaxprocs: the limit rounded down, at least 1); under a limit below 1 core
 * it runs on 1 until the period's CFS quota is spent, as a pod does (cfs-bandwidth.ts).
 */
export class ActivatorCpu implements CfsThrottled {
  private readonly ps: ProcessorSharing<Request>;
  private readonly timer: CompletionTimer<Request>;
  /** The CFS quota's periods, when its GOMAXPROCS outruns its limit (a limit below 1 core). */
  readonly cfs: CfsBandwidth | undefined;
  /** metrics-server's last two points (cumulative CPU-seconds). */
  prevT = Number.NaN;
  prevCpu = 0;
  lastT = Number.NaN;
  lastCpu = 0;

  constructor(
    readonly activator: Activator,
    readonly spec: ActivatorCpuSpec,
    /** When its container started (the CPU counter's origin). */
    readonly startedAt: number,
  ) {
    const quota = cfsQuotaMillis(spec.limitMillis)!;
    const cores = automaxprocs(quota);
    if (cores > quota / 1000) {
      const cfs = (this.cfs = new CfsBandwidth(activator.world.sim, quota, this));
      const rate = cpuRate(cores, 1);
      this.ps = new ProcessorSharing<Request>(
        (n) => (cfs.throttled ? 0 : rate(n)),
        (now, throughput) => cfs.advanced(now, throughput),
      );
    } else {
      // On no more cores than its quota it never spends the quota before the period ends.
      this.ps = new ProcessorSharing<Request>(cpuRate(cores, 1));
    }
    this.timer = new CompletionTimer(activator.world.sim, this.ps, (now) => this.completed(now));
  }

  /** The request's CPU work starts now; the throttler gets it when it is done. */
  start(req: Request, now: number): void {
    this.ps.add(req, this.spec.perRequestSeconds, now);
    this.rescheduled(now);
  }

  /** A request ended (timed out) before its CPU work was done; false if it was not in its CPU phase. */
  cancel(req: Request, now: number): boolean {
    if (!this.ps.remove(req, now)) return false;
    this.rescheduled(now);
    return true;
  }

  cpuInUse(): number {
    return this.ps.throughput;
  }

  hasCpuWork(): boolean {
    return this.ps.size > 0;
  }

  throttleChanged(now: number): void {
    this.ps.settle(now);
    this.ps.rateChanged();
    this.rescheduled(now);
  }

  /** After a change to the CPU queue: its next completion and, under a quota, the next period event. */
  private rescheduled(now: number): void {
    this.timer.reschedule();
    this.cfs?.reschedule(now);
  }

  /** CPU-seconds used up to `now`. */
  cpuSeconds(now: number): number {
    return this.ps.cumulative(now);
  }

  /** The requests in their CPU phase now. */
  inService(): Request[] {
    return this.ps.items();
  }

  /** Requests in their CPU phase now. */
  get busy(): number {
    return this.ps.size;
  }

  private completed(now: number): void {
    for (const req of this.ps.popDone(now)) {
      if (req.phase === Phase.AtActivator) this.activator.throttler(req.revision!).admit(req, now);
    }
    this.rescheduled(now);
  }
}

/** One rescale of the activator Deployment by its HPA. */
export interface ActivatorScaleEvent {
  timeSeconds: number;
  from: number;
  to: number;
  /** The activators' CPU utilization (percent of the request) the HPA saw at that sync. */
  utilizationPercent: number;
}

/** The activator pool over a run, for summary.json. */
export interface ActivatorPoolSummary {
  /** Activator pods at the start and the end (spec.replicas), and the most at once. */
  initial: number;
  final: number;
  max: number;
  /** CPU-seconds all activators used (their per-request work). */
  cpuSeconds: number;
  scaleEvents: ActivatorScaleEvent[];
}

/** One activator pod as the pool and its HPA see it. */
interface Member {
  activator: Activator;
  cpu: ActivatorCpu;
  createdAt: number;
  readyAt: number;
  draining: boolean;
}

/**
 * The activator Deployment with its HPA (knative/serving config/core/deployments
 * activator-hpa.yaml: CPU utilization of the request, min 1, max 20), run by core's HPA
 * controller on its 15 s sync from t = 0 and fed by a metrics-server scrape of the
 * activators' CPU every resolution (from t = 0, as for revisions). A new activator joins
 * the activator endpoints `startup` seconds after it is created; one scaled away leaves
 * them at once and drains the requests it holds as upstream's does (activator-rollout.ts's
 * ActivatorDrain: it exits once it holds nothing after 45 s, and is killed at its 600 s grace
 * period). Present only with `cluster.activatorCpu`.
 */
export class ActivatorPool {
  private readonly members: Member[] = [];
  private readonly hpa: HpaController;
  private readonly resolution: number;
  /** The Deployment's spec.replicas. */
  replicas: number;
  /** Every change of replicas the HPA made. */
  readonly scaleEvents: ActivatorScaleEvent[] = [];
  /** CPU-seconds of the activators that exited after draining. */
  private retiredCpuSeconds = 0;

  constructor(
    readonly world: World,
    readonly spec: ActivatorCpuSpec,
  ) {
    const hpaSpec: HpaSpec = {
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      metrics: [{ type: 'Resource', resource: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetUtilization } }],
    };
    this.hpa = new HpaController(hpaSpec, 0);
    this.replicas = world.activators.length;
    for (const a of world.activators) this.adopt(a, -LONG_AGO_SECONDS, -LONG_AGO_SECONDS);
    this.resolution = world.spec.cluster.metricsResolutionSeconds ?? DEFAULT_METRICS_RESOLUTION_SECONDS;
    // Before anything else due at its instant, as for revisions: a sync at a scrape's instant reads it.
    world.sim.at(0, this.scrape, this, METRICS_SCRAPE_PRIORITY);
    world.sim.at(this.hpa.nextSyncSeconds, this.sync, this);
  }

  private adopt(a: Activator, createdAt: number, readyAt: number): Member {
    const m: Member = { activator: a, cpu: new ActivatorCpu(a, this.spec, createdAt), createdAt, readyAt, draining: false };
    a.cpu = m.cpu;
    this.members.push(m);
    return m;
  }

  /** Activators in the Deployment now (not draining), ready or starting. */
  get live(): number {
    return this.members.filter((m) => !m.draining).length;
  }

  /** What summary.json reports at `now` (the end of the run). */
  summary(now: number, initial: number): ActivatorPoolSummary {
    const cpu = this.members.reduce((t, m) => t + m.cpu.cpuSeconds(now), this.retiredCpuSeconds);
    const max = this.scaleEvents.reduce((x, e) => Math.max(x, e.to), initial);
    return { initial, final: this.replicas, max, cpuSeconds: Math.round(cpu * 1000) / 1000, scaleEvents: this.scaleEvents.slice() };
  }

  /** The HPA's status (current/desired replicas, conditions). */
  get status() {
    return this.hpa.status;
  }

  /** Scrapes taken so far; the next is due at scrapes × resolution (no drift). */
  private scrapes = 0;

  private scrape(this: void, self: ActivatorPool): void {
    const now = self.world.sim.now;
    self.world.sim.at(++self.scrapes * self.resolution, self.scrape, self, METRICS_SCRAPE_PRIORITY);
    for (const m of self.members) {
      const c = m.cpu;
      const cum = c.cpuSeconds(now);
      if (Number.isNaN(c.lastT)) {
        const age = now - c.startedAt;
        // As metrics-server: a container first seen 10 s ≤ age < resolution counts from its start.
        const fresh = age >= FRESH_CONTAINER_MIN_SECONDS && age < self.resolution;
        const before = c.startedAt < 0;
        c.prevT = before ? now - self.resolution : fresh ? c.startedAt : Number.NaN;
        c.prevCpu = before ? cum : 0;
      } else {
        c.prevT = c.lastT;
        c.prevCpu = c.lastCpu;
      }
      c.lastT = now;
      c.lastCpu = cum;
    }
  }

  /** The activator pods as the HPA lists them, with metrics-server's CPU. */
  samples(now: number): PodResourceSample[] {
    return this.members.map((m) => {
      const c = m.cpu;
      const ready = now >= m.readyAt;
      const s: PodResourceSample = {
        name: m.activator.name,
        phase: ready ? 'Running' : 'Pending',
        deleting: m.draining,
        ready: ready ? true : undefined,
        // As the pod lister has them: whole seconds (api-time.ts).
        readyLastTransitionSeconds: apiTime(m.readyAt),
        startTimeSeconds: ready ? apiTime(m.createdAt) : undefined,
        cpuRequestMillicores: this.spec.requestMillis,
      };
      if (!Number.isNaN(c.prevT) && c.lastT <= now) {
        s.cpuMillicores = cpuMillisOf(c.prevT, c.prevCpu, c.lastT, c.lastCpu);
        s.metricTimestampSeconds = apiTime(c.lastT);
        s.metricWindowSeconds = c.lastT - c.prevT;
      }
      return s;
    });
  }

  private sync(this: void, self: ActivatorPool): void {
    const now = self.world.sim.now;
    const inputs = toHpaInputs(self.samples(now), now);
    const r = self.hpa.sync({ nowSeconds: now, currentReplicas: self.replicas, pods: inputs.pods, resourceMetrics: { cpu: inputs.cpu } });
    if (r.rescale) self.scaleTo(r.desiredReplicas, now);
    self.world.sim.at(self.hpa.nextSyncSeconds, self.sync, self);
  }

  private scaleTo(n: number, now: number): void {
    this.scaleEvents.push({ timeSeconds: now, from: this.replicas, to: n, utilizationPercent: this.hpa.status.currentMetrics[0]?.current ?? Number.NaN });
    this.replicas = n;
    const live = this.members.filter((m) => !m.draining);
    if (n > live.length) {
      for (let i = live.length; i < n; i++) {
        const index = this.world.activators.length;
        const a = new Activator(this.world, index, `activator-${index}`);
        this.world.activators.push(a);
        const m = this.adopt(a, now, now + this.spec.startupSeconds);
        startActivatorProcess(this.world, a, now, m.readyAt);
        this.world.sim.at(m.readyAt, this.onReady, m);
        this.world.sim.every(m.readyAt + 1, 1, (act: Activator) => act.pushStats(this.world.sim.now), a);
      }
    } else if (n < live.length) {
      // The ReplicaSet deletes pods that are not ready first, then the most recently ready.
      const victims = live.slice().sort((x, y) => {
        const xr = now >= x.readyAt;
        const yr = now >= y.readyAt;
        if (xr !== yr) return xr ? 1 : -1;
        return y.readyAt - x.readyAt || y.activator.index - x.activator.index;
      });
      for (let i = 0; i < live.length - n; i++) {
        const m = victims[i]!;
        m.draining = true;
        m.activator.drain = new ActivatorDrain(m.activator, now, (t) => this.retire(m, t));
      }
      this.refreshServing(now);
    }
  }

  /** A drained activator exited: its pod is gone (the HPA no longer lists it); its CPU stays counted. */
  private retire(m: Member, now: number): void {
    this.retiredCpuSeconds += m.cpu.cpuSeconds(now);
    this.members.splice(this.members.indexOf(m), 1);
  }

  private onReady = (m: Member): void => {
    if (m.draining) return;
    this.refreshServing(this.world.sim.now);
  };

  /** The activator endpoints: ready, non-draining activators in index order; every SKS re-subsets. */
  private refreshServing(now: number): void {
    const serving = this.members.filter((m) => !m.draining && now >= m.readyAt).map((m) => m.activator);
    serving.sort((a, b) => a.index - b.index);
    this.world.setServingActivators(serving, now);
  }
}
