/**
 * Reading the CSVs knsim writes back for the report, a chunk at a time: each row goes to its
 * consumer as it is read, so the report never holds a file's text or its rows as strings.
 * Plain Uint8Arrays and TextDecoder, not Buffer: the playground builds its report in the
 * browser, from its in-memory files (web/src/shims/fs.ts).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { Parser } from 'csv-parse';

/** Takes one data row: its cells and the file's line number (from 1) where it starts. */
export type RowReader = (cells: readonly string[], line: number) => void;

/** The directory is not a knsim run directory, or a file in it is not one knsim wrote (`knsim report` exits 2 with it). */
export class NotARunDirectoryError extends Error {
  override readonly name = 'NotARunDirectoryError';
}

/** Bytes read at a time (a line longer than this grows the buffer). */
const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const CR = 0x0d;
// ignoreBOM keeps a BOM as a character of the first cell, as csv-parse and Buffer did.
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** csv-parse's options for a run's files (RFC 4180; rows may have fewer cells than the header). */
const OPTIONS = { relax_column_count: true, skip_empty_lines: true } as const;

/** Calls `each` with the file's chunks from its start (views into one reused buffer) until it returns false. */
function eachChunk(fd: number, chunkBytes: number, each: (chunk: Uint8Array) => boolean): void {
  const buf = new Uint8Array(chunkBytes);
  for (let at = 0; ; ) {
    const n = readSync(fd, buf, 0, chunkBytes, at);
    if (n === 0 || !each(buf.subarray(0, n))) return;
    at += n;
  }
}

/** Whether the file holds a quote or a carriage return anywhere (knsim writes them only to quote a cell; names and numbers need none). */
function hasQuoteOrCr(fd: number, chunkBytes: number): boolean {
  let found = false;
  eachChunk(fd, chunkBytes, (c) => !(found = c.includes(QUOTE) || c.includes(CR)));
  return found;
}

/**
 * The fast path, for a file without quotes or carriage returns (the run files knsim writes:
 * names and numbers). Without a quote no cell can hold a comma or a newline, and without a CR the
 * record delimiter csv-parse detects is "\n", so csv-parse's records are exactly the non-empty
 * lines split at commas (test/report/csv-reader.test.ts checks this against csv-parse). Each line
 * is decoded on its own, so a cell kept by the caller holds on to its line, never to a chunk.
 * Stops when `row` returns false.
 */
function readPlainLines(fd: number, chunkBytes: number, row: (cells: string[], line: number) => boolean): void {
  let buf = new Uint8Array(chunkBytes);
  let have = 0;
  let line = 1;
  for (let at = 0; ; ) {
    // A line longer than the buffer: a bigger one.
    if (have === buf.length) {
      const bigger = new Uint8Array(buf.length * 2);
      bigger.set(buf.subarray(0, have));
      buf = bigger;
    }
    const n = readSync(fd, buf, have, buf.length - have, at);
    at += n;
    have += n;
    const view = buf.subarray(0, have);
    let start = 0;
    for (;;) {
      let end = view.indexOf(NEWLINE, start);
      if (end === -1) {
        // The last line of a file need not end in a newline.
        if (n > 0 || start >= have) break;
        end = have;
      }
      if (end > start && !row(UTF8.decode(buf.subarray(start, end)).split(','), line)) return;
      line++;
      start = end + 1;
    }
    if (n === 0) return;
    buf.copyWithin(0, start, have);
    have -= start;
  }
}

/** csv-parse's incremental parser (the engine behind its stream and sync APIs), which the stream class keeps as `api`. */
interface CsvEngine {
  parse(chunk: Uint8Array | undefined, end: boolean, push: (record: unknown) => void, close: () => void): Error | undefined;
}

function csvEngine(info: boolean): CsvEngine {
  const api = (new Parser({ ...OPTIONS, info }) as unknown as { api?: Partial<CsvEngine> }).api;
  // A csv-parse that no longer has it fails the report tests that read quoted files.
  if (typeof api?.parse !== 'function') throw new Error('csv-parse has no incremental parser (Parser.api.parse)');
  return api as CsvEngine;
}

/** Feeds the whole file to a csv-parse engine a chunk at a time; returns csv-parse's error, if any. */
function parseChunks(fd: number, chunkBytes: number, info: boolean, push: (record: unknown) => boolean): Error | undefined {
  const engine = csvEngine(info);
  let going = true;
  let error: Error | undefined;
  const take = (r: unknown): void => {
    if (going) going = push(r);
  };
  const close = (): void => {};
  eachChunk(fd, chunkBytes, (chunk) => {
    // A copy: csv-parse keeps the end of a chunk it has not parsed yet, and the reader reuses its buffer.
    error = engine.parse(chunk.slice(), false, take, close);
    return error === undefined && going;
  });
  return error ?? (going ? engine.parse(undefined, true, take, close) : undefined);
}

/**
 * Any other file goes through csv-parse, twice: first only to check that csv-parse reads the
 * whole file (a file it cannot read is refused as such before any of its rows is looked at, as
 * when the report parsed files whole), then for the rows, with the line each starts on (a quoted
 * cell may span lines).
 */
function readQuoted(path: string, fd: number, chunkBytes: number, row: (cells: string[], line: number) => boolean): void {
  const error = parseChunks(fd, chunkBytes, false, () => true);
  if (error !== undefined) throw new NotARunDirectoryError(`${path}: not a CSV file knsim wrote (${error.message})`);
  // csv-parse read the whole file once, so it reads it again without an error.
  parseChunks(fd, chunkBytes, true, (r) => {
    const { info, record } = r as { info: { lines: number }; record: string[] };
    // info.lines is the line the record ends on.
    let newlines = 0;
    for (const cell of record) for (let i = cell.indexOf('\n'); i !== -1; i = cell.indexOf('\n', i + 1)) newlines++;
    return row(record, info.lines - newlines);
  });
}

/**
 * Reads a run's CSV file: `header` gets its first row (no cells for an empty file) and returns
 * what takes each data row, or undefined when it needs none. A file csv-parse cannot read was not
 * written by knsim, so it is bad input, not a bug. A cell the caller keeps holds on to no more
 * than its line.
 */
export function readRunCsv(path: string, header: (cells: readonly string[]) => RowReader | undefined, chunkBytes = CHUNK_BYTES): void {
  const fd = openSync(path, 'r');
  try {
    let reader: RowReader | undefined;
    let first = true;
    const row = (cells: string[], line: number): boolean => {
      if (first) {
        first = false;
        reader = header(cells);
        return reader !== undefined;
      }
      reader!(cells, line);
      return true;
    };
    if (hasQuoteOrCr(fd, chunkBytes)) readQuoted(path, fd, chunkBytes, row);
    else readPlainLines(fd, chunkBytes, row);
    if (first) header([]);
  } finally {
    closeSync(fd);
  }
}

/** Column accessors by name; a missing column is an error naming the file. */
export class Columns {
  private readonly index = new Map<string, number>();

  constructor(
    readonly file: string,
    header: readonly string[],
  ) {
    header.forEach((h, i) => this.index.set(h, i));
  }

  col(name: string): number {
    const i = this.index.get(name);
    // The run wrote every column the report reads: a file without one was edited or is not knsim's.
    if (i === undefined) throw new NotARunDirectoryError(`${this.file}: missing column ${name} (not a file knsim wrote)`);
    return i;
  }

  has(name: string): boolean {
    return this.index.has(name);
  }
}

/** What a number cell of a run's CSV may hold; `blank` allows an empty cell (no value), read as NaN. */
export interface CellRule {
  /** The rule in words, for the error: "a whole number ≥ 0". */
  readonly rule: string;
  /** Whether a parsed number keeps the rule (false for NaN). */
  ok(v: number): boolean;
  readonly blank?: boolean;
}

/** Pods, requests and other things counted. */
export const COUNT: CellRule = { rule: 'a whole number ≥ 0', ok: (v) => Number.isInteger(v) && v >= 0 };
/** A 0/1 flag (in_panic, valid). */
export const FLAG: CellRule = { rule: '0 or 1', ok: (v) => v === 0 || v === 1 };
/** Knative's scale results: -1 when the decider had no valid result. */
export const SCALE: CellRule = { rule: 'a whole number ≥ -1', ok: (v) => Number.isInteger(v) && v >= -1 };
/** Latencies, concurrencies, CPU and prices: empty when there was nothing to measure. */
export const MEASURE: CellRule = { rule: 'a number ≥ 0 or empty', ok: (v) => v >= 0 && v < Number.POSITIVE_INFINITY, blank: true };
export const PERCENT: CellRule = { rule: 'a number from 0 to 100 or empty', ok: (v) => v >= 0 && v <= 100, blank: true };
export const FRACTION: CellRule = { rule: 'a number from 0 to 1', ok: (v) => v >= 0 && v <= 1 };
export const POSITIVE: CellRule = { rule: 'a number > 0', ok: (v) => v > 0 && v < Number.POSITIVE_INFINITY };

/** A time in seconds within a run of `seconds` (a per-second row may end at the run's last whole second). */
export function timeRule(seconds: number): CellRule {
  const end = Math.ceil(seconds);
  return { rule: `a time from 0 to ${end} s (the run's end)`, ok: (v) => v >= 0 && v <= end };
}

/** Reads a number cell by its rule: the number, NaN for an allowed empty cell, undefined when the cell breaks the rule. */
export function readCell(cell: string | undefined, rule: CellRule): number | undefined {
  if (cell === undefined || cell === '') return rule.blank === true ? Number.NaN : undefined;
  const v = Number(cell);
  return rule.ok(v) ? v : undefined;
}

/** The error for a cell that breaks its rule: file, line, column and rule in one line. */
export function badCell(file: string, line: number, column: string, cell: string | undefined, rule: CellRule): NotARunDirectoryError {
  const c = cell ?? '';
  const shown = c === '' ? 'empty' : JSON.stringify(c.length > 80 ? `${c.slice(0, 80)}…` : c);
  return new NotARunDirectoryError(`${file}: line ${line}, column ${column}: ${shown} is not ${rule.rule} (not a file knsim wrote)`);
}
