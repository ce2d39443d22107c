/**
 * The playground's seed and duration fields: a bad seed is the seed field's error, as
 * `knsim run --seed` makes it, not a scenario.yaml field at a line that never held it.
 */
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { overrideFields } from '../../web/src/fields.js';
import { runKnsim } from '../support/cli.js';

describe('overrideFields', () => {
  it('reads a whole seed and a duration, empty as the scenario\'s', () => {
    expect(overrideFields(' 42 ', '90s')).toEqual({ seed: 42, durationSeconds: 90 });
    expect(overrideFields('', '')).toEqual({ seed: undefined, durationSeconds: undefined });
    expect(overrideFields('0', '2s')).toEqual({ seed: 0, durationSeconds: 2 });
    expect(overrideFields('', '1h30m')).toEqual({ seed: undefined, durationSeconds: 5400 });
  });

  it.each(['-1', '1.5', '1e3', '0x10', '99999999999999999999'])('refuses seed %s naming the field', (v) => {
    expect(() => overrideFields(v, '')).toThrow(`seed: must be a whole number ≥ 0 (got "${v}")`);
  });

  it('refuses a bad duration naming the field', () => {
    expect(() => overrideFields('', 'abc')).toThrow(/^duration: invalid duration "abc"/);
    expect(() => overrideFields('', '0s')).toThrow('duration: must be greater than 0, got 0s');
  });

  it.each(['90', '2', '1.5'])('refuses the bare number %s with --duration\'s hint, as knsim run --duration does (it ran 90 as 90 s)', (v) => {
    expect(() => overrideFields('', v)).toThrow(`duration: invalid duration "${v}": missing unit (use ns, us, ms, s, m or h; did you mean "${v}s"?)`);
    const cli = runKnsim(['run', 'scenarios/hello-world.yaml', '--duration', v, '--out', join(tmpdir(), 'knsim-never-written')]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toBe(`knsim: --duration: invalid duration "${v}": missing unit (use ns, us, ms, s, m or h; did you mean "${v}s"?)\n`);
  });
});
