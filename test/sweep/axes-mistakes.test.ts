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
