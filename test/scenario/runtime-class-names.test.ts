/**
 * config-deployment runtime-class-name, checked as knative/serving's NewConfigFromMap
 * (pkg/deployment/config.go) checks it when the ConfigMap loads: YAML that decodes into
 * classes with optional label selectors, each class a DNS-1123 subdomain and each selector a
 * valid label set. knsim took any value silently.
 */
import { describe, expect, it } from 'vitest';
import { readConfigMaps } from '../../src/scenario/configmaps.js';
import { catchScenarioError } from './helpers.js';

const read = (value: string): unknown => readConfigMaps('s.yaml', { 'config-deployment': { 'runtime-class-name': value } });

describe('runtime-class-name values Knative refuses', () => {
  it.each([
    ['kata: x', 'cannot be parsed: class "kata" must be a mapping (such as {} or { selector: … }), got a string'],
    ['- kata', 'cannot be parsed: expected a mapping of RuntimeClass names to { selector: { <label>: <value> } }, got a list'],
    ['just-a-name', 'cannot be parsed: expected a mapping of RuntimeClass names to { selector: { <label>: <value> } }, got a string'],
    ['kata: {selector: [a]}', 'cannot be parsed: class "kata": selector must be a mapping of labels to values, got a list'],
    ['kata: {selector: {a: {b: c}}}', 'cannot be parsed: class "kata": selector "a" must be a string, got a mapping'],
    ['~: {}', 'cannot be parsed: a RuntimeClass name must be a string, got null'],
    ['kata: [', 'cannot be parsed as YAML: '],
    // configmap.AsString trims the value before it is decoded, so the first line loses its indent.
    ['  kata: {}\n  gvisor: {}', 'cannot be parsed as YAML: '],
    ['Kata: {}', 'RuntimeClass name "Kata" is not a valid DNS-1123 subdomain: a lowercase RFC 1123 subdomain must consist of'],
    [`${'k'.repeat(254)}: {}`, /^RuntimeClass name "k+…" is not a valid DNS-1123 subdomain: must be no more than 253 characters$/],
    ['kata: {selector: {"a b": x}}', 'class "kata": selector label "a b" is not a valid label key: name part must consist of'],
    ['kata: {selector: {a: "x y"}}', 'class "kata": selector value "x y" of "a" is not a valid label value: must be empty or consist of'],
    // encoding/json matches the field's name in any case.
    ['kata: {Selector: {a: "-x"}}', 'class "kata": selector value "-x" of "a" is not a valid label value: '],
  ])('%j', (value, rule) => {
    const err = catchScenarioError(() => read(value));
    expect(err.file).toBe('s.yaml');
    expect(err.path).toBe('configMaps.config-deployment["runtime-class-name"]');
    if (typeof rule === 'string') expect(err.rule.startsWith(rule), err.rule).toBe(true);
    else expect(err.rule).toMatch(rule);
    expect(err.message).not.toContain('\n');
  });
});

describe('runtime-class-name values Knative takes', () => {
  it.each([
    // The shipped ConfigMap's value and its documented example.
    [''],
    ['kata: {}\ngvisor:\n  selector:\n    use-gvisor: "please"\n'],
    ['kata:'],
    ['kata: {}\n\n'],
    ['kata: {selector: {}}'],
    // Numbers, booleans and null where a string goes are taken as text ("" for null).
    ['kata: {selector: {a: 1, b: yes, c: }}'],
    // Unknown fields are skipped, as encoding/json skips them.
    ['kata: {other: [1]}'],
    ['kata: {selector: {example.com/tier: gold}}'],
  ])('%j', (value) => {
    expect(() => read(value)).not.toThrow();
  });
});
