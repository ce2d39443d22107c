/**
 * Knative inputs checked against upstream knative/serving's webhook and ConfigMap
 * rules: each row is a value upstream refuses (knsim must refuse it on one line
 * naming the file, the field path and the rule) or one upstream takes (knsim must
 * load it, with the value upstream would use).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, runKnsim } from '../support/cli.js';
import { formatError } from '../../src/scenario/errors.js';
import { loadScenario } from '../../src/scenario/load.js';
import { annotationKeyProblem } from '../../src/scenario/annotation-keys.js';
import { catchScenarioError, fixture } from './helpers.js';

const BASE = fixture('base.yaml');
const CA = 'configMaps.config-autoscaler';
const ANN = 'services[0].manifest.spec.template.metadata.annotations';
const PD_REFUSED = 'the revision would never run: Kubernetes refuses its Deployment, whose progressDeadlineSeconds';
const MISPLACED =
  'invalid key name: autoscaling annotations must be put under "spec.template.metadata.annotations" to work (Knative refuses them on the Service)';

interface Rejected {
  what: string;
  sets: string[];
  path: string;
  rule: string;
}

const rejected: Rejected[] = [
  {
    // Upstream does not range-check this key; below 0 it acts as 0. knsim ran into an internal error (exit 1).
    what: 'a negative config-autoscaler panic-threshold-percentage',
    sets: [`${CA}.panic-threshold-percentage="-5"`],
    path: `${CA}["panic-threshold-percentage"]`,
    rule: 'must be at least 0 (Knative does not check this key, but a threshold below 0 acts as 0, panicking on every tick; write 0)',
  },
  {
    // pkg/apis/serving ValidateHasNoAutoscalingAnnotation; knsim took it silently and the Service kept min-scale 0.
    what: 'an autoscaling annotation on the Service instead of its template',
    sets: ['services[0].manifest.metadata.annotations["autoscaling.knative.dev/min-scale"]="2"'],
    path: 'services[0].manifest.metadata.annotations["autoscaling.knative.dev/min-scale"]',
    rule: MISPLACED,
  },
  {
    what: 'an autoscaling annotation in an update of the Service annotations',
    sets: ['services[0].updates=[{at: 1m, annotations: {autoscaling.knative.dev/target: "5"}}]'],
    path: 'services[0].updates[0].annotations["autoscaling.knative.dev/target"]',
    rule: MISPLACED,
  },
  {
    // Upstream matches the group as a prefix, so an unknown key of the group is refused there too.
    what: 'an unknown key of the autoscaling group on the Service',
    sets: ['services[0].manifest.metadata.annotations["autoscaling.knative.dev/minscale"]="2"'],
    path: 'services[0].manifest.metadata.annotations["autoscaling.knative.dev/minscale"]',
    rule: MISPLACED,
  },
  {
    // Upstream's wording: the bound is 0 (0 itself is defaulted before validation).
    what: 'a negative timeoutSeconds',
    sets: ['services[0].manifest.spec.template.spec.timeoutSeconds=-1'],
    path: 'services[0].manifest.spec.template.spec.timeoutSeconds',
    rule: 'expected 0 <= -1 <= 600 (max-revision-timeout-seconds)',
  },
  // pkg/apis/serving ValidateContainerConcurrency: the floor is 1 when config-defaults allow-container-concurrency-zero is false.
  // knsim did not read the key and ran these revisions with unlimited concurrency.
  {
    what: 'containerConcurrency 0 when allow-container-concurrency-zero is false',
    sets: ['configMaps.config-defaults.allow-container-concurrency-zero="false"', 'services[0].manifest.spec.template.spec.containerConcurrency=0'],
    path: 'services[0].manifest.spec.template.spec.containerConcurrency',
    rule: 'expected 1 <= 0 <= 1000 (allow-container-concurrency-zero is false; container-concurrency-max-limit)',
  },
  {
    // Upstream validates the defaulted spec: the config-defaults container-concurrency 0 fails the same way.
    what: 'an unset containerConcurrency when allow-container-concurrency-zero is false and the default is 0',
    sets: ['configMaps.config-defaults.allow-container-concurrency-zero="F"'],
    path: 'services[0].manifest.spec.template.spec.containerConcurrency',
    rule: 'expected 1 <= 0 <= 1000 (unset, so config-defaults container-concurrency applies; allow-container-concurrency-zero is false)',
  },
  {
    what: 'a malformed allow-container-concurrency-zero',
    sets: ['configMaps.config-defaults.allow-container-concurrency-zero="no"'],
    path: 'configMaps.config-defaults["allow-container-concurrency-zero"]',
    rule: 'failed to parse "no": expected a boolean (true or false)',
  },
  // pkg/apis/config/defaults.go: knsim did not read these two keys and took any value.
  {
    what: 'revision-response-start-timeout-seconds above revision-timeout-seconds',
    sets: ['configMaps.config-defaults.revision-response-start-timeout-seconds="301"'],
    path: 'configMaps.config-defaults["revision-response-start-timeout-seconds"]',
    rule: 'revision-response-start-timeout-seconds (301) cannot be greater than revision-timeout-seconds (300)',
  },
  {
    what: 'revision-idle-timeout-seconds above a lowered revision-timeout-seconds',
    sets: ['configMaps.config-defaults.revision-timeout-seconds="60"', 'configMaps.config-defaults.revision-idle-timeout-seconds="61"'],
    path: 'configMaps.config-defaults["revision-idle-timeout-seconds"]',
    rule: 'revision-idle-timeout-seconds (61) cannot be greater than revision-timeout-seconds (60)',
  },
  {
    // The response-start default follows revision-timeout-seconds, so lowering that alone is fine (an accepted row below).
    what: 'a malformed revision-idle-timeout-seconds',
    sets: ['configMaps.config-defaults.revision-idle-timeout-seconds="5s"'],
    path: 'configMaps.config-defaults["revision-idle-timeout-seconds"]',
    rule: 'failed to parse "5s": not a decimal integer',
  },
  {
    what: 'a revision-response-start-timeout-seconds past int64',
    sets: ['configMaps.config-defaults.revision-response-start-timeout-seconds="9223372036854775808"'],
    path: 'configMaps.config-defaults["revision-response-start-timeout-seconds"]',
    rule: 'failed to parse "9223372036854775808": integer out of int64 range',
  },
  {
    // pkg/apis/config/defaults.go sets no floor; the revision that takes the default fails the webhook's [0, max].
    what: 'a negative revision-timeout-seconds, on a revision that takes it',
    sets: ['configMaps.config-defaults.revision-timeout-seconds="-5"'],
    path: 'services[0].manifest.spec.template.spec.timeoutSeconds',
    rule: 'expected 0 <= -5 <= 600 (unset, so config-defaults revision-timeout-seconds applies; max-revision-timeout-seconds)',
  },
  {
    what: 'container-concurrency-max-limit 0',
    sets: ['configMaps.config-defaults.container-concurrency-max-limit="0"'],
    path: 'configMaps.config-defaults["container-concurrency-max-limit"]',
    rule: 'expected 1 <= 0',
  },
  {
    // The queue-proxy's breaker packs its capacity into 32 bits (pkg/queue/breaker.go): 2^32 + 3 would act as 3.
    what: 'a containerConcurrency the queue-proxy cannot hold',
    sets: ['configMaps.config-defaults.container-concurrency-max-limit="10000000000"', 'services[0].manifest.spec.template.spec.containerConcurrency=4294967299'],
    path: 'services[0].manifest.spec.template.spec.containerConcurrency',
    rule: "above 4294967295, the most the queue-proxy's 32-bit breaker holds: Knative takes 4294967299, but the pod would take 3 at a time (knsim's rule); write 0 for no limit",
  },
  {
    // pkg/apis/config/defaults.go parses it as a quantity; knsim ignored the key.
    what: 'a malformed revision-ephemeral-storage-request',
    sets: ['configMaps.config-defaults.revision-ephemeral-storage-request=lots'],
    path: 'configMaps.config-defaults["revision-ephemeral-storage-request"]',
    rule: `failed to parse quantity: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (e.g. 500m, 1.5, 2Gi)`,
  },
  {
    // 1e308 cores overflowed to Infinity millicores and went into the model as a request.
    what: 'a queue-sidecar CPU request no double holds in millicores',
    sets: ['configMaps.config-deployment.queue-sidecar-cpu-request="1e308"'],
    path: 'configMaps.config-deployment["queue-sidecar-cpu-request"]',
    rule: 'failed to parse quantity: "1e308": quantity too large',
  },
  {
    what: 'a container CPU limit past 2^53 millicores',
    sets: ['services[0].manifest.spec.template.spec.containers[0].resources={limits: {cpu: "1e13"}}'],
    path: 'services[0].manifest.spec.template.spec.containers[0].resources.limits.cpu',
    rule: '"1e13": quantity too large',
  },
  // apimachinery ValidateAnnotations; knsim warned "unknown autoscaling annotation" or said nothing.
  {
    what: 'a template annotation key with a space',
    sets: ['services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/min scale"]="2"'],
    path: `${ANN}["autoscaling.knative.dev/min scale"]`,
    rule: "invalid annotation key: the name must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit (Kubernetes refuses the Revision made with it)",
  },
  {
    what: 'a Service annotation key with two slashes',
    sets: ['services[0].manifest.metadata.annotations["a/b/c"]=x'],
    path: 'services[0].manifest.metadata.annotations["a/b/c"]',
    rule: "invalid annotation key: at most one '/' (an optional DNS subdomain prefix, then a name) (Kubernetes refuses the Service)",
  },
  {
    what: 'a patched annotation key with an empty prefix',
    sets: ['updates=[{at: 1m, patchRevision: {name: hello-00001, annotations: {"/min-scale": "1"}}}]'],
    path: 'updates[0].patchRevision.annotations["/min-scale"]',
    rule: "invalid annotation key: the prefix before '/' is empty (Kubernetes refuses the Revision made with it)",
  },
  {
    what: 'template annotations past 256 KiB',
    sets: [`services[0].manifest.spec.template.metadata.annotations.note="${'x'.repeat(256 * 1024)}"`],
    path: ANN,
    // 'note' and its value, and the fixture's autoscaling.knative.dev/window: 60s.
    rule: "keys and values hold 262181 bytes, more than Kubernetes' limit of 262144 (256 KiB; Kubernetes refuses the Revision made with it)",
  },
  // The webhook takes these; the Deployment Knative builds with them is refused by Kubernetes
  // (progressDeadlineSeconds must be above minReadySeconds, 0, and is an int32). knsim ran the
  // revision with a 0 s deadline, or the configured one for "".
  {
    what: 'a progress-deadline annotation of 0s',
    sets: [`${ANN}["serving.knative.dev/progress-deadline"]=0s`],
    path: `${ANN}["serving.knative.dev/progress-deadline"]`,
    rule: `${PD_REFUSED} (0) must be in [1, 2147483647]`,
  },
  {
    what: 'an empty progress-deadline annotation',
    sets: [`${ANN}["serving.knative.dev/progress-deadline"]=""`],
    path: `${ANN}["serving.knative.dev/progress-deadline"]`,
    rule: `${PD_REFUSED} (0, from the empty value) must be in [1, 2147483647]`,
  },
  {
    what: 'a progress-deadline annotation past an int32 of seconds',
    sets: [`${ANN}["serving.knative.dev/progress-deadline"]=2147483648s`],
    path: `${ANN}["serving.knative.dev/progress-deadline"]`,
    rule: `${PD_REFUSED} (2147483648) must be in [1, 2147483647]`,
  },
  {
    what: 'a config-deployment progress-deadline past an int32 of seconds',
    sets: ['configMaps.config-deployment.progress-deadline=2562047h'],
    path: 'configMaps.config-deployment["progress-deadline"]',
    rule: "2562047h is 9223369200 s, more than the 2147483647 s of a Deployment's progressDeadlineSeconds (an int32): Kubernetes would refuse the revisions' Deployments",
  },
  // apimachinery ValidateLabels; knsim took any label.
  {
    what: 'a Service label key with an upper-case prefix (labels are not lower-cased, unlike annotations)',
    sets: ['services[0].manifest.metadata.labels["Example.com/team"]=a'],
    path: 'services[0].manifest.metadata.labels["Example.com/team"]',
    rule: "invalid label key: the prefix before '/' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253) (Kubernetes refuses the Service)",
  },
  {
    what: 'a template label value with a space',
    sets: ['services[0].manifest.spec.template.metadata.labels.team="a b"'],
    path: 'services[0].manifest.spec.template.metadata.labels["team"]',
    rule: "invalid label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, or empty (Kubernetes refuses the Revision made with it)",
  },
];

interface Accepted {
  what: string;
  sets: string[];
  /** What the first revision gets, as upstream's defaulting and validation leave it. */
  want: { timeoutSeconds?: number; containerConcurrency?: number };
}

const accepted: Accepted[] = [
  // pkg/apis/serving/v1 SetDefaults: an absent or 0 timeout takes revision-timeout-seconds. knsim refused 0.
  { what: 'timeoutSeconds 0 takes revision-timeout-seconds', sets: ['services[0].manifest.spec.template.spec.timeoutSeconds=0'], want: { timeoutSeconds: 300 } },
  {
    what: 'timeoutSeconds 0 takes the ConfigMap default',
    sets: ['services[0].manifest.spec.template.spec.timeoutSeconds=0', 'configMaps.config-defaults.revision-timeout-seconds="45"'],
    want: { timeoutSeconds: 45 },
  },
  {
    what: 'the config-defaults container-concurrency when allow-container-concurrency-zero is false',
    sets: ['configMaps.config-defaults.allow-container-concurrency-zero="false"', 'configMaps.config-defaults.container-concurrency="4"'],
    want: { containerConcurrency: 4 },
  },
  {
    what: 'containerConcurrency 0 when allow-container-concurrency-zero is true',
    sets: ['configMaps.config-defaults.allow-container-concurrency-zero="true"', 'services[0].manifest.spec.template.spec.containerConcurrency=0'],
    want: { containerConcurrency: 0 },
  },
  {
    what: 'a lowered revision-timeout-seconds with the response-start and idle timeouts unset or 0',
    sets: ['configMaps.config-defaults.revision-timeout-seconds="20"', 'configMaps.config-defaults.revision-idle-timeout-seconds="0"'],
    want: { timeoutSeconds: 20 },
  },
  {
    what: 'negative response-start and idle timeouts (upstream checks only the upper bound)',
    sets: ['configMaps.config-defaults.revision-response-start-timeout-seconds="-1"', 'configMaps.config-defaults.revision-idle-timeout-seconds="-7"'],
    want: { timeoutSeconds: 300 },
  },
  {
    // Keys are checked in lower case, so an upper-case prefix passes, as in Kubernetes.
    what: 'annotation keys Kubernetes takes',
    sets: ['services[0].manifest.spec.template.metadata.annotations["Example.COM/My_Key.1"]=x', 'services[0].manifest.metadata.annotations.plain=y'],
    want: { timeoutSeconds: 300 },
  },
  {
    what: 'labels Kubernetes takes',
    sets: ['services[0].manifest.metadata.labels["example.com/Team_1"]=A-b.c', 'services[0].manifest.spec.template.metadata.labels.empty=""'],
    want: { timeoutSeconds: 300 },
  },
  { what: 'a progress-deadline annotation of 1s', sets: [`${ANN}["serving.knative.dev/progress-deadline"]=1s`], want: { timeoutSeconds: 300 } },
  { what: 'timeoutSeconds at max-revision-timeout-seconds', sets: ['services[0].manifest.spec.template.spec.timeoutSeconds=600'], want: { timeoutSeconds: 600 } },
  // pkg/apis/config/defaults.go checks no floor, and SetDefaults gives an unset timeout the 0. knsim refused the ConfigMap.
  { what: 'revision-timeout-seconds 0 (a 0 s revision timeout)', sets: ['configMaps.config-defaults.revision-timeout-seconds="0"'], want: { timeoutSeconds: 0 } },
  // Upstream checks only container-concurrency-max-limit >= 1. knsim refused it above 2^31 − 1.
  {
    what: 'container-concurrency-max-limit past 2^31 − 1',
    sets: ['configMaps.config-defaults.container-concurrency-max-limit="10000000000"', 'services[0].manifest.spec.template.spec.containerConcurrency=4294967295'],
    want: { containerConcurrency: 4294967295 },
  },
];

describe('values upstream takes: knsim loads them as upstream sets them', () => {
  it.each(accepted)('$what', (c) => {
    const r = loadScenario(BASE, { sets: c.sets }).world.services[0]!.revisions[0]!;
    const got: Accepted['want'] = {};
    if (c.want.timeoutSeconds !== undefined) got.timeoutSeconds = r.timeoutSeconds;
    if (c.want.containerConcurrency !== undefined) got.containerConcurrency = r.containerConcurrency;
    expect(got).toEqual(c.want);
  });
});

describe('legacy camelCase config-deployment keys, which upstream still reads', () => {
  // pkg/deployment/config.go parses progressDeadline and queueSidecar* first; the kebab-case key wins.
  const world = (sets: string[]) => loadScenario(BASE, { sets: [...sets, 'services[0].app.cpu={work: 100ms}'] }).world;
  it.each([
    { sets: ['configMaps.config-deployment.progressDeadline=90s'], deadline: 90 },
    { sets: ['configMaps.config-deployment.progressDeadline=90s', 'configMaps.config-deployment.progress-deadline=120s'], deadline: 120 },
    // Only the value in force is range-checked.
    { sets: ['configMaps.config-deployment.progressDeadline=0s', 'configMaps.config-deployment.progress-deadline=120s'], deadline: 120 },
  ])('$sets → progress deadline $deadline s', ({ sets, deadline }) => {
    expect(world(sets).services[0]!.revisions[0]!.autoscaling.progressDeadlineSeconds).toBe(deadline);
  });
  it.each([
    { sets: ['configMaps.config-deployment.queueSidecarCPURequest=100m'], cpu: 100 },
    { sets: ['configMaps.config-deployment.queueSidecarCPURequest=100m', 'configMaps.config-deployment.queue-sidecar-cpu-request=50m'], cpu: 50 },
  ])('$sets → queue-proxy CPU request $cpu m', ({ sets, cpu }) => {
    expect(world(sets).services[0]!.revisions[0]!.resources?.queueProxy.cpuRequestMillis).toBe(cpu);
  });
  it.each([
    { sets: ['configMaps.config-deployment.progressDeadline=10'], key: 'progressDeadline', rule: 'failed to parse "10": missing unit (use ns, us, ms, s, m or h; did you mean "10s"?)' },
    { sets: ['configMaps.config-deployment.progressDeadline=1.5s'], key: 'progressDeadline', rule: 'progress-deadline must be rounded to a whole second, was 1.5s' },
    { sets: ['configMaps.config-deployment.queueSidecarMemoryLimit=lots', 'configMaps.config-deployment.queue-sidecar-memory-limit=1Gi'], key: 'queueSidecarMemoryLimit', rule: 'failed to parse quantity: "lots" is not a valid quantity: ' },
  ])('a bad legacy value is an error at its own key: $sets', ({ sets, key, rule }) => {
    const err = catchScenarioError(() => world(sets));
    expect(err.path).toBe(`configMaps.config-deployment["${key}"]`);
    expect(err.rule.startsWith(rule)).toBe(true);
  });
});

describe('a template that differs only in a defaulted value is the same template', () => {
  // Knative defaults the stored template (timeoutSeconds 0 or absent → revision-timeout-seconds,
  // containerConcurrency absent → container-concurrency), so applying the default explicitly
  // changes nothing and creates no revision. knsim compared the raw YAML and rolled a new one.
  const TPL = '{metadata: {annotations: {autoscaling.knative.dev/window: 60s}}, spec: {containers: [{image: "hello:1"}]';
  it.each([
    { what: 'timeoutSeconds: 300 made explicit', spec: ', timeoutSeconds: 300', revisions: 1 },
    { what: 'timeoutSeconds: 0', spec: ', timeoutSeconds: 0', revisions: 1 },
    { what: 'containerConcurrency: 0 made explicit', spec: ', containerConcurrency: 0', revisions: 1 },
    { what: 'a real change (timeoutSeconds: 301)', spec: ', timeoutSeconds: 301', revisions: 2 },
    { what: 'a real change (containerConcurrency: 1)', spec: ', containerConcurrency: 1', revisions: 2 },
  ])('$what → $revisions revision(s)', ({ spec, revisions }) => {
    const w = loadScenario(BASE, { sets: [`services[0].updates=[{at: 1m, template: ${TPL}${spec}}}}]`] }).world;
    expect(w.services[0]!.revisions.map((r) => r.name)).toEqual(['hello-00001', 'hello-00002'].slice(0, revisions));
  });

  // The rest of pkg/apis/serving/v1 RevisionSpec.SetDefaults, the CRD schema's defaults, and the semantic
  // equality the Service reconciler compares Configurations with. knsim compared the YAML and rolled a new revision.
  const ANNS = '{annotations: {autoscaling.knative.dev/window: 60s}}';
  const revisionsAfter = (container: string, spec: string, sets: string[] = [], initial = '{image: "hello:1"}', initialSpec = '') => {
    const template = (c: string, sp: string) => `{metadata: ${ANNS}, spec: {containers: [${c}]${sp}}}`;
    const w = loadScenario(BASE, {
      sets: [...sets, `services[0].manifest.spec.template=${template(initial, initialSpec)}`, `services[0].updates=[{at: 1m, template: ${template(container, spec)}}]`],
    }).world;
    return w.services[0]!.revisions.length;
  };
  it.each([
    { what: 'the default container name made explicit', container: '{image: "hello:1", name: user-container}', revisions: 1 },
    { what: 'another container name (a real change)', container: '{image: "hello:1", name: app}', revisions: 2 },
    { what: 'the default readiness probe made explicit', container: '{image: "hello:1", readinessProbe: {tcpSocket: {port: 0}, successThreshold: 1}}', revisions: 1 },
    { what: 'a readiness probe with the defaults Knative adds once periodSeconds is set', container: '{image: "hello:1", readinessProbe: {tcpSocket: {}, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 1}}', initial: '{image: "hello:1", readinessProbe: {periodSeconds: 5}}', revisions: 1 },
    { what: 'another readiness probe (a real change)', container: '{image: "hello:1", readinessProbe: {httpGet: {path: /healthz}}}', revisions: 2 },
    { what: 'an empty env list', container: '{image: "hello:1", env: []}', revisions: 1 },
    { what: 'empty resources', container: '{image: "hello:1", resources: {requests: {}}}', revisions: 1 },
    { what: 'a port protocol written out (the CRD schema defaults TCP)', container: '{image: "hello:1", ports: [{containerPort: 8080, protocol: TCP}]}', initial: '{image: "hello:1", ports: [{containerPort: 8080}]}', revisions: 1 },
    { what: 'a config-defaults CPU request written out, as another quantity', container: '{image: "hello:1", resources: {requests: {cpu: "0.1"}}}', sets: ['configMaps.config-defaults.revision-cpu-request=100m'], revisions: 1 },
    { what: 'a config-defaults ephemeral-storage limit written out, as another quantity', container: '{image: "hello:1", resources: {limits: {ephemeral-storage: "1073741824"}}}', sets: ['configMaps.config-defaults.revision-ephemeral-storage-limit=1Gi'], revisions: 1 },
    { what: 'a GPU limit written as another quantity of the same value', container: '{image: "hello:1", resources: {limits: {nvidia.com/gpu: "1"}}}', initial: '{image: "hello:1", resources: {limits: {nvidia.com/gpu: 1}}}', revisions: 1 },
    { what: 'a CPU request other than the default (a real change)', container: '{image: "hello:1", resources: {requests: {cpu: 200m}}}', sets: ['configMaps.config-defaults.revision-cpu-request=100m'], revisions: 2 },
    { what: 'enableServiceLinks false, the default a new Service gets', container: '{image: "hello:1"}', spec: ', enableServiceLinks: false', revisions: 1 },
    { what: 'enableServiceLinks true (a real change)', container: '{image: "hello:1"}', spec: ', enableServiceLinks: true', revisions: 2 },
    // Only defaulted when the ConfigMap's value is below the revision timeout; by default both are 300.
    { what: 'responseStartTimeoutSeconds 300 with the default ConfigMap (not defaulted: a real change)', container: '{image: "hello:1"}', spec: ', responseStartTimeoutSeconds: 300', revisions: 2 },
    { what: 'responseStartTimeoutSeconds at a lowered revision-response-start-timeout-seconds', container: '{image: "hello:1"}', spec: ', responseStartTimeoutSeconds: 120', sets: ['configMaps.config-defaults.revision-response-start-timeout-seconds="120"'], revisions: 1 },
    { what: 'idleTimeoutSeconds at revision-idle-timeout-seconds', container: '{image: "hello:1"}', spec: ', idleTimeoutSeconds: 30', sets: ['configMaps.config-defaults.revision-idle-timeout-seconds="30"'], revisions: 1 },
    { what: 'idleTimeoutSeconds 0 (set, so not defaulted: a real change)', container: '{image: "hello:1"}', spec: ', idleTimeoutSeconds: 0', revisions: 2 },
    { what: 'a read-only mount of a ConfigMap volume written out', container: '{image: "hello:1", volumeMounts: [{name: cfg, mountPath: /etc/cfg, readOnly: true}]}', initial: '{image: "hello:1", volumeMounts: [{name: cfg, mountPath: /etc/cfg}]}', spec: ', volumes: [{name: cfg, configMap: {name: cfg}}]', initialSpec: ', volumes: [{name: cfg, configMap: {name: cfg}}]', revisions: 1 },
    { what: 'a read-only mount of an emptyDir (a real change)', container: '{image: "hello:1", volumeMounts: [{name: tmp, mountPath: /tmp, readOnly: true}]}', initial: '{image: "hello:1", volumeMounts: [{name: tmp, mountPath: /tmp}]}', spec: ', volumes: [{name: tmp, emptyDir: {}}]', initialSpec: ', volumes: [{name: tmp, emptyDir: {}}]', revisions: 2 },
    { what: 'the name container-name-template gives', container: '{image: "hello:1", name: hello}', sets: ['configMaps.config-defaults.container-name-template="{{ .Name }}"'], revisions: 1 },
    { what: 'numbered names of two unnamed containers', container: '{image: "hello:1", name: user-container-0, ports: [{containerPort: 8080}]}, {image: "sidecar:1", name: user-container-1}', initial: '{image: "hello:1", ports: [{containerPort: 8080}]}, {image: "sidecar:1"}', revisions: 1 },
    // config-features secure-pod-defaults: the webhook's defaultSecurityContext fills in each container's
    // security context, so writing out what it filled in changes nothing. knsim rolled a new revision.
    { what: 'the security context secure-pod-defaults: enabled fills in, written out', container: '{image: "hello:1", securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}}', sets: ['configMaps.config-features.secure-pod-defaults=enabled'], revisions: 1 },
    { what: 'the security context AllowRootBounded fills in (no runAsNonRoot), with NET_BIND_SERVICE for port 80', container: '{image: "hello:1", ports: [{containerPort: 80}], securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}, seccompProfile: {type: RuntimeDefault}}}', initial: '{image: "hello:1", ports: [{containerPort: 80}]}', sets: ['configMaps.config-features.secure-pod-defaults=AllowRootBounded'], revisions: 1 },
    { what: 'a pod-level seccompProfile leaves the container\'s unset', container: '{image: "hello:1", securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, runAsNonRoot: true}}', spec: ', securityContext: {seccompProfile: {type: RuntimeDefault}}', initialSpec: ', securityContext: {seccompProfile: {type: RuntimeDefault}}', sets: ['configMaps.config-features.secure-pod-defaults=enabled'], revisions: 1 },
    { what: 'runAsNonRoot false under secure-pod-defaults (a real change)', container: '{image: "hello:1", securityContext: {runAsNonRoot: false}}', sets: ['configMaps.config-features.secure-pod-defaults=enabled'], revisions: 2 },
    { what: 'the restricted security context with secure-pod-defaults off (a real change)', container: '{image: "hello:1", securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}}', revisions: 2 },
    {
      // kmeta.ChildName: past 63 characters, 29 of the template, its MD5 (printf %s aaa… | md5sum) and the number.
      // knsim kept "aaa…a-0" (64 characters), so the names written out were a change.
      what: 'numbered names past 63 characters, hashed as Knative hashes them',
      container: `{image: "hello:1", name: ${'a'.repeat(29)}24612f0ce2c9d2cf2b022ef1e027a54f-0, ports: [{containerPort: 8080}]}, {image: "sidecar:1", name: ${'a'.repeat(29)}24612f0ce2c9d2cf2b022ef1e027a54f-1}`,
      initial: '{image: "hello:1", ports: [{containerPort: 8080}]}, {image: "sidecar:1"}',
      sets: [`configMaps.config-defaults.container-name-template=${'a'.repeat(62)}`],
      revisions: 1,
    },
  ])('$what → $revisions revision(s)', ({ container, spec, sets, initial, initialSpec, revisions }) => {
    expect(revisionsAfter(container, spec ?? '', sets, initial, initialSpec)).toBe(revisions);
  });

  it('enableServiceLinks follows kubectl apply: a value written, then left out, is removed (not defaulted on update)', () => {
    const w = loadScenario(BASE, {
      sets: [
        'services[0].manifest.spec.template.spec.enableServiceLinks=false',
        `services[0].updates=[{at: 1m, template: {metadata: ${ANNS}, spec: {containers: [{image: "hello:1"}]}}}]`,
      ],
    }).world;
    expect(w.services[0]!.revisions).toHaveLength(2);
  });

  // The webhook names a lone container with the template as it evaluates, without shortening it; the API
  // server then refuses the revision's Deployment (IsDNS1123Label), so the revision never gets a pod.
  // knsim took these and ran the revision.
  const NEVER = 'Kubernetes refuses the Deployment';
  const SPEC = 'services[0].manifest.spec.template.spec';
  it.each([
    {
      what: 'a name template that gives 64 characters for this Service',
      sets: [`configMaps.config-defaults.container-name-template="{{.Name}}-${'x'.repeat(58)}"`],
      path: `${SPEC}.containers[0].name`,
      rule: `config-defaults container-name-template gives "hello-${'x'.repeat(58)}", not a DNS-1123 label (over 63 characters): ${NEVER}`,
    },
    {
      what: 'a name template that is not a DNS-1123 label',
      sets: ['configMaps.config-defaults.container-name-template=User_Container'],
      path: `${SPEC}.containers[0].name`,
      rule: `config-defaults container-name-template gives "User_Container", not a DNS-1123 label (only a-z, 0-9 and '-', alphanumeric at each end): ${NEVER}`,
    },
    {
      what: 'an init-container name template past 63 characters',
      sets: [
        `configMaps.config-defaults.init-container-name-template=${'i'.repeat(64)}`,
        'configMaps.config-features["kubernetes.podspec-init-containers"]=enabled',
        `${SPEC}.initContainers=[{image: "init:1"}]`,
      ],
      path: `${SPEC}.initContainers[0].name`,
      rule: `config-defaults init-container-name-template gives "${'i'.repeat(64)}", not a DNS-1123 label (over 63 characters): ${NEVER}`,
    },
  ])('$what is refused', ({ sets, path, rule }) => {
    const e = catchScenarioError(() => loadScenario(BASE, { sets }));
    expect([e.path, e.rule]).toEqual([path, rule]);
  });

  it('a long name template is fine for a container that has its own name', () => {
    const w = loadScenario(BASE, { sets: [`configMaps.config-defaults.container-name-template=${'a'.repeat(64)}`, `${SPEC}.containers[0].name=app`] }).world;
    expect(w.services[0]!.revisions.map((r) => r.name)).toEqual(['hello-00001']);
  });

  it('a container-name-template knsim cannot evaluate is refused', () => {
    const e = catchScenarioError(() => loadScenario(BASE, { sets: ['configMaps.config-defaults.container-name-template="{{range .Labels}}x{{end}}"'] }));
    expect([e.path, e.rule]).toEqual([
      'configMaps.config-defaults["container-name-template"]',
      '"{{range .Labels}}x{{end}}": knsim does not evaluate {{range}} in a Go template, so it cannot name containers with this one (knsim\'s rule)',
    ]);
  });
});

describe('queue-proxy resource annotations (pkg/reconciler/revision/resources/queue.go)', () => {
  // knsim ignored them: the queue-proxy kept config-deployment's resources.
  const QP = 'queue.sidecar.serving.knative.dev';
  const qp = (sets: string[]) =>
    loadScenario(BASE, { sets: [...sets, 'services[0].app.cpu={work: 100ms}'] }).world.services[0]!.revisions[0]!.resources!.queueProxy;
  const user = 'services[0].manifest.spec.template.spec.containers[0].resources={requests: {cpu: 500m, memory: 1Gi}, limits: {cpu: "2", memory: 4Gi}}';
  it.each([
    // The memory limit alone: Kubernetes copies it into the request.
    { what: 'explicit requests and limits', sets: [`${ANN}["${QP}/cpu-resource-request"]=200m`, `${ANN}["${QP}/memory-resource-limit"]=300Mi`], want: { cpuRequestMillis: 200, memoryRequestBytes: 300 * 2 ** 20, memoryLimitBytes: 300 * 2 ** 20 } },
    {
      // 10 % of 500m, 2, 1Gi and 4Gi, each inside its clamp: 50m, 200m, 107374182.4 and 429496729.6 bytes (rounded up).
      what: 'the deprecated percentage',
      sets: [user, `${ANN}["${QP}/resource-percentage"]="10"`],
      want: { cpuRequestMillis: 50, cpuLimitMillis: 200, memoryRequestBytes: 107374183, memoryLimitBytes: 429496730 },
    },
    {
      // 1 % → 5m, 20m, 10.7 MB, 42.9 MB: each raised to its floor (25m, 40m, 50Mi, 200Mi).
      what: 'the percentage clamped from below',
      sets: [user, `${ANN}["${QP}/resource-percentage"]="1"`],
      want: { cpuRequestMillis: 25, cpuLimitMillis: 40, memoryRequestBytes: 50 * 2 ** 20, memoryLimitBytes: 200 * 2 ** 20 },
    },
    {
      // 100 % → 500m, 2, 1Gi, 4Gi: each cut to its ceiling (100m, 500m, 200Mi, 500Mi); the explicit annotation wins.
      what: 'the percentage clamped from above, then an explicit annotation',
      sets: [user, `${ANN}["${QP}/resource-percentage"]="100"`, `${ANN}["${QP}/cpu-resource-limit"]="1"`],
      want: { cpuRequestMillis: 100, cpuLimitMillis: 1000, memoryRequestBytes: 200 * 2 ** 20, memoryLimitBytes: 500 * 2 ** 20 },
    },
    { what: 'the percentage without user resources changes nothing', sets: [`${ANN}["${QP}/resource-percentage"]="50"`], want: { cpuRequestMillis: 25 } },
  ])('$what', ({ sets, want }) => {
    expect(qp(sets)).toEqual(want);
  });
  it.each([
    { key: 'cpu-resource-request', value: 'lots', rule: 'invalid value: "lots": ' },
    { key: 'resource-percentage', value: '0.05', rule: 'expected 0.1 <= 0.05 <= 100 (a deprecated annotation' },
    { key: 'resource-percentage', value: 'half', rule: 'invalid value: "half" is not a number' },
  ])('$key=$value is refused as the webhook refuses it', ({ key, value, rule }) => {
    const err = catchScenarioError(() => qp([`${ANN}["${QP}/${key}"]="${value}"`]));
    expect(err.path).toBe(`${ANN}["${QP}/${key}"]`);
    expect(err.rule.startsWith(rule)).toBe(true);
  });
});

describe('values upstream refuses: one line naming the file, the path and the rule', () => {
  it.each(rejected)('$what', (c) => {
    const err = catchScenarioError(() => loadScenario(BASE, { sets: c.sets }));
    expect({ file: err.file, path: err.path, rule: err.rule }).toEqual({ file: BASE, path: c.path, rule: c.rule });
    expect(formatError(err)).toBe(`${BASE}: ${c.path}: ${c.rule}`);
    expect(err.message).not.toContain('\n');
  });
});

describe('annotation keys as Kubernetes takes them', () => {
  const label = (n: number): string => 'a'.repeat(n);
  it.each([
    ['autoscaling.knative.dev/min-scale', undefined],
    ['Example.COM/My_Key.1', undefined],
    ['plain', undefined],
    [label(63), undefined],
    [`${[label(63), label(63), label(63), label(61)].join('.')}/x`, undefined],
    [label(64), 'the name is 64 characters, at most 63'],
    [`${[label(63), label(63), label(63), label(62)].join('.')}/x`, "the prefix before '/' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253)"],
    ['', 'the name is empty'],
    ['example.com/', 'the name is empty'],
    ['-a', "the name must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit"],
    ['a_', "the name must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit"],
    ['ex_ample.com/a', "the prefix before '/' must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253)"],
  ])('%j', (key, want) => {
    expect(annotationKeyProblem(key)).toBe(want);
  });
});

describe('through the CLI: exit 2 and one line, never an internal error', () => {
  // Each ran (exit 0) or crashed mid-run (exit 1, "internal error") before; dist/ must be built.
  it.each([
    {
      set: 'configMaps.config-autoscaler.panic-threshold-percentage="-5"',
      line: `knsim: ${BASE}: ${CA}["panic-threshold-percentage"]: must be at least 0 (Knative does not check this key, but a threshold below 0 acts as 0, panicking on every tick; write 0)`,
    },
    {
      set: 'configMaps.config-deployment.queue-sidecar-cpu-request="1e308"',
      line: `knsim: ${BASE}: configMaps.config-deployment["queue-sidecar-cpu-request"]: failed to parse quantity: "1e308": quantity too large`,
    },
  ])('$set', ({ set, line }) => {
    const out = mkdtempSync(join(tmpdir(), 'knsim-upstream-'));
    const r = runKnsim(['run', BASE, '--set', set, '--out', join(out, 'run')], root, { CI: '1' }, 60_000);
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 2, stderr: `${line}\n`, stdout: '' });
  });
});

describe('generated revision names are kmeta.ChildName(service, "-%05d")', () => {
  // pkg/reconciler/configuration/resources/revision.go: past 63 characters the Service name is cut to
  // 25 and its MD5 added (printf %s aaa… | md5sum). knsim appended the suffix, giving a 69-character name
  // Kubernetes would refuse, so a traffic block naming the real revision was refused as unknown.
  const named = (name: string, extra: string[] = []) =>
    loadScenario(BASE, {
      sets: [
        `services[0].manifest.metadata.name=${name}`,
        `clients[0].service=${name}`,
        `services[0].updates=[{at: 1m, template: {spec: {containers: [{image: "hello:2"}]}}${extra.join('')}}]`,
      ],
    }).world.services[0]!.revisions.map((r) => r.name);
  it('a 63-character name is cut and hashed', () => {
    expect(named('a'.repeat(63))).toEqual([
      `${'a'.repeat(25)}b06521f39153d618550606be297466d5-00001`,
      `${'a'.repeat(25)}b06521f39153d618550606be297466d5-00002`,
    ]);
  });
  it('a 57-character name still fits whole', () => {
    expect(named('b'.repeat(57))).toEqual([`${'b'.repeat(57)}-00001`, `${'b'.repeat(57)}-00002`]);
  });
  it('a traffic block may name the hashed revision', () => {
    const pinned = `, traffic: [{revisionName: ${'a'.repeat(25)}b06521f39153d618550606be297466d5-00001, percent: 100}]`;
    expect(named('a'.repeat(63), [pinned])).toHaveLength(2);
  });
});

describe('a tag whose URL host is not a DNS label fails the Route', () => {
  // pkg/reconciler/route/domains: the tag's host is tag-template's "{{.Tag}}-{{.Name}}", and the Route
  // computes its URL (DomainNameFromTemplate, IsFullyQualifiedDomainName) before programming any traffic;
  // a label past 63 characters marks the Route failed. knsim routed the tag as if the Route were fine.
  const NAME = 'a'.repeat(58);
  const load = (tag: string, extra: string[] = [], inUpdate = false) => {
    const block = `[{latestRevision: true, percent: 100, tag: ${tag}}]`;
    return loadScenario(BASE, {
      sets: [
        `services[0].manifest.metadata.name=${NAME}`,
        `clients[0].service=${NAME}`,
        inUpdate ? `services[0].updates=[{at: 1m, traffic: ${block}}]` : `services[0].manifest.spec.traffic=${block}`,
        ...extra,
      ],
    });
  };
  it('"canary-" + a 58-character name is 65 characters: an error at the tag', () => {
    const err = catchScenarioError(() => load('canary'));
    expect(err.path).toBe('services[0].manifest.spec.traffic[0].tag');
    expect(err.rule).toBe(`the tag's host "canary-${NAME}" is 65 characters, over a DNS label's 63: Knative's Route fails and programs none of this traffic (shorten the tag or the Service name)`);
  });
  it('in an update too', () => {
    expect(catchScenarioError(() => load('canary', [], true)).path).toBe('services[0].updates[0].traffic[0].tag');
  });
  it('"cc-" + the name is 61 characters: taken', () => {
    expect(load('cc').world.services[0]!.traffic.at(-1)!.traffic[0]!.tag).toBe('cc');
  });
  it('a tag-template that puts the tag in a label of its own: taken', () => {
    expect(load('canary', ['configMaps.config-network.tag-template="{{.Tag}}.{{.Name}}"']).world.services).toHaveLength(1);
  });
});
