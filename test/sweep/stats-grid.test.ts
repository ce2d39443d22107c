/** Statistics, axes (--grid / --space), shards and the CSV round trip. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { parseAxes, parseAxis, pointCoords, pointCount, pointIndex, pointSets, pointValues } from '../../src/sweep/axes.js';
import { parseCsv } from '../../src/sweep/files.js';
import { cell } from '../../src/output/csv-writer.js';
import { parseShard, shardPoints } from '../../src/sweep/shard.js';
import { meanCI, pairedDifferenceCI, round6, tQuantile975 } from '../../src/sweep/stats.js';

const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';
const TARGET = 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target"]';

describe('Student t quantiles and confidence intervals', () => {
  it('t_{0.975,df} matches scipy.stats.t.ppf to 6 decimals, table and expansion alike', () => {
    // Reference values: scipy.stats.t.ppf(0.975, df).
    const ref: Array<[number, number]> = [
      [1, 12.706205], [2, 4.302653], [4, 2.776445], [9, 2.262157], [29, 2.04523], [30, 2.042272],
      [31, 2.039513], [40, 2.021075], [50, 2.008559], [60, 2.000298], [100, 1.983972], [120, 1.97993], [1000, 1.962339], [100000, 1.959988],
    ];
    for (const [df, t] of ref) expect(tQuantile975(df), `df ${df}`).toBeCloseTo(t, 5);
    expect(() => tQuantile975(0)).toThrow(RangeError);
  });

  it('mean ± t·sd/√n; one value has no interval', () => {
    const ci = meanCI([1, 2, 3, 4]);
    expect(ci.mean).toBe(2.5);
    expect(ci.sd).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(ci.halfWidth).toBeCloseTo((3.182446 * Math.sqrt(5 / 3)) / 2, 6);
    expect(ci.lo).toBeCloseTo(2.5 - ci.halfWidth, 12);
    const one = meanCI([7]);
    expect(one.mean).toBe(7);
    expect(Number.isNaN(one.lo) && Number.isNaN(one.hi)).toBe(true);
    const d = pairedDifferenceCI([10, 12, 14], [9, 11, 13]);
    expect(d.mean).toBe(1);
    expect(d.halfWidth).toBe(0);
  });

  it('round6 prints back to the same double and has no negative zero', () => {
    for (const v of [0.1 + 0.2, 1 / 3, 123456.7891234, -0.00000001, 2.5e-7, 1e12 / 7]) {
      const r = round6(v);
      expect(Number(String(r))).toBe(r);
      expect(Object.is(r, -0)).toBe(false);
    }
  });
});

describe('--grid and --space axes', () => {
  it('reads lists, ranges with units and decimals, and quoted annotation keys', () => {
    expect(parseAxis(`${CC}=1,2,4`, '--grid')).toEqual({ path: CC, values: ['1', '2', '4'] });
    expect(parseAxis(`${TARGET}=10..30:10`, '--grid').values).toEqual(['10', '20', '30']);
    expect(parseAxis('configMaps.config-autoscaler.stable-window=30s..120s:30s', '--space')).toEqual({
      path: 'configMaps.config-autoscaler["stable-window"]',
      values: ['30s', '60s', '90s', '120s'],
    });
    expect(parseAxis('configMaps.config-autoscaler.panic-threshold-percentage=0.1..0.5:0.1', '--space').values).toEqual(['0.1', '0.2', '0.3', '0.4', '0.5']);
    expect(parseAxis(`${CC}=1..4`, '--space').values).toEqual(['1', '2', '3', '4']);
    // Commas inside brackets do not split; keys in quotes may contain "=".
    expect(parseAxis('clients[0].open.rate=[1, 2],[3, 4]', '--grid').values).toEqual(['[1, 2]', '[3, 4]']);
    expect(parseAxis('x["a=b"]=1,2', '--grid').path).toBe('x["a=b"]');
  });

  it('rejects bad axes with a one-line UsageError naming the flag', () => {
    const bad = [`${CC}`, `${CC}=`, `${CC}=1,,2`, `${CC}=1,1`, `${CC}=5..1`, `${CC}=1..5:0`, `${CC}=1s..5m:0s`, '=1,2', `${CC}=[1,2`, 'a..b=1'];
    for (const expr of bad) {
      let err: unknown;
      try {
        parseAxis(expr, '--grid');
      } catch (e) {
        err = e;
      }
      expect(err, expr).toBeInstanceOf(UsageError);
      expect((err as Error).message.startsWith('--grid'), expr).toBe(true);
      expect((err as Error).message).not.toContain('\n');
    }
    expect(() => parseAxes([], '--space')).toThrow(/--space: give at least one/);
    expect(() => parseAxes([`${CC}=1,2`, `${CC}=3`], '--grid')).toThrow(/given twice/);
  });

  it('numbers points row-major (last axis fastest) and turns them into --set overrides', () => {
    const axes = parseAxes([`${CC}=1,2,3`, 'configMaps.config-autoscaler.stable-window=30s,60s'], '--grid');
    expect(pointCount(axes)).toBe(6);
    expect(pointValues(axes, 0)).toEqual(['1', '30s']);
    expect(pointValues(axes, 1)).toEqual(['1', '60s']);
    expect(pointValues(axes, 5)).toEqual(['3', '60s']);
    for (let p = 0; p < 6; p++) expect(pointIndex(axes, pointCoords(axes, p))).toBe(p);
    expect(pointSets(axes, 3)).toEqual([`${CC}=2`, 'configMaps.config-autoscaler["stable-window"]=60s']);
  });
});

describe('--shard i/N', () => {
  it('parses i/N and rejects everything else', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    expect(parseShard(undefined)).toBeUndefined();
    for (const s of ['5/5', '-1/3', '1/0', '1', 'a/b', '1/3/4', '0.5/2', ' 0/2', '1/2 ']) expect(() => parseShard(s), s).toThrow(UsageError);
  });

  it('the shards of N partition the points, round robin', () => {
    for (const [points, n] of [[10, 3], [2, 5], [7, 1], [0, 2]] as const) {
      const all = Array.from({ length: n }, (_, i) => shardPoints(points, { index: i, count: n })).flat().sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: points }, (_, i) => i));
    }
    expect(shardPoints(10, { index: 1, count: 3 })).toEqual([1, 4, 7]);
  });
});

describe('CSV', () => {
  it('quotes what needs quoting and parses it back', () => {
    const rows = [['point', 'configMaps.config-autoscaler["stable-window"]', 'a,b', ' x', ''], ['1', '[1, 2]', 'line\nbreak', 'q"q', '']];
    const text = rows.map((r) => r.map(cell).join(',')).join('\n') + '\n';
    expect(parseCsv(text)).toEqual(rows);
  });
});
