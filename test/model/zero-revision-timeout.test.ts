/**
 * config-defaults `revision-timeout-seconds: "0"`: Knative takes it (pkg/apis/config/defaults.go checks
 * no floor) and SetDefaults gives every revision without its own timeout a 0 s one. The queue-proxy's
 * and the activator's timeout handlers then start a 0 s timer, which fires before the app answers:
 * every routed request gets a 504 at once. knsim refused the ConfigMap.
 */
import { describe, expect, it } from 'vitest';
import { STATUS_TIMEOUT } from '../../src/model/request.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { run } from './world-fixture.js';

const scenario = (timeout: string) => ({
  name: 'zero-timeout',
  duration: '30s',
  configMaps: { 'config-defaults': { 'revision-timeout-seconds': timeout } },
  services: [
    {
      // min-scale keeps the pod that ran before the run (idle, it would go before the load at 5 s): every request finds it Ready.
      manifest: {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name: 'hello' },
        spec: { template: { metadata: { annotations: { 'autoscaling.knative.dev/min-scale': '1' } }, spec: { containers: [{ image: 'app' }] } } },
      },
      initialPods: 1,
      app: { serviceTime: '100ms' },
    },
  ],
  clients: [{ name: 'load', service: 'hello', start: '5s', end: '15s', open: { process: 'uniform', rps: 10 } }],
});

describe('a 0 s revision timeout', () => {
  const zero = run(scenarioFromValue(scenario('0'), 'zero-timeout.yaml').world).rec.requests;
  const usual = run(scenarioFromValue(scenario('300'), 'zero-timeout.yaml').world).rec.requests;
  // Each request reaches its revision after the default 1 ms ingress hop.
  const latencies = (rs: typeof zero) => new Set(rs.map((r) => `${r.status} ${(r.end - r.arrival).toFixed(6)}`));

  it('answers every request 504 the moment it is routed', () => {
    expect(zero.length).toBeGreaterThanOrEqual(100); // 10 s × 10 rps
    expect(latencies(zero)).toEqual(new Set([`${STATUS_TIMEOUT} 0.001000`]));
  });

  it('where the default 300 s timeout answers the same requests 200 after the 100 ms service time', () => {
    expect(usual).toHaveLength(zero.length);
    expect(latencies(usual)).toEqual(new Set(['200 0.101000']));
  });
});
