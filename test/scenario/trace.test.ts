import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { parseAzure2021Trace, parseSimpleTrace, shapeTrace } from '../../src/scenario/trace.js';
import { tinyScenario } from '../support/tiny-scenario.js';
import { catchScenarioError } from './helpers.js';

describe('parseSimpleTrace', () => {
  it.each([
    { what: 'arrivals only', text: '1\n2.5\n0.5\n', arrivals: [1, 2.5, 0.5], durations: undefined },
    { what: 'header, comments, blanks, durations', text: '# c\narrival,duration\n\n1,0.1 # x\n2 , 0.2\n', arrivals: [1, 2], durations: [0.1, 0.2] },
    { what: 'whitespace separated', text: 'arrival duration\n1 0.5\n3\t0.25\n', arrivals: [1, 3], durations: [0.5, 0.25] },
    { what: 'CRLF and exponents', text: 'arrival\r\n1e1\r\n.5\r\n', arrivals: [10, 0.5], durations: undefined },
    { what: 'empty', text: '# nothing\n', arrivals: [], durations: undefined },
  ])('$what', ({ text, arrivals, durations }) => {
    expect(parseSimpleTrace(text, 't.csv')).toEqual({ arrivals, durations });
  });

  it.each([
    { text: 'x\n', path: 'line 1, column arrival', rule: 'not a number: "x"' },
    { text: '1\n-2\n', path: 'line 2, column arrival', rule: 'must not be negative, got -2' },
    { text: '1,2,3\n', path: 'line 1', rule: 'expected 1 or 2 columns (arrival[,duration]), got 3' },
    { text: '1,0.1\n2\n', path: 'line 2, column duration', rule: 'missing duration: line 1 has one (give a duration on every line or on none)' },
    { text: '1\n\n2,0.1\n', path: 'line 3, column duration', rule: 'unexpected duration: line 1 has none (give a duration on every line or on none)' },
    { text: '1,-0.1\n', path: 'line 1, column duration', rule: 'must not be negative, got -0.1' },
    // The header says which columns every line has.
    { text: 'arrival,duration\n1\n2\n', path: 'line 2, column duration', rule: 'missing duration: the header (line 1) names a duration column (give a duration on every line or on none)' },
    { text: '# c\narrival\n1,0.5\n', path: 'line 3, column duration', rule: 'unexpected duration: the header (line 2) names no duration column (give a duration on every line or on none)' },
    { text: '1\narrival\n', path: 'line 2, column arrival', rule: 'not a number: "arrival"' },
    { text: 'NaN\n', path: 'line 1, column arrival', rule: 'not a number: "NaN"' },
    // A header with other names is named as a header, not as a non-number arrival.
    { text: 'arrival,x\n1,2\n', path: 'line 1', rule: 'a header must be "arrival" or "arrival,duration", got "arrival,x"' },
    { text: 'time duration\n1 2\n', path: 'line 1', rule: 'a header must be "arrival" or "arrival,duration", got "time duration"' },
    { text: 'arrival_s\n1\n', path: 'line 1', rule: 'a header must be "arrival" or "arrival,duration", got "arrival_s"' },
    { text: 'arrival,duration,app\n1,2,a\n', path: 'line 1', rule: 'a header must be "arrival" or "arrival,duration", got "arrival,duration,app"' },
    // Classic Mac line endings (CR only): the whole file read as one line, "got 3 columns" or a header of "arrival,duration\r1,0.1…".
    { text: '1 0.1\r2 0.1\r', path: 'line 1', rule: 'holds a carriage return (\\r) inside the line: lines must end with \\n or \\r\\n (save the file with Unix or Windows line endings)' },
    { text: 'arrival,duration\r1,0.1\r', path: 'line 1', rule: 'holds a carriage return (\\r) inside the line: lines must end with \\n or \\r\\n (save the file with Unix or Windows line endings)' },
    { text: '1\n2\r3\n', path: 'line 2', rule: 'holds a carriage return (\\r) inside the line: lines must end with \\n or \\r\\n (save the file with Unix or Windows line endings)' },
  ])('rejects $text', ({ text, path, rule }) => {
    const err = catchScenarioError(() => parseSimpleTrace(text, 't.csv'));
    expect(err.message).toBe(`t.csv: ${path}: ${rule}`);
  });
});

describe('parseAzure2021Trace', () => {
  const csv = 'app,func,end_timestamp,duration\na,f,10.5,0.5\nb,g,11,2\na,h,12,1\n';

  it.each([
    { what: 'all rows', filter: {}, arrivals: [10, 9, 11], durations: [0.5, 2, 1] },
    { what: 'app filter', filter: { app: 'a' }, arrivals: [10, 11], durations: [0.5, 1] },
    { what: 'app and func filter', filter: { app: 'a', func: 'h' }, arrivals: [11], durations: [1] },
    { what: 'nothing matches', filter: { func: 'zzz' }, arrivals: [], durations: [] },
  ])('$what', ({ filter, arrivals, durations }) => {
    expect(parseAzure2021Trace(csv, 'az.csv', filter)).toEqual({ arrivals, durations });
  });

  it('refuses a func filter alone that matches the func id in two apps (ids are unique only within an app)', () => {
    const twoApps = 'app,func,end_timestamp,duration\na,f,10.5,0.5\nb,g,11,2\nb,f,12,1\n';
    const err = catchScenarioError(() => parseAzure2021Trace(twoApps, 'az.csv', { func: 'f' }));
    expect(err.message).toBe('az.csv: line 4, column app: the func filter matches invocations of two apps, "a" (line 2) and this one: a func id is unique only within its app, so set trace.app too');
    // With the app it picks that app's function.
    expect(parseAzure2021Trace(twoApps, 'az.csv', { app: 'b', func: 'f' })).toEqual({ arrivals: [11], durations: [1] });
    // A func of one app needs no app.
    expect(parseAzure2021Trace(twoApps, 'az.csv', { func: 'g' })).toEqual({ arrivals: [9], durations: [2] });
  });

  it('accepts a byte order mark before a quoted header (Excel, R)', () => {
    expect(parseAzure2021Trace('\ufeff"app","func","end_timestamp","duration"\n"a","f","5","1"\n', 'az.csv')).toEqual({ arrivals: [4], durations: [1] });
  });

  it('accepts the columns in another order, plus extra ones', () => {
    expect(parseAzure2021Trace('duration,end_timestamp,func,app,extra\n1,5,f,a,z\n', 'az.csv')).toEqual({ arrivals: [4], durations: [1] });
  });

  it.each([
    { text: 'app,func,end,duration\n', path: 'line 1', rule: 'expected the header app,func,end_timestamp,duration (missing end_timestamp), got "app,func,end,duration"' },
    { text: '', path: 'line 1', rule: 'expected the header app,func,end_timestamp,duration, got an empty file' },
    { text: 'app,func,end_timestamp,duration,duration\na,f,5,1,2\n', path: 'line 1', rule: 'the header names column duration twice (columns 4 and 5)' },
    { text: 'app,func,end_timestamp,duration\na,f,1\n', path: 'line 2', rule: 'expected 4 columns (app,func,end_timestamp,duration), got 3' },
    { text: 'app,func,end_timestamp,duration\na,f,1,x\n', path: 'line 2, column duration', rule: 'not a number: "x"' },
    { text: 'app,func,end_timestamp,duration\na,f,1,1\na,f,,1\n', path: 'line 3, column end_timestamp', rule: 'not a number: ""' },
    { text: 'app,func,end_timestamp,duration\na,f,1,-1\n', path: 'line 2, column duration', rule: 'must not be negative, got -1' },
  ])('rejects line errors: $path', ({ text, path, rule }) => {
    const err = catchScenarioError(() => parseAzure2021Trace(text, 'az.csv'));
    expect(err.message).toBe(`az.csv: ${path}: ${rule}`);
  });
});

describe('shapeTrace', () => {
  const raw = { arrivals: [3, 1, 2, 1], durations: [0.3, 0.1, 0.2, 0.15] };

  it.each([
    {
      what: 'simple: offset + t × timeScale, sorted, durations follow their requests',
      opts: { format: 'simple' as const, timeScale: 2, offsetSeconds: 10, useDurations: true },
      arrivals: [12, 12, 14, 16],
      durations: [0.1, 0.15, 0.2, 0.3],
    },
    {
      what: 'azure2021: first arrival moved to offset',
      opts: { format: 'azure2021' as const, timeScale: 0.5, offsetSeconds: 5, useDurations: true },
      arrivals: [5, 5, 5.5, 6],
      durations: [0.1, 0.15, 0.2, 0.3],
    },
    {
      what: 'useDurations false drops them',
      opts: { format: 'simple' as const, timeScale: 1, offsetSeconds: 0, useDurations: false },
      arrivals: [1, 1, 2, 3],
      durations: undefined,
    },
  ])('$what', ({ opts, arrivals, durations }) => {
    const t = shapeTrace(raw, opts);
    expect(t.arrivals).toBeInstanceOf(Float64Array);
    expect(Array.from(t.arrivals)).toEqual(arrivals);
    expect(t.durations === undefined ? undefined : Array.from(t.durations)).toEqual(durations);
  });
});

describe('a bad trace line, loaded through a scenario', () => {
  // A directory name long enough that the trace's path is longer than a capped echo (80 characters).
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-trace-')), 'a-directory-with-a-long-name-so-the-trace-path-is-longer-than-eighty-characters');
  mkdirSync(dir);
  const scenario = join(dir, 's.yaml');
  const trace = join(dir, 'arrivals.csv');
  const run = (csv: string, format = 'simple'): string => {
    writeFileSync(trace, csv);
    writeFileSync(scenario, `${tinyScenario('t', '10s', 1)}  - { name: replay, service: hello, trace: { file: arrivals.csv, format: ${format} } }\n`);
    return catchScenarioError(() => loadScenario(scenario)).message;
  };

  it.each([
    { csv: '1\n2\nx\n', where: 'line 3, column arrival', rule: 'not a number: "x"' },
    { csv: 'app,func,end_timestamp,duration\na,f,1,1\na,f,1\n', format: 'azure2021', where: 'line 3', rule: 'expected 4 columns (app,func,end_timestamp,duration), got 3' },
    // The paths are kept whole and the line stays short: the rule keeps 80 characters of the rest.
    // Two finite numbers whose difference is not: the request would vanish without a word.
    { csv: 'app,func,end_timestamp,duration\na,f,-1.7e308,1.7e308\na,f,10,1\n', format: 'azure2021', where: 'line 2, column end_timestamp', rule: 'the arrival end_timestamp − duration (-1.7e+308 − 1.7e+308) is not a finite time' },
    { csv: 'app,func,end_timestamp,duration\na,"f,1,1\n', format: 'azure2021', where: 'line 2', rule: 'invalid CSV: Quote Not Closed: the parsing is finished with an opening quote at…' },
  ])('names the scenario, the field, the whole trace path and the line: $where', ({ csv, format, where, rule }) => {
    expect(trace.length).toBeGreaterThan(80);
    expect(run(csv, format)).toBe(`${scenario}: clients[1].trace.file: ${trace}: ${where}: ${rule}`);
  });

  it('refuses arrivals that overflow the clock once shifted to the first (azure2021), naming the field', () => {
    expect(run('app,func,end_timestamp,duration\na,f,-1.7e308,1\na,f,1.7e308,1\n', 'azure2021')).toBe(
      `${scenario}: clients[1].trace.file: its arrivals span more than a finite time once shifted and scaled (offset 0 s, timeScale 1): the last is Infinity`,
    );
  });
});
