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
  // A monotonic deque of (slot index, value), values strictly decreasing front to back.
  private readonly indices: number[];
  private readonly values: number[];
  private first = 0;
  private length = 0;

  constructor(durationSeconds: number, granularitySeconds: number) {
    requirePositive('durationSeconds', durationSeconds);
    requirePositive('granularitySeconds', granularitySeconds);
    this.size = Math.ceil(durationSeconds / granularitySeconds);
    this.granularity = granularitySeconds;
    this.indices = new Array<number>(this.size).fill(0);
    this.values = new Array<number>(this.size).fill(0);
  }

  private at(i: number): number {
    return i % this.size;
  }

  record(nowSeconds: number, value: number): void {
    requireFinite('nowSeconds', nowSeconds);
    requireInteger('value', value);
    const index = Math.floor(nowSeconds / this.granularity);
    let v = value;
    // Older entries that are not larger can never be the maximum again.
    while (this.length > 0 && v >= this.values[this.at(this.first + this.length - 1)]!) this.length--;
    // Expire entries that have left the window.
    while (this.length > 0 && index - this.indices[this.first]! >= this.size) {
      this.length--;
      this.first = this.at(this.first + 1);
    }
    if (this.length > 0) {
      const last = this.at(this.first + this.length - 1);
      if (this.indices[last] === index) {
        v = Math.max(v, this.values[last]!);
        this.length--;
      }
    }
    const slot = this.at(this.first + this.length);
    this.indices[slot] = index;
    this.values[slot] = v;
    this.length++;
  }

  /** The maximum over the window (0 before the first record). */
  current(): number {
    return this.length > 0 ? this.values[this.first]! : 0;
  }
}
