import { weightedMaxMinShares } from '../core/capacity/index.js';

/** A pod's CPU model as its node shares it out (PodResources with the CPU model). */
export interface NodeCpuClaimant {
  /** The most cores its requests may use: its limit (or the ceiling), at most the node's allocatable. */
  readonly ceilingCores: number;
  /** Cores its requests would use now with the node to themselves (≤ ceilingCores). */
  demandCores(): number;
  /** The pod cgroup's cpu.weight (cgroup v2, from the cpu.shares of its containers' CPU requests). */
  readonly weight: number;
  /** The cores its requests share from `now` on (its processor-sharing capacity). */
  setCores(cores: number, now: number): void;
}

/**
 * The CPU of one node among the pods on it that model CPU. While their demands fit the node's
 * allocatable CPU, each pod has its ceiling (its limit, or the node); when they do not, the node
 * is divided by weighted max-min fairness over the pods' cpu.weight (`cpu-shares.ts`), and each
 * pod's requests share what it gets. DaemonSet pods and pods without a CPU model take no CPU.
 */
export class NodeCpu {
  private readonly claimants: NodeCpuClaimant[] = [];
  /** Σ ceilingCores: at most the allocatable, no demand can exceed it and sharing is never needed. */
  private ceilings = 0;
  /** Some pod has less than its ceiling now. */
  private contended = false;
  private readonly demands: number[] = [];
  private readonly weights: number[] = [];
  private readonly shares: number[] = [];

  constructor(readonly allocatableCores: number) {}

  join(c: NodeCpuClaimant, now: number): void {
    this.claimants.push(c);
    this.ceilings += c.ceilingCores;
    this.demandChanged(now);
  }

  leave(c: NodeCpuClaimant, now: number): void {
    const i = this.claimants.indexOf(c);
    if (i < 0) return;
    this.claimants.splice(i, 1);
    // Summed again, not subtracted: no rounding drift over a long run.
    this.ceilings = 0;
    for (const x of this.claimants) this.ceilings += x.ceilingCores;
    this.demandChanged(now);
  }

  /** A pod's demand changed (a request entered or left its CPU phase): share the node again if it can matter. */
  demandChanged(now: number): void {
    if (!this.contended && this.ceilings <= this.allocatableCores) return;
    const cs = this.claimants;
    const n = cs.length;
    let total = 0;
    for (let i = 0; i < n; i++) total += this.demands[i] = cs[i]!.demandCores();
    this.demands.length = n;
    if (total <= this.allocatableCores) {
      if (this.contended) for (const c of cs) c.setCores(c.ceilingCores, now);
      this.contended = false;
      return;
    }
    for (let i = 0; i < n; i++) this.weights[i] = cs[i]!.weight;
    this.weights.length = n;
    weightedMaxMinShares(this.allocatableCores, this.demands, this.weights, this.shares);
    for (let i = 0; i < n; i++) {
      const c = cs[i]!;
      // A pod that gets all it wants keeps its ceiling: the same rate, and no cores it could not use.
      c.setCores(this.shares[i]! < this.demands[i]! ? this.shares[i]! : c.ceilingCores, now);
    }
    this.contended = true;
  }
}
