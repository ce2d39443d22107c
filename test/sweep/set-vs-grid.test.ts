/**
 * A --set of the very path a --grid (or --space) axis varies would be silently overridden
 * at every point (the point's own value is applied after it): refused as the conflict
 * it is, like --grid duration with --duration. A --set of another path, or of a parent
 * object the axis then refines, is fine.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';

const FILE = 'scenarios/quickstart.yaml';
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';
const axes = parseAxes([`${CC}=1,2`], '--grid');

describe('--set against an axis', () => {
  it('refuses a --set of the path an axis varies, however it is spelled', () => {
    for (const set of [`${CC}=3`, `services[0].manifest.spec.template.spec["containerConcurrency"]=3`]) {
      expect(() => defineSweep({ file: FILE, axes, sets: [set], replications: 2 })).toThrow(UsageError);
      expect(() => defineSweep({ file: FILE, axes, sets: [set], replications: 2 })).toThrow(`--set ${set}: sets ${CC}, which --grid varies (each point's value would replace it); drop one of them`);
    }
    expect(() => defineSweep({ file: FILE, axes, sets: [`${CC}=3`], replications: 2, flag: '--space' })).toThrow(`which --space varies`);
  });

  it('accepts other paths', () => {
    expect(defineSweep({ file: FILE, axes, sets: ['configMaps.config-autoscaler.stable-window=30s'], replications: 2 }).def.sets).toHaveLength(1);
  });
});
