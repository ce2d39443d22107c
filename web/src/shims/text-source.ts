/**
 * src/scenario/text-source.ts for the browser build. Node reads a trace file a chunk at a
 * time (node:fs, a streaming csv-parse); in the browser a trace is text the page already
 * holds (a shipped trace bundled with the site, or a file the user added), so this module
 * reads text only, with csv-parse's browser build. Records, line numbers and error
 * messages are the node module's: test/web/text-source-shim.test.ts compares the two.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { ScenarioError } from '../../../src/scenario/errors.js';

export type TextSource = { readonly path: string } | { readonly text: string };

export const CHUNK_BYTES = 1 << 20;

/** As in src/scenario/text-source.ts: the longest line (or CSV record) a trace may have. */
export const MAX_LINE_CHARS = 1 << 20;

const tooLong = (file: string, line: number): ScenarioError =>
  new ScenarioError(file, `line ${line}`, `longer than ${MAX_LINE_CHARS} characters: a trace has one arrival (or one function's counts) per line`);

function textOf(source: TextSource): string {
  if ('text' in source) return source.text;
  throw new Error(`${source.path}: the playground reads files it holds as text, not by path`);
}

/** The source as one chunk (there is nothing to read in pieces). */
export function forEachChunk(source: TextSource, onChunk: (chunk: Uint8Array) => void): void {
  onChunk(new TextEncoder().encode(textOf(source)));
}

/** Line breaks inside a record's (quoted) fields. */
function breaksIn(fields: readonly string[]): number {
  let n = 0;
  for (const f of fields) if (f.includes('\n') || f.includes('\r')) n += f.match(/\r\n|\r|\n/g)?.length ?? 0;
  return n;
}

/**
 * Calls `onRecord` with the fields of every CSV record (trimmed) and the line it starts
 * on, skipping blank lines. Records reach `onRecord` as they are parsed, so an error it
 * throws comes before a quoting error further down, as in node.
 * @throws ScenarioError at `line N` of `file` for malformed quoting; whatever `onRecord` throws.
 */
export function forEachCsvRecord(source: TextSource, file: string, onRecord: (fields: string[], line: number) => void): void {
  let line = 0;
  try {
    parse(textOf(source), {
      relax_column_count: true,
      max_record_size: MAX_LINE_CHARS,
      on_record: (r: string[]) => {
        const start = ++line;
        line += breaksIn(r);
        const fields = r.map((f) => f.trim());
        if (!(fields.length === 1 && fields[0] === '')) onRecord(fields, start);
        return null;
      },
    });
  } catch (e) {
    if (e instanceof CsvError && e.code === 'CSV_MAX_RECORD_SIZE') throw tooLong(file, line + 1);
    if (e instanceof CsvError) throw new ScenarioError(file, `line ${(e as CsvError & { lines?: number }).lines ?? line + 1}`, `invalid CSV: ${e.message}`);
    throw e;
  }
}

/** Calls `onLine` with every line of the source (without its `\n` or `\r\n`) and its 1-based number. */
export function forEachLine(source: TextSource, file: string, onLine: (line: string, lineNo: number) => void): void {
  const text = textOf(source);
  let lineNo = 0;
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (end - start > MAX_LINE_CHARS) throw tooLong(file, lineNo + 1);
    onLine(text.slice(start, end), ++lineNo);
    start = nl + 1;
  }
  const rest = text.slice(start);
  if (rest.length > MAX_LINE_CHARS) throw tooLong(file, lineNo + 1);
  if (rest !== '') onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest, ++lineNo);
}
