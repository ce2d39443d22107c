import { closeSync, openSync, writeSync } from 'node:fs';
import { namedError } from './write-file.js';
import { stringify } from 'csv-stringify/sync';

/** Bytes buffered before a write (a byte buffer has no rope to flatten, so larger is fine). */
const CHUNK_BYTES = 1 << 18;

/**
 * A buffered, synchronous CSV file writer. The simulation loop is synchronous, so rows are
 * encoded into a byte buffer and flushed in large writes; memory stays flat however long
 * the run. Row formatting is left to callers: `line` takes a formatted row, and the hot
 * rows (requests.csv) are written field by field (`text`, `uint`, `sec`, `ms`, `comma`,
 * `endRow`) without building strings, so a long trace allocates nothing per row.
 */
// A plain Uint8Array and TextEncoder, not Node's Buffer: the playground runs this writer in a browser.
const utf8 = new TextEncoder();

/** sec()'s fraction of a whole second. */
const ZERO_MICROS = utf8.encode('.000000');

/**
 * The three ASCII digits of every number below 1000 (`000` to `999`). Digits are written
 * three at a time from here: one division per three digits instead of one per digit, whose
 * chain of dependent divisions made a 6-digit fraction cost about 20 ns (node 20, x86-64).
 */
const DIGITS3 = new Uint8Array(3000);
for (let i = 0; i < 1000; i++) {
  DIGITS3[3 * i] = 48 + Math.floor(i / 100);
  DIGITS3[3 * i + 1] = 48 + (Math.floor(i / 10) % 10);
  DIGITS3[3 * i + 2] = 48 + (i % 10);
}

export class CsvWriter {
  private readonly fd: number;
  private buf = new Uint8Array(CHUNK_BYTES + 4096);
  private pos = 0;
  /** Counts flushes and new buffers (see {@link generation}). */
  private flushes = 0;
  rows = 0;

  constructor(
    readonly path: string,
    header: readonly string[],
  ) {
    this.fd = openSync(path, 'w');
    this.put(header.map(cell).join(',') + '\n');
  }

  /** Appends one already formatted line (no trailing newline). */
  line(s: string): void {
    this.put(s);
    this.buf[this.pos++] = 10;
    this.rows++;
    if (this.pos > CHUNK_BYTES) this.flush();
  }

  /** Makes room for a row of at most `bytes` bytes (call before writing its fields). */
  reserve(bytes: number): void {
    if (this.pos + bytes > this.buf.length) {
      this.flush();
      if (bytes > this.buf.length) {
        this.buf = new Uint8Array(bytes);
        this.flushes++;
      }
    }
  }

  /** A string as UTF-8 (room reserved: 3 bytes per UTF-16 unit at most). */
  text(s: string): void {
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = start + (utf8.encodeInto(s, buf.subarray(start)).written ?? 0);
        return;
      }
      buf[p++] = c;
    }
    this.pos = p;
  }

  comma(): void {
    this.buf[this.pos++] = 44;
  }

  /** A flag as 1 or 0. */
  flag(b: boolean): void {
    this.buf[this.pos++] = b ? 49 : 48;
  }

  /** A number as String() writes it (fast for non-negative integers: ids, status codes). */
  number(n: number): void {
    // Most counts in per-second rows are single digits.
    if (n >= 0 && n < 10 && (n | 0) === n) this.buf[this.pos++] = 48 + n;
    else if (n >= 0 && Number.isSafeInteger(n)) this.uint(n);
    else if (Number.isSafeInteger(n)) {
      // A negative count (autoscaler.csv's excess_burst_capacity, every row): no string. -0 took the first branch.
      this.buf[this.pos++] = 45;
      this.uint(-n);
    } else this.text(String(n));
  }

  /** A non-negative integer below 2^53, as String() writes it. */
  private uint(n: number): void {
    const buf = this.buf;
    let len = 1;
    for (let b = 10; b <= n; b *= 10) len++;
    let i = this.pos + len - 1;
    this.pos += len;
    // Above 2^31 with doubles, below it with int32 arithmetic (the common case, several times faster).
    while (n > 0x7fffffff) {
      const q = Math.floor(n / 10);
      buf[i--] = 48 + (n - q * 10); // 48 + n would round near 2^53
      n = q;
    }
    let x = n | 0;
    // Three digits at a time from the end, then the one to three leading ones.
    while (x >= 1000) {
      const q = (x / 1000) | 0;
      const d = 3 * (x - q * 1000);
      buf[i] = DIGITS3[d + 2]!;
      buf[i - 1] = DIGITS3[d + 1]!;
      buf[i - 2] = DIGITS3[d]!;
      i -= 3;
      x = q;
    }
    const d = 3 * x;
    buf[i] = DIGITS3[d + 2]!;
    if (x >= 10) buf[i - 1] = DIGITS3[d + 1]!;
    if (x >= 100) buf[i - 2] = DIGITS3[d]!;
  }

  /** `f` (0 ≤ f < 10^digits, an integer) as exactly `digits` digits with leading zeros, at `at`. */
  private padded(at: number, f: number, digits: 3 | 6): void {
    const buf = this.buf;
    if (digits === 6) {
      const hi = (f / 1000) | 0;
      const a = 3 * hi;
      const b = 3 * (f - hi * 1000);
      buf[at] = DIGITS3[a]!;
      buf[at + 1] = DIGITS3[a + 1]!;
      buf[at + 2] = DIGITS3[a + 2]!;
      buf[at + 3] = DIGITS3[b]!;
      buf[at + 4] = DIGITS3[b + 1]!;
      buf[at + 5] = DIGITS3[b + 2]!;
    } else {
      const a = 3 * f;
      buf[at] = DIGITS3[a]!;
      buf[at + 1] = DIGITS3[a + 1]!;
      buf[at + 2] = DIGITS3[a + 2]!;
    }
  }

  /** The text of sec(t), without the string. */
  sec(t: number): void {
    // Whole seconds (every timeseries row): fixed() would find no fraction.
    if ((t | 0) === t && t >= 0) {
      this.uint(t);
      this.bytes(ZERO_MICROS);
    } else if (Number.isFinite(t)) this.fixed(t, 1e6, 6);
  }

  /** The text of ms(seconds), without the string. */
  ms(seconds: number): void {
    if (Number.isFinite(seconds)) this.fixed(seconds * 1000, 1e3, 3);
  }

  /** The text of num(v), without the string. */
  measure(v: number): void {
    if (!Number.isFinite(v)) return;
    const n = Math.round(v * 1e6);
    // Beyond 10^9 a double's spacing nears 10^-6 and String() may choose other digits: leave it to num().
    if (!(Math.abs(n) < 1e15)) {
      this.text(num(v));
      return;
    }
    // num() prints n / 10^6 as String() does: the shortest digits, which for |v| < 10^9 are
    // n's own, at most 6 decimals with trailing zeros dropped (-0 prints as 0).
    let m = n;
    if (m < 0) {
      this.buf[this.pos++] = 45;
      m = -m;
    }
    const int = Math.floor(m / 1e6);
    // Below 10^6, so int32 arithmetic.
    const frac = (m - int * 1e6) | 0;
    this.uint(int);
    if (frac === 0) return;
    // All six digits, then the trailing zeros dropped (frac > 0, so a non-zero digit stays).
    const buf = this.buf;
    buf[this.pos] = 46;
    this.padded(this.pos + 1, frac, 6);
    let end = this.pos + 7;
    while (buf[end - 1] === 48) end--;
    this.pos = end;
  }

  /** Where the next byte goes: with {@link copyOf} or {@link again}, the bytes of cells written since. */
  mark(): number {
    return this.pos;
  }

  /**
   * Changes whenever the bytes before the next one may be gone (a flush or a new buffer):
   * marks taken while it had another value no longer point at what was written.
   */
  get generation(): number {
    return this.flushes;
  }

  /** A copy of the bytes written between two marks of this generation. */
  copyOf(from: number, to: number): Uint8Array {
    return this.buf.slice(from, to);
  }

  /** The bytes of `bytes` (room reserved), e.g. cells kept by copyOf. */
  bytes(bytes: Uint8Array): void {
    // V8 copies a typed array element by element at 15 to 20 instructions a byte, and set()
    // costs about as much as 7 of those: a loop only for the shortest.
    const length = bytes.length;
    if (length > 8) this.buf.set(bytes, this.pos);
    else {
      const buf = this.buf;
      const p = this.pos;
      for (let i = 0; i < length; i++) buf[p + i] = bytes[i]!;
    }
    this.pos += length;
  }

  /** Writes again the bytes written between two marks of this generation (room reserved). */
  again(from: number, to: number): void {
    const buf = this.buf;
    let p = this.pos;
    // Cells of a few bytes (percentiles): a loop beats copyWithin(), a call into C++.
    for (let i = from; i < to; i++) buf[p++] = buf[i]!;
    this.pos = p;
  }

  /** Ends the row written field by field. */
  endRow(): void {
    this.buf[this.pos++] = 10;
    this.rows++;
    if (this.pos > CHUNK_BYTES) this.flush();
  }

  /** The bytes of fixed(v, scale, digits), computed the same way. */
  private fixed(v: number, scale: number, digits: 3 | 6): void {
    const n = Math.round(v * scale);
    const int = Math.floor(n / scale);
    const frac = n - int * scale;
    if (!(n >= 0) || n > Number.MAX_SAFE_INTEGER || !(frac >= 0 && frac < scale)) {
      this.text(fixed(v, scale, digits));
      return;
    }
    this.uint(int);
    this.buf[this.pos] = 46;
    this.padded(this.pos + 1, frac | 0, digits); // frac < scale ≤ 10^6
    this.pos += digits + 1;
  }

  private put(s: string): void {
    this.reserve(3 * s.length + 1);
    this.pos += utf8.encodeInto(s, this.buf.subarray(this.pos)).written ?? 0;
  }

  flush(): void {
    if (this.pos > 0) {
      let done = 0;
      try {
        // A write may take only part of the buffer (a disk filling up): the rest is written
        // again, where a full disk fails with ENOSPC, rather than lost from a file that looks whole.
        while (done < this.pos) done += writeSync(this.fd, this.buf, done, this.pos - done);
      } catch (e) {
        throw namedError(e, this.path);
      }
      this.pos = 0;
      this.flushes++;
    }
  }

  close(): void {
    this.flush();
    try {
      closeSync(this.fd);
    } catch (e) {
      throw namedError(e, this.path);
    }
  }
}

/** What makes csv-stringify quote a field: a delimiter, a quote or a line break. */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * knsim's one CSV quoting function: a cell for a free-text string, quoted by
 * csv-stringify (RFC 4180) when it needs quotes and passed through otherwise,
 * which keeps the per-row cost of names and numbers to one regex test.
 */
export function cell(s: string): string {
  return NEEDS_QUOTES.test(s) ? stringify([[s]]).replace(/\n$/, '') : s;
}

const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000'];

/**
 * A non-negative value with exactly `digits` decimals (same text as toFixed for the
 * values a run produces, about a third faster: this runs several times per request row).
 */
function fixed(v: number, scale: number, digits: number): string {
  const n = Math.round(v * scale);
  if (!(n >= 0) || n > Number.MAX_SAFE_INTEGER) return v.toFixed(digits);
  const int = Math.floor(n / scale);
  const frac = String(n - int * scale);
  return `${int}.${ZEROS[digits - frac.length]}${frac}`;
}

/** Seconds with microsecond resolution; deterministic formatting. */
export function sec(t: number): string {
  return Number.isFinite(t) ? fixed(t, 1e6, 6) : '';
}

/** Milliseconds with microsecond resolution. */
export function ms(seconds: number): string {
  return Number.isFinite(seconds) ? fixed(seconds * 1000, 1e3, 3) : '';
}

/** A measured value with 6 decimals, blank when missing. */
export function num(v: number): string {
  if (!Number.isFinite(v)) return '';
  const r = Math.round(v * 1e6) / 1e6;
  // Past about 1.8e302, v × 10^6 overflows to Infinity: such a value (a target of 1e306) has no fraction to round.
  return String(Number.isFinite(r) ? r : v);
}
