import type { PodResourceSample } from '../core/autoscaler/index.js';
import type { PodMetricsSample } from '../core/capacity/index.js';
import type { Pod } from './pod.js';
import type { PodResources, ScrapePoints } from './pod-resources.js';
import type { Revision } from './revision.js';
import { apiTime, LONG_AGO_SECONDS } from './api-time.js';
import { METRICS_SCRAPE_PRIORITY } from './event-order.js';
import type { World } from './world.js';

/** metrics-server's own default is 60 s; its shipped manifests and Helm chart set 15 s (capacity spec §2.7). */
export const DEFAULT_METRICS_RESOLUTION_SECONDS = 15;
/** A container first seen at least this old (and younger than a resolution) gets a synthetic start point, so one scrape suffices. */
export const FRESH_CONTAINER_MIN_SECONDS = 10;

export type { PodMetricsSample };

/**
 * metrics-server for the revisions that model resources: it scrapes every pod every
 * resolution (from t = 0), keeps the last and previous point of each container, and serves
 * a pod's CPU as Σ (cum_last − cum_prev) / (t_last − t_prev) over its containers and its
 * memory as their last working sets (kubernetes-sigs/metrics-server pkg/storage). Kubelet
 * sample time = scrape time.
 *
 * A pod has the user container and the queue-proxy (and any sidecars), whose usage is not
 * modelled: 0 CPU, and their memory requests as working set (as node memory pressure counts
 * them). A container's previous point is the one of the last scrape if it was already
 * running then (same start time), or a synthetic {start, 0} if it is first seen
 * 10 s ≤ age < resolution after its start; a pod is served only when every container it
 * has now has a previous point. So a pod new to metrics-server, or whose user container
 * restarted since the last scrape (a crash or an OOM kill: a new start time, its counter
 * from 0), has no metrics for one scrape unless that container is already 10 s old. While
 * the user container is down the kubelet reports the others alone (0 CPU, their memory requests).
 *
 * The autoscaler side reads it through {@link MetricsServer.podMetrics} (per revision) or
 * `Pod.cpuUsageMillis(now)` / `Pod.memoryWorkingSetBytes(now)` (per pod).
 */
export class MetricsServer {
  readonly resolution: number;

  constructor(readonly world: World) {
    this.resolution = world.spec.cluster.metricsResolutionSeconds ?? DEFAULT_METRICS_RESOLUTION_SECONDS;
    world.sim.at(0, this.scrape, this, METRICS_SCRAPE_PRIORITY);
  }

  /** Scrapes taken so far; the next is due at scrapes × resolution (no drift). */
  private scrapes = 0;

  private scrape(this: void, self: MetricsServer): void {
    const world = self.world;
    const now = world.sim.now;
    world.sim.at(++self.scrapes * self.resolution, self.scrape, self, METRICS_SCRAPE_PRIORITY);
    for (const s of world.services.values()) {
      for (const rev of s.revisions) {
        if (rev.resources === undefined) continue;
        for (const pod of rev.allPods) {
          const r = pod.res;
          if (r === undefined) continue;
          r.points = self.scrapePod(pod, r, now);
          const rec = world.recorder;
          if (rec.podMetrics !== undefined) {
            const sample = self.sample(pod, rev);
            if (sample !== undefined) rec.podMetrics(sample);
          }
        }
      }
    }
  }

  /** One scrape of one pod: the points it reads now and the metric they give with the last ones. */
  private scrapePod(pod: Pod, r: PodResources, now: number): ScrapePoints {
    const res = this.resolution;
    const last = r.points;
    const fresh = (start: number): boolean => now - start >= FRESH_CONTAINER_MIN_SECONDS && now - start < res;
    // A pod running before the run was idle then: its counter is 0 up to its start (the run
    // start), so a point one resolution back is known if it falls at or before that. Its first
    // scrape may come a resolution in (the t = 0 one ran before it existed).
    const idleBefore = last === undefined && pod.runningBeforeRun && now - res <= r.startedAt;
    // The queue-proxy runs from the pod's start to its end: after its first scrape it always has a previous point.
    const qpPrevT = last !== undefined ? last.lastT : idleBefore ? now - res : fresh(r.startedAt) ? r.startedAt : Number.NaN;
    const userStart = r.userStartedAt;
    const userUp = !Number.isNaN(userStart);
    const userCpu = userUp ? r.userCpuSeconds(now) : Number.NaN;
    const memory = r.memoryBytes();
    const p: ScrapePoints = { prevT: Number.NaN, prevCpu: 0, lastT: now, lastCpu: 0, memoryBytes: Number.NaN, userStart, userCpu };
    if (Number.isNaN(qpPrevT)) return p;
    // The other containers' memory as node memory pressure counts it (their requests); their CPU is 0.
    const others = r.model.otherContainersMemoryBytes;
    if (!userUp) {
      // The queue-proxy (and sidecars) alone.
      p.prevT = qpPrevT;
      p.memoryBytes = Number.isNaN(memory) ? memory : others;
      return p;
    }
    let prevT = Number.NaN;
    let prevCpu = 0;
    if (fresh(userStart)) prevT = userStart;
    else if (last !== undefined && last.userStart === userStart) {
      prevT = last.lastT;
      prevCpu = last.userCpu;
    } else if (idleBefore && userStart === r.startedAt) prevT = now - res; // not a container started since
    // A user container with no previous point (new, or restarted since the last scrape) leaves the pod out.
    if (Number.isNaN(prevT)) return p;
    // The pod's window is the user container's (upstream takes the first container it reads
    // among equal timestamps; the two differ only for a user container first seen fresh).
    p.prevT = prevT;
    p.prevCpu = prevCpu;
    p.lastCpu = userCpu;
    p.memoryBytes = memory + others;
    return p;
  }

  private sample(pod: Pod, rev: Revision): PodMetricsSample | undefined {
    const p = pod.res?.points;
    if (p === undefined || Number.isNaN(p.prevT)) return undefined;
    return {
      time: p.lastT,
      service: rev.spec.service,
      revision: rev.spec.name,
      pod: pod.name,
      cpuMillis: cpuMillisOf(p.prevT, p.prevCpu, p.lastT, p.lastCpu),
      memoryBytes: p.memoryBytes,
      windowSeconds: p.lastT - p.prevT,
    };
  }

  /** The pod's CPU (millicores) from its last two scrapes at or before `now`; undefined without both. */
  cpuMillis(pod: Pod, now: number): number | undefined {
    const p = pod.res?.points;
    if (p === undefined || Number.isNaN(p.prevT) || p.lastT > now) return undefined;
    const m = cpuMillisOf(p.prevT, p.prevCpu, p.lastT, p.lastCpu);
    return Number.isNaN(m) ? undefined : m;
  }

  /** The pod's working set (bytes) at its last scrape at or before `now`; undefined without metrics. */
  memoryBytes(pod: Pod, now: number): number | undefined {
    const p = pod.res?.points;
    if (p === undefined || Number.isNaN(p.prevT) || p.lastT > now || Number.isNaN(p.memoryBytes)) return undefined;
    return p.memoryBytes;
  }

  /** What the metrics API lists for a revision now: one sample per pod that has both points. */
  podMetrics(rev: Revision): PodMetricsSample[] {
    const out: PodMetricsSample[] = [];
    for (const pod of rev.allPods) {
      const s = this.sample(pod, rev);
      if (s !== undefined) out.push(s);
    }
    return out;
  }
}

/** CPU rate between two points in millicores, rounded up (a hair of float noise is not a millicore). */
export function cpuMillisOf(prevT: number, prevCpu: number, lastT: number, lastCpu: number): number {
  const m = ((lastCpu - prevCpu) / (lastT - prevT)) * 1000;
  // + 0: an idle window is 0, not −0.
  return Math.ceil(m - 1e-6) + 0;
}

/**
 * One revision's pods as the HPA controller sees them at a sync: the pod lister's phase,
 * Ready condition and start time, the pod's summed requests, and what metrics-server
 * serves now. status.startTime is when the kubelet took the pod on (before its image pull;
 * LONG_AGO_SECONDS before t = 0 for a pod running before the run);
 * the Ready condition last changed when the pod became Ready, or lost readiness after
 * being Ready, else (never Ready) at that start.
 */
export function podResourceSamples(rev: Revision, now: number): PodResourceSample[] {
  const ms = rev.world.metricsServer;
  const res = rev.resources;
  const out: PodResourceSample[] = [];
  for (const pod of rev.allPods) {
    if (pod.phase === 'Gone') continue;
    const running = pod.stats !== undefined && pod.phase !== 'Pending' && pod.phase !== 'ImagePullBackOff';
    const s: PodResourceSample = {
      name: pod.name,
      phase: running ? 'Running' : 'Pending',
      deleting: pod.phase === 'Terminating',
      ready: running ? pod.k8sReady : undefined,
      // As the pod lister has them: whole seconds (api-time.ts).
      readyLastTransitionSeconds: apiTime(pod.k8sReady ? pod.readyAt : Number.isNaN(pod.notReadyAt) ? pod.startTime : pod.notReadyAt),
      // A pod running before the run started long before it (not at t = 0): past the CPU initialization period.
      startTimeSeconds: running ? (pod.runningBeforeRun ? -LONG_AGO_SECONDS : apiTime(pod.startTime)) : undefined,
      cpuRequestMillicores: res?.podCpuRequestMillis,
      memoryRequestBytes: res?.podMemoryRequestBytes,
      withoutRequest: res?.spec.withoutRequest,
    };
    const p = pod.res?.points;
    if (ms !== undefined && p !== undefined && !Number.isNaN(p.prevT) && p.lastT <= now) {
      s.metricTimestampSeconds = apiTime(p.lastT);
      s.metricWindowSeconds = p.lastT - p.prevT;
      s.cpuMillicores = ms.cpuMillis(pod, now);
      s.memoryBytes = ms.memoryBytes(pod, now);
    }
    out.push(s);
  }
  return out;
}
