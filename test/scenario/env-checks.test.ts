/**
 * What the API server refuses in a template's environment when Knative creates the revision's
 * Deployment (Kubernetes 1.35 pkg/apis/core/validation: ValidateEnv, validateEnvVarValueFrom,
 * validateConfigMapKeySelector, validateSecretKeySelector, ValidateEnvFrom; apimachinery's
 * IsRelaxedEnvVarName, IsConfigMapKey, IsDNS1123Subdomain). Knative's webhook takes every
 * refused template below, and knsim simulated a revision that never gets a pod.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runKnsim } from '../support/cli.js';
import { fixture } from './helpers.js';

const BASE = fixture('base.yaml');
const SPEC = 'services[0].manifest.spec.template.spec';
const DEPLOYMENT = ", so Kubernetes refuses the revision's Deployment (Knative takes the template, but the revision never gets a pod)";
const INITS_ON = 'configMaps.config-features["kubernetes.podspec-init-containers"]=enabled';
const FIELDREF_ON = 'configMaps.config-features["kubernetes.podspec-fieldref"]=enabled';

/** The one container, with this environment (flow YAML of env items). */
const env = (...items: string[]): string => `${SPEC}.containers=[{image: "hello:1", env: [${items.join(', ')}]}]`;
const envFrom = (...items: string[]): string => `${SPEC}.containers=[{image: "hello:1", envFrom: [${items.join(', ')}]}]`;

const run = (sets: string[]) => runKnsim(['run', BASE, '--no-report', '--out', '/tmp/knsim-env-checks-never-written', ...sets.flatMap((s) => ['--set', s])]);
/** The one line the CLI prints (ScenarioError caps it as the CLI does). */
const line = (at: string, rule: string): string => `knsim: ${new ScenarioError(BASE, `${SPEC}.${at}`, `${rule}${DEPLOYMENT}`).message}`;

const PRINTABLE = "must consist only of printable ASCII characters other than '='";
const SUBDOMAIN = "not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', alphanumeric at each end, at most 253 characters)";
const CONFIG_KEY = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";

describe("the API server refuses the revision's Deployment for its environment", () => {
  it.each([
    // ValidateEnv: the name (Knative has required one), relaxed as of Kubernetes 1.32.
    { what: "a name with '='", sets: [env('{name: "A=B", value: x}')], at: 'containers[0].env[0].name', rule: `Invalid value: "A=B": ${PRINTABLE}` },
    { what: 'a name with a tab', sets: [env('{name: "MY\\tVAR", value: x}')], at: 'containers[0].env[0].name', rule: `Invalid value: "MY\\tVAR": ${PRINTABLE}` },
    { what: 'a name with a letter outside ASCII', sets: [env('{name: "CAFÉ", value: x}')], at: 'containers[0].env[0].name', rule: `Invalid value: "CAFÉ": ${PRINTABLE}` },
    // validateEnvVarValueFrom: one source, and no value beside it.
    {
      what: 'a value and a valueFrom',
      sets: [env('{name: A, value: x, valueFrom: {configMapKeyRef: {name: cfg, key: k}}}')],
      at: 'containers[0].env[0].valueFrom',
      rule: 'may not be specified when `value` is not empty (a variable takes value or valueFrom)',
    },
    { what: 'a valueFrom with no source', sets: [env('{name: A, valueFrom: {}}')], at: 'containers[0].env[0].valueFrom', rule: 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`' },
    {
      what: 'a valueFrom with two sources',
      sets: [env('{name: A, valueFrom: {configMapKeyRef: {name: cfg, key: k}, secretKeyRef: {name: s, key: k}}}')],
      at: 'containers[0].env[0].valueFrom',
      rule: 'may not have more than one field specified at a time (got configMapKeyRef, secretKeyRef)',
    },
    {
      what: 'a fieldRef and a secretKeyRef (fieldRef turned on)',
      sets: [FIELDREF_ON, env('{name: A, valueFrom: {fieldRef: {fieldPath: metadata.name}, secretKeyRef: {name: s, key: k}}}')],
      at: 'containers[0].env[0].valueFrom',
      rule: 'may not have more than one field specified at a time (got fieldRef, secretKeyRef)',
    },
    // validateConfigMapKeySelector and validateSecretKeySelector.
    { what: 'a configMapKeyRef named in capitals', sets: [env('{name: A, valueFrom: {configMapKeyRef: {name: Cfg, key: k}}}')], at: 'containers[0].env[0].valueFrom.configMapKeyRef.name', rule: `Invalid value: "Cfg": ${SUBDOMAIN}` },
    { what: 'a configMapKeyRef without a name', sets: [env('{name: A, valueFrom: {configMapKeyRef: {key: k}}}')], at: 'containers[0].env[0].valueFrom.configMapKeyRef.name', rule: `Invalid value: "": ${SUBDOMAIN}` },
    { what: 'a secretKeyRef with an empty key', sets: [env('{name: A, valueFrom: {secretKeyRef: {name: s, key: ""}}}')], at: 'containers[0].env[0].valueFrom.secretKeyRef.key', rule: 'Required value' },
    { what: "a secretKeyRef key with '/'", sets: [env('{name: A, valueFrom: {secretKeyRef: {name: s, key: a/b}}}')], at: 'containers[0].env[0].valueFrom.secretKeyRef.key', rule: `Invalid value: "a/b": ${CONFIG_KEY}` },
    { what: "a configMapKeyRef key '..'", sets: [env('{name: A, valueFrom: {configMapKeyRef: {name: cfg, key: ..}}}')], at: 'containers[0].env[0].valueFrom.configMapKeyRef.key', rule: `Invalid value: "..": must not be '..'` },
    // ValidateEnvFrom: the prefix, and each source's name.
    { what: "an envFrom prefix with '='", sets: [envFrom('{prefix: "APP=", configMapRef: {name: cfg}}')], at: 'containers[0].envFrom[0].prefix', rule: `Invalid value: "APP=": ${PRINTABLE}` },
    { what: 'an envFrom configMapRef without a name', sets: [envFrom('{configMapRef: {optional: true}}')], at: 'containers[0].envFrom[0].configMapRef.name', rule: 'Required value' },
    { what: 'an envFrom secretRef with an underscore', sets: [envFrom('{secretRef: {name: db_creds}}')], at: 'containers[0].envFrom[0].secretRef.name', rule: `Invalid value: "db_creds": ${SUBDOMAIN}` },
    // Init containers are checked as containers are, after them.
    {
      what: "an init container's name with '='",
      sets: [INITS_ON, `${SPEC}.initContainers=[{name: init, image: "init:1", env: [{name: "X=Y", value: "1"}]}]`],
      at: 'initContainers[0].env[0].name',
      rule: `Invalid value: "X=Y": ${PRINTABLE}`,
    },
    {
      what: "the container's problem before the init container's",
      sets: [INITS_ON, `${SPEC}.initContainers=[{name: init, image: "init:1", env: [{name: "X=Y", value: "1"}]}]`, env('{name: A, valueFrom: {}}')],
      at: 'containers[0].env[0].valueFrom',
      rule: 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
    },
  ])('$what: exit 2 at $at', ({ sets, at, rule }) => {
    const r = run(sets);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([line(at, rule)]);
  });

  it('the webhook speaks first: a template both refuse is refused at the webhook field', () => {
    const r = run([`${SPEC}.containers=[{image: "", env: [{name: "A=B", value: x}]}]`]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`knsim: ${BASE}: ${SPEC}.containers[0].image: missing field(s): a container needs an image, so Knative refuses the template`);
  });
});

describe('environments Kubernetes 1.35 takes', () => {
  it.each([
    // The relaxed names: a leading digit, a space, '.', '-' (Kubernetes before 1.32 refused the first two).
    { what: 'relaxed names', sets: [env('{name: "1ST VAR", value: a}', '{name: my.env-name, value: b}', '{name: "~!@#", value: c}')] },
    { what: 'keys from a ConfigMap and a Secret', sets: [env('{name: LOG_LEVEL, valueFrom: {configMapKeyRef: {name: app-config, key: log.level}}}', '{name: PW, valueFrom: {secretKeyRef: {name: db, key: PASSWORD_1}}}')] },
    { what: 'an empty value beside a valueFrom', sets: [env('{name: A, value: "", valueFrom: {secretKeyRef: {name: s, key: k}}}')] },
    { what: 'a fieldRef (turned on)', sets: [FIELDREF_ON, env('{name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}')] },
    { what: "envFrom with a prefix, and a name ending in '-'", sets: [envFrom('{prefix: "APP_", configMapRef: {name: cfg}}', '{secretRef: {name: "creds-"}}')] },
  ])('$what', ({ sets }) => {
    expect(loadScenario(BASE, { sets }).world.services[0]!.revisions.map((r) => r.name)).toEqual(['hello-00001']);
  });
});
