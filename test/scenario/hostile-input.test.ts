/** Hostile but short inputs: huge echoed values, alias bombs, __proto__ keys, bad UTF-8, absurd nesting and numbers. */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError, quote } from '../../src/scenario/errors.js';
import { firstInvalidUtf8, loadScenario, MAX_TEXT_FILE_BYTES, scenarioFromValue } from '../../src/scenario/load.js';
import { tinyScenario } from '../support/tiny-scenario.js';
import { catchScenarioError } from './helpers.js';

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
    const file = write(BASE.replace('- manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: hello } }', `- manifestFile: ${manifest}`));
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
    const file = write(BASE.replace('- manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: hello } }', `- manifestFile: ${manifest}`));
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

describe('files past 16 MiB', () => {
  // They were read whole: `knsim run /dev/zero` (or a manifestFile of it) took memory until the machine ran out.
  const rule = 'larger than 16 MiB, more than any scenario, manifest or ConfigMap file needs (a trace goes in a trace file, which is streamed)';
  it.runIf(existsSync('/dev/zero'))('/dev/zero as the scenario is refused after 16 MiB', () => {
    expect(catchScenarioError(() => loadScenario('/dev/zero')).message).toBe(`/dev/zero: cannot read the scenario file: ${rule}`);
  });

  it('a scenario file of 17 MB is refused by its size, and so is a manifestFile', () => {
    const big = write(Buffer.alloc(MAX_TEXT_FILE_BYTES + 1, 0x23));
    expect(catchScenarioError(() => loadScenario(big)).message).toBe(`${big}: cannot read the scenario file: ${rule}`);
    const file = write(BASE.replace("manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: hello } }", `manifestFile: ${big}`));
    expect(catchScenarioError(() => loadScenario(file)).message).toBe(`${file}: services[0].manifestFile: cannot read ${JSON.stringify(big)}: ${rule}`);
  });
});

// YAML reads 1e309 as .inf: messages said "got Infinity", a word the user never wrote.
const INF = '.inf (YAML reads a number past 1.8e308, such as 1e309, as infinity)';

describe('absurd numbers name the rule', () => {
  it.each([
    { from: 'initialPods: 1', to: 'initialPods: 1e309', path: 'services[0].initialPods', rule: `must be a finite number, got ${INF}` },
    { from: 'initialPods: 1', to: 'initialPods: .nan', path: 'services[0].initialPods', rule: 'must be a finite number, got .nan (not a number)' },
    { from: 'rps: 1', to: 'rps: 1e309', path: 'clients[0].open.rps', rule: `must be a finite number, got ${INF}` },
    { from: 'duration: 10s', to: 'duration: -1e309', path: 'duration', rule: 'expected a duration (Go string like "90s", "1h30m" or a number of seconds), got the number -.inf (YAML reads a number below -1.8e308 as minus infinity)' },
    { from: 'initialPods: 1', to: 'initialPods: 1\n    app: { memory: { baseline: 1e309 } }', path: 'services[0].app.memory.baseline', rule: `expected a quantity (a string such as "500m" or a number), got ${INF}` },
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
    services: [{ manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello' } }, initialPods: 1 }],
    clients: [{ name: 'load', service: 'hello', open: { rps: 1 } }],
  };
}
