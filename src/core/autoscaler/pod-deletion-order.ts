/**
 * Which pods a ReplicaSet deletes first when it scales down (Kubernetes
 * pkg/controller/controller_utils.go ActivePodsWithRanks.Less, with LogarithmicScaleDown,
 * on by default since 1.22 and locked on since 1.31). Knative's autoscaler only sets the
 * Deployment's replicas, so these rules pick the pods a revision loses.
 *
 * Times are those the controller reads from its informer cache: the Ready condition's
 * lastTransitionTime and the creationTimestamp, which the API server keeps in whole
 * seconds; `now` is the controller's own clock. The pod-deletion-cost annotation is left
 * out: a revision's pods all come from one template, so they would all carry the same cost.
 */
import { InvalidArgumentError, requireFinite } from '../errors.js';
import { wholeNanos } from '../duration.js';

/** What the ReplicaSet controller compares of a pod. */
export interface PodDeletionFacts {
  /** spec.nodeName is set. */
  scheduled: boolean;
  /** status.phase is Running (a container started), not Pending. */
  running: boolean;
  /** The Ready condition is True. */
  ready: boolean;
  /** Active pods of the same controller on the pod's node, itself included (0 when unscheduled). */
  rank: number;
  /** When the pod last became Ready, seconds (read back in whole seconds); ignored unless `ready`. */
  readySeconds: number;
  /** The highest restartCount of its containers. */
  restarts: number;
  /** creationTimestamp, seconds (read back in whole seconds). */
  createdSeconds: number;
  /**
   * Stands for metadata.uid, a random UUID: only the order of two pods' values matters, and
   * only when their times fall in the same power-of-two age bucket.
   */
  uid: number;
}

/**
 * logarithmicRankDiff: the base-2 logarithm of each time's age at `now` in nanoseconds,
 * truncated (−1 for an age of zero or less), and their difference. Two pods whose ages lie
 * within the same doubling (8 to 16 s, 16 to 32 s, …) differ by 0.
 */
export function logarithmicRankDiff(t1Seconds: number, t2Seconds: number, nowSeconds: number): number {
  requireFinite('t1Seconds', t1Seconds);
  requireFinite('t2Seconds', t2Seconds);
  requireFinite('nowSeconds', nowSeconds);
  return ageRank(t1Seconds, nowSeconds) - ageRank(t2Seconds, nowSeconds);
}

function ageRank(tSeconds: number, nowSeconds: number): number {
  // A Go duration is whole nanoseconds; the age is taken from the stored (whole-second) time.
  const nanos = wholeNanos(nowSeconds - Math.floor(tSeconds));
  return nanos > 0 ? Math.floor(Math.log2(nanos)) : -1;
}

/**
 * Negative when `a` is deleted before `b`, positive when after, 0 when the controller has no
 * preference (its sort then leaves them in whatever order its cache listed them):
 * 1. unscheduled before scheduled;
 * 2. Pending before Running;
 * 3. not Ready before Ready;
 * 4. more of the controller's pods on its node before fewer (doubled-up pods go first);
 * 5. both Ready since different seconds: the one ready for less time first, compared by age
 *    bucket, and within one bucket by uid;
 * 6. more container restarts first;
 * 7. created in different seconds: the newer first, by age bucket, then by uid.
 * @throws InvalidArgumentError on a time that is not finite, or counts that are not whole numbers ≥ 0.
 */
export function comparePodsToDelete(a: PodDeletionFacts, b: PodDeletionFacts, nowSeconds: number): number {
  requireFinite('nowSeconds', nowSeconds);
  checkFacts('a', a);
  checkFacts('b', b);
  return compareChecked(a, b, nowSeconds);
}

/**
 * The indices of `pods` in the order the controller deletes them ({@link comparePodsToDelete}),
 * by a stable merge sort: pods it has no preference between keep their order in `pods`.
 *
 * The rules are not transitive (upstream's neither): a uid decides between two pods ready in
 * different seconds of one bucket, their creation times between two ready in the same second,
 * so three pods can each come before the next. What a sort makes of that depends on its
 * algorithm, upstream's as well as ours; this one is written here, not left to the engine's
 * Array.prototype.sort, so that a run gives the same pods on every JavaScript engine.
 * @throws InvalidArgumentError as comparePodsToDelete does, naming `pods[i]`.
 */
export function podDeletionOrder(pods: readonly PodDeletionFacts[], nowSeconds: number): number[] {
  requireFinite('nowSeconds', nowSeconds);
  pods.forEach((p, i) => checkFacts(`pods[${i}]`, p));
  const order = pods.map((_, i) => i);
  mergeSort(order, new Array<number>(order.length), 0, order.length, (i, j) => compareChecked(pods[i]!, pods[j]!, nowSeconds));
  return order;
}

/** Sorts a[from, to) stably, with `tmp` as scratch of the same length. */
function mergeSort(a: number[], tmp: number[], from: number, to: number, cmp: (i: number, j: number) => number): void {
  if (to - from < 2) return;
  const mid = (from + to) >>> 1;
  mergeSort(a, tmp, from, mid, cmp);
  mergeSort(a, tmp, mid, to, cmp);
  let i = from;
  let j = mid;
  let k = from;
  // Left first on a tie (≤ 0): that keeps the sort stable.
  while (i < mid && j < to) tmp[k++] = cmp(a[i]!, a[j]!) <= 0 ? a[i++]! : a[j++]!;
  while (i < mid) tmp[k++] = a[i++]!;
  while (j < to) tmp[k++] = a[j++]!;
  for (let m = from; m < to; m++) a[m] = tmp[m]!;
}

function checkFacts(name: string, p: PodDeletionFacts): void {
  if (!Number.isInteger(p.rank) || p.rank < 0) throw new InvalidArgumentError(`${name}.rank`, `must be a whole number ≥ 0, got ${p.rank}`);
  if (!Number.isInteger(p.restarts) || p.restarts < 0) throw new InvalidArgumentError(`${name}.restarts`, `must be a whole number ≥ 0, got ${p.restarts}`);
  requireFinite(`${name}.createdSeconds`, p.createdSeconds);
  if (p.ready) requireFinite(`${name}.readySeconds`, p.readySeconds);
}

function compareChecked(a: PodDeletionFacts, b: PodDeletionFacts, nowSeconds: number): number {
  if (a.scheduled !== b.scheduled) return a.scheduled ? 1 : -1;
  if (a.running !== b.running) return a.running ? 1 : -1;
  if (a.ready !== b.ready) return a.ready ? 1 : -1;
  if (a.rank !== b.rank) return b.rank - a.rank;
  if (a.ready && Math.floor(a.readySeconds) !== Math.floor(b.readySeconds)) return byAge(a.readySeconds, b.readySeconds, a, b, nowSeconds);
  if (a.restarts !== b.restarts) return b.restarts - a.restarts;
  if (Math.floor(a.createdSeconds) !== Math.floor(b.createdSeconds)) return byAge(a.createdSeconds, b.createdSeconds, a, b, nowSeconds);
  return 0;
}

/** Younger bucket first; within a bucket the lower uid first. */
function byAge(ta: number, tb: number, a: PodDeletionFacts, b: PodDeletionFacts, nowSeconds: number): number {
  const diff = ageRank(ta, nowSeconds) - ageRank(tb, nowSeconds);
  if (diff !== 0) return diff;
  return a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0;
}
