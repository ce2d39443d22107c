/** Values kept as they are before they are counted into chunks (see HdrCounts.few). */
const FEW = 32;

/**
 * HDR histogram counts (Gil Tene's bucket layout, lowest discernible value 1) kept sparse: the
 * count array is split into chunks of half a bucket, allocated when first touched. A latency
 * histogram touches a few chunks (values within a few powers of two), so it holds kilobytes
 * where a dense one up to a day holds 110 KB. Every percentile is the one hdr-histogram-js's
 * getValueAtPercentile gives for the same values and significant digits
 * (test/output/hdr-counts.test.ts checks both of its builds).
 */
export class HdrCounts {
  /** log2 of half a bucket's sub-buckets: 10 for 3 significant digits, 7 for 2. */
  private readonly halfMagnitude: number;
  private readonly halfCount: number;
  /** Chunk k holds counts array indexes [k·halfCount, (k+1)·halfCount); undefined until used. */
  private chunks: Array<Float64Array | undefined> = [];
  /** Each chunk's total, to skip whole chunks when walking to a rank. */
  private chunkTotals: number[] = [];
  /**
   * Until more than FEW values come (since the last reset), they are kept as they are, not
   * counted into chunks: a report bucket of a few requests then costs a sort of those values
   * at its percentiles, not a walk over the chunks and a reset that clears them. Plain
   * arrays: a typed array costs microseconds to allocate, and a run has a histogram per revision and kind.
   */
  private readonly fewValues: number[] = [];
  private readonly fewCounts: number[] = [];
  private few = 0;
  /** Values are in the chunks (there were more than FEW since the last reset). */
  private counted = false;
  totalCount = 0;

  constructor(significantDigits: number) {
    const largestWithUnitResolution = 2 * Math.floor(10 ** significantDigits);
    const subBucketCountMagnitude = Math.ceil(Math.log2(largestWithUnitResolution));
    this.halfMagnitude = Math.max(subBucketCountMagnitude, 1) - 1;
    this.halfCount = 2 ** this.halfMagnitude;
  }

  /** Adds `count` of the integer `value` (≥ 0). */
  record(value: number, count: number): void {
    if (!this.counted) {
      if (this.few < FEW) {
        this.fewValues[this.few] = value;
        this.fewCounts[this.few++] = count;
        this.totalCount += count;
        return;
      }
      this.countFew();
    }
    this.count(value, count);
    this.totalCount += count;
  }

  /** Moves the values kept as they are into the chunks, which hold every value from now until a reset. */
  private countFew(): void {
    for (let i = 0; i < this.few; i++) this.count(this.fewValues[i]!, this.fewCounts[i]!);
    this.few = 0;
    this.counted = true;
  }

  /** Adds `count` of `value` to its chunk (not to totalCount). */
  private count(value: number, count: number): void {
    const index = this.indexOf(value);
    const k = index >>> this.halfMagnitude;
    let chunk = this.chunks[k];
    if (chunk === undefined) chunk = this.allocate(k);
    chunk[index & (this.halfCount - 1)]! += count;
    this.chunkTotals[k]! += count;
  }

  /** Adds every count of `other` (same significant digits). */
  add(other: HdrCounts): void {
    if (!other.counted) {
      for (let i = 0; i < other.few; i++) this.record(other.fewValues[i]!, other.fewCounts[i]!);
      return;
    }
    if (!this.counted) this.countFew();
    for (let k = 0; k < other.chunks.length; k++) {
      const from = other.chunks[k];
      if (from === undefined) continue;
      const to = this.chunks[k] ?? this.allocate(k);
      for (let i = 0; i < from.length; i++) to[i]! += from[i]!;
      this.chunkTotals[k]! += other.chunkTotals[k]!;
    }
    this.totalCount += other.totalCount;
  }

  reset(): void {
    if (this.counted) {
      for (let k = 0; k < this.chunks.length; k++) {
        if (this.chunkTotals[k] === 0) continue;
        this.chunks[k]!.fill(0);
        this.chunkTotals[k] = 0;
      }
    }
    this.few = 0;
    this.counted = false;
    this.totalCount = 0;
  }

  /**
   * The values at `percentiles` (ascending, each in (0, 100]) in one walk over the counts:
   * each the highest value equivalent to the first recorded value at or above the
   * percentile's rank, as getValueAtPercentile gives it. Written into `out`; zeros when empty.
   */
  valuesAtPercentiles(percentiles: ArrayLike<number>, out: number[]): number[] {
    const n = percentiles.length;
    out.length = n;
    let j = 0;
    if (this.totalCount === 0) {
      for (; j < n; j++) out[j] = 0;
      return out;
    }
    if (!this.counted) return this.fewAtPercentiles(percentiles, out);
    let rank = this.countAtPercentile(percentiles[0]!);
    let cumulative = 0;
    for (let k = 0; k < this.chunks.length && j < n; k++) {
      const chunk = this.chunks[k];
      if (chunk === undefined || cumulative + this.chunkTotals[k]! < rank) {
        cumulative += this.chunkTotals[k] ?? 0;
        continue;
      }
      const base = k * this.halfCount;
      for (let i = 0; i < chunk.length && j < n; i++) {
        const c = chunk[i]!;
        if (c === 0) continue;
        cumulative += c;
        if (cumulative < rank) continue;
        const value = this.highestEquivalentValue(base + i);
        // Every percentile whose rank this count reaches has this value.
        while (j < n && cumulative >= rank) {
          out[j++] = value;
          if (j < n) rank = this.countAtPercentile(percentiles[j]!);
        }
      }
    }
    // Unreachable while counts add up to totalCount; hdr returns 0 there too.
    for (; j < n; j++) out[j] = 0;
    return out;
  }

  /**
   * valuesAtPercentiles over the values kept as they are, sorted: the same values, since a
   * value's counts index grows with the value, so the walk meets them in the same order.
   */
  private fewAtPercentiles(percentiles: ArrayLike<number>, out: number[]): number[] {
    const values = this.fewValues;
    const counts = this.fewCounts;
    const n = this.few;
    // Insertion sort: at most FEW values, often already in order.
    for (let i = 1; i < n; i++) {
      const v = values[i]!;
      const c = counts[i]!;
      let j = i - 1;
      for (; j >= 0 && values[j]! > v; j--) {
        values[j + 1] = values[j]!;
        counts[j + 1] = counts[j]!;
      }
      values[j + 1] = v;
      counts[j + 1] = c;
    }
    let j = 0;
    let rank = this.countAtPercentile(percentiles[0]!);
    let cumulative = 0;
    for (let i = 0; i < n && j < percentiles.length; i++) {
      cumulative += counts[i]!;
      if (cumulative < rank) continue;
      const value = this.highestEquivalentValue(this.indexOf(values[i]!));
      while (j < percentiles.length && cumulative >= rank) {
        out[j++] = value;
        if (j < percentiles.length) rank = this.countAtPercentile(percentiles[j]!);
      }
    }
    for (; j < percentiles.length; j++) out[j] = 0;
    return out;
  }

  /** The rank of a percentile as hdr computes it: rounded up, less one ulp of floating-point slack, at least 1. */
  private countAtPercentile(percentile: number): number {
    const fp = (Math.min(percentile, 100) / 100) * this.totalCount;
    const ulp = 2 ** (Math.floor(Math.log2(fp)) - 52);
    return Math.max(Math.ceil(fp - ulp), 1);
  }

  /** The counts array index of an integer value (HDR's layout: bucket 0 whole, then the top half of each bucket). */
  private indexOf(value: number): number {
    if (value < 0x80000000) {
      // Below 2^31 µs (36 min), as int32 arithmetic: shifts, not a power and a division.
      const bucket = Math.max(31 - Math.clz32(value) - this.halfMagnitude, 0);
      return ((bucket + 1) << this.halfMagnitude) + (value >>> bucket) - this.halfCount;
    }
    const bucket = Math.max(floorLog2(value) - this.halfMagnitude, 0);
    const subBucket = Math.floor(value / 2 ** bucket);
    return ((bucket + 1) << this.halfMagnitude) + subBucket - this.halfCount;
  }

  /** The largest value counted at `index`. */
  private highestEquivalentValue(index: number): number {
    let bucket = (index >>> this.halfMagnitude) - 1;
    let subBucket = (index & (this.halfCount - 1)) + this.halfCount;
    if (bucket < 0) {
      subBucket -= this.halfCount;
      bucket = 0;
    }
    const size = 2 ** bucket;
    return subBucket * size + size - 1;
  }

  private allocate(k: number): Float64Array {
    while (this.chunks.length <= k) {
      this.chunks.push(undefined);
      this.chunkTotals.push(0);
    }
    const chunk = new Float64Array(this.halfCount);
    this.chunks[k] = chunk;
    return chunk;
  }
}

/** ⌊log2 v⌋ of a positive integer below 2^53, exactly (Math.log2 can round up just below a power of two); -1 for 0. */
function floorLog2(v: number): number {
  if (v < 4294967296) return 31 - Math.clz32(v);
  return 32 + 31 - Math.clz32(Math.floor(v / 4294967296));
}
