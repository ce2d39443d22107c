import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadScenario, scenarioFromValue } from '../../src/scenario/load.js';
import { checkWork } from '../../src/scenario/work-estimate.js';
import { catchScenarioError, fixture } from './helpers.js';

/** test/fixtures/base.yaml with `extra` merged in at the top level. */
function scenario(extra: Record<string, unknown>): Record<string, unknown> {
  return { ...(parse(readFileSync(fixture('base.yaml'), 'utf8')) as Record<string, unknown>), ...extra };
}

/** A scenario "in" test/fixtures/configmaps, so configMapFiles resolve against it. */
const SCENARIO = fixture('configmaps', 'scenario.yaml');
const load = (extra: Record<string, unknown>) => scenarioFromValue(scenario(extra), SCENARIO);

/** The one manifest of a fixture, as an object to paste inline. */
const manifestOf = (name: string): Record<string, unknown> => parse(readFileSync(fixture('configmaps', name), 'utf8')) as Record<string, unknown>;

const cm = (name: string, data: unknown, more: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'knative-serving' },
  data,
  ...more,
});

describe('ConfigMaps as kubectl prints them: values resolved', () => {
  it('one ConfigMap by file (kubectl get cm config-autoscaler -o yaml): its data, _example ignored', () => {
    const a = load({ configMapFiles: ['config-autoscaler.yaml'] }).world.autoscalerConfig;
    expect(a.stableWindowSeconds).toBe(30);
    expect(a.scaleToZeroGracePeriodSeconds).toBe(45);
    expect(a.containerConcurrencyTargetFraction).toBe(0.8);
    // Everything else keeps Knative's defaults, not the values shown under _example.
    expect(a.enableScaleToZero).toBe(true);
    expect(a.maxScaleUpRate).toBe(1000);
  });

  it('the same manifest pasted inline in configMaps: [...] reads the same', () => {
    const a = load({ configMaps: [manifestOf('config-autoscaler.yaml')] }).world.autoscalerConfig;
    expect([a.stableWindowSeconds, a.scaleToZeroGracePeriodSeconds, a.containerConcurrencyTargetFraction]).toEqual([30, 45, 0.8]);
  });

  it('a kind: List of the whole namespace: the ConfigMaps knsim reads, the rest skipped', () => {
    const w = load({ configMapFiles: ['knative-serving.yaml'] }).world;
    expect(w.autoscalerConfig.stableWindowSeconds).toBe(120);
    expect(w.autoscalerConfig.maxScaleUpRate).toBe(5);
    const [svc] = w.services;
    const [rev] = svc!.revisions;
    // config-defaults: container-concurrency 25, revision-timeout-seconds 120.
    expect([rev!.containerConcurrency, rev!.timeoutSeconds]).toEqual([25, 120]);
    // config-deployment: progress-deadline 300s; config-network: rollout-duration 90.
    expect(rev!.autoscaling.progressDeadlineSeconds).toBe(300);
    expect(svc!.rolloutDurationSeconds).toBe(90);
  });

  it('a kind: List pasted inline reads the same as the file', () => {
    const w = load({ configMaps: [manifestOf('knative-serving.yaml')] }).world;
    expect([w.autoscalerConfig.stableWindowSeconds, w.services[0]!.rolloutDurationSeconds]).toEqual([120, 90]);
  });

  it("a ConfigMapList (the API's own list, items without kind) reads like a List", () => {
    const w = load({ configMaps: [{ apiVersion: 'v1', kind: 'ConfigMapList', items: [{ metadata: { name: 'config-autoscaler' }, data: { 'stable-window': '45s' } }] }] }).world;
    expect(w.autoscalerConfig.stableWindowSeconds).toBe(45);
  });

  it('a file of several documents: the ConfigMaps knsim reads, other kinds and names skipped', () => {
    const w = load({ configMapFiles: ['several-documents.yaml'] }).world;
    expect(w.autoscalerConfig.enableScaleToZero).toBe(false);
    expect(w.autoscalerConfig.initialScale).toBe(2);
    expect(w.services[0]!.rolloutDurationSeconds).toBe(45);
  });

  it('a file and inline manifests of other ConfigMaps combine', () => {
    const inline = load({ configMapFiles: ['config-autoscaler.yaml'], configMaps: [cm('config-network', { 'rollout-duration': '20' })] }).world;
    expect([inline.autoscalerConfig.stableWindowSeconds, inline.services[0]!.rolloutDurationSeconds]).toEqual([30, 20]);
  });

  it('bare data alongside files is set over their data key by key, like a kubectl patch (so --set and sweeps work)', () => {
    const w = load({ configMapFiles: ['knative-serving.yaml'], configMaps: { 'config-autoscaler': { 'stable-window': '90s' } } }).world;
    expect(w.autoscalerConfig.stableWindowSeconds).toBe(90);
    expect(w.autoscalerConfig.maxScaleUpRate).toBe(5); // from the file, untouched
  });

  it('a --set on configMaps.<name>.<key> patches a ConfigMap read from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-cm-'));
    try {
      writeFileSync(join(dir, 'cms.yaml'), readFileSync(fixture('configmaps', 'config-autoscaler.yaml')));
      writeFileSync(join(dir, 's.yaml'), `${readFileSync(fixture('base.yaml'), 'utf8')}configMapFiles: [cms.yaml]\n`);
      const w = loadScenario(join(dir, 's.yaml'), { sets: ['configMaps.config-autoscaler.stable-window=10s'] }).world;
      expect([w.autoscalerConfig.stableWindowSeconds, w.autoscalerConfig.scaleToZeroGracePeriodSeconds]).toEqual([10, 45]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the bare form keeps accepting YAML numbers and booleans', () => {
    const a = load({ configMaps: { 'config-autoscaler': { 'container-concurrency-target-percentage': 70, 'enable-scale-to-zero': false } } }).world.autoscalerConfig;
    expect([a.containerConcurrencyTargetFraction, a.enableScaleToZero]).toEqual([0.7, false]);
  });

  it('an empty data (data: {}) gives Knative defaults', () => {
    expect(load({ configMaps: [cm('config-autoscaler', {})] }).world.autoscalerConfig.stableWindowSeconds).toBe(60);
  });

  it('no data, as kubectl prints an empty ConfigMap, or a null one, gives Knative defaults', () => {
    // The API server takes a ConfigMap without data; knsim refused it ("required field is missing").
    const bare = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-autoscaler', namespace: 'knative-serving', uid: 'a1', resourceVersion: '7' } };
    for (const m of [bare, { ...bare, data: null }]) {
      expect(load({ configMaps: [m] }).world.autoscalerConfig.stableWindowSeconds).toBe(60);
    }
    // binaryData alone is a ConfigMap too.
    expect(load({ configMaps: [{ ...bare, binaryData: { blob: 'AAE=' } }] }).world.autoscalerConfig.stableWindowSeconds).toBe(60);
  });
});

describe('ConfigMap manifests Kubernetes or knsim would refuse: one-line errors naming file and field path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-cm-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return name;
  };
  const inDir = (extra: Record<string, unknown>) => scenarioFromValue(scenario(extra), join(dir, 's.yaml'));
  const S = join(dir, 's.yaml');

  const inline: Array<{ what: string; configMaps: unknown[]; path: string; rule: RegExp }> = [
    { what: 'a wrong kind', configMaps: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'activator' } }], path: 'configMaps[0].kind', rule: /^expected kind ConfigMap \(or a List of ConfigMaps\), got the string "Deployment"$/ },
    { what: 'no kind', configMaps: [{ apiVersion: 'v1', metadata: { name: 'config-autoscaler' }, data: {} }], path: 'configMaps[0].kind', rule: /^required field is missing/ },
    { what: 'not an object', configMaps: ['config-autoscaler'], path: 'configMaps[0]', rule: /^expected a Kubernetes object .*got the string "config-autoscaler"$/ },
    { what: 'data that is a list', configMaps: [cm('config-autoscaler', ['stable-window=30s'])], path: 'configMaps[0].data', rule: /^expected a mapping, got a list$/ },
    { what: 'a number in data (the API server refuses it)', configMaps: [cm('config-autoscaler', { 'container-concurrency-target-percentage': 80 })], path: 'configMaps[0].data["container-concurrency-target-percentage"]', rule: /^ConfigMap data values must be strings, got the number 80 \(quote it: "80"\)$/ },
    { what: 'a boolean in data', configMaps: [cm('config-autoscaler', { 'enable-scale-to-zero': false })], path: 'configMaps[0].data["enable-scale-to-zero"]', rule: /got the boolean false \(quote it: unquoted, false, no, off or n reads as a boolean\)$/ },
    { what: 'a null in data', configMaps: [cm('config-autoscaler', { 'stable-window': null })], path: 'configMaps[0].data["stable-window"]', rule: /^ConfigMap data values must be strings, got null$/ },
    { what: 'a key Kubernetes refuses', configMaps: [cm('config-autoscaler', { 'stable window': '30s' })], path: 'configMaps[0].data["stable window"]', rule: /^a ConfigMap key must consist of alphanumeric characters/ },
    // IsConfigMapKey also refuses the names a mounted key could not be a file under.
    { what: "a key starting with '..'", configMaps: [cm('config-autoscaler', { '..stable-window': '30s' })], path: 'configMaps[0].data["..stable-window"]', rule: /^a ConfigMap key must not start with '\.\.'$/ },
    { what: "the key '.'", configMaps: [cm('config-network', { '.': '1' })], path: 'configMaps[0].data["."]', rule: /^a ConfigMap key must not be '\.'$/ },
    { what: "the binaryData key '..'", configMaps: [cm('config-network', {}, { binaryData: { '..': 'AAAA' } })], path: 'configMaps[0].binaryData[".."]', rule: /^a ConfigMap key must not be '\.\.'$/ },
    { what: 'a field a ConfigMap does not have (data misspelt)', configMaps: [{ ...cm('config-autoscaler', {}), Data: { 'stable-window': '30s' } }], path: 'configMaps[0].Data', rule: /^unknown field \(a ConfigMap has apiVersion, kind, metadata, data, binaryData, immutable\)$/ },
    { what: 'a wrong apiVersion', configMaps: [cm('config-autoscaler', {}, { apiVersion: 'v2' })], path: 'configMaps[0].apiVersion', rule: /^must be "v1" for a ConfigMap, got the string "v2"$/ },
    { what: 'no name', configMaps: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'knative-serving' }, data: {} }], path: 'configMaps[0].metadata.name', rule: /^required field is missing$/ },
    { what: 'a name knsim does not read, given explicitly', configMaps: [cm('config-logging', {})], path: 'configMaps[0].metadata.name', rule: /^unknown ConfigMap "config-logging" \(knsim reads config-autoscaler, config-deployment, config-defaults, config-network, config-features, config-observability\)$/ },
    { what: 'a name given twice', configMaps: [cm('config-autoscaler', {}), cm('config-autoscaler', { 'stable-window': '30s' })], path: 'configMaps[1].metadata.name', rule: /^ConfigMap config-autoscaler is given twice \(also .*s\.yaml configMaps\[0\]\); give each ConfigMap once$/ },
    { what: 'ConfigMaps of two namespaces', configMaps: [cm('config-autoscaler', {}), { ...cm('config-network', {}), metadata: { name: 'config-network', namespace: 'default' } }], path: 'configMaps[1].metadata.namespace', rule: /^config-network is in namespace "default" but config-autoscaler .* is in "knative-serving": Knative Serving reads all its ConfigMaps from its one system namespace$/ },
    { what: 'a bad item in a List', configMaps: [{ apiVersion: 'v1', kind: 'List', items: [cm('config-logging', {}), cm('config-autoscaler', { 'stable-window': '5s' })] }], path: 'configMaps[0].items[1].data["stable-window"]', rule: /^must be in the \[6s, 3600s\] range$/ },
    { what: 'a value Knative refuses', configMaps: [cm('config-defaults', { 'container-concurrency': '2000' })], path: 'configMaps[0].data["container-concurrency"]', rule: /^expected 0 <= 2000 <= 1000$/ },
    // binaryData as the API server decodes it (a []byte: base64); knsim took anything there.
    { what: 'binaryData that is not base64', configMaps: [cm('config-network', {}, { binaryData: { blob: '!!!' } })], path: 'configMaps[0].binaryData["blob"]', rule: /^binaryData values must be base64 text \(the bytes, encoded\), got the string "!!!": the API server refuses it$/ },
    { what: 'binaryData without its padding', configMaps: [cm('config-network', {}, { binaryData: { blob: 'AAA' } })], path: 'configMaps[0].binaryData["blob"]', rule: /^binaryData values must be base64 text/ },
    { what: 'a number in binaryData', configMaps: [cm('config-network', {}, { binaryData: { blob: 5 } })], path: 'configMaps[0].binaryData["blob"]', rule: /got the number 5: the API server refuses it$/ },
    { what: 'binaryData that is a list', configMaps: [cm('config-network', {}, { binaryData: ['AAAA'] })], path: 'configMaps[0].binaryData', rule: /^expected a mapping, got a list$/ },
    { what: 'a binaryData key Kubernetes refuses', configMaps: [cm('config-network', {}, { binaryData: { 'a b': 'AAAA' } })], path: 'configMaps[0].binaryData["a b"]', rule: /^a ConfigMap key must consist of alphanumeric characters/ },
    { what: 'a key in both data and binaryData', configMaps: [cm('config-network', { 'rollout-duration': '10' }, { binaryData: { 'rollout-duration': 'AAAA' } })], path: 'configMaps[0].binaryData["rollout-duration"]', rule: /^duplicate of key present in data: the API server refuses it$/ },
    { what: 'a List whose items is not a list', configMaps: [{ apiVersion: 'v1', kind: 'List', items: { a: 1 } }], path: 'configMaps[0].items', rule: /^expected a list, got a mapping$/ },
  ];
  it.each(inline)('inline: $what → $path', ({ configMaps, path, rule }) => {
    const e = catchScenarioError(() => inDir({ configMaps }));
    expect(e.file).toBe(S);
    expect(e.path).toBe(path);
    expect(e.rule).toMatch(rule);
    expect(e.message).not.toContain('\n');
  });

  it('configMaps that is neither a mapping nor a list', () => {
    const e = catchScenarioError(() => inDir({ configMaps: 'config-autoscaler.yaml' }));
    expect([e.path, e.rule]).toEqual(['configMaps', `expected a mapping (each ConfigMap's data by name) or a list (ConfigMap manifests), got the string "config-autoscaler.yaml"`]);
  });

  it('a ConfigMap name the bare form does not know stays an error', () => {
    const e = catchScenarioError(() => inDir({ configMaps: { 'config-logging': { a: 'b' } } }));
    expect([e.path, e.rule]).toEqual(['configMaps.config-logging', 'unknown ConfigMap (knsim reads config-autoscaler, config-deployment, config-defaults, config-network, config-features, config-observability)']);
  });

  // The bare form patches the cluster's ConfigMap, and the API server checks a patched key as any
  // other: "stable window" only drew an unknown-key warning, as if the cluster held it unread.
  it.each([
    { what: 'bare data', extra: { configMaps: { 'config-autoscaler': { 'stable window': '30s' } } }, path: 'configMaps.config-autoscaler["stable window"]', rule: /^a ConfigMap key must consist of alphanumeric characters/ },
    { what: 'bare data', extra: { configMaps: { 'config-network': { '..rollout-duration': '10' } } }, path: 'configMaps.config-network["..rollout-duration"]', rule: /^a ConfigMap key must not start with '\.\.'$/ },
    { what: 'an update', extra: { updates: [{ at: '1m', configMaps: { 'config-autoscaler': { 'max scale': '3' } } }] }, path: 'updates[0].configMaps.config-autoscaler["max scale"]', rule: /^a ConfigMap key must consist of alphanumeric characters/ },
  ])('a key Kubernetes refuses in $what: $path', ({ extra, path, rule }) => {
    const e = catchScenarioError(() => inDir(extra));
    expect(e.path).toBe(path);
    expect(e.rule).toMatch(rule);
  });

  it('a bad value in a file names the file and the key under data', () => {
    const f = file('cas.yaml', readFileSync(fixture('configmaps', 'config-autoscaler.yaml'), 'utf8').replace('stable-window: 30s', 'stable-window: 61500ms'));
    const e = catchScenarioError(() => inDir({ configMapFiles: [f] }));
    expect([e.file, e.path]).toEqual([join(dir, f), 'data["stable-window"]']);
    expect(e.rule).toMatch(/^must be specified with at most second/);
  });

  it('a bad value in a kubectl List names items[i]', () => {
    const f = file('list.yaml', readFileSync(fixture('configmaps', 'knative-serving.yaml'), 'utf8').replace('rollout-duration: "90"', 'rollout-duration: 90s'));
    const e = catchScenarioError(() => inDir({ configMapFiles: [f] }));
    expect([e.file, e.path]).toEqual([join(dir, f), 'items[4].data["rollout-duration"]']);
    expect(e.rule).toBe('failed to parse "rollout-duration": invalid syntax "90s"');
  });

  it('a bad value in a file of several documents names the document', () => {
    const f = file('docs.yaml', readFileSync(fixture('configmaps', 'several-documents.yaml'), 'utf8').replace('initial-scale: "2"', 'initial-scale: "-1"'));
    const e = catchScenarioError(() => inDir({ configMapFiles: [f] }));
    expect([e.file, e.path]).toEqual([join(dir, f), 'document 1, data["initial-scale"]']);
    expect(e.message).toBe(`${join(dir, f)}: document 1, data["initial-scale"]: ${e.rule}`);
  });

  it('a number in a file’s data is refused (the bare form would take it)', () => {
    const f = file('num.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: config-network }\ndata:\n  rollout-duration: 90\n');
    const e = catchScenarioError(() => inDir({ configMapFiles: [f] }));
    expect([e.path, e.rule]).toEqual(['data["rollout-duration"]', 'ConfigMap data values must be strings, got the number 90 (quote it: "90")']);
  });

  it('a file of one ConfigMap knsim does not read is an error (it was named explicitly)', () => {
    const f = file('logging.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: config-logging, namespace: knative-serving }\ndata: { loglevel.controller: info }\n');
    const e = catchScenarioError(() => inDir({ configMapFiles: [f] }));
    expect([e.file, e.path]).toEqual([join(dir, f), 'metadata.name']);
    expect(e.rule).toMatch(/^unknown ConfigMap "config-logging"/);
  });

  it('a file holding no ConfigMap knsim reads (kubectl run in the wrong namespace) names configMapFiles[i]', () => {
    const e = catchScenarioError(() => load({ configMapFiles: ['config-autoscaler.yaml', 'other-namespace.yaml'] }));
    expect([e.file, e.path]).toEqual([SCENARIO, 'configMapFiles[1]']);
    expect(e.rule).toBe(`${fixture('configmaps', 'other-namespace.yaml')} holds no ConfigMap knsim reads (found: kube-root-ca.crt; knsim reads config-autoscaler, config-deployment, config-defaults, config-network, config-features, config-observability)`);
  });

  it('the same ConfigMap in two files is given twice', () => {
    const e = catchScenarioError(() => load({ configMapFiles: ['config-autoscaler.yaml', 'knative-serving.yaml'] }));
    expect([e.file, e.path]).toEqual([fixture('configmaps', 'knative-serving.yaml'), 'items[0].metadata.name']);
    expect(e.rule).toBe(`ConfigMap config-autoscaler is given twice (also ${fixture('configmaps', 'config-autoscaler.yaml')}); give each ConfigMap once`);
  });

  it('a file and an inline manifest of the same ConfigMap are given twice', () => {
    const e = catchScenarioError(() => load({ configMapFiles: ['config-autoscaler.yaml'], configMaps: [cm('config-autoscaler', {})] }));
    expect([e.file, e.path]).toEqual([SCENARIO, 'configMaps[0].metadata.name']);
  });

  it('a missing file', () => {
    const e = catchScenarioError(() => load({ configMapFiles: ['nope.yaml'] }));
    expect([e.file, e.path, e.rule]).toEqual([SCENARIO, 'configMapFiles[0]', `cannot read "${fixture('configmaps', 'nope.yaml')}": no such file or directory`]);
  });

  it('bad YAML in a file names its line', () => {
    const f = file('bad.yaml', 'apiVersion: v1\nkind: ConfigMap\ndata: {a: 1\n');
    const e = catchScenarioError(() => inDir({ configMapFiles: [f] }));
    expect(e.file).toBe(join(dir, f));
    expect(e.path).toMatch(/^line \d+, column \d+$/);
  });

  it('a patch key over a file: an error names the scenario, where the key was written', () => {
    const e = catchScenarioError(() => load({ configMapFiles: ['config-autoscaler.yaml'], configMaps: { 'config-autoscaler': { 'stable-window': '2h' } } }));
    expect([e.file, e.path]).toEqual([SCENARIO, 'configMaps.config-autoscaler["stable-window"]']);
  });

  // Kubernetes' ValidateConfigMap: data and binaryData values (binaryData decoded, keys not counted) at most 1 MiB.
  // knsim took any size.
  describe('the 1 MiB ConfigMap size limit', () => {
    const MiB = 1024 * 1024;
    const TOO_BIG = (bytes: number) => `the ConfigMap's values hold ${bytes} bytes, more than Kubernetes' limit of 1048576 (1 MiB): the API server refuses it`;
    it('a manifest whose _example alone passes 1 MiB (Knative never reads it, Kubernetes still counts it)', () => {
      const e = catchScenarioError(() => inDir({ configMaps: [cm('config-autoscaler', { _example: 'x'.repeat(MiB - 2), 'stable-window': '30s' })] }));
      expect([e.file, e.path, e.rule]).toEqual([S, 'configMaps[0].data', TOO_BIG(MiB + 1)]);
    });
    it('multi-byte characters count as their UTF-8 bytes', () => {
      const e = catchScenarioError(() => inDir({ configMaps: [cm('config-network', { note: 'é'.repeat(MiB / 2 + 1) })] }));
      expect([e.path, e.rule]).toEqual(['configMaps[0].data', TOO_BIG(MiB + 2)]);
    });
    it('binaryData counts decoded', () => {
      // 4 base64 characters are 3 bytes: 786432 bytes of binaryData plus 262145 of data.
      const e = catchScenarioError(() => inDir({ configMaps: [cm('config-network', { note: 'x'.repeat(MiB / 4 + 1) }, { binaryData: { blob: 'AAAA'.repeat(MiB / 4) } })] }));
      expect([e.path, e.rule]).toEqual(['configMaps[0].data', TOO_BIG(MiB + 1)]);
    });
    it('exactly 1 MiB is taken', () => {
      const w = inDir({ configMaps: [cm('config-autoscaler', { _example: 'x'.repeat(MiB - 3), 'stable-window': '3m' })] }).world;
      expect(w.autoscalerConfig.stableWindowSeconds).toBe(180);
    });
    it('bare data over a manifest: the ConfigMap the cluster would hold, named where the bare data is written', () => {
      const e = catchScenarioError(() =>
        inDir({ configMaps: { 'config-autoscaler': { note: 'x'.repeat(10) } }, configMapFiles: [file('big.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: config-autoscaler }\ndata: { _example: ${'y'.repeat(MiB - 5)} }\n`)] }),
      );
      expect([e.file, e.path, e.rule]).toEqual([S, 'configMaps.config-autoscaler', TOO_BIG(MiB + 5)]);
    });
    it('bare data alone', () => {
      const e = catchScenarioError(() => inDir({ configMaps: { 'config-deployment': { note: 'x'.repeat(MiB + 1) } } }));
      expect([e.path, e.rule]).toEqual(['configMaps.config-deployment', TOO_BIG(MiB + 1)]);
    });
    it('a ConfigMap replaced during the run', () => {
      const e = catchScenarioError(() => inDir({ updates: [{ at: '1m', configMaps: { 'config-autoscaler': { note: 'x'.repeat(MiB + 1) } } }] }));
      expect([e.path, e.rule]).toEqual(['updates[0].configMaps.config-autoscaler', TOO_BIG(MiB + 1)]);
    });
  });

  it('the work limit blames a min-scale written in a ConfigMap file at its file and key', () => {
    const f = file('min.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: config-autoscaler }\ndata: { min-scale: "1000000" }\n');
    const e = catchScenarioError(() => checkWork(inDir({ configMapFiles: [f] })));
    expect(e.message).toBe(`${join(dir, f)}: data["min-scale"]: min-scale keeps 1000000 pods of hello-00001 exceeds the limit of 100000 pods (raise with --max-pods)`);
  });

  it('the fixtures parse as the YAML kubectl prints (one List, several documents)', () => {
    expect(manifestOf('knative-serving.yaml')['kind']).toBe('List');
    expect(parseAllDocuments(readFileSync(fixture('configmaps', 'several-documents.yaml'), 'utf8')).length).toBe(4);
  });
});

// Every ConfigMap's key warnings name the key where it is written; config-autoscaler's
// always named the bare form, configMaps.config-autoscaler["…"], wherever the key was.
describe('a warning about a ConfigMap key names where the key is written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-cm-warn-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const S = join(dir, 's.yaml');
  const inDir = (extra: Record<string, unknown>) => scenarioFromValue(scenario(extra), S);
  const KEYS = [
    { name: 'config-autoscaler', key: 'stable-windw', value: '30s', text: 'unknown config-autoscaler key, ignored (did you mean stable-window?)' },
    { name: 'config-features', key: 'multi-container', value: 'on', text: '"on" is not enabled, allowed or disabled: Knative ignores it and keeps the default, enabled' },
  ];
  const forms = KEYS.flatMap((k) => [
    { ...k, form: 'bare mapping', extra: () => ({ configMaps: { [k.name]: { [k.key]: k.value } } }), at: `${S}: configMaps.${k.name}["${k.key}"]` },
    { ...k, form: 'manifest in configMaps', extra: () => ({ configMaps: [cm('config-network', {}), cm(k.name, { [k.key]: k.value })] }), at: `${S}: configMaps[1].data["${k.key}"]` },
    {
      ...k,
      form: 'List in configMaps',
      extra: () => ({ configMaps: [{ apiVersion: 'v1', kind: 'List', items: [cm(k.name, { [k.key]: k.value })] }] }),
      at: `${S}: configMaps[0].items[0].data["${k.key}"]`,
    },
    {
      ...k,
      form: 'configMapFiles file',
      extra: () => {
        writeFileSync(join(dir, `${k.name}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${k.name}}\ndata:\n  ${k.key}: "${k.value}"\n`);
        return { configMapFiles: [`${k.name}.yaml`] };
      },
      at: `${join(dir, `${k.name}.yaml`)}: data["${k.key}"]`,
    },
    {
      ...k,
      form: 'second document of a configMapFiles file',
      extra: () => {
        const other = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-network}\ndata: {}\n';
        writeFileSync(join(dir, `docs-${k.name}.yaml`), `${other}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${k.name}}\ndata:\n  ${k.key}: "${k.value}"\n`);
        return { configMapFiles: [`docs-${k.name}.yaml`] };
      },
      at: `${join(dir, `docs-${k.name}.yaml`)}: document 2, data["${k.key}"]`,
    },
  ]);
  it.each(forms)('$name, $form', ({ extra, at, text }) => {
    expect(inDir(extra()).warnings).toEqual([`${at}: ${text}`]);
  });
});
