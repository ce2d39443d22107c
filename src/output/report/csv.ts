/**
 * Reading the CSVs knsim writes back for the report (csv-parse; the run files
 * only ever hold names and numbers).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export interface CsvTable {
  header: readonly string[];
  rows: string[][];
  /** The file's line number (from 1) where rows[i] starts; parses the text again, so only for errors. */
  lineOf(i: number): number;
}

/** The directory is not a knsim run directory, or a file in it is not one knsim wrote (`knsim report` exits 2 with it). */
export class NotARunDirectoryError extends Error {
  override readonly name = 'NotARunDirectoryError';
}

/** Parses CSV text with a header line (csv-parse, RFC 4180). Blank lines are skipped. */
export function parseCsv(text: string): CsvTable {
  const records = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  const lineOf = (i: number): number => {
    // Skipped blank lines and quoted newlines make a row's index differ from its line.
    const withInfo = parse(text, { relax_column_count: true, skip_empty_lines: true, info: true, to: i + 2 }) as unknown as { info: { lines: number }; record: string[] }[];
    const r = withInfo[i + 1];
    return r === undefined ? i + 2 : r.info.lines - (r.record.join(',').match(/\n/g)?.length ?? 0);
  };
  return { header: records[0] ?? [], rows: records.slice(1), lineOf };
}

/** Reads and parses a run's CSV file; a file csv-parse cannot read was not written by knsim, so it is bad input, not a bug. */
export function readRunCsv(path: string): CsvTable {
  const text = readFileSync(path, 'utf8');
  try {
    return parseCsv(text);
  } catch (e) {
    throw new NotARunDirectoryError(`${path}: not a CSV file knsim wrote (${(e as Error).message})`);
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
export function badCell(file: string, table: CsvTable, i: number, column: string, cell: string | undefined, rule: CellRule): NotARunDirectoryError {
  const c = cell ?? '';
  const shown = c === '' ? 'empty' : JSON.stringify(c.length > 80 ? `${c.slice(0, 80)}…` : c);
  return new NotARunDirectoryError(`${file}: line ${table.lineOf(i)}, column ${column}: ${shown} is not ${rule.rule} (not a file knsim wrote)`);
}
