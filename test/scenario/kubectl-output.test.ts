/**
 * What `kubectl get ksvc -o yaml` (or `-o json`, or `-A` for every namespace) prints, taken as a
 * manifest: the spec as Knative stored it, read as `kubectl apply` of that file would read it, and
 * the server-set fields (status, uid, managedFields, the last-applied annotation) left alone.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadScenario, scenarioFromValue } from '../../src/scenario/load.js';
import { catchScenarioError, fixture } from './helpers.js';

const BASE = fixture('base.yaml');
const GET = 'manifests/kubectl-get-ksvc.yaml';
const ALL = 'manifests/kubectl-get-ksvc-all.json';
const CLIENTS = [{ name: 'load', service: 'hello', open: { rps: 1 } }];

/** A scenario in test/fixtures (so manifestFile paths are relative to it) with these services. */
const load = (services: unknown[]) => scenarioFromValue({ name: 'kubectl', duration: '5m', services, clients: CLIENTS }, fixture('kubectl.yaml'));

describe('kubectl get ksvc output as a manifest', () => {
  it('reads the spec of `kubectl get ksvc hello -o yaml` and ignores status and the server-set metadata', () => {
    const w = load([{ manifestFile: GET }]).world;
    const r = w.services[0]!.revisions;
    expect(r.map((x) => x.name)).toEqual(['hello-00001']);
    // spec.template's target annotation, 10 × 70 %.
    expect(r[0]!.autoscaling.deciderSpec.targetValue).toBeCloseTo(7, 10);
    expect(r[0]!.timeoutSeconds).toBe(300);
  });

  it('an update with the template kubectl printed (creationTimestamp: null and Knative\'s defaults) creates no revision', () => {
    // Go writes a zero creationTimestamp as null and reads null back as zero: the template is unchanged.
    // knsim counted the null as a field and rolled hello-00002.
    const printed = (parse(readFileSync(fixture(GET), 'utf8')) as { spec: { template: Record<string, unknown> } }).spec.template;
    expect((printed['metadata'] as Record<string, unknown>)['creationTimestamp']).toBeNull();
    const written = { metadata: { annotations: { 'autoscaling.knative.dev/target': '10' } }, spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:latest', ports: [{ containerPort: 8080 }] }] } };
    const manifest = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello' }, spec: { template: written } };
    const w = load([{ manifest, updates: [{ at: 60, template: printed }] }]).world;
    expect(w.services[0]!.revisions.map((x) => x.name)).toEqual(['hello-00001']);
    // A real change still makes one.
    const changed = structuredClone(printed) as { spec: { containerConcurrency: number } };
    changed.spec.containerConcurrency = 3;
    expect(load([{ manifest, updates: [{ at: 60, template: changed }] }]).world.services[0]!.revisions.map((x) => x.name)).toEqual(['hello-00001', 'hello-00002']);
  });

  it('`kubectl get ksvc -A -o json`: manifestNamespace picks between two Services of one name', () => {
    const w = load([{ manifestFile: ALL, manifestName: 'hello', manifestNamespace: 'team-b' }]).world;
    // team-b's hello has containerConcurrency 5; default's has 0.
    expect(w.services[0]!.revisions[0]!.containerConcurrency).toBe(5);
    expect(load([{ manifestFile: ALL, manifestName: 'hello', manifestNamespace: 'default' }]).world.services[0]!.revisions[0]!.containerConcurrency).toBe(0);
    // A Service without a namespace is in kubectl's default one.
    expect(load([{ manifestFile: 'manifests/hello.yaml', manifestNamespace: 'default' }]).world.services[0]!.name).toBe('hello');
  });

  it("the API's own ServiceList (`kubectl get --raw …/services`), whose items leave kind and apiVersion out", () => {
    const list = JSON.parse(readFileSync(fixture(ALL), 'utf8')) as { items: Array<Record<string, unknown>> };
    const items = list.items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
    const file = join(mkdtempSync(join(tmpdir(), 'knsim-servicelist-')), 'services.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'serving.knative.dev/v1', kind: 'ServiceList', metadata: { resourceVersion: '1' }, items }));
    // knsim found no Service in it ("no document with kind: Service").
    const w = load([{ manifestFile: file, manifestName: 'hello', manifestNamespace: 'team-b' }]).world;
    expect(w.services[0]!.revisions[0]!.containerConcurrency).toBe(5);
  });

  it.each([
    {
      // knsim took the first "hello" in the file, silently.
      what: 'a name two namespaces hold, without manifestNamespace',
      entry: { manifestFile: ALL, manifestName: 'hello' },
      path: 'services[0].manifestName',
      rule: `${fixture(ALL)} holds several Services named "hello" (default/hello, team-b/hello); pick one with manifestNamespace`,
    },
    {
      what: 'no manifestName in a file of several namespaces',
      entry: { manifestFile: ALL },
      path: 'services[0].manifestFile',
      rule: `${fixture(ALL)} holds several Services (default/hello, default/other, team-b/hello); pick one with manifestName`,
    },
    {
      what: 'a namespace the file does not hold',
      entry: { manifestFile: ALL, manifestNamespace: 'team-c' },
      path: 'services[0].manifestNamespace',
      rule: `no Service in namespace "team-c" in ${fixture(ALL)} (found: default/hello, default/other, team-b/hello)`,
    },
    {
      what: 'a name the namespace does not hold',
      entry: { manifestFile: ALL, manifestName: 'other', manifestNamespace: 'team-b' },
      path: 'services[0].manifestName',
      rule: `no Service named "other" in namespace "team-b" in ${fixture(ALL)} (found: team-b/hello)`,
    },
    {
      what: 'manifestNamespace with an inline manifest',
      entry: { manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello' } }, manifestNamespace: 'default' },
      path: 'services[0].manifestNamespace',
      rule: 'only allowed with manifestFile',
    },
  ])('refuses $what', ({ entry, path, rule }) => {
    const e = catchScenarioError(() => load([entry]));
    expect(e.file).toBe(fixture('kubectl.yaml'));
    expect(e.path).toBe(path);
    expect(e.rule).toBe(rule);
  });

  it('two Services of one name in two namespaces: Knative takes them, knsim says why it does not', () => {
    const e = catchScenarioError(() =>
      load([
        { manifestFile: ALL, manifestName: 'hello', manifestNamespace: 'default' },
        { manifestFile: ALL, manifestName: 'hello', manifestNamespace: 'team-b' },
      ]),
    );
    expect(e.file).toBe(fixture(ALL));
    expect(e.path).toBe('items[2].metadata.name');
    expect(e.rule).toBe(
      'a Service named "hello" is also services[0] (namespace default, this one team-b): Knative allows that, but knsim tells Services apart by name alone, as clients and outputs name them; rename one',
    );
  });

  it('refuses a namespace the API server refuses', () => {
    // ValidateNamespaceName: a DNS-1123 label. knsim ran the Service.
    const e = catchScenarioError(() => loadScenario(BASE, { sets: ['services[0].manifest.metadata.namespace=Team_B'] }));
    expect(e.path).toBe('services[0].manifest.metadata.namespace');
    expect(e.rule).toMatch(/^invalid value "Team_B": not a namespace name, so the API server refuses it: a lowercase RFC 1123 label must consist of/);
    expect(loadScenario(BASE, { sets: ['services[0].manifest.metadata.namespace=team-b'] }).world.services[0]!.name).toBe('hello');
  });

  it('errors and warnings in a file of several documents name the document, as in ConfigMap files', () => {
    // knsim printed `spec.template…` alone, which each document of the file has.
    const dir = mkdtempSync(join(tmpdir(), 'knsim-kubectl-'));
    const doc = (name: string, annotations: string) =>
      `apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  template:\n    metadata:\n      annotations: {${annotations}}\n    spec:\n      containers: [{image: "hello:1"}]\n`;
    const file = join(dir, 'ksvcs.yaml');
    writeFileSync(file, `${doc('alpha', '')}---\n${doc('hello', '"autoscaling.knative.dev/targt": "5"')}---\n${doc('bad', '"autoscaling.knative.dev/target": "0"')}`);
    const loaded = scenarioFromValue({ name: 'docs', duration: '5m', services: [{ manifestFile: 'ksvcs.yaml', manifestName: 'hello' }], clients: CLIENTS }, join(dir, 's.yaml'));
    expect(loaded.warnings).toEqual([
      `${file}: document 2, spec.template.metadata.annotations["autoscaling.knative.dev/targt"]: unknown autoscaling annotation, ignored (did you mean autoscaling.knative.dev/target?)`,
    ]);
    const e = catchScenarioError(() =>
      scenarioFromValue({ name: 'docs', duration: '5m', services: [{ manifestFile: 'ksvcs.yaml', manifestName: 'bad' }], clients: [{ ...CLIENTS[0], service: 'bad' }] }, join(dir, 's.yaml')),
    );
    expect(e.file).toBe(file);
    expect(e.path).toBe('document 3, spec.template.metadata.annotations["autoscaling.knative.dev/target"]');
    expect(e.rule).toBe('target should be at least 0.01');
  });

  it('a manifest or ConfigMap file in UTF-16 with a byte order mark, as Windows PowerShell\'s > writes kubectl\'s output, reads as kubectl reads it', () => {
    // cli-runtime's file visitor decodes UTF-16 after its BOM; knsim refused it ("save it as UTF-8 text").
    const dir = mkdtempSync(join(tmpdir(), 'knsim-kubectl-'));
    const utf16le = (t: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]);
    const utf16be = (t: string): Buffer => {
      const le = Buffer.from(t, 'utf16le');
      return Buffer.concat([Buffer.from([0xfe, 0xff]), le.swap16()]);
    };
    writeFileSync(join(dir, 'hello.yaml'), utf16le(readFileSync(fixture(GET), 'utf8')));
    writeFileSync(join(dir, 'cm.yaml'), utf16be('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-autoscaler, namespace: knative-serving}\ndata: {stable-window: 30s}\n'));
    const w = scenarioFromValue({ name: 'ps', duration: '5m', configMapFiles: ['cm.yaml'], services: [{ manifestFile: 'hello.yaml' }], clients: CLIENTS }, join(dir, 's.yaml')).world;
    expect(w.services[0]!.revisions[0]!.autoscaling.deciderSpec.targetValue).toBeCloseTo(7, 10);
    expect(w.autoscalerConfig.stableWindowSeconds).toBe(30);
    // A BOM and then no UTF-16 (an odd number of bytes) is one line naming the file.
    writeFileSync(join(dir, 'cut.yaml'), Buffer.from([0xff, 0xfe, 0x61, 0x00, 0x62]));
    const e = catchScenarioError(() => scenarioFromValue({ name: 'ps', duration: '5m', services: [{ manifestFile: 'cut.yaml' }], clients: CLIENTS }, join(dir, 's.yaml')));
    expect(e.message).toBe(`${join(dir, 'cut.yaml')}: invalid UTF-16LE: the file starts with a UTF-16 byte order mark but is not UTF-16 text (an odd length or a lone surrogate): save it as UTF-8 text`);
  });
});
