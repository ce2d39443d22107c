import { describe, expect, it } from 'vitest';
import { activatorTrustsReadyPods, activatorUsesClusterIP, leastRequestPick, meshCompatibilityModeKnown, parseMeshCompatibilityMode, scraperUsesService } from '../../../src/core/traffic/index.js';

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

describe('the ClusterIP path (mesh-compatibility-mode enabled)', () => {
  it('only enabled sends through the ClusterIP', () => {
    expect([activatorUsesClusterIP('auto'), activatorUsesClusterIP('disabled'), activatorUsesClusterIP('enabled')]).toEqual([false, false, true]);
  });

  it('only enabled makes the autoscaler scrape through the Service (auto falls back only under a mesh knsim does not have)', () => {
    expect([scraperUsesService('auto'), scraperUsesService('disabled'), scraperUsesService('enabled')]).toEqual([false, false, true]);
  });
});

describe("the mesh's least-request pick (Envoy P2C)", () => {
  /** randomInt answering the given draws in turn, checking each bound. */
  const draws = (values: number[], bound: number) => {
    let k = 0;
    return (n: number): number => {
      expect(n).toBe(bound);
      return values[k++]!;
    };
  };
  const cases: Array<[string, number[], number[], number]> = [
    // [name, active per endpoint, the two draws, pick]
    ['the second draw has fewer: it wins', [3, 1, 2], [0, 1], 1],
    ['the second draw has more: the first stays', [3, 1, 2], [1, 2], 1],
    ['a tie keeps the first drawn', [2, 2, 2], [2, 0], 2],
    ['draws with replacement: the same endpoint twice', [0, 5, 5], [1, 1], 1],
    ['one endpoint: both draws are it', [7], [0, 0], 0],
  ];
  it.each(cases)('%s', (_, active, values, pick) => {
    expect(leastRequestPick(active.length, (i) => active[i]!, draws(values, active.length))).toBe(pick);
  });

  it('no endpoint: −1, no draw', () => {
    expect(leastRequestPick(0, () => 0, () => { throw new Error('drew'); })).toBe(-1);
  });

  it('refuses a draw out of range', () => {
    expect(() => leastRequestPick(3, () => 0, () => 3)).toThrow(/randomInt\(\).*\[0, 3\), got 3/);
  });

  it('with uniform draws, the busier of two endpoints gets a request a quarter of the time', () => {
    // Endpoint 0 has 1 active, endpoint 1 none: 0 wins only when both draws are 0.
    const counts = [0, 0];
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) {
      const seq = [a, b];
      let k = 0;
      counts[leastRequestPick(2, (i) => (i === 0 ? 1 : 0), () => seq[k++]!)]!++;
    }
    expect(counts).toEqual([1, 3]);
  });
});
