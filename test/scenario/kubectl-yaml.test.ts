/**
 * Plain scalars are read as kubectl reads them (go-yaml v2 through sigs.k8s.io/yaml), not as
 * YAML 1.2: a manifest then means to knsim what it means to the cluster.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseYamlOne } from '../../src/scenario/load-text.js';
import { goYamlNumber, KUBECTL_SAFE, kubectlTags } from '../../src/scenario/kubectl-yaml.js';
import { loadScenario } from '../../src/scenario/load.js';
import { Document } from 'yaml';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catchScenarioError } from './helpers.js';

const read = (scalar: string): unknown => (parseYamlOne(`v: ${scalar}\n`, 't.yaml') as { v: unknown }).v;

describe('plain scalars as go-yaml v2 resolves them', () => {
  it.each([
    // Octal with a leading 0 (file modes), and Go's other base prefixes.
    ['0644', 420],
    ['0400', 256],
    ['0o17', 15],
    ['0x1F', 31],
    ['-0x1F', -31],
    ['0b101', 5],
    ['+12', 12],
    ['-12', -12],
    ['-0', 0],
    // Underscores are dropped before the number is read.
    ['1_000', 1000],
    ['0x_ff', 255],
    // Not octal, so read as a float: still the number 8 (and 9).
    ['08', 8],
    ['09', 9],
    ['1e3', 1000],
    ['1.', 1],
    ['.5', 0.5],
    ['+.5', 0.5],
    ['-1.5e-3', -0.0015],
    ['.inf', Number.POSITIVE_INFINITY],
    ['-.Inf', Number.NEGATIVE_INFINITY],
    ['18446744073709551615', 18446744073709551615],
    // YAML 1.1 booleans.
    ['yes', true],
    ['Y', true],
    ['on', true],
    ['ON', true],
    ['True', true],
    ['no', false],
    ['n', false],
    ['Off', false],
    ['~', null],
    ['Null', null],
    ['', null],
    // Strings to go-yaml too.
    ['tRUE', 'tRUE'],
    ['yEs', 'yEs'],
    ['1e400', '1e400'],
    ['0x', '0x'],
    ['0b102', '0b102'],
    ['1:30', '1:30'],
    ['2024-01-01', '2024-01-01'],
    ['10.0.0.1', '10.0.0.1'],
    ['100m', '100m'],
    ['1.5Gi', '1.5Gi'],
    ['.', '.'],
    ['.5_0', '.5_0'],
    ['0573e07d', '0573e07d'],
    // Quoted, everything stays a string.
    ['"0644"', '0644'],
    ["'yes'", 'yes'],
  ])('%s → %o', (scalar, want) => {
    const v = read(scalar);
    if (Number.isNaN(want as number)) expect(Number.isNaN(v)).toBe(true);
    else expect(v).toStrictEqual(want);
  });

  it('.nan is not a number', () => {
    expect(Number.isNaN(read('.nan'))).toBe(true);
    expect(goYamlNumber('.NaN')).toBeNaN();
  });

  it('keys too: y and n are the keys "true" and "false" (the Norway problem, as kubectl has it)', () => {
    expect(parseYamlOne('y: 1\nn: 2\nb: 3\n', 't.yaml')).toEqual({ true: 1, false: 2, b: 3 });
  });

  it('explicit tags still work', () => {
    expect(parse('a: !!str 0644\nb: !!float 5\nc: !!int 0644\nd: !!bool yes\n', { customTags: kubectlTags })).toEqual({ a: '0644', b: 5, c: 420, d: true });
    expect(parse('a: !!int "5"\nb: !!null ~\nc: !!float 1_000\nd: !!bool "off"\n', { customTags: kubectlTags })).toEqual({ a: 5, b: null, c: 1000, d: false });
  });

  // go-yaml v2 fails on a tag its value does not fit ("cannot decode !!str `30s` as a !!int"), so
  // kubectl refuses the file; knsim read `!!int 30s` as "30s" and `!!bool maybe` as "maybe".
  it.each([
    ['!!int 30s', 'cannot decode !!str "30s" as a !!int'],
    ['!!int 1.5', 'cannot decode !!float "1.5" as a !!int'],
    ['!!int 99999999999999999999', 'cannot decode !!float "99999999999999999999" as a !!int'],
    ['!!float abc', 'cannot decode !!str "abc" as a !!float'],
    ['!!bool maybe', 'cannot decode !!str "maybe" as a !!bool'],
    ['!!bool 1', 'cannot decode !!int "1" as a !!bool'],
    ['!!null x', 'cannot decode !!str "x" as a !!null'],
  ])('a: %s is refused at its line: %s', (value, rule) => {
    expect(() => parseYamlOne(`x: 1\na: ${value}\n`, 't.yaml')).toThrow(`t.yaml: line 2, column 4: invalid YAML: ${rule}: kubectl refuses it (the tag must fit the value)`);
  });
});

describe('in a scenario', () => {
  it('a secret volume with defaultMode: 0644 loads (420, inside 0–0777), where YAML 1.2 read 644 and refused it', () => {
    const sets = [
      'services[0].manifest.spec.template.spec.volumes=[{name: tls, secret: {secretName: tls, defaultMode: 0644}}]',
      'services[0].manifest.spec.template.spec.containers[0].volumeMounts=[{name: tls, mountPath: /etc/tls, readOnly: true}]',
    ];
    expect(() => loadScenario('test/fixtures/base.yaml', { sets })).not.toThrow();
  });

  it('enableServiceLinks: yes is true, as kubectl sends it', () => {
    const loaded = loadScenario('test/fixtures/base.yaml', { sets: ['services[0].manifest.spec.template.spec.enableServiceLinks=yes'] });
    expect(loaded.world.services[0]!.name).toBe('hello');
  });

  it('an env: whose entries are all commented out is YAML\'s null, which the API server drops: no env (knsim refused it as "expected a list")', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-null-env-'));
    try {
      const file = join(dir, 's.yaml');
      writeFileSync(
        file,
        `name: null-env
duration: 10s
services:
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: hello }
      spec:
        template:
          spec:
            containers:
              - image: registry.example.com/hello:1
                env:
                #  - name: GREETING
                #    value: hi
                ports:
    initialPods: 1
clients:
  - { name: c, service: hello, open: { rps: 1 } }
`,
      );
      const loaded = loadScenario(file);
      expect(loaded.world.services[0]!.name).toBe('hello');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('series: no is false; a word that is no boolean to kubectl either is refused', () => {
    expect(loadScenario('test/fixtures/base.yaml', { sets: ['series=no'] }).series).toBe(false);
    expect(catchScenarioError(() => loadScenario('test/fixtures/base.yaml', { sets: ['series=nope'] })).rule).toBe('expected a boolean, got the string "nope"');
  });
});

describe('YAML knsim writes for kubectl', () => {
  it('quotes every string kubectl would read as something else', () => {
    const value = { a: 'yes', b: '0644', c: '1_000', d: 'on', e: 'y', f: '08', g: '1e3', h: 'plain', i: 2, j: true };
    const text = new Document(value, KUBECTL_SAFE).toString();
    expect(parse(text, { customTags: kubectlTags })).toEqual(value);
    expect(text).toContain('h: plain\n');
  });
});
