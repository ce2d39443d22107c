/**
 * Probes as Knative's webhook checks them after its defaulting (knative/serving
 * pkg/apis/serving/k8s_validation.go validateProbe, validateReadinessProbe;
 * pkg/apis/serving/v1/revision_defaults.go), then as the API server checks the probes Knative
 * leaves on the revision's Deployment (pkg/reconciler/revision/resources/deploy.go).
 * knsim took any probe, so it simulated templates Knative refuses or never runs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadScenario, scenarioFromValue } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { catchScenarioError, fixture } from './helpers.js';

const BASE = fixture('base.yaml');
const SPEC = 'services[0].manifest.spec.template.spec';
const spec = (s: string): string => `${SPEC}.${s}`;
const PROBING = 'configMaps.config-features["multi-container-probing"]=enabled';
const ADMISSION = 'so Knative refuses the template';
const DEPLOYMENT = 'so Kubernetes refuses the Deployment (Knative admits the template)';
/** The serving container with a port, and a sidecar. */
const two = (sidecar: string): string => spec(`containers=[{image: "hello:1", ports: [{containerPort: 8080}]}, {image: "side:1", ${sidecar}}]`);
const c0 = (probe: string): string => spec(`containers[0].${probe}`);

/** Refused at `at` (under the template's spec) with `rule`, cut to one line as every ScenarioError is. */
const refusedAt = (sets: string[], at: string, rule: string): void => {
  const e = catchScenarioError(() => loadScenario(BASE, { sets }));
  const want = new ScenarioError(BASE, spec(at), rule);
  expect([e.file, e.path, e.rule]).toEqual([BASE, want.path, want.rule]);
};
const loads = (sets: string[]): void => {
  expect(loadScenario(BASE, { sets }).world.services[0]!.revisions.map((r) => r.name)).toEqual(['hello-00001']);
};

describe('the webhook refuses probes, after its defaulting', () => {
  it.each([
    {
      what: 'a readiness probe with two handlers',
      sets: [c0('readinessProbe={httpGet: {path: /}, tcpSocket: {port: 80}}')],
      at: 'containers[0].readinessProbe',
      rule: `expected exactly one, got both: httpGet, tcpSocket (a probe takes one handler), ${ADMISSION}`,
    },
    {
      what: 'a liveness probe with exec and grpc (upstream spells it gRPC here)',
      sets: [c0('livenessProbe={exec: {command: ["true"]}, grpc: {port: 8080}}')],
      at: 'containers[0].livenessProbe',
      rule: `expected exactly one, got both: exec, gRPC (a probe takes one handler), ${ADMISSION}`,
    },
    {
      what: 'a liveness probe with a period but no handler',
      sets: [c0('livenessProbe={periodSeconds: 5}')],
      at: 'containers[0].livenessProbe',
      rule: `expected exactly one, got neither: httpGet, tcpSocket, exec, grpc (a probe needs one handler), ${ADMISSION}`,
    },
    {
      what: 'an empty startup probe on the serving container',
      sets: [c0('startupProbe={}')],
      at: 'containers[0].startupProbe',
      rule: `expected exactly one, got neither: httpGet, tcpSocket, exec, grpc (a probe needs one handler), ${ADMISSION}`,
    },
    {
      what: 'a named readiness port other than the serving port (Knative names it http)',
      sets: [c0('readinessProbe={httpGet: {path: /healthz, port: admin}}')],
      at: 'containers[0].readinessProbe.httpGet.port',
      rule: `invalid value: admin: Probe port must match container port (the serving port is named "http", Knative's name when ports[0].name is unset), ${ADMISSION}`,
    },
    {
      what: 'a named liveness port other than the one the manifest names',
      sets: [spec('containers=[{image: "hello:1", ports: [{name: http1, containerPort: 8080}], livenessProbe: {tcpSocket: {port: http}}}]')],
      at: 'containers[0].livenessProbe.tcpSocket.port',
      rule: `invalid value: http: Probe port must match container port (the serving port is named "http1"), ${ADMISSION}`,
    },
    {
      what: 'a port number written as a string is a name',
      sets: [c0('readinessProbe={tcpSocket: {port: "8080"}}')],
      at: 'containers[0].readinessProbe.tcpSocket.port',
      rule: `invalid value: 8080: Probe port must match container port (the serving port is named "http", Knative's name when ports[0].name is unset), ${ADMISSION}`,
    },
    {
      what: 'a negative readiness periodSeconds',
      sets: [c0('readinessProbe={httpGet: {path: /}, periodSeconds: -1}')],
      at: 'containers[0].readinessProbe.periodSeconds',
      rule: `expected 0 <= -1 <= 2147483647, ${ADMISSION}`,
    },
    {
      what: 'a negative readiness initialDelaySeconds',
      sets: [c0('readinessProbe={httpGet: {path: /}, periodSeconds: 5, initialDelaySeconds: -2}')],
      at: 'containers[0].readinessProbe.initialDelaySeconds',
      rule: `expected 0 <= -2 <= 2147483647, ${ADMISSION}`,
    },
    {
      what: 'a negative readiness successThreshold (0 is defaulted to 1)',
      sets: [c0('readinessProbe={tcpSocket: {}, successThreshold: -1}')],
      at: 'containers[0].readinessProbe.successThreshold',
      rule: `expected 1 <= -1 <= 2147483647, ${ADMISSION}`,
    },
    {
      what: 'a readiness failureThreshold with periodSeconds 0',
      sets: [c0('readinessProbe={httpGet: {path: /}, periodSeconds: 0, failureThreshold: 3}')],
      at: 'containers[0].readinessProbe.failureThreshold',
      rule: `failureThreshold is disallowed when periodSeconds is zero (unset or 0 means Knative's aggressive probing; set periodSeconds ≥ 1 to tune the probe), ${ADMISSION}`,
    },
    {
      what: 'a readiness timeoutSeconds with periodSeconds unset',
      sets: [c0('readinessProbe={httpGet: {path: /}, timeoutSeconds: 2}')],
      at: 'containers[0].readinessProbe.timeoutSeconds',
      rule: `timeoutSeconds is disallowed when periodSeconds is zero (unset or 0 means Knative's aggressive probing; set periodSeconds ≥ 1 to tune the probe), ${ADMISSION}`,
    },
    {
      what: 'a negative readiness timeoutSeconds with a period (0 is defaulted to 1)',
      sets: [c0('readinessProbe={httpGet: {path: /}, periodSeconds: 5, timeoutSeconds: -1}')],
      at: 'containers[0].readinessProbe.timeoutSeconds',
      rule: `expected 1 <= -1 <= 2147483647, ${ADMISSION}`,
    },
    {
      what: 'a negative readiness failureThreshold with a period (0 is defaulted to 3)',
      sets: [c0('readinessProbe={httpGet: {path: /}, periodSeconds: 5, failureThreshold: -4}')],
      at: 'containers[0].readinessProbe.failureThreshold',
      rule: `expected 1 <= -4 <= 2147483647, ${ADMISSION}`,
    },
    {
      what: 'a sidecar httpGet probe without a port (multi-container-probing enabled)',
      sets: [PROBING, two('livenessProbe: {httpGet: {path: /healthz}}')],
      at: 'containers[1].livenessProbe.httpGet.port',
      rule: `invalid value: 0: Probe port must be specified (a sidecar's probe has no serving port to default to), ${ADMISSION}`,
    },
    {
      what: 'an empty sidecar readiness probe (multi-container-probing enabled): no TCP default for a sidecar',
      sets: [PROBING, two('readinessProbe: {}')],
      at: 'containers[1].readinessProbe',
      rule: `expected exactly one, got neither: httpGet, tcpSocket, exec, grpc (a probe needs one handler), ${ADMISSION}`,
    },
  ])('$what', ({ sets, at, rule }) => {
    refusedAt(sets, at, rule);
  });

  it('the webhook speaks before the API server: a later container refused by the webhook wins over an earlier one the Deployment refuses', () => {
    refusedAt(
      [PROBING, spec('containers=[{image: "hello:1", ports: [{containerPort: 8080}], livenessProbe: {tcpSocket: {}, successThreshold: 2}}, {image: "side:1", startupProbe: {tcpSocket: {}}}]')],
      'containers[1].startupProbe.tcpSocket.port',
      `invalid value: 0: Probe port must be specified (a sidecar's probe has no serving port to default to), ${ADMISSION}`,
    );
  });
});

describe("the API server refuses the revision's Deployment for the probes Knative leaves on it", () => {
  it.each([
    {
      what: 'a liveness successThreshold other than 1',
      sets: [c0('livenessProbe={httpGet: {path: /healthz}, successThreshold: 2}')],
      at: 'containers[0].livenessProbe.successThreshold',
      rule: `Invalid value: 2: must be 1 (for liveness and startup probes), ${DEPLOYMENT}`,
    },
    {
      what: 'a startup successThreshold other than 1',
      sets: [c0('startupProbe={tcpSocket: {port: 8080}, successThreshold: 3}')],
      at: 'containers[0].startupProbe.successThreshold',
      rule: `Invalid value: 3: must be 1 (for liveness and startup probes), ${DEPLOYMENT}`,
    },
    {
      what: 'a startup probe without a port (Knative fills in only a liveness httpGet or tcpSocket port)',
      sets: [c0('startupProbe={httpGet: {path: /healthz}}')],
      at: 'containers[0].startupProbe.httpGet.port',
      rule: `Invalid value: 0: must be between 1 and 65535, inclusive (Knative fills in only a liveness httpGet or tcpSocket port), ${DEPLOYMENT}`,
    },
    {
      what: 'a gRPC liveness probe without a port',
      sets: [c0('livenessProbe={grpc: {}}')],
      at: 'containers[0].livenessProbe.grpc.port',
      rule: `Invalid value: 0: must be between 1 and 65535, inclusive (Knative fills in only a liveness httpGet or tcpSocket port), ${DEPLOYMENT}`,
    },
    {
      what: 'an exec readiness probe without a command (it stays on the container)',
      sets: [c0('readinessProbe={exec: {command: []}}')],
      at: 'containers[0].readinessProbe.exec.command',
      rule: `Required value (an exec probe runs a command), ${DEPLOYMENT}`,
    },
    {
      what: 'a liveness scheme other than HTTP or HTTPS',
      sets: [c0('livenessProbe={httpGet: {path: /, scheme: FTP}}')],
      at: 'containers[0].livenessProbe.httpGet.scheme',
      rule: `Unsupported value: "FTP": supported values: "HTTP", "HTTPS", ${DEPLOYMENT}`,
    },
    {
      what: 'a negative liveness initialDelaySeconds',
      sets: [c0('livenessProbe={tcpSocket: {}, initialDelaySeconds: -3}')],
      at: 'containers[0].livenessProbe.initialDelaySeconds',
      rule: `Invalid value: -3: must be greater than or equal to 0, ${DEPLOYMENT}`,
    },
    {
      what: "a sidecar startup probe of Go's zero values only passes the gate, but has no handler",
      sets: [two('startupProbe: {periodSeconds: 0, httpGet: null}')],
      at: 'containers[1].startupProbe',
      rule: `Required value: must specify a handler type, ${DEPLOYMENT}`,
    },
    {
      what: 'a sidecar port name Kubernetes refuses',
      sets: [PROBING, two('livenessProbe: {httpGet: {path: /healthz, port: Metrics}}')],
      at: 'containers[1].livenessProbe.httpGet.port',
      rule: `Invalid value: "Metrics": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), ${DEPLOYMENT}`,
    },
    {
      what: 'a numbered serving liveness port out of range, kept as written with multi-container-probing enabled',
      sets: [PROBING, c0('livenessProbe={tcpSocket: {port: 70000}}')],
      at: 'containers[0].livenessProbe.tcpSocket.port',
      rule: `Invalid value: 70000: must be between 1 and 65535, inclusive, ${DEPLOYMENT}`,
    },
  ])('$what', ({ sets, at, rule }) => {
    refusedAt(sets, at, rule);
  });
});

describe("the revision reconciler cannot give the queue-proxy a sidecar's readiness probe (resources/queue.go)", () => {
  const RECONCILER = "sidecar readiness probe does not define probe port on container (the queue-proxy needs a port number), so Knative's revision reconciler fails: no pod ever starts";
  it.each([
    // The webhook takes a named port on a sidecar; the reconciler wants a number.
    { what: 'a named port', probe: '{httpGet: {path: /ready, port: metrics}}', at: 'httpGet.port' },
    { what: 'a gRPC probe without a port (the webhook checks only httpGet and tcpSocket ports)', probe: '{grpc: {}}', at: 'grpc.port' },
  ])('$what', ({ probe, at }) => {
    refusedAt([PROBING, two(`readinessProbe: ${probe}`)], `containers[1].readinessProbe.${at}`, RECONCILER);
  });
});

describe('realistic probes load', () => {
  it.each([
    { what: 'httpGet /healthz without a port', sets: [c0('readinessProbe={httpGet: {path: /healthz}}'), c0('livenessProbe={httpGet: {path: /healthz}}')] },
    { what: 'httpGet /healthz on the serving port, by number and by name', sets: [c0('readinessProbe={httpGet: {path: /healthz, port: 8080}}'), c0('livenessProbe={httpGet: {path: /healthz, port: http}}')] },
    { what: 'a named port the manifest names', sets: [spec('containers=[{image: "hello:1", ports: [{name: http1, containerPort: 8080}], readinessProbe: {tcpSocket: {port: http1}}}]')] },
    // Upstream compares only a named port; the queue-proxy probes a numbered one as written.
    { what: 'a readiness port number other than the serving port', sets: [c0('readinessProbe={httpGet: {path: /ready, port: 8081}}')] },
    // Without multi-container-probing Knative points the liveness probe at the serving port whatever it says.
    { what: 'a numbered liveness port out of range, which Knative rewrites', sets: [c0('livenessProbe={tcpSocket: {port: 70000}}')] },
    { what: 'tcpSocket with and without a port', sets: [c0('readinessProbe={tcpSocket: {}}'), c0('livenessProbe={tcpSocket: {port: 8080}, periodSeconds: 10, failureThreshold: 3}')] },
    { what: 'grpc, the readiness one without a port (the queue-proxy uses the serving port)', sets: [c0('readinessProbe={grpc: {}}'), c0('livenessProbe={grpc: {port: 8080, service: health}}')] },
    { what: 'exec readiness and liveness', sets: [c0('readinessProbe={exec: {command: [cat, /tmp/ready]}}'), c0('livenessProbe={exec: {command: ["true"]}, successThreshold: 1}')] },
    { what: 'aggressive readiness: periodSeconds 0 with successThreshold and initialDelaySeconds', sets: [c0('readinessProbe={httpGet: {path: /healthz}, periodSeconds: 0, successThreshold: 2, initialDelaySeconds: 1}')] },
    { what: 'a tuned readiness probe', sets: [c0('readinessProbe={httpGet: {path: /healthz}, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 4, successThreshold: 2}')] },
    { what: 'a readiness probe of thresholds only gets the TCP default', sets: [c0('readinessProbe={periodSeconds: 3}')] },
    { what: 'a startup probe on the serving port', sets: [c0('startupProbe={httpGet: {path: /healthz, port: 8080}, periodSeconds: 1, failureThreshold: 30}')] },
    {
      what: 'sidecar probes with multi-container-probing enabled',
      sets: [PROBING, two('readinessProbe: {httpGet: {path: /ready, port: 9090}}, livenessProbe: {tcpSocket: {port: 9090}}, startupProbe: {grpc: {port: 9091}}')],
    },
  ])('$what', ({ sets }) => {
    loads(sets);
  });
});

describe("an update's template", () => {
  const base = parse(readFileSync(BASE, 'utf8')) as Record<string, unknown>;
  const services = base['services'] as Array<Record<string, unknown>>;
  const withUpdate = (container: Record<string, unknown>) => ({
    ...base,
    services: [{ ...services[0], updates: [{ at: '1m', template: { spec: { containers: [{ image: 'hello:2', ...container }] } } }] }],
  });

  it('is refused at its own path', () => {
    const e = catchScenarioError(() => scenarioFromValue(withUpdate({ livenessProbe: { httpGet: { path: '/healthz' }, successThreshold: 2 } }), BASE));
    const want = new ScenarioError(BASE, 'services[0].updates[0].template.spec.containers[0].livenessProbe.successThreshold', `Invalid value: 2: must be 1 (for liveness and startup probes), ${DEPLOYMENT}`);
    expect([e.path, e.rule]).toEqual([want.path, want.rule]);
  });

  it('with a good probe makes a second revision', () => {
    const s = scenarioFromValue(withUpdate({ readinessProbe: { httpGet: { path: '/healthz' }, periodSeconds: 0 } }), BASE);
    expect(s.world.services[0]!.revisions.map((r) => r.name)).toEqual(['hello-00001', 'hello-00002']);
  });
});

describe('the kubelet cannot resolve a startup probe\'s named port on the container Knative deploys', () => {
  it.each([
    {
      what: 'a startup probe by the serving port\'s name (the Deployment renames that port user-port)',
      sets: [c0('startupProbe={httpGet: {path: /healthz, port: http}}')],
      at: 'containers[0].startupProbe.httpGet.port',
      rule: 'named port "http" is not on the container as Knative deploys it (its one port is renamed user-port), so the kubelet cannot resolve it: the startup probe never passes and no pod ever starts',
    },
    {
      what: 'a startup probe by the serving port\'s own name http1',
      sets: [spec('containers=[{image: "hello:1", ports: [{name: http1, containerPort: 8080}], startupProbe: {tcpSocket: {port: http1}}}]')],
      at: 'containers[0].startupProbe.tcpSocket.port',
      rule: 'named port "http1" is not on the container as Knative deploys it (its one port is renamed user-port), so the kubelet cannot resolve it: the startup probe never passes and no pod ever starts',
    },
  ])('$what', ({ sets, at, rule }) => refusedAt(sets, at, rule));

  it('by number, it loads', () => {
    loads([c0('startupProbe={httpGet: {path: /healthz, port: 8080}}')]);
  });
});
