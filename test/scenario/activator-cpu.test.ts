/** cluster.activatorCpu: the activator's requests, limits and HorizontalPodAutoscaler, checked as Kubernetes would take them. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { tinyScenario } from '../support/tiny-scenario.js';
import { catchScenarioError } from './helpers.js';

const withActivatorCpu = (cluster: string): unknown => parse(`${tinyScenario('act', '10s', 1)}cluster: ${cluster}\n`);

describe('cluster.activatorCpu', () => {
  it('loads upstream defaults around perRequest', () => {
    const a = scenarioFromValue(withActivatorCpu('{ activatorCpu: { perRequest: 1ms } }'), 's.yaml').world.cluster.activatorCpu;
    expect(a).toMatchObject({ requestMillis: 300, limitMillis: 1000, minReplicas: 1, maxReplicas: 20, targetUtilization: 100 });
  });

  it.each([
    { cluster: '{ activatorCpu: { perRequest: 1ms, limit: 100m } }', path: 'cluster.activatorCpu.limit', rule: 'must be at least the request (300m), got 100m' },
    { cluster: '{ activatorCpu: { perRequest: 1ms, request: "0" } }', path: 'cluster.activatorCpu.request', rule: "must be greater than 0 (the HPA's utilization denominator), got \"0\"" },
    { cluster: '{ activatorCpu: { perRequest: 1ms, maxReplicas: 2, minReplicas: 3 } }', path: 'cluster.activatorCpu.maxReplicas', rule: 'must be at least minReplicas (3), got 2' },
    // int32s of the HorizontalPodAutoscaler: 1e12 % is no utilization target the API server stores.
    { cluster: '{ activatorCpu: { perRequest: 1ms, targetUtilization: 1e12 } }', path: 'cluster.activatorCpu.targetUtilization', rule: "must be at most 2147483647 (an int32 of the activator's HorizontalPodAutoscaler), got 1000000000000" },
    { cluster: '{ activatorCpu: { perRequest: 1ms, targetUtilization: 2147483648 } }', path: 'cluster.activatorCpu.targetUtilization', rule: "must be at most 2147483647 (an int32 of the activator's HorizontalPodAutoscaler), got 2147483648" },
    { cluster: '{ activatorCpu: { perRequest: 1ms, maxReplicas: 1e10 } }', path: 'cluster.activatorCpu.maxReplicas', rule: "must be at most 2147483647 (an int32 of the activator's HorizontalPodAutoscaler), got 10000000000" },
    { cluster: '{ activatorCpu: { perRequest: 1ms, minReplicas: 1e10, maxReplicas: 1e10 } }', path: 'cluster.activatorCpu.minReplicas', rule: "must be at most 2147483647 (an int32 of the activator's HorizontalPodAutoscaler), got 10000000000" },
  ])('refuses $cluster', ({ cluster, path, rule }) => {
    const err = catchScenarioError(() => scenarioFromValue(withActivatorCpu(cluster), 's.yaml'));
    expect([err.path, err.rule]).toEqual([path, rule]);
  });

  it('takes the largest int32', () => {
    const a = scenarioFromValue(withActivatorCpu('{ activatorCpu: { perRequest: 1ms, targetUtilization: 2147483647 } }'), 's.yaml').world.cluster.activatorCpu;
    expect(a?.targetUtilization).toBe(2147483647);
  });
});
