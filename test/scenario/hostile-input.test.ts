/** Hostile but short inputs: huge echoed values, alias bombs, __proto__ keys, bad UTF-8, absurd nesting and numbers. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError, quote } from '../../src/scenario/errors.js';
import { firstInvalidUtf8, loadScenario, MAX_TEXT_FILE_BYTES, scenarioFromValue } from '../../src/scenario/load.js';
import { TINY_MANIFEST, tinyScenario } from '../support/tiny-scenario.js';
import { catchScenarioError, SCENARIOS } from './helpers.js';
import { MAX_YAML_NODES, TOO_MANY_NODES_RULE, tooManyNodesOffset } from '../../src/scenario/yaml-size.js';
import { parseSetExpression } from '../../src/scenario/set.js';

const BASE = tinyScenario('hostile', '10s', 1);

const dir = mkdtempSync(join(tmpdir(), 'knsim-hostile-'));
let n = 0;
function write(content: string | Buffer): string {
  const file = join(dir, `s${n++}.yaml`);
  writeFileSync(file, content);
  return file;
}
const load = (content: string | Buffer): ScenarioError => {
  const file = write(content);
  const err = catchScenarioError(() => loadScenario(file));
  expect(err.message.startsWith(`${file}: `)).toBe(true);
  expect(err.message).not.toMatch(/[\r\n]/);
  return err;
};

describe('echoed values are capped', () => {
  it('a 16 MB string in a number field: the rule quotes 80 characters with an ellipsis', () => {
    const big = 'x'.repeat(16 * 1024 * 1024);
    const err = catchScenarioError(() => scenarioFromValue({ ...JSON.parse('{}'), name: 'hostile', duration: '10s', services: [], clients: [{ open: { rps: big } }] }, 's.yaml'));
    expect(err.message.length).toBeLessThanOrEqual(300);
    const s = base();
    s.clients[0].open.rps = big;
    const e2 = catchScenarioError(() => scenarioFromValue(s, 's.yaml'));
    expect(e2.path).toBe('clients[0].open.rps');
    expect(e2.rule).toBe(`expected a number, got the string "${'x'.repeat(77)}…"`);
    expect(quote(big)).toHaveLength(80);
  });

  it('a long value inside any message (a Service name) is cut too, and the line stays ≤ 300 characters', () => {
    const s = base();
    s.services[0].manifest.metadata.name = 'Y'.repeat(1e6);
    const err = catchScenarioError(() => scenarioFromValue(s, 's.yaml'));
    expect(err.path).toBe('services[0].manifest.metadata.name');
    expect(err.rule.startsWith(`invalid value "${'Y'.repeat(77)}…": not a DNS-1035 label`)).toBe(true);
    expect(err.message.length).toBeLessThanOrEqual(300);
  });

  // Any rule, whatever built it (an autoscaler module's own error message, say): these overflowed
  // V8's regex stack, which the CLI reported as an internal error, or took minutes (the blanks).
  it.each([
    { what: 'a 20 MB word', rule: `x ${'a'.repeat(2e7)}`, want: `x ${'a'.repeat(79)}…` },
    { what: 'a 20 MB quoted string', rule: `x "${'a'.repeat(2e7)}" y`, want: `x "${'a'.repeat(77)}…" y` },
    { what: 'a quoted string of 5 million escapes', rule: `"${'\\n'.repeat(5e6)}"`, want: `"${'\\n'.repeat(38)}\\…"` },
    { what: '300,000 blanks', rule: `a${' '.repeat(3e5)}b`, want: `a${' '.repeat(287)}…` },
    { what: 'blanks around line breaks', rule: `a ${' \n \r\n '.repeat(1e5)} b`, want: 'a b' },
    { what: 'a short quoted string, kept', rule: 'got "abc" and "def"', want: 'got "abc" and "def"' },
    { what: 'an unclosed quote', rule: `got "${'b'.repeat(100)} c`, want: `got "${'b'.repeat(79)}… c` },
  ])('a rule holding $what is cut to one line of at most 300 characters', ({ rule, want }) => {
    const err = new ScenarioError('f.yaml', 'p', rule);
    expect(err.rule).toBe(want);
    expect(err.message).toBe(`f.yaml: p: ${want}`);
  });

  // Each requests.csv row holds the client's name and each closed-loop user's streams hash it:
  // a 2 MB name wrote a 12 GB requests.csv over 70 s of a 0.7 s run, a 2 MB randomStream took 15 s.
  it.each(['name', 'randomStream'])('a client %s of 1 MB is refused; 253 characters load', (key) => {
    const s = base();
    s.clients[0][key] = 'c'.repeat(1e6);
    const err = catchScenarioError(() => scenarioFromValue(s, 's.yaml'));
    expect(err.message).toBe(`s.yaml: clients[0].${key}: is 1000000 characters long, at most 253`);
    s.clients[0][key] = 'c'.repeat(254);
    expect(catchScenarioError(() => scenarioFromValue(s, 's.yaml')).rule).toBe('is 254 characters long, at most 253');
    s.clients[0][key] = 'c'.repeat(253);
    expect(scenarioFromValue(s, 's.yaml').world.clients[0]![key === 'name' ? 'name' : 'randomStream']).toBe('c'.repeat(253));
  });

  it('a name of 1 MB', () => {
    const err = load(BASE.replace('name: hostile', `name: ${'a'.repeat(1e6)}`));
    expect(err.path).toBe('name');
    expect(err.rule.endsWith(`got "${'a'.repeat(77)}…"`)).toBe(true);
  });
});

describe('YAML', () => {
  it('an alias bomb names the file and the line of the alias that multiplies', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) bomb.push(`${'bcdefghij'[i - 1]}: &${'bcdefghij'[i - 1]} [${Array(10).fill(`*${'abcdefghij'[i - 1]}`).join(', ')}]`);
    const err = load(`${BASE}${bomb.join('\n')}\n`);
    // BASE has 7 lines; `a` is line 8, `b` (aliases of a flat list) line 9, `c` (aliases of aliases) line 10.
    expect(err.path).toBe('line 10, column 8');
    expect(err.rule).toBe('invalid YAML: aliases expand to more than 1000 nodes (an alias bomb?); write the values out instead');
  });

  it('a few aliases are fine', () => {
    const file = write(BASE.replace('open: { rps: 1 }', 'open: { rps: &r 1 }, timeout: &t 10s') + '  - { name: more, service: hello, open: { rps: *r }, timeout: *t }\n');
    expect(loadScenario(file).world.clients.map((c) => c.timeoutSeconds)).toEqual([10, 10]);
  });

  // The scenario's top-level mapping is level 1, so `name: [[…]]` with k brackets nests k + 1 deep.
  const DEEP = 'invalid YAML: more than 100 levels of lists and mappings inside each other';
  it.each([
    // yaml's own parser overflows the stack near 1000 levels; the rule is one number below that.
    { what: '100 000 [ (a stack overflow, once)', text: `name: ${'['.repeat(100_000)}${']'.repeat(100_000)}`, path: 'line 1, column 106' },
    { what: '5000 [ never closed', text: `name: ${'['.repeat(5000)}`, path: 'line 1, column 106' },
    { what: '100 [ inside the top mapping', text: `name: ${'['.repeat(100)}${']'.repeat(100)}`, path: 'line 1, column 106' },
    { what: 'flow mappings', text: `name: ${'{a: '.repeat(200)}1${'}'.repeat(200)}`, path: 'line 1, column 403' },
    { what: 'block mappings, one per line', text: `name:\n${Array.from({ length: 120 }, (_, i) => `${' '.repeat(i + 1)}k:`).join('\n')} 1`, path: 'line 101, column 101' },
  ])('absurd nesting is refused at its line, whatever the parser would do: $what', ({ text, path }) => {
    const err = load(BASE.replace('name: hostile', text));
    expect(err.path).toBe(path);
    expect(err.rule).toBe(DEEP);
  });

  it('99 nested lists under the top mapping (100 levels) still parse, and reach the schema', () => {
    const err = load(BASE.replace('name: hostile', `name: ${'['.repeat(99)}${']'.repeat(99)}`));
    expect(err.path).toBe('name');
    expect(err.rule).not.toContain('levels');
  });

  it('a manifest file nested too deeply names that file and line', () => {
    const manifest = write(`apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: { name: hello }\nspec: ${'['.repeat(5000)}\n`);
    const file = write(BASE.replace(`manifest: ${TINY_MANIFEST}`, `manifestFile: ${manifest}`));
    const err = catchScenarioError(() => loadScenario(file));
    expect(err.message).toBe(`${manifest}: line 4, column 106: ${DEEP}`);
  });
});

describe('__proto__ keys are rejected with their path', () => {
  it.each([
    ['at the top', `${BASE}__proto__: { seed: 5 }\n`, '__proto__'],
    ['in cluster', `${BASE}cluster: { __proto__: { activators: 5 } }\n`, 'cluster.__proto__'],
    ['in an annotation map', BASE.replace('metadata: { name: hello }', 'metadata: { name: hello, annotations: { __proto__: x } }'), 'services[0].manifest.metadata.annotations["__proto__"]'],
    ['in a list item', BASE.replace('{ name: load,', '{ __proto__: 1, name: load,'), 'clients[0].__proto__'],
  ])('%s', (_what, yaml, path) => {
    const err = load(yaml);
    expect(err.path).toBe(path);
    expect(err.rule).toBe('the key "__proto__" is not allowed');
  });

  it('in a manifest file, naming that file', () => {
    const manifest = write('apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: { name: hello }\nspec: { template: { __proto__: {} } }\n');
    const file = write(BASE.replace(`manifest: ${TINY_MANIFEST}`, `manifestFile: ${manifest}`));
    const err = catchScenarioError(() => loadScenario(file));
    expect(err.message).toBe(`${manifest}: spec.template.__proto__: the key "__proto__" is not allowed`);
  });
});

describe('invalid UTF-8 is rejected with its line and byte offset', () => {
  it.each([
    ['a lone continuation byte', [0x80]],
    ['a truncated 2-byte sequence', [0xc3, 0x28]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('%s', (_what, bytes) => {
    const head = Buffer.from(BASE.replace('name: hostile\n', 'name: hostile\ndescription: "caf'));
    const err = load(Buffer.concat([head, Buffer.from(bytes), Buffer.from('"\n')]));
    const offset = head.length;
    expect(err.path).toBe(`line ${BASE.split('\n').length}`);
    expect(err.rule).toBe(`invalid UTF-8 at byte offset ${offset}: the file must be UTF-8 text`);
  });

  it('firstInvalidUtf8 accepts every well-formed sequence and finds the first bad byte', () => {
    expect(firstInvalidUtf8(Buffer.from('aé€🙂'))).toBe(Buffer.from('aé€🙂').length);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xff, 0x80]))).toBe(2);
  });

  it('a client name with a lone surrogate (from a YAML escape) is refused; a real emoji is fine', () => {
    const err = load(BASE.replace('name: load,', 'name: "load\\ud800",'));
    expect(err.path).toBe('clients[0].name');
    expect(err.rule).toBe('must be valid Unicode: it holds a lone UTF-16 surrogate (an escape such as "\\uD800")');
    expect(loadScenario(write(BASE.replace('name: load,', 'name: "load \\U0001F642",'))).world.clients[0]!.name).toBe('load 🙂');
  });

  it('a valid file with a BOM still loads', () => {
    expect(loadScenario(write(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(BASE)]))).name).toBe('hostile');
  });
});

describe('YAML past MAX_YAML_NODES nodes', () => {
  // A 4 MB file with a million numbers in an empirical distribution took 2.2 GB and 25 s before
  // anything refused it; now yaml's lexer counts nodes first and stops at the cap.
  const rule = `invalid YAML: ${TOO_MANY_NODES_RULE}`;
  const empirical = (n: number): string =>
    BASE.replace('    initialPods: 1', `    initialPods: 1\n    app: { serviceTime: { dist: empirical, values: [${Array(n).fill('0.1').join(',')}] } }`);

  it('an empirical distribution of a million values is refused at the value past the cap', () => {
    const err = load(empirical(1_000_000));
    // Line 6 is `app: { serviceTime: { dist: empirical, values: [`…; each value is 4 characters.
    const nodesBefore = 37; // BASE's first 5 lines hold 29 nodes, `app`…`values: [` 8
    expect(err.path).toBe(`line 6, column ${'    app: { serviceTime: { dist: empirical, values: ['.length + 1 + (MAX_YAML_NODES - nodesBefore) * 4}`);
    expect(err.rule).toBe(rule);
  });

  it('200,000 nodes is the cap, not one fewer', () => {
    expect(MAX_YAML_NODES).toBe(200_000);
    const text = empirical(10);
    const nodes = 37 + 10 + 11; // as above, the 10 values, then `clients`, its list and the client's 9
    expect(tooManyNodesOffset(text, nodes)).toBeUndefined();
    expect(tooManyNodesOffset(text, nodes - 1)).toBe(text.lastIndexOf('rps: 1') + 5);
  });

  it.each([
    { what: 'empty list items', text: '-\n-\n- \n', nodes: 3 },
    { what: 'null values (the last; the one before a key is not counted)', text: 'a:\nb:\n', nodes: 3 },
    { what: 'lists of lists', text: '- - - x\n', nodes: 3 },
    { what: 'documents', text: '---\n---\n---\n', nodes: 3 },
    { what: 'flow collections and quoted scalars', text: '[{}, [], "a", \'b\', *x]', nodes: 6 },
    { what: 'block scalars', text: 'a: |\n  x\n  y\nb: >-\n  z\n', nodes: 4 },
    { what: 'a plain scalar that looks like an indicator is one node', text: 'a: ":"\nb: -x\n', nodes: 4 },
  ])('counted: $what', ({ text, nodes }) => {
    expect(tooManyNodesOffset(text, nodes)).toBeUndefined();
    expect(tooManyNodesOffset(text, nodes - 1)).not.toBeUndefined();
  });

  it('a shipped scenario is far below the cap', () => {
    for (const f of ['quickstart', 'capacity-planning', 'kpa-vs-hpa', 'two-services']) {
      expect(tooManyNodesOffset(readFileSync(join(SCENARIOS, `${f}.yaml`), 'utf8'), 1000), f).toBeUndefined();
    }
  });

  it('a manifest file or ConfigMap file past the cap names that file', () => {
    const manifest = write(`apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: { name: hello }\n${'---\n'.repeat(MAX_YAML_NODES + 1)}`);
    const file = write(BASE.replace(`manifest: ${TINY_MANIFEST}`, `manifestFile: ${manifest}`));
    expect(catchScenarioError(() => loadScenario(file)).message).toBe(`${manifest}: line ${MAX_YAML_NODES - 4}, column 1: ${rule}`);
    const cm = write(`data:\n${'  -\n'.repeat(MAX_YAML_NODES + 5)}`);
    const file2 = write(`${BASE}configMapFiles: [${cm}]\n`);
    expect(catchScenarioError(() => loadScenario(file2)).message).toMatch(new RegExp(`^${cm}: line \\d+, column 3: invalid YAML: more than 200000 YAML nodes`));
  });

  it('a --set value past the cap is refused', () => {
    expect(() => parseSetExpression(`services[0].app.serviceTime={dist: empirical, values: [${Array(MAX_YAML_NODES + 1).fill('1').join(',')}]}`)).toThrow(/: invalid value: more than 200000 YAML nodes/);
  });
});

describe('duplicate keys', () => {
  // yaml's own check compared each key with every earlier one: a mapping of 100,000 label keys
  // took 135 s to load. The check is now one set per mapping.
  it('a mapping of 95,000 keys loads (it took two minutes)', { timeout: 120_000 }, () => {
    const labels = `{${Array.from({ length: 95_000 }, (_, i) => `k${i}: v`).join(', ')}}`;
    const ok = write(BASE.replace('metadata: { name: hello }', `metadata: { name: hello, labels: ${labels} }`));
    expect(loadScenario(ok).world.services[0]!.name).toBe('hello');
  });

  it('a duplicate at the end of a long mapping is found at its column', () => {
    const dup = `{${Array.from({ length: 1000 }, (_, i) => `k${i}: v`).join(', ')}, k7: w}`;
    const err = load(BASE.replace('metadata: { name: hello }', `metadata: { name: hello, labels: ${dup} }`));
    expect(err.path).toBe(`line 4, column ${'  - manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: hello, labels: '.length + dup.length - 5}`);
    expect(err.rule).toBe('invalid YAML: Map keys must be unique');
  });

  it.each([
    { what: 'a nested mapping', text: 'x:\n  a: 1\n  b: 2\n  a: 3\n', path: 'line 4, column 3' },
    { what: 'two empty keys', text: 'x: {: 1, : 2}\n', path: 'line 1, column 10' },
    { what: 'the same text quoted', text: 'x: {a: 1, "a": 2}\n', path: 'line 1, column 11' },
  ])('still refused: $what', ({ text, path }) => {
    const err = load(text);
    expect([err.path, err.rule]).toEqual([path, 'invalid YAML: Map keys must be unique']);
  });

  it('the number 1 and the string "1" are different keys, as in yaml', () => {
    const err = load('x: {1: a, "1": b}\nname: x\n');
    expect(err.path).toBe('x');
  });
});

describe('many bad values', () => {
  // An issue for each bad label overflowed the stack where zod gathers them: "internal error
  // (please report): Maximum call stack size exceeded".
  it('190,000 labels without values name the first', { timeout: 120_000 }, () => {
    const labels = `{${Array.from({ length: 190_000 }, (_, i) => `k${i}`).join(', ')}}`;
    const err = load(BASE.replace('metadata: { name: hello }', `metadata: { name: hello, labels: ${labels} }`));
    expect([err.path, err.rule]).toEqual(['services[0].manifest.metadata.labels["k0"]', 'label values must be strings, got null']);
  });

  it('190,000 negative values in an empirical distribution name the first bad one', { timeout: 120_000 }, () => {
    const values = Array.from({ length: 190_000 }, (_, i) => (i < 3 ? '1' : '-1')).join(',');
    const err = load(BASE.replace('    initialPods: 1', `    initialPods: 1\n    app: { serviceTime: { dist: empirical, values: [${values}] } }`));
    expect([err.path, err.rule]).toEqual(['services[0].app.serviceTime.values[3]', 'must not be negative']);
  });
});

describe('files past 16 MiB', () => {
  // They were read whole: `knsim run /dev/zero` (or a manifestFile of it) took memory until the
  // machine ran out. (A device is now refused by its kind: regular-file.test.ts.)
  const rule = 'larger than 16 MiB, more than any scenario, manifest or ConfigMap file needs (a trace goes in a trace file, which is streamed)';
  it('a scenario file of 17 MB is refused by its size, and so is a manifestFile', () => {
    const big = write(Buffer.alloc(MAX_TEXT_FILE_BYTES + 1, 0x23));
    expect(catchScenarioError(() => loadScenario(big)).message).toBe(`${big}: cannot read the scenario file: ${rule}`);
    const file = write(BASE.replace(`manifest: ${TINY_MANIFEST}`, `manifestFile: ${big}`));
    expect(catchScenarioError(() => loadScenario(file)).message).toBe(`${file}: services[0].manifestFile: cannot read ${JSON.stringify(big)}: ${rule}`);
  });
});

// YAML reads .inf as infinity: messages said "got Infinity", a word the user never wrote.
const INF = '.inf (infinity)';

describe('absurd numbers name the rule', () => {
  it.each([
    { from: 'initialPods: 1', to: 'initialPods: .inf', path: 'services[0].initialPods', rule: `must be a finite number, got ${INF}` },
    // Past the largest double, a number stays text, as kubectl's reader (go-yaml v2) keeps it.
    { from: 'initialPods: 1', to: 'initialPods: 1e309', path: 'services[0].initialPods', rule: 'expected an integer, got the string "1e309"' },
    { from: 'initialPods: 1', to: 'initialPods: .nan', path: 'services[0].initialPods', rule: 'must be a finite number, got .nan (not a number)' },
    { from: 'rps: 1', to: 'rps: .inf', path: 'clients[0].open.rps', rule: `must be a finite number, got ${INF}` },
    { from: 'duration: 10s', to: 'duration: -.inf', path: 'duration', rule: 'expected a duration (Go string like "90s", "1h30m" or a number of seconds), got the number -.inf (minus infinity)' },
    { from: 'initialPods: 1', to: 'initialPods: 1\n    app: { memory: { baseline: .inf } }', path: 'services[0].app.memory.baseline', rule: `expected a quantity (a string such as "500m" or a number), got ${INF}` },
  ])('$to: $rule', ({ from, to, path, rule }) => {
    expect(BASE).toContain(from);
    const err = load(`${BASE.replace(from, to)}seed: 1\n`);
    expect(err.path).toBe(path);
    expect(err.rule).toBe(rule);
  });


  it('seed: 1e308 says which integers knsim holds exactly', () => {
    const err = load(`${BASE}seed: 1e308\n`);
    expect(err.path).toBe('seed');
    expect(err.rule).toBe('must be an integer of at most 2^53 − 1 = 9007199254740991 (the largest knsim holds exactly), got the number 1e+308');
  });

  it('initialPods, users and activators load whatever their size (the work limits refuse them) but must be whole', () => {
    const file = write(BASE.replace('initialPods: 1', 'initialPods: 1e308'));
    expect(loadScenario(file).world.services[0]!.revisions[0]!.initialPods).toBe(1e308);
    const err = load(BASE.replace('initialPods: 1', 'initialPods: 1.5'));
    expect(err.path).toBe('services[0].initialPods');
    expect(err.rule).toBe('must be an integer, got 1.5');
    const inf = load(BASE.replace('initialPods: 1', 'initialPods: .inf'));
    expect(inf.rule).toBe(`must be a finite number, got ${INF}`);
    const users = load(BASE.replace('open: { rps: 1 }', 'closed: { users: 0 }'));
    expect(users.path).toBe('clients[0].closed.users');
    expect(users.rule).toBe('must be ≥ 1, got the number 0');
  });
});

function base(): Record<string, any> {
  return {
    name: 'hostile',
    duration: '10s',
    services: [{ manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello' }, spec: { template: { spec: { containers: [{ image: 'app' }] } } } }, initialPods: 1 }],
    clients: [{ name: 'load', service: 'hello', open: { rps: 1 } }],
  };
}
