import { describe, expect, it } from 'vitest';
import { cell, ms, num, sec } from '../src/output/csv-writer.js';
import { RandomStream } from '../src/engine/random.js';

describe('CSV number formatting', () => {
  it.each([
    [0, '0.000000'],
    [1.5, '1.500000'],
    [12.0000004, '12.000000'],
    [12.0000006, '12.000001'],
    [86399.999999, '86399.999999'],
    [Number.NaN, ''],
  ])('sec(%f) = %s', (v, want) => {
    expect(sec(v)).toBe(want);
  });

  it('is within half a unit of the last digit, with exactly 6 (s) or 3 (ms) decimals, on 20 000 random values', () => {
    const r = new RandomStream(1, 'fmt');
    for (let i = 0; i < 20_000; i++) {
      const t = r.next() * 86_400;
      const s = sec(t);
      expect(s).toMatch(/^\d+\.\d{6}$/);
      expect(Math.abs(Number(s) - t)).toBeLessThanOrEqual(5e-7 + 1e-9);
      const d = r.exponential(0.2);
      const m = ms(d);
      expect(m).toMatch(/^\d+\.\d{3}$/);
      expect(Math.abs(Number(m) - d * 1000)).toBeLessThanOrEqual(5e-4 + 1e-9);
    }
  });

  it('quotes free text only when needed, and trims measured values to 6 decimals', () => {
    expect(cell('load')).toBe('load');
    expect(cell('a,b')).toBe('"a,b"');
    expect(cell('say "hi"')).toBe('"say ""hi"""');
    expect(num(1 / 3)).toBe('0.333333');
    expect(num(Number.NaN)).toBe('');
  });
});
