import seedrandom from 'seedrandom';

/**
 * A named, independently seeded random stream. Each component draws from its own
 * stream, so changing one component's parameters does not shift another's draws.
 */
export class RandomStream {
  private readonly prng: seedrandom.PRNG;
  private spareNormal: number | undefined;

  constructor(seed: number | string, name: string) {
    this.prng = seedrandom.alea(`${seed}/${name}`);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.prng();
  }

  /**
   * Uniform in (0, 1), for inverse CDFs (which are infinite at 0): the generator's values are
   * multiples of 2^-32, so moving each to the middle of its cell never reaches 0 or 1.
   */
  open(): number {
    return this.prng() + 2 ** -33;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.prng();
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    // 1 − u is in (0, 1], so the log is finite.
    return -mean * Math.log(1 - this.prng());
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
      u = this.prng() * 2 - 1;
      v = this.prng() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.prng() * n);
  }
}

/** Hands out streams by name, all derived from one run seed. */
export class RandomStreams {
  private readonly streams = new Map<string, RandomStream>();
  constructor(readonly seed: number) {}

  stream(name: string): RandomStream {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = new RandomStream(this.seed, name);
      this.streams.set(name, s);
    }
    return s;
  }
}
