import { describe, expect, it } from 'vitest';
import { activatorTrustsReadyPods, meshCompatibilityModeKnown, parseMeshCompatibilityMode } from '../../../src/core/traffic/index.js';

describe("config-network's mesh-compatibility-mode", () => {
  const cases: Array<[string, Record<string, string>, string, boolean | undefined]> = [
    ['no key: the default', {}, 'auto', undefined],
    ['enabled', { 'mesh-compatibility-mode': 'enabled' }, 'enabled', true],
    ['disabled', { 'mesh-compatibility-mode': 'disabled' }, 'disabled', true],
    ['any case, as Go’s EqualFold', { 'mesh-compatibility-mode': 'DisAbled' }, 'disabled', true],
    ['the long s folds to s under EqualFold', { 'mesh-compatibility-mode': 'di\u017fabled' }, 'disabled', true],
    ['a word Knative does not know keeps auto', { 'mesh-compatibility-mode': 'off' }, 'auto', false],
    ['blanks are not trimmed', { 'mesh-compatibility-mode': ' enabled' }, 'auto', false],
    ['empty keeps auto', { 'mesh-compatibility-mode': '' }, 'auto', false],
  ];
  it.each(cases)('%s', (_, data, mode, known) => {
    expect(parseMeshCompatibilityMode(data)).toBe(mode);
    expect(meshCompatibilityModeKnown(data)).toBe(known);
  });

  it('only auto makes the activator probe a Ready pod before using it', () => {
    expect([activatorTrustsReadyPods('auto'), activatorTrustsReadyPods('disabled'), activatorTrustsReadyPods('enabled')]).toEqual([false, true, true]);
  });
});
