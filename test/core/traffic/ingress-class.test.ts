import { describe, expect, it } from 'vitest';
import { ingressBalancing, knownIngressClass, parseIngressClass } from '../../../src/core/traffic/index.js';

describe("config-network's ingress-class", () => {
  const cases: Array<[string, Record<string, string>, string | undefined]> = [
    ['no key', {}, undefined],
    ['the key', { 'ingress-class': 'kourier.ingress.networking.knative.dev' }, 'kourier.ingress.networking.knative.dev'],
    ['the older spelling', { 'ingress.class': 'istio.ingress.networking.knative.dev' }, 'istio.ingress.networking.knative.dev'],
    ['both: the new key wins, as Knative reads it last', { 'ingress.class': 'istio.ingress.networking.knative.dev', 'ingress-class': 'contour.ingress.networking.knative.dev' }, 'contour.ingress.networking.knative.dev'],
  ];
  it.each(cases)('%s', (_, data, cls) => {
    expect(parseIngressClass(data)).toBe(cls);
  });

  it("only Istio's gateway balances by least request; the others, and no class, round robin", () => {
    expect(ingressBalancing('istio.ingress.networking.knative.dev')).toBe('least-request');
    for (const c of ['kourier.ingress.networking.knative.dev', 'contour.ingress.networking.knative.dev', 'gateway-api.ingress.networking.knative.dev', 'nginx', undefined]) {
      expect(ingressBalancing(c)).toBe('round-robin');
    }
  });

  it('knows the four classes Knative ships controllers for', () => {
    expect(['istio', 'kourier', 'contour', 'gateway-api'].map((n) => knownIngressClass(`${n}.ingress.networking.knative.dev`))).toEqual([true, true, true, true]);
    expect(knownIngressClass('Istio.ingress.networking.knative.dev')).toBe(false);
  });
});
