import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { parseDurationFlag } from '../../src/cli/flags.js';

describe('parseDurationFlag: the Go durations a scenario takes', () => {
  it.each([
    ['90s', 90],
    ['10m', 600],
    ['1h30m', 5400],
    ['1.5m', 90],
    ['250ms', 0.25],
  ])('%j → %d s', (text, seconds) => {
    expect(parseDurationFlag(text)).toBe(seconds);
  });

  it('is undefined when the flag is absent', () => {
    expect(parseDurationFlag(undefined)).toBeUndefined();
  });

  it.each([
    ['90', '--duration: invalid duration "90": missing unit (use ns, us, ms, s, m or h; did you mean "90s"?)'],
    ['2.5', '--duration: invalid duration "2.5": missing unit (use ns, us, ms, s, m or h; did you mean "2.5s"?)'],
    ['10 minutes', '--duration: invalid duration "10 minutes": unknown unit " minutes" (use ns, us, ms, s, m or h)'],
    ['0', '--duration: must be > 0 (got "0")'],
    ['-5s', '--duration: must be > 0 (got "-5s")'],
  ])('rejects %j with one line', (text, message) => {
    let caught: unknown;
    try {
      parseDurationFlag(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).message).toBe(message);
  });

  it('names the flag it reads', () => {
    expect(() => parseDurationFlag('5', '--pause')).toThrow(/^--pause: invalid duration "5": missing unit .*"5s"/);
  });
});
