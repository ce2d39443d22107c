import { milliCpuToShares, sharesToCpuWeight } from '../core/capacity/index.js';
import { makeSampler, type Sampler } from '../engine/distributions.js';
import { AppProfile } from './app-profile.js';
import { CfsBandwidth, type CfsThrottled } from './cfs-bandwidth.js';
import { CompletionTimer, ProcessorSharing } from './cpu.js';
import { enforcedMemoryLimit, overMemoryLimit, workingSetBytes } from './memory.js';
import { NodeCpu, type NodeCpuClaimant } from './node-cpu.js';
import type { Pod } from './pod.js';
import { STATUS_OK, type Request } from './request.js';
import type { Revision } from './revision.js';
import type { MemoryModelSpec, PodResourcesSpec, WorkModelSpec } from './spec.js';

/**
 * A second uniform from a request's work uniform (a 32-bit mix of its cell): the wait time
 * must not be the CPU work's twin, and a request takes exactly two uniforms from its stream
 * (README, Determinism), so the wait is keyed to the same request without a third draw.
 */
export function secondUniform(u: number): number {
  let h = Math.floor(u * 4294967296) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return (h + 0.5) / 4294967296;
}

/** The least CFS quota the kubelet sets, 1 ms per 100 ms period, as a CPU limit (MilliCPUToQuota's MinMilliCPULimit). */
export const MIN_CFS_QUOTA_MILLIS = 10;

/**
 * The millicores a container's CPU limit lets it use, as the kubelet turns the limit into a
 * CFS quota (pkg/kubelet/cm/helpers_linux.go MilliCPUToQuota): limit × 100 µs per 100 ms,
 * at least 1 ms (so a limit under 10m still gets 10m); no limit, or a limit of 0, sets no
 * quota (undefined).
 */
export function cfsQuotaMillis(limitMillis: number | undefined): number | undefined {
  if (limitMillis === undefined || limitMillis === 0) return undefined;
  return Math.max(limitMillis, MIN_CFS_QUOTA_MILLIS);
}

/** Sum of a resource over the pod's containers; undefined if any container lacks it (the HPA's rule). */
function podTotal(r: PodResourcesSpec, get: (c: PodResourcesSpec['user']) => number | undefined): number | undefined {
  let sum = 0;
  for (const c of [r.user, r.queueProxy, ...r.sidecars]) {
    const v = get(c);
    if (v === undefined) return undefined;
    sum += v;
  }
  return sum;
}

/**
 * A revision's resource model: how its requests use a pod (CPU processor sharing or a
 * measured profile), its memory, and the requests and limits the pods carry. Present only
 * when the revision opts in (scenario `app.cpu`, `app.profile` or `app.memory`).
 */
export class RevisionResources {
  readonly work: WorkModelSpec | undefined;
  readonly memory: MemoryModelSpec | undefined;
  readonly spec: PodResourcesSpec;
  readonly profile: AppProfile | undefined;
  /**
   * The cores one pod's requests may use at once (CPU model): the ceiling (what its node gives it),
   * or a larger CPU limit's quota. Under a smaller limit they burst to it until the period's quota is spent.
   */
  readonly capacityCores: number;
  /** CPU model: the user container's CFS quota in millicores, undefined without one. */
  readonly quotaMillis: number | undefined;
  private readonly wait: Sampler | undefined;
  /** The pod's CPU request in millicores (all containers), undefined if some container has none. */
  readonly podCpuRequestMillis: number | undefined;
  readonly podMemoryRequestBytes: number | undefined;
  /** The pod cgroup's cpu.shares: its containers' CPU requests (a missing one counts 0), or an init container's where larger, as the kubelet sets them. */
  readonly podCpuShares: number;
  /** The pod cgroup's cpu.weight on cgroup v2, converted from those shares: what the node's CPU is divided by. */
  readonly podCpuWeight: number;
  /**
   * The working set of the containers besides the serving one (queue-proxy, sidecars) while they run:
   * their memory requests (none: 0). Their use is not modelled; a process keeps its resident memory when
   * idle, and the request is the one figure there is. Node memory pressure and metrics-server both read it.
   */
  readonly otherContainersMemoryBytes: number;

  constructor(
    readonly rev: Revision,
    work: WorkModelSpec | undefined,
    memory: MemoryModelSpec | undefined,
    resources: PodResourcesSpec | undefined,
  ) {
    this.work = work;
    this.memory = memory;
    this.spec = resources ?? { user: {}, sidecars: [], queueProxy: {} };
    this.podCpuRequestMillis = podTotal(this.spec, (c) => c.cpuRequestMillis);
    this.podMemoryRequestBytes = podTotal(this.spec, (c) => c.memoryRequestBytes);
    this.otherContainersMemoryBytes = [this.spec.queueProxy, ...this.spec.sidecars].reduce((sum, c) => sum + (c.memoryRequestBytes ?? 0), 0);
    // The kubelet weighs the pod by its requests as the scheduler counts them: an init container's where larger.
    const initCpu = Math.max(0, ...(this.spec.initContainers ?? []).map((c) => c.cpuRequestMillis ?? 0));
    this.podCpuShares = milliCpuToShares(Math.max(podTotal(this.spec, (c) => c.cpuRequestMillis ?? 0)!, initCpu));
    this.podCpuWeight = sharesToCpuWeight(this.podCpuShares);
    this.capacityCores = 0;
    if (work?.kind === 'cpu') {
      this.quotaMillis = cfsQuotaMillis(this.spec.user.cpuLimitMillis);
      this.capacityCores = Math.max(this.quotaMillis ?? 0, work.ceilingMillis) / 1000;
      this.wait = work.waitSeconds.dist === 'constant' && work.waitSeconds.value === 0 ? undefined : makeSampler(work.waitSeconds);
    } else if (work?.kind === 'profile') {
      this.profile = new AppProfile(work.concurrency, work.latencySeconds, work.cpuMillis);
    }
  }

  /**
   * Profile model: the user container's CPU usage (millicores) with `n` requests in service on `pod`,
   * the profile's figure but never above the container's CFS quota (a limit caps its average use; a
   * profile measured with `kubectl top pod` above the limit counted the queue-proxy's use too, which
   * knsim does not model), nor above its node's allocatable CPU, as the CPU model caps it (a profile
   * measured on a larger machine cannot use more cores than the node has).
   */
  profileCpuMillis(n: number, pod: Pod): number {
    const cpu = this.profile?.cpuMillisAt(n) ?? 0;
    const quota = cfsQuotaMillis(this.spec.user.cpuLimitMillis) ?? Number.POSITIVE_INFINITY;
    const node = pod.node?.allocatable.cpuMillis ?? Number.POSITIVE_INFINITY;
    return Math.min(cpu, quota, node);
  }

  waitAt(u: number): number {
    return this.wait === undefined ? 0 : this.wait.quantile(secondUniform(u));
  }

  /** Whether a memory limit can OOM-kill this revision's pods (then they take the crash path). */
  get canOom(): boolean {
    return this.memory !== undefined && enforcedMemoryLimit(this.spec.user.memoryLimitBytes) !== undefined;
  }

  /** The CPU model's capacity for `pod`: its limit or the ceiling, but never more than its node's allocatable CPU. */
  coresOn(pod: Pod): number {
    const node = pod.node;
    return node === undefined ? this.capacityCores : Math.min(this.capacityCores, node.allocatable.cpuMillis / 1000);
  }

  newPod(pod: Pod, now: number): PodResources {
    const w = this.work;
    if (w?.kind === 'cpu') return new PodResources(this, pod, undefined, now, w.parallelism);
    const ps = w === undefined ? undefined : new ProcessorSharing<Request>((n) => this.profile!.rate(n));
    return new PodResources(this, pod, ps, now);
  }
}

/**
 * metrics-server's view of one pod (metrics-server.ts). What it serves: CPU as
 * (lastCpu − prevCpu) / (lastT − prevT) and the working set `memoryBytes`, or nothing while
 * prevT is NaN. What its last scrape read, for the next one: the user container's start
 * time (NaN if it was not running then) and that container's own CPU counter.
 */
export interface ScrapePoints {
  prevT: number;
  prevCpu: number;
  lastT: number;
  lastCpu: number;
  memoryBytes: number;
  userStart: number;
  userCpu: number;
}

/**
 * One pod's CPU and memory: the requests in its user container (in their wait or CPU phase),
 * the CPU time used so far (the kubelet's cumulative counter) and the working set.
 */
export class PodResources implements NodeCpuClaimant, CfsThrottled {
  /** The CPU queue's completion event (with `ps`). */
  private readonly timer: CompletionTimer<Request> | undefined;
  private readonly ps: ProcessorSharing<Request> | undefined;
  /** CPU model: the cores its requests share now (its ceiling, or its part of a contended node). */
  private cores = 0;
  readonly ceilingCores: number = 0;
  /** CPU model on a node: the node's CPU, shared with the other pods there. */
  private readonly nodeCpu: NodeCpu | undefined;
  /** CPU model: the CFS quota's periods, when the pod could outrun its quota (more cores than its limit). */
  readonly cfs: CfsBandwidth | undefined;
  private oomPending = false;
  /** Profile model: CPU-seconds used up to `profileT` at the usage in force since. */
  private profileCpu = 0;
  private profileT: number;
  /** What metrics-server has scraped (metrics-server.ts). */
  points: ScrapePoints | undefined = undefined;
  /** When the running user container started; NaN while it is down (crashed or OOM-killed, waiting to restart). */
  userStartedAt: number;
  /** The pod's CPU-seconds when that container started: its own counter starts from 0 there. */
  private userCpuBase = 0;

  constructor(
    readonly model: RevisionResources,
    readonly pod: Pod,
    /** The profile model's queue (the CPU model makes its own). */
    ps: ProcessorSharing<Request> | undefined,
    /** When the pod's containers started (the kubelet counts CPU from here). */
    readonly startedAt: number,
    /** CPU model: the cores one request may use at once. */
    private readonly parallelism = 1,
  ) {
    this.profileT = startedAt;
    this.userStartedAt = startedAt;
    if (model.work?.kind === 'cpu') {
      this.ceilingCores = this.cores = model.coresOn(pod);
      const quota = model.quotaMillis;
      // On no more cores than its quota a pod never spends it before the period ends: no periods to track.
      if (quota !== undefined && this.ceilingCores > quota / 1000) this.cfs = new CfsBandwidth(model.rev.world.sim, quota, this);
      const cfs = this.cfs;
      // Requests in their CPU phase share `cores` equally, each using at most `parallelism` (cpuRate); none while throttled.
      ps =
        cfs === undefined
          ? new ProcessorSharing<Request>((n) => Math.min(this.parallelism, this.cores / n))
          : new ProcessorSharing<Request>(
              (n) => (cfs.throttled ? 0 : Math.min(this.parallelism, this.cores / n)),
              (now, throughput) => cfs.advanced(now, throughput),
            );
      const node = pod.node;
      if (node !== undefined) this.nodeCpu = node.cpu ??= new NodeCpu(node.allocatable.cpuMillis / 1000);
    }
    this.ps = ps;
    this.timer = ps && new CompletionTimer(model.rev.world.sim, ps, (now) => this.completed(now));
    this.nodeCpu?.join(this, startedAt);
  }

  get weight(): number {
    return this.model.podCpuWeight;
  }

  demandCores(): number {
    // A throttled cgroup is off the runqueue: the node's other pods share what it leaves.
    if (this.cfs?.throttled === true) return 0;
    return Math.min(this.ceilingCores, this.ps!.size * this.parallelism);
  }

  setCores(cores: number, now: number): void {
    if (cores === this.cores) return;
    this.ps!.settle(now);
    this.cores = cores;
    this.ps!.rateChanged();
    this.rescheduled(now);
  }

  cpuInUse(): number {
    return this.ps!.throughput;
  }

  hasCpuWork(): boolean {
    return this.ps!.size > 0;
  }

  throttleChanged(now: number): void {
    this.ps!.settle(now);
    this.ps!.rateChanged();
    this.rescheduled(now);
    this.nodeCpu?.demandChanged(now);
  }

  /** After a change to the CPU queue: its next completion and, under a quota, the next period event. */
  private rescheduled(now: number): void {
    this.timer!.reschedule();
    this.cfs?.reschedule(now);
  }

  /** The pod left its node (Gone): its share goes to the others. */
  leaveNode(now: number): void {
    this.nodeCpu?.leave(this, now);
  }

  private get sim() {
    return this.model.rev.world.sim;
  }

  /** Whether requests' work runs here (the CPU model or a profile) rather than as a fixed service time. */
  get modelsWork(): boolean {
    return this.ps !== undefined;
  }

  /**
   * The user container takes a request (the pod has counted it in `executing`). Returns true
   * when this model times the request (CPU or profile); false leaves the fixed service time.
   */
  start(req: Request, now: number): boolean {
    const m = this.model;
    if (m.memory !== undefined && !this.oomPending && overMemoryLimit(m.memory, m.spec.user.memoryLimitBytes, this.pod.executing)) {
      // The kernel kills the container as the allocation happens; the kill runs as its own event.
      this.oomPending = true;
      this.sim.at(now, this.onOom, this);
    }
    if (this.ps === undefined) return false;
    this.profileAdvance(now);
    const world = m.rev.world;
    // No precomputed end: the revision timeout is watched by the world's deadline set.
    world.deadlines.add(req);
    // A slowdown stretches the wait on what got slow, not the CPU work.
    const wait = Number.isNaN(req.workU) ? 0 : m.waitAt(req.workU) * (m.rev.hasFaults ? this.pod.slowdown : 1);
    if (wait > 0) {
      // Marked on the request, not kept in a Set (see active-requests.ts).
      req.waitingIn = this;
      this.sim.at(now + wait, this.onWaitDone, { self: this, req });
    } else {
      this.ps.add(req, req.serviceTime, now);
      this.rescheduled(now);
      this.nodeCpu?.demandChanged(now);
    }
    return true;
  }

  /** A request leaves the user container (done, timed out, failed). */
  stop(req: Request, now: number): void {
    if (this.ps === undefined) return;
    this.profileAdvance(now);
    if (req.waitingIn === this) {
      req.waitingIn = undefined;
      return;
    }
    if (this.ps.remove(req, now)) {
      this.rescheduled(now);
      this.nodeCpu?.demandChanged(now);
    }
  }

  private onWaitDone(this: void, s: { self: PodResources; req: Request }): void {
    const { self, req } = s;
    if (req.waitingIn !== self) return; // it ended while waiting
    req.waitingIn = undefined;
    const now = self.sim.now;
    self.profileAdvance(now);
    self.ps!.add(req, req.serviceTime, now);
    self.rescheduled(now);
    self.nodeCpu?.demandChanged(now);
  }

  private completed(now: number): void {
    this.profileAdvance(now);
    const done = this.ps!.popDone(now);
    // The node is shared again before the finished requests make room for others.
    if (done.length > 0) this.nodeCpu?.demandChanged(now);
    const world = this.model.rev.world;
    for (const req of done) world.finish(req, STATUS_OK, now);
    this.rescheduled(now);
  }

  private onOom(this: void, self: PodResources): void {
    self.oomPending = false;
    const m = self.model;
    const pod = self.pod;
    // Requests may have left since the allocation: the kill happened at it, so it stands.
    m.rev.oomKill(pod, self.sim.now);
  }

  /** Profile model: integrate the profile's CPU usage up to `now` before the concurrency changes. */
  private profileAdvance(now: number): void {
    const p = this.model.profile;
    if (p === undefined) return;
    const cpu = this.model.profileCpuMillis(this.ps!.size, this.pod);
    this.profileCpu += (cpu / 1000) * (now - this.profileT);
    this.profileT = now;
  }

  /** CPU-seconds the pod has used up to `now` (the kubelet's cumulative counter); NaN if not modelled. */
  cpuSeconds(now: number): number {
    const m = this.model;
    if (m.work?.kind === 'cpu') return this.ps!.cumulative(now);
    if (m.profile !== undefined && m.work?.kind === 'profile' && m.work.cpuMillis !== undefined) {
      return this.profileCpu + (m.profileCpuMillis(this.ps!.size, this.pod) / 1000) * (now - this.profileT);
    }
    return Number.NaN;
  }

  /** The user container started again after an exit: the kubelet counts its CPU afresh. */
  userContainerStarted(now: number): void {
    this.userStartedAt = now;
    this.userCpuBase = this.cpuSeconds(now);
  }

  /** The user container exited: the kubelet has no stats for it until it starts again. */
  userContainerExited(): void {
    this.userStartedAt = Number.NaN;
  }

  /** The running user container's own cumulative CPU-seconds (the kubelet's counter for it); NaN if not modelled. */
  userCpuSeconds(now: number): number {
    return this.cpuSeconds(now) - this.userCpuBase;
  }

  /** The user container's working set now (bytes); NaN if memory is not modelled. */
  memoryBytes(): number {
    const mem = this.model.memory;
    return mem === undefined ? Number.NaN : workingSetBytes(mem, this.pod.executing);
  }
}
