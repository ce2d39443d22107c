/** Test helpers for checking charts against the CSVs they are drawn from. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/** A small CSV file of a run (no quoted cells) as rows keyed by column. */
export function csv(dir: string, file: string): Array<Record<string, string>> {
  const [head, ...lines] = readFileSync(join(dir, file), 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

/** The inline data rows of the chart layer or panel named `name` in a Vega-Lite spec. */
export function dataOf<R = Record<string, number | null>>(spec: unknown, name: string): R[] {
  let found: R[] | undefined;
  const walk = (o: unknown): void => {
    if (found !== undefined || o === null || typeof o !== 'object') return;
    const r = o as Record<string, unknown>;
    if (r['name'] === name && typeof r['data'] === 'object') {
      found = (r['data'] as { values: R[] }).values;
      return;
    }
    for (const v of Object.values(r)) walk(v);
  };
  walk(spec);
  expect(found, name).toBeDefined();
  return found!;
}
