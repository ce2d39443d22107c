import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RandomStream } from '../../src/engine/random.js';
import { CsvWriter, ms, num, sec } from '../../src/output/csv-writer.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'knsim-csv-bytes-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes rows with `write` and returns the file's text after the header. */
function written(write: (w: CsvWriter) => void): string {
  const path = join(dir, `${Math.random()}.csv`);
  const w = new CsvWriter(path, ['x']);
  write(w);
  w.close();
  return readFileSync(path, 'utf8').slice('x\n'.length);
}

describe('CsvWriter.measure', () => {
  const edge = [0, -0, 1e-7, -1e-7, 4e-7, 5e-7, -5e-7, 6e-7, 1e-6, -1e-6, 0.1, 0.3, 1 / 3, -2 / 3, 0.0000015, 0.9999995, 12.0000004, 100, 1e6, 123456789.123456, 999999999.999999, 1e9, -1e9, 1e12, 9007199254.740993, 1e21, 1.7976931348623157e308, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

  it.each(edge.map((v) => [String(v), v]))('writes num(%s)', (_name, v) => {
    expect(written((w) => {
      w.reserve(64);
      w.measure(v);
      w.endRow();
    })).toBe(`${num(v)}\n`);
  });

  it('writes a value too large to round to micro-units as String() does, never "Infinity" (a target of 1e306)', () => {
    expect([1e306, -1e306, 1.7976931348623157e308, 2.6e302].map(num)).toEqual(['1e+306', '-1e+306', '1.7976931348623157e+308', '2.6e+302']);
    expect(num(1.5e302)).toBe(String(Math.round(1.5e302 * 1e6) / 1e6));
  });

  it('writes num(v) byte for byte on 60 000 random values of every magnitude and sign', () => {
    const r = new RandomStream(9, 'measure');
    const values: number[] = [];
    for (let i = 0; i < 60_000; i++) {
      const magnitude = 10 ** r.uniform(-8, 11);
      const v = (r.next() < 0.2 ? -1 : 1) * (i % 4 === 0 ? Math.round(magnitude) : i % 4 === 1 ? Math.round(magnitude * 1e3) / 1e3 : magnitude);
      values.push(v);
    }
    const text = written((w) => {
      for (const v of values) {
        w.reserve(64);
        w.measure(v);
        w.endRow();
      }
    });
    expect(text).toBe(values.map((v) => `${num(v)}\n`).join(''));
  });

  it('writes String(k / 1000) and String(i / 200) (latency-cdf.csv cells) for whole µs up to a day and every CDF fraction', () => {
    const r = new RandomStream(10, 'measure-ms');
    const values = [...Array.from({ length: 20_000 }, () => 1 + r.int(86_400_000_000)).map((us) => us / 1000), ...Array.from({ length: 200 }, (_, i) => (100 * (i + 1)) / 200 / 100)];
    const text = written((w) => {
      for (const v of values) {
        w.reserve(64);
        w.measure(v);
        w.endRow();
      }
    });
    expect(text).toBe(values.map((v) => `${String(v)}\n`).join(''));
  });
});

describe('CsvWriter.copyOf, again and bytes', () => {
  it('copies the cells written since a mark, and writes them again as they were', () => {
    let kept = new Uint8Array(0);
    const text = written((w) => {
      w.reserve(100);
      w.number(7);
      const mark = w.mark();
      w.comma();
      w.text('grüße-00001');
      w.comma();
      w.measure(0.125);
      kept = w.copyOf(mark, w.mark());
      w.endRow();
      w.reserve(100);
      w.number(8);
      w.bytes(kept);
      w.endRow();
    });
    expect(kept.length).toBe(',grüße-00001,0.125'.length + 2);
    expect(text).toBe('7,grüße-00001,0.125\n8,grüße-00001,0.125\n');
  });

  it('copies arrays of every length, short ones by loop and long ones by set()', () => {
    const cells = Array.from({ length: 20 }, (_, n) => 'abcdefghijklmnopqrst'.slice(0, n));
    const text = written((w) => {
      for (const c of cells) {
        w.reserve(100);
        w.bytes(new TextEncoder().encode(c));
        w.comma();
        // A view into a larger array copies only its own bytes.
        w.bytes(new TextEncoder().encode(`<${c}>`).subarray(1, c.length + 1));
        w.endRow();
      }
    });
    expect(text).toBe(cells.map((c) => `${c},${c}\n`).join(''));
  });

  it('writes again the bytes between two marks of the row', () => {
    const text = written((w) => {
      w.reserve(100);
      const from = w.mark();
      w.ms(1.5);
      const to = w.mark();
      w.comma();
      w.again(from, to);
      w.endRow();
    });
    expect(text).toBe('1500.000,1500.000\n');
  });

  it('writes again bytes of earlier rows while the generation holds', () => {
    const cells = ['a', 'abcdefghijklmno', 'abcdefghijklmnop', 'abcdefghijklmnopqrstuvwxyz0123456789'];
    const text = written((w) => {
      const marks: Array<[number, number]> = [];
      for (const c of cells) {
        w.reserve(100);
        const from = w.mark();
        w.text(c);
        marks.push([from, w.mark()]);
        w.endRow();
      }
      const generation = w.generation;
      for (const [from, to] of marks.reverse()) {
        w.reserve(100);
        w.again(from, to);
        w.endRow();
      }
      expect(w.generation).toBe(generation);
    });
    expect(text).toBe([...cells, ...[...cells].reverse()].map((c) => `${c}\n`).join(''));
  });

  it('changes generation at each flush and at a new buffer, not otherwise', () => {
    written((w) => {
      const g0 = w.generation;
      w.reserve(100);
      w.text('x');
      w.endRow();
      expect(w.generation).toBe(g0);
      w.flush();
      expect(w.generation).toBe(g0 + 1);
      // Nothing buffered: nothing is lost, the generation holds.
      w.flush();
      expect(w.generation).toBe(g0 + 1);
      // A row larger than the buffer: a new buffer.
      w.reserve(1 << 20);
      expect(w.generation).toBe(g0 + 2);
      // Filling the buffer flushes it.
      for (let i = 0; i < 300_000; i++) {
        w.reserve(10);
        w.text('abcdefgh');
        w.endRow();
      }
      expect(w.generation).toBeGreaterThan(g0 + 2);
    });
  });
});

describe('CsvWriter.number and flag', () => {
  const values = [
    0, -0, 1, 7, 9, 10, 99, 100, 9.5, 0.25, -1, -9, -10, -12, -999, -1000, -210, 2147483647, 2147483648, -2147483647, -2147483648, -2147483649,
    12345678901, -12345678901, 2 ** 53 - 1, 2 ** 53, -(2 ** 53 - 1), -(2 ** 53), 1e21, -1e21, -9.5, -0.25, -1e-7, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY,
  ];

  it.each(values.map((v) => [String(v), v]))('writes %s as String() does', (_name, v) => {
    expect(written((w) => {
      w.reserve(64);
      w.number(v);
      w.endRow();
    })).toBe(`${String(v)}\n`);
  });

  it('writes String(n) byte for byte on 1 000 000 random integers of every digit count and sign (negative ones without a string)', () => {
    const r = new RandomStream(11, 'number');
    const values = Array.from({ length: 1_000_000 }, (_, i) => {
      const n = Math.floor(10 ** r.uniform(0, 16));
      return i % 2 === 0 ? -n : n;
    });
    const text = written((w) => {
      for (const v of values) {
        w.reserve(32);
        w.number(v);
        w.endRow();
      }
    });
    expect(text).toBe(values.map((v) => `${String(v)}\n`).join(''));
  });

  it('writes flags as 1 and 0', () => {
    expect(written((w) => {
      w.reserve(8);
      w.flag(true);
      w.comma();
      w.flag(false);
      w.endRow();
    })).toBe('1,0\n');
  });
});

describe('CsvWriter.sec and ms', () => {
  // Digits are written three at a time (DIGITS3): every digit count of the whole part, and
  // fractions with leading, inner and trailing zeros, against the string functions.
  it('writes sec(t) and ms(t) byte for byte on 60 000 random times of every magnitude', () => {
    const r = new RandomStream(11, 'sec-ms');
    const values: number[] = [];
    for (let i = 0; i < 60_000; i++) {
      const magnitude = 10 ** r.uniform(-7, 12);
      values.push(i % 3 === 0 ? Math.round(magnitude) : i % 3 === 1 ? Math.round(magnitude * 1e3) / 1e3 : magnitude);
    }
    const text = written((w) => {
      for (const v of values) {
        w.reserve(64);
        w.sec(v);
        w.comma();
        w.ms(v);
        w.endRow();
      }
    });
    expect(text).toBe(values.map((v) => `${sec(v)},${ms(v)}\n`).join(''));
  });

  it.each([
    [0.000001, '0.000001', '0.001'],
    [0.00105, '0.001050', '1.050'],
    [999.999999, '999.999999', '999999.999'],
    [1000.0005, '1000.000500', '1000000.500'],
    [1234567.000089, '1234567.000089', '1234567000.089'],
  ])('writes %s as sec %s and ms %s', (v, s, m) => {
    expect(written((w) => {
      w.reserve(64);
      w.sec(v);
      w.comma();
      w.ms(v);
      w.endRow();
    })).toBe(`${s},${m}\n`);
  });
});

describe('CsvWriter.sec', () => {
  const values = [0, -0, 1, 59, 1_000_000, 2147483647, 2147483648, 1e12, 0.000348, 2.000348, 1.5, 1e-7, 4e-7, 0.9999996, -1, -0.5, Number.NaN, Number.POSITIVE_INFINITY];

  it.each(values.map((v) => [String(v), v]))('writes sec(%s)', (_name, v) => {
    expect(written((w) => {
      w.reserve(64);
      w.sec(v);
      w.endRow();
    })).toBe(`${sec(v)}\n`);
  });
});
