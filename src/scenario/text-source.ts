/**
 * Reading trace files a piece at a time, so that loading a trace of hundreds of
 * megabytes holds one chunk of its text, never the whole file: CSV records through
 * csv-parse, and plain lines. The scenario loader is synchronous, so chunks are read
 * with readSync and csv-parse's stream is fed with write() and drained with read(),
 * which both run synchronously.
 */
import { closeSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createRequire } from 'node:module';
import { ScenarioError } from './errors.js';
import { openRegularFile } from './regular-file.js';
import { cutAtEnd, firstInvalidUtf8, HEAD_BYTES, utf8Rule } from './utf8.js';

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

/**
 * Calls `onChunk` with the source's bytes, in order, one chunk at a time. With `file`, a
 * file's bytes must be UTF-8: a UTF-16 trace (as spreadsheets save "Unicode text") was read
 * as replacement characters and NULs, which the messages then echoed.
 * @throws ScenarioError at `line N` of `file` for the first byte that is not UTF-8
 */
export function forEachChunk(source: TextSource, onChunk: (chunk: Buffer) => void, chunkBytes = CHUNK_BYTES, file?: string): void {
  if ('text' in source) {
    onChunk(Buffer.from(source.text, 'utf8'));
    return;
  }
  if (file === undefined) {
    readChunks(source.path, onChunk, chunkBytes);
    return;
  }
  // Checked as it streams (fatal decoding keeps the state of a sequence cut between chunks); the
  // offset and line of the bad byte are looked for only once there is one.
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const bad = (): ScenarioError => {
    const at = locateInvalidUtf8(source.path, chunkBytes);
    return new ScenarioError(file, `line ${at.line}`, utf8Rule(at.offset, at.head));
  };
  readChunks(
    source.path,
    (chunk) => {
      try {
        utf8.decode(chunk, { stream: true });
      } catch {
        throw bad();
      }
      onChunk(chunk);
    },
    chunkBytes,
  );
  try {
    utf8.decode();
  } catch {
    throw bad();
  }
}

/** The file offset and line of the first byte of `path` that is not UTF-8, and the file's first bytes (a byte order mark, an archive's magic). */
function locateInvalidUtf8(path: string, chunkBytes: number): { offset: number; line: number; head: Uint8Array } {
  let base = 0;
  let line = 1;
  let pending: Buffer = Buffer.alloc(0);
  let head: Buffer = Buffer.alloc(0);
  let found: number | undefined;
  const stop = {};
  const countLines = (b: Buffer, end: number): void => {
    for (let i = b.indexOf(10); i >= 0 && i < end; i = b.indexOf(10, i + 1)) line++;
  };
  try {
    readChunks(
      path,
      (chunk) => {
        if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
        if (found !== undefined) return;
        const buf = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        const at = firstInvalidUtf8(buf);
        // A character cut at the chunk's end is completed by the next chunk: carried over.
        if (at < buf.length && !cutAtEnd(buf, at)) {
          found = base + at;
          countLines(buf, at);
          // Nothing more to read but the rest of the first bytes.
          if (head.length >= HEAD_BYTES) throw stop;
          return;
        }
        countLines(buf, at);
        pending = Buffer.from(buf.subarray(at));
        base += at;
      },
      chunkBytes,
    );
  } catch (e) {
    if (e !== stop) throw e;
  }
  return { offset: found ?? base, line, head };
}

function readChunks(path: string, onChunk: (chunk: Buffer) => void, chunkBytes: number): void {
  // Checked again at the open itself: a file swapped for a named pipe since the loader looked at
  // it would otherwise block the open until a writer came.
  const fd = openRegularFile(path);
  if (typeof fd !== 'number') throw Object.assign(new Error(fd.error), { code: 'ENOTREGULAR' });
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
  // `bom`: a byte order mark (Excel's "CSV UTF-8" writes one) is dropped; trimming the field
  // dropped it before an unquoted header, but a quoted one ("app",…) was refused as a bad quote.
  const parser = new Parser({ bom: true, relax_column_count: true, max_record_size: MAX_LINE_CHARS });
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
      file,
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
  forEachChunk(source, (chunk) => emit(carry + decoder.write(chunk)), chunkBytes, file);
  const rest = carry + decoder.end();
  if (rest !== '') onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest, ++lineNo);
}
