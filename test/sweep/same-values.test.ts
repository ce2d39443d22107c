/**
 * Two values of an axis that set the same thing (30s and 0.5m) are refused before any run:
 * the text check only caught the same spelling, so such a sweep ran each point twice and a
 * tune could flag two copies of one setting as a tie.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { valueKey } from '../../src/sweep/same-values.js';

const FILE = 'scenarios/quickstart.yaml';
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';
const TARGET = 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target"]';
const define = (exprs: string[], flag: '--grid' | '--space' = '--grid') => defineSweep({ file: FILE, axes: parseAxes(exprs, flag), replications: 2, flag }).def;

describe('valueKey', () => {
  it.each([
    ['30s', '0.5m'],
    ['1m30s', '90s'],
    ['500ms', '0.5s'],
    ['10', '10.0'],
    ['10', '1e1'],
    ['7', '07'],
  ])('%s and %s have one key', (a, b) => expect(valueKey(a)).toBe(valueKey(b)));

  it.each([
    ['30s', '31s'],
    ['10', '10.5'],
    ['enabled', 'disabled'],
    ['a', 'A'],
  ])('%s and %s differ', (a, b) => expect(valueKey(a)).not.toBe(valueKey(b)));
});

describe('an axis with two values that set the same thing', () => {
  it.each([
    { expr: 'configMaps.config-autoscaler.stable-window=30s,60s,0.5m', a: '30s', b: '0.5m' },
    { expr: `${TARGET}=10,50,10.0`, a: '10', b: '10.0' },
    { expr: `${CC}=1,2,1.0`, a: '1', b: '1.0' },
  ])('is refused, naming both: $expr', ({ expr, a, b }) => {
    expect(() => define([expr, 'configMaps.config-autoscaler.scale-down-delay=0s,30s'])).toThrow(
      `--grid ${parseAxes([expr], '--grid')[0]!.path}=${expr.slice(expr.indexOf('=') + 1)}: the values "${a}" and "${b}" set the same (each point with one would repeat a point with the other); keep one`,
    );
    expect(() => define([expr], '--space')).toThrow(/^--space .*set the same/);
  });

  it('takes values that only look alike, and a key knsim takes without simulating', () => {
    expect(define(['configMaps.config-autoscaler.stable-window=30s,31s,0.6m']).axes[0]!.values).toEqual(['30s', '31s', '0.6m']);
    // enabled and disabled load alike (knsim does not simulate http-protocol), but they are not one setting.
    expect(define(['configMaps.config-network.http-protocol=enabled,disabled']).axes[0]!.values).toEqual(['enabled', 'disabled']);
  });

  it('fails the CLI with one line and exit 2, before any output', () => {
    const root = resolve(import.meta.dirname, '../..');
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-same-values-')), 'out');
    const r = spawnSync(process.execPath, [join(root, 'bin/knsim.js'), 'sweep', FILE, '--grid', 'configMaps.config-autoscaler.stable-window=30s,0.5m', '--out', out, '--no-report'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CI: '1' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('knsim: --grid configMaps.config-autoscaler["stable-window"]=30s,0.5m: the values "30s" and "0.5m" set the same (each point with one would repeat a point with the other); keep one\n');
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });
});
