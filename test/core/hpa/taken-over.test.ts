/** An HPA-class revision that was running before the loop started is initialized at once, as a taken-over KPA revision is. */
import { describe, expect, it } from 'vitest';
import { DecisionLoop, defaultAutoscalerConfig, resolveHpaRevisionAutoscaling } from '../../../src/core/autoscaler/index.js';

const autoscaling = resolveHpaRevisionAutoscaling(defaultAutoscalerConfig, {
  containerConcurrency: 0,
  annotations: { 'autoscaling.knative.dev/class': 'hpa.autoscaling.knative.dev', 'autoscaling.knative.dev/target': '50' },
});

describe('HPA class: a revision taken over with running pods', () => {
  it.each([
    ['3 existing pods: initialized, desired = actual = 3, SKS provisioned', 3, { scaleTargetInitialized: true, desiredScale: 3, actualScale: 3 }, true],
    ['a new revision: not initialized until the first sync', undefined, { scaleTargetInitialized: false }, false],
  ] as const)('%s', (_name, existingPods, pa, provisioned) => {
    const loop = new DecisionLoop({ revision: 'r', autoscaling, nowSeconds: 100, existingPods });
    expect(loop.pa).toMatchObject(pa);
    expect(loop.sksProvisioned).toBe(provisioned);
    // Its first sync is still one period after the loop starts.
    expect(loop.nextTickSeconds).toBe(115);
  });
});
