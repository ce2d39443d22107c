/** --grid/--space (issue 14): mixed-unit ranges, and paths into manifest fields that do not exist. */
import { describe, expect, it } from 'vitest';
import { parseAxis } from '../../src/sweep/axes.js';

const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';

describe('ranges with mixed units', () => {
  it.each([
    { expr: 'a=0s..10m:1m', values: ['0s', '60s', '120s', '180s', '240s', '300s', '360s', '420s', '480s', '540s', '600s'] },
    { expr: 'a=1m..2m:30s', values: ['60s', '90s', '120s'] },
    { expr: 'a=500ms..2s:500ms', values: ['500ms', '1000ms', '1500ms', '2000ms'] },
    { expr: 'a=0..1m:15s', values: ['0s', '15s', '30s', '45s', '60s'] },
    { expr: 'a=1h..90m:15m', values: ['60m', '75m', '90m'] },
    // One unit throughout stays as it was.
    { expr: 'a=30s..120s:30s', values: ['30s', '60s', '90s', '120s'] },
    { expr: 'a=0.1..0.5:0.1', values: ['0.1', '0.2', '0.3', '0.4', '0.5'] },
  ])('$expr', ({ expr, values }) => {
    expect(parseAxis(expr, '--grid').values).toEqual(values);
  });

  it('refuses units that are not all durations', () => {
    expect(() => parseAxis('a=1s..5%:1', '--space')).toThrow(
      `--space a=1s..5%:1: a range's numbers must share one unit, or all be durations (ms, s, m, h) (got "1s..5%:1")`,
    );
  });
});

describe('ranges whose step or ends knsim cannot use are refused, not read as one value', () => {
  it.each([
    // Read as the single string value "1..2:1e-300" before: the exponent was not part of a number.
    { range: '1..2:1e-300', rule: 'the range "1..2:1e-300" has about 1e+300 values (at most 10,000): use a larger step' },
    { range: '0..1:1e-5', rule: 'the range "0..1:1e-5" has 100,001 values (at most 10,000): use a larger step' },
    { range: '1..20000', rule: 'the range "1..20000" has 20,000 values (at most 10,000): use a larger step' },
    { range: '-1e308..1e308:1', rule: 'the range "-1e308..1e308:1" has more values than can be counted (at most 10,000): use a larger step' },
    { range: '1..2:0', rule: `a range's step must be > 0 (got "1..2:0")` },
    { range: '1..2:-1', rule: `a range's step must be > 0 (got "1..2:-1")` },
    { range: '1..2:0e5', rule: `a range's step must be > 0 (got "1..2:0e5")` },
    { range: '1..2:1e999', rule: '1e999 is not a finite number (got "1..2:1e999")' },
    { range: '1..1e999', rule: '1e999 is not a finite number (got "1..1e999")' },
    { range: '1..2:.inf', rule: `a range's step must be a number > 0 with an optional unit, such as 2 or 30s (got "1..2:.inf")` },
    { range: '1..2:0x10', rule: `a range's step must be a number > 0 with an optional unit, such as 2 or 30s (got "1..2:0x10")` },
    { range: '0..1e-297:1e-300', rule: `a range's numbers may have at most 100 digits after the point (got "0..1e-297:1e-300")` },
  ])('$range', ({ range, rule }) => {
    for (const flag of ['--grid', '--space'] as const) expect(() => parseAxis(`${CC}=${range}`, flag)).toThrow(`${flag} ${CC}=${range}: ${rule}`);
  });

  it.each([
    { expr: 'a=1e3..2e3:5e2', values: ['1000', '1500', '2000'] },
    { expr: 'a=0..0.003:1e-3', values: ['0', '0.001', '0.002', '0.003'] },
    { expr: 'a=1.5e1..2.5e1:5', values: ['15', '20', '25'] },
    // A step that does not start like a number leaves the text a value of its own.
    { expr: 'a=1..2:abc', values: ['1..2:abc'] },
  ])('exponents are numbers: $expr', ({ expr, values }) => {
    expect(parseAxis(expr, '--grid').values).toEqual(values);
  });
});

describe('paths into a Knative Service', () => {
  it.each(['--grid', '--space'] as const)('%s refuses a misspelt manifest field, with the fix', (flag) => {
    const expr = 'services[0].manifest.spec.template.spec.containerConcurency=1,2';
    expect(() => parseAxis(expr, flag)).toThrow(
      `${flag} ${expr}: "containerConcurency" is not a field of services[0].manifest.spec.template.spec (did you mean ${CC}?)`,
    );
  });

  it('accepts the real field', () => {
    expect(parseAxis(`${CC}=1,2`, '--grid')).toEqual({ path: CC, values: ['1', '2'] });
  });
});

describe('a list of values has the range\'s cap', () => {
  // A list had no cap: 100,000 values were each checked as an override, then run.
  it('10,000 values are fine, 10,001 are refused in one short line', () => {
    const list = (n: number): string => Array.from({ length: n }, (_, i) => String(i + 1)).join(',');
    expect(parseAxis(`${CC}=${list(10_000)}`, '--grid').values).toHaveLength(10_000);
    for (const flag of ['--grid', '--space'] as const) {
      const expr = `${CC}=${list(10_001)}`;
      let message = '';
      try {
        parseAxis(expr, flag);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toBe(`${flag} ${expr.slice(0, 199)}…: 10,001 values (at most 10,000)`);
    }
  });
});
