import type { Simulation } from '../engine/simulation.js';
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
    const h = this.heap;
    req.deadlineIndex = h.length;
    h.push(req);
    this.up(req.deadlineIndex);
    if (req.deadline < this.nextCheck) {
      this.nextCheck = req.deadline;
      this.sim.at(req.deadline, this.check, this);
    }
  }

  remove(req: Request): void {
    const i = req.deadlineIndex;
    if (i < 0) return;
    const h = this.heap;
    const last = h.pop()!;
    req.deadlineIndex = -1;
    if (last !== req) {
      h[i] = last;
      last.deadlineIndex = i;
      this.down(i);
      this.up(last.deadlineIndex);
    }
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
      self.sim.at(self.nextCheck, self.check, self);
    }
  }

  private less(a: Request, b: Request): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.id < b.id);
  }

  private up(i: number): void {
    const h = this.heap;
    const x = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const y = h[p]!;
      if (!this.less(x, y)) break;
      h[i] = y;
      y.deadlineIndex = i;
      i = p;
    }
    h[i] = x;
    x.deadlineIndex = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const x = h[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.less(h[c + 1]!, h[c]!)) c++;
      const y = h[c]!;
      if (!this.less(y, x)) break;
      h[i] = y;
      y.deadlineIndex = i;
      i = c;
    }
    h[i] = x;
    x.deadlineIndex = i;
  }
}
