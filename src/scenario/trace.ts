/**
 * Request-trace files for trace-replay clients.
 *
 * - `simple`: one arrival time (seconds from the start) per line, an optional
 *   second column with the request's service time (seconds), an optional header
 *   line `arrival[,duration]` (it fixes whether lines carry a duration), `#` comments and
 *   blank lines. Columns are separated
 *   by a comma or whitespace.
 * - `azure2021`: the Azure Functions 2021 invocation trace CSV, header
 *   `app,func,end_timestamp,duration` (seconds); each row is one invocation that
 *   arrived at end_timestamp − duration.
 *
 * Files are read a chunk at a time (see text-source.ts) into a TraceSink: loading
 * holds the arrivals the client can send (TraceCollector), not the file's text. Errors
 * point at `line N, column <name>` of the trace file.
 */
import { ScenarioError } from './errors.js';
import { forEachCsvRecord, forEachLine, type TextSource } from './text-source.js';
import { RawTraceSink, type RawTrace, type TraceSink } from './trace-shape.js';

export { shapeTrace, TraceCollector, type RawTrace, type ShapedTrace, type TraceData, type TraceFormat, type TraceShaping, type TraceSink, type TraceWindow } from './trace-shape.js';


const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseNumber(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Parses a `simple` trace, given as text or as a file read line by line.
 * @throws ScenarioError at `line N[, column arrival|duration]` of `file`.
 */
export function parseSimpleTrace(source: TextSource | string, file: string): RawTrace {
  const sink = new RawTraceSink();
  readSimpleTrace(source, file, sink);
  return sink.raw();
}

/**
 * Reads a `simple` trace into `into`, an arrival at a time, holding none of it.
 * @throws ScenarioError at `line N[, column arrival|duration]` of `file`.
 */
export function readSimpleTrace(source: TextSource | string, file: string, into: TraceSink): void {
  // Set by the first data line, or by a header: a header that names a duration column promises one on every line.
  let withDurations: { value: boolean; line: number; header?: true } | undefined;
  let sawData = false;
  forEachLine(typeof source === 'string' ? { text: source } : source, file, (raw, lineNo) => {
    // A line ends at \n (or \r\n): a \r inside is a file saved with classic Mac line endings, whose lines would read as one line of many columns.
    if (raw.includes('\r')) {
      throw new ScenarioError(file, `line ${lineNo}`, 'holds a carriage return (\\r) inside the line: lines must end with \\n or \\r\\n (save the file with Unix or Windows line endings)');
    }
    let line = raw;
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    line = line.trim();
    if (line === '') return;
    const cols = line.split(/\s*,\s*|\s+/);
    if (!sawData && cols.length <= 2 && /^arrival$/i.test(cols[0]!) && (cols.length === 1 || /^duration$/i.test(cols[1]!))) {
      sawData = true; // a header only counts before the first data line
      withDurations = { value: cols.length === 2, line: lineNo, header: true };
      return;
    }
    // A first line of names (several, or one like arrival_s) is a header knsim does not know, not bad data.
    if (!sawData && /^[A-Za-z_]/.test(cols[0]!) && parseNumber(cols[0]!) === undefined && (cols.length > 1 || /^arriv/i.test(cols[0]!))) {
      throw new ScenarioError(file, `line ${lineNo}`, `a header must be "arrival" or "arrival,duration", got ${JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line)}`);
    }
    sawData = true;
    if (cols.length > 2) {
      throw new ScenarioError(file, `line ${lineNo}`, `expected 1 or 2 columns (arrival[,duration]), got ${cols.length}`);
    }
    const a = parseNumber(cols[0]!);
    if (a === undefined) throw new ScenarioError(file, `line ${lineNo}, column arrival`, `not a number: ${JSON.stringify(cols[0])}`);
    if (a < 0) throw new ScenarioError(file, `line ${lineNo}, column arrival`, `must not be negative, got ${a}`);
    const has = cols.length === 2;
    if (withDurations === undefined) withDurations = { value: has, line: lineNo };
    else if (withDurations.value !== has) {
      const was = withDurations.header
        ? `the header (line ${withDurations.line}) ${has ? 'names no duration column' : 'names a duration column'}`
        : `line ${withDurations.line} has ${has ? 'none' : 'one'}`;
      throw new ScenarioError(
        file,
        `line ${lineNo}, column duration`,
        `${has ? 'unexpected' : 'missing'} duration: ${was} (give a duration on every line or on none)`,
      );
    }
    let d: number | undefined;
    if (has) {
      d = parseNumber(cols[1]!);
      if (d === undefined) throw new ScenarioError(file, `line ${lineNo}, column duration`, `not a number: ${JSON.stringify(cols[1])}`);
      if (d < 0) throw new ScenarioError(file, `line ${lineNo}, column duration`, `must not be negative, got ${d}`);
    }
    into.add(a, d);
  });
}

/** The columns an Azure Functions 2021 invocation trace must have. */
export const AZURE2021_COLUMNS = ['app', 'func', 'end_timestamp', 'duration'] as const;

/**
 * Parses an Azure Functions 2021 invocation trace, given as text or as a file
 * streamed record by record (csv-parse), keeping the rows whose app and func
 * match the filters (when given). Arrival = end_timestamp − duration.
 * @throws ScenarioError at `line N[, column <name>]` of `file`.
 */
export function parseAzure2021Trace(
  source: TextSource | string,
  file: string,
  filter: { app?: string | undefined; func?: string | undefined } = {},
): RawTrace {
  const arrivals: number[] = [];
  const durations: number[] = [];
  readAzure2021Trace(source, file, filter, {
    add(a, d) {
      arrivals.push(a);
      durations.push(d!);
    },
  });
  return { arrivals, durations };
}

/**
 * Reads an Azure Functions 2021 invocation trace into `into`, an invocation at a time
 * (each with its duration), holding none of it.
 * @throws ScenarioError at `line N[, column <name>]` of `file`.
 */
export function readAzure2021Trace(
  source: TextSource | string,
  file: string,
  filter: { app?: string | undefined; func?: string | undefined },
  into: TraceSink,
): void {
  let header: string[] | undefined;
  let idx: Record<(typeof AZURE2021_COLUMNS)[number], number> | undefined;
  // The dataset's func ids are unique only within an app: a func filter alone must not merge two apps' functions.
  let funcApp: { app: string; line: number } | undefined;
  forEachCsvRecord(typeof source === 'string' ? { text: source } : source, file, (cols, lineNo) => {
    if (header === undefined || idx === undefined) {
      header = cols;
      const find = (name: string): number => cols.indexOf(name);
      const missing = AZURE2021_COLUMNS.filter((c) => find(c) < 0);
      if (missing.length > 0) {
        throw new ScenarioError(
          file,
          `line ${lineNo}`,
          `expected the header ${AZURE2021_COLUMNS.join(',')} (missing ${missing.join(', ')}), got ${JSON.stringify(cols.join(','))}`,
        );
      }
      // A needed column named twice would be read from its first place, silently.
      const twice = AZURE2021_COLUMNS.find((c) => cols.indexOf(c) !== cols.lastIndexOf(c));
      if (twice !== undefined) {
        throw new ScenarioError(file, `line ${lineNo}`, `the header names column ${twice} twice (columns ${cols.indexOf(twice) + 1} and ${cols.lastIndexOf(twice) + 1})`);
      }
      idx = { app: find('app'), func: find('func'), end_timestamp: find('end_timestamp'), duration: find('duration') };
      return;
    }
    if (cols.length !== header.length) {
      throw new ScenarioError(file, `line ${lineNo}`, `expected ${header.length} columns (${header.join(',')}), got ${cols.length}`);
    }
    if (filter.app !== undefined && cols[idx.app] !== filter.app) return;
    if (filter.func !== undefined && cols[idx.func] !== filter.func) return;
    if (filter.func !== undefined && filter.app === undefined) {
      const app = cols[idx.app]!;
      if (funcApp === undefined) funcApp = { app, line: lineNo };
      else if (app !== funcApp.app) {
        throw new ScenarioError(
          file,
          `line ${lineNo}, column app`,
          `the func filter matches invocations of two apps, ${JSON.stringify(funcApp.app)} (line ${funcApp.line}) and this one: a func id is unique only within its app, so set trace.app too`,
        );
      }
    }
    const end = parseNumber(cols[idx.end_timestamp]!);
    if (end === undefined) {
      throw new ScenarioError(file, `line ${lineNo}, column end_timestamp`, `not a number: ${JSON.stringify(cols[idx.end_timestamp])}`);
    }
    const d = parseNumber(cols[idx.duration]!);
    if (d === undefined) throw new ScenarioError(file, `line ${lineNo}, column duration`, `not a number: ${JSON.stringify(cols[idx.duration])}`);
    if (d < 0) throw new ScenarioError(file, `line ${lineNo}, column duration`, `must not be negative, got ${d}`);
    const arrival = end - d;
    // Each is finite, but their difference need not be (-1.7e308 − 1.7e308).
    if (!Number.isFinite(arrival)) {
      throw new ScenarioError(file, `line ${lineNo}, column end_timestamp`, `the arrival end_timestamp − duration (${end} − ${d}) is not a finite time`);
    }
    into.add(arrival, d);
  });
  if (header === undefined) throw new ScenarioError(file, 'line 1', `expected the header ${AZURE2021_COLUMNS.join(',')}, got an empty file`);
}
