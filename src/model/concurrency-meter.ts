/**
 * Time-weighted concurrency and request counts, cut into reports every period
 * (the queue-proxy's and the activator's stats). Queued requests count: the "in"
 * event comes before the breaker. Proxied requests (sent by an activator) are
 * also tracked apart, so the autoscaler can subtract what the activator reports itself.
 */
export class ConcurrencyMeter {
  current = 0;
  proxiedCurrent = 0;
  // NaN until the constructor zeroes them, so V8 stores them as doubles from the first meter on
  // (from the small integer 0, the first fractional sum would deprecate every meter's shape).
  private integral = Number.NaN;
  private proxiedIntegral = Number.NaN;
  // Initialised here, not left undefined until the constructor: a field that starts
  // undefined keeps every later double in a new heap number (one per in/out here).
  private lastChange = 0;
  private periodStart = 0;
  private arrivals = 0;
  private proxiedArrivals = 0;

  constructor(now: number) {
    this.integral = 0;
    this.proxiedIntegral = 0;
    this.lastChange = now;
    this.periodStart = now;
  }

  private advance(now: number): void {
    const dt = now - this.lastChange;
    if (dt > 0) {
      this.integral += this.current * dt;
      this.proxiedIntegral += this.proxiedCurrent * dt;
      this.lastChange = now;
    }
  }

  in(now: number, proxied: boolean): void {
    this.advance(now);
    this.current++;
    this.arrivals++;
    if (proxied) {
      this.proxiedCurrent++;
      this.proxiedArrivals++;
    }
  }

  out(now: number, proxied: boolean): void {
    this.advance(now);
    this.current--;
    if (proxied) this.proxiedCurrent--;
  }

  /**
   * Right after a cut, with nothing changed since: starts the current period at `t`, as cuts
   * at every step up to `t` would have done (they would only have moved its start).
   */
  restartAt(t: number): void {
    this.lastChange = t;
    this.periodStart = t;
  }

  /** Cuts the report for the period ending now into `into` and starts a new period. */
  cut(now: number, periodSeconds: number, into: MeterReport): MeterReport {
    this.advance(now);
    const span = now - this.periodStart;
    into.averageConcurrency = span > 0 ? this.integral / span : 0;
    into.averageProxiedConcurrency = span > 0 ? this.proxiedIntegral / span : 0;
    into.requestCount = this.arrivals / periodSeconds;
    into.proxiedRequestCount = this.proxiedArrivals / periodSeconds;
    this.integral = 0;
    this.proxiedIntegral = 0;
    this.arrivals = 0;
    this.proxiedArrivals = 0;
    this.periodStart = now;
    return into;
  }
}

export interface MeterReport {
  averageConcurrency: number;
  averageProxiedConcurrency: number;
  requestCount: number;
  proxiedRequestCount: number;
}

export function emptyReport(): MeterReport {
  // Built from NaN, then zeroed, so V8 stores the fields as doubles from the start: built from the
  // small integer 0, the first fractional average (a second into a run) would deprecate the
  // reports' shape and can deoptimise the request-path code that writes them.
  const r = { averageConcurrency: Number.NaN, averageProxiedConcurrency: Number.NaN, requestCount: Number.NaN, proxiedRequestCount: Number.NaN };
  r.averageConcurrency = 0;
  r.averageProxiedConcurrency = 0;
  r.requestCount = 0;
  r.proxiedRequestCount = 0;
  return r;
}
