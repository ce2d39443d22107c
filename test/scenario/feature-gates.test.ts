/**
 * config-features' gates on template fields besides init containers (knative/serving
 * pkg/apis/serving/fieldmask.go PodSpecMask, VolumeSourceMask, VolumeMountMask,
 * CapabilitiesMask, EnvVarSourceMask, PodSecurityContextMask; k8s_validation.go
 * validateVolume, validatePersistentVolumeClaims, validateVolumeMounts, validateContainers,
 * validateSidecarContainer).
 * knsim took these fields whatever the flags, so it loaded templates a default install refuses.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadScenario, scenarioFromValue } from '../../src/scenario/load.js';
import { FEATURE_DEFAULTS } from '../../src/scenario/config-features.js';
import { GATED_FLAGS } from '../../src/scenario/feature-gates.js';
import { runKnsim } from '../support/cli.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { catchScenarioError, fixture } from './helpers.js';

const BASE = fixture('base.yaml');
const SPEC = 'services[0].manifest.spec.template.spec';
const flag = (key: string, value: string): string => `configMaps.config-features["${key}"]=${value}`;
const spec = (s: string): string => `${SPEC}.${s}`;
const refusal = (what: string, key: string, why: string, and?: string): string =>
  `${what} is off${and === undefined ? '' : ` and ${and}`}, so Knative refuses the template: set config-features' ${key}: enabled (${why})`;

/** A field, the flag that gates it, and whether `allowed` lets it through. */
interface Row {
  key: string;
  what: string;
  sets: string[];
  at: string;
  /** `allowed` lets the field through (only the field mask checks it). */
  allowedPasses: boolean;
}

const CFG_VOLUME = 'volumes=[{name: cfg, configMap: {name: cfg}}]';
/** The one container mounting volume `name` at /data: the webhook refuses a volume no container mounts (ValidateVolumes). */
const mounting = (name: string, readOnly = true): string => `containers=[{image: "hello:1", volumeMounts: [{name: ${name}, mountPath: /data, readOnly: ${readOnly}}]}]`;
const ROWS: Row[] = [
  { key: 'kubernetes.podspec-affinity', what: 'pod spec support for affinity', sets: ['affinity={nodeAffinity: {}}'], at: 'affinity', allowedPasses: true },
  {
    key: 'kubernetes.podspec-topologyspreadconstraints',
    what: 'pod spec support for topologySpreadConstraints',
    sets: ['topologySpreadConstraints=[{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}]'],
    at: 'topologySpreadConstraints',
    allowedPasses: true,
  },
  { key: 'kubernetes.podspec-hostaliases', what: 'pod spec support for hostAliases', sets: ['hostAliases=[{ip: "10.0.0.1", hostnames: [db]}]'], at: 'hostAliases', allowedPasses: true },
  { key: 'kubernetes.podspec-nodeselector', what: 'pod spec support for nodeSelector', sets: ['nodeSelector={disktype: ssd}'], at: 'nodeSelector', allowedPasses: true },
  { key: 'kubernetes.podspec-runtimeclassname', what: 'pod spec support for runtimeClassName', sets: ['runtimeClassName=gvisor'], at: 'runtimeClassName', allowedPasses: true },
  { key: 'kubernetes.podspec-tolerations', what: 'pod spec support for tolerations', sets: ['tolerations=[{key: gpu, operator: Exists}]'], at: 'tolerations', allowedPasses: true },
  { key: 'kubernetes.podspec-securitycontext', what: 'pod spec support for securityContext', sets: ['securityContext={runAsNonRoot: true}'], at: 'securityContext', allowedPasses: true },
  { key: 'kubernetes.podspec-shareprocessnamespace', what: 'pod spec support for shareProcessNamespace', sets: ['shareProcessNamespace=true'], at: 'shareProcessNamespace', allowedPasses: true },
  { key: 'kubernetes.podspec-priorityclassname', what: 'pod spec support for priorityClassName', sets: ['priorityClassName=high'], at: 'priorityClassName', allowedPasses: true },
  { key: 'kubernetes.podspec-schedulername', what: 'pod spec support for schedulerName', sets: ['schedulerName=custom'], at: 'schedulerName', allowedPasses: true },
  { key: 'kubernetes.podspec-dnspolicy', what: 'pod spec support for dnsPolicy', sets: ['dnsPolicy=ClusterFirst'], at: 'dnsPolicy', allowedPasses: true },
  { key: 'kubernetes.podspec-dnsconfig', what: 'pod spec support for dnsConfig', sets: ['dnsConfig={nameservers: ["1.1.1.1"]}'], at: 'dnsConfig', allowedPasses: true },
  { key: 'kubernetes.podspec-hostipc', what: 'pod spec support for hostIPC', sets: ['hostIPC=true'], at: 'hostIPC', allowedPasses: true },
  { key: 'kubernetes.podspec-hostpid', what: 'pod spec support for hostPID', sets: ['hostPID=true'], at: 'hostPID', allowedPasses: true },
  { key: 'kubernetes.podspec-hostnetwork', what: 'pod spec support for hostNetwork', sets: ['hostNetwork=true'], at: 'hostNetwork', allowedPasses: true },
  {
    key: 'kubernetes.podspec-persistent-volume-claim',
    what: 'persistent volume claim support',
    sets: ['volumes=[{name: data, persistentVolumeClaim: {claimName: data, readOnly: true}}]', mounting('data')],
    at: 'volumes[0].persistentVolumeClaim',
    allowedPasses: false,
  },
  { key: 'kubernetes.podspec-volumes-hostpath', what: 'hostPath volume support', sets: ['volumes=[{name: h, hostPath: {path: /data}}]', mounting('h')], at: 'volumes[0].hostPath', allowedPasses: false },
  { key: 'kubernetes.podspec-volumes-csi', what: 'csi volume support', sets: ['volumes=[{name: c, csi: {driver: d}}]', mounting('c')], at: 'volumes[0].csi', allowedPasses: false },
  { key: 'kubernetes.podspec-volumes-ephemeral', what: 'ephemeral volume support', sets: ['volumes=[{name: e, ephemeral: {volumeClaimTemplate: {spec: {}}}}]', mounting('e', false)], at: 'volumes[0].ephemeral', allowedPasses: false },
  { key: 'kubernetes.podspec-volumes-image', what: 'image volume support', sets: ['volumes=[{name: i, image: {reference: "data:1"}}]', mounting('i')], at: 'volumes[0].image', allowedPasses: false },
  {
    key: 'kubernetes.podspec-fieldref',
    what: 'pod spec support for fieldRef',
    sets: ['containers=[{image: "hello:1", env: [{name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]}]'],
    at: 'containers[0].env[0].valueFrom.fieldRef',
    allowedPasses: true,
  },
  {
    key: 'kubernetes.podspec-volumes-mount-propagation',
    what: 'volume mount propagation support',
    sets: ['containers=[{image: "hello:1", volumeMounts: [{name: cfg, mountPath: /etc/cfg, readOnly: true, mountPropagation: HostToContainer}]}]', CFG_VOLUME],
    at: 'containers[0].volumeMounts[0].mountPropagation',
    allowedPasses: false,
  },
  {
    key: 'kubernetes.containerspec-addcapabilities',
    what: 'container spec support for adding capabilities',
    sets: ['containers=[{image: "hello:1", securityContext: {capabilities: {add: [NET_ADMIN]}}}]'],
    at: 'containers[0].securityContext.capabilities.add',
    allowedPasses: false,
  },
];

/** Flags on by default: a field they gate loads until config-features turns them off. */
const ON_BY_DEFAULT: Row[] = [
  { key: 'kubernetes.podspec-volumes-emptydir', what: 'emptyDir volume support', sets: ['volumes=[{name: tmp, emptyDir: {}}]', mounting('tmp', false)], at: 'volumes[0].emptyDir', allowedPasses: false },
  {
    key: 'multi-container',
    what: 'multi-container support',
    sets: ['containers=[{image: "hello:1", ports: [{containerPort: 8080}]}, {image: "side:1"}]'],
    at: 'containers',
    allowedPasses: false,
  },
];

const ALLOWED_BUT = 'allowed passes the field mask; only enabled turns the feature on';
const ALLOWED_NOT_ENOUGH = 'allowed is not enough here, only enabled';
const MASK_WANTS_ENABLED = ['kubernetes.containerspec-addcapabilities', 'multi-container'];
const loads = (sets: string[]): void => {
  expect(loadScenario(BASE, { sets }).world.services[0]!.revisions.map((r) => r.name)).toEqual(['hello-00001']);
};
/** Refused at `at` with `rule`, each cut to one line as every ScenarioError is. */
const refusedAt = (sets: string[], at: string, rule: string): void => {
  const e = catchScenarioError(() => loadScenario(BASE, { sets }));
  const want = new ScenarioError(BASE, spec(at), rule);
  expect([e.file, e.path, e.rule]).toEqual([BASE, want.path, want.rule]);
};

describe('config-features flags gate the template fields Knative gates', () => {
  it.each(ROWS)('$key: $at refused when the flag is absent (a default install) or disabled, loads when enabled (any case)', ({ key, what, sets, at }) => {
    refusedAt(sets.map(spec), at, refusal(what, key, 'it is disabled by default'));
    refusedAt([flag(key, 'disabled'), ...sets.map(spec)], at, refusal(what, key, 'it is disabled'));
    loads([flag(key, 'Enabled'), ...sets.map(spec)]);
  });

  it.each(ON_BY_DEFAULT)('$key (enabled by default): $at loads when absent or enabled, refused when disabled', ({ key, what, sets, at }) => {
    loads(sets.map(spec));
    loads([flag(key, 'ENABLED'), ...sets.map(spec)]);
    refusedAt([flag(key, 'disabled'), ...sets.map(spec)], at, refusal(what, key, 'it is disabled'));
  });

  // PodSpecMask and EnvVarSourceMask compare with Disabled only.
  it.each(ROWS.filter((r) => r.allowedPasses))('$key: allowed lets $at through, which the default refuses', ({ key, sets, at }) => {
    expect(catchScenarioError(() => loadScenario(BASE, { sets: sets.map(spec) })).path).toBe(new ScenarioError(BASE, spec(at), '').path);
    loads([flag(key, 'allowed'), ...sets.map(spec)]);
  });

  // Past the mask at allowed, then validateVolume, validatePersistentVolumeClaims or validateVolumeMounts wants enabled.
  it.each([...ROWS, ...ON_BY_DEFAULT].filter((r) => !r.allowedPasses && !MASK_WANTS_ENABLED.includes(r.key)))('$key: allowed is refused at $at', ({ key, what, sets, at }) => {
    refusedAt([flag(key, 'allowed'), ...sets.map(spec)], at, refusal(what, key, ALLOWED_BUT));
  });

  // CapabilitiesMask and validateContainers compare with Enabled themselves.
  it.each([...ROWS, ...ON_BY_DEFAULT].filter((r) => MASK_WANTS_ENABLED.includes(r.key)))('$key: allowed is refused at $at', ({ key, what, sets, at }) => {
    refusedAt([flag(key, 'allowed'), ...sets.map(spec)], at, refusal(what, key, ALLOWED_NOT_ENOUGH));
  });

  it('a value Knative ignores keeps the default: off for nodeSelector, on for emptyDir', () => {
    refusedAt([flag('kubernetes.podspec-nodeselector', 'enable'), spec('nodeSelector={disktype: ssd}')], 'nodeSelector', refusal('pod spec support for nodeSelector', 'kubernetes.podspec-nodeselector', 'it is "enable", not enabled, allowed or disabled, which Knative ignores'));
    loads([flag('kubernetes.podspec-volumes-emptydir', 'off'), spec('volumes=[{name: tmp, emptyDir: {}}]'), spec(mounting('tmp', false))]);
  });

  it('every flag that gates a field has a row here', () => {
    expect([...GATED_FLAGS].sort()).toEqual(
      [...ROWS, ...ON_BY_DEFAULT].map((r) => r.key).concat('kubernetes.podspec-persistent-volume-write', 'multi-container-probing').sort(),
    );
    for (const key of GATED_FLAGS) expect(FEATURE_DEFAULTS[key], key).toBeDefined();
  });
});

describe('fields set as Go decodes them, and the fields no flag gates', () => {
  it.each([
    // A pointer, list or map is set once written, even empty.
    { what: 'an empty nodeSelector', set: 'nodeSelector={}', at: 'nodeSelector' },
    { what: 'an empty tolerations list', set: 'tolerations=[]', at: 'tolerations' },
    { what: 'an empty affinity', set: 'affinity={}', at: 'affinity' },
    { what: 'an empty securityContext', set: 'securityContext={}', at: 'securityContext' },
    { what: 'shareProcessNamespace: false (a *bool)', set: 'shareProcessNamespace=false', at: 'shareProcessNamespace' },
    { what: 'runtimeClassName: "" (a *string)', set: 'runtimeClassName=""', at: 'runtimeClassName' },
  ])('$what: refused at the default', ({ set, at }) => {
    const e = catchScenarioError(() => loadScenario(BASE, { sets: [spec(set)] }));
    expect(e.path).toBe(spec(at));
  });

  it.each([
    // A string's "" and a bool's false are Go's zero values: not set.
    { what: 'hostNetwork, hostIPC, hostPID: false', sets: ['hostNetwork=false', 'hostIPC=false', 'hostPID=false'], refused: 'hostNetwork=true', at: 'hostNetwork' },
    { what: 'empty dnsPolicy, schedulerName, priorityClassName', sets: ['dnsPolicy=""', 'schedulerName=""', 'priorityClassName=""'], refused: 'dnsPolicy=Default', at: 'dnsPolicy' },
    { what: 'affinity: null', sets: ['affinity=null'], refused: 'affinity={}', at: 'affinity' },
    // VolumeSourceMask always takes these three kinds.
    {
      what: 'configMap, secret and projected volumes',
      sets: [
        'containers=[{image: "hello:1", volumeMounts: [{name: a, mountPath: /a, readOnly: true}, {name: b, mountPath: /b, readOnly: true}, {name: c, mountPath: /c, readOnly: true}]}]',
        'volumes=[{name: a, configMap: {name: a}}, {name: b, secret: {secretName: b}}, {name: c, projected: {sources: [{configMap: {name: a}}]}}]',
      ],
      refused: 'volumes=[{name: a, configMap: {name: a}}, {name: b, hostPath: {path: /b}}]',
      at: 'volumes[1].hostPath',
    },
    // SecurityContextMask gates nothing of a container's securityContext but capabilities.add.
    {
      what: "a container's securityContext, capabilities dropped",
      sets: ['containers=[{image: "hello:1", securityContext: {runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}}]'],
      refused: 'containers=[{image: "hello:1", securityContext: {runAsNonRoot: true, capabilities: {drop: [ALL], add: []}}}]',
      at: 'containers[0].securityContext.capabilities.add',
    },
    {
      what: 'env from a ConfigMap key',
      sets: ['containers=[{image: "hello:1", env: [{name: A, valueFrom: {configMapKeyRef: {name: a, key: a}}}]}]'],
      refused: 'containers=[{image: "hello:1", env: [{name: A, valueFrom: {configMapKeyRef: {name: a, key: a}}}, {name: B, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}]}]',
      at: 'containers[0].env[1].valueFrom.resourceFieldRef',
    },
  ])('$what: loads at the defaults ($at is refused)', ({ sets, refused, at }) => {
    loads(sets.map(spec));
    expect(catchScenarioError(() => loadScenario(BASE, { sets: [spec(refused)] })).path).toBe(new ScenarioError(BASE, spec(at), '').path);
  });
});

describe('the narrower gates', () => {
  const CLAIM = 'kubernetes.podspec-persistent-volume-claim';
  const WRITE = 'kubernetes.podspec-persistent-volume-write';
  const RW_CLAIM = spec('volumes=[{name: data, persistentVolumeClaim: {claimName: data}}]');
  it('a claim not readOnly also needs kubernetes.podspec-persistent-volume-write: enabled', () => {
    refusedAt([flag(CLAIM, 'enabled'), RW_CLAIM], 'volumes[0].persistentVolumeClaim', refusal('persistent volume write support', WRITE, 'it is disabled by default', 'this claim is not readOnly'));
    refusedAt([flag(CLAIM, 'enabled'), flag(WRITE, 'allowed'), RW_CLAIM], 'volumes[0].persistentVolumeClaim', refusal('persistent volume write support', WRITE, ALLOWED_NOT_ENOUGH, 'this claim is not readOnly'));
    loads([flag(CLAIM, 'enabled'), flag(WRITE, 'enabled'), RW_CLAIM, spec(mounting('data', false))]);
  });

  const SPD = 'secure-pod-defaults';
  it.each(['enabled', 'AllowRootBounded'])('secure-pod-defaults %s lets through a bare seccompProfile type and add: [NET_BIND_SERVICE], nothing more', (v) => {
    loads([flag(SPD, v), spec('securityContext={seccompProfile: {type: RuntimeDefault}}')]);
    loads([flag(SPD, v), spec('securityContext={seccompProfile: {type: Unconfined}}')]);
    loads([flag(SPD, v), spec('securityContext={}')]);
    loads([flag(SPD, v), spec('containers=[{image: "hello:1", securityContext: {capabilities: {add: [NET_BIND_SERVICE]}}}]')]);
    refusedAt(
      [flag(SPD, v), spec('securityContext={seccompProfile: {type: RuntimeDefault}, runAsNonRoot: true}')],
      'securityContext.runAsNonRoot',
      refusal('pod spec support for securityContext', 'kubernetes.podspec-securitycontext', 'it is disabled by default', 'secure-pod-defaults lets through only seccompProfile.type RuntimeDefault or Unconfined'),
    );
    refusedAt(
      [flag(SPD, v), spec('securityContext={seccompProfile: {type: RuntimeDefault, localhostProfile: ""}}')],
      'securityContext.seccompProfile',
      refusal('pod spec support for securityContext', 'kubernetes.podspec-securitycontext', 'it is disabled by default', 'secure-pod-defaults lets through only seccompProfile.type RuntimeDefault or Unconfined'),
    );
    refusedAt(
      [flag(SPD, v), spec('securityContext={seccompProfile: {type: Localhost, localhostProfile: p.json}}')],
      'securityContext.seccompProfile',
      refusal('pod spec support for securityContext', 'kubernetes.podspec-securitycontext', 'it is disabled by default', 'secure-pod-defaults lets through only seccompProfile.type RuntimeDefault or Unconfined'),
    );
    refusedAt(
      [flag(SPD, v), spec('containers=[{image: "hello:1", securityContext: {capabilities: {add: [NET_BIND_SERVICE, NET_ADMIN]}}}]')],
      'containers[0].securityContext.capabilities.add',
      refusal('container spec support for adding capabilities', 'kubernetes.containerspec-addcapabilities', 'it is disabled by default', 'secure-pod-defaults lets through only add: [NET_BIND_SERVICE]'),
    );
  });

  it('without secure-pod-defaults, add: [NET_BIND_SERVICE] is refused too', () => {
    refusedAt(
      [spec('containers=[{image: "hello:1", securityContext: {capabilities: {add: [NET_BIND_SERVICE]}}}]')],
      'containers[0].securityContext.capabilities.add',
      refusal('container spec support for adding capabilities', 'kubernetes.containerspec-addcapabilities', 'it is disabled by default'),
    );
  });

  it("an init container's fields are gated too, once init containers are on", () => {
    refusedAt(
      [flag('kubernetes.podspec-init-containers', 'enabled'), spec('initContainers=[{image: "init:1", env: [{name: N, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]}]')],
      'initContainers[0].env[0].valueFrom.fieldRef',
      refusal('pod spec support for fieldRef', 'kubernetes.podspec-fieldref', 'it is disabled by default'),
    );
  });
});

// validateSidecarContainer: below enabled, a sidecar's probe must be empty (ProbeMask of an empty probe).
describe('multi-container-probing gates probes on sidecars', () => {
  const KEY = 'multi-container-probing';
  const SERVING = '{image: "hello:1", ports: [{containerPort: 8080}]}';
  const two = (sidecar: string, serving = SERVING): string => spec(`containers=[${serving}, ${sidecar}]`);
  const sidecarRefusal = (why: string): string => refusal('multi-container probing', KEY, why, 'this container is a sidecar (it has no ports)');
  it.each([
    { probe: 'livenessProbe', value: '{httpGet: {path: /healthz, port: 9090}}' },
    { probe: 'readinessProbe', value: '{exec: {command: ["true"]}}' },
    { probe: 'startupProbe', value: '{tcpSocket: {port: 9090}, periodSeconds: 1}' },
    // A probe with only a threshold is set (its terminationGracePeriodSeconds is not in Knative's schema: manifest-fields.test.ts);
    // past the gate, validateProbe wants a handler (probe-checks.test.ts).
    {
      probe: 'startupProbe',
      value: '{failureThreshold: 3}',
      enabled: 'expected exactly one, got neither: httpGet, tcpSocket, exec, grpc (a probe needs one handler), so Knative refuses the template',
    },
  ])('a sidecar $probe $value is refused by the gate when absent, disabled or allowed; passes it when enabled', ({ probe, value, enabled }) => {
    const set = two(`{image: "side:1", ${probe}: ${value}}`);
    const at = `containers[1].${probe}`;
    refusedAt([set], at, sidecarRefusal('it is disabled by default'));
    refusedAt([flag(KEY, 'Disabled'), set], at, sidecarRefusal('it is disabled'));
    refusedAt([flag(KEY, 'allowed'), set], at, sidecarRefusal(ALLOWED_NOT_ENOUGH));
    refusedAt([flag(KEY, 'enable'), set], at, sidecarRefusal('it is "enable", not enabled, allowed or disabled, which Knative ignores'));
    if (enabled === undefined) loads([flag(KEY, 'ENABLED'), set]);
    else refusedAt([flag(KEY, 'ENABLED'), set], at, enabled);
  });

  it.each([
    { what: 'a probe on the serving container of two', sets: [two('{image: "side:1"}', '{image: "hello:1", ports: [{containerPort: 8080}], readinessProbe: {exec: {command: ["true"]}}}')] },
    { what: 'a probe on a single container, which has no ports', sets: [spec('containers=[{image: "hello:1", livenessProbe: {tcpSocket: {}}}]')] },
  ])('$what loads at the defaults', ({ sets }) => {
    loads(sets);
  });

  // The webhook defaults before it validates: a readiness probe, even {}, gets successThreshold 1, which the gate then finds.
  it('an empty readiness probe on a sidecar is refused at the defaults', () => {
    refusedAt([two('{image: "side:1", readinessProbe: {}}')], 'containers[1].readinessProbe', sidecarRefusal('it is disabled by default'));
  });

  // An empty liveness or startup probe passes the gate (probe-checks.test.ts: the API server then refuses it, having no handler).
  it("a sidecar liveness probe of Go's zero values only passes the gate", () => {
    const e = catchScenarioError(() => loadScenario(BASE, { sets: [two('{image: "side:1", livenessProbe: {periodSeconds: 0, httpGet: null}}')] }));
    expect([e.path, e.rule]).toEqual([spec('containers[1].livenessProbe'), "Required value: must specify a handler type, so Kubernetes refuses the Deployment (Knative admits the template)"]);
  });

  it('a sidecar is any container without ports, even ports: [], wherever it stands', () => {
    const side = '{image: "side:1", ports: [], livenessProbe: {exec: {command: ["true"]}}}';
    refusedAt([spec(`containers=[${side}, ${SERVING}]`)], 'containers[0].livenessProbe', sidecarRefusal('it is disabled by default'));
  });
});

describe('where the gate applies', () => {
  it('a later template of the Service is gated too, even one that creates no revision', () => {
    const base = parse(readFileSync(BASE, 'utf8')) as Record<string, unknown>;
    const services = base['services'] as Array<Record<string, unknown>>;
    const withUpdate = (s: Record<string, unknown>) => ({
      ...base,
      services: [{ ...services[0], updates: [{ at: '1m', template: { spec: { containers: [{ image: 'hello:1' }], ...s } } }] }],
    });
    const added = catchScenarioError(() => scenarioFromValue(withUpdate({ nodeSelector: { disktype: 'ssd' } }), BASE));
    const want = new ScenarioError(BASE, 'services[0].updates[0].template.spec.nodeSelector', refusal('pod spec support for nodeSelector', 'kubernetes.podspec-nodeselector', 'it is disabled by default'));
    expect([added.path, added.rule]).toEqual([want.path, want.rule]);
    // hostNetwork: false is Go's zero value, so not set; true is refused.
    expect(scenarioFromValue(withUpdate({ hostNetwork: false }), BASE).world.services[0]!.revisions).toHaveLength(2);
    expect(catchScenarioError(() => scenarioFromValue(withUpdate({ hostNetwork: true }), BASE)).path).toBe('services[0].updates[0].template.spec.hostNetwork');
  });

  it('the CLI prints the refusal on one line and exits 2', () => {
    const r = runKnsim(['run', BASE, '--no-report', '--out', '/tmp/knsim-feature-gates-never-written', '--set', spec('tolerations=[{key: gpu, operator: Exists}]')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`knsim: ${new ScenarioError(BASE, spec('tolerations'), refusal('pod spec support for tolerations', 'kubernetes.podspec-tolerations', 'it is disabled by default')).message}\n`);
  });
});
