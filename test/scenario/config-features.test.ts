/**
 * config-features as Knative's webhook reads it (pkg/apis/config/features.go) and its gate on
 * init containers (pkg/apis/serving/k8s_validation.go validateInitContainers, fieldmask.go
 * PodSpecMask). knsim did not read config-features and took init containers, which a default
 * install refuses.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadScenario, scenarioFromValue } from '../../src/scenario/load.js';
import { FEATURE_DEFAULTS, acceptedValues, featuresWarnings, parseFlag, readFeatures } from '../../src/scenario/config-features.js';
import { runKnsim } from '../support/cli.js';
import { catchScenarioError, fixture } from './helpers.js';

const BASE = fixture('base.yaml');
const SPEC = 'services[0].manifest.spec.template.spec';
const FLAG = 'configMaps.config-features["kubernetes.podspec-init-containers"]';
const ONE_INIT = `${SPEC}.initContainers=[{name: migrate, image: "migrate:1"}]`;
const REFUSED = "pod spec support for init-containers is off, so Knative refuses the template: set config-features' kubernetes.podspec-init-containers: enabled";

describe('config-features kubernetes.podspec-init-containers gates a template with init containers', () => {
  it.each([
    { what: 'the flag absent (a default install)', sets: [ONE_INIT], rule: `${REFUSED} (it is disabled by default)` },
    { what: 'disabled', sets: [`${FLAG}=disabled`, ONE_INIT], rule: `${REFUSED} (it is disabled)` },
    // Allowed passes the field mask, but validateInitContainers wants Enabled.
    { what: 'allowed', sets: [`${FLAG}=allowed`, ONE_INIT], rule: `${REFUSED} (allowed lets the field through, but only enabled turns init containers on)` },
    // Knative ignores a value it does not accept and keeps the default, Disabled.
    { what: 'a value Knative ignores', sets: [`${FLAG}=enable`, ONE_INIT], rule: `${REFUSED} (it is "enable", not enabled, allowed or disabled, which Knative ignores)` },
    { what: 'two init containers', sets: [`${SPEC}.initContainers=[{image: "app:1"}, {image: "side:1"}]`], rule: `${REFUSED} (it is disabled by default)` },
    // The field mask drops the field when the flag is Disabled, and an empty list is still a set field.
    {
      what: 'an empty list',
      sets: [`${SPEC}.initContainers=[]`],
      rule: "must not set the field, even empty, so Knative refuses the template: leave it out or set config-features' kubernetes.podspec-init-containers: enabled (it is disabled by default)",
    },
  ])('$what: refused at the field', ({ sets, rule }) => {
    const e = catchScenarioError(() => loadScenario(BASE, { sets }));
    expect([e.file, e.path, e.rule]).toEqual([BASE, `${SPEC}.initContainers`, rule]);
  });

  it.each([
    { what: 'enabled', sets: [`${FLAG}=enabled`, ONE_INIT], inits: 1 },
    // strings.EqualFold: any case.
    { what: 'Enabled', sets: [`${FLAG}=Enabled`, ONE_INIT], inits: 1 },
    { what: 'ENABLED', sets: [`${FLAG}=ENABLED`, ONE_INIT], inits: 1 },
    { what: 'allowed, with an empty list (past the mask, none to check)', sets: [`${FLAG}=allowed`, `${SPEC}.initContainers=[]`], inits: 0 },
    { what: 'disabled, with no init containers', sets: [`${FLAG}=disabled`], inits: 0 },
    // Go decodes null as no list at all.
    { what: 'absent, with initContainers: null', sets: [`${SPEC}.initContainers=null`], inits: 0 },
  ])('$what: loads', ({ sets }) => {
    const w = loadScenario(BASE, { sets }).world;
    expect(w.services[0]!.revisions.map((r) => r.name)).toEqual(['hello-00001']);
  });

  // validateInitContainer: an init container runs to completion, so it may have no probe or lifecycle hook, whatever the flags.
  it.each([
    ['readinessProbe', '{tcpSocket: {port: 8080}}'],
    ['livenessProbe', '{httpGet: {path: /healthz, port: 8080}}'],
    ['startupProbe', '{exec: {command: [true]}}'],
    ['lifecycle', '{preStop: {exec: {command: [true]}}}'],
    // A pointer Go decodes from {} is set.
    ['readinessProbe', '{}'],
  ])('enabled, an init container with %s %s: refused at the field', (field, value) => {
    const sets = [`${FLAG}=enabled`, `${SPEC}.initContainers=[{name: setup, image: "setup:1"}, {name: migrate, image: "migrate:1", ${field}: ${value}}]`];
    const e = catchScenarioError(() => loadScenario(BASE, { sets }));
    expect([e.file, e.path, e.rule]).toEqual([BASE, `${SPEC}.initContainers[1].${field}`, 'is not allowed in an init container (it runs to completion before the pod starts), so Knative refuses the template']);
  });

  it('enabled, an init container with readinessProbe: null loads (Go decodes it as unset)', () => {
    const sets = [`${FLAG}=enabled`, `${SPEC}.initContainers=[{name: migrate, image: "migrate:1", readinessProbe: null}]`];
    expect(loadScenario(BASE, { sets }).world.services[0]!.revisions.map((r) => r.name)).toEqual(['hello-00001']);
  });

  it('a later template of the Service is gated too, even one that creates no revision', () => {
    const base = parse(readFileSync(BASE, 'utf8')) as Record<string, unknown>;
    const services = base['services'] as Array<Record<string, unknown>>;
    const withUpdate = (spec: Record<string, unknown>) => ({
      ...base,
      services: [{ ...services[0], updates: [{ at: '1m', template: { spec: { containers: [{ image: 'hello:1' }], ...spec } } }] }],
    });
    const path = 'services[0].updates[0].template.spec.initContainers';
    const added = catchScenarioError(() => scenarioFromValue(withUpdate({ initContainers: [{ image: 'init:1' }] }), BASE));
    expect([added.path, added.rule]).toEqual([path, `${REFUSED} (it is disabled by default)`]);
    // Stored, an empty list is no list, so this update changes nothing; the webhook refuses it all the same.
    const empty = catchScenarioError(() => scenarioFromValue(withUpdate({ initContainers: [] }), BASE));
    expect(empty.path).toBe(path);
  });

  it('the flag is read from a ConfigMap manifest (configMapFiles), its _example ignored', () => {
    const base = parse(readFileSync(BASE, 'utf8')) as Record<string, unknown>;
    const [svc] = base['services'] as Array<{ manifest: { spec: { template: { spec: Record<string, unknown> } } } }>;
    svc!.manifest.spec.template.spec['initContainers'] = [{ name: 'migrate', image: 'migrate:1' }];
    const loaded = scenarioFromValue({ ...base, configMapFiles: ['config-features.yaml'] }, fixture('configmaps', 'scenario.yaml'));
    expect(loaded.world.services[0]!.revisions).toHaveLength(1);
    expect(loaded.warnings).toBeUndefined();
  });

  it('the CLI prints the refusal on one line and exits 2', () => {
    const r = runKnsim(['run', BASE, '--no-report', '--out', '/tmp/knsim-config-features-never-written', '--set', ONE_INIT]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`knsim: ${BASE}: ${SPEC}.initContainers: ${REFUSED} (it is disabled by default)\n`);
  });
});

describe('config-features keys and values Knative does not take: warnings, and the defaults stay', () => {
  it.each([
    { what: 'a misspelt key', data: { 'kubernetes.podspec-init-container': 'enabled' }, text: 'unknown config-features key, ignored (did you mean kubernetes.podspec-init-containers?)' },
    // Compared after the shared prefix, so no key is close (kubernetes.podspec-dnsconfig was suggested on the prefix alone).
    { what: 'a key this version does not read', data: { 'kubernetes.podspec-dryrun': 'enabled' }, text: 'unknown config-features key, ignored' },
    { what: 'a misspelt kubernetes.containerspec key', data: { 'kubernetes.containerspec-addcapability': 'enabled' }, text: 'unknown config-features key, ignored (did you mean kubernetes.containerspec-addcapabilities?)' },
    { what: 'a value a flag does not take', data: { 'multi-container': 'enable' }, text: '"enable" is not enabled, allowed or disabled: Knative ignores it and keeps the default, enabled' },
    // secure-pod-defaults has its own values, Allowed not among them.
    {
      what: 'allowed for secure-pod-defaults',
      data: { 'secure-pod-defaults': 'allowed' },
      text: '"allowed" is not disabled, allowrootbounded or enabled: Knative ignores it and keeps the default, disabled',
    },
  ])('$what', ({ data, text }) => {
    const [key, value] = Object.entries(data)[0]!;
    const loaded = loadScenario(BASE, { sets: [`configMaps.config-features["${key}"]=${value}`] });
    expect(loaded.warnings).toEqual([`${BASE}: configMaps.config-features["${key}"]: ${text}`]);
    expect(featuresWarnings(data)).toEqual([{ key, text }]);
  });
  it('names the key where a manifest writes it', () => {
    const base = parse(readFileSync(BASE, 'utf8')) as Record<string, unknown>;
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-features' }, data: { 'multi-container': 'on' } };
    const loaded = scenarioFromValue({ ...base, configMaps: [cm] }, BASE);
    expect(loaded.warnings).toEqual([`${BASE}: configMaps[0].data["multi-container"]: "on" is not enabled, allowed or disabled: Knative ignores it and keeps the default, enabled`]);
  });

  it('a misspelt init-containers key leaves the flag off, so init containers are still refused', () => {
    const e = catchScenarioError(() => loadScenario(BASE, { sets: ['configMaps.config-features["kubernetes.podspec-init-container"]=enabled', ONE_INIT] }));
    expect(e.rule).toBe(`${REFUSED} (it is disabled by default)`);
  });

  it('every key Knative reads, with each value it takes (any case), loads without a warning', () => {
    const data: Record<string, string> = { _example: 'docs' };
    for (const key of Object.keys(FEATURE_DEFAULTS)) data[key] = acceptedValues(key)[0]!.toUpperCase();
    expect(featuresWarnings(data)).toEqual([]);
    expect(Object.keys(FEATURE_DEFAULTS)).toHaveLength(33); // NewFeaturesConfigFromMap's keys
    const sets = Object.entries(data).map(([k, v]) => `configMaps.config-features["${k}"]=${v}`);
    expect(loadScenario(BASE, { sets }).warnings).toBeUndefined();
  });

  it('parses flags as Knative does: any case, nothing else', () => {
    expect(['enabled', 'Enabled', 'eNaBlEd', 'allowed', 'DISABLED', 'yes', ' enabled', ''].map((v) => parseFlag('multi-container', v))).toEqual([
      'Enabled',
      'Enabled',
      'Enabled',
      'Allowed',
      'Disabled',
      undefined,
      undefined,
      undefined,
    ]);
    expect(['AllowRootBounded', 'allowed'].map((v) => parseFlag('secure-pod-defaults', v))).toEqual(['AllowRootBounded', undefined]);
    expect(readFeatures({})).toEqual({ values: FEATURE_DEFAULTS, written: {} });
    const allowed = readFeatures({ 'kubernetes.podspec-init-containers': 'Allowed' });
    expect([allowed.values['kubernetes.podspec-init-containers'], allowed.written]).toEqual(['Allowed', { 'kubernetes.podspec-init-containers': 'Allowed' }]);
    const ignored = readFeatures({ 'kubernetes.podspec-init-containers': 'on', 'multi-container': 'on' });
    expect([ignored.values['kubernetes.podspec-init-containers'], ignored.values['multi-container']]).toEqual(['Disabled', 'Enabled']);
    expect(ignored.written).toEqual({ 'kubernetes.podspec-init-containers': 'on', 'multi-container': 'on' });
  });
});
