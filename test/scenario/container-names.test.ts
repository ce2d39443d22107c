/**
 * The names Knative gives unnamed containers: knative.dev/pkg kmeta.ChildName for numbered
 * names, the template as is for a lone container. The digests below were computed apart from
 * knsim (`printf %s NAME | md5sum`), following kmeta/names.go's rule: past 63 bytes, the parent
 * is cut to 31 − len(suffix) bytes and its MD5 in hex and the suffix follow.
 */
import { describe, expect, it } from 'vitest';
import { childName, containerNameErrors, defaultContainerNames, nameFromTemplate } from '../../src/scenario/container-names.js';
import { loadScenario } from '../../src/scenario/load.js';
import { catchScenarioError, fixture } from './helpers.js';

const A62 = 'a'.repeat(62);
const MD5_A62 = '24612f0ce2c9d2cf2b022ef1e027a54f';
// "hello-" and 56 x's: what "{{.Name}}-xxx…" gives for the Service hello.
const HELLO62 = `hello-${'x'.repeat(56)}`;
const MD5_HELLO62 = '3c349d56d3b46963c5b43aafc41f69a3';

describe('childName (kmeta.ChildName)', () => {
  it.each([
    { what: 'a short name is parent + suffix', parent: 'user-container', suffix: '-0', want: 'user-container-0' },
    { what: '63 characters exactly are kept', parent: 'a'.repeat(61), suffix: '-0', want: `${'a'.repeat(61)}-0` },
    // knsim kept these 64 characters, which Kubernetes refuses as a container name.
    { what: '64 characters: 29 of the parent, its MD5, the suffix', parent: A62, suffix: '-0', want: `${'a'.repeat(29)}${MD5_A62}-0` },
    { what: 'a longer suffix leaves less of the parent', parent: A62, suffix: '-10', want: `${'a'.repeat(28)}${MD5_A62}-10` },
    { what: 'a template with the Service name', parent: HELLO62, suffix: '-1', want: `hello-${'x'.repeat(23)}${MD5_HELLO62}-1` },
    {
      // A suffix of 31 bytes or more: the MD5 of parent + suffix after 31 bytes of the parent.
      what: 'a suffix too long to keep',
      parent: 'a'.repeat(40),
      suffix: `-${'b'.repeat(31)}`,
      want: `${'a'.repeat(31)}28367e3ab103f0bf193ef5b57628a071`,
    },
    {
      // Padded to 63 with the suffix's start ("-" + 26 x's + "-"), whose last '-' is then cut.
      what: 'a short parent with a very long suffix',
      parent: 'abc',
      suffix: `-${'x'.repeat(26)}-${'y'.repeat(36)}`,
      want: `abcf4e48aecc6b8643e601d172489013983-${'x'.repeat(26)}`,
    },
  ])('$what', ({ parent, suffix, want }) => {
    const got = childName(parent, suffix);
    expect(got).toBe(want);
    expect(got.length).toBeLessThanOrEqual(63);
  });
});

describe('defaultContainerNames (applyDefaultContainerNames)', () => {
  it.each([
    { what: 'a lone unnamed container gets the template, however long', names: [undefined], taken: [], base: `${A62}xx`, want: [[0, `${A62}xx`]] },
    { what: 'several are numbered', names: [undefined, 'side', undefined], taken: ['side'], base: 'user-container', want: [[0, 'user-container-0'], [2, 'user-container-1']] },
    { what: 'a lone one whose name is taken is numbered', names: [undefined], taken: ['user-container'], base: 'user-container', want: [[0, 'user-container-0']] },
    { what: 'numbers the user took are skipped', names: [undefined, 'user-container-0', undefined], taken: ['user-container-0'], base: 'user-container', want: [[0, 'user-container-1'], [2, 'user-container-2']] },
    { what: 'numbered names past 63 characters are hashed', names: [undefined, undefined], taken: [], base: A62, want: [[0, `${'a'.repeat(29)}${MD5_A62}-0`], [1, `${'a'.repeat(29)}${MD5_A62}-1`]] },
  ])('$what', ({ names, taken, base, want }) => {
    expect([...defaultContainerNames(names, new Set(taken), base)]).toEqual(want);
  });
});

describe('containerNameErrors (IsDNS1123Label)', () => {
  it.each([
    { name: `${'a'.repeat(29)}${MD5_A62}-0`, errs: 0 },
    { name: 'a'.repeat(64), errs: 1 },
    { name: 'User_Container', errs: 1 },
    { name: `-${'a'.repeat(63)}`, errs: 2 },
  ])('$name: $errs problem(s)', ({ name, errs }) => {
    expect(containerNameErrors(name)).toHaveLength(errs);
  });
});

describe('container names Knative or Kubernetes refuses (k8s_validation.go ValidatePodSpec; the API server for the Deployment)', () => {
  // knsim took every one of these and ran the revision; upstream the webhook refuses the template,
  // or takes it and the API server refuses the revision's Deployment, so the revision never gets a pod.
  const BASE = fixture('base.yaml');
  const SPEC = 'services[0].manifest.spec.template.spec';
  const DEFAULTS = 'configMaps.config-defaults';
  const ADMISSION = 'Knative refuses the template';
  const DEPLOYMENT = 'Kubernetes refuses the Deployment';
  const LABEL = "only a-z, 0-9 and '-', alphanumeric at each end";
  /** A serving container with a port, and a sidecar named `side`. */
  const two = (first: string, side: string): string => `${SPEC}.containers=[{${first}image: "app:1", ports: [{containerPort: 8080}]}, {${side}image: "side:1"}]`;
  /** Init containers, in a cluster that turned them on (config-features). */
  const inits = (...names: string[]): string[] => [
    'configMaps.config-features["kubernetes.podspec-init-containers"]=enabled',
    `${SPEC}.initContainers=[${names.map((n, i) => `{${n}image: "init${i}:1"}`).join(', ')}]`,
  ];

  it.each([
    // Kubernetes' rule for a container name (IsDNS1123Label); Knative's webhook does not check it.
    { what: 'an upper-case name', sets: [`${SPEC}.containers[0].name=App`], path: 'containers[0]', rule: `"App" is not a DNS-1123 label (${LABEL}): ${DEPLOYMENT}` },
    { what: 'an underscore', sets: [`${SPEC}.containers[0].name=my_app`], path: 'containers[0]', rule: `"my_app" is not a DNS-1123 label (${LABEL}): ${DEPLOYMENT}` },
    { what: 'a dot', sets: [`${SPEC}.containers[0].name=app.v1`], path: 'containers[0]', rule: `"app.v1" is not a DNS-1123 label (${LABEL}): ${DEPLOYMENT}` },
    { what: "a leading '-'", sets: [`${SPEC}.containers[0].name=-app`], path: 'containers[0]', rule: `"-app" is not a DNS-1123 label (${LABEL}): ${DEPLOYMENT}` },
    { what: "a trailing '-'", sets: [`${SPEC}.containers[0].name=app-`], path: 'containers[0]', rule: `"app-" is not a DNS-1123 label (${LABEL}): ${DEPLOYMENT}` },
    { what: '64 characters', sets: [`${SPEC}.containers[0].name=${'a'.repeat(64)}`], path: 'containers[0]', rule: `"${'a'.repeat(64)}" is not a DNS-1123 label (over 63 characters): ${DEPLOYMENT}` },
    { what: 'a sidecar', sets: [two('name: app, ', 'name: Side, ')], path: 'containers[1]', rule: `"Side" is not a DNS-1123 label (${LABEL}): ${DEPLOYMENT}` },
    { what: 'an init container', sets: [...inits('name: Setup, ')], path: 'initContainers[0]', rule: `"Setup" is not a DNS-1123 label (${LABEL}): ${DEPLOYMENT}` },
    {
      // The webhook counts an unnamed container's '' among the names it must not give, so an empty template is numbered.
      what: 'an empty name template',
      sets: [`${DEFAULTS}.container-name-template=""`],
      path: 'containers[0]',
      rule: `config-defaults container-name-template gives "-0", not a DNS-1123 label (${LABEL}): ${DEPLOYMENT}`,
    },

    // The webhook keeps queue-proxy, its own sidecar's name.
    { what: 'a lone container named queue-proxy', sets: [`${SPEC}.containers[0].name=queue-proxy`], path: 'containers[0]', rule: `"queue-proxy" is reserved for Knative's own sidecar: ${ADMISSION}` },
    { what: 'a sidecar named queue-proxy', sets: [two('', 'name: queue-proxy, ')], path: 'containers[1]', rule: `"queue-proxy" is reserved for Knative's own sidecar: ${ADMISSION}` },
    { what: 'an init container named queue-proxy', sets: [...inits('name: queue-proxy, ')], path: 'initContainers[0]', rule: `"queue-proxy" is reserved for Knative's own sidecar: ${ADMISSION}` },
    {
      what: 'a container-name-template that gives queue-proxy',
      sets: [`${DEFAULTS}.container-name-template=queue-proxy`],
      path: 'containers[0]',
      rule: `config-defaults container-name-template gives "queue-proxy", which is reserved for Knative's own sidecar: ${ADMISSION}`,
    },
    {
      what: 'an init-container-name-template that gives queue-proxy',
      sets: [`${DEFAULTS}.init-container-name-template=queue-proxy`, ...inits('')],
      path: 'initContainers[0]',
      rule: `config-defaults init-container-name-template gives "queue-proxy", which is reserved for Knative's own sidecar: ${ADMISSION}`,
    },

    // Duplicates: the webhook compares containers with each other and init containers with containers.
    { what: 'two containers named alike', sets: [two('name: app, ', 'name: app, ')], path: 'containers[1]', rule: `"app" also names containers[0]: container names must be unique, so ${ADMISSION}` },
    {
      what: 'an init container named as a container',
      sets: [`${SPEC}.containers[0].name=app`, ...inits('name: setup, ', 'name: app, ')],
      path: 'initContainers[1]',
      rule: `"app" also names containers[0]: container names must be unique, so ${ADMISSION}`,
    },
    {
      what: 'both name templates alike',
      sets: [`${DEFAULTS}.container-name-template=app`, `${DEFAULTS}.init-container-name-template=app`, ...inits('')],
      path: 'initContainers[0]',
      rule: `config-defaults init-container-name-template gives "app", which also names containers[0] (named by config-defaults container-name-template): container names must be unique, so ${ADMISSION}`,
    },
    // The webhook does not compare init containers with each other; the API server does.
    { what: 'two init containers named alike', sets: [...inits('name: setup, ', 'name: setup, ')], path: 'initContainers[1]', rule: `"setup" also names initContainers[0]: container names must be unique, so ${DEPLOYMENT}` },
  ])('$what is refused', ({ sets, path, rule }) => {
    const e = catchScenarioError(() => loadScenario(BASE, { sets }));
    expect([e.path, e.rule]).toEqual([`${SPEC}.${path}.name`, rule]);
  });

  it.each([
    { what: 'a plain name', sets: [`${SPEC}.containers[0].name=app`] },
    { what: 'a one-letter name', sets: [`${SPEC}.containers[0].name=a`] },
    { what: 'a name starting with a digit', sets: [`${SPEC}.containers[0].name=1app`] },
    { what: '63 characters', sets: [`${SPEC}.containers[0].name=${'a'.repeat(63)}`] },
    { what: 'a sidecar and an init container named apart', sets: [two('name: app, ', 'name: side, '), ...inits('name: setup, ', 'name: migrate, ')] },
    // Numbered, so neither is the reserved name.
    { what: 'queue-proxy as a template for two unnamed containers', sets: [`${DEFAULTS}.container-name-template=queue-proxy`, two('', '')] },
    { what: 'a container named queue-proxy-0', sets: [`${SPEC}.containers[0].name=queue-proxy-0`] },
    // The webhook numbers the container, skipping the name the init container has.
    { what: 'an init container named as the template names the container', sets: [...inits('name: user-container, ')] },
  ])('$what loads', ({ sets }) => {
    expect(loadScenario(BASE, { sets }).world.services[0]!.revisions).toHaveLength(1);
  });
});

describe('container-name-template and init-container-name-template as Go templates (pkg/apis/config/defaults.go)', () => {
  // knsim refused every template but plain text and {{.Name}}; Knative runs any Go template on the
  // Service's ObjectMeta (empty when config-defaults loads, the Service's own when it names containers).
  const META = { name: 'hello', namespace: 'default' };
  it.each([
    { template: 'user-container', meta: META, want: { name: 'user-container' } },
    { template: '{{ .Name }}', meta: META, want: { name: 'hello' } },
    { template: '{{.Namespace}}-{{.Name}}', meta: META, want: { name: 'default-hello' } },
    { template: '{{.Namespace}}-{{.Name}}', meta: { name: 'api', namespace: 'prod' }, want: { name: 'prod-api' } },
    { template: '{{.Labels.app}}', meta: { ...META, labels: { app: 'shop' } }, want: { name: 'shop' } },
    { template: '{{.Labels.app}}', meta: META, want: { name: '<no value>' } },
    { template: '{{index .Annotations "team"}}-c', meta: { ...META, annotations: { team: 'pay' } }, want: { name: 'pay-c' } },
    // A missing key gives the map's zero value through index.
    { template: '{{index .Annotations "team"}}-c', meta: META, want: { name: '-c' } },
    { template: '{{with .Labels.tier}}{{.}}-{{end}}{{.Name}}', meta: { ...META, labels: { tier: 'web' } }, want: { name: 'web-hello' } },
    { template: '{{printf "%s-%s" .Name .Namespace}}', meta: META, want: { name: 'hello-default' } },
    { template: 'c{{.GenerateName}}', meta: { ...META, generateName: 'hel-' }, want: { name: 'chel-' } },
    { template: 'c{{.SelfLink}}', meta: META, want: { name: 'c' } },
    // Fails on this metadata only (a label's value has no fields): the webhook then names from ''.
    { template: '{{if .Labels}}{{.Labels.a.b}}{{end}}', meta: { ...META, labels: { a: 'x' } }, want: { name: '', failed: "can't evaluate field b in type string" } },
    { template: '{{.Generation}}', meta: META, want: { unchecked: 'the Generation field (empty when a Service is created, set on its updates)' } },
  ])('$template on $meta.namespace/$meta.name gives $want', ({ template, meta, want }) => {
    expect(nameFromTemplate(template, meta)).toEqual(want);
  });

  const BASE = fixture('base.yaml');
  const SPEC = 'services[0].manifest.spec.template.spec';
  const KEY = 'configMaps.config-defaults["container-name-template"]';
  const tpl = (t: string, key = 'container-name-template'): string => `configMaps.config-defaults.${key}=${JSON.stringify(t)}`;
  const LABEL = "only a-z, 0-9 and '-', alphanumeric at each end";
  const DEPLOYMENT = 'Kubernetes refuses the Deployment';

  it.each([
    // Knative refuses the ConfigMap: the template does not parse or fails on empty metadata.
    { what: 'a function Go does not have', sets: [tpl('{{lower .Name}}')], path: KEY, rule: '"{{lower .Name}}": Knative refuses config-defaults: the template fails to parse or to run on empty metadata: function "lower" not defined' },
    { what: 'a field ObjectMeta lacks', sets: [tpl('{{.Foo}}')], path: KEY, rule: '"{{.Foo}}": Knative refuses config-defaults: the template fails to parse or to run on empty metadata: can\'t evaluate field Foo in type v1.ObjectMeta' },
    // ObjectMeta's getters take a pointer, and the template gets the struct by value.
    { what: 'a getter method', sets: [tpl('{{.GetName}}')], path: KEY, rule: '"{{.GetName}}": Knative refuses config-defaults: the template fails to parse or to run on empty metadata: can\'t evaluate field GetName in type v1.ObjectMeta' },
    { what: 'an unclosed action', sets: [tpl('{{.Name')], path: KEY, rule: '"{{.Name": Knative refuses config-defaults: the template fails to parse or to run on empty metadata: unclosed action' },
    {
      what: 'an init-container-name-template Knative refuses',
      sets: [tpl('{{.Name}}-{{.Nope}}', 'init-container-name-template')],
      path: 'configMaps.config-defaults["init-container-name-template"]',
      rule: '"{{.Name}}-{{.Nope}}": Knative refuses config-defaults: the template fails to parse or to run on empty metadata: can\'t evaluate field Nope in type v1.ObjectMeta',
    },
    // Knative takes the ConfigMap; the name it gives this Service is no container name.
    { what: 'a dot from the namespace', sets: [tpl('{{.Namespace}}.{{.Name}}')], path: `${SPEC}.containers[0].name`, rule: `config-defaults container-name-template gives "default.hello", not a DNS-1123 label (${LABEL}): ${DEPLOYMENT}` },
    { what: 'a label the Service lacks', sets: [tpl('{{.Labels.app}}')], path: `${SPEC}.containers[0].name`, rule: `config-defaults container-name-template gives "<no value>", not a DNS-1123 label (${LABEL}): ${DEPLOYMENT}` },
    {
      what: 'a template that fails on this Service only',
      sets: [tpl('{{if .Labels}}{{.Labels.a.b}}{{end}}'), 'services[0].manifest.metadata.labels={a: x}'],
      path: `${SPEC}.containers[0].name`,
      rule: `config-defaults container-name-template fails here (can't evaluate field b in type string), giving "-0", not a DNS-1123 label (${LABEL}): ${DEPLOYMENT}`,
    },
    {
      what: 'a branch knsim cannot evaluate, taken for this Service only',
      sets: [tpl('c{{if .Labels}}{{.UID}}{{end}}'), 'services[0].manifest.metadata.labels={a: x}'],
      path: `${SPEC}.containers[0].name`,
      rule: "config-defaults container-name-template uses the UID field (empty when a Service is created, set on its updates) here, which knsim does not evaluate (knsim's rule): name this container",
    },
  ])('$what is refused', ({ sets, path, rule }) => {
    const e = catchScenarioError(() => loadScenario(BASE, { sets }));
    expect([e.path, e.rule]).toEqual([path, rule]);
  });

  /** Revisions after an update at 1m whose container is `container` (the initial one is unnamed). */
  const revisionsAfter = (container: string, sets: string[], updateSets = ''): number =>
    loadScenario(BASE, {
      sets: [...sets, `services[0].updates=[{at: 1m, ${updateSets}template: {metadata: {annotations: {autoscaling.knative.dev/window: 60s}}, spec: {containers: [${container}]}}}]`],
    }).world.services[0]!.revisions.length;
  const named = (name: string): string => `{image: "hello:1", name: ${JSON.stringify(name)}}`;

  // Writing out the name Knative gave changes nothing (one revision); another name is a change (two).
  it.each([
    { what: 'namespace default, unless the manifest gives one', sets: [tpl('{{.Namespace}}-{{.Name}}')], name: 'default-hello', revisions: 1 },
    { what: "the manifest's namespace", sets: [tpl('{{.Namespace}}-{{.Name}}'), 'services[0].manifest.metadata.namespace=prod'], name: 'prod-hello', revisions: 1 },
    { what: 'not the default namespace when the manifest gives one', sets: [tpl('{{.Namespace}}-{{.Name}}'), 'services[0].manifest.metadata.namespace=prod'], name: 'default-hello', revisions: 2 },
    { what: "the Service's label", sets: [tpl('{{.Labels.app}}-c'), 'services[0].manifest.metadata.labels={app: shop}'], name: 'shop-c', revisions: 1 },
    { what: "the Service's annotation", sets: [tpl('{{index .Annotations "team"}}-c'), 'services[0].manifest.metadata.annotations={team: pay}'], name: 'pay-c', revisions: 1 },
  ])('$what: $name → $revisions revision(s)', ({ sets, name, revisions }) => {
    expect(revisionsAfter(named(name), sets)).toBe(revisions);
  });

  it("an update's template is named from the Service's annotations as that update sets them", () => {
    const sets = [tpl('{{index .Annotations "team"}}-c'), 'services[0].manifest.metadata.annotations={team: pay}'];
    // kubectl apply sends the unnamed container again (the live one differs: it has Knative's
    // defaults), and the webhook names it from the new annotations: a changed template.
    expect(revisionsAfter('{image: "hello:1"}', sets, 'annotations: {team: ops}, ')).toBe(2);
    expect(revisionsAfter(named('ops-c'), sets, 'annotations: {team: ops}, ')).toBe(2);
    // Unchanged annotations: the same name, no new revision.
    expect(revisionsAfter('{image: "hello:1"}', sets, 'annotations: {team: pay}, ')).toBe(1);
    const e = catchScenarioError(() =>
      loadScenario(BASE, { sets: [...sets, 'services[0].updates=[{at: 1m, annotations: {team: Ops}, template: {spec: {containers: [{image: "hello:2"}]}}}]'] }),
    );
    expect([e.path, e.rule]).toEqual(['services[0].updates[0].template.spec.containers[0].name', `config-defaults container-name-template gives "Ops-c", not a DNS-1123 label (${LABEL}): ${DEPLOYMENT}`]);
  });

  it('an init container is named from its own template on the same metadata', () => {
    const e = catchScenarioError(() =>
      loadScenario(BASE, {
        sets: [
          tpl('{{.Namespace}}-{{.Name}}', 'init-container-name-template'),
          tpl('{{.Namespace}}-{{.Name}}'),
          'configMaps.config-features["kubernetes.podspec-init-containers"]=enabled',
          `${SPEC}.initContainers=[{image: "init:1"}]`,
        ],
      }),
    );
    // The line is capped at 300 characters, so the rule's end is cut.
    expect(e.path).toBe(`${SPEC}.initContainers[0].name`);
    expect(e.rule).toMatch(/^config-defaults init-container-name-template gives "default-hello", which also names containers\[0\] \(named by config-defaults container-name-template\): container names must be unique/);
  });
});

describe("resourceFieldRef names a container of the revision's pod (the kubelet's findContainerInPod)", () => {
  // knsim ran these revisions; the kubelet cannot find the container, so it never mounts the
  // projected file or fills in the variable, and no pod ever starts.
  const BASE = fixture('base.yaml');
  const SPEC = 'services[0].manifest.spec.template.spec';
  const FIELDREF = 'configMaps.config-features["kubernetes.podspec-fieldref"]=enabled';
  const INITS = 'configMaps.config-features["kubernetes.podspec-init-containers"]=enabled';
  const env = (name: string, list = 'containers'): string => `${SPEC}.${list}[0].env=[{name: MEM, valueFrom: {resourceFieldRef: {containerName: ${JSON.stringify(name)}, resource: limits.memory}}}]`;
  const file = (name: string): string[] => [
    `${SPEC}.containers[0].volumeMounts=[{name: info, mountPath: /etc/info}]`,
    `${SPEC}.volumes=[{name: info, projected: {sources: [{downwardAPI: {items: [{path: mem, resourceFieldRef: {containerName: ${JSON.stringify(name)}, resource: limits.memory}}]}}]}}]`,
  ];
  const renamed = 'configMaps.config-defaults.container-name-template="app-{{.Name}}"';
  const ENV_AT = 'env[0].valueFrom.resourceFieldRef.containerName';
  const FILE_AT = 'volumes[0].projected.sources[0].downwardAPI.items[0].resourceFieldRef.containerName';
  const rule = (name: string, pod: string): string => `no container "${name}" in the revision's pod (${pod}): the kubelet cannot resolve it, so no pod ever starts`;

  it.each([
    { what: 'a variable naming user-container, renamed by container-name-template', sets: [FIELDREF, renamed, env('user-container')], path: `containers[0].${ENV_AT}`, rule: rule('user-container', 'app-hello, queue-proxy') },
    { what: 'a variable naming a container not in the pod', sets: [FIELDREF, env('app')], path: `containers[0].${ENV_AT}`, rule: rule('app', 'user-container, queue-proxy') },
    { what: 'a projected file naming user-container, renamed', sets: [renamed, ...file('user-container')], path: FILE_AT, rule: rule('user-container', 'app-hello, queue-proxy') },
    {
      what: "an init container's variable",
      sets: [FIELDREF, INITS, `${SPEC}.initContainers=[{image: "init:1"}]`, env('setup', 'initContainers')],
      path: `initContainers[0].${ENV_AT}`,
      rule: rule('setup', 'user-container, init-container, queue-proxy'),
    },
  ])('$what is refused', ({ sets, path, rule }) => {
    const e = catchScenarioError(() => loadScenario(BASE, { sets }));
    expect([e.path, e.rule]).toEqual([`${SPEC}.${path}`, rule]);
  });

  it.each([
    { what: 'the name container-name-template gives', sets: [FIELDREF, renamed, env('app-hello')] },
    { what: 'user-container, by default', sets: [FIELDREF, env('user-container')] },
    { what: "Knative's queue-proxy", sets: [FIELDREF, env('queue-proxy')] },
    { what: 'an init container', sets: [FIELDREF, INITS, `${SPEC}.initContainers=[{image: "init:1"}]`, env('init-container')] },
    { what: 'no container name (the variable\'s own container)', sets: [FIELDREF, env('')] },
    { what: 'a projected file naming the renamed container', sets: [renamed, ...file('app-hello')] },
  ])('$what loads', ({ sets }) => {
    expect(loadScenario(BASE, { sets }).world.services[0]!.revisions).toHaveLength(1);
  });
});
