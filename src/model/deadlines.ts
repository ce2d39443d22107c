import type { Simulation } from '../engine/simulation.js';
import { TIMEOUT_PRIORITY } from './event-order.js';
import type { Request } from './request.js';

/**
 * Timeouts of requests that are waiting (at an activator or in a queue-proxy) or that will
 * outlive their deadline while executing. An indexed min-heap on the deadline holds only
 * those requests; one simulation event is pending for the earliest deadline. A request
 * that stops waiting leaves the heap at once, so nothing stale stays behind — scheduling an
 * event per waiting request instead would keep every request alive for the whole
 * timeout (300 s by default) in the event list.
 */
export class DeadlineSet {
  private heap: Request[] = [];
  private nextCheck = Number.POSITIVE_INFINITY;

  constructor(
    private readonly sim: Simulation,
    private readonly expire: (req: Request) => void,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  add(req: Request): void {
    if (req.deadlineIndex >= 0 || req.deadline === Number.POSITIVE_INFINITY) return;
    this.up(this.heap.length, req);
    if (req.deadline < this.nextCheck) {
      this.nextCheck = req.deadline;
      this.sim.at(req.deadline, this.check, this, TIMEOUT_PRIORITY);
    }
  }

  remove(req: Request): void {
    const i = req.deadlineIndex;
    if (i < 0) return;
    const last = this.heap.pop()!;
    req.deadlineIndex = -1;
    if (last !== req) this.up(this.down(i, last), last);
  }

  private check(this: void, self: DeadlineSet): void {
    const now = self.sim.now;
    if (now < self.nextCheck) return; // superseded by an earlier check that already ran
    self.nextCheck = Number.POSITIVE_INFINITY;
    const h = self.heap;
    while (h.length > 0 && h[0]!.deadline <= now) {
      const req = h[0]!;
      self.remove(req);
      self.expire(req);
    }
    if (h.length > 0) {
      self.nextCheck = h[0]!.deadline;
      self.sim.at(self.nextCheck, self.check, self, TIMEOUT_PRIORITY);
    }
  }

  private less(a: Request, b: Request): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.id < b.id);
  }

  /** Puts `x` in slot `i`: a request's deadlineIndex is always its slot in the heap. */
  private place(i: number, x: Request): void {
    this.heap[i] = x;
    x.deadlineIndex = i;
  }

  /** Sifts `x`, going into slot `i`, towards the root; returns its final slot. */
  private up(i: number, x: Request): number {
    const h = this.heap;
    for (let p = (i - 1) >> 1; i > 0 && this.less(x, h[p]!); p = (i - 1) >> 1) {
      this.place(i, h[p]!);
      i = p;
    }
    this.place(i, x);
    return i;
  }

  /** Sifts `x`, going into slot `i`, towards the leaves; returns its final slot. */
  private down(i: number, x: Request): number {
    const h = this.heap;
    for (let c = 2 * i + 1; c < h.length; c = 2 * i + 1) {
      if (c + 1 < h.length && this.less(h[c + 1]!, h[c]!)) c++;
      if (!this.less(h[c]!, x)) break;
      this.place(i, h[c]!);
      i = c;
    }
    this.place(i, x);
    return i;
  }
}
