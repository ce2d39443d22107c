/** The README as the docs tests read it, and a section of it by heading. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

export const readme = readFileSync(join(resolve(import.meta.dirname, '../..'), 'README.md'), 'utf8');

/** The README from a heading line to the next heading. */
export function section(heading: string): string {
  const start = readme.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n#', start + heading.length + 2);
  return readme.slice(start, end < 0 ? undefined : end);
}
