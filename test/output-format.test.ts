import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvWriter, cell, ms, num, sec } from '../src/output/csv-writer.js';
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

describe('CsvWriter rows written field by field', () => {
  it('are byte for byte the rows line() writes from sec(), ms(), cell() and String(), over 20 000 values and the edge cases', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-csv-'));
    try {
      const byField = new CsvWriter(join(dir, 'a.csv'), ['n', 'name', 's', 'ms']);
      const byLine = new CsvWriter(join(dir, 'b.csv'), ['n', 'name', 's', 'ms']);
      const r = new RandomStream(2, 'fmt');
      const edge = [0, -0, 1e-7, 0.0000005, 0.9999995, 12.0000004, 86399.999999, -1.25, Number.NaN, Number.POSITIVE_INFINITY, 1e15, 9007199254.740993, 1e21, 123456789.123456];
      const names = ['hello-00001', 'a,b', 'say "hi"', 'grüße-00001', '日本', ''];
      for (let i = 0; i < 20_000 + edge.length; i++) {
        const v = i < edge.length ? edge[i]! : i % 3 === 0 ? r.next() * 86_400 : r.exponential(0.2);
        const n = i < edge.length ? [0, 7, -1, 200, 1.5, 2 ** 53, 1e21][i % 7]! : r.int(1e9);
        const name = names[i % names.length]!;
        byField.reserve(3 * cell(name).length + 300);
        byField.number(n);
        byField.comma();
        byField.text(cell(name));
        byField.comma();
        byField.sec(v);
        byField.comma();
        byField.ms(v);
        byField.endRow();
        byLine.line(`${n},${cell(name)},${sec(v)},${ms(v)}`);
      }
      byField.close();
      byLine.close();
      const a = readFileSync(join(dir, 'a.csv'));
      expect(a.length).toBeGreaterThan(20_000 * 20);
      expect(a.equals(readFileSync(join(dir, 'b.csv')))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
