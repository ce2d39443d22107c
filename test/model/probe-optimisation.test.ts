/**
 * The activator's probe shortcut (activator/net/revision_backends.go, enableProbeOptimisation):
 * a pod is usable as soon as the activator's probe reaches its ready queue-proxy, except in
 * revisions whose kubelet checks something the queue-proxy does not (an exec readiness probe
 * or a startup probe on the serving container, or a startup probe on a sidecar). Those pods
 * are used only once Kubernetes marks them Ready, so a cold start also pays the kubelet's lag.
 * Before, every revision took the shortcut.
 */
import { describe, expect, it } from 'vitest';
import { runSettings } from '../../src/run/settings.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { run } from './world-fixture.js';

const LAG = 2;
const PORTS = [{ containerPort: 8080 }];

/** Knative refuses a probe on a sidecar unless config-features turns this on. */
const SIDECAR_PROBES = { 'config-features': { 'multi-container-probing': 'enabled' } };

/** One request at 1 s to a revision at zero; returns its status and latency. */
function coldStart(containers: Array<Record<string, unknown>>, faults?: unknown[], configMaps?: Record<string, Record<string, string>>): string {
  const scenario = {
    name: 'probe-optimisation',
    duration: '30s',
    ...(configMaps !== undefined ? { configMaps } : {}),
    services: [
      {
        manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'cold' }, spec: { template: { spec: { containers } } } },
        initialPods: 0,
        podStart: { scheduling: '0.5s', imagePull: '0s', containerStart: '1s', readiness: '0.5s', kubeletReadyLag: `${LAG}s` },
        app: { serviceTime: '100ms', ...(faults !== undefined ? { faults } : {}) },
      },
    ],
    clients: [{ name: 'load', service: 'cold', start: '1s', end: '2s', open: { process: 'uniform', rps: 1 } }],
  };
  const requests = run(scenarioFromValue(scenario, 'probe-optimisation.yaml').world).rec.requests;
  expect(requests.length).toBe(1);
  const [r] = requests;
  return `${r!.status} ${(r!.end - r!.arrival).toFixed(3)}`;
}

const FOUND = coldStart([{ image: 'app' }]);
// Readiness passes 2.0 s after the request (3.001 s), Kubernetes marks the pod Ready a lag later; 100 ms of work.
const KUBE_READY = `200 ${(2.001 + LAG + 0.1).toFixed(3)}`;

describe('which revisions the activator trusts its probe for', () => {
  it('a cold start with the default probe is served once the activator probe finds the pod', () => {
    // Poke and scale at 1.001 s, pod scheduled +0.5, queue-proxy up +1.5 (2.501 s), ready +2.0 (3.001 s). The
    // activator's watcher ticks every 0.2 s from the revision's creation at 0: its round at 2.6 s starts the
    // queue-proxy's check, whose 50 ms step at 3.05 s finds the app; then 100 ms of work.
    expect(FOUND).toBe('200 2.150');
    expect(KUBE_READY).toBe('200 4.101');
  });

  const cases: Array<{ what: string; containers: Array<Record<string, unknown>>; want: string; configMaps?: typeof SIDECAR_PROBES }> = [
    { what: 'tcpSocket readiness probe', containers: [{ image: 'app', readinessProbe: { tcpSocket: {} } }], want: FOUND },
    { what: 'httpGet readiness probe', containers: [{ image: 'app', readinessProbe: { httpGet: { path: '/healthz' } } }], want: FOUND },
    { what: 'exec readiness probe: waits for Kubernetes Ready', containers: [{ image: 'app', readinessProbe: { exec: { command: ['true'] } } }], want: KUBE_READY },
    // Knative fills in the serving port of a liveness probe only: a startup probe names its own (probe-checks.ts).
    // The startup probe runs only on its ticker (every 10 s by default, from the pod's start at 1.501 s):
    // the container, up at 2.501 s and answering from 3.001 s, is started at 11.501 s, and the pod Ready then.
    { what: 'startup probe on the user container: Ready at its first tick', containers: [{ image: 'app', startupProbe: { tcpSocket: { port: 8080 } } }], want: '200 10.601' },
    // Every 1 s: the tick at 2.501 s fails (the app answers from 3.001 s), the one at 3.501 s passes; its
    // status sync asks the queue-proxy's probe at once, which passes, before the 2 s kubelet lag would.
    {
      what: 'startup probe every second on the user container',
      containers: [{ image: 'app', startupProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } }],
      want: '200 2.601',
    },
    {
      what: 'startup probe on a sidecar: its first tick after the containers start',
      containers: [{ image: 'app', ports: PORTS }, { image: 'side', startupProbe: { exec: { command: ['true'] } } }],
      want: '200 10.601',
      configMaps: SIDECAR_PROBES,
    },
    {
      what: 'startup probe on a sidecar every 2 s with an initial delay of 5 s: the tick at 7.501 s, the first 5 s after 2.501 s',
      containers: [{ image: 'app', ports: PORTS }, { image: 'side', startupProbe: { exec: { command: ['true'] }, periodSeconds: 2, initialDelaySeconds: 5 } }],
      want: '200 6.601',
      configMaps: SIDECAR_PROBES,
    },
    {
      what: 'exec readiness probe on a sidecar only (upstream reads the serving container’s)',
      containers: [{ image: 'side', readinessProbe: { exec: { command: ['true'] } } }, { image: 'app', ports: PORTS }],
      want: FOUND,
      configMaps: SIDECAR_PROBES,
    },
    {
      what: 'exec readiness probe on the serving container of two',
      containers: [{ image: 'side' }, { image: 'app', ports: PORTS, readinessProbe: { exec: { command: ['true'] } } }],
      want: KUBE_READY,
    },
  ];
  for (const c of cases) {
    it(c.what, () => {
      expect(coldStart(c.containers, undefined, c.configMaps)).toBe(c.want);
    });
  }

  it('pods that start step by step (a revision with injected faults) wait for Kubernetes Ready too', () => {
    const later = [{ kind: 'readinessFailure', at: '25s', duration: '1s' }];
    expect(coldStart([{ image: 'app' }], later)).toBe(FOUND);
    expect(coldStart([{ image: 'app', readinessProbe: { exec: { command: ['true'] } } }], later)).toBe(KUBE_READY);
  });
});

describe('the loader', () => {
  const world = (containers: Array<Record<string, unknown>>, configMaps?: Record<string, Record<string, string>>) => {
    const scenario = {
      name: 'probe-optimisation',
      duration: '10s',
      ...(configMaps !== undefined ? { configMaps } : {}),
      services: [{ manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 's' }, spec: { template: { spec: { containers } } } } }],
      clients: [{ name: 'c', service: 's', open: { process: 'uniform', rps: 1 } }],
    };
    return scenarioFromValue(scenario, 'probe-optimisation.yaml').world;
  };
  const revision = (containers: Array<Record<string, unknown>>) => world(containers).services[0]!.revisions[0]!;

  it('marks only revisions without the shortcut, and reads null probes (an empty YAML value) as unset', () => {
    expect(revision([{ image: 'app', readinessProbe: { exec: { command: ['true'] } } }]).enableProbeOptimisation).toBe(false);
    expect(revision([{ image: 'app' }])).not.toHaveProperty('enableProbeOptimisation');
    expect(revision([{ image: 'app', startupProbe: null, readinessProbe: { exec: null } }])).not.toHaveProperty('enableProbeOptimisation');
  });

  it('marks a serving container whose readiness the kubelet still probes itself (exec readiness probe)', () => {
    const flag = (containers: Array<Record<string, unknown>>) => revision(containers).servingContainerKubeletProbed;
    expect(flag([{ image: 'app', readinessProbe: { exec: { command: ['true'] } } }])).toBe(true);
    expect(flag([{ image: 'app', startupProbe: { tcpSocket: { port: 8080 } } }])).toBeUndefined();
    expect(flag([{ image: 'app', readinessProbe: { httpGet: { path: '/' } } }])).toBeUndefined();
    expect(flag([{ image: 'app', startupProbe: null, readinessProbe: { exec: null } }])).toBeUndefined();
  });

  it('reads startup probes with the API server\'s defaults (period 10 s, 3 failures), the serving container\'s apart', () => {
    const rev = revision([{ image: 'app', startupProbe: { tcpSocket: { port: 8080 }, periodSeconds: 0, initialDelaySeconds: 4 } }]);
    expect(rev.startupProbe).toEqual({ initialDelaySeconds: 4, periodSeconds: 10, failureThreshold: 3 });
    expect(rev).not.toHaveProperty('sidecarStartupProbes');
    const two = world([{ image: 'app', ports: PORTS }, { image: 'side', startupProbe: { exec: { command: ['true'] }, failureThreshold: 30, periodSeconds: 2 } }], SIDECAR_PROBES);
    const scenario = two.services[0]!.revisions[0]!;
    expect(scenario.sidecarStartupProbes).toEqual([{ initialDelaySeconds: 0, periodSeconds: 2, failureThreshold: 30 }]);
    expect(scenario).not.toHaveProperty('startupProbe');
    expect(revision([{ image: 'app', startupProbe: null }])).not.toHaveProperty('startupProbe');
  });

  it('settings.json says which revisions wait for Kubernetes Ready, and says nothing for the others', () => {
    expect(runSettings(world([{ image: 'app', startupProbe: { tcpSocket: { port: 8080 } } }])).revisions[0]).toMatchObject({
      enableProbeOptimisation: false,
      startupProbe: { initialDelaySeconds: 0, periodSeconds: 10, failureThreshold: 3 },
    });
    expect(runSettings(world([{ image: 'app' }])).revisions[0]).not.toHaveProperty('enableProbeOptimisation');
    expect(runSettings(world([{ image: 'app' }])).revisions[0]).not.toHaveProperty('startupProbe');
  });
});
