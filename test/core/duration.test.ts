import { describe, expect, it } from 'vitest';
import {
  isWholeSeconds,
  nanosToSeconds,
  parseGoDuration,
  parseGoDurationNanos,
  parseGoDurationWholeSeconds,
  tryParseGoDuration,
} from '../../src/core/duration.js';
import { InvalidArgumentError } from '../../src/core/errors.js';

describe('tryParseGoDuration (time.ParseDuration grammar)', () => {
  const valid: Array<[string, bigint]> = [
    ['0', 0n],
    ['+0', 0n],
    ['-0', 0n],
    ['0s', 0n],
    ['60s', 60_000_000_000n],
    ['1m30s', 90_000_000_000n],
    ['61984ms', 61_984_000_000n],
    ['1.5h', 5_400_000_000_000n],
    ['1.1h', 3_960_000_000_000n],
    ['300ms', 300_000_000n],
    ['-1s', -1_000_000_000n],
    ['-1m23s', -83_000_000_000n],
    ['+5s', 5_000_000_000n],
    ['.5s', 500_000_000n],
    ['5.s', 5_000_000_000n],
    ['1h1s', 3_601_000_000_000n],
    ['2m3s', 123_000_000_000n],
    ['21m31s', 1_291_000_000_000n],
    ['1m9s82ms', 69_082_000_000n],
    ['42.5s', 42_500_000_000n],
    ['1ns', 1n],
    ['1us', 1_000n],
    ['1\u00b5s', 1_000n],
    ['1\u03bcs', 1_000n],
    ['1h2m3s4ms5us6ns', 3_723_004_005_006n],
    // Fraction digits beyond nanosecond precision are truncated, as in Go.
    ['1.0000000001s', 1_000_000_000n],
    ['9223372036854775807ns', 9_223_372_036_854_775_807n],
    ['-9223372036854775808ns', -9_223_372_036_854_775_808n],
    ['2562047h47m16.854775807s', 9_223_372_036_854_775_807n],
  ];
  it.each(valid)('%j parses to %s ns', (text, nanos) => {
    const r = tryParseGoDuration(text);
    expect(r).toEqual({ ok: true, nanos });
  });

  const invalid: string[] = [
    '',
    '-',
    '+',
    '1',
    '00',
    '.s',
    '-.s',
    's',
    '1d',
    '1S',
    '1 s',
    ' 1s',
    '1s ',
    '1.2.3s',
    'not a duration',
    'jerry-was-a-racecar-driver',
    'twenty-two-minutes-and-five-seconds',
    '9223372036854775808ns',
    '2562048h',
    '1e3s',
  ];
  it.each(invalid)('%j is not a Go duration', (text) => {
    const r = tryParseGoDuration(text);
    expect(r.ok).toBe(false);
  });
});

describe('seconds helpers', () => {
  it.each([
    ['60s', 60],
    ['61984ms', 61.984],
    ['1.5h', 5400],
    ['300ms', 0.3],
    ['0', 0],
    ['-1s', -1],
    ['2m3s', 123],
  ])('parseGoDuration(%j) = %d s', (text, seconds) => {
    expect(parseGoDuration(text)).toBe(seconds);
  });

  it.each([
    ['60s', 60],
    ['1h', 3600],
    ['0', 0],
    ['-42s', -42],
    ['15m', 900],
  ])('parseGoDurationWholeSeconds(%j) = %d', (text, seconds) => {
    expect(parseGoDurationWholeSeconds(text, 'stable-window')).toBe(seconds);
  });

  it.each(['61984ms', '42.5s', '1m9s82ms', '1ns'])('parseGoDurationWholeSeconds rejects %j (sub-second precision)', (text) => {
    expect(() => parseGoDurationWholeSeconds(text, 'stable-window')).toThrow(InvalidArgumentError);
    expect(() => parseGoDurationWholeSeconds(text, 'stable-window')).toThrow(/stable-window.*second precision/);
  });

  it.each(['', 'abc', '5'])('parse helpers throw InvalidArgumentError naming the field for %j', (text) => {
    for (const fn of [parseGoDuration, parseGoDurationNanos, parseGoDurationWholeSeconds]) {
      try {
        fn(text, 'my-field');
        expect.fail('should have thrown');
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidArgumentError);
        expect((e as InvalidArgumentError).field).toBe('my-field');
      }
    }
  });

  it('rejects non-string input', () => {
    expect(() => parseGoDuration(60 as unknown as string)).toThrow(InvalidArgumentError);
  });

  it.each([
    [0n, true],
    [1_000_000_000n, true],
    [-3_000_000_000n, true],
    [1n, false],
    [61_984_000_000n, false],
  ])('isWholeSeconds(%s) = %s', (nanos, whole) => {
    expect(isWholeSeconds(nanos)).toBe(whole);
  });

  it.each([
    [60_000_000_000n, 60],
    [1n, 1e-9],
    [9_223_372_036_854_775_807n, 9_223_372_036.854776],
    [-9_000_000_000_000_000_000n, -9_000_000_000],
  ])('nanosToSeconds(%s) = %d', (nanos, seconds) => {
    expect(nanosToSeconds(nanos)).toBeCloseTo(seconds, 6);
  });
});

describe('tryParseGoDuration: more of time.ParseDuration', () => {
  const ok: [string, bigint][] = [
    ['0', 0n],
    ['+0', 0n],
    ['-0', 0n],
    ['0s', 0n],
    ['5s', 5_000_000_000n],
    ['300s', 300_000_000_000n],
    ['5m', 300_000_000_000n],
    ['1h', 3_600_000_000_000n],
    ['3h15m21s', 11_721_000_000_000n],
    ['1h2m3s4ms5us6ns', 3_723_004_005_006n],
    ['1.5h', 5_400_000_000_000n],
    ['.5s', 500_000_000n],
    ['1.s', 1_000_000_000n],
    ['-1.5s', -1_500_000_000n],
    ['+2m', 120_000_000_000n],
    ['10\u00b5s', 10_000n],
    ['10\u03bcs', 10_000n],
    ['1.0000000001s', 1_000_000_000n], // sub-nanosecond fraction truncates
    ['9223372036854775807ns', 9_223_372_036_854_775_807n],
    ['-9223372036854775808ns', -9_223_372_036_854_775_808n],
    ['2562047h', 9_223_369_200_000_000_000n],
  ];
  it.each(ok)('%j → %s ns', (s, want) => {
    expect(tryParseGoDuration(s)).toEqual({ ok: true, nanos: want });
  });
  const bad: [string, string][] = [
    ['', 'not a Go duration'],
    ['s', 'not a Go duration'],
    ['.s', 'not a Go duration'],
    ['-.s', 'not a Go duration'],
    ['5', 'missing unit (use ns, us, ms, s, m or h; did you mean "5s"?)'],
    ['-1.5', 'did you mean "-1.5s"?'],
    ['1x5', 'unknown unit "x"'],
    ['120000000000', 'missing unit'],
    ['1d', 'unknown unit "d"'],
    ['5 s', 'unknown unit " s"'],
    ['five minutes and 6 seconds', 'not a Go duration'],
    ['CLXXXIIIs', 'not a Go duration'],
    ['3000000h', 'overflows'],
    ['9223372036854775808ns', 'overflows'],
    ['99999999999999999999s', 'overflows'],
  ];
  it.each(bad)('%j is rejected (%s)', (s, reason) => {
    const r = tryParseGoDuration(s);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toContain(reason);
  });
});
