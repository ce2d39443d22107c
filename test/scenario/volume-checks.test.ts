/**
 * Volumes, volume mounts and security-context ids as Knative's webhook checks them
 * (knative/serving pkg/apis/serving/k8s_validation.go: ValidatePodSecurityContext,
 * ValidateVolumes, validateVolume, validateProjectedVolumeSource, validateKeyToPath,
 * validateEmptyDirFields, validateSecurityContext, validateVolumeMounts, AllMountedVolumes),
 * then the volume paths the API server refuses in the revision's Deployment.
 * knsim loaded all of these templates before.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadScenario, scenarioFromValue } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { cleanPath } from '../../src/scenario/volume-checks.js';
import { runKnsim } from '../support/cli.js';
import { catchScenarioError, fixture } from './helpers.js';

const BASE = fixture('base.yaml');
const SPEC = 'services[0].manifest.spec.template.spec';
const spec = (s: string): string => `${SPEC}.${s}`;
const flag = (key: string, value = 'enabled'): string => `configMaps.config-features["${key}"]=${value}`;
const ADMISSION = ', so Knative refuses the template';
const DEPLOYMENT = ", so Kubernetes refuses the revision's Deployment (Knative takes the template, but the revision never gets a pod)";

/** The one container, with these mounts. */
const mounts = (m: string): string => spec(`containers=[{image: "hello:1", volumeMounts: [${m}]}]`);
const volumes = (v: string): string => spec(`volumes=[${v}]`);
const CFG = '{name: cfg, configMap: {name: cfg}}';
const CFG_MOUNT = '{name: cfg, mountPath: /etc/config, readOnly: true}';
const INIT = flag('kubernetes.podspec-init-containers');
/** One init container, with these mounts. */
const initMounts = (m: string): string => spec(`initContainers=[{name: init, image: "init:1", volumeMounts: [${m}]}]`);

interface Refusal {
  what: string;
  sets: string[];
  at: string;
  rule: string;
}

/** The rule of a field the Service CRD's schema requires (manifest-fields.ts), which the API server checks first. */
const REQUIRED = 'required by the schema';
const WEBHOOK: Refusal[] = [
  // ValidateVolumes and validateVolumeMounts: names.
  { what: 'a mount of a volume that does not exist', sets: [mounts('{name: x, mountPath: /x}')], at: 'containers[0].volumeMounts[0].name', rule: 'volumeMount has no matching volume' },
  { what: 'a volume no container mounts', sets: [volumes(CFG)], at: 'volumes[0].name', rule: 'volume with name "cfg" not mounted' },
  { what: 'two volumes with one name', sets: [volumes(`${CFG}, {name: cfg, secret: {secretName: s}}`), mounts(CFG_MOUNT)], at: 'volumes[1].name', rule: 'duplicate volume name "cfg"' },
  { what: 'a volume without a name', sets: [volumes('{configMap: {name: cfg}}'), mounts('{name: cfg, mountPath: /etc/config, readOnly: true}')], at: 'volumes[0].name', rule: REQUIRED },
  {
    what: 'a volume name that is not a DNS-1123 label',
    sets: [volumes('{name: My_Config, configMap: {name: cfg}}'), mounts('{name: My_Config, mountPath: /etc/config, readOnly: true}')],
    at: 'volumes[0].name',
    rule: "invalid value: My_Config (a DNS-1123 label: only a-z, 0-9 and '-', alphanumeric at each end)",
  },
  // validateVolume: exactly one source; the flags decide which kinds "neither" offers.
  { what: 'a volume with no source', sets: [volumes('{name: cfg}'), mounts(CFG_MOUNT)], at: 'volumes[0]', rule: 'expected exactly one, got neither: secret, configMap, projected, emptyDir' },
  {
    what: 'a volume with no source, claims enabled',
    sets: [flag('kubernetes.podspec-persistent-volume-claim'), volumes('{name: cfg}'), mounts(CFG_MOUNT)],
    at: 'volumes[0]',
    rule: 'expected exactly one, got neither: secret, configMap, projected, emptyDir, persistentVolumeClaim',
  },
  {
    what: 'a volume with two sources',
    sets: [volumes('{name: cfg, configMap: {name: cfg}, secret: {secretName: s}}'), mounts(CFG_MOUNT)],
    at: 'volumes[0]',
    rule: 'expected exactly one, got both: secret, configMap',
  },
  // validateKeyToPath.
  { what: 'a configMap item without a key', sets: [volumes('{name: cfg, configMap: {name: cfg, items: [{path: app.yaml}]}}'), mounts(CFG_MOUNT)], at: 'volumes[0].configMap.items[0].key', rule: REQUIRED },
  { what: 'a secret item without a path', sets: [volumes('{name: cfg, secret: {secretName: s, items: [{key: tls.crt}]}}'), mounts(CFG_MOUNT)], at: 'volumes[0].secret.items[0].path', rule: REQUIRED },
  // validateProjectedVolumeSource and its helpers.
  {
    what: 'a projected source of no kind',
    sets: [volumes('{name: cfg, projected: {sources: [{}]}}'), mounts(CFG_MOUNT)],
    at: 'volumes[0].projected.sources[0]',
    rule: 'expected exactly one, got neither: secret, configMap, serviceAccountToken, downwardAPI',
  },
  {
    what: 'a projected source of two kinds',
    sets: [volumes('{name: cfg, projected: {sources: [{configMap: {name: a}, serviceAccountToken: {path: token}}]}}'), mounts(CFG_MOUNT)],
    at: 'volumes[0].projected.sources[0]',
    rule: 'expected exactly one, got both: configMap, serviceAccountToken',
  },
  { what: 'a projected secret without a name', sets: [volumes('{name: cfg, projected: {sources: [{secret: {}}]}}'), mounts(CFG_MOUNT)], at: 'volumes[0].projected.sources[0].secret.name', rule: 'missing field(s)' },
  {
    what: 'a projected configMap item without a path',
    sets: [volumes('{name: cfg, projected: {sources: [{configMap: {name: a, items: [{key: k}]}}]}}'), mounts(CFG_MOUNT)],
    at: 'volumes[0].projected.sources[0].configMap.items[0].path',
    rule: REQUIRED,
  },
  {
    what: 'a service account token without a path',
    sets: [volumes('{name: cfg, projected: {sources: [{serviceAccountToken: {audience: api}}]}}'), mounts(CFG_MOUNT)],
    at: 'volumes[0].projected.sources[0].serviceAccountToken.path',
    rule: REQUIRED,
  },
  {
    what: 'a downwardAPI item with no reference',
    sets: [volumes('{name: cfg, projected: {sources: [{downwardAPI: {items: [{path: labels}]}}]}}'), mounts(CFG_MOUNT)],
    at: 'volumes[0].projected.sources[0].downwardAPI.items[0]',
    rule: 'expected exactly one, got neither: fieldRef, resourceFieldRef',
  },
  {
    what: 'a downwardAPI item with both references',
    sets: [
      volumes('{name: cfg, projected: {sources: [{downwardAPI: {items: [{path: x, fieldRef: {fieldPath: metadata.labels}, resourceFieldRef: {containerName: user-container, resource: limits.cpu}}]}}]}}'),
      mounts(CFG_MOUNT),
    ],
    at: 'volumes[0].projected.sources[0].downwardAPI.items[0]',
    rule: 'Within a single item, cannot set both: resourceFieldRef, fieldRef',
  },
  {
    what: 'a downwardAPI item without a path',
    sets: [volumes('{name: cfg, projected: {sources: [{downwardAPI: {items: [{fieldRef: {fieldPath: metadata.labels}}]}}]}}'), mounts(CFG_MOUNT)],
    at: 'volumes[0].projected.sources[0].downwardAPI.items[0].path',
    rule: REQUIRED,
  },
  // validateEmptyDirFields.
  { what: 'an emptyDir on hugepages', sets: [volumes('{name: tmp, emptyDir: {medium: HugePages}}'), mounts('{name: tmp, mountPath: /tmp}')], at: 'volumes[0].emptyDir.medium', rule: 'invalid value: HugePages' },
  { what: 'an emptyDir with a negative sizeLimit', sets: [volumes('{name: tmp, emptyDir: {sizeLimit: -1Gi}}'), mounts('{name: tmp, mountPath: /tmp}')], at: 'volumes[0].emptyDir.sizeLimit', rule: 'invalid value: -1Gi' },
  {
    what: 'an emptyDir with a sizeLimit that is no quantity',
    sets: [volumes('{name: tmp, emptyDir: {sizeLimit: 1GB}}'), mounts('{name: tmp, mountPath: /tmp}')],
    at: 'volumes[0].emptyDir.sizeLimit',
    rule: '"1GB": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\' (e.g. 500m, 1.5, 2Gi)',
  },
  // validateImageVolumeSource, once its flag lets the kind in.
  {
    what: 'an image volume with an unknown pullPolicy',
    sets: [flag('kubernetes.podspec-volumes-image'), volumes('{name: model, image: {reference: "models:1", pullPolicy: Sometimes}}'), mounts('{name: model, mountPath: /models, readOnly: true}')],
    at: 'volumes[0].image.pullPolicy',
    rule: 'invalid value: Sometimes',
  },
  // validateVolumeMounts: paths.
  { what: 'a mount without a mountPath', sets: [volumes(CFG), mounts('{name: cfg, readOnly: true}')], at: 'containers[0].volumeMounts[0].mountPath', rule: REQUIRED },
  { what: 'a relative mountPath', sets: [volumes(CFG), mounts('{name: cfg, mountPath: etc/config, readOnly: true}')], at: 'containers[0].volumeMounts[0].mountPath', rule: 'invalid value: etc/config (must be an absolute path)' },
  { what: 'a mount at /dev/log', sets: [volumes(CFG), mounts('{name: cfg, mountPath: /dev/log, readOnly: true}')], at: 'containers[0].volumeMounts[0].mountPath', rule: 'mountPath "/dev/log" is a reserved path' },
  { what: 'a mount at /dev/, cleaned', sets: [volumes(CFG), mounts('{name: cfg, mountPath: /dev/, readOnly: true}')], at: 'containers[0].volumeMounts[0].mountPath', rule: 'mountPath "/dev" is a reserved path' },
  { what: 'a mount at the root, by way of ..', sets: [volumes(CFG), mounts('{name: cfg, mountPath: /etc/.., readOnly: true}')], at: 'containers[0].volumeMounts[0].mountPath', rule: 'mountPath "/" is a reserved path' },
  {
    what: 'two mounts at one path',
    sets: [volumes(`${CFG}, {name: tls, secret: {secretName: tls}}`), mounts(`${CFG_MOUNT}, {name: tls, mountPath: /etc/config/, readOnly: true}`)],
    at: 'containers[0].volumeMounts[1].mountPath',
    rule: 'invalid value: "/etc/config/" must be unique',
  },
  // validateVolumeMounts: read-only kinds. Defaulting makes a container's such mounts readOnly; an init container's it leaves.
  { what: "an init container's configMap mount not readOnly", sets: [INIT, volumes(CFG), initMounts('{name: cfg, mountPath: /etc/config}')], at: 'initContainers[0].volumeMounts[0].readOnly', rule: 'volume mount should be readOnly for this type of volume' },
  {
    what: "an init container's secret mount with readOnly: false",
    sets: [INIT, volumes('{name: tls, secret: {secretName: tls}}'), initMounts('{name: tls, mountPath: /etc/tls, readOnly: false}')],
    at: 'initContainers[0].volumeMounts[0].readOnly',
    rule: 'volume mount should be readOnly for this type of volume',
  },
  {
    what: "an init container's projected mount not readOnly",
    sets: [INIT, volumes('{name: token, projected: {sources: [{serviceAccountToken: {path: token}}]}}'), initMounts('{name: token, mountPath: /var/run/token}')],
    at: 'initContainers[0].volumeMounts[0].readOnly',
    rule: 'volume mount should be readOnly for this type of volume',
  },
  {
    what: "an init container's hostPath mount not readOnly",
    sets: [INIT, flag('kubernetes.podspec-volumes-hostpath'), volumes('{name: h, hostPath: {path: /data}}'), initMounts('{name: h, mountPath: /data}')],
    at: 'initContainers[0].volumeMounts[0].readOnly',
    rule: 'volume mount should be readOnly for this type of volume',
  },
  {
    what: 'a readOnly claim mounted writable',
    sets: [flag('kubernetes.podspec-persistent-volume-claim'), volumes('{name: data, persistentVolumeClaim: {claimName: data, readOnly: true}}'), mounts('{name: data, mountPath: /data}')],
    at: 'containers[0].volumeMounts[0].readOnly',
    rule: 'volume is readOnly but volume mount is not',
  },
  {
    what: 'Bidirectional mount propagation',
    sets: [flag('kubernetes.podspec-volumes-mount-propagation'), volumes(CFG), mounts('{name: cfg, mountPath: /etc/config, readOnly: true, mountPropagation: Bidirectional}')],
    at: 'containers[0].volumeMounts[0].mountPropagation',
    rule: 'mount propagation should be set to None or HostToContainer',
  },
  {
    what: "an init container's mount of no volume",
    sets: [flag('kubernetes.podspec-init-containers'), spec('initContainers=[{name: fetch, image: "fetch:1", volumeMounts: [{name: models, mountPath: /models}]}]')],
    at: 'initContainers[0].volumeMounts[0].name',
    rule: 'volumeMount has no matching volume',
  },
  // validateSecurityContext.
  { what: 'a negative runAsUser', sets: [spec('containers=[{image: "hello:1", securityContext: {runAsUser: -1}}]')], at: 'containers[0].securityContext.runAsUser', rule: 'expected 0 <= -1 <= 2147483647' },
  {
    what: 'a runAsGroup past MaxInt32',
    sets: [spec('containers=[{image: "hello:1", securityContext: {runAsGroup: 2147483648}}]')],
    at: 'containers[0].securityContext.runAsGroup',
    rule: 'expected 0 <= 2147483648 <= 2147483647',
  },
  // ValidatePodSecurityContext, with the flag that lets a pod securityContext through.
  { what: "a pod's negative runAsUser", sets: [flag('kubernetes.podspec-securitycontext'), spec('securityContext={runAsUser: -5}')], at: 'securityContext.runAsUser', rule: 'expected 0 <= -5 <= 2147483647' },
  { what: "a pod's fsGroup past MaxInt32", sets: [flag('kubernetes.podspec-securitycontext'), spec('securityContext={fsGroup: 4294967295}')], at: 'securityContext.fsGroup', rule: 'expected 0 <= 4294967295 <= 2147483647' },
  {
    what: "a pod's negative supplemental group",
    sets: [flag('kubernetes.podspec-securitycontext', 'allowed'), spec('securityContext={supplementalGroups: [1000, -1]}')],
    at: 'securityContext.supplementalGroups[1]',
    rule: 'expected 0 <= -1 <= 2147483647',
  },
  {
    what: "a pod's sysctls, which no flag lets through",
    sets: [flag('kubernetes.podspec-securitycontext'), spec('securityContext={runAsNonRoot: true, sysctls: [{name: net.core.somaxconn, value: "1024"}]}')],
    at: 'securityContext.sysctls',
    rule: 'must not set the field(s)',
  },
];

const API_SERVER: Refusal[] = [
  {
    what: 'a configMap item at an absolute path',
    sets: [volumes('{name: cfg, configMap: {name: cfg, items: [{key: app, path: /etc/app.yaml}]}}'), mounts(CFG_MOUNT)],
    at: 'volumes[0].configMap.items[0].path',
    rule: 'Invalid value: "/etc/app.yaml": must be a relative path',
  },
  {
    what: "a secret item path through '..'",
    sets: [volumes('{name: cfg, secret: {secretName: s, items: [{key: k, path: a/../../b}]}}'), mounts(CFG_MOUNT)],
    at: 'volumes[0].secret.items[0].path',
    rule: 'Invalid value: "a/../../b": must not contain \'..\'',
  },
  {
    what: "a projected item path starting with '..'",
    sets: [volumes('{name: cfg, projected: {sources: [{configMap: {name: a, items: [{key: k, path: ..data}]}}]}}'), mounts(CFG_MOUNT)],
    at: 'volumes[0].projected.sources[0].configMap.items[0].path',
    rule: 'Invalid value: "..data": must not start with \'..\'',
  },
  {
    what: 'a downwardAPI item at an absolute path',
    sets: [volumes('{name: cfg, projected: {sources: [{downwardAPI: {items: [{path: /labels, fieldRef: {fieldPath: metadata.labels}}]}}]}}'), mounts(CFG_MOUNT)],
    at: 'volumes[0].projected.sources[0].downwardAPI.items[0].path',
    rule: 'Invalid value: "/labels": must be a relative path',
  },
  {
    what: 'a token that expires in a minute',
    sets: [volumes('{name: cfg, projected: {sources: [{serviceAccountToken: {path: token, expirationSeconds: 60}}]}}'), mounts(CFG_MOUNT)],
    at: 'volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds',
    rule: 'Invalid value: 60: may not specify a duration less than 10 minutes',
  },
  {
    what: "a subPath through '..'",
    sets: [volumes(CFG), mounts('{name: cfg, mountPath: /etc/app.yaml, subPath: ../app.yaml, readOnly: true}')],
    at: 'containers[0].volumeMounts[0].subPath',
    rule: 'Invalid value: "../app.yaml": must not contain \'..\'',
  },
];

const loadsOneRevision = (sets: string[]): void => {
  expect(loadScenario(BASE, { sets }).world.services[0]!.revisions.map((r) => r.name)).toEqual(['hello-00001']);
};

const refusal = (sets: string[]): [string, string, string] => {
  const e = catchScenarioError(() => loadScenario(BASE, { sets }));
  return [e.file, e.path, e.rule];
};
/** The rule as ScenarioError keeps it (one line, capped). */
const expected = (at: string, rule: string): [string, string, string] => {
  const want = new ScenarioError(BASE, spec(at), rule);
  return [BASE, want.path, want.rule];
};

describe('the webhook refuses volumes, mounts and security contexts', () => {
  it.each(WEBHOOK)('$what: refused at $at', ({ sets, at, rule }) => {
    // A field the Service schema requires is refused by the API server before the webhook sees the template.
    const want = rule === REQUIRED ? `required field is missing: the API server refuses it (spec.template.spec.${at}: Required value)` : `${rule}${ADMISSION}`;
    expect(refusal(sets)).toEqual(expected(at, want));
  });
});

describe("the API server refuses the revision's Deployment for paths inside volumes", () => {
  it.each(API_SERVER)('$what: refused at $at', ({ sets, at, rule }) => {
    expect(refusal(sets)).toEqual(expected(at, `${rule}${DEPLOYMENT}`));
  });

  it('the webhook speaks first: a template both refuse is refused at the webhook field', () => {
    const sets = [volumes('{name: cfg, configMap: {name: cfg, items: [{key: app, path: /etc/app.yaml}]}}'), mounts('{name: cfg, mountPath: /dev/log, readOnly: true}')];
    expect(refusal(sets)).toEqual(expected('containers[0].volumeMounts[0].mountPath', `mountPath "/dev/log" is a reserved path${ADMISSION}`));
  });
});

describe('templates Knative takes', () => {
  it.each([
    { what: 'a configMap volume mounted readOnly at /etc/config', sets: [volumes(CFG), mounts(CFG_MOUNT)] },
    // RevisionSpec.applyDefault makes a container's mount readOnly unless its volume is an emptyDir, a claim or ephemeral.
    { what: "a container's configMap mount without readOnly, and one with readOnly: false (defaulting sets it)", sets: [volumes(CFG), mounts('{name: cfg, mountPath: /etc/config}, {name: cfg, mountPath: /etc/again, readOnly: false}')] },
    { what: "a container's hostPath mount without readOnly (defaulting sets it)", sets: [flag('kubernetes.podspec-volumes-hostpath'), volumes('{name: h, hostPath: {path: /data}}'), mounts('{name: h, mountPath: /data}')] },
    {
      what: 'a secret with items, mounted readOnly',
      sets: [volumes('{name: tls, secret: {secretName: tls, defaultMode: 0400, items: [{key: tls.crt, path: certs/tls.crt}, {key: tls.key, path: certs/tls.key, mode: 0400}]}}'), mounts('{name: tls, mountPath: /etc/tls, readOnly: true}')],
    },
    {
      what: 'a projected volume with a serviceAccountToken and downwardAPI',
      sets: [
        volumes(
          '{name: podinfo, projected: {sources: [{serviceAccountToken: {audience: vault, expirationSeconds: 3600, path: token}}, {downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}, {path: cpu, resourceFieldRef: {containerName: user-container, resource: limits.cpu}}]}}]}}',
        ),
        mounts('{name: podinfo, mountPath: /var/run/podinfo, readOnly: true}'),
      ],
    },
    { what: 'an emptyDir in memory with a sizeLimit, mounted writable', sets: [volumes('{name: cache, emptyDir: {medium: Memory, sizeLimit: 512Mi}}'), mounts('{name: cache, mountPath: /cache}')] },
    {
      what: 'an emptyDir an init container fills and the container reads',
      sets: [
        flag('kubernetes.podspec-init-containers'),
        volumes('{name: models, emptyDir: {}}'),
        spec('initContainers=[{name: fetch, image: "fetch:1", volumeMounts: [{name: models, mountPath: /models}]}]'),
        mounts('{name: models, mountPath: /models, readOnly: true}'),
      ],
    },
    {
      what: 'an emptyDir only an init container mounts (AllMountedVolumes counts it)',
      sets: [flag('kubernetes.podspec-init-containers'), volumes('{name: scratch, emptyDir: {}}'), spec('initContainers=[{name: prep, image: "prep:1", volumeMounts: [{name: scratch, mountPath: /scratch}]}]')],
    },
    // reservedPaths holds /, /dev and /dev/log only.
    { what: 'mounts at /var/log and /dev/shm', sets: [volumes('{name: logs, emptyDir: {}}, {name: shm, emptyDir: {medium: Memory}}'), mounts('{name: logs, mountPath: /var/log}, {name: shm, mountPath: /dev/shm}')] },
    { what: 'one volume mounted twice, at two paths, with a subPath', sets: [volumes(CFG), mounts(`${CFG_MOUNT}, {name: cfg, mountPath: /app/app.yaml, subPath: app.yaml, readOnly: true}`)] },
    { what: 'a container securityContext with ids at both ends of the range', sets: [spec('containers=[{image: "hello:1", securityContext: {runAsUser: 0, runAsGroup: 2147483647, runAsNonRoot: false}}]')] },
    {
      what: 'a pod securityContext with its flag',
      sets: [flag('kubernetes.podspec-securitycontext'), spec('securityContext={runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000, supplementalGroups: [3000], runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}')],
    },
    {
      what: 'a readOnly claim mounted readOnly, a writable claim mounted writable',
      sets: [
        flag('kubernetes.podspec-persistent-volume-claim'),
        flag('kubernetes.podspec-persistent-volume-write'),
        volumes('{name: ro, persistentVolumeClaim: {claimName: ro, readOnly: true}}, {name: rw, persistentVolumeClaim: {claimName: rw}}'),
        mounts('{name: ro, mountPath: /ro, readOnly: true}, {name: rw, mountPath: /rw}'),
      ],
    },
  ])('$what', ({ sets }) => {
    loadsOneRevision(sets);
  });
});

describe('where the checks run', () => {
  const base = parse(readFileSync(BASE, 'utf8')) as Record<string, unknown>;
  const services = base['services'] as Array<Record<string, unknown>>;
  const withUpdate = (spec: Record<string, unknown>) => ({ ...base, services: [{ ...services[0], updates: [{ at: '1m', template: { spec } }] }] });

  it("an update's template is checked as the first one is", () => {
    const e = catchScenarioError(() =>
      scenarioFromValue(withUpdate({ containers: [{ image: 'hello:2', volumeMounts: [{ name: 'cfg', mountPath: '/etc/config' }] }], volumes: [{ name: 'cfg', secret: { secretName: 's' } }, { name: 'cfg', configMap: { name: 'cfg' } }] }), BASE),
    );
    expect([e.path, e.rule]).toEqual(['services[0].updates[0].template.spec.volumes[1].name', `duplicate volume name "cfg"${ADMISSION}`]);
    const ok = scenarioFromValue(withUpdate({ containers: [{ image: 'hello:2', volumeMounts: [{ name: 'cfg', mountPath: '/etc/config', readOnly: true }] }], volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }] }), BASE);
    expect(ok.world.services[0]!.revisions.map((r) => r.name)).toEqual(['hello-00001', 'hello-00002']);
  });

  it('the CLI prints the refusal on one line and exits 2', () => {
    const r = runKnsim(['run', BASE, '--no-report', '--out', '/tmp/knsim-volume-checks-never-written', '--set', mounts('{name: x, mountPath: /x}')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`knsim: ${BASE}: ${spec('containers[0].volumeMounts[0].name')}: volumeMount has no matching volume${ADMISSION}`]);
  });
});

describe("Go's path.Clean, as the webhook compares mount paths", () => {
  it.each([
    ['/dev/', '/dev'],
    ['//dev//log', '/dev/log'],
    ['/etc/..', '/'],
    ['/../dev', '/dev'],
    ['/a/./b/../c', '/a/c'],
    ['a/../..', '..'],
    ['', '.'],
  ])('%s cleans to %s', (p, want) => {
    expect(cleanPath(p)).toBe(want);
  });
});
