/**
 * What Knative's webhook refuses in a template's containers: ports, environment, image
 * (knative/serving pkg/apis/serving/k8s_validation.go: ValidatePodSpec, validateContainersPorts,
 * validate, validateEnvVar, validateEnvFrom, validateContainerPorts, validateInitContainerPorts,
 * validateContainerPortBasic; go-containerregistry pkg/name for the image).
 * knsim took every refused template below and simulated a Service that a real install never creates.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenario, scenarioFromValue } from '../../src/scenario/load.js';
import { runKnsim } from '../support/cli.js';
import { catchScenarioError, fixture } from './helpers.js';

const BASE = fixture('base.yaml');
const SPEC = 'services[0].manifest.spec.template.spec';
const REFUSED = 'so Knative refuses the template';
const INITS_ON = 'configMaps.config-features["kubernetes.podspec-init-containers"]=enabled';
const HEX64 = '0123456789abcdef'.repeat(4);

/** `containers=[…]` from flow-YAML containers. */
const containers = (...cs: string[]): string => `${SPEC}.containers=[${cs.join(', ')}]`;
/** Init containers beside the base's container, in a cluster that turned them on. */
const inits = (...cs: string[]): string[] => [INITS_ON, `${SPEC}.initContainers=[${cs.join(', ')}]`];
const SERVING = '{image: "app:1", ports: [{containerPort: 8080}]}';
const portName = (n: string): string => `Port name ${n} is not allowed: name must be empty, or one of: 'h2c', 'http1', ${REFUSED}`;
const reservedPort = (n: number, whose: string): string => `${n} is a reserved port (${whose}), please use a different value, ${REFUSED}`;
const reservedEnv = (n: string, why = 'Knative sets it'): string => `"${n}" is a reserved environment variable (${why}), ${REFUSED}`;
const badImage = (image: string, why: string): string => `Failed to parse image reference "${image}": ${why}, ${REFUSED}`;

describe('containers Knative refuses', () => {
  it.each([
    // Ports: the serving container's one port is named for the protocol the queue-proxy speaks to it.
    { what: 'a port named foo', sets: [containers('{image: "app:1", ports: [{containerPort: 8080, name: foo}]}')], at: 'containers[0].ports[0].name', rule: portName('foo') },
    { what: 'a port named http', sets: [containers('{image: "app:1", ports: [{containerPort: 8080, name: http}]}')], at: 'containers[0].ports[0].name', rule: portName('http') },
    { what: 'a UDP port', sets: [containers('{image: "app:1", ports: [{containerPort: 8080, protocol: UDP}]}')], at: 'containers[0].ports[0].protocol', rule: `invalid value: UDP: the serving port takes only TCP, ${REFUSED}` },
    {
      what: 'two ports on the serving container',
      sets: [containers('{image: "app:1", ports: [{containerPort: 8080}, {containerPort: 9000}]}')],
      at: 'containers[0].ports[1]',
      rule: `more than one container port is set (containers[0].ports[0] is one): only a single port is allowed across all containers, ${REFUSED}`,
    },
    {
      what: 'ports on two containers',
      sets: [containers(SERVING, '{image: "side:1", ports: [{containerPort: 9000}]}')],
      at: 'containers[1].ports[0]',
      rule: `more than one container port is set (containers[0].ports[0] is one): only a single port is allowed across all containers, ${REFUSED}`,
    },
    {
      what: 'two containers, neither with a port',
      sets: [containers('{image: "app:1"}', '{image: "side:1"}')],
      at: 'containers',
      rule: `missing field(s): ports: with more than one container, the serving one must declare its port, ${REFUSED}`,
    },
    // terminationMessagePolicy: the webhook takes Kubernetes' two values (and none).
    {
      what: 'a terminationMessagePolicy in the wrong case',
      sets: [containers('{image: "app:1", terminationMessagePolicy: file}')],
      at: 'containers[0].terminationMessagePolicy',
      rule: `invalid value: file (File or FallbackToLogsOnError), ${REFUSED}`,
    },
    {
      what: "an init container's unknown terminationMessagePolicy",
      sets: inits('{name: init, image: "busybox:1", terminationMessagePolicy: Logs}'),
      at: 'initContainers[0].terminationMessagePolicy',
      rule: `invalid value: Logs (File or FallbackToLogsOnError), ${REFUSED}`,
    },
    // The ports Knative's own processes take in the pod.
    ...[
      [8012, "the queue-proxy's HTTP/1 port"],
      [8013, "the queue-proxy's HTTP/2 port"],
      [8022, "the queue-proxy's admin port"],
      [9090, "the queue-proxy's autoscaling metrics port"],
      [9091, "the queue-proxy's user metrics port"],
      [8008, 'the profiling port'],
    ].map(([n, whose]) => ({
      what: `port ${n}`,
      sets: [containers(`{image: "app:1", ports: [{containerPort: ${n}}]}`)],
      at: 'containers[0].ports[0].containerPort',
      rule: reservedPort(n as number, whose as string),
    })),
    { what: 'port 65536', sets: [containers('{image: "app:1", ports: [{containerPort: 65536}]}')], at: 'containers[0].ports[0].containerPort', rule: `expected 0 <= 65536 <= 65535, ${REFUSED}` },
    { what: 'port -1', sets: [containers('{image: "app:1", ports: [{containerPort: -1}]}')], at: 'containers[0].ports[0].containerPort', rule: `expected 0 <= -1 <= 65535, ${REFUSED}` },
    // An init container's ports are checked one by one, for range and reserved numbers only.
    {
      what: "an init container's reserved port",
      sets: inits('{image: "init:1", ports: [{containerPort: 7000}, {containerPort: 9091}]}'),
      at: 'initContainers[0].ports[1].containerPort',
      rule: reservedPort(9091, "the queue-proxy's user metrics port"),
    },
    { what: "an init container's port 70000", sets: inits('{image: "init:1", ports: [{containerPort: 70000}]}'), at: 'initContainers[0].ports[0].containerPort', rule: `expected 0 <= 70000 <= 65535, ${REFUSED}` },

    // The environment: Knative sets PORT and the K_* variables in the serving container.
    { what: 'PORT', sets: [`${SPEC}.containers[0].env=[{name: PORT, value: "9000"}]`], at: 'containers[0].env[0].name', rule: reservedEnv('PORT', 'Knative sets it to the serving port') },
    ...['K_SERVICE', 'K_CONFIGURATION', 'K_REVISION'].map((n) => ({
      what: n,
      sets: [`${SPEC}.containers[0].env=[{name: LOG_LEVEL, value: debug}, {name: ${n}, value: x}]`],
      at: 'containers[0].env[1].name',
      rule: reservedEnv(n),
    })),
    { what: 'K_REVISION in a sidecar', sets: [containers(SERVING, '{image: "side:1", env: [{name: K_REVISION, value: x}]}')], at: 'containers[1].env[0].name', rule: reservedEnv('K_REVISION') },
    { what: 'K_SERVICE in an init container', sets: inits('{image: "init:1", env: [{name: K_SERVICE, value: x}]}'), at: 'initContainers[0].env[0].name', rule: reservedEnv('K_SERVICE') },
    // (In containers the scenario schema already wants a name.)
    { what: 'an environment variable without a name', sets: inits('{image: "init:1", env: [{value: x}]}'), at: 'initContainers[0].env[0].name', rule: `missing field(s): an environment variable needs a name, ${REFUSED}` },
    { what: 'an empty environment variable name', sets: inits('{image: "init:1", env: [{name: "", value: x}]}'), at: 'initContainers[0].env[0].name', rule: `missing field(s): an environment variable needs a name, ${REFUSED}` },
    {
      what: 'envFrom with both a ConfigMap and a Secret',
      sets: [`${SPEC}.containers[0].envFrom=[{configMapRef: {name: cfg}, secretRef: {name: creds}}]`],
      at: 'containers[0].envFrom[0]',
      rule: `expected exactly one, got both: configMapRef, secretRef, ${REFUSED}`,
    },
    { what: 'envFrom with only a prefix', sets: [`${SPEC}.containers[0].envFrom=[{configMapRef: {name: cfg}}, {prefix: APP_}]`], at: 'containers[0].envFrom[1]', rule: `expected exactly one, got neither: configMapRef, secretRef, ${REFUSED}` },
    // null is no value: the pointer stays nil.
    { what: 'envFrom with a null configMapRef', sets: [`${SPEC}.containers[0].envFrom=[{configMapRef: null}]`], at: 'containers[0].envFrom[0]', rule: `expected exactly one, got neither: configMapRef, secretRef, ${REFUSED}` },

    // The image: written, and a reference go-containerregistry parses.
    { what: 'no image', sets: [containers('{name: app}')], at: 'containers[0].image', rule: `missing field(s): a container needs an image, ${REFUSED}` },
    { what: 'an empty image', sets: [`${SPEC}.containers[0].image=""`], at: 'containers[0].image', rule: `missing field(s): a container needs an image, ${REFUSED}` },
    { what: 'a one-letter repository', sets: [`${SPEC}.containers[0].image=x`], at: 'containers[0].image', rule: badImage('x', 'the repository "x" is not 2 to 255 characters long') },
    { what: 'an upper-case repository', sets: [`${SPEC}.containers[0].image=Hello:1`], at: 'containers[0].image', rule: badImage('Hello:1', 'the repository "Hello" has "H", not one of a-z 0-9 _ - . /') },
    { what: "a '+' in the tag", sets: [`${SPEC}.containers[0].image="hello:1.0+build"`], at: 'containers[0].image', rule: badImage('hello:1.0+build', 'the tag "1.0+build" has "+", not one of A-Z a-z 0-9 _ - .') },
    { what: 'a short digest', sets: [`${SPEC}.containers[0].image="hello@sha256:abc"`], at: 'containers[0].image', rule: badImage('hello@sha256:abc', 'the sha256 digest is not 64 lower-case hex digits') },
    { what: 'a sha512 digest', sets: [`${SPEC}.containers[0].image="hello@sha512:abc"`], at: 'containers[0].image', rule: badImage('hello@sha512:abc', 'the digest "sha512:abc" is not a sha256 digest') },
    {
      what: 'a port that is not a number',
      sets: [`${SPEC}.containers[0].image="registry.local:port/app:1"`],
      at: 'containers[0].image',
      rule: badImage('registry.local:port/app:1', 'the registry "registry.local:port" is not an RFC 3986 URI authority'),
    },
    { what: "a sidecar's image", sets: [containers(SERVING, '{image: "Side:1"}')], at: 'containers[1].image', rule: badImage('Side:1', 'the repository "Side" has "S", not one of a-z 0-9 _ - . /') },
    { what: "an init container's image", sets: inits('{name: setup}'), at: 'initContainers[0].image', rule: `missing field(s): a container needs an image, ${REFUSED}` },
    // The schema keeps an init container whole; the webhook cannot decode a value of another type.
    { what: 'an init container image that is a number', sets: inits('{image: 5}'), at: 'initContainers[0].image', rule: `expected a string, got the number 5: Knative's webhook cannot decode it, ${REFUSED}` },
  ])('$what', ({ sets, at, rule }) => {
    const e = catchScenarioError(() => loadScenario(BASE, { sets }));
    expect([e.file, e.path, e.rule]).toEqual([BASE, `${SPEC}.${at}`, rule]);
  });
});

describe('containers Knative takes', () => {
  it.each([
    { what: 'an http1 port 8080', sets: [containers('{image: "app:1", ports: [{name: http1, containerPort: 8080, protocol: TCP}]}')] },
    { what: 'an h2c port', sets: [containers('{image: "app:1", ports: [{name: h2c, containerPort: 8080}]}')] },
    // 0 is no port number: Knative serves on 8080.
    { what: 'port 0', sets: [containers('{image: "app:1", ports: [{containerPort: 0}]}')] },
    { what: 'port 65535', sets: [containers('{image: "app:1", ports: [{containerPort: 65535}]}')] },
    { what: 'a low port', sets: [containers('{image: "app:1", ports: [{containerPort: 80}]}')] },
    { what: 'a sidecar first, the serving container second with an h2c port', sets: [containers('{image: "side:1"}', '{image: "app:1", ports: [{name: h2c, containerPort: 9000}]}')] },
    {
      what: 'env from a ConfigMap key, a Secret key, and envFrom each',
      sets: [
        `${SPEC}.containers[0].env=[{name: TARGET, value: World}, {name: LEVEL, valueFrom: {configMapKeyRef: {name: cfg, key: level}}}, {name: TOKEN, valueFrom: {secretKeyRef: {name: creds, key: token, optional: true}}}]`,
        `${SPEC}.containers[0].envFrom=[{configMapRef: {name: cfg}}, {prefix: DB_, secretRef: {name: db}}]`,
      ],
    },
    { what: 'both terminationMessagePolicy values', sets: [containers('{image: "app:1", ports: [{containerPort: 8080}], terminationMessagePolicy: FallbackToLogsOnError}', '{image: "side:1", terminationMessagePolicy: File}')] },
    { what: 'PORT in a sidecar', sets: [containers(SERVING, '{image: "side:1", env: [{name: PORT, value: "9000"}]}')] },
    { what: 'PORT in an init container', sets: inits('{image: "init:1", env: [{name: PORT, value: "9000"}]}') },
    // Init containers' ports are not the serving port: any number of them, any name.
    { what: 'init container ports', sets: inits('{image: "init:1", ports: [{containerPort: 9000, name: metrics}, {containerPort: 9001, protocol: UDP}]}') },
    ...[
      'ghcr.io/knative/helloworld-go:latest',
      `gcr.io/x/y@sha256:${HEX64}`,
      'localhost:5000/a/b:1',
      'nginx',
      'docker.io/library/nginx:1.27',
      'ubuntu:',
      `hello:1.0@sha256:${HEX64}`,
      '[::1]:5000/app:1',
      '10.0.0.5:5000/team/app:v2',
    ].map((image) => ({ what: `image ${image}`, sets: [`${SPEC}.containers[0].image="${image}"`] })),
  ])('$what', ({ sets }) => {
    expect(loadScenario(BASE, { sets }).world.services[0]!.revisions).toHaveLength(1);
  });

  it('a realistic manifest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-containers-'));
    try {
      const manifest = join(dir, 'ksvc.yaml');
      writeFileSync(
        manifest,
        [
          'apiVersion: serving.knative.dev/v1',
          'kind: Service',
          'metadata: { name: hello }',
          'spec:',
          '  template:',
          '    spec:',
          '      containers:',
          '        - name: app',
          '          image: ghcr.io/knative/helloworld-go:latest',
          '          ports: [{ name: http1, containerPort: 8080 }]',
          '          env:',
          '            - { name: TARGET, value: World }',
          '            - name: LOG_LEVEL',
          '              valueFrom: { configMapKeyRef: { name: hello-config, key: log-level } }',
          '          envFrom: [{ secretRef: { name: hello-secrets } }]',
          '        - name: proxy',
          `          image: gcr.io/example/proxy@sha256:${HEX64}`,
          '          env: [{ name: PORT, value: "9901" }]',
        ].join('\n'),
      );
      const s = loadScenario(BASE, { sets: [`services[0]={manifestFile: ${manifest}}`] });
      expect(s.world.services[0]!.revisions).toHaveLength(1);
      // The same file with the sidecar's port on the serving container too: the error names the manifest file.
      writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('value: "9901" }]', 'value: "9901" }]\n          ports: [{ containerPort: 9901 }]'));
      const e = catchScenarioError(() => loadScenario(BASE, { sets: [`services[0]={manifestFile: ${manifest}}`] }));
      expect([e.file, e.path, e.rule]).toEqual([
        manifest,
        'spec.template.spec.containers[1].ports[0]',
        `more than one container port is set (containers[0].ports[0] is one): only a single port is allowed across all containers, ${REFUSED}`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('where the checks apply', () => {
  const base = parse(readFileSync(BASE, 'utf8')) as Record<string, unknown>;
  const services = base['services'] as Array<Record<string, unknown>>;
  const withUpdate = (container: Record<string, unknown>) => ({
    ...base,
    services: [{ ...services[0], updates: [{ at: '1m', template: { spec: { containers: [container] } } }] }],
  });

  it("an update's template is checked too", () => {
    const e = catchScenarioError(() => scenarioFromValue(withUpdate({ image: 'hello:2', env: [{ name: 'K_CONFIGURATION', value: 'x' }] }), BASE));
    expect([e.path, e.rule]).toEqual(['services[0].updates[0].template.spec.containers[0].env[0].name', reservedEnv('K_CONFIGURATION')]);
    const img = catchScenarioError(() => scenarioFromValue(withUpdate({ image: 'hello:2', ports: [{ containerPort: 8013 }] }), BASE));
    expect([img.path, img.rule]).toEqual(['services[0].updates[0].template.spec.containers[0].ports[0].containerPort', reservedPort(8013, "the queue-proxy's HTTP/2 port")]);
    expect(scenarioFromValue(withUpdate({ image: 'hello:2', ports: [{ name: 'h2c', containerPort: 8080 }] }), BASE).world.services[0]!.revisions).toHaveLength(2);
  });

  // The schema requires containers only where a template has a spec; the webhook validates the
  // pod spec of every template, an absent one as empty, and refuses one without a container.
  it('a template without a spec, or with an empty list of containers, has no container', () => {
    const NONE = `missing field(s): a template needs a container, ${REFUSED}`;
    const noSpec = structuredClone(base) as { services: Array<{ manifest: { spec: { template: Record<string, unknown> } } }> };
    delete noSpec.services[0]!.manifest.spec.template['spec'];
    const e = catchScenarioError(() => scenarioFromValue(noSpec, BASE));
    expect([e.path, e.rule]).toEqual([`${SPEC}.containers`, NONE]);
    const empty = catchScenarioError(() => loadScenario(BASE, { sets: [`${SPEC}.containers=[]`] }));
    expect([empty.path, empty.rule]).toEqual([`${SPEC}.containers`, NONE]);
    const update = (template: Record<string, unknown>) => ({ ...base, services: [{ ...services[0], updates: [{ at: '1m', template }] }] });
    const meta = catchScenarioError(() => scenarioFromValue(update({ metadata: { annotations: { 'autoscaling.knative.dev/window': '30s' } } }), BASE));
    expect([meta.path, meta.rule]).toEqual(['services[0].updates[0].template.spec.containers', NONE]);
    const emptyUpdate = catchScenarioError(() => scenarioFromValue(update({ spec: { containers: [] } }), BASE));
    expect([emptyUpdate.path, emptyUpdate.rule]).toEqual(['services[0].updates[0].template.spec.containers', NONE]);
  });

  it('the CLI prints the refusal on one line and exits 2', () => {
    const set = `${SPEC}.containers[0].ports=[{containerPort: 8080, name: foo}]`;
    const r = runKnsim(['run', BASE, '--no-report', '--out', '/tmp/knsim-container-checks-never-written', '--set', set]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`knsim: ${new ScenarioError(BASE, `${SPEC}.containers[0].ports[0].name`, portName('foo')).message}\n`);
  });
});
