import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { forEachCsvRecord, forEachLine, MAX_LINE_CHARS, type TextSource } from '../../src/scenario/text-source.js';
import { parseAzure2021Trace } from '../../src/scenario/trace.js';
import { catchScenarioError } from './helpers.js';

const records = (source: TextSource, chunkBytes?: number): Array<[number, string[]]> => {
  const out: Array<[number, string[]]> = [];
  forEachCsvRecord(source, 'f.csv', (fields, line) => out.push([line, fields]), chunkBytes);
  return out;
};

const lines = (source: TextSource, chunkBytes?: number): Array<[number, string]> => {
  const out: Array<[number, string]> = [];
  forEachLine(source, 'f.txt', (line, n) => out.push([n, line]), chunkBytes);
  return out;
};

function tempFile(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'knsim-text-')), 'f.csv');
  writeFileSync(p, text);
  return p;
}

describe('forEachCsvRecord (csv-parse, streamed)', () => {
  const text = 'app,func,note\n\n a , f ,"x, ""quoted""\nspans lines"\n   \nb,g,plain\nc,h,é€\n';
  const want: Array<[number, string[]]> = [
    [1, ['app', 'func', 'note']],
    [3, ['a', 'f', 'x, "quoted"\nspans lines']],
    [6, ['b', 'g', 'plain']],
    [7, ['c', 'h', 'é€']],
  ];

  it('reads CRLF files, counting lines inside quoted fields', () => {
    expect(records({ path: tempFile('a,b\r\n\r\n1,"x\r\ny"\r\n2, z \r\n') }, 3)).toEqual([
      [1, ['a', 'b']],
      [3, ['1', 'x\r\ny']],
      [5, ['2', 'z']],
    ]);
  });

  it('reads quoted fields, blank lines and trims fields', () => {
    expect(records({ text })).toEqual(want);
  });

  it.each([1, 2, 3, 7, 64])('gives the same records from a file read %i bytes at a time', (chunk) => {
    expect(records({ path: tempFile(text) }, chunk)).toEqual(want);
  });

  it.each([
    ['a,b\n1,"open\n', 'f.csv: line 2: invalid CSV: Quote Not Closed: the parsing is finished with an opening quote at line 2'],
    ['a,b\n1,x"y\n', 'f.csv: line 2: invalid CSV: Invalid Opening Quote: a quote is found on field 1 at line 2, value is "x"'],
  ])('rejects bad quoting with a one-line error: %j', (bad, message) => {
    for (const source of [{ text: bad }, { path: tempFile(bad) }]) {
      let caught: unknown;
      try {
        records(source, 2);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ScenarioError);
      expect((caught as ScenarioError).message).toBe(message);
    }
  });

  // Excel's "CSV UTF-8" starts the file with a byte order mark; R's write.csv quotes every name.
  it.each([1, 2, 64])('drops a byte order mark before a quoted header, read %i bytes at a time', (chunk) => {
    const bom = '\ufeff"app","func"\n"a\nb",f\n';
    expect(records({ path: tempFile(bom) }, chunk)).toEqual([
      [1, ['app', 'func']],
      [2, ['a\nb', 'f']],
    ]);
    expect(records({ text: bom })).toEqual(records({ path: tempFile(bom) }, chunk));
  });

  it('stops at the first error the record handler throws', () => {
    const seen: number[] = [];
    expect(() =>
      forEachCsvRecord({ text: 'a\n1\n2\n3\n' }, 'f.csv', (_f, line) => {
        seen.push(line);
        if (line === 3) throw new Error('stop');
      }),
    ).toThrow('stop');
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('forEachLine (streamed)', () => {
  const text = 'a\r\nbé\n\n€ c\nlast';
  const want: Array<[number, string]> = [
    [1, 'a'],
    [2, 'bé'],
    [3, ''],
    [4, '€ c'],
    [5, 'last'],
  ];
  it.each([1, 2, 5, 1024])('splits lines, with multi-byte characters cut by chunks of %i bytes', (chunk) => {
    expect(lines({ path: tempFile(text) }, chunk)).toEqual(want);
    expect(lines({ text }, chunk)).toEqual(want);
  });
});

describe('parseAzure2021Trace from a file', () => {
  it('streams the file and keeps only the arrivals', () => {
    const rows = ['app,func,end_timestamp,duration'];
    for (let i = 0; i < 5000; i++) rows.push(`app-${i % 3},func-${i % 2},${(10 + i * 0.5).toFixed(3)},0.250`);
    const raw = parseAzure2021Trace({ path: tempFile(rows.join('\n') + '\n') }, 'az.csv', { app: 'app-1' });
    expect(raw.arrivals.length).toBe(1667);
    expect(raw.arrivals[0]).toBeCloseTo(10.25, 9);
    expect(raw.arrivals[1]).toBeCloseTo(11.75, 9);
    expect(raw.durations?.every((d) => d === 0.25)).toBe(true);
  });
});

describe('a line longer than MAX_LINE_CHARS (a file with no line breaks) is refused, not held whole', () => {
  const long = 'x'.repeat(MAX_LINE_CHARS + 1);
  const rule = `longer than ${MAX_LINE_CHARS} characters: a trace has one arrival (or one function's counts) per line`;
  it.each([
    { name: 'plain lines, third line, from a file in small chunks', read: (p: string) => forEachLine({ path: p }, 'f.txt', () => {}, 4096), text: `1\n2\n${long}\n4\n`, line: 3 },
    { name: 'plain lines, no line break at all', read: (p: string) => forEachLine({ path: p }, 'f.txt', () => {}), text: long, line: 1 },
    { name: 'CSV records, second record', read: (p: string) => forEachCsvRecord({ path: p }, 'f.txt', () => {}, 65536), text: `a,b\n${long},1\n`, line: 2 },
  ])('$name: line $line', ({ read, text, line }) => {
    const p = tempFile(text);
    expect(catchScenarioError(() => read(p)).message).toBe(`f.txt: line ${line}: ${rule}`);
  });

  it('a line of exactly MAX_LINE_CHARS is read', () => {
    expect(lines({ path: tempFile(`${'y'.repeat(MAX_LINE_CHARS)}\nz\n`) }, 4096).map(([n, l]) => [n, l.length])).toEqual([[1, MAX_LINE_CHARS], [2, 1]]);
  });
});

// A trace that is not UTF-8 was read as replacement characters (and, for UTF-16, NULs between
// the characters), which "not a number" messages then echoed.
describe('a trace file that is not UTF-8 is refused at its first bad byte', () => {
  const utf16 = (s: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
  const bytes = (...parts: Array<string | number[]>): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
  const file = (b: Buffer): string => {
    const p = join(mkdtempSync(join(tmpdir(), 'knsim-text-')), 'f.csv');
    writeFileSync(p, b);
    return p;
  };
  it.each([
    { what: 'a UTF-16 file (a spreadsheet\'s "Unicode text")', b: utf16('arrival\n1\n'), line: 1, rule: 'the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8 text' },
    { what: 'a Latin-1 é on line 3', b: bytes('1\n2\n# caf', [0xe9], '\n3\n'), line: 3, rule: 'invalid UTF-8 at byte offset 9: the file must be UTF-8 text' },
    { what: 'a character cut off at the end of the file', b: bytes('1\n2\n', [0xe2, 0x82]), line: 3, rule: 'invalid UTF-8 at byte offset 4: the file must be UTF-8 text' },
    { what: 'a surrogate encoded in UTF-8', b: bytes('1\n', [0xed, 0xa0, 0x80], '\n'), line: 2, rule: 'invalid UTF-8 at byte offset 2: the file must be UTF-8 text' },
    // Packed traces are named as what they are, not as a bad byte.
    { what: 'a gzip-compressed trace', b: gzipSync('arrival\n1\n2\n'), line: 1, rule: 'the file is gzip-compressed, not text: unpack it first (gunzip)' },
    { what: 'an xz-compressed trace', b: bytes([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04]), line: 1, rule: 'the file is xz-compressed, not text: unpack it first (unxz; a .tar.xz also needs tar)' },
    { what: 'a zip archive (its binary after a line break)', b: bytes('PK', [0x03, 0x04], '\n', [0x80]), line: 2, rule: 'the file is zip-compressed, not text: unpack it first (unzip)' },
  ])('$what', ({ b, line, rule }) => {
    const p = file(b);
    for (const chunk of [1, 2, 3, 5, 1 << 20]) {
      expect(catchScenarioError(() => lines({ path: p }, chunk)).message, `lines, chunk ${chunk}`).toBe(`f.txt: line ${line}: ${rule}`);
      expect(catchScenarioError(() => records({ path: p }, chunk)).message, `records, chunk ${chunk}`).toBe(`f.csv: line ${line}: ${rule}`);
    }
  });

  it('characters of 2, 3 and 4 bytes cut between any two chunks are read whole', () => {
    const p = file(Buffer.from('# é € 🙂\n1\n'));
    for (const chunk of [1, 2, 3, 4, 5, 7]) expect(lines({ path: p }, chunk), `chunk ${chunk}`).toEqual([[1, '# é € 🙂'], [2, '1']]);
  });
});
