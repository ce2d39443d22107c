/**
 * What the API server refuses in a template's secret, configMap and projected volumes when
 * Knative creates the revision's Deployment (Kubernetes 1.35 pkg/apis/core/validation:
 * validateSecretVolumeSource, validateConfigMapVolumeSource, validateKeyToPath,
 * validateProjectedVolumeSource, validateProjectionSources, validateDownwardAPIVolumeFile).
 * Knative's webhook takes every refused template below, and knsim simulated a revision that
 * never gets a pod.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runKnsim } from '../support/cli.js';
import { fixture } from './helpers.js';

const BASE = fixture('base.yaml');
const SPEC = 'services[0].manifest.spec.template.spec';
const DEPLOYMENT = ", so Kubernetes refuses the revision's Deployment (Knative takes the template, but the revision never gets a pod)";

/** One volume `v`, mounted readOnly by the one container. */
const volume = (v: string): string[] => [`${SPEC}.volumes=[{name: v, ${v}}]`, `${SPEC}.containers=[{image: "hello:1", volumeMounts: [{name: v, mountPath: /v, readOnly: true}]}]`];
const projected = (sources: string, more = ''): string[] => volume(`projected: {${more}sources: [${sources}]}`);
const downward = (...items: string[]): string[] => projected(`{downwardAPI: {items: [${items.join(', ')}]}}`);
const VOLUME_FIELDS = '"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"';

const run = (sets: string[]) => runKnsim(['run', BASE, '--no-report', '--out', '/tmp/knsim-volume-sources-never-written', ...sets.flatMap((s) => ['--set', s])]);
/** The one line the CLI prints (ScenarioError caps it as the CLI does). */
const line = (at: string, rule: string): string => `knsim: ${new ScenarioError(BASE, `${SPEC}.${at}`, `${rule}${DEPLOYMENT}`).message}`;

const MODE = 'must be a number between 0 and 0777 (octal), both inclusive';

describe("the API server refuses the revision's Deployment for its volume sources", () => {
  it.each([
    // The object a volume shows: required by validateSecretVolumeSource and validateConfigMapVolumeSource.
    { what: 'a secret volume without secretName', sets: volume('secret: {optional: true}'), at: 'volumes[0].secret.secretName', rule: 'Required value (a secret volume names its Secret)' },
    { what: 'a configMap volume without a name', sets: volume('configMap: {items: [{key: k, path: p}]}'), at: 'volumes[0].configMap.name', rule: 'Required value (a configMap volume names its ConfigMap)' },
    // File modes: 0 to 0777.
    { what: 'a secret defaultMode of 1000', sets: volume('secret: {secretName: s, defaultMode: 1000}'), at: 'volumes[0].secret.defaultMode', rule: `Invalid value: 1000: ${MODE}` },
    // Without its leading 0, 644 is decimal to kubectl too: out of range.
    { what: 'a secret defaultMode of 644 (decimal)', sets: volume('secret: {secretName: s, defaultMode: 644}'), at: 'volumes[0].secret.defaultMode', rule: `Invalid value: 644: ${MODE}` },
    { what: 'a configMap defaultMode of 0o1777 (1023)', sets: volume('configMap: {name: c, defaultMode: 0o1777}'), at: 'volumes[0].configMap.defaultMode', rule: `Invalid value: 1023: ${MODE}` },
    { what: 'a configMap item mode of -1', sets: volume('configMap: {name: c, items: [{key: k, path: p, mode: -1}]}'), at: 'volumes[0].configMap.items[0].mode', rule: `Invalid value: -1: ${MODE}` },
    { what: 'a secret item mode of 999', sets: volume('secret: {secretName: s, items: [{key: k, path: p, mode: 999}]}'), at: 'volumes[0].secret.items[0].mode', rule: `Invalid value: 999: ${MODE}` },
    { what: 'a projected defaultMode of 800', sets: projected('{configMap: {name: c}}', 'defaultMode: 800, '), at: 'volumes[0].projected.defaultMode', rule: `Invalid value: 800: ${MODE}` },
    {
      what: 'a projected secret item mode of 4095',
      sets: projected('{secret: {name: s, items: [{key: k, path: p, mode: 4095}]}}'),
      at: 'volumes[0].projected.sources[0].secret.items[0].mode',
      rule: `Invalid value: 4095: ${MODE}`,
    },
    {
      what: 'a projected downwardAPI item mode of 888',
      sets: projected('{downwardAPI: {items: [{path: name, mode: 888, fieldRef: {fieldPath: metadata.name}}]}}'),
      at: 'volumes[0].projected.sources[0].downwardAPI.items[0].mode',
      rule: `Invalid value: 888: ${MODE}`,
    },
    // validateDownwardAPIVolumeFile: what a file may show.
    {
      what: 'a downwardAPI file of spec.nodeName',
      sets: downward('{path: node, fieldRef: {fieldPath: spec.nodeName}}'),
      at: 'volumes[0].projected.sources[0].downwardAPI.items[0].fieldRef.fieldPath',
      rule: `Unsupported value: "spec.nodeName": supported values: ${VOLUME_FIELDS}`,
    },
    {
      what: 'a downwardAPI file of a misspelt field',
      sets: downward('{path: name, fieldRef: {fieldPath: metadata.nam}}'),
      at: 'volumes[0].projected.sources[0].downwardAPI.items[0].fieldRef.fieldPath',
      rule: 'Invalid value: "metadata.nam": error converting fieldPath: field label not supported: metadata.nam',
    },
    {
      what: 'a downwardAPI file of a subscripted name',
      sets: downward(`{path: name, fieldRef: {fieldPath: "metadata.name['x']"}}`),
      at: 'volumes[0].projected.sources[0].downwardAPI.items[0].fieldRef.fieldPath',
      rule: `Invalid value: "metadata.name['x']": error converting fieldPath: field label does not support subscript: metadata.name['x']`,
    },
    {
      what: 'a downwardAPI file of a label key that is not a qualified name',
      sets: downward(`{path: app, fieldRef: {fieldPath: "metadata.labels['-app']"}}`),
      at: 'volumes[0].projected.sources[0].downwardAPI.items[0].fieldRef',
      rule: `Invalid value: "-app": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    },
    {
      what: 'a downwardAPI file of apiVersion v2',
      sets: downward('{path: name, fieldRef: {apiVersion: v2, fieldPath: metadata.name}}'),
      at: 'volumes[0].projected.sources[0].downwardAPI.items[0].fieldRef.fieldPath',
      rule: 'Invalid value: "metadata.name": error converting fieldPath: unsupported pod version: v2',
    },
    {
      what: 'a downwardAPI resource file without a container name',
      sets: downward('{path: cpu, resourceFieldRef: {resource: limits.cpu}}'),
      at: 'volumes[0].projected.sources[0].downwardAPI.items[0].resourceFieldRef.containerName',
      rule: 'Required value (a downwardAPI file names the container whose resource it shows)',
    },
    {
      what: 'a downwardAPI file of a resource Kubernetes does not show',
      sets: downward('{path: gpu, resourceFieldRef: {containerName: user-container, resource: limits.nvidia.com/gpu}}'),
      at: 'volumes[0].projected.sources[0].downwardAPI.items[0].resourceFieldRef.resource',
      rule: 'Unsupported value: "limits.nvidia.com/gpu": supported values: "limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"',
    },
    // validateProjectionSources: no path twice across the sources (upstream shows the second source's name).
    {
      what: 'two projected sources writing one path',
      sets: projected('{configMap: {name: a, items: [{key: k, path: app.yaml}]}}, {secret: {name: b, items: [{key: k, path: app.yaml}]}}'),
      at: 'volumes[0].projected',
      rule: 'Invalid value: "b": conflicting duplicate paths (more than one item writes "app.yaml")',
    },
    {
      what: 'a downwardAPI item writing a configMap item’s path',
      sets: projected('{configMap: {name: a, items: [{key: k, path: info}]}}, {downwardAPI: {items: [{path: info, fieldRef: {fieldPath: metadata.name}}]}}'),
      at: 'volumes[0].projected',
      rule: 'Invalid value: "info": conflicting duplicate paths (more than one item writes "info")',
    },
    // A token's lifetime is listed before its path, as upstream lists them.
    {
      what: 'a token with a short lifetime at an absolute path',
      sets: projected('{serviceAccountToken: {path: /token, expirationSeconds: 60}}'),
      at: 'volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds',
      rule: 'Invalid value: 60: may not specify a duration less than 10 minutes',
    },
    // The name is listed before the mode.
    { what: 'a secret without secretName and with a bad mode', sets: volume('secret: {defaultMode: 1000}'), at: 'volumes[0].secret.secretName', rule: 'Required value (a secret volume names its Secret)' },
  ])('$what: exit 2 at $at', ({ sets, at, rule }) => {
    const r = run(sets);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([line(at, rule)]);
  });

  it('the webhook speaks first: a template both refuse is refused at the webhook field', () => {
    const r = run(volume('secret: {items: [{key: "", path: p}]}'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`knsim: ${BASE}: ${SPEC}.volumes[0].secret.items[0].key: missing field(s), so Knative refuses the template`);
  });
});

describe('volume sources Kubernetes takes', () => {
  it.each([
    { what: 'modes 0, 420 and 511', sets: volume('secret: {secretName: s, defaultMode: 420, items: [{key: a, path: a, mode: 0}, {key: b, path: b, mode: 511}]}') },
    { what: 'modes written 0o644 and 0o400', sets: volume('configMap: {name: c, defaultMode: 0o644, items: [{key: a, path: a, mode: 0o400}]}') },
    // Octal, as kubectl reads them: 420 and 493.
    { what: 'modes written 0644 and 0755', sets: volume('configMap: {name: c, defaultMode: 0644, items: [{key: a, path: a, mode: 0755}]}') },
    {
      what: 'downwardAPI files of every field a volume may show, a label, an annotation, and resources',
      sets: downward(
        '{path: a, fieldRef: {fieldPath: metadata.name}}',
        '{path: b, fieldRef: {apiVersion: v1, fieldPath: metadata.namespace}}',
        '{path: c, fieldRef: {fieldPath: metadata.uid}}',
        '{path: d, fieldRef: {fieldPath: metadata.labels}}',
        '{path: e, fieldRef: {fieldPath: metadata.annotations}}',
        `{path: f, fieldRef: {fieldPath: "metadata.labels['app.kubernetes.io/name']"}}`,
        `{path: g, fieldRef: {fieldPath: "metadata.annotations['Example.com/Owner']"}}`,
        '{path: h, resourceFieldRef: {containerName: user-container, resource: requests.memory, divisor: 1Mi}}',
        '{path: i, resourceFieldRef: {containerName: user-container, resource: limits.hugepages-2Mi}}',
      ),
    },
    {
      what: 'projected sources writing distinct paths',
      sets: projected('{configMap: {name: a, items: [{key: k, path: app.yaml}]}}, {secret: {name: b, items: [{key: k, path: tls.crt, mode: 0o400}]}}, {downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}}', 'defaultMode: 0o440, '),
    },
  ])('$what', ({ sets }) => {
    expect(loadScenario(BASE, { sets }).world.services[0]!.revisions.map((r) => r.name)).toEqual(['hello-00001']);
  });
});

describe('a template the webhook refuses never reaches its Deployment', () => {
  // The secret without secretName is the API server's (Deployment) refusal; the port name is the webhook's.
  const both = [`${SPEC}.volumes=[{name: v, secret: {optional: true}}]`, `${SPEC}.containers=[{image: "hello:1", ports: [{name: http, containerPort: 8080}], volumeMounts: [{name: v, mountPath: /v, readOnly: true}]}]`];

  it('the webhook refusal is the one reported, even when a volume comes first', () => {
    let caught: unknown;
    try {
      loadScenario(BASE, { sets: both });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ScenarioError);
    const e = caught as ScenarioError;
    expect(e.path).toBe(`${SPEC}.containers[0].ports[0].name`);
    expect(e.rule).toMatch(/so Knative refuses the template$/);
  });

  it('with the port fixed, the Deployment refusal follows', () => {
    const r = run([both[0]!, `${SPEC}.containers=[{image: "hello:1", ports: [{containerPort: 8080}], volumeMounts: [{name: v, mountPath: /v, readOnly: true}]}]`]);
    expect(r.stderr).toBe(`${line('volumes[0].secret.secretName', 'Required value (a secret volume names its Secret)')}\n`);
    expect(r.code).toBe(2);
  });
});
