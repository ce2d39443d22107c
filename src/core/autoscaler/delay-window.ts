import { requireFinite, requireInteger, requirePositive } from '../errors.js';

/**
 * Sliding maximum over a time window (upstream `max.TimeWindow`), used for
 * scale-down-delay: a decrease takes effect only once every higher value has been
 * out of the window for the whole delay. Slots are floor(t / granularity); two
 * records in one slot keep the larger.
 */
export class DelayWindow {
  private readonly size: number;
  private readonly granularity: number;
  // A monotonic deque of (slot index, value), values strictly decreasing front to back,
  // live from `first` on. It grows with what is recorded, not with the window: a window of
  // `size` slots holds at most `size` entries, but a ring of that size allocated up front
  // took a scale-down-delay of 1000000h (1.8e9 slots) past V8's heap limit.
  private readonly indices: number[] = [];
  private readonly values: number[] = [];
  private first = 0;

  constructor(durationSeconds: number, granularitySeconds: number) {
    requirePositive('durationSeconds', durationSeconds);
    requirePositive('granularitySeconds', granularitySeconds);
    this.size = Math.ceil(durationSeconds / granularitySeconds);
    this.granularity = granularitySeconds;
  }

  record(nowSeconds: number, value: number): void {
    requireFinite('nowSeconds', nowSeconds);
    requireInteger('value', value);
    const index = Math.floor(nowSeconds / this.granularity);
    let v = value;
    // Older entries that are not larger can never be the maximum again.
    while (this.values.length > this.first && v >= this.values[this.values.length - 1]!) this.pop();
    // Expire entries that have left the window.
    while (this.values.length > this.first && index - this.indices[this.first]! >= this.size) this.first++;
    if (this.values.length > this.first && this.indices[this.indices.length - 1] === index) {
      v = Math.max(v, this.values[this.values.length - 1]!);
      this.pop();
    }
    // Drop the expired prefix once it is most of the arrays, so they stay as long as the live entries (amortized O(1)).
    if (this.first > 64 && this.first * 2 > this.values.length) {
      this.indices.splice(0, this.first);
      this.values.splice(0, this.first);
      this.first = 0;
    }
    this.indices.push(index);
    this.values.push(v);
  }

  private pop(): void {
    this.indices.pop();
    this.values.pop();
  }

  /** The maximum over the window (0 before the first record). */
  current(): number {
    return this.values.length > this.first ? this.values[this.first]! : 0;
  }
}
