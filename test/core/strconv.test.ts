import { describe, expect, it } from 'vitest';
import { goEqualFoldAscii, goParseBool, goParseFloat, goParseInt, goToLower, goTrimSpace } from '../../src/core/strconv.js';

describe('goParseBool (strconv.ParseBool)', () => {
  it.each([
    ['1', true],
    ['t', true],
    ['T', true],
    ['true', true],
    ['TRUE', true],
    ['True', true],
    ['0', false],
    ['f', false],
    ['F', false],
    ['false', false],
    ['FALSE', false],
    ['False', false],
  ])('%j → %s', (text, value) => {
    expect(goParseBool(text)).toEqual({ ok: true, value });
  });
  it.each(['', 'yes', 'no', 'tRuE', ' true', 'true ', 'invalid', 'on'])('%j is a syntax error', (text) => {
    expect(goParseBool(text)).toEqual({ ok: false, reason: 'syntax' });
  });
});

describe('goParseInt (strconv.ParseInt base 10)', () => {
  it.each([
    ['0', 32, 0n],
    ['-0', 32, 0n],
    ['+5', 32, 5n],
    ['007', 32, 7n],
    ['-1', 32, -1n],
    ['2147483647', 32, 2147483647n],
    ['-2147483648', 32, -2147483648n],
    ['2147483648', 64, 2147483648n],
    ['9223372036854775807', 64, 9223372036854775807n],
  ] as const)('%j (int%d) → %s', (text, bits, value) => {
    expect(goParseInt(text, bits)).toEqual({ ok: true, value });
  });
  it.each([
    ['', 32, 'syntax'],
    ['+', 32, 'syntax'],
    ['1.0', 32, 'syntax'],
    ['1e3', 32, 'syntax'],
    ['1_000', 32, 'syntax'],
    ['0x10', 32, 'syntax'],
    [' 1', 32, 'syntax'],
    ['foo', 32, 'syntax'],
    ['2147483648', 32, 'range'],
    ['-2147483649', 32, 'range'],
    ['9223372036854775808', 64, 'range'],
  ] as const)('%j (int%d) fails with %s', (text, bits, reason) => {
    expect(goParseInt(text, bits)).toEqual({ ok: false, reason });
  });
});

describe('goParseFloat (strconv.ParseFloat 64)', () => {
  it.each([
    ['0', 0],
    ['70', 70],
    ['10.0', 10],
    ['0.71', 0.71],
    ['-5.25', -5.25],
    ['+3', 3],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1E-2', 0.01],
    ['1_000', 1000],
    ['1_000.5', 1000.5],
    ['0x1p4', 16],
    ['0X1.8P1', 3],
    ['0x_1p0', 1],
    ['1e-400', 0],
    ['Inf', Infinity],
    ['-infinity', -Infinity],
    ['+INF', Infinity],
  ])('%j → %d', (text, value) => {
    expect(goParseFloat(text)).toEqual({ ok: true, value });
  });
  it('NaN parses (callers refuse it)', () => {
    const r = goParseFloat('nan');
    expect(r.ok && Number.isNaN(r.value)).toBe(true);
  });
  it.each([
    ['', 'syntax'],
    ['.', 'syntax'],
    ['1e', 'syntax'],
    ['1e+', 'syntax'],
    ['_1', 'syntax'],
    ['1_', 'syntax'],
    ['1__0', 'syntax'],
    ['1._5', 'syntax'],
    ['0x', 'syntax'],
    ['0x1', 'syntax'],
    ['100}', 'syntax'],
    ['not a float', 'syntax'],
    ['fifty', 'syntax'],
    [' 1', 'syntax'],
    ['+nan', 'syntax'],
    ['infin', 'syntax'],
    ['1,5', 'syntax'],
    ['1e400', 'range'],
    ['-1e400', 'range'],
  ] as const)('%j fails with %s', (text, reason) => {
    expect(goParseFloat(text)).toEqual({ ok: false, reason });
  });
});

describe('goTrimSpace (strings.TrimSpace)', () => {
  it.each([
    [' a b ', 'a b'],
    ['\t\n\v\f\r a', 'a'],
    ['\u0085a\u00a0', 'a'],
    ['\u3000a\u2028', 'a'],
    // Not White_Space in Go, though JavaScript's trim removes it.
    ['\ufeffa', '\ufeffa'],
    ['\u200ba', '\u200ba'],
    ['   ', ''],
  ])('%j → %j', (text, want) => {
    expect(goTrimSpace(text)).toBe(want);
  });
});

describe('goEqualFoldAscii (strings.EqualFold against a lower-case ASCII word)', () => {
  it.each([
    ['Disabled', 'disabled', true],
    ['DISABLED', 'disabled', true],
    // ſ folds to s and the Kelvin sign to k; nothing else non-ASCII reaches ASCII.
    ['di\u017fabled', 'disabled', true],
    ['\u212aourier', 'kourier', true],
    ['d\u0131sabled', 'disabled', false],
    ['disabled ', 'disabled', false],
  ] as const)('%j vs %j → %s', (s, word, want) => {
    expect(goEqualFoldAscii(s, word)).toBe(want);
  });
});

describe('goToLower (strings.ToLower, simple case mapping)', () => {
  it.each([
    ['ENABLED', 'enabled'],
    // JavaScript's full mapping gives i + U+0307 and a final ς; Go gives i and σ.
    ['DİSABLED', 'disabled'],
    ['ΟΔΟΣ', 'οδοσ'],
    // The Kelvin sign lowers to k in both.
    ['\u212a', 'k'],
  ])('%j → %j', (text, want) => {
    expect(goToLower(text)).toBe(want);
  });
});
