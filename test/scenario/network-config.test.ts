/**
 * config-network's mesh-compatibility-mode as the loader reads it: `disabled` and `enabled` reach
 * the model, a value Knative ignores is warned about.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { fixture } from './helpers.js';

const BASE = fixture('base.yaml');
const KEY = 'configMaps.config-network["mesh-compatibility-mode"]';

describe('config-network mesh-compatibility-mode', () => {
  it('disabled reaches the activators, without a warning', () => {
    const loaded = loadScenario(BASE, { sets: [`${KEY}=disabled`] });
    expect(loaded.world.cluster.meshCompatibilityMode).toBe('disabled');
    expect(loaded.warnings).toBeUndefined();
  });

  it('auto, the default, leaves the cluster spec as it was', () => {
    expect(loadScenario(BASE, { sets: [`${KEY}=Auto`] }).world.cluster.meshCompatibilityMode).toBeUndefined();
    expect(loadScenario(BASE).world.cluster.meshCompatibilityMode).toBeUndefined();
  });

  it('enabled (ClusterIP routing) reaches the model, with no warning', () => {
    const loaded = loadScenario(BASE, { sets: [`${KEY}=Enabled`] });
    expect(loaded.world.cluster.meshCompatibilityMode).toBe('enabled');
    expect(loaded.warnings).toBeUndefined();
  });

  it.each([
    ['never', '"never" is not enabled, disabled or auto: Knative ignores it and keeps the default, auto'],
  ])('%s is warned about', (value, text) => {
    const loaded = loadScenario(BASE, { sets: [`${KEY}=${value}`] });
    expect(loaded.warnings).toEqual([`${BASE}: ${KEY}: ${text}`]);
  });
});
