/** A callback run at an event's time with the payload it was scheduled with. */
export type EventFn<T = unknown> = (payload: T) => void;

/**
 * The future event list: a binary min-heap on (time, seq) kept in parallel arrays, so
 * scheduling allocates nothing per event (times and sequence numbers in Float64Arrays,
 * callbacks and payloads in plain arrays). Ties in time run in scheduling order, which
 * keeps runs deterministic. Cancelled work is handled by its owner (a stale event checks
 * its own state and returns), which is cheaper than deleting from the heap.
 */
export class EventQueue {
  private times = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  private fns: Array<EventFn<never> | undefined> = new Array(1024);
  private payloads: unknown[] = new Array(1024);
  private n = 0;
  private nextSeq = 0;

  get size(): number {
    return this.n;
  }

  push<T>(time: number, fn: EventFn<T>, payload: T): void {
    if (this.n === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    const fns = this.fns;
    const payloads = this.payloads;
    const seq = this.nextSeq++;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && seqs[parent]! < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent]!;
      fns[i] = fns[parent];
      payloads[i] = payloads[parent];
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    fns[i] = fn as EventFn<never>;
    payloads[i] = payload;
  }

  /** Time of the earliest event, ∞ when empty. */
  peekTime(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.times[0]!;
  }

  /** The earliest event's callback and payload (valid until the next push or removeTop). */
  topFn(): EventFn<never> {
    return this.fns[0]!;
  }

  topPayload(): unknown {
    return this.payloads[0];
  }

  /** Drops the earliest event. */
  removeTop(): void {
    const last = --this.n;
    const times = this.times;
    const seqs = this.seqs;
    const fns = this.fns;
    const payloads = this.payloads;
    if (last === 0) {
      fns[0] = undefined;
      payloads[0] = undefined;
      return;
    }
    const t = times[last]!;
    const s = seqs[last]!;
    const f = fns[last];
    const p = payloads[last];
    fns[last] = undefined;
    payloads[last] = undefined;
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      let ct = times[c]!;
      let cs = seqs[c]!;
      const r = c + 1;
      if (r < last) {
        const rt = times[r]!;
        if (rt < ct || (rt === ct && seqs[r]! < cs)) {
          c = r;
          ct = rt;
          cs = seqs[r]!;
        }
      }
      if (t < ct || (t === ct && s < cs)) break;
      times[i] = ct;
      seqs[i] = cs;
      fns[i] = fns[c];
      payloads[i] = payloads[c];
      i = c;
    }
    times[i] = t;
    seqs[i] = s;
    fns[i] = f;
    payloads[i] = p;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const t = new Float64Array(cap);
    t.set(this.times);
    this.times = t;
    const s = new Float64Array(cap);
    s.set(this.seqs);
    this.seqs = s;
    this.fns.length = cap;
    this.payloads.length = cap;
  }
}
