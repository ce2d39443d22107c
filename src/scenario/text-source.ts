/**
 * Reading trace files a piece at a time, so that loading a trace of hundreds of
 * megabytes holds one chunk of its text, never the whole file: CSV records through
 * csv-parse, and plain lines. The scenario loader is synchronous, so chunks are read
 * with readSync and csv-parse's stream is fed with write() and drained with read(),
 * which both run synchronously.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createRequire } from 'node:module';
import { ScenarioError } from './errors.js';

/** Text to read: a file (read in chunks) or a string already in memory. */
export type TextSource = { readonly path: string } | { readonly text: string };

/** How much of a file is read at a time. */
export const CHUNK_BYTES = 1 << 20;

/**
 * The longest line (or CSV record) a trace may have, in characters. Real traces' lines are a
 * few kB (a day of per-minute counts); a file with no line breaks (a binary, /dev/zero) would
 * otherwise be held whole as one line.
 */
export const MAX_LINE_CHARS = 1 << 20;

const tooLong = (file: string, line: number): ScenarioError =>
  new ScenarioError(file, `line ${line}`, `longer than ${MAX_LINE_CHARS} characters: a trace has one arrival (or one function's counts) per line`);

/** Calls `onChunk` with the source's bytes, in order, one chunk at a time. */
export function forEachChunk(source: TextSource, onChunk: (chunk: Buffer) => void, chunkBytes = CHUNK_BYTES): void {
  if ('text' in source) {
    onChunk(Buffer.from(source.text, 'utf8'));
    return;
  }
  const fd = openSync(source.path, 'r');
  try {
    for (;;) {
      // A fresh buffer per chunk: csv-parse keeps the unparsed tail of the last one.
      const buf = Buffer.allocUnsafe(chunkBytes);
      const n = readSync(fd, buf, 0, chunkBytes, null);
      if (n === 0) break;
      onChunk(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

const LINE_BREAK = /\r\n|\r|\n/g;

/** Line breaks inside a record's (quoted) fields. */
function breaksIn(fields: readonly string[]): number {
  let n = 0;
  for (const f of fields) if (f.includes('\n') || f.includes('\r')) n += f.match(LINE_BREAK)?.length ?? 0;
  return n;
}

/**
 * Calls `onRecord` with the fields of every CSV record (RFC 4180 quoting, fields
 * trimmed) and the line it starts on. The line end (`\n` or `\r\n`) is the one
 * the first line uses. Blank lines are skipped; records may have any number of fields.
 * @throws ScenarioError at `line N` of `file` for malformed quoting; whatever `onRecord` throws.
 */
export function forEachCsvRecord(
  source: TextSource,
  file: string,
  onRecord: (fields: string[], line: number) => void,
  chunkBytes = CHUNK_BYTES,
): void {
  // No `info`, `trim` or `skip_empty_lines`: they triple csv-parse's cost on a large
  // trace, so lines are counted and fields trimmed here.
  // csv-parse's stream parser (and node:stream) only when a scenario reads a CSV trace.
  const { Parser } = createRequire(import.meta.url)('csv-parse') as typeof import('csv-parse');
  const parser = new Parser({ relax_column_count: true, max_record_size: MAX_LINE_CHARS });
  // Errors are read from parser.errored right away; the event comes a tick later.
  parser.on('error', () => {});
  let line = 0;
  const drain = (): void => {
    for (let r = parser.read() as string[] | null; r !== null; r = parser.read()) {
      const start = ++line;
      line += breaksIn(r);
      const fields = r.map((f) => f.trim());
      if (fields.length === 1 && fields[0] === '') continue; // a blank line
      onRecord(fields, start);
    }
    const err = parser.errored as (Error & { lines?: number; code?: string }) | null;
    if (err?.code === 'CSV_MAX_RECORD_SIZE') throw tooLong(file, line + 1);
    if (err) throw new ScenarioError(file, `line ${err.lines ?? line + 1}`, `invalid CSV: ${err.message}`);
  };
  try {
    forEachChunk(
      source,
      (chunk) => {
        parser.write(chunk);
        drain();
      },
      chunkBytes,
    );
    parser.end();
    drain();
  } finally {
    parser.destroy();
  }
}

/**
 * Calls `onLine` with every line of the source (without its `\n` or `\r\n`)
 * and its 1-based number, holding one chunk of text at a time.
 * @throws ScenarioError at `line N` of `file` for a line over MAX_LINE_CHARS.
 */
export function forEachLine(source: TextSource, file: string, onLine: (line: string, lineNo: number) => void, chunkBytes = CHUNK_BYTES): void {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let lineNo = 0;
  const emit = (text: string): void => {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (end - start > MAX_LINE_CHARS) throw tooLong(file, lineNo + 1);
      onLine(text.slice(start, end), ++lineNo);
      start = nl + 1;
    }
    carry = text.slice(start);
    if (carry.length > MAX_LINE_CHARS) throw tooLong(file, lineNo + 1);
  };
  forEachChunk(source, (chunk) => emit(carry + decoder.write(chunk)), chunkBytes);
  const rest = carry + decoder.end();
  if (rest !== '') onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest, ++lineNo);
}
