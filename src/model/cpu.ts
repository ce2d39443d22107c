/**
 * Processor sharing of one pod's capacity among the requests in service, in virtual time.
 *
 * Every job in service progresses at the same rate r(n) (n = jobs in service), so the work
 * each has received since the pod was last idle is one number, the virtual time V, with
 * dV/dt = r(n). A job that enters at V0 with work w finishes when V reaches its tag V0 + w;
 * the next completion is the smallest tag (a binary heap), at t + (tag − V) / r(n). An
 * arrival, a departure or a completion costs O(log n), whatever n is.
 */

/** Work each of `n` jobs in service receives per second (for the CPU model, cores per request). */
import type { Simulation } from '../engine/simulation.js';

export type RateFn = (n: number) => number;

/**
 * What a queue keeps on each of its items: the item's job while it is in service there. A
 * field on the item rather than a Map from items to jobs, for the reason given in
 * active-requests.ts.
 */
export interface SharedItem {
  psJob: object | undefined;
}

interface Job<T extends SharedItem> {
  readonly item: T;
  /** The queue the job is in (an item is in at most one queue's service at a time). */
  readonly queue: ProcessorSharing<T>;
  readonly tag: number;
  index: number;
}

/** Jobs within this much (relative) of their tag are done: the clock's rounding, not work. */
const EPS = 1e-9;

export class ProcessorSharing<T extends SharedItem> {
  private readonly heap: Job<T>[] = [];
  private v = 0;
  private t = 0;
  private rate = 0;
  /** ∫ n × r(n) dt: work done in total (core-seconds for the CPU model). */
  private done = 0;

  constructor(
    private readonly rateOf: RateFn,
    /**
     * Told the work rate in force since the last change each time the queue catches up to `now`,
     * before anything changes (the CFS quota's accounting, cfs-bandwidth.ts).
     */
    private readonly onAdvance?: (now: number, throughput: number) => void,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  /** Total work rate now (n × r(n); cores in use for the CPU model). */
  get throughput(): number {
    return this.heap.length * this.rate;
  }

  /** Work done in total up to `now` (which must not be before the last call). */
  cumulative(now: number): number {
    return this.done + this.throughput * (now - this.t);
  }

  has(item: T): boolean {
    return this.jobOf(item) !== undefined;
  }

  /** The items in service now (a copy, in no particular order). */
  items(): T[] {
    return this.heap.map((j) => j.item);
  }

  private jobOf(item: T): Job<T> | undefined {
    const job = item.psJob as Job<T> | undefined;
    return job !== undefined && job.queue === this ? job : undefined;
  }

  private advance(now: number): void {
    this.onAdvance?.(now, this.heap.length * this.rate);
    const dt = now - this.t;
    if (dt > 0) {
      this.v += this.rate * dt;
      this.done += this.heap.length * this.rate * dt;
    }
    this.t = now;
  }

  private setRate(): void {
    const n = this.heap.length;
    this.rate = n > 0 ? this.rateOf(n) : 0;
    // Idle: restart virtual time, so it stays small however long the run.
    if (n === 0) this.v = 0;
  }

  add(item: T, work: number, now: number): void {
    this.advance(now);
    const job: Job<T> = { item, queue: this, tag: this.v + work, index: this.heap.length };
    this.heap.push(job);
    item.psJob = job;
    this.up(job.index);
    this.setRate();
  }

  /** Takes a job out before it is done (timed out, failed); false if it is not in service. */
  remove(item: T, now: number): boolean {
    const job = this.jobOf(item);
    if (job === undefined) return false;
    this.advance(now);
    item.psJob = undefined;
    this.removeAt(job.index);
    this.setRate();
    return true;
  }

  /**
   * Before the rate function's answer changes (a pod's share of its node): the work done up to
   * `now` at the old rate. Call {@link rateChanged} once the change is made.
   */
  settle(now: number): void {
    this.advance(now);
  }

  /** After {@link settle} and the change: the rate from now on. */
  rateChanged(): void {
    this.setRate();
  }

  /** When the next job finishes at the current rate; Infinity when none is in service. */
  nextCompletion(): number {
    const top = this.heap[0];
    // Throttled (rate 0): nothing finishes until the rate changes.
    if (top === undefined || this.rate === 0) return Number.POSITIVE_INFINITY;
    return this.t + Math.max(0, top.tag - this.v) / this.rate;
  }

  /** Takes out every job whose work is done at `now` and returns them, earliest tag first. */
  popDone(now: number): T[] {
    this.advance(now);
    const out: T[] = [];
    const limit = this.v + EPS * Math.max(1, this.v);
    while (this.heap.length > 0 && this.heap[0]!.tag <= limit) {
      const job = this.heap[0]!;
      job.item.psJob = undefined;
      this.removeAt(0);
      out.push(job.item);
    }
    // Always: the advance may have ended a CFS throttle, which changes the rate too.
    this.setRate();
    return out;
  }

  private removeAt(i: number): void {
    const h = this.heap;
    const last = h.pop()!;
    if (i < h.length) {
      h[i] = last;
      last.index = i;
      this.down(i);
      this.up(last.index);
    }
  }

  private up(i: number): void {
    const h = this.heap;
    const job = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (parent.tag <= job.tag) break;
      h[i] = parent;
      parent.index = i;
      i = p;
    }
    h[i] = job;
    job.index = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const job = h[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && h[r]!.tag < h[l]!.tag ? r : l;
      if (h[c]!.tag >= job.tag) break;
      h[i] = h[c]!;
      h[i]!.index = i;
      i = c;
    }
    h[i] = job;
    job.index = i;
  }
}

/**
 * Requests in their CPU phase share `capacityCores` equally, each using at most `parallelism`
 * cores (under a CPU limit that could be outrun, the caller stops the queue while the period's CFS quota is spent: cfs-bandwidth.ts).
 */
export function cpuRate(capacityCores: number, parallelism: number): RateFn {
  return (n) => Math.min(parallelism, capacityCores / n);
}

/**
 * The one completion event a {@link ProcessorSharing} queue keeps pending: at its earliest
 * completion. A change that brings the earliest completion forward schedules another; the
 * older event then finds it is not yet due and does nothing (DeadlineSet's pattern).
 */
export class CompletionTimer<T extends SharedItem> {
  private nextAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly sim: Simulation,
    private readonly ps: ProcessorSharing<T>,
    /** Called when a completion is due; it pops the done items and calls {@link reschedule}. */
    private readonly due: (now: number) => void,
  ) {}

  /** After any change to the queue: an event waits for its earliest completion. */
  reschedule(): void {
    const next = this.ps.nextCompletion();
    if (next < this.nextAt) {
      this.nextAt = next;
      this.sim.at(next, CompletionTimer.fire, this);
    }
  }

  private static fire(this: void, self: CompletionTimer<SharedItem>): void {
    const now = self.sim.now;
    if (now < self.nextAt) return; // superseded by an earlier one that already ran
    self.nextAt = Number.POSITIVE_INFINITY;
    self.due(now);
  }
}
