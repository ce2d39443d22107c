/**
 * Reading the CSVs knsim writes back for the report (csv-parse; the run files
 * only ever hold names and numbers).
 */
import { parse } from 'csv-parse/sync';

export interface CsvTable {
  header: readonly string[];
  rows: string[][];
}

/** Parses CSV text with a header line (csv-parse, RFC 4180). Blank lines are skipped. */
export function parseCsv(text: string): CsvTable {
  const records = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  return { header: records[0] ?? [], rows: records.slice(1) };
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
    if (i === undefined) throw new Error(`${this.file}: missing column ${name}`);
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
