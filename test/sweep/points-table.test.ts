/** The sweep and tune points table: a point without a latency (no 200s) says so once, not "– [–, –]". */
import { describe, expect, it } from 'vitest';
import { withCI } from '../../src/sweep/report/report.js';

describe('a table cell of mean [95 % interval]', () => {
  it('is "– (no 200s)" for a latency no run had, "–" for another metric without a value', () => {
    expect(withCI('p99_ms', { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN })).toBe('– (no 200s)');
    expect(withCI('node_cost_usd', { mean: Number.NaN, lo: null, hi: null })).toBe('–');
  });

  it('keeps mean [lo, hi] otherwise', () => {
    expect(withCI('p99_ms', { mean: 5939.917, lo: 5246.537, hi: 6599.675 })).toBe('5939.92 [5246.54, 6599.68]');
    expect(withCI('error_rate', { mean: 0.0556, lo: 0.0046, hi: 0.428 })).toBe('5.56% [0.46%, 42.8%]');
  });
});
