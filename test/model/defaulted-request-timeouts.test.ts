/**
 * The response-start and idle timeouts from a scenario, as Knative defaults them
 * (pkg/apis/serving/v1/revision_defaults.go): an unset field takes its config-defaults value
 * only when that is above 0 and below the revision's timeoutSeconds; a written value, 0
 * included, stays, and 0 starts no timer. knsim's app writes its response when it is done,
 * so either timer bounds the whole request. Before, the loader dropped both fields.
 */
import { describe, expect, it } from 'vitest';
import { STATUS_TIMEOUT } from '../../src/model/request.js';
import { runSettings } from '../../src/run/settings.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { run } from './world-fixture.js';

function load(spec: Record<string, unknown>, defaults: Record<string, string> = {}) {
  const scenario = {
    name: 'timeouts',
    duration: '30s',
    configMaps: { 'config-defaults': { 'max-revision-timeout-seconds': '900', ...defaults } },
    services: [
      {
        manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'slow' }, spec: { template: { spec: { containers: [{ image: 'app' }], ...spec } } } },
        initialPods: 1,
        app: { serviceTime: '8s' },
      },
    ],
    clients: [{ name: 'load', service: 'slow', start: '1s', end: '11s', open: { process: 'uniform', rps: 1 } }],
  };
  return scenarioFromValue(scenario, 'timeouts.yaml').world;
}

function outcomes(spec: Record<string, unknown>, defaults: Record<string, string> = {}): Set<string> {
  const loaded = load(spec, defaults);
  const requests = run(loaded).rec.requests;
  expect(requests.length).toBe(10);
  // Latency from the client, which includes the default 1 ms ingress hop.
  return new Set(requests.map((r) => `${r.status} ${(r.end - r.arrival).toFixed(3)}`));
}

describe('responseStartTimeoutSeconds and idleTimeoutSeconds from the template and config-defaults', () => {
  const cases: Array<{ what: string; spec: Record<string, unknown>; defaults?: Record<string, string>; want: string }> = [
    { what: 'defaults: response-start = revision timeout, not below it, so no timer', spec: {}, want: '200 8.001' },
    { what: 'response-start default 5 below the 300 s timeout', spec: {}, defaults: { 'revision-response-start-timeout-seconds': '5' }, want: `${STATUS_TIMEOUT} 5.001` },
    { what: 'idle default 3 below the timeout', spec: {}, defaults: { 'revision-idle-timeout-seconds': '3' }, want: `${STATUS_TIMEOUT} 3.001` },
    { what: 'written responseStartTimeoutSeconds 4', spec: { responseStartTimeoutSeconds: 4 }, want: `${STATUS_TIMEOUT} 4.001` },
    { what: 'written 0 keeps the default out: no timer', spec: { responseStartTimeoutSeconds: 0 }, defaults: { 'revision-response-start-timeout-seconds': '5' }, want: '200 8.001' },
    { what: 'a default not below a 5 s timeoutSeconds is not filled; the 5 s timeout ends it', spec: { timeoutSeconds: 5 }, defaults: { 'revision-idle-timeout-seconds': '5' }, want: `${STATUS_TIMEOUT} 5.001` },
    { what: 'the shortest of the three wins', spec: { timeoutSeconds: 7, responseStartTimeoutSeconds: 6, idleTimeoutSeconds: 2 }, want: `${STATUS_TIMEOUT} 2.001` },
  ];
  for (const c of cases) {
    it(c.what, () => {
      expect(outcomes(c.spec, c.defaults)).toEqual(new Set([c.want]));
    });
  }
});

describe('settings.json', () => {
  it('holds the two timeouts a revision has, and leaves out the ones Knative did not set', () => {
    const [rev] = runSettings(load({ idleTimeoutSeconds: 0 }, { 'revision-response-start-timeout-seconds': '5' })).revisions;
    expect(rev).toMatchObject({ timeoutSeconds: 300, responseStartTimeoutSeconds: 5, idleTimeoutSeconds: 0 });
    const [plain] = runSettings(load({})).revisions;
    expect(plain).not.toHaveProperty('responseStartTimeoutSeconds');
    expect(plain).not.toHaveProperty('idleTimeoutSeconds');
  });
});
