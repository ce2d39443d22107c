import { closeSync, openSync, writeSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';

/**
 * A buffered, synchronous CSV file writer. The simulation loop is synchronous, so rows
 * are appended to an in-memory chunk and flushed in 64 KiB writes (measured: larger
 * chunks are slower, since V8 must flatten a long rope of row strings); memory stays flat
 * however long the run. Row formatting is left to callers (hot path): they join numbers
 * and pre-escaped strings, which avoids a per-row library call.
 */
export class CsvWriter {
  private readonly fd: number;
  private chunk = '';
  rows = 0;

  constructor(
    readonly path: string,
    header: readonly string[],
  ) {
    this.fd = openSync(path, 'w');
    this.chunk = header.map(cell).join(',') + '\n';
  }

  /** Appends one already formatted line (no trailing newline). */
  line(s: string): void {
    this.chunk += s + '\n';
    this.rows++;
    if (this.chunk.length > 65_536) this.flush();
  }

  flush(): void {
    if (this.chunk.length > 0) {
      writeSync(this.fd, this.chunk);
      this.chunk = '';
    }
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
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
  return Number.isFinite(v) ? String(Math.round(v * 1e6) / 1e6) : '';
}
