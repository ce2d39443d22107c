/**
 * The report's summary table: its revision columns in the settings table's order, and
 * pod-hours that read as exact only when they are.
 */
import { describe, expect, it } from 'vitest';
import { hours, inSettingsOrder } from '../../src/output/report/html.js';
import type { RunSettings } from '../../src/output/settings.js';

describe('hours', () => {
  it.each([
    [1, '1'],
    [1.000388, '1.000'],
    [0.0997, '0.0997'],
    [0.09974, '0.09974'],
    [0.099741, '0.09974'],
    [2.5, '2.5'],
    [2.50001, '2.500'],
    [1234.5, '1,235'],
    [12_000, '12,000'],
    [0, '0'],
  ])('%s pod-hours read %s', (v, shown) => {
    expect(hours(v)).toBe(shown);
  });
});

describe('inSettingsOrder', () => {
  const settings = { revisions: [{ service: 'kpa', revision: 'kpa-00001' }, { service: 'hpa', revision: 'hpa-00001' }, { service: 'kpa', revision: 'kpa-00002' }] } as unknown as RunSettings;
  const r = (service: string, revision: string) => ({ service, revision });

  it('puts summary.json’s sorted revisions in the scenario’s order', () => {
    const sorted = [r('hpa', 'hpa-00001'), r('kpa', 'kpa-00001'), r('kpa', 'kpa-00002')];
    expect(inSettingsOrder(sorted, settings).map((x) => x.revision)).toEqual(['kpa-00001', 'hpa-00001', 'kpa-00002']);
  });

  it('keeps revisions the settings do not list, after the rest, in their own order', () => {
    const sorted = [r('a', 'z-00001'), r('hpa', 'hpa-00001'), r('a', 'y-00001'), r('kpa', 'kpa-00001')];
    expect(inSettingsOrder(sorted, settings).map((x) => x.revision)).toEqual(['kpa-00001', 'hpa-00001', 'z-00001', 'y-00001']);
  });

  it('keeps summary.json’s order without settings', () => {
    const sorted = [r('hpa', 'hpa-00001'), r('kpa', 'kpa-00001')];
    expect(inSettingsOrder(sorted, undefined)).toEqual(sorted);
  });
});
