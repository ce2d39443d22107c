import { describe, expect, it } from 'vitest';
import { percentOf } from '../../src/output/percent.js';

describe('percentOf: two decimals, never rounded onto 0 % or 100 % it has not reached', () => {
  it.each([
    [0, 1_000_000, '0.00%'],
    [1, 1_000_000, '<0.01%'], // read 0.00%, as if there were none
    [49, 1_000_000, '<0.01%'],
    [50, 1_000_000, '0.01%'],
    [1, 3, '33.33%'],
    [999_999, 1_000_000, '>99.99%'], // read 100.00%, as if every request had failed
    [9_999, 10_000, '99.99%'],
    [5, 5, '100.00%'],
    [1, 0, '–'],
  ])('%i of %i: %s', (n, d, text) => {
    expect(percentOf(n, d)).toBe(text);
  });
});
