import { describe, expect, it } from 'vitest';
import {
  WeightedWindowAverage,
  WindowAverage,
  roundTo6Digits,
  smoothingCoefficient,
} from '../../../src/core/autoscaler/window-average.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';

// Any origin works; a large one checks that indices are not assumed to start at 0.
const T0 = 1_700_000_000;

describe('WindowAverage (linear)', () => {
  it('averages a partial window over the buckets written so far, not the whole window', () => {
    const w = new WindowAverage(5);
    w.record(T0, 1);
    expect(w.average(T0)).toBe(1); // not 1/5
    for (let i = 1; i < 5; i++) w.record(T0 + i, i + 1);
    expect(w.average(T0 + 4)).toBe(3); // 15 / 5
  });

  it.each([
    // [read offset, expected average] after writes 1..5 at T0..T0+4 in a 5 s window
    ['a read lagging behind the last write', 3.6, 3],
    ['a short hole drops stale ring slots', 6, (15 - 1 - 2) / 3],
    ['exactly one window after the last write reads 0', 9, 0],
    ['a long hole reads 0', 10, 0],
  ])('%s', (_label, offset, want) => {
    const w = new WindowAverage(5);
    for (let i = 0; i < 5; i++) w.record(T0 + i, i + 1);
    expect(w.average(T0 + offset)).toBeCloseTo(want, 12);
  });

  it('counts gaps as zeros after a write with holes, and resets after a window of silence', () => {
    const w = new WindowAverage(5);
    for (let i = 0; i < 5; i++) w.record(T0 + i, i + 1);
    w.record(T0 + 6, 91);
    expect(w.average(T0 + 6)).toBe((15 - 1 - 2 + 91) / 5);
    w.record(T0 + 66, 1984); // a minute later: full reset
    expect(w.average(T0 + 66)).toBe(1984);
    w.record(T0 + 63, 4); // out of order but inside the window: extends the first write back
    expect(w.average(T0 + 66)).toBe((4 + 1984) / 4);
    w.record(T0 + 50, 1000); // a whole window older than the newest write: ignored
    expect(w.average(T0 + 66)).toBe((4 + 1984) / 4);
  });

  it('sums values written in the same bucket (scrape + activator stats)', () => {
    const w = new WindowAverage(120);
    w.record(T0, 1); // activator poke
    w.record(T0 + 0.1, 10); // scrape in the same second
    w.record(T0 + 1, 1);
    w.record(T0 + 3, 1);
    expect(w.average(T0 + 3)).toBe(13 / 4);
  });

  it('sums many records per bucket in and out of order to the same total', () => {
    const inOrder = new WindowAverage(60);
    const shuffled = new WindowAverage(60);
    const order = [0, 3, 2, 1, 4];
    for (let p = 0; p < 5; p++) for (let t = 0; t < 5; t++) inOrder.record(T0 + p, p + t);
    for (let p = 0; p < 5; p++) for (let t = 0; t < 5; t++) shuffled.record(T0 + order[p]!, p + t);
    expect(inOrder.average(T0 + 4)).toBe(100 / 5);
    expect(shuffled.average(T0 + 4)).toBe(100 / 5);
  });

  it('uses 5 s buckets with granularity 5', () => {
    const w = new WindowAverage(120, 5);
    w.record(T0, 1);
    w.record(T0 + 3, 11);
    w.record(T0 + 6, 1);
    expect(w.average(T0 + 6)).toBe(13 / 2);
  });

  it('rounds to 6 digits half away from zero, so float residue reads as 0', () => {
    const w = new WindowAverage(60);
    w.record(T0, 0.1);
    w.record(T0, 0.2);
    w.record(T0, -0.3); // 0.1 + 0.2 - 0.3 = 5.55e-17
    expect(w.average(T0)).toBe(0);
    expect(Object.is(w.average(T0), -0)).toBe(false);
    expect(roundTo6Digits(0.0000005)).toBe(0.000001);
    expect(roundTo6Digits(-0.0000005)).toBe(-0.000001);
    expect(roundTo6Digits(1 / 3)).toBe(0.333333);
  });

  it('is empty only strictly more than a window after the last write', () => {
    const w = new WindowAverage(60);
    expect(w.isEmpty(T0)).toBe(true);
    expect(w.average(T0)).toBe(0);
    w.record(T0, 3);
    expect(w.isEmpty(T0 + 60)).toBe(false);
    expect(w.average(T0 + 60)).toBe(0);
    expect(w.isEmpty(T0 + 61)).toBe(true);
  });

  it('stays exactly 0 only once the last non-zero bucket left the window', () => {
    const w = new WindowAverage(60);
    w.record(T0, 6);
    for (let t = 1; t < 60; t++) w.record(T0 + t, 0);
    expect(w.average(T0 + 59)).toBe(0.1);
    w.record(T0 + 60, 0);
    expect(w.average(T0 + 60)).toBe(0);
  });

  it('works with negative times (floor, not truncation)', () => {
    const w = new WindowAverage(5);
    w.record(-1.5, 4); // bucket -2
    w.record(-0.5, 2); // bucket -1
    expect(w.average(-0.2)).toBe(3);
  });

  it('keeps late writes and cleared slots right where the ring wraps', () => {
    // 3 buckets; buckets -2..1 wrap the ring once, and a late write lands behind the newest.
    const w = new WindowAverage(3);
    [1, 2, 4, 8].forEach((v, i) => w.record(i - 2, v)); // bucket -2 is cleared by bucket 1
    w.record(-0.5, 16); // bucket -1, still inside the window
    expect(w.average(1)).toBe((18 + 4 + 8) / 3);
    w.record(2, 0); // clears bucket -1 (18)
    expect(w.average(2)).toBe((4 + 8) / 3);
    expect(w.average(3.5)).toBe(8 / 2); // bucket 0 left the window; two live buckets remain
  });

  it('records written newest first keep every bucket still inside the window (upstream TestDescendingRecord)', () => {
    // 5 at t = 8, 7, …, 0: the first sets the newest bucket at 8, later ones extend the live
    // span back to 4; t ≤ 3 is a whole window older than 8 and dropped.
    const w = new WindowAverage(5);
    for (let t = 8; t >= 0; t--) w.record(T0 + t, 5);
    expect(w.average(T0 + 5)).toBe(5);
  });

  it('a write after a hole clears the buckets it skipped (upstream TestTimedFloat64BucketsHoles)', () => {
    const w = new WindowAverage(5);
    for (let i = 0; i < 5; i++) w.record(T0 + i, i + 1);
    expect(w.average(T0 + 4)).toBe(3);
    // Buckets 5 … 8 reuse the slots of 0 … 3 and are cleared: 5 (bucket 4) and the new 2 remain.
    w.record(T0 + 8, 2);
    expect(w.average(T0 + 8)).toBe((5 + 2) / 5);
  });

  it('follows upstream TestTimedFloat64BucketsWindowAverage step by step', () => {
    const w = new WindowAverage(5);
    w.record(T0, 1);
    expect(w.average(T0)).toBe(1);
    for (let i = 1; i < 5; i++) w.record(T0 + i, i + 1);
    const reads: Array<[number, number]> = [
      [4, 15 / 5],
      [3.6, 15 / 5],
      [6, (15 - 1 - 2) / (5 - 2)],
      [10, 0],
    ];
    for (const [at, want] of reads) expect(w.average(T0 + at), `read at +${at}`).toBe(want);
    w.record(T0 + 6, 91);
    expect(w.average(T0 + 6)).toBe((15 - 1 - 2 + 91) / 5);
    const m = T0 + 66;
    const steps: Array<[number, number, number, number]> = [
      // [record at, value, read at, want]
      [m, 1984, m, 1984],
      [m - 3, 4, m, (4 + 1984) / 4],
      [m + 1, 5, m + 1, (4 + 1984 + 5) / 5],
      [m - 2, 10, m + 1, (4 + 10 + 1984 + 5) / 5],
      [m - 5, 10, m + 1, (4 + 10 + 1984 + 5) / 5], // a whole window before the newest: ignored
      [m - 4, 10, m + 1, (4 + 10 + 1984 + 5) / 5], // exactly a window before: ignored too
      [m + 6, 10, m + 6, 10], // a whole window of silence: starts over
    ];
    for (const [at, v, read, want] of steps) {
      w.record(at, v);
      expect(w.average(read), `record ${v} at +${at - T0}`).toBe(want);
    }
  });

  it('rounds like upstream roundToNDigits(6, …): residue of either sign reads as exactly 0', () => {
    expect(roundTo6Digits(3.6e-17)).toBe(0);
    expect(Object.is(roundTo6Digits(-3.6e-17), 0)).toBe(true);
    expect(roundTo6Digits(1.2345675)).toBe(1.234568);
    expect(roundTo6Digits(0.0000004)).toBe(0);
  });

  it.each([
    ['NaN window', () => new WindowAverage(Number.NaN)],
    ['zero window', () => new WindowAverage(0)],
    ['negative granularity', () => new WindowAverage(60, -1)],
    ['NaN value', () => new WindowAverage(60).record(T0, Number.NaN)],
    ['NaN read time', () => new WindowAverage(60).average(Number.NaN)],
  ])('rejects %s', (_label, f) => {
    expect(f).toThrow(InvalidArgumentError);
  });
});

/**
 * The linear window's rules on a plain map of bucket sums, without the ring, the running
 * total or the fast paths: the same records must read the same at every step.
 */
class ReferenceWindow {
  private readonly sums = new Map<number, number>();
  private first = 0;
  private last = Number.NEGATIVE_INFINITY;
  private readonly n: number;
  constructor(
    private readonly window: number,
    private readonly g: number,
  ) {
    this.n = Math.ceil(window / g);
  }
  record(t: number, v: number): void {
    const b = Math.floor(t / this.g);
    if (this.last !== Number.NEGATIVE_INFINITY && b * this.g + this.window <= this.last * this.g) return;
    if (this.last === Number.NEGATIVE_INFINITY || this.first > b) this.first = b;
    if (b > this.last) {
      if ((b - this.last) * this.g >= this.window) {
        this.sums.clear();
        this.first = b;
      }
      this.last = b;
    }
    this.sums.set(b, (this.sums.get(b) ?? 0) + v);
  }
  average(now: number): number {
    const nowB = Math.floor(now / this.g);
    const d = nowB - this.last;
    if (d * this.g >= this.window && d > 0) return 0;
    let sum = 0;
    // Buckets inside the window ending at max(now, last).
    const end = Math.max(nowB, this.last);
    for (const [b, v] of this.sums) if (b > end - this.n && b <= this.last) sum += v;
    const live = this.last - this.first + 1;
    return roundTo6Digits(sum / Math.min(live, d <= 0 ? this.n : this.n - d));
  }
}

describe('WindowAverage against a plain reference of its rules', () => {
  // A deterministic generator of steps: mostly the same or the next bucket (scrapes and
  // pushes), sometimes a gap, a late write or a long silence. Values are quarters, so
  // every sum is exact and both sides round the same.
  function* steps(seed: number, count: number): Generator<[number, number]> {
    let x = seed;
    const next = (): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x / 4294967296;
    };
    let t = T0;
    for (let i = 0; i < count; i++) {
      const r = next();
      if (r < 0.35) t += 0.25;
      else if (r < 0.75) t += 1;
      else if (r < 0.85) t += 2 + Math.floor(next() * 8);
      else if (r < 0.9) t += 30 + Math.floor(next() * 100);
      else if (r < 0.97) t -= Math.floor(next() * 8);
      yield [t, Math.floor(next() * 40) / 4];
    }
  }

  it.each([
    [1, 1],
    [2, 1],
    [6, 1],
    [60, 1],
    [5, 2],
    [60, 5],
  ])('a %s s window of %s s buckets reads as the reference after every record', (window, g) => {
    for (const seed of [1, 2, 3]) {
      const w = new WindowAverage(window, g);
      const ref = new ReferenceWindow(window, g);
      let k = 0;
      let mismatch: string | undefined;
      for (const [t, v] of steps(seed * 7919 + window, 2000)) {
        w.record(t, v);
        ref.record(t, v);
        for (const ahead of [0, 0.5, 1, 3, window - 1, window, window + 1]) {
          const got = w.average(t + ahead);
          const want = ref.average(t + ahead);
          if (got !== want) mismatch ??= `seed ${seed}, record ${k} (t ${t}), read ${ahead} s later: ${got}, reference ${want}`;
        }
        k++;
      }
      expect(mismatch).toBeUndefined();
      expect(k).toBe(2000);
    }
  });
});

describe('WeightedWindowAverage', () => {
  it.each([
    [100, 0.2],
    [60, 0.2],
    [40, 0.20567],
    [6, 0.78456],
  ])('smoothing coefficient for %i buckets is %f', (n, want) => {
    expect(smoothingCoefficient(n)).toBeCloseTo(want, 4);
  });

  it('weights the newest bucket by α and older ones by powers of (1 − α), unnormalised', () => {
    const w = new WeightedWindowAverage(5);
    const a = w.smoothing;
    w.record(T0, 2);
    expect(w.average(T0)).toBeCloseTo(2 * a, 12);
    expect(w.average(T0 + 1)).toBeCloseTo(2 * a * (1 - a), 12);
    w.record(T0 + 1, 2);
    expect(w.average(T0 + 1)).toBeCloseTo(2 * a * (1 - a) + 2 * a, 12);
    for (let i = 0; i < 5; i++) w.record(T0 + 2 + i, i + 2);
    const m = 1 - a;
    expect(w.average(T0 + 6)).toBeCloseTo(a * (6 + 5 * m + 4 * m ** 2 + 3 * m ** 3 + 2 * m ** 4), 12);
    expect(w.average(T0 + 16)).toBe(0);
  });

  it('reads back across the ring seam and after a resize', () => {
    const w = new WeightedWindowAverage(3);
    const a = w.smoothing;
    const m = 1 - a;
    for (let i = 0; i < 5; i++) w.record(T0 + i, i + 1); // buckets 2..4 hold 3, 4, 5
    expect(w.average(T0 + 4)).toBeCloseTo(a * (5 + 4 * m + 3 * m ** 2), 12);
    expect(w.average(T0 + 5)).toBeCloseTo(a * m * (5 + 4 * m), 12);
    w.resize(5, T0 + 4); // keeps 3, 4, 5 as the newest of five buckets
    const b = w.smoothing;
    w.record(T0 + 5, 6);
    expect(w.average(T0 + 5)).toBeCloseTo(b * (6 + 5 * (1 - b) + 4 * (1 - b) ** 2 + 3 * (1 - b) ** 3), 12);
  });
});
