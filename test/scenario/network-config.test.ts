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

describe('config-network ingress-class', () => {
  const CLASS = 'configMaps.config-network["ingress-class"]';
  it('a known class reaches the model without a warning; none leaves the cluster spec as it was', () => {
    const loaded = loadScenario(BASE, { sets: [`${CLASS}=istio.ingress.networking.knative.dev`] });
    expect(loaded.world.cluster.ingressClass).toBe('istio.ingress.networking.knative.dev');
    expect(loaded.warnings).toBeUndefined();
    expect(loadScenario(BASE).world.cluster.ingressClass).toBeUndefined();
  });

  it.each([
    ['gateway-api.ingress.networking.knative.dev', "the Gateway API leaves the balancing to the Gateway implementation: knsim's ingress balances round robin, as Envoy does by default"],
    ['nginx.example.com', '"nginx.example.com" is not the class of Istio, Kourier, Contour or the Gateway API: knsim\'s ingress balances round robin'],
  ])('%s is warned about', (value, text) => {
    const loaded = loadScenario(BASE, { sets: [`${CLASS}=${value}`] });
    expect(loaded.world.cluster.ingressClass).toBe(value);
    expect(loaded.warnings).toEqual([`${BASE}: ${CLASS}: ${text}`]);
  });
});

describe("a Service's own ingress class", () => {
  it.each(['networking.knative.dev/ingress.class', 'networking.knative.dev/ingress-class'])('%s is warned about: config-network decides', (key) => {
    const path = `services[0].manifest.metadata.annotations["${key}"]`;
    const loaded = loadScenario(BASE, { sets: [`${path}=istio.ingress.networking.knative.dev`] });
    expect(loaded.world.cluster.ingressClass).toBeUndefined();
    expect(loaded.warnings).toEqual([`${BASE}: ${path}: a Service's own ingress class is not simulated: the ingress balances as config-network's ingress-class says`]);
  });
});

describe('the rollout duration on the revision template', () => {
  it.each(['serving.knative.dev/rollout-duration', 'serving.knative.dev/rolloutDuration'])('%s there is warned about and ignored; on the Service it is taken', (key) => {
    const path = `services[0].manifest.spec.template.metadata.annotations["${key}"]`;
    const loaded = loadScenario(BASE, { sets: [`${path}=120s`] });
    expect(loaded.world.services[0]!.rolloutDurationSeconds).toBe(0);
    expect(loaded.warnings).toEqual([`${BASE}: ${path}: ignored on the revision template, as Knative ignores it: the Route reads the rollout duration from the Service's metadata.annotations`]);
    const onService = loadScenario(BASE, { sets: [`services[0].manifest.metadata.annotations["${key}"]=120s`] });
    expect(onService.world.services[0]!.rolloutDurationSeconds).toBe(120);
    expect(onService.warnings).toBeUndefined();
  });
});
