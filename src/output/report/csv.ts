/**
 * Reading the CSVs knsim writes back for the report (csv-parse; the run files
 * only ever hold names and numbers).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export interface CsvTable {
  header: readonly string[];
  rows: string[][];
}

/** The directory is not a knsim run directory, or a file in it is not one knsim wrote (`knsim report` exits 2 with it). */
export class NotARunDirectoryError extends Error {
  override readonly name = 'NotARunDirectoryError';
}

/** Parses CSV text with a header line (csv-parse, RFC 4180). Blank lines are skipped. */
export function parseCsv(text: string): CsvTable {
  const records = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  return { header: records[0] ?? [], rows: records.slice(1) };
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

/** Reads a number cell; blank or unparsable is NaN. */
export function parseNumberCell(cell: string | undefined): number {
  if (cell === undefined || cell === '') return Number.NaN;
  return Number(cell);
}
