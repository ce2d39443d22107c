/**
 * Exponential backoff for API errors, on the injected clock: after each failure the next
 * attempt waits twice as long (with up to `jitter` of it added at random), capped at
 * `maxSeconds`; a success resets it.
 */
export interface BackoffOptions {
  initialSeconds: number;
  maxSeconds: number;
  /** Fraction of the delay added at random, in [0, 1]. */
  jitter?: number;
  /** Uniform in [0, 1); Math.random by default. */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialSeconds: 1, maxSeconds: 60, jitter: 0.1 };

export class Backoff {
  private failures = 0;
  private notBefore = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: BackoffOptions = DEFAULT_BACKOFF) {
    if (!(opts.initialSeconds > 0) || !(opts.maxSeconds >= opts.initialSeconds)) {
      throw new RangeError(`backoff: need 0 < initial (${opts.initialSeconds}) ≤ max (${opts.maxSeconds})`);
    }
  }

  /** Consecutive failures since the last success. */
  get failureCount(): number {
    return this.failures;
  }

  /** The delay the next failure will impose, without jitter. */
  delayFor(failures: number): number {
    return Math.min(this.opts.maxSeconds, this.opts.initialSeconds * 2 ** Math.max(0, failures - 1));
  }

  /** Whether an attempt may be made at `nowSeconds`. */
  ready(nowSeconds: number): boolean {
    return nowSeconds >= this.notBefore;
  }

  /** When the next attempt is allowed (−∞ when at once). */
  get nextAttemptAt(): number {
    return this.notBefore;
  }

  /** Records a failure at `nowSeconds`; returns the delay before the next attempt. */
  fail(nowSeconds: number): number {
    this.failures++;
    const base = this.delayFor(this.failures);
    const jitter = (this.opts.jitter ?? 0) * base * (this.opts.random ?? Math.random)();
    const delay = Math.min(this.opts.maxSeconds, base + jitter);
    this.notBefore = nowSeconds + delay;
    return delay;
  }

  succeed(): void {
    this.failures = 0;
    this.notBefore = Number.NEGATIVE_INFINITY;
  }
}

/**
 * client-go's reflector backoff (its backoff manager of 800 ms, 30 s, 2 min, factor 2, jitter
 * 1.0): the waits double from 0.8 s up to 30 s, each stretched by up to 100 % at random (so the
 * longest lie in [30, 60) s), and they start again from 0.8 s when the previous wait began more
 * than 2 min before: a watch that stayed up that long counts as the API server being healthy.
 */
export const REFLECTOR_BACKOFF = { initialSeconds: 0.8, maxSeconds: 30, resetSeconds: 120, factor: 2, jitter: 1 } as const;

export class ReflectorBackoff {
  private base: number = REFLECTOR_BACKOFF.initialSeconds;

  /** `nowSeconds`: when the informer starts (upstream counts the 2 min from then too). */
  constructor(
    private lastStart: number,
    private readonly random: () => number,
  ) {}

  /** The wait before the next list or watch, the wait starting at `nowSeconds` (monotonic). */
  next(nowSeconds: number): number {
    const r = REFLECTOR_BACKOFF;
    if (nowSeconds - this.lastStart > r.resetSeconds) this.base = r.initialSeconds;
    this.lastStart = nowSeconds;
    const d = this.base;
    this.base = Math.min(r.maxSeconds, d * r.factor);
    return d * (1 + r.jitter * this.random());
  }
}
