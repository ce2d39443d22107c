/**
 * Activator sizing and slicing: how many activators the KPA puts in a revision's path
 * (upstream `kpa.go` computeNumActivators), how one activator's throttler picks its
 * share of pods and its capacity (`pkg/activator/net/throttler.go` assignSlice,
 * pickIndices, calculateCapacity), and which load-balancing policy it uses
 * (`newRevisionThrottler`, `lb_policy.go`).
 */
import { InvalidArgumentError, requireFields, requireInteger, requireNonNegative, requirePositive } from '../errors.js';
import { requireCount, requireTargetBurstCapacity } from './kpa-args.js';

/**
 * An activator pod told to stop (SIGTERM) fails its readiness probe and sleeps this long
 * (knative.dev/pkg network.DefaultDrainTimeout) so that no new request is routed to it, then
 * shuts its servers down, which waits for the requests it holds (cmd/activator/main.go).
 */
export const ACTIVATOR_DRAIN_SECONDS = 45;
/** The activator pod's terminationGracePeriodSeconds (config/core/deployments/activator.yaml): then the kubelet kills it. */
export const ACTIVATOR_GRACE_SECONDS = 600;

/** The activator pod's readiness probe period (config/core/deployments/activator.yaml periodSeconds). */
export const ACTIVATOR_READINESS_PERIOD_SECONDS = 5;

/** The kubelet's generic PLEG relist period (kubelet.go): it sees a container start at most this late. */
const PLEG_RELIST_SECONDS = 1;

/**
 * How long before a new activator pod is Ready its process watched the revisions. Its revision
 * watchers start as its informers have synced, just before its servers listen and its readiness
 * handler answers 200 (cmd/activator/main.go: the stat sink's connection is all it checks). The
 * kubelet's probe worker (activator.yaml: every 5 s, no initialDelaySeconds, one success) ticks from
 * when the kubelet took the pod on, with no random delay (only a kubelet itself just started staggers
 * its workers), and the status sync that sees the container running asks for one probe at once
 * (prober_manager.go); the pod is Ready at the first of those after its process is ready.
 *
 * Taken 5 s or more after its creation, Ready came at a tick, up to a period after the process was
 * ready, or at that first sync: where in the period depends on how the `startupSeconds` split into
 * scheduling, image pull, container start and the process's own start, which knsim does not model,
 * so a phase `u` ∈ [0, 1) drawn per pod stands for it. Taken sooner, no tick that could see the
 * container had come: Ready came at that sync, under a relist period after the container (and the
 * process after it) started. Never before the pod's creation.
 */
export function activatorProcessLeadSeconds(startupSeconds: number, u: number): number {
  requireNonNegative('startupSeconds', startupSeconds);
  if (!(u >= 0 && u < 1)) throw new InvalidArgumentError('u', `must be in [0, 1), got ${u}`);
  const window = startupSeconds < ACTIVATOR_READINESS_PERIOD_SECONDS ? PLEG_RELIST_SECONDS : ACTIVATOR_READINESS_PERIOD_SECONDS;
  return u * Math.min(window, startupSeconds);
}

/** The KPA never asks for fewer activators than this. */
export const MIN_ACTIVATORS = 2;

/**
 * The throttler's revision breaker cap (queue.MaxBreakerCapacity = MaxInt32). It is the
 * capacity for CC = 0 with any backend, and the clamp for very large CC × pods.
 */
export const REVISION_MAX_CONCURRENCY = 2_147_483_647;

const ACTIVATOR_COUNT_CHECKS = {
  readyPods: requireCount,
  totalValue: requireNonNegative,
  targetBurstCapacity: requireTargetBurstCapacity,
  activatorCapacity: requirePositive,
} as const;

/**
 * Number of activators for a revision's SKS subset.
 * TBC 0 → 2 (the activator is only in the path at zero scale). Otherwise
 * `max(2, ceil((ready × total + max(TBC, 0)) / activatorCapacity))`; with TBC −1 the
 * burst term is dropped. Defaults (total 100, TBC 211, capacity 100): 0 pods → 3, 1 pod → 4.
 */
export function activatorCount(opts: {
  readyPods: number;
  totalValue: number;
  targetBurstCapacity: number;
  activatorCapacity: number;
}): number {
  const { readyPods, totalValue, targetBurstCapacity: tbc, activatorCapacity } = requireFields(opts, ACTIVATOR_COUNT_CHECKS);
  if (tbc === 0) return MIN_ACTIVATORS;
  // Same float operation order as upstream, so ceil lands on the same integer.
  let toCover = readyPods * totalValue;
  if (tbc > 0) toCover += tbc;
  return Math.max(MIN_ACTIVATORS, Math.ceil(toCover / activatorCapacity));
}

/**
 * The pod trackers one activator sends to when CC > 0. `sortedTrackers` must already be
 * sorted by destination (the throttler sorts by address string).
 * - index −1 (not yet in the public endpoints), ≤ 1 tracker, or a single activator: all of them;
 * - more activators than trackers: the one at `index mod N` (several activators share it);
 * - otherwise slice `[i·⌊N/A⌋, (i+1)·⌊N/A⌋)` plus, for `i < N mod A`, the i-th of the last
 *   `N mod A` trackers. 6 pods / 4 activators → {p0,p4}, {p1,p5}, {p2}, {p3}.
 * Returns a new array; the input is not modified.
 */
export function assignSlice<T>(sortedTrackers: readonly T[], activatorIndex: number, numActivators: number): T[] {
  if (!Array.isArray(sortedTrackers)) throw new InvalidArgumentError('sortedTrackers', 'must be an array');
  const { begin, end, extra } = assignSlicePositions(sortedTrackers.length, activatorIndex, numActivators);
  const out = sortedTrackers.slice(begin, end);
  if (extra >= 0) out.push(sortedTrackers[extra]!);
  return out;
}

/** Where {@link assignSlice}'s trackers sit in the sorted list: `[begin, end)` in order, then `extra` (−1: none). */
export interface SlicePositions {
  begin: number;
  end: number;
  extra: number;
}

/**
 * {@link assignSlice} as positions among `n` sorted trackers, so a caller holding many
 * trackers in a searchable structure need not copy them.
 */
export function assignSlicePositions(n: number, activatorIndex: number, numActivators: number): SlicePositions {
  requireCount('trackers', n);
  requireInteger('activatorIndex', activatorIndex, -1);
  requireCount('numActivators', numActivators);
  if (activatorIndex === -1 || n <= 1 || numActivators === 1) return { begin: 0, end: n, extra: -1 };
  if (numActivators === 0) {
    // The throttler sets index and count together, so a known index with no count is a caller bug.
    throw new InvalidArgumentError('numActivators', `must be ≥ 1 when activatorIndex is ${activatorIndex}`);
  }
  if (numActivators > n) {
    const only = activatorIndex % n;
    return { begin: only, end: only + 1, extra: -1 };
  }
  if (activatorIndex >= numActivators) {
    // Upstream would slice past the end and panic.
    throw new InvalidArgumentError('activatorIndex', `must be < numActivators (${numActivators}) when trackers ≥ activators, got ${activatorIndex}`);
  }
  const sliceSize = Math.floor(n / numActivators);
  const begin = activatorIndex * sliceSize;
  const remnants = n % numActivators;
  return { begin, end: begin + sliceSize, extra: activatorIndex < remnants ? n - remnants + activatorIndex : -1 };
}

/**
 * Capacity of one activator's revision breaker (calculateCapacity):
 * - with pod trackers: `CC × assignedTrackers`;
 * - via the cluster IP (pass `assignedTrackers = 0`): `CC × backendCount`, then, if > 0,
 *   `max(1, ⌊that / max(1, numActivators)⌋)`;
 * - any backend with CC = 0, or a result above MaxInt32: MaxInt32 (the CC = 0 "infinite"
 *   breaker only distinguishes 0 = closed from non-zero = open);
 * - no backends: 0, so requests wait.
 * When the throttler has neither trackers nor a cluster IP it passes `backendCount = 0`.
 */
export function activatorCapacityForRevision(opts: {
  containerConcurrency: number;
  backendCount: number;
  assignedTrackers: number;
  numActivators: number;
}): number {
  const checked = requireFields(opts, { containerConcurrency: requireCount, backendCount: requireCount, assignedTrackers: requireCount, numActivators: requireCount });
  const { containerConcurrency: cc, backendCount: backends, assignedTrackers: assigned, numActivators: activators } = checked;
  let capacity: number;
  if (assigned > 0) {
    capacity = cc * assigned;
  } else {
    capacity = cc * backends;
    if (capacity > 0) capacity = Math.max(1, Math.floor(capacity / Math.max(1, activators)));
  }
  if (backends > 0 && (cc === 0 || capacity > REVISION_MAX_CONCURRENCY)) capacity = REVISION_MAX_CONCURRENCY;
  return capacity;
}

/** The activator's per-revision load-balancing policies. */
export type LbPolicyName = 'random-choice-2' | 'first-available' | 'round-robin';
/** All {@link LbPolicyName} values. */
export const LB_POLICY_NAMES: readonly LbPolicyName[] = ['random-choice-2', 'first-available', 'round-robin'];

/**
 * The policy a new revision throttler picks from containerConcurrency:
 * 0 → power-of-two-choices on in-flight weight; 1–3 → first tracker with a free slot
 * (load clumps on the lowest-sorted pods); > 3 → round robin over trackers with a free slot.
 */
export function lbPolicyFor(containerConcurrency: number): LbPolicyName {
  const cc = requireCount('containerConcurrency', containerConcurrency);
  if (cc === 0) return 'random-choice-2';
  if (cc <= 3) return 'first-available';
  return 'round-robin';
}

/** The queue-proxy's serving port, which the activator's pod trackers address (`IP:8012`). */
export const QUEUE_PROXY_PORT = 8012;

/** A pod tracker's destination as the throttler keys it: `IP:port`. */
export function trackerDest(ip: string, port: number = QUEUE_PROXY_PORT): string {
  return `${ip}:${port}`;
}

/**
 * The throttler's tracker order (updateCapacity sorts by dest): plain string comparison, so
 * `10.244.0.10:8012` comes before `10.244.0.9:8012`. Negative, 0 or positive like a sort comparator.
 */
export function compareTrackerDests(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Ranks of the 256 octet strings when the character after them is `after`: a shorter string
 * that is a prefix of a longer one sorts first after `.` (below every digit) and last after `:`
 * (above every digit).
 */
function octetRanks(after: string): Uint8Array {
  const octets = Array.from({ length: 256 }, (_, i) => i);
  octets.sort((x, y) => compareTrackerDests(`${x}${after}`, `${y}${after}`));
  const rank = new Uint8Array(256);
  octets.forEach((o, r) => (rank[o] = r));
  return rank;
}

const INNER_OCTET_RANK = octetRanks('.');
const LAST_OCTET_RANK = octetRanks(':');

/**
 * A number that orders IPv4 addresses (unsigned 32-bit) as {@link compareTrackerDests} orders
 * their `IP:port` strings, for any one port: the strings differ first inside the first octet
 * that differs, so each octet is replaced by its rank among octet strings followed by `.`, or
 * by `:` for the last. Lets a sorted structure key trackers by a number.
 */
export function trackerDestOrder(ip: number): number {
  requireInteger('ip', ip, 0);
  if (ip > 0xffffffff) throw new InvalidArgumentError('ip', `must be at most 2^32 − 1, got ${ip}`);
  return (
    INNER_OCTET_RANK[ip >>> 24]! * 0x1000000 +
    INNER_OCTET_RANK[(ip >>> 16) & 255]! * 0x10000 +
    INNER_OCTET_RANK[(ip >>> 8) & 255]! * 0x100 +
    LAST_OCTET_RANK[ip & 255]!
  );
}
