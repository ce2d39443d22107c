/**
 * The browser build reads trace text with web/src/shims/text-source.ts in place of
 * src/scenario/text-source.ts (which streams files with node:fs). Both must give the same
 * records, line numbers and errors for the same text.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as node from '../../src/scenario/text-source.js';
import * as shim from '../../web/src/shims/text-source.js';
import { root } from '../support/cli.js';

type Impl = typeof node | typeof shim;

/** Every record (or line) and the error, if any, as one comparable value. */
function csv(impl: Impl, text: string, stopAt?: number): unknown {
  const out: unknown[] = [];
  try {
    impl.forEachCsvRecord({ text }, 'f.csv', (fields, line) => {
      out.push([line, fields]);
      if (line === stopAt) throw new Error(`handler stopped at line ${line}`);
    });
  } catch (e) {
    out.push(`${(e as Error).constructor.name}: ${(e as Error).message}`);
  }
  return out;
}

function lines(impl: Impl, text: string): unknown {
  const out: unknown[] = [];
  impl.forEachLine({ text }, 'f.txt', (line, n) => out.push([n, line]));
  return out;
}

const traces = readdirSync(join(root, 'scenarios/traces')).map((f) => [f, readFileSync(join(root, 'scenarios/traces', f), 'utf8')] as const);

const TEXTS: Array<[string, string, number?]> = [
  ['quoted fields, blank lines, trimming', 'app,func,note\n\n a , f ,"x, ""quoted""\nspans lines"\n   \nb,g,plain\nc,h,é€\n'],
  ['CRLF with a quoted line break', 'a,b\r\n\r\n1,"x\r\ny"\r\n2, z \r\n'],
  ['no final line break', 'a,b\n1,2'],
  ['ragged rows', 'a,b,c\n1\n1,2,3,4\n'],
  ['an unclosed quote', 'a,b\n1,"open\n'],
  ['a quote inside a field', 'a,b\n1,x"y\n'],
  ['a handler error before a quoting error', 'a\n1\n2\n"bad"x\n', 3],
  ['a quoting error before the handler stops', 'a\n"bad"x\n2\n3\n', 3],
  ['empty', ''],
  ...traces.map(([f, t]) => [`the shipped trace ${f}`, t] as [string, string]),
];

describe('the browser text-source shim', () => {
  it.each(TEXTS)('CSV records: %s', (_name, text, stopAt) => {
    const want = csv(node, text, stopAt);
    expect(csv(shim, text, stopAt)).toEqual(want);
  });

  it.each(TEXTS)('lines: %s', (_name, text) => {
    expect(lines(shim, text)).toEqual(lines(node, text));
  });

  it('the comparisons see records and errors (the table is not vacuous)', () => {
    expect(csv(node, TEXTS[4]![1])).toContainEqual(expect.stringMatching(/^ScenarioError: f\.csv: line 2: invalid CSV: Quote Not Closed/));
    expect((csv(node, traces.find(([f]) => f.startsWith('azure'))![1]) as unknown[]).length).toBeGreaterThan(10);
  });

  it('a file by path is not readable in the browser: it says so', () => {
    expect(() => shim.forEachLine({ path: 'traces/x.csv' }, 'traces/x.csv', () => {})).toThrow(/^traces\/x\.csv: the playground reads files it holds as text, not by path$/);
  });
});
