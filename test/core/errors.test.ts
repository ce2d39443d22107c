import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, requireFinite, requireInteger, requireNonNegative, requirePositive } from '../../src/core/errors.js';

// The checks keep their comparison inline and build errors out of line (errors.ts): these
// tables pin what each accepts and the exact message of each rejection, including values a
// JavaScript caller could pass despite the types (strings, null, booleans, BigInts).
const NOT_FINITE: [unknown, string][] = [
  [NaN, 'NaN'],
  [Infinity, 'Infinity'],
  [-Infinity, '-Infinity'],
  ['5', '5'],
  [null, 'null'],
  [undefined, 'undefined'],
  [true, 'true'],
  [5n, '5'],
  [{}, '[object Object]'],
];

type Check = (field: string, v: number) => number;

describe('numeric argument checks', () => {
  const cases: [string, Check, number[], [number, string][]][] = [
    ['requireFinite', requireFinite, [0, -0, 1, 2.5, -1, -2.5, Number.MAX_VALUE], []],
    ['requireNonNegative', requireNonNegative, [0, -0, 1, 2.5, Number.MAX_VALUE], [[-1, 'must be ≥ 0, got -1'], [-2.5, 'must be ≥ 0, got -2.5'], [-Number.MIN_VALUE, 'must be ≥ 0, got -5e-324']]],
    ['requirePositive', requirePositive, [1, 2.5, Number.MIN_VALUE], [[0, 'must be > 0, got 0'], [-0, 'must be > 0, got 0'], [-1, 'must be > 0, got -1']]],
    ['requireInteger', requireInteger, [0, -0, 7, -7, 2 ** 53], [[2.5, 'must be an integer, got 2.5'], [-0.5, 'must be an integer, got -0.5']]],
    ['requireInteger with min 3', (f, v) => requireInteger(f, v, 3), [3, 4, 1e9], [[2, 'must be ≥ 3, got 2'], [-1, 'must be ≥ 3, got -1'], [3.5, 'must be an integer, got 3.5']]],
  ];

  for (const [name, check, accepted, rejected] of cases) {
    describe(name, () => {
      it.each(accepted.map((v) => [v]))('accepts %s and returns it', (v) => {
        expect(Object.is(check('x.f', v), v)).toBe(true);
      });
      it.each(rejected)('rejects %s: %s', (v, message) => {
        expect(() => check('x.f', v)).toThrow(new InvalidArgumentError('x.f', message));
      });
      it.each(NOT_FINITE)('rejects the non-finite or non-number %s first as not finite', (v, shown) => {
        let thrown: unknown;
        try {
          check('x.f', v as number);
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(InvalidArgumentError);
        expect((thrown as InvalidArgumentError).message).toBe(`x.f: must be a finite number, got ${shown}`);
        expect((thrown as InvalidArgumentError).field).toBe('x.f');
      });
    });
  }
});
