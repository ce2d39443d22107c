/**
 * A pod's requests inside its breaker, in the order they entered: the ones a crash of its
 * user container fails. The list runs through fields of the requests themselves, not a Set:
 * V8 rebuilds a Set's or Map's table every few adds and deletes, in the old generation once
 * a full GC has promoted the table, so with one add and one delete per request each pod's
 * Set turned into megabytes of old-generation garbage a second after every full GC.
 */
import type { Request } from './request.js';

export class ActiveRequests {
  private head: Request | undefined = undefined;
  private tail: Request | undefined = undefined;

  add(req: Request): void {
    req.activeIn = this;
    req.activePrev = this.tail;
    req.activeNext = undefined;
    if (this.tail === undefined) this.head = req;
    else this.tail.activeNext = req;
    this.tail = req;
  }

  /** Removes `req` if it is in this list. */
  delete(req: Request): void {
    if (req.activeIn !== this) return;
    const prev = req.activePrev;
    const next = req.activeNext;
    if (prev === undefined) this.head = next;
    else prev.activeNext = next;
    if (next === undefined) this.tail = prev;
    else next.activePrev = prev;
    req.activeIn = undefined;
    req.activePrev = undefined;
    req.activeNext = undefined;
  }

  /** The requests in the order they were added. */
  toArray(): Request[] {
    const out: Request[] = [];
    for (let r = this.head; r !== undefined; r = r.activeNext) out.push(r);
    return out;
  }
}
