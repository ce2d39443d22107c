/**
 * A small reader for the CSVs knsim writes (RFC 4180 quoting is honoured, but the
 * run files the report reads only ever hold names and numbers).
 */
export interface CsvTable {
  header: readonly string[];
  rows: string[][];
}

function splitQuoted(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else inQuotes = false;
      } else cur += ch;
    } else if (ch === '"') inQuotes = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Parses CSV text with a header line. Blank lines are skipped. */
export function parseCsv(text: string): CsvTable {
  const lines = text.split('\n');
  const first = lines[0]?.replace(/\r$/, '') ?? '';
  const header = first.includes('"') ? splitQuoted(first) : first.split(',');
  const rows: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line === '') continue;
    rows.push(line.includes('"') ? splitQuoted(line) : line.split(','));
  }
  return { header, rows };
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

/** A number cell; blank or unparsable is NaN. */
export function num(cell: string | undefined): number {
  if (cell === undefined || cell === '') return Number.NaN;
  return Number(cell);
}
