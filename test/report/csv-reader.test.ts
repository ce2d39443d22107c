/**
 * The report reads each run CSV a chunk at a time (before, it read the file as one string and
 * csv-parse turned all of it into rows of strings, 8–9 bytes of heap per byte of CSV). It must
 * read exactly what csv-parse read from the whole text: the same header, rows and cells, the
 * line each row starts on (for the bad-cell errors), and the same error for a file csv-parse
 * refuses. csv-parse on the whole text is the reference here, for files knsim writes (names and
 * numbers: the fast path) and for ones it does not (quotes, carriage returns: csv-parse's path),
 * with chunks small enough that lines and quoted cells span them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { NotARunDirectoryError, readRunCsv } from '../../src/output/report/csv.js';
import { rng } from '../support/rng.js';

const tmp = mkdtempSync(join(tmpdir(), 'knsim-csv-reader-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Read {
  header: readonly string[];
  rows: Array<{ line: number; cells: readonly string[] }>;
}

/** What csv-parse makes of the whole text, with each row's first line (the report's reading before). */
function reference(bytes: Buffer): Read | { error: string } {
  let records: Array<{ info: { lines: number }; record: string[] }>;
  try {
    records = parse(bytes, { relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as typeof records;
  } catch (e) {
    return { error: (e as Error).message };
  }
  const rows = records.slice(1).map((r) => ({ line: r.info.lines - (r.record.join(',').match(/\n/g)?.length ?? 0), cells: r.record }));
  return { header: records[0]?.record ?? [], rows };
}

let files = 0;
function readBack(bytes: Buffer, chunkBytes: number): { path: string; read: Read | { error: string } } {
  const path = join(tmp, `f${files++}.csv`);
  writeFileSync(path, bytes);
  const read: Read = { header: [], rows: [] };
  try {
    readRunCsv(
      path,
      (header) => {
        read.header = [...header];
        return (cells, line) => read.rows.push({ line, cells: [...cells] });
      },
      chunkBytes,
    );
  } catch (e) {
    expect(e).toBeInstanceOf(NotARunDirectoryError);
    return { path, read: { error: (e as Error).message } };
  }
  return { path, read };
}


/** Random text from pieces; `quoted` adds quotes and carriage returns, which send the file through csv-parse. */
function randomCsv(seed: number, quoted: boolean): Buffer {
  const next = rng(seed);
  const plain = ['svc-0001', '12.500000', '', '0', '-1', 'é', 'ü€', ',', ',', ',', '\n', '\n', '\n\n', ' ', 'Proxy'];
  const odd = ['"', '""', '"a,b"', '"x\ny"', '\r\n', '\r'];
  const pieces = quoted ? [...plain, ...odd] : plain;
  const parts: string[] = [];
  if (next() < 0.1) parts.push('\uFEFF');
  const n = Math.floor(next() * 60);
  for (let i = 0; i < n; i++) parts.push(pieces[Math.floor(next() * pieces.length)]!);
  const bytes = Buffer.from(parts.join(''));
  // Now and then a byte that is not UTF-8, as a damaged file may hold.
  return next() < 0.1 ? Buffer.concat([bytes, Buffer.from([0xe2, 0x2c, 0xff, 0x0a, 0x61])]) : bytes;
}

describe('reading a run CSV a chunk at a time', () => {
  it('reads a file as knsim writes it: header, rows, cells and lines', () => {
    const text = 'time_s,service,revision,ready\n0.000000,s,s-00001,1\n\n1.000000,s,s-00001,2\n2.000000,s,s-00001\n';
    const { read } = readBack(Buffer.from(text), 7);
    expect(read).toEqual({
      header: ['time_s', 'service', 'revision', 'ready'],
      rows: [
        { line: 2, cells: ['0.000000', 's', 's-00001', '1'] },
        // The blank line is skipped, and counted.
        { line: 4, cells: ['1.000000', 's', 's-00001', '2'] },
        { line: 5, cells: ['2.000000', 's', 's-00001'] },
      ],
    });
  });

  it.each([1, 2, 3, 5, 16, 1024])('reads what csv-parse read from the whole text, file by file, in %i-byte chunks', (chunkBytes) => {
    for (let seed = 1; seed <= 300; seed++) {
      for (const quoted of [false, true]) {
        const bytes = randomCsv(seed * 7 + chunkBytes, quoted);
        const want = reference(bytes);
        const { path, read } = readBack(bytes, chunkBytes);
        const expected = 'error' in want ? { error: `${path}: not a CSV file knsim wrote (${want.error})` } : want;
        expect(read, `seed ${seed}, quoted ${quoted}: ${JSON.stringify(bytes.toString('latin1'))}`).toEqual(expected);
      }
    }
  });

  it('an empty file has no header and no rows', () => {
    expect(readBack(Buffer.alloc(0), 4).read).toEqual({ header: [], rows: [] });
  });

  it('a file csv-parse refuses is refused before any row is read, wherever the fault is', () => {
    const path = join(tmp, 'late-quote.csv');
    writeFileSync(path, `a,b\n${'1,2\n'.repeat(1000)}3,"4\n`);
    let rows = 0;
    expect(() => readRunCsv(path, () => () => rows++, 64)).toThrow(
      new NotARunDirectoryError(`${path}: not a CSV file knsim wrote (Quote Not Closed: the parsing is finished with an opening quote at line 1002)`),
    );
    expect(rows).toBe(0);
  });

  it('stops reading when the header says no rows are needed', () => {
    const path = join(tmp, 'stop.csv');
    writeFileSync(path, 'a,b\n1,2\n3,4\n');
    const headers: string[][] = [];
    readRunCsv(path, (h) => {
      headers.push([...h]);
      return undefined;
    });
    expect(headers).toEqual([['a', 'b']]);
  });
});
