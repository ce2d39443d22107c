import { InvalidArgumentError, requireFinite, requireNonNegative, requirePositive, requireOneOf } from '../errors.js';
import { PairedWindowAverage, WeightedPairedWindowAverage, type WindowChannel } from './paired-window-average.js';
import type { PodResourceSample } from '../hpa/pod-sample.js';
import type { ScalingMetric } from './types.js';

/** Thrown by a metric source that has had nothing recorded for a whole stable window (upstream ErrNoData). */
export class NoDataError extends Error {
  override readonly name = 'NoDataError';
  constructor(message = 'no data to scale on in the stable window') {
    super(message);
  }
}

/** What the decider reads; throws (e.g. {@link NoDataError}) when it has nothing. */
export interface MetricSource {
  stableAndPanicConcurrency(nowSeconds: number): { stable: number; panic: number };
  stableAndPanicRPS(nowSeconds: number): { stable: number; panic: number };
  /**
   * False when reading `metric` at `nowSeconds` would throw {@link NoDataError}: a source that
   * knows asks the decider to skip the throw, which costs far more than the evaluation (a
   * stack trace per tick of every revision at zero).
   */
  hasData?(nowSeconds: number, metric: ScalingMetric): boolean;
}

/**
 * One stat as the autoscaler receives it: a queue-proxy scrape (already scaled to the
 * revision total) or an activator push. Proxied parts are requests that came through
 * the activator, which reports them itself, so they are subtracted.
 */
export interface PodStat {
  timeSeconds: number;
  averageConcurrentRequests: number;
  averageProxiedConcurrentRequests?: number;
  requestCount: number;
  proxiedRequestCount?: number;
  /**
   * The revision's pods with their requests and metrics-server CPU/memory usage, for
   * classes that scale on resources (the HPA class). The KPA ignores it.
   */
  pods?: readonly PodResourceSample[];
}

export type AggregationAlgorithm = 'linear' | 'weighted-exponential';
export const AGGREGATION_ALGORITHMS: readonly AggregationAlgorithm[] = ['linear', 'weighted-exponential'];

export interface MetricCollectionOptions {
  stableWindowSeconds: number;
  panicWindowSeconds: number;
  /** False when the Metric has no scrape target (TBC = −1): empty windows then read 0 instead of NoDataError. */
  scrapeTarget?: boolean;
  /** `autoscaling.knative.dev/metric-aggregation-algorithm`; linear by default. */
  aggregationAlgorithm?: AggregationAlgorithm;
}

function nonNegative(v: number): boolean {
  return Number.isFinite(v) && v >= 0;
}

/** Throws the error naming the first bad field of a stat that failed {@link MetricCollection.record}'s test. */
function rejectStat(stat: PodStat): never {
  requireFinite('stat.timeSeconds', stat.timeSeconds);
  requireNonNegative('stat.averageConcurrentRequests', stat.averageConcurrentRequests);
  requireNonNegative('stat.averageProxiedConcurrentRequests', stat.averageProxiedConcurrentRequests ?? 0);
  requireNonNegative('stat.requestCount', stat.requestCount);
  requireNonNegative('stat.proxiedRequestCount', stat.proxiedRequestCount ?? 0);
  throw new InvalidArgumentError('stat', 'must have finite fields, all but timeSeconds ≥ 0');
}

/** The channels of a collection's windows. */
const CONCURRENCY: WindowChannel = 0;
const RPS: WindowChannel = 1;

/**
 * One revision's metric (upstream collector `collection`): stable and panic windows of
 * concurrency and of RPS, fed by every stat. Stats landing in the same 1 s bucket add up,
 * which is how scraped pods and each activator sum to the revision total. Concurrency
 * and RPS share each window's ring (they are always written together).
 */
export class MetricCollection implements MetricSource {
  private scrapeTarget: boolean;
  private readonly stable: PairedWindowAverage;
  private readonly panic: PairedWindowAverage;

  constructor(opts: MetricCollectionOptions) {
    requirePositive('stableWindowSeconds', opts.stableWindowSeconds);
    requirePositive('panicWindowSeconds', opts.panicWindowSeconds);
    const algorithm = requireOneOf('aggregationAlgorithm', opts.aggregationAlgorithm ?? 'linear', AGGREGATION_ALGORITHMS);
    const make = (w: number): PairedWindowAverage =>
      algorithm === 'weighted-exponential' ? new WeightedPairedWindowAverage(w) : new PairedWindowAverage(w);
    this.scrapeTarget = opts.scrapeTarget ?? true;
    this.stable = make(opts.stableWindowSeconds);
    this.panic = make(opts.panicWindowSeconds);
  }

  /**
   * The Metric's spec changed (upstream collection.updateMetric): the windows are resized
   * at `nowSeconds`, keeping their newest data, and the scrape target follows the spec.
   * The averaging algorithm stays as created.
   */
  update(opts: Omit<MetricCollectionOptions, 'aggregationAlgorithm'>, nowSeconds: number): void {
    requirePositive('stableWindowSeconds', opts.stableWindowSeconds);
    requirePositive('panicWindowSeconds', opts.panicWindowSeconds);
    this.stable.resize(opts.stableWindowSeconds, nowSeconds);
    this.panic.resize(opts.panicWindowSeconds, nowSeconds);
    this.scrapeTarget = opts.scrapeTarget ?? true;
  }

  record(stat: PodStat): void {
    const t = stat.timeSeconds;
    const c = stat.averageConcurrentRequests;
    const pc = stat.averageProxiedConcurrentRequests ?? 0;
    const n = stat.requestCount;
    const pn = stat.proxiedRequestCount ?? 0;
    // One test for the whole stat on the way in (a scrape and a push every second); the
    // field-by-field checks, which name the bad field, run only when it fails.
    if (!(Number.isFinite(t) && nonNegative(c) && nonNegative(pc) && nonNegative(n) && nonNegative(pn))) rejectStat(stat);
    // Differences of finite numbers ≥ 0 are finite: the windows need not check them again.
    const concurrency = c - pc;
    const rps = n - pn;
    this.stable.add(t, concurrency, rps);
    this.panic.add(t, concurrency, rps);
  }

  stableAndPanicConcurrency(nowSeconds: number): { stable: number; panic: number } {
    return this.read(CONCURRENCY, nowSeconds);
  }

  stableAndPanicRPS(nowSeconds: number): { stable: number; panic: number } {
    return this.read(RPS, nowSeconds);
  }

  /** Either metric: both are written at the same instants, so one is empty when the other is. */
  hasData(nowSeconds: number, _metric: ScalingMetric): boolean {
    requireFinite('nowSeconds', nowSeconds);
    return !this.noData(nowSeconds);
  }

  private read(channel: WindowChannel, now: number): { stable: number; panic: number } {
    requireFinite('nowSeconds', now);
    if (this.noData(now)) throw new NoDataError();
    return { stable: this.stable.average(now, channel), panic: this.panic.average(now, channel) };
  }

  private noData(now: number): boolean {
    // Without a scrape target (TBC = −1) silence is real zero load, not missing data.
    return this.scrapeTarget && this.stable.isEmpty(now);
  }
}
