/**
 * CPU contention on a node: what each pod gets when its pods together want more CPU than the
 * node's allocatable. The kubelet computes `cpu.shares` from the pod's CPU requests
 * (pkg/kubelet/cm/helpers_linux.go MilliCPUToShares, ResourceConfigForPod) and, on cgroup v2,
 * writes the pod cgroup's `cpu.weight` converted from them (pkg/kubelet/cm/cgroup_manager_linux.go
 * getCPUWeight); the kernel's CFS divides a busy CPU among the cgroups that want it in proportion
 * to those weights, handing what one leaves unused to the others. In the fluid limit that is
 * weighted max-min fairness over the pods' demands; a pod whose CFS quota is spent for the
 * period (cfs-period.ts) demands nothing until it ends.
 */
import { InvalidArgumentError } from '../errors.js';

/** The kernel's bounds on cpu.shares. */
export const MIN_CPU_SHARES = 2;
export const MAX_CPU_SHARES = 262144;

/**
 * cpu.shares for a pod requesting `milliCpu` (its containers' sum): 1024 per core, in whole
 * shares (integer division), at least 2 (also for no request at all), at most 262144.
 */
export function milliCpuToShares(milliCpu: number): number {
  if (!Number.isFinite(milliCpu) || milliCpu < 0) throw new InvalidArgumentError('milliCpu', `must be a finite number ≥ 0, got ${milliCpu}`);
  const shares = Math.floor((Math.floor(milliCpu) * 1024) / 1000);
  return Math.min(MAX_CPU_SHARES, Math.max(MIN_CPU_SHARES, shares));
}

/** The kernel's bounds on cgroup v2's cpu.weight. */
export const MIN_CPU_WEIGHT = 1;
export const MAX_CPU_WEIGHT = 10000;

/**
 * The pod cgroup's cpu.weight on cgroup v2 for `shares` (from {@link milliCpuToShares}), as the
 * kubelet converts it: the range 2–262144 mapped linearly onto 1–10000, in whole units (integer
 * division). The runtimes' newer non-linear formula (runc 1.3.2, crun 1.23) applies to container
 * cgroups inside the pod, not to the pod cgroups that compete with each other on the node. Not
 * proportional to the shares: 1024 shares give 39, 102 give 4 and 2 give 1, so small requests
 * lose up to a unit to the rounding and pods with none weigh 1 rather than 2/1024 of a core's.
 */
export function sharesToCpuWeight(shares: number): number {
  if (!Number.isInteger(shares) || shares < MIN_CPU_SHARES) throw new InvalidArgumentError('shares', `must be an integer ≥ ${MIN_CPU_SHARES}, got ${shares}`);
  if (shares >= MAX_CPU_SHARES) return MAX_CPU_WEIGHT;
  return MIN_CPU_WEIGHT + Math.floor(((shares - MIN_CPU_SHARES) * (MAX_CPU_WEIGHT - MIN_CPU_WEIGHT)) / (MAX_CPU_SHARES - MIN_CPU_SHARES));
}

/**
 * Weighted max-min fair shares of `capacity` among claimants wanting `demands` (same unit)
 * with `weights` (> 0): a claimant that wants less than its weighted share of what is left
 * gets what it wants, and the rest is split again among the others. When the demands fit,
 * each gets its demand. Written into `out` (resized), which is returned.
 */
export function weightedMaxMinShares(capacity: number, demands: readonly number[], weights: readonly number[], out: number[] = []): number[] {
  const n = demands.length;
  if (weights.length !== n) throw new InvalidArgumentError('weights', `must have one weight per demand (${n}), got ${weights.length}`);
  if (!Number.isFinite(capacity) || capacity < 0) throw new InvalidArgumentError('capacity', `must be a finite number ≥ 0, got ${capacity}`);
  let totalWeight = 0;
  for (let i = 0; i < n; i++) {
    const d = demands[i]!;
    const w = weights[i]!;
    if (!Number.isFinite(d) || d < 0) throw new InvalidArgumentError(`demands[${i}]`, `must be a finite number ≥ 0, got ${d}`);
    if (!Number.isFinite(w) || w <= 0) throw new InvalidArgumentError(`weights[${i}]`, `must be a finite number > 0, got ${w}`);
    totalWeight += w;
  }
  out.length = n;
  // Claimants in order of demand per weight (ties by index): the least hungry are settled first.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => demands[a]! / weights[a]! - demands[b]! / weights[b]! || a - b);
  let left = capacity;
  let k = 0;
  for (; k < n; k++) {
    const i = order[k]!;
    const fair = (left * weights[i]!) / totalWeight;
    if (demands[i]! > fair) break;
    out[i] = demands[i]!;
    left -= demands[i]!;
    totalWeight -= weights[i]!;
  }
  // Everyone left wants more than a fair share of what remains: they split it by weight.
  for (; k < n; k++) {
    const i = order[k]!;
    out[i] = (left * weights[i]!) / totalWeight;
  }
  return out;
}
