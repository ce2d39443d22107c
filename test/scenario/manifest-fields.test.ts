/**
 * Fields of a Knative Service that never reach a Revision: the Service CRD's schema
 * (knative/serving config/core/300-resources/service.yaml) does not list them, so
 * `kubectl apply` refuses them with a strict decoding error, and the webhook's field masks
 * (pkg/apis/serving/fieldmask.go) refuse some values and, inside init containers (which the
 * schema keeps whole), the Kubernetes fields its container masks drop.
 * knsim ignored them: a misspelt containerConcurrency simulated the default without a word.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadScenario, scenarioFromValue } from '../../src/scenario/load.js';
import { overridePathError } from '../../src/scenario/override-paths.js';
import { parseSetExpression } from '../../src/scenario/set.js';
import { runKnsim } from '../support/cli.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { catchScenarioError, fixture } from './helpers.js';

/** This file's temporary folder, made here and removed after its tests (nothing else is removed). */
const TMP = mkdtempSync(join(tmpdir(), 'knsim-fields-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

type Obj = Record<string, unknown>;
const base = (): Obj => parse(readFileSync(fixture('base.yaml'), 'utf8')) as Obj;
const service = (s: Obj): Obj => (s['services'] as Obj[])[0]!;
const manifest = (s: Obj): Obj => service(s)['manifest'] as Obj;
const podSpec = (s: Obj): Obj => ((manifest(s)['spec'] as Obj)['template'] as Obj)['spec'] as Obj;
const container = (s: Obj): Obj => (podSpec(s)['containers'] as Obj[])[0]!;
const FEATURES = (flags: Record<string, string>) => (s: Obj) => {
  s['configMaps'] = { 'config-features': flags };
};

const SPEC = 'services[0].manifest.spec.template.spec';
const strict = (api: string): string => `kubectl apply refuses it (strict decoding error: unknown field "${api}")`;
const leftOut = (api: string): string => `Knative's Service schema leaves out this Kubernetes field, so ${strict(api)}`;
const unknown = (api: string, near?: string): string => `not a field of a Knative Service${near === undefined ? '' : ` (did you mean ${near}?)`}: ${strict(api)}`;
const MASK = 'so Knative refuses the template (must not set the field(s))';
/** What the API server says of a template spec without containers (the Service CRD lists them under `required`). */
const NO_CONTAINERS = 'required field is missing: the API server refuses it (spec.template.spec.containers: Required value)';
const mistyped = (expected: string, got: string, api: string, type: string): string =>
  `expected ${expected}, got ${got}: the API server refuses it (${api} must be of type ${type})`;

interface Row {
  name: string;
  edit: (s: Obj) => void;
  path: string;
  rule: string;
}

const ROWS: Row[] = [
  // Kubernetes fields the schema leaves out.
  { name: 'nodeName', edit: (s) => void (podSpec(s)['nodeName'] = 'node-1'), path: `${SPEC}.nodeName`, rule: leftOut('spec.template.spec.nodeName') },
  { name: 'restartPolicy', edit: (s) => void (podSpec(s)['restartPolicy'] = 'Never'), path: `${SPEC}.restartPolicy`, rule: leftOut('spec.template.spec.restartPolicy') },
  // kubectl refuses a field the schema lacks whatever its value, even Go's zero value.
  { name: 'an empty hostname', edit: (s) => void (podSpec(s)['hostname'] = ''), path: `${SPEC}.hostname`, rule: leftOut('spec.template.spec.hostname') },
  {
    name: "a container's lifecycle",
    edit: (s) => void (container(s)['lifecycle'] = { preStop: { exec: { command: ['sleep', '5'] } } }),
    path: `${SPEC}.containers[0].lifecycle`,
    rule: leftOut('spec.template.spec.containers[0].lifecycle'),
  },
  { name: 'stdin', edit: (s) => void (container(s)['stdin'] = true), path: `${SPEC}.containers[0].stdin`, rule: leftOut('spec.template.spec.containers[0].stdin') },
  {
    name: 'a hostPort',
    edit: (s) => void (container(s)['ports'] = [{ containerPort: 8080, hostPort: 80 }]),
    path: `${SPEC}.containers[0].ports[0].hostPort`,
    rule: leftOut('spec.template.spec.containers[0].ports[0].hostPort'),
  },
  {
    name: 'seLinuxOptions',
    edit: (s) => void (container(s)['securityContext'] = { runAsNonRoot: true, seLinuxOptions: { level: 's0' } }),
    path: `${SPEC}.containers[0].securityContext.seLinuxOptions`,
    rule: leftOut('spec.template.spec.containers[0].securityContext.seLinuxOptions'),
  },
  {
    name: "a probe's terminationGracePeriodSeconds",
    edit: (s) => void (container(s)['livenessProbe'] = { httpGet: { path: '/' }, terminationGracePeriodSeconds: 5 }),
    path: `${SPEC}.containers[0].livenessProbe.terminationGracePeriodSeconds`,
    rule: leftOut('spec.template.spec.containers[0].livenessProbe.terminationGracePeriodSeconds'),
  },
  {
    name: 'an nfs volume',
    edit: (s) => void (podSpec(s)['volumes'] = [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'data', nfs: { server: 'nfs', path: '/' } }]),
    path: `${SPEC}.volumes[1].nfs`,
    rule: leftOut('spec.template.spec.volumes[1].nfs'),
  },
  {
    name: 'resource claims',
    edit: (s) => void (container(s)['resources'] = { requests: { cpu: '100m' }, claims: [{ name: 'gpu' }] }),
    path: `${SPEC}.containers[0].resources.claims`,
    rule: leftOut('spec.template.spec.containers[0].resources.claims'),
  },
  // kubectl lists every unknown field; the error is at the first and names the others.
  {
    name: 'several at once',
    edit: (s) => {
      podSpec(s)['nodeName'] = 'node-1';
      container(s)['tty'] = true;
      podSpec(s)['restartPolicy'] = 'Never';
    },
    // In the order written: the fixture's containers come before the added pod fields.
    path: `${SPEC}.containers[0].tty`,
    rule: `Knative's Service schema leaves out this Kubernetes field, so kubectl apply refuses it (strict decoding error: unknown field "spec.template.spec.containers[0].tty"; also spec.template.spec.nodeName, spec.template.spec.restartPolicy)`,
  },
  // Misspellings.
  {
    name: 'a misspelt containerConcurrency',
    edit: (s) => void (podSpec(s)['containerConcurency'] = 5),
    path: `${SPEC}.containerConcurency`,
    rule: unknown('spec.template.spec.containerConcurency', 'containerConcurrency'),
  },
  {
    name: 'a misspelt imagePullPolicy',
    edit: (s) => void (container(s)['imagePulPolicy'] = 'Always'),
    path: `${SPEC}.containers[0].imagePulPolicy`,
    rule: unknown('spec.template.spec.containers[0].imagePulPolicy', 'imagePullPolicy'),
  },
  {
    name: "a misspelt Service's labels",
    edit: (s) => void ((manifest(s)['metadata'] as Obj)['lables'] = { team: 'a' }),
    path: 'services[0].manifest.metadata.lables',
    rule: unknown('metadata.lables', 'labels'),
  },
  {
    name: 'a misspelt template',
    edit: (s) => void ((manifest(s)['spec'] as Obj)['templat'] = {}),
    path: 'services[0].manifest.spec.templat',
    rule: unknown('spec.templat', 'template'),
  },
  { name: 'a made-up field', edit: (s) => void (podSpec(s)['zzzzzz'] = 1), path: `${SPEC}.zzzzzz`, rule: unknown('spec.template.spec.zzzzzz') },
  // An update's template and traffic are checked where they are written, with the Service's API path.
  {
    name: "an update's nodeName",
    edit: (s) => void (service(s)['updates'] = [{ at: '1m', template: { spec: { containers: [{ image: 'hello:2' }], nodeName: 'n' } } }]),
    path: 'services[0].updates[0].template.spec.nodeName',
    rule: leftOut('spec.template.spec.nodeName'),
  },
  {
    name: "an update's misspelt percent",
    edit: (s) => void (service(s)['updates'] = [{ at: '1m', traffic: [{ latestRevision: true, precent: 100 }] }]),
    path: 'services[0].updates[0].traffic[0].precent',
    rule: unknown('spec.traffic[0].precent', 'percent'),
  },
  // Values of another type than the schema's: the API server's validation refuses them.
  {
    name: 'a quoted containerPort',
    edit: (s) => void (container(s)['ports'] = [{ containerPort: '8080' }]),
    path: `${SPEC}.containers[0].ports[0].containerPort`,
    rule: mistyped('an integer', 'the string "8080"', 'spec.template.spec.containers[0].ports[0].containerPort', 'integer'),
  },
  {
    name: 'a YAML 1.1 boolean',
    edit: (s) => void (podSpec(s)['enableServiceLinks'] = 'yes'),
    path: `${SPEC}.enableServiceLinks`,
    rule: mistyped('a boolean', 'the string "yes"', 'spec.template.spec.enableServiceLinks', 'boolean'),
  },
  {
    name: 'a fractional probe port',
    edit: (s) => void (container(s)['readinessProbe'] = { tcpSocket: { port: 80.5 } }),
    path: `${SPEC}.containers[0].readinessProbe.tcpSocket.port`,
    rule: mistyped('an integer or a string', 'the number 80.5', 'spec.template.spec.containers[0].readinessProbe.tcpSocket.port', 'integer or string'),
  },
  {
    name: 'a number in a nodeSelector',
    edit: (s) => void (podSpec(s)['nodeSelector'] = { zone: 'a', gpus: 1 }),
    path: `${SPEC}.nodeSelector.gpus`,
    rule: mistyped('a string', 'the number 1', 'spec.template.spec.nodeSelector.gpus', 'string'),
  },
  {
    name: 'a securityContext that is not a mapping',
    edit: (s) => void (container(s)['securityContext'] = true),
    path: `${SPEC}.containers[0].securityContext`,
    rule: mistyped('a mapping', 'the boolean true', 'spec.template.spec.containers[0].securityContext', 'object'),
  },
  {
    name: 'volumes that are not a list',
    edit: (s) => void (podSpec(s)['volumes'] = { name: 'cfg' }),
    path: `${SPEC}.volumes`,
    rule: mistyped('a list', 'a mapping', 'spec.template.spec.volumes', 'array'),
  },
  {
    name: "a number among a capability's names",
    edit: (s) => void (container(s)['securityContext'] = { capabilities: { drop: ['ALL', 7] } }),
    path: `${SPEC}.containers[0].securityContext.capabilities.drop[1]`,
    rule: mistyped('a string', 'the number 7', 'spec.template.spec.containers[0].securityContext.capabilities.drop[1]', 'string'),
  },
  {
    // Strict decoding fails before the schema's validation runs.
    name: 'an unknown field before a mistyped one',
    edit: (s) => void (container(s)['ports'] = [{ containerPort: '8080', hostPort: 80 }]),
    path: `${SPEC}.containers[0].ports[0].hostPort`,
    rule: leftOut('spec.template.spec.containers[0].ports[0].hostPort'),
  },
  // Fields the schema requires (the API server checks them before the webhook sees the template).
  {
    name: 'an HTTP header without a value',
    edit: (s) => void (container(s)['readinessProbe'] = { httpGet: { path: '/ready', httpHeaders: [{ name: 'X-Probe' }] } }),
    path: `${SPEC}.containers[0].readinessProbe.httpGet.httpHeaders[0].value`,
    rule: 'required field is missing: the API server refuses it (spec.template.spec.containers[0].readinessProbe.httpGet.httpHeaders[0].value: Required value)',
  },
  {
    name: 'a seccompProfile without a type',
    edit: (s) => void (container(s)['securityContext'] = { seccompProfile: { localhostProfile: 'p.json' } }),
    path: `${SPEC}.containers[0].securityContext.seccompProfile.type`,
    rule: 'required field is missing: the API server refuses it (spec.template.spec.containers[0].securityContext.seccompProfile.type: Required value)',
  },
  {
    name: 'a secretKeyRef without a key (null is no value)',
    edit: (s) => void (container(s)['env'] = [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: null } } }]),
    path: `${SPEC}.containers[0].env[0].valueFrom.secretKeyRef.key`,
    rule: 'required field is missing: the API server refuses it (spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.key: Required value)',
  },
  { name: 'a template without containers', edit: (s) => void delete podSpec(s)['containers'], path: `${SPEC}.containers`, rule: NO_CONTAINERS },
  // Values the schema takes and the webhook's masks do not.
  {
    name: 'privileged: true',
    edit: (s) => void (container(s)['securityContext'] = { privileged: true }),
    path: `${SPEC}.containers[0].securityContext.privileged`,
    rule: `Knative allows only privileged: false, ${MASK}`,
  },
  {
    name: 'automountServiceAccountToken: true',
    edit: (s) => void (podSpec(s)['automountServiceAccountToken'] = true),
    path: `${SPEC}.automountServiceAccountToken`,
    rule: `Knative lets a Revision only turn the token off (false), ${MASK}`,
  },
  // The schema keeps an init container whole; the webhook's container masks still apply to it.
  {
    name: "an init container's stdin",
    edit: (s) => {
      FEATURES({ 'kubernetes.podspec-init-containers': 'enabled' })(s);
      podSpec(s)['initContainers'] = [{ name: 'init', image: 'busybox', stdin: true }];
    },
    path: `${SPEC}.initContainers[0].stdin`,
    rule: `Knative does not take this Kubernetes field in a container, ${MASK}`,
  },
  {
    name: "an init container's procMount",
    edit: (s) => {
      FEATURES({ 'kubernetes.podspec-init-containers': 'enabled' })(s);
      podSpec(s)['initContainers'] = [{ name: 'init', image: 'busybox', securityContext: { procMount: 'Unmasked' } }];
    },
    path: `${SPEC}.initContainers[0].securityContext.procMount`,
    rule: `Knative does not take this Kubernetes field in a container, ${MASK}`,
  },
];

describe('fields that never reach a Revision', () => {
  it.each(ROWS)('refuses $name', ({ edit, path, rule }) => {
    const s = base();
    edit(s);
    const err = catchScenarioError(() => scenarioFromValue(s, 's.yaml'));
    // A ScenarioError shortens long echoes of the input; built the same way, the line must match.
    expect(err.message).toBe(new ScenarioError('s.yaml', path, rule).message);
  });

  const ACCEPTED: Array<{ name: string; edit: (s: Obj) => void }> = [
    { name: "a template's metadata, which the schema keeps whole", edit: (s) => void (((manifest(s)['spec'] as Obj)['template'] as Obj)['metadata'] = { generateName: 'x-', extra: 1 }) },
    { name: 'status, as kubectl get prints it', edit: (s) => void (manifest(s)['status'] = { url: 'http://hello', conditions: [], anything: 1 }) },
    { name: 'privileged: false', edit: (s) => void (container(s)['securityContext'] = { privileged: false, capabilities: { drop: ['ALL'] } }) },
    // A null is no value (the API server drops it); a named port is a string (the webhook wants the serving port's name).
    {
      name: 'nulls and a named probe port',
      edit: (s) => void Object.assign(container(s), { imagePullPolicy: null, ports: [{ name: 'http1', containerPort: 8080 }], readinessProbe: { httpGet: { port: 'http1', path: null } } }),
    },
    { name: 'automountServiceAccountToken: false', edit: (s) => void (podSpec(s)['automountServiceAccountToken'] = false) },
    {
      name: 'every container field the schema lists',
      edit: (s) => {
        podSpec(s)['containers'] = [
          {
            name: 'app',
            image: 'hello:1',
            imagePullPolicy: 'Always',
            command: ['/app'],
            args: ['-v'],
            workingDir: '/',
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'c', key: 'k', optional: true } } }],
            envFrom: [{ prefix: 'P_', secretRef: { name: 's' } }],
            ports: [{ containerPort: 8080, name: 'http1', protocol: 'TCP' }],
            resources: { requests: { cpu: '100m' }, limits: { memory: '128Mi' } },
            readinessProbe: { httpGet: { path: '/ready', httpHeaders: [{ name: 'X', value: '1' }] }, periodSeconds: 1 },
            livenessProbe: { tcpSocket: { port: 8080 } },
            startupProbe: { grpc: { port: 8080 } },
            volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg', readOnly: true }],
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          },
        ];
        // The webhook refuses a mount of no volume.
        podSpec(s)['volumes'] = [{ name: 'cfg', configMap: { name: 'cfg' } }];
      },
    },
    {
      name: 'secret, configMap and projected volumes',
      edit: (s) => {
        podSpec(s)['volumes'] = [
          { name: 'a', secret: { secretName: 's', items: [{ key: 'k', path: 'p' }] } },
          { name: 'b', configMap: { name: 'c', defaultMode: 0o644 } },
          { name: 'c', projected: { sources: [{ serviceAccountToken: { audience: 'x', path: 't' } }, { downwardAPI: { items: [{ path: 'l', fieldRef: { fieldPath: 'metadata.labels' } }] } }] } },
        ];
        // The webhook refuses a volume no container mounts.
        container(s)['volumeMounts'] = ['a', 'b', 'c'].map((name) => ({ name, mountPath: `/${name}`, readOnly: true }));
      },
    },
    {
      // The webhook's decoder drops a key Kubernetes does not know; the flag lets the init container through.
      name: "an unknown key in an init container, and its stdin: false",
      edit: (s) => {
        FEATURES({ 'kubernetes.podspec-init-containers': 'enabled' })(s);
        podSpec(s)['initContainers'] = [{ name: 'init', image: 'busybox', stdin: false, madeUp: 1 }];
      },
    },
    { name: 'an update that writes only known fields', edit: (s) => void (service(s)['updates'] = [{ at: '1m', template: { spec: { containers: [{ image: 'hello:2' }] } }, traffic: [{ latestRevision: true, percent: 100 }] }]) },
  ];
  it.each(ACCEPTED)('accepts $name', ({ edit }) => {
    const s = base();
    edit(s);
    expect(() => scenarioFromValue(s, 's.yaml')).not.toThrow();
  });
});

describe('in a manifestFile', () => {
  it('names the manifest file and the path inside it, also inside a List', () => {
    const dir = mkdtempSync(join(TMP, 'case-'));
    const svc = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello' }, spec: { template: { spec: { containers: [{ image: 'hello:1', tty: true }] } } } };
    writeFileSync(join(dir, 'svc.yaml'), stringify({ apiVersion: 'v1', kind: 'List', items: [svc] }));
    const s = base();
    service(s)['manifestFile'] = 'svc.yaml';
    delete service(s)['manifest'];
    writeFileSync(join(dir, 's.yaml'), stringify(s));
    const err = catchScenarioError(() => loadScenario(join(dir, 's.yaml')));
    expect(err.file).toBe(join(dir, 'svc.yaml'));
    expect(err.message).toBe(new ScenarioError(join(dir, 'svc.yaml'), 'items[0].spec.template.spec.containers[0].tty', leftOut('spec.template.spec.containers[0].tty')).message);
  });
});

describe('--set paths', () => {
  it('say a left-out Kubernetes field is one, before the manifest loads', () => {
    expect(overridePathError(parseSetExpression(`${SPEC}.nodeName=n`).path)).toBe(
      `"nodeName" is a Kubernetes field Knative's Service schema leaves out of ${SPEC}: kubectl apply refuses it (strict decoding error: unknown field)`,
    );
    expect(overridePathError(parseSetExpression(`${SPEC}.containers[0].imagePullPolicy=Always`).path)).toBeUndefined();
  });

  it('knsim run exits 2 with the one line', () => {
    const r = runKnsim(['run', fixture('base.yaml'), '--set', `${SPEC}.containers[0].securityContext.privileged=true`, '--no-report', '--out', join(mkdtempSync(join(TMP, 'case-')), 'o')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`knsim: ${fixture('base.yaml')}: ${SPEC}.containers[0].securityContext.privileged: Knative allows only privileged: false, ${MASK}`]);
  });
});

// knsim took a template without containers (a shorthand its own tests used) and simulated a
// Service the API server never stores.
describe('a template without containers', () => {
  it('knsim run exits 2 with the one line naming the file and spec.template.spec.containers', () => {
    const dir = mkdtempSync(join(TMP, 'case-'));
    const s = base();
    delete podSpec(s)['containers'];
    podSpec(s)['containerConcurrency'] = 10;
    writeFileSync(join(dir, 's.yaml'), stringify(s));
    const r = runKnsim(['run', join(dir, 's.yaml'), '--no-report', '--out', join(dir, 'o')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`knsim: ${join(dir, 's.yaml')}: ${SPEC}.containers: ${NO_CONTAINERS}\n`);
    expect(r.stdout).toBe('');
  });

  // An update's template is a whole new template (kubectl apply of the full manifest), not a
  // patch onto the last one: without containers, the Service it makes has none.
  it("is refused in an update, even when the Service's template has them", () => {
    const s = base();
    service(s)['updates'] = [{ at: '1m', template: { spec: { containerConcurrency: 2 } } }];
    const err = catchScenarioError(() => scenarioFromValue(s, 's.yaml'));
    expect(err.message).toBe(new ScenarioError('s.yaml', 'services[0].updates[0].template.spec.containers', NO_CONTAINERS).message);
    (service(s)['updates'] as Obj[])[0]!['template'] = { spec: { containerConcurrency: 2, containers: [{ image: 'hello:1' }] } };
    expect(scenarioFromValue(s, 's.yaml').world.services[0]!.revisions.map((r) => r.containerConcurrency)).toEqual([0, 2]);
  });
});

describe('many unknown fields', () => {
  it('names three after the first and counts the rest', () => {
    const s = base();
    for (let i = 0; i < 40; i++) podSpec(s)[`madeUp${i}`] = i;
    const err = catchScenarioError(() => scenarioFromValue(s, 's.yaml'));
    expect(err.path).toBe(`${SPEC}.madeUp0`);
    const also = [1, 2, 3].map((i) => `spec.template.spec.madeUp${i}`).join(', ');
    expect(err.rule).toBe(`not a field of a Knative Service: ${strict('spec.template.spec.madeUp0').replace(/\)$/, `; also ${also}, and 36 more)`)}`);
  });
});

describe('YAML merge keys', () => {
  it('are merged, as kubectl merges them: `<<: *anchor` is no field, its values reach the template', () => {
    const dir = mkdtempSync(join(TMP, 'case-'));
    writeFileSync(
      join(dir, 'svc.yaml'),
      [
        'apiVersion: serving.knative.dev/v1',
        'kind: Service',
        'metadata: { name: hello }',
        'spec:',
        '  template:',
        '    spec:',
        '      <<: &limits { containerConcurrency: 3, timeoutSeconds: 40 }',
        '      timeoutSeconds: 60',
        '      containers:',
        '        - image: ghcr.io/knative/helloworld-go:latest',
        '          readinessProbe: &probe { httpGet: { path: /ready }, periodSeconds: 5 }',
        '          livenessProbe: { <<: *probe, periodSeconds: 10 }',
      ].join('\n'),
    );
    const s = base();
    service(s)['manifestFile'] = 'svc.yaml';
    delete service(s)['manifest'];
    writeFileSync(join(dir, 's.yaml'), stringify(s));
    const r = loadScenario(join(dir, 's.yaml')).world.services[0]!.revisions[0]!;
    // The merged value, and the key written beside the merge key winning over the merged one.
    expect([r.containerConcurrency, r.timeoutSeconds]).toEqual([3, 60]);
  });
});
