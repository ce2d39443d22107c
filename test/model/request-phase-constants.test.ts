/**
 * The per-request modules read the request phases through constants of their own (see Phase in
 * src/model/request.ts): an imported enum member is loaded at every use in optimized code, which
 * cost steady-1h about 7 % of its instructions per request.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const PER_REQUEST = ['src/model/world.ts', 'src/model/pod.ts', 'src/model/activator.ts'];
const COPY = /^const [A-Z_]+ = Phase\.[A-Za-z]+;$/;

describe('request phases on the per-request path', () => {
  for (const file of PER_REQUEST) {
    it(`${file} reads Phase members only in its module constants`, () => {
      const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
      const uses = lines.filter((l) => /\bPhase\.[A-Za-z]/.test(l));
      expect(uses.length).toBeGreaterThan(0);
      expect(uses.filter((l) => !COPY.test(l))).toEqual([]);
    });
  }

  it('the check finds a member read in place', () => {
    expect(COPY.test('    if (req.phase === Phase.Done) return;')).toBe(false);
    expect(COPY.test('const DONE = Phase.Done;')).toBe(true);
  });
});
