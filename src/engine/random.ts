import seedrandom from 'seedrandom';

/**
 * A named, independently seeded random stream. Each component draws from its own
 * stream, so changing one component's parameters does not shift another's draws.
 *
 * The generator is seedrandom's alea: seedrandom seeds it, and the stream steps the same
 * recurrence on its own fields (test/engine/random.test.ts checks the draws are seedrandom's,
 * bit for bit). A method of one class is inlined where it is drawn; a call through
 * seedrandom's closure is not, and boxes every draw in a new heap number.
 */
export class RandomStream {
  // Declared with numbers, not left undefined until the constructor: a field that starts
  // undefined stores every later double in a new heap number.
  private c = 0;
  private s0 = 0.5;
  private s1 = 0.5;
  private s2 = 0.5;
  private spareNormal: number | undefined;

  constructor(seed: number | string, name: string) {
    const state = seedrandom.alea(`${seed}/${name}`, { state: true }).state();
    this.c = state.c;
    this.s0 = state.s0;
    this.s1 = state.s1;
    this.s2 = state.s2;
  }

  /** Uniform in [0, 1). */
  next(): number {
    // Alea: a multiply-with-carry over three lagged fractions; c is the integer carry.
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    this.s2 = t - this.c;
    return this.s2;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    // 1 − u is in (0, 1], so the log is finite.
    return -mean * Math.log(1 - this.next());
  }

  /** Standard normal (Marsaglia polar method; draws come in pairs). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const s = this.spareNormal;
      this.spareNormal = undefined;
      return s;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/**
 * Exponential draws from a stream that nothing else draws from, made in batches: the k-th
 * draw is bit for bit what the stream's k-th exponential(mean) would be, for any mean, but
 * the logarithms are taken in a tight loop and a draw costs an array read (a Poisson client
 * draws one per request). The stream runs up to a batch ahead, so it must not be shared.
 */
export class ExponentialDraws {
  /** log(1 − u) of the stream's next uniforms, from `i` on. */
  private readonly logs = new Float64Array(256);
  private i = 256;

  constructor(private readonly stream: RandomStream) {}

  /** The next draw with the given mean (as RandomStream.exponential: −mean × log(1 − u)). */
  next(mean: number): number {
    if (this.i === 256) this.refill();
    return -mean * this.logs[this.i++]!;
  }

  private refill(): void {
    for (let k = 0; k < 256; k++) this.logs[k] = Math.log(1 - this.stream.next());
    this.i = 0;
  }
}

/**
 * A request origin's uniforms (route, service time, think time): one or two per request, on the
 * hot path, so a small-state generator (sfc32) rather than alea's closure. Seeded from the alea
 * stream of the same name, so it is as reproducible as the others.
 */
export class RequestStream {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  /**
   * 32 bits of the seed that name this origin, and how many requests it has sent: together they
   * key its n-th request (trace sampling), as the run-wide request id cannot, since that id
   * counts every client's requests in the order they happen to be sent.
   */
  readonly key: number;
  sent = 0;

  constructor(seed: number | string, name: string) {
    const s = seedrandom.alea(`${seed}/${name}`);
    this.a = (s() * 2 ** 32) | 0;
    this.b = (s() * 2 ** 32) | 0;
    this.c = (s() * 2 ** 32) | 0;
    this.key = (s() * 2 ** 32) >>> 0;
    this.d = 1;
    // sfc32's first outputs still show the seed; its author discards a dozen or so.
    for (let i = 0; i < 15; i++) this.open();
  }

  /** Uniform in (0, 1), never 0 or 1 (inverse CDFs are infinite there): the middle of one of 2^32 cells. */
  open(): number {
    // One sfc32 step, written out here: a helper returning the unsigned 32-bit output boxed it when not inlined.
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (((this.c << 21) | (this.c >>> 11)) + t) | 0;
    return ((t >>> 0) + 0.5) / 4294967296;
  }
}

/** Hands out streams by name, all derived from one run seed. */
export class RandomStreams {
  private readonly streams = new Map<string, RandomStream>();
  constructor(readonly seed: number) {}

  /** A request origin's stream (not cached: each origin asks once). */
  requestStream(name: string): RequestStream {
    return new RequestStream(this.seed, name);
  }

  stream(name: string): RandomStream {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = new RandomStream(this.seed, name);
      this.streams.set(name, s);
    }
    return s;
  }
}
