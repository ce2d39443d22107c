import { describe, expect, it } from 'vitest';
import { formatError, ScenarioError } from '../../src/scenario/errors.js';
import { loadScenario, nodeScenarioFiles, scenarioFromValue } from '../../src/scenario/load.js';
import { loadScenarioText } from '../../src/scenario/load-text.js';
import { catchScenarioError, fixture } from './helpers.js';

const BASE = fixture('base.yaml');
const RT = fixture('roundtrip.yaml');
const ANN = 'services[0].manifest.spec.template.metadata.annotations';

interface Case {
  what: string;
  file?: string;
  sets: string[];
  /** Expected error: the file at fault (default: the scenario), its path and rule. */
  errFile?: string;
  path: string;
  /** The file the path names and where in it, when the rule is broken inside that file (a trace). */
  within?: string;
  rule: string;
}

const cases: Case[] = [
  // Unknown fields and wrong types.
  {
    what: 'unknown top-level field',
    sets: ['sed=1'],
    path: 'sed',
    rule: 'unknown field (known fields: name, description, seed, duration, trace, series, configMaps, configMapFiles, cluster, defaults, services, clients, updates, podDisruptionBudgets, autoscalerClasses, expect)',
  },
  { what: 'unknown field in a client', sets: ['clients[0].open.rsp=5'], path: 'clients[0].open.rsp', rule: 'unknown field (known fields: process, rps, rate)' },
  {
    what: 'unknown field in a distribution',
    sets: ['services[0].app.serviceTime={dist: uniform, min: 0, mx: 1}'],
    path: 'services[0].app.serviceTime.mx',
    rule: 'unknown field (known fields: dist, min, max)',
  },
  {
    what: 'unknown ConfigMap',
    sets: ['configMaps.config-logging.x=1'],
    path: 'configMaps.config-logging',
    rule: 'unknown ConfigMap (knsim reads config-autoscaler, config-deployment, config-defaults, config-network, config-features, config-observability)',
  },
  // Unquoted numbers YAML cannot hold reached Knative's parsers as "Infinity" or with other digits.
  {
    what: 'an unquoted .inf as a ConfigMap value',
    sets: ['configMaps.config-network.rollout-duration=.inf'],
    path: 'configMaps.config-network["rollout-duration"]',
    rule: 'ConfigMap values are strings: YAML reads an unquoted .inf as infinity; quote it',
  },
  {
    what: 'an unquoted integer past 2^53 as a ConfigMap value',
    sets: ['configMaps.config-defaults.revision-timeout-seconds=99999999999999999'],
    path: 'configMaps.config-defaults["revision-timeout-seconds"]',
    rule: 'ConfigMap values are strings: YAML reads this number as 100000000000000000, rounded to a double; quote it to keep its digits',
  },
  {
    what: 'an unquoted .nan as an annotation patch',
    sets: ['updates=[{at: 1s, patchRevision: {name: hello-00001, annotations: {autoscaling.knative.dev/min-scale: .nan}}}]'],
    path: 'updates[0].patchRevision.annotations["autoscaling.knative.dev/min-scale"]',
    rule: 'annotation values are strings: YAML reads an unquoted .nan as not a number; quote it',
  },
  // A valid int64 was "not a decimal integer".
  {
    what: 'a config-defaults integer past 2^53',
    sets: ['configMaps.config-defaults.revision-timeout-seconds="99999999999999999"'],
    path: 'configMaps.config-defaults["revision-timeout-seconds"]',
    rule: '"99999999999999999": must be within ±(2^53 − 1) = ±9007199254740991 (the largest knsim holds exactly)',
  },
  {
    what: 'a config-defaults integer past int64',
    sets: ['configMaps.config-defaults.container-concurrency="99999999999999999999"'],
    path: 'configMaps.config-defaults["container-concurrency"]',
    rule: 'failed to parse "99999999999999999999": integer out of int64 range',
  },
  // YAML's tagged values were all "a mapping".
  { what: 'a !!binary value', sets: ['duration=!!binary aGVsbG8='], path: 'duration', rule: 'expected a duration (Go string like "90s", "1h30m" or a number of seconds), got binary data (!!binary)' },
  { what: 'a !!timestamp value', sets: ['configMaps.config-autoscaler.stable-window=!!timestamp 2001-12-14'], path: 'configMaps.config-autoscaler["stable-window"]', rule: 'ConfigMap values must be strings, got a timestamp (!!timestamp)' },
  { what: 'a !!set value', sets: ['name=!!set {a}'], path: 'name', rule: 'expected a string, got a set (!!set)' },
  { what: 'wrong type (string for a number)', sets: ['clients[0].open.rps="5"'], path: 'clients[0].open.rps', rule: 'expected a number, got the string "5"' },
  { what: 'wrong type (seed)', sets: ['seed=abc'], path: 'seed', rule: 'expected a number, got the string "abc"' },
  { what: 'non-integer seed', sets: ['seed=1.5'], path: 'seed', rule: 'must be an integer, got 1.5' },
  { what: 'negative initialPods', sets: ['services[0].initialPods=-1'], path: 'services[0].initialPods', rule: 'must be ≥ 0, got the number -1' },
  { what: 'no services', sets: ['services=[]'], path: 'services', rule: 'must have at least 1 item(s)' },
  { what: 'wrong type (manifest)', sets: ['services[0].manifest=[]'], path: 'services[0].manifest', rule: 'expected a mapping, got a list' },
  {
    what: 'bad duration',
    sets: ['duration=10 minutes'],
    path: 'duration',
    rule: 'invalid duration "10 minutes": unknown unit " minutes" (use ns, us, ms, s, m or h)',
  },
  { what: 'zero duration', sets: ['duration=0s'], path: 'duration', rule: 'must be greater than 0' },
  {
    what: 'unknown distribution',
    sets: ['services[0].app.serviceTime={dist: gamma, shape: 2}'],
    path: 'services[0].app.serviceTime.dist',
    rule: 'must be one of: constant, exponential, uniform, lognormal, empirical (got the string "gamma")',
  },
  {
    what: 'lognormal p99 below the median',
    sets: ['services[0].app.serviceTime={dist: lognormal, median: 1s, p99: 500ms}'],
    path: 'services[0].app.serviceTime.p99',
    rule: 'p99 (0.5s) must not be less than median (1s)',
  },
  {
    what: 'unknown rate shape',
    sets: ['clients[0].open={rate: {shape: square, rps: 1}}'],
    path: 'clients[0].open.rate.shape',
    rule: 'must be one of: constant, step, ramp, spike, sine, diurnal (got the string "square")',
  },
  { what: 'series, not a boolean', sets: ['series=nope'], path: 'series', rule: 'expected a boolean, got the string "nope"' },
  {
    what: 'trace mode',
    sets: ['trace=sample=0'],
    path: 'trace',
    rule: 'sample rate must be a fraction in (0, 1], got "0"',
  },
  {
    what: 'scenario name',
    sets: ['name=My_Scenario'],
    path: 'name',
    rule: "must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got \"My_Scenario\"",
  },

  // Knative: annotations, ConfigMaps, manifests.
  { what: 'invalid annotation: target "0"', sets: [`${ANN}["autoscaling.knative.dev/target"]="0"`], path: `${ANN}["autoscaling.knative.dev/target"]`, rule: 'target should be at least 0.01' },
  {
    what: 'invalid annotation: window out of range',
    sets: [`${ANN}["autoscaling.knative.dev/window"]=2s`],
    path: `${ANN}["autoscaling.knative.dev/window"]`,
    rule: 'must be in [6s, 3600s]',
  },
  {
    what: 'a class Knative does not ship',
    sets: [`${ANN}["autoscaling.knative.dev/class"]=custom.example.com`],
    path: `${ANN}["autoscaling.knative.dev/class"]`,
    rule: 'class "custom.example.com" is not simulated: knsim simulates kpa.autoscaling.knative.dev, hpa.autoscaling.knative.dev and the classes registered in autoscalerClasses',
  },
  {
    what: 'annotation value null',
    sets: [`${ANN}["autoscaling.knative.dev/target"]=null`],
    path: `${ANN}["autoscaling.knative.dev/target"]`,
    rule: 'annotation values must be strings, got null',
  },
  // Fields knsim does not read keep Kubernetes' types (the API server refuses these too).
  { what: 'a label that is a mapping', sets: ['services[0].manifest.metadata.labels.a.b=1'], path: 'services[0].manifest.metadata.labels["a"]', rule: 'label values must be strings, got a mapping' },
  { what: 'a template label that is a list', sets: ['services[0].manifest.spec.template.metadata.labels.x=[1]'], path: 'services[0].manifest.spec.template.metadata.labels["x"]', rule: 'label values must be strings, got a list' },
  { what: 'env as a mapping', sets: ['services[0].manifest.spec.template.spec.containers[0].env.a=1'], path: 'services[0].manifest.spec.template.spec.containers[0].env', rule: 'expected a list, got a mapping' },
  { what: 'an env value that is a number', sets: ['services[0].manifest.spec.template.spec.containers[0].env=[{name: PORT, value: 8080}]'], path: 'services[0].manifest.spec.template.spec.containers[0].env[0].value', rule: 'expected a string, got the number 8080' },
  { what: 'an image that is a list', sets: ['services[0].manifest.spec.template.spec.containers[0].image=[1]'], path: 'services[0].manifest.spec.template.spec.containers[0].image', rule: 'expected a string, got a list' },
  { what: 'args with a list in it', sets: ['services[0].manifest.spec.template.spec.containers[0].args=[a, [b]]'], path: 'services[0].manifest.spec.template.spec.containers[0].args[1]', rule: 'expected a string, got a list' },
  {
    what: 'config-autoscaler key',
    sets: ['configMaps.config-autoscaler["stable-window"]=5s'],
    path: 'configMaps.config-autoscaler["stable-window"]',
    rule: 'must be in the [6s, 3600s] range',
  },
  {
    what: 'config-autoscaler HPA default class',
    sets: ['configMaps.config-autoscaler["pod-autoscaler-class"]=hpa.autoscaling.knative.dev'],
    path: 'configMaps.config-autoscaler["pod-autoscaler-class"]',
    rule: 'class "hpa.autoscaling.knative.dev" is not simulated as the default: the default class must be kpa.autoscaling.knative.dev (choose the HPA class per revision with the autoscaling.knative.dev/class annotation)',
  },
  {
    what: 'config-defaults container-concurrency above the limit',
    sets: ['configMaps.config-defaults.container-concurrency=2000'],
    path: 'configMaps.config-defaults["container-concurrency"]',
    rule: 'expected 0 <= 2000 <= 1000',
  },
  {
    what: 'config-deployment progress-deadline precision',
    sets: ['configMaps.config-deployment.progress-deadline=1500ms'],
    path: 'configMaps.config-deployment["progress-deadline"]',
    rule: 'progress-deadline must be rounded to a whole second, was 1500ms',
  },
  {
    what: 'config-network rollout-duration',
    sets: ['configMaps.config-network.rollout-duration=2m'],
    path: 'configMaps.config-network["rollout-duration"]',
    rule: 'failed to parse "rollout-duration": invalid syntax "2m"',
  },
  {
    what: 'apiVersion',
    sets: ['services[0].manifest.apiVersion=apps/v1'],
    path: 'services[0].manifest.apiVersion',
    rule: 'must be serving.knative.dev/v1 (a Knative Service), got "apps/v1"',
  },
  { what: 'kind', sets: ['services[0].manifest.kind=Deployment'], path: 'services[0].manifest.kind', rule: 'must be Service, got "Deployment"' },
  { what: 'missing metadata.name', sets: ['services[0].manifest.metadata={}'], path: 'services[0].manifest.metadata.name', rule: 'required field is missing' },
  {
    what: 'containerConcurrency above the limit',
    sets: ['services[0].manifest.spec.template.spec.containerConcurrency=1001'],
    path: 'services[0].manifest.spec.template.spec.containerConcurrency',
    rule: 'expected 0 <= 1001 <= 1000 (container-concurrency-max-limit)',
  },
  {
    what: 'timeoutSeconds above max-revision-timeout-seconds',
    sets: ['services[0].manifest.spec.template.spec.timeoutSeconds=601'],
    path: 'services[0].manifest.spec.template.spec.timeoutSeconds',
    rule: 'expected 0 <= 601 <= 600 (max-revision-timeout-seconds)',
  },
  {
    what: 'BYO revision name without the Service prefix',
    sets: ['services[0].manifest.spec.template.metadata.name=v2'],
    path: 'services[0].manifest.spec.template.metadata.name',
    rule: '"v2" must have prefix "hello-"',
  },
  {
    what: 'rollout-duration annotation',
    sets: ['services[0].manifest.metadata.annotations["serving.knative.dev/rollout-duration"]=-5s'],
    path: 'services[0].manifest.metadata.annotations["serving.knative.dev/rollout-duration"]',
    rule: 'rollout-duration=-5s must be positive',
  },

  // Traffic.
  {
    what: 'traffic summing to 99',
    sets: ['services[0].manifest.spec.traffic=[{latestRevision: true, percent: 99}]'],
    path: 'services[0].manifest.spec.traffic',
    rule: 'Traffic targets sum to 99, want 100',
  },
  {
    what: 'duplicate tag',
    sets: ['services[0].manifest.spec.traffic=[{latestRevision: true, percent: 100, tag: a}, {revisionName: hello-00001, percent: 0, tag: a}]'],
    path: 'services[0].manifest.spec.traffic[1].tag',
    rule: 'Multiple definitions for "a"',
  },
  {
    what: 'traffic in an update summing to 101',
    sets: ['services[0].updates=[{at: 1m, traffic: [{latestRevision: true, percent: 100}, {revisionName: hello-00001, percent: 1}]}]'],
    path: 'services[0].updates[0].traffic',
    rule: 'Traffic targets sum to 101, want 100',
  },
  {
    what: 'traffic to a revision not created yet',
    sets: ['services[0].manifest.spec.traffic=[{revisionName: hello-00002, percent: 100}]'],
    path: 'services[0].manifest.spec.traffic[0].revisionName',
    rule: 'revision "hello-00002" referenced in traffic not found at 0s (revisions by then: hello-00001)',
  },
  {
    what: 'both revisionName and latestRevision: true',
    sets: ['services[0].manifest.spec.traffic=[{revisionName: hello-00001, latestRevision: true, percent: 100}]'],
    path: 'services[0].manifest.spec.traffic[0].latestRevision',
    rule: 'may not set revisionName "hello-00001" when latestRevision is true',
  },
  {
    what: 'url (a status field) in a traffic target',
    sets: ['services[0].manifest.spec.traffic=[{latestRevision: true, percent: 100, tag: a, url: "http://a-hello.default.example.com"}]'],
    path: 'services[0].manifest.spec.traffic[0].url',
    rule: 'must not set the field(s)',
  },
  {
    what: 'url in an update\'s traffic',
    sets: ['services[0].updates=[{at: 1m, traffic: [{latestRevision: true, percent: 100, url: "http://hello.default.example.com"}]}]'],
    path: 'services[0].updates[0].traffic[0].url',
    rule: 'must not set the field(s)',
  },
  {
    what: 'configurationName inside a Service',
    sets: ['services[0].manifest.spec.traffic=[{configurationName: hello, percent: 100}]'],
    path: 'services[0].manifest.spec.traffic[0].configurationName',
    rule: 'must not set the field(s)',
  },

  // Updates.
  {
    what: 'updates out of order',
    sets: ['services[0].updates=[{at: 2m, traffic: []}, {at: 1m, traffic: []}]'],
    path: 'services[0].updates[1].at',
    rule: 'updates must be in strictly increasing order of at (previous at 120s)',
  },
  {
    what: 'update app without a template',
    sets: ['services[0].updates=[{at: 1m, app: {serviceTime: 1s}}]'],
    path: 'services[0].updates[0].app',
    rule: 'this update has no template, so it creates no revision for app to apply to',
  },
  {
    what: 'a reused BYO revision name',
    sets: ['services[0].manifest.spec.template.metadata.name=hello-v1', 'services[0].updates=[{at: 1m, template: {metadata: {name: hello-v1}, spec: {containerConcurrency: 2, containers: [{image: "hello:1"}]}}}]'],
    path: 'services[0].updates[0].template.metadata.name',
    rule: 'a changed template needs a new revision name: revision "hello-v1" already exists (created by services[0].manifest.spec.template)',
  },
  {
    // The webhook takes it (the name changed from hello-v2); knsim said the template kept its name.
    what: 'a template naming an earlier BYO revision again',
    sets: [
      'services[0].manifest.spec.template.metadata.name=hello-v1',
      'services[0].updates=[{at: 1m, template: {metadata: {name: hello-v2}, spec: {containers: [{image: "hello:2"}]}}}, {at: 2m, template: {metadata: {name: hello-v1}, spec: {containers: [{image: "hello:1"}]}}}]',
    ],
    path: 'services[0].updates[1].template.metadata.name',
    rule: 'revision "hello-v1" already exists (created by services[0].manifest.spec.template): Knative reuses it if its spec is unchanged, or fails to create the revision, and knsim simulates neither (knsim\'s rule: use a new name)',
  },
  {
    what: 'revisionApps naming an unknown revision',
    sets: ['services[0].revisionApps.hello-00009.serviceTime=1s'],
    path: 'services[0].revisionApps.hello-00009',
    rule: 'no revision named "hello-00009" (the scenario creates: hello-00001)',
  },

  // Clients.
  { what: 'client for an unknown Service', sets: ['clients[0].service=nope'], path: 'clients[0].service', rule: 'no Service named "nope" (services: hello)' },
  {
    what: 'client tag not in any traffic block',
    sets: ['clients[0].tag=canary'],
    path: 'clients[0].tag',
    rule: 'tag "canary" is not defined in any traffic block of Service "hello" (tags: none)',
  },
  { what: 'duplicate client name', sets: ['clients[1]={name: load, service: hello, open: {rps: 1}}'], path: 'clients[1].name', rule: 'duplicate client name "load" (also clients[0])' },
  { what: 'no load kind', sets: ['clients[0]={name: c, service: hello}'], path: 'clients[0]', rule: 'exactly one of open, closed, trace is required' },
  { what: 'two load kinds', sets: ['clients[0].closed.users=2'], path: 'clients[0].closed', rule: 'only one of open, closed, trace may be set (got open, closed)' },
  { what: 'open without rps or rate', sets: ['clients[0].open={process: uniform}'], path: 'clients[0].open', rule: 'exactly one of rps, rate is required' },
  { what: 'end before start', sets: ['clients[0].start=2m', 'clients[0].end=1m'], path: 'clients[0].end', rule: 'must be after start (120s), got 60s' },
  { what: 'timeout below the ingress latency', sets: ['clients[0].timeout=500us'], path: 'clients[0].timeout', rule: 'must be at least cluster.ingressLatency (0.001s), got 0.0005s' },
  {
    what: 'timeout below a set ingress latency',
    sets: ['cluster.ingressLatency=2s', 'clients[0].timeout=1s'],
    path: 'clients[0].timeout',
    rule: 'must be at least cluster.ingressLatency (2s), got 1s',
  },
  {
    what: 'step rate out of order',
    sets: ['clients[0].open={rate: {shape: step, steps: [{at: 10s, rps: 1}, {at: 5s, rps: 2}]}}'],
    path: 'clients[0].open.rate.steps[1].at',
    rule: 'steps must be in strictly increasing order of at',
  },
  {
    what: 'trace filter with the simple format',
    sets: ['clients[0]={name: c, service: hello, trace: {file: traces/simple.csv, app: x}}'],
    path: 'clients[0].trace.app',
    rule: 'only allowed with format azure2021',
  },

  // Files.
  {
    what: 'unreadable manifestFile',
    sets: ['services[0]={manifestFile: manifests/missing.yaml}'],
    path: 'services[0].manifestFile',
    rule: `cannot read "${fixture('manifests/missing.yaml')}": no such file or directory`,
  },
  {
    what: 'a manifest file without a Service',
    sets: ['services[0]={manifestFile: manifests/no-service.yaml}'],
    path: 'services[0].manifestFile',
    rule: `no document with kind: Service in ${fixture('manifests/no-service.yaml')}`,
  },
  {
    what: 'several Services in a manifest file',
    sets: ['services[0]={manifestFile: manifests/multi.yaml}'],
    path: 'services[0].manifestFile',
    rule: `${fixture('manifests/multi.yaml')} holds several Services (alpha, beta); pick one with manifestName`,
  },
  {
    what: 'an error inside a manifest file points into that file',
    sets: ['services[0]={manifestFile: manifests/bad-cc.yaml}', 'clients[0].service=bad'],
    errFile: fixture('manifests/bad-cc.yaml'),
    path: 'spec.template.spec.containerConcurrency',
    rule: 'expected 0 <= -1 <= 1000 (container-concurrency-max-limit)',
  },
  // A core v1 Service beside the Knative one made "holds several Services (bad, bad)", and manifestName could not pick.
  {
    what: 'a core v1 Service beside the Knative Service is skipped',
    sets: ['services[0]={manifestFile: manifests/with-core-service.yaml}', 'clients[0].service=bad'],
    errFile: fixture('manifests/with-core-service.yaml'),
    // The file holds two documents: the path names the one (it said only spec…, which both have).
    path: 'document 2, spec.template.spec.containerConcurrency',
    rule: 'expected 0 <= -1 <= 1000 (container-concurrency-max-limit)',
  },
  // A List (kubectl get ksvc -o yaml) was "no document with kind: Service"; its items are read, errors name them.
  {
    what: 'a List of Services is read item by item',
    sets: ['services[0]={manifestFile: manifests/list.yaml}', 'clients[0].service=bad'],
    errFile: fixture('manifests/list.yaml'),
    path: 'items[0].spec.template.spec.containerConcurrency',
    rule: 'expected 0 <= -1 <= 1000 (container-concurrency-max-limit)',
  },
  // A bad --set value into a manifest file's Service was blamed on the file, at a path whose value the file does not hold.
  {
    what: 'a bad --set value into a manifest file names the flag',
    sets: ['services[0]={manifestFile: manifests/hello.yaml}', 'services[0].manifest.spec.template.spec.containerConcurrency=abc'],
    path: '--set services[0].manifest.spec.template.spec.containerConcurrency=abc',
    rule: 'expected a number, got the string "abc"',
  },
  {
    what: 'a bad --set annotation into a manifest file names the flag',
    sets: ['services[0]={manifestFile: manifests/hello.yaml}', `${ANN}["autoscaling.knative.dev/target"]=abc`],
    path: `--set ${ANN}["autoscaling.knative.dev/target"]=abc`,
    rule: 'not a number',
  },
  {
    what: 'a bad value deep in a --set mapping into a List item names the flag and where under it',
    sets: ['services[0]={manifestFile: manifests/list.yaml}', 'clients[0].service=bad', 'services[0].manifest.spec.template.spec={containerConcurrency: 2000, containers: [{image: a}]}'],
    path: '--set services[0].manifest.spec.template.spec={containerConcurrency: 2000, containers: [{image: a}]}',
    rule: 'services[0].manifest.spec.template.spec.containerConcurrency: expected 0 <= 2000 <= 1000 (container-concurrency-max-limit)',
  },
  {
    what: "the file's own mistake beside a --set elsewhere still names the file",
    sets: ['services[0]={manifestFile: manifests/bad-cc.yaml}', 'clients[0].service=bad', `${ANN}["autoscaling.knative.dev/target"]="5"`],
    errFile: fixture('manifests/bad-cc.yaml'),
    path: 'spec.template.spec.containerConcurrency',
    rule: 'expected 0 <= -1 <= 1000 (container-concurrency-max-limit)',
  },
  {
    what: 'unreadable trace file',
    sets: ['clients[0]={name: c, service: hello, trace: {file: traces/missing.csv}}'],
    path: 'clients[0].trace.file',
    rule: `cannot read "${fixture('traces/missing.csv')}": no such file or directory`,
  },
  // A bad trace line names the scenario's field that named the file, then the file and line.
  {
    what: 'bad line in a simple trace',
    sets: ['clients[0]={name: c, service: hello, trace: {file: traces/bad-simple.csv}}'],
    path: 'clients[0].trace.file',
    within: `${fixture('traces/bad-simple.csv')}: line 4, column duration`,
    rule: 'not a number: "abc"',
  },
  {
    what: 'bad line in an azure2021 trace',
    sets: ['clients[0]={name: c, service: hello, trace: {file: traces/bad-azure.csv, format: azure2021}}'],
    path: 'clients[0].trace.file',
    within: `${fixture('traces/bad-azure.csv')}: line 4, column end_timestamp`,
    rule: 'not a number: "10x.5"',
  },
  {
    what: 'a bad trace in the second client',
    sets: ['clients[1]={name: d, service: hello, trace: {file: traces/bad-simple.csv}}'],
    path: 'clients[1].trace.file',
    within: `${fixture('traces/bad-simple.csv')}: line 4, column duration`,
    rule: 'not a number: "abc"',
  },
  {
    what: 'azure filter matching nothing',
    sets: ['clients[0]={name: c, service: hello, trace: {file: traces/azure-small.csv, format: azure2021, func: nope}}'],
    path: 'clients[0].trace.func',
    rule: `no invocations in ${fixture('traces/azure-small.csv')} match the app/func filter`,
  },

  // --set syntax.
  { what: '--set without "="', sets: ['seed'], path: '--set seed', rule: 'expected path=value' },
  { what: '--set with an unclosed bracket', sets: ['clients[0.open=1'], path: '--set clients[0.open=1', rule: 'expected "]" at position 10' },
  { what: '--set with an empty segment', sets: ['a..b=1'], path: '--set a..b=1', rule: 'unexpected "." at position 3 (quote keys with other characters: ["a.b/c"])' },
  { what: '--set with an unterminated quote', sets: ['x["a=1'], path: '--set x["a=1', rule: 'unterminated quoted key starting at position 3' },
  {
    what: '--set indexing a mapping',
    sets: ['clients[0].open[0]=1'],
    path: '--set clients[0].open[0]=1',
    rule: 'cannot index clients[0].open with [0]: it is a mapping, not a list',
  },
  { what: '--set with a bad value', sets: ['seed=[1'], path: '--set seed=[1', rule: 'invalid value: Flow sequence must end with a ]' },
];

describe('ScenarioError: path and rule for each class of bad input', () => {
  it.each(cases)('$what', (c) => {
    const file = c.file ?? BASE;
    const err = catchScenarioError(() => loadScenario(file, { sets: c.sets }));
    const errFile = c.errFile ?? file;
    const within = c.within ?? '';
    expect({ file: err.file, path: err.path, within: err.within, rule: err.rule }).toEqual({ file: errFile, path: c.path, within, rule: c.rule });
    expect(err.message).toBe(`${errFile}: ${c.path}: ${within === '' ? '' : `${within}: `}${c.rule}`);
    expect(err.message).not.toContain('\n');
    expect(formatError(err)).toBe(err.message);
  });
});

describe('errors outside a field', () => {
  it.each([
    { file: fixture('invalid/bad-yaml.yaml'), path: 'line 5, column 1', rule: 'invalid YAML: Flow map in block collection must be sufficiently indented and end with a }' },
    { file: fixture('invalid/dup-key.yaml'), path: 'line 3, column 1', rule: 'invalid YAML: Map keys must be unique' },
    // The parser's words were "Source contains multiple documents; please use YAML.parseAllDocuments()".
    {
      file: fixture('invalid/two-docs.yaml'),
      path: 'line 3, column 1',
      rule: 'a scenario file is one YAML document, and another starts here: remove the --- line, or give the other document a file of its own',
    },
    { file: fixture('no-such-scenario.yaml'), path: '', rule: 'cannot read the scenario file: no such file or directory' },
  ])('$file', ({ file, path, rule }) => {
    const err = catchScenarioError(() => loadScenario(file));
    expect([err.path, err.rule]).toEqual([path, rule]);
    expect(err.message).toBe(path === '' ? `${file}: ${rule}` : `${file}: ${path}: ${rule}`);
  });

  it('a required field missing from a scenario value', () => {
    const err = catchScenarioError(() => scenarioFromValue({ name: 'x', services: [], clients: [] }, 'virtual.yaml'));
    expect(err.message).toBe('virtual.yaml: duration: required field is missing');
  });

  it('prefers "unknown field" over the "missing" error a misspelt key causes', () => {
    const err = catchScenarioError(() => scenarioFromValue({ name: 'x', durration: '1m', services: [], clients: [] }, 'virtual.yaml'));
    expect(err.path).toBe('durration');
    expect(err.rule.startsWith('unknown field')).toBe(true);
  });

  // An empty file said "expected a mapping, got null", and a Knative Service given where the
  // scenario goes "apiVersion: unknown field (known fields: name, …)".
  const EMPTY = 'is empty (no YAML value, only comments or ---): a scenario is a mapping with name, duration, services and clients';
  it.each([
    { what: 'an empty file', text: '', message: `f.yaml: ${EMPTY}` },
    { what: 'only comments', text: '# todo\n', message: `f.yaml: ${EMPTY}` },
    { what: 'only a document marker', text: '---\n', message: `f.yaml: ${EMPTY}` },
    {
      what: 'a Knative Service manifest',
      text: 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: { name: hello }\n',
      message: `f.yaml: kind: a Kubernetes manifest (kind "Service", apiVersion "serving.knative.dev/v1"), not a knsim scenario: name it in a scenario's services[].manifestFile (ConfigMaps: configMapFiles)`,
    },
    {
      what: 'a ConfigMap manifest',
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: config-autoscaler }\ndata: {}\n',
      message: `f.yaml: kind: a Kubernetes manifest (kind "ConfigMap", apiVersion "v1"), not a knsim scenario: name it in a scenario's services[].manifestFile (ConfigMaps: configMapFiles)`,
    },
    // A scenario with a stray apiVersion is still a scenario: the schema names the field.
    { what: 'a scenario with apiVersion and kind keys', text: 'name: x\napiVersion: v1\nkind: Service\n', message: /^f\.yaml: apiVersion: unknown field/ },
  ])('$what', ({ text, message }) => {
    const err = catchScenarioError(() => loadScenarioText(text, 'f.yaml', {}, nodeScenarioFiles));
    if (typeof message === 'string') expect(err.message).toBe(message);
    else expect(err.message).toMatch(message);
  });

  it('a scenario that is not a mapping', () => {
    const err = catchScenarioError(() => scenarioFromValue([1, 2], 'virtual.yaml'));
    expect(err.message).toBe('virtual.yaml: expected a mapping, got a list');
  });

  it('formatError ignores other errors', () => {
    expect(formatError(new Error('boom'))).toBeUndefined();
    expect(formatError('boom')).toBeUndefined();
    expect(formatError(new ScenarioError('f.yaml', 'a.b', 'broken\nrule'))).toBe('f.yaml: a.b: broken rule');
  });

  it('the round-trip fixture is valid, so the table above breaks only what it sets', () => {
    expect(() => loadScenario(BASE)).not.toThrow();
    expect(() => loadScenario(RT)).not.toThrow();
  });
});

describe('long field paths', () => {
  const deep = 'services[0].manifest.spec.template.spec.initContainers[0].securityContext.procMount';
  it('a manifest path past 80 characters is shown whole, so the field at fault is named', () => {
    expect(deep.length).toBeGreaterThan(80);
    expect(new ScenarioError('s.yaml', deep, 'rule').message).toBe(`s.yaml: ${deep}: rule`);
  });
  it('a path past 160 characters keeps its start and its end, the middle elided', () => {
    const long = `services[0].manifest.spec.template.spec.${'a'.repeat(300)}.procMount`;
    const e = new ScenarioError('s.yaml', long, 'rule');
    expect(e.path).toHaveLength(160);
    expect(e.path.startsWith('services[0].manifest.spec.template.spec.')).toBe(true);
    expect(e.path.endsWith('aaaa.procMount')).toBe(true);
    expect(e.path.slice(40, 41)).toBe('…');
  });
});
