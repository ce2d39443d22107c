/** Trace arrivals placed on the run's clock: pure, no file access (the browser playground uses it too). */

/** Arrivals (seconds, unsorted, as read) and optional per-request durations. */
export interface RawTrace {
  arrivals: number[];
  durations: number[] | undefined;
}

export interface TraceData {
  /** Sorted arrival times, seconds from the start of the run. */
  arrivals: Float64Array;
  /** Per-request service times in arrival order, or undefined to use the revision's app model. */
  durations: Float64Array | undefined;
}

export type TraceFormat = 'simple' | 'azure2021';

export interface TraceShaping {
  format: TraceFormat;
  /** Multiplies the gaps between arrivals (2 = half the rate). */
  timeScale: number;
  /** simple: added to every arrival; azure2021: where the first kept arrival lands. Seconds. */
  offsetSeconds: number;
  /** Keep per-request durations (when the trace has them). */
  useDurations: boolean;
}

/** Takes a trace's arrivals as a reader meets them, in the file's times (a duration on every one or on none). */
export interface TraceSink {
  add(arrival: number, duration: number | undefined): void;
}

/**
 * The times (once shifted and scaled) at which a trace client can send: from `fromSeconds`
 * (−∞ for a client that starts on a condition, whose times move by its start), before
 * `endSeconds`, and not after `runSeconds`, the run's end, which no start moves back.
 */
export interface TraceWindow {
  fromSeconds: number;
  endSeconds: number;
  runSeconds: number;
}

/**
 * The most requests a trace client may send (the run's request limit, less what the trace clients
 * before it send), counted over its sending time [fromSeconds, toSeconds) as the work estimate
 * counts it. Loading stops once more fall there: a window of 10^9 arrivals would otherwise be held
 * (8 to 16 bytes each) before the estimate refused it.
 */
export interface TraceLimit {
  arrivals: number;
  fromSeconds: number;
  toSeconds: number;
  /** Throws the refusal; called once `arrivals` is passed. */
  exceeded(): never;
}

/** A trace on the run's clock: the arrivals its window keeps, and what the whole file held. */
export interface ShapedTrace extends TraceData {
  /** Arrivals in the file (after the app/func filter), kept or not. */
  count: number;
  /** The earliest and the latest of them, shifted and scaled (NaN when there are none). */
  first: number;
  last: number;
}

/**
 * Collects a trace's arrivals while it is read, holding only those that can fall in the
 * client's window: a large trace of which a run uses a minute holds that minute. The whole
 * file is still read, as neither format has to be sorted and an azure2021 trace's clock
 * starts at its earliest arrival, wherever that is in the file.
 */
export class TraceCollector implements TraceSink {
  // Typed arrays, outside V8's heap: a window of tens of millions of arrivals fits in memory
  // (8 bytes each) without meeting the heap's limit, which would abort the process.
  private arrivals = new Float64Array(1024);
  private durations = new Float64Array(0);
  private size = 0;
  private withDurations = false;
  private count = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  /** How many arrivals were held after the last pass that dropped those the window no longer reaches. */
  private held = 0;
  /** Arrivals in the limit's [from, to) so far (counted only once the origin is fixed). */
  private counted = 0;
  /** An azure2021 trace held more than the limit before its origin was known: only the file's extent is kept now. */
  private overflowed = false;

  /**
   * @param origin an azure2021 trace's earliest arrival, when a first read found it: times are then
   * fixed as they are read, as a simple trace's are.
   */
  constructor(
    private readonly opts: TraceShaping,
    private readonly window: TraceWindow = { fromSeconds: Number.NEGATIVE_INFINITY, endSeconds: Number.POSITIVE_INFINITY, runSeconds: Number.POSITIVE_INFINITY },
    private readonly limit?: TraceLimit,
    private readonly origin?: number,
  ) {}

  add(arrival: number, duration: number | undefined): void {
    if (this.count++ === 0) {
      this.withDurations = duration !== undefined;
      if (this.keepsDurations()) this.durations = new Float64Array(this.arrivals.length);
    }
    if (arrival < this.min) this.min = arrival;
    if (arrival > this.max) this.max = arrival;
    if (this.overflowed) return;
    // An azure2021 origin only moves back, which moves every time later: one past the end now stays past it.
    const t = this.place(arrival);
    if (this.afterWindow(t)) return;
    const fixed = this.originFixed();
    // A fixed origin (a simple trace's) keeps one before the window before it too.
    if (fixed && t < this.window.fromSeconds) return;
    const limit = this.limit;
    if (fixed && limit !== undefined && t >= limit.fromSeconds && t < limit.toSeconds && ++this.counted > limit.arrivals) limit.exceeded();
    if (this.size === this.arrivals.length && !this.makeRoom()) return;
    this.arrivals[this.size] = arrival;
    if (this.keepsDurations()) this.durations[this.size] = duration!;
    this.size++;
    if (this.size >= 2 * this.held + 4096) this.dropAfterWindow();
  }

  /**
   * The earliest arrival of an azure2021 trace that held more than the limit before its origin was
   * known (those it held may have moved out of the window since): the file is to be read again
   * into a collector given this origin. Undefined when finish() has the arrivals.
   */
  rereadFrom(): number | undefined {
    return this.overflowed ? this.min : undefined;
  }

  /** The arrivals in the window, sorted (durations follow their requests), and the file's extent. */
  finish(): ShapedTrace {
    this.dropAfterWindow();
    const from = this.window.fromSeconds;
    const held = this.arrivals;
    const withDurations = this.keepsDurations();
    // Those before the window go, in place: the rest keep the file's order.
    let n = 0;
    let sorted = true;
    for (let i = 0; i < this.size; i++) {
      const a = held[i]!;
      if (this.place(a) < from) continue;
      if (n > 0 && a < held[n - 1]!) sorted = false;
      held[n] = a;
      if (withDurations) this.durations[n] = this.durations[i]!;
      n++;
    }
    // Equal times keep the file's order. A sorted file (the usual case) is not sorted again.
    const order = new Uint32Array(n);
    for (let k = 0; k < n; k++) order[k] = k;
    if (!sorted) order.sort((x, y) => held[x]! - held[y]! || x - y);
    const arrivals = new Float64Array(n);
    const durations = withDurations ? new Float64Array(n) : undefined;
    for (let k = 0; k < n; k++) {
      arrivals[k] = this.place(held[order[k]!]!);
      if (durations !== undefined) durations[k] = this.durations[order[k]!]!;
    }
    this.arrivals = new Float64Array(0);
    this.durations = new Float64Array(0);
    this.size = 0;
    const none = this.count === 0;
    return { arrivals, durations, count: this.count, first: none ? Number.NaN : this.place(this.min), last: none ? Number.NaN : this.place(this.max) };
  }

  /** Where an arrival lands on the run's clock: simple as `offset + t × timeScale`, azure2021 from its earliest arrival. */
  private place(arrival: number): number {
    const origin = this.opts.format === 'azure2021' ? (this.origin ?? this.min) : 0;
    return this.opts.offsetSeconds + (arrival - origin) * this.opts.timeScale;
  }

  private originFixed(): boolean {
    return this.opts.format === 'simple' || this.origin !== undefined;
  }

  /**
   * Room for one more arrival, or false once an azure2021 trace whose origin may still move holds
   * more than the limit: its arrays are let go, and only the file's extent is kept (rereadFrom).
   */
  private makeRoom(): boolean {
    const limit = this.limit;
    // Past the limit a fixed-origin trace is refused, so room for one past it is all it needs.
    const cap = limit !== undefined ? Math.floor(limit.arrivals) + 1 : Number.POSITIVE_INFINITY;
    if (!this.originFixed() && this.arrivals.length >= cap) {
      this.dropAfterWindow();
      if (this.size < this.arrivals.length) return true;
      this.overflowed = true;
      this.arrivals = new Float64Array(0);
      this.durations = new Float64Array(0);
      this.size = 0;
      return false;
    }
    this.grow(this.arrivals.length < cap ? cap : Number.POSITIVE_INFINITY);
    return true;
  }

  private keepsDurations(): boolean {
    return this.withDurations && this.opts.useDurations;
  }

  private afterWindow(t: number): boolean {
    return t >= this.window.endSeconds || t > this.window.runSeconds;
  }

  private grow(atMost: number): void {
    const more = (old: Float64Array): Float64Array => {
      const a = new Float64Array(Math.min(Math.max(1024, old.length * 2), atMost));
      a.set(old);
      return a;
    };
    this.arrivals = more(this.arrivals);
    if (this.keepsDurations()) this.durations = more(this.durations);
  }

  private dropAfterWindow(): void {
    let n = 0;
    for (let i = 0; i < this.size; i++) {
      if (this.afterWindow(this.place(this.arrivals[i]!))) continue;
      this.arrivals[n] = this.arrivals[i]!;
      if (this.keepsDurations()) this.durations[n] = this.durations[i]!;
      n++;
    }
    this.size = n;
    this.held = n;
  }
}

/** Collects every arrival as read, unsorted: what the parsers' callers without a window get. */
export class RawTraceSink implements TraceSink {
  readonly arrivals: number[] = [];
  private readonly durations: number[] = [];
  private withDurations = false;
  add(arrival: number, duration: number | undefined): void {
    if (this.arrivals.length === 0) this.withDurations = duration !== undefined;
    this.arrivals.push(arrival);
    if (duration !== undefined) this.durations.push(duration);
  }
  raw(): RawTrace {
    return { arrivals: this.arrivals, durations: this.withDurations ? this.durations : undefined };
  }
}

/**
 * Sorts the arrivals (durations follow their requests) and places them on the
 * run's clock: simple traces as `offset + t × timeScale`, Azure traces shifted
 * so the first arrival is at `offset`, gaps multiplied by `timeScale`.
 */
export function shapeTrace(raw: RawTrace, opts: TraceShaping): TraceData {
  const c = new TraceCollector(opts);
  raw.arrivals.forEach((a, i) => c.add(a, raw.durations?.[i]));
  const { arrivals, durations } = c.finish();
  return { arrivals, durations };
}
