import { describe, expect, it } from 'vitest';
import { formatPath, ScenarioError } from '../../src/scenario/errors.js';
import { applySet, parseSetExpression } from '../../src/scenario/set.js';
import { catchScenarioError } from './helpers.js';

describe('parseSetExpression', () => {
  it.each([
    { expr: 'duration=10m', path: ['duration'], value: '10m' },
    { expr: 'seed=10', path: ['seed'], value: 10 },
    { expr: 'seed="10"', path: ['seed'], value: '10' },
    { expr: 'a.b=true', path: ['a', 'b'], value: true },
    { expr: 'a=[1, 2]', path: ['a'], value: [1, 2] },
    { expr: 'a={x: 1}', path: ['a'], value: { x: 1 } },
    { expr: 'a=', path: ['a'], value: '' },
    { expr: 'a=b=c', path: ['a'], value: 'b=c' },
    { expr: 'clients[1].open.rps=50', path: ['clients', 1, 'open', 'rps'], value: 50 },
    {
      expr: 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target"]=10',
      path: ['services', 0, 'manifest', 'spec', 'template', 'metadata', 'annotations', 'autoscaling.knative.dev/target'],
      value: '10',
    },
    // Annotation and label values are their text, as the README says: not the double YAML reads, nor octal.
    { expr: 'm.annotations["autoscaling.knative.dev/target"]=1e306', path: ['m', 'annotations', 'autoscaling.knative.dev/target'], value: '1e306' },
    { expr: 'm.annotations["a"]=010', path: ['m', 'annotations', 'a'], value: '010' },
    { expr: 'm.labels.x=true', path: ['m', 'labels', 'x'], value: 'true' },
    { expr: 'm.annotations={a: 1}', path: ['m', 'annotations'], value: { a: 1 } },
    { expr: "x['a.b/c'].d=1", path: ['x', 'a.b/c', 'd'], value: 1 },
    { expr: 'x["a\\"b"]=1', path: ['x', 'a"b'], value: 1 },
    { expr: 'x["a=b"]=1', path: ['x', 'a=b'], value: 1 },
    { expr: 'configMaps.config-autoscaler["stable-window"]=30s', path: ['configMaps', 'config-autoscaler', 'stable-window'], value: '30s' },
  ])('$expr', ({ expr, path, value }) => {
    expect(parseSetExpression(expr)).toEqual({ path, value });
  });

  it.each([
    { expr: '', rule: 'expected path=value' },
    { expr: '=1', rule: 'expected path=value' },
    { expr: 'abc', rule: 'expected path=value' },
    { expr: '[0]=1', rule: 'the path must start with a field name' },
    { expr: 'a.=1', rule: 'missing field name at position 3' },
    { expr: 'a[x]=1', rule: 'expected a list index or a quoted key after "[" at position 2' },
    { expr: 'a[1=1', rule: 'expected "]" at position 4' },
    { expr: 'a["k"=1', rule: 'expected "]" at position 6' },
    { expr: 'a b=1', rule: 'unexpected " " at position 2' },
    { expr: '__proto__.x=1', rule: 'invalid key "__proto__"' },
    // yaml's parser ran out of stack on this ("Maximum call stack size exceeded"); the rule is a number.
    { expr: `a=${'['.repeat(5000)}`, rule: 'invalid value: more than 100 levels of lists and mappings inside each other' },
    { expr: `a=${'['.repeat(101)}${']'.repeat(101)}`, rule: 'invalid value: more than 100 levels of lists and mappings inside each other' },
    { expr: `a=${'{k: '.repeat(101)}1${'}'.repeat(101)}`, rule: 'invalid value: more than 100 levels of lists and mappings inside each other' },
  ])('rejects $expr', ({ expr, rule }) => {
    const err = catchScenarioError(() => parseSetExpression(expr, 's.yaml'));
    expect(err.file).toBe('s.yaml');
    // Long expressions are echoed cut, as every message cuts them.
    expect(err.path).toBe(new ScenarioError('s.yaml', `--set ${expr}`, '').path);
    expect(err.rule).toBe(rule);
  });

  it('reads a value 100 levels deep', () => {
    const deep = parseSetExpression(`a=${'['.repeat(100)}${']'.repeat(100)}`).value;
    let depth = 0;
    for (let v: unknown = deep; Array.isArray(v); v = v[0]) depth++;
    expect(depth).toBe(100);
  });
});

describe('applySet', () => {
  it('sets a nested value without touching the input', () => {
    const raw = { a: { b: 1 }, l: [{ x: 1 }] };
    const out = applySet(raw, 'a.c=2');
    expect(out).toEqual({ a: { b: 1, c: 2 }, l: [{ x: 1 }] });
    expect(raw).toEqual({ a: { b: 1 }, l: [{ x: 1 }] });
  });

  it.each([
    { what: 'creates missing mappings', raw: {}, expr: 'configMaps.config-autoscaler["stable-window"]=30s', out: { configMaps: { 'config-autoscaler': { 'stable-window': '30s' } } } },
    { what: 'creates a missing list before an index', raw: {}, expr: 'clients[0].name=x', out: { clients: [{ name: 'x' }] } },
    { what: 'appends at index == length', raw: { l: [1] }, expr: 'l[1]=2', out: { l: [1, 2] } },
    { what: 'replaces a list item', raw: { l: [1, 2] }, expr: 'l[0]={a: 1}', out: { l: [{ a: 1 }, 2] } },
    { what: 'replaces null with a mapping', raw: { a: null }, expr: 'a.b=1', out: { a: { b: 1 } } },
    { what: 'starts from an empty document', raw: null, expr: 'name=x', out: { name: 'x' } },
  ])('$what', ({ raw, expr, out }) => {
    expect(applySet(raw, expr)).toEqual(out);
  });

  it.each([
    { raw: { a: { b: 1 } }, expr: 'a[0]=1', rule: 'cannot index a with [0]: it is a mapping, not a list' },
    { raw: { a: [1] }, expr: 'a.b=1', rule: 'cannot set key "b" in a: it is a list, not a mapping' },
    { raw: { a: 'text' }, expr: 'a.b=1', rule: 'cannot set key "b" in a: it is a string, not a mapping' },
    { raw: { a: 5 }, expr: 'a[0]=1', rule: 'cannot index a with [0]: it is a number, not a list' },
    { raw: { a: [] }, expr: 'a[2]=1', rule: 'index 2 is out of range: a has 0 item(s)' },
    { raw: [1], expr: 'a=1', rule: 'the scenario is a list, not a mapping' },
  ])('rejects $expr on $raw', ({ raw, expr, rule }) => {
    const err = catchScenarioError(() => applySet(raw, expr, 'f.yaml'));
    expect(err.message).toBe(`f.yaml: --set ${expr}: ${rule}`);
  });

  it('reads back every path it prints (formatPath → applySet round trip)', () => {
    const path = ['services', 0, 'manifest', 'metadata', 'annotations', 'serving.knative.dev/rollout-duration'];
    const printed = formatPath(path);
    expect(printed).toBe('services[0].manifest.metadata.annotations["serving.knative.dev/rollout-duration"]');
    expect(parseSetExpression(`${printed}=1m`).path).toEqual(path);
    const cm = formatPath(['configMaps', 'config-autoscaler', 'stable-window']);
    expect(cm).toBe('configMaps.config-autoscaler["stable-window"]');
    expect(parseSetExpression(`${cm}=1m`).path).toEqual(['configMaps', 'config-autoscaler', 'stable-window']);
  });
});
