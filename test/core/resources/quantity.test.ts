import { describe, expect, it } from 'vitest';
import * as autoscaler from '../../../src/core/autoscaler/index.js';
import * as resources from '../../../src/core/resources/index.js';
import {
  QuantityError,
  formatCpuMillicores,
  formatMemoryBytes,
  formatQuantity,
  parseCpuMillicores,
  parseMemoryBytes,
  parseQuantity,
  quantityOf,
  scaledValue,
  type QuantityFormat,
} from '../../../src/core/resources/index.js';

/** Value as a decimal string (nano precision) for readable expectations. */
function dec(nanos: bigint): string {
  const neg = nanos < 0n;
  const a = neg ? -nanos : nanos;
  const int = a / 1_000_000_000n;
  const frac = (a % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

// Upstream's parse table (apimachinery quantity_test.go TestQuantityParse), re-expressed:
// input → exact value, format it keeps, and the canonical string it prints.
const PARSE: Array<[string, string, QuantityFormat, string]> = [
  ['0', '0', 'DecimalSI', '0'],
  ['0n', '0', 'DecimalSI', '0'],
  ['0Ki', '0', 'BinarySI', '0'],
  ['0Mi', '0', 'BinarySI', '0'],
  ['0T', '0', 'DecimalSI', '0'],
  ['1', '1', 'DecimalSI', '1'],
  ['1Ki', '1024', 'BinarySI', '1Ki'],
  ['8Ki', '8192', 'BinarySI', '8Ki'],
  ['7Mi', String(7 * 1024 ** 2), 'BinarySI', '7Mi'],
  ['6Gi', String(6 * 1024 ** 3), 'BinarySI', '6Gi'],
  ['5Ti', String(5 * 1024 ** 4), 'BinarySI', '5Ti'],
  ['4Pi', String(4n * 1024n ** 5n), 'BinarySI', '4Pi'],
  ['3Ei', String(3n * 1024n ** 6n), 'BinarySI', '3Ei'],
  ['100Ti', String(100 * 1024 ** 4), 'BinarySI', '100Ti'],
  ['5n', '0.000000005', 'DecimalSI', '5n'],
  ['4u', '0.000004', 'DecimalSI', '4u'],
  ['3m', '0.003', 'DecimalSI', '3m'],
  ['8k', '8000', 'DecimalSI', '8k'],
  ['50k', '50000', 'DecimalSI', '50k'],
  ['7M', '7000000', 'DecimalSI', '7M'],
  ['6G', '6000000000', 'DecimalSI', '6G'],
  ['40T', '40000000000000', 'DecimalSI', '40T'],
  ['300T', '300000000000000', 'DecimalSI', '300T'],
  ['2P', '2000000000000000', 'DecimalSI', '2P'],
  ['1E', '1000000000000000000', 'DecimalSI', '1E'],
  ['1E-3', '0.001', 'DecimalExponent', '1e-3'],
  ['1e3', '1000', 'DecimalExponent', '1e3'],
  ['1E6', '1000000', 'DecimalExponent', '1e6'],
  ['1e14', '100000000000000', 'DecimalExponent', '100e12'],
  ['1e13', '10000000000000', 'DecimalExponent', '10e12'],
  ['100.035k', '100035', 'DecimalSI', '100035'],
  ['0.001', '0.001', 'DecimalSI', '1m'],
  ['0.0005k', '0.5', 'DecimalSI', '500m'],
  ['0.05', '0.05', 'DecimalSI', '50m'],
  ['0.50000', '0.5', 'DecimalSI', '500m'],
  ['0.5e-1', '0.05', 'DecimalExponent', '50e-3'],
  ['10.035M', '10035000', 'DecimalSI', '10035k'],
  ['1.2e3', '1200', 'DecimalExponent', '1200'],
  ['1.3E+6', '1300000', 'DecimalExponent', '1300e3'],
  ['1.53E12', '1530000000000', 'DecimalExponent', '1530e9'],
  ['1.7E18', '1700000000000000000', 'DecimalExponent', '1700e15'],
  ['9.01', '9.01', 'DecimalSI', '9010m'],
  ['8.1k', '8100', 'DecimalSI', '8100'],
  ['7.123456M', '7123456', 'DecimalSI', '7123456'],
  ['6.987654321G', '6987654321', 'DecimalSI', '6987654321'],
  ['5.444T', '5444000000000', 'DecimalSI', '5444G'],
  ['2.5P', '2500000000000000', 'DecimalSI', '2500T'],
  ['1.01E', '1010000000000000000', 'DecimalSI', '1010P'],
  // Rounding up to 1n, never down.
  ['3.001n', '0.000000004', 'DecimalSI', '4n'],
  ['1.1E-9', '0.000000002', 'DecimalExponent', '2e-9'],
  ['0.0000000001', '0.000000001', 'DecimalSI', '1n'],
  ['0.5e-9', '0.000000001', 'DecimalExponent', '1e-9'],
  ['0.00000012345', '0.000000124', 'DecimalSI', '124n'],
  // Binary values cap at 2^63−1; decimal ones do not.
  ['9Ei', '9223372036854775807', 'BinarySI', '9223372036854775807'],
  ['9223372036854775807Ki', '9223372036854775807', 'BinarySI', '9223372036854775807'],
  ['12E', '12000000000000000000', 'DecimalSI', '12E'],
  ['100.035Ki', '102435.84', 'BinarySI', '102435840m'],
  ['0.5Mi', '524288', 'BinarySI', '512Ki'],
  ['0.05Gi', '53687091.2', 'BinarySI', '53687091200m'],
  ['0.025Ti', '27487790694.4', 'BinarySI', '27487790694400m'],
  // Odd but accepted.
  ['0.000000000001Ki', '0.000000002', 'DecimalSI', '2n'],
  ['.001', '0.001', 'DecimalSI', '1m'],
  ['.0001k', '0.1', 'DecimalSI', '100m'],
  ['1.', '1', 'DecimalSI', '1'],
  ['1.G', '1000000000', 'DecimalSI', '1G'],
  // Big numbers (TestParseQuantity): exact beyond int64.
  ['999999999999999999.1', '999999999999999999.1', 'DecimalSI', '999999999999999999100m'],
  ['9999999999999999999', '9999999999999999999', 'DecimalSI', '9999999999999999999'],
  ['10000000000000000000', '10000000000000000000', 'DecimalSI', '10E'],
  ['1.000000000000000001E', '1000000000000000001', 'DecimalSI', '1000000000000000001'],
  ['9223372036854775808.1', '9223372036854775808.1', 'DecimalSI', '9223372036854775808100m'],
  ['1000000000000000000.0', '1000000000000000000', 'DecimalSI', '1E'],
];

describe('parseQuantity: upstream parse table', () => {
  it.each(PARSE)('%s = %s (%s), prints %s', (input, value, format, canonical) => {
    const q = parseQuantity(input);
    expect(dec(q.nanos)).toBe(value);
    expect(q.format).toBe(format);
    expect(formatQuantity(q)).toBe(canonical);
  });
  it.each(PARSE.filter(([, v]) => v !== '0'))('-%s is the negation and prints with a minus', (input, value, format, canonical) => {
    const q = parseQuantity(`-${input}`);
    expect(dec(q.nanos)).toBe(`-${value}`);
    expect(q.format).toBe(format);
    expect(formatQuantity(q)).toBe(`-${canonical}`);
  });
  it.each(PARSE)('+%s equals %s', (input, value) => {
    expect(dec(parseQuantity(`+${input}`).nanos)).toBe(value);
  });
});

// TestQuantityString / TestQuantityParseEmit: non-canonical spellings print canonically.
const EMIT: Array<[string, string]> = [
  ['1024Mi', '1Gi'],
  ['307200Ki', '300Mi'],
  ['1025024Mi', '1001Gi'],
  ['1024Gi', '1Ti'],
  ['1000M', '1G'],
  ['0.001T', '1G'],
  ['1000u', '1m'],
  ['1.08', '1080m'],
  ['1080000000n', '1080m'],
  ['.001e12', '1e9'],
  ['0.001e0', '1e-3'],
  ['1000e-12', '1e-9'],
  ['00', '0'],
  ['.001Ki', '1024m'],
  ['.000001Ki', '1024u'],
  ['.000000001Ki', '1024n'],
  ['.000000000001Ki', '2n'],
  ['1025Ki', '1025Ki'],
  ['1Ki', '1Ki'],
];

describe('formatQuantity: canonical form', () => {
  it.each(EMIT)('%s prints %s', (input, out) => {
    expect(formatQuantity(parseQuantity(input))).toBe(out);
  });
  it.each([
    [quantityOf(5, 0, 'BinarySI'), '5'],
    [quantityOf(500, -3, 'BinarySI'), '500m'],
    [quantityOf(1025, 0, 'BinarySI'), '1025'],
    [quantityOf(1234567, -3, 'BinarySI'), '1234567m'],
    [quantityOf(1234567, 6, 'DecimalSI'), '1234567M'],
    [quantityOf(108, -2, 'DecimalSI'), '1080m'],
    [quantityOf(10800, -10, 'DecimalSI'), '1080n'],
    [quantityOf(300, 6, 'DecimalExponent'), '300e6'],
    [quantityOf(80, -3, 'DecimalExponent'), '80e-3'],
    [quantityOf(0, 0, 'DecimalExponent'), '0'],
  ])('%o prints %s', (q, out) => {
    expect(formatQuantity(q)).toBe(out);
  });
  it('prints past E with the E suffix (upstream would drop the magnitude)', () => {
    expect(formatQuantity(parseQuantity('1000E'))).toBe('1000E');
  });
});

describe('parseQuantity: malformed strings name the rule', () => {
  it.each([
    ['', 'format'],
    ['1.1.M', 'format'],
    ['1+1.0M', 'format'],
    ['aoeu', 'format'],
    ['-3.01e-', 'suffix'],
    [' 1', 'format'],
    ['1 ', 'format'],
    ['0.1mi', 'suffix'],
    ['0.1am', 'format'],
    ['.5i', 'suffix'],
    ['1i', 'suffix'],
    ['-3.01i', 'suffix'],
    ['1e', 'suffix'],
    ['1Kb', 'format'],
    ['2GB', 'format'],
    ['1e99999999999999999999', 'suffix'],
    ['.e-10', 'numeric'],
    ['Ei', 'numeric'],
  ] as const)('%j breaks the %s rule', (input, rule) => {
    let err: unknown;
    try {
      parseQuantity(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QuantityError);
    expect((err as QuantityError).rule).toBe(rule);
    expect((err as Error).message).toContain(JSON.stringify(input));
  });
  it('reads digit-less numbers as 0 like Kubernetes, unless digits are required', () => {
    for (const s of ['.', '+', '-', 'Ki', 'm', 'e3']) expect(parseQuantity(s).nanos).toBe(0n);
    for (const s of ['.', '+', 'Ki', 'm']) expect(() => parseQuantity(s, { requireDigits: true })).toThrow(/needs at least one digit/);
  });
});

describe('CPU millicores and memory bytes', () => {
  it.each([
    ['500m', 500],
    ['1.5', 1500],
    ['1', 1000],
    ['0.1m', 1],
    ['250u', 1],
    ['1e3', 1000000],
    ['1k', 1000000],
    ['25m', 25],
    ['2.0005', 2001],
  ])('cpu %s = %i m', (s, m) => expect(parseCpuMillicores(s)).toBe(m));
  it.each([
    ['2Gi', 2147483648],
    ['100Mi', 104857600],
    ['100M', 100000000],
    ['1.5Ki', 1536],
    ['128974848', 128974848],
    ['129e6', 129000000],
    ['123Mi', 128974848],
    ['0.5', 1],
  ])('memory %s = %i B', (s, b) => expect(parseMemoryBytes(s)).toBe(b));
  it('refuses negative and enormous amounts with the rule', () => {
    expect(() => parseCpuMillicores('-1')).toThrow('"-1": must be greater than or equal to 0');
    expect(() => parseMemoryBytes('9E')).toThrow(/is larger than 9007199254740991 bytes/);
  });
  it.each([
    [500, '500m'],
    [1000, '1'],
    [1500, '1500m'],
    [25, '25m'],
    [0, '0'],
  ])('formats %i m as %s', (m, s) => expect(formatCpuMillicores(m)).toBe(s));
  it.each([
    [2147483648, '2Gi'],
    [104857600, '100Mi'],
    [1000, '1k'],
    [1000000, '1000000'],
    [1536, '1536'],
  ])('formats %i B as %s', (b, s) => expect(formatMemoryBytes(b)).toBe(s));
  it('MilliValue and Value round up away from zero', () => {
    expect(scaledValue(parseQuantity('-1.0001'), -3)).toBe(-1001n);
    expect(scaledValue(parseQuantity('1.0001'), 0)).toBe(2n);
  });
  it('refuses amounts that are not whole with an InvalidArgumentError naming the argument (it was a bare RangeError, or BigInt\'s own message)', () => {
    const bad = (f: () => unknown, message: string) => expect(f).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', message }));
    bad(() => formatCpuMillicores(-1), 'millicores: must be a whole number ≥ 0, got -1');
    bad(() => formatMemoryBytes(1.5), 'bytes: must be a whole number ≥ 0, got 1.5');
    bad(() => quantityOf(NaN, 0, 'DecimalSI'), 'value: must be a whole number, got NaN');
    bad(() => quantityOf(5, 0.5, 'DecimalSI'), 'scale: must be an integer, got 0.5');
    expect(resources.InvalidArgumentError).toBe(autoscaler.InvalidArgumentError); // knsim/resources exports it too, one class
  });
});
