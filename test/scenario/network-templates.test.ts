/**
 * config-network domain-template and tag-template, checked as knative.dev/networking's
 * NewConfigFromMap (pkg/config/config.go checkDomainTemplate, checkTagTemplate) checks them when
 * the ConfigMap loads: each parses as a Go template and runs on sample values, and the domain
 * template's result after https:// is a URL with a host and no path or query. knsim took any
 * value silently.
 */
import { describe, expect, it } from 'vitest';
import { readConfigMaps } from '../../src/scenario/configmaps.js';
import { networkWarnings } from '../../src/scenario/network-warnings.js';
import { runGoTemplate, type GoValue } from '../../src/scenario/go-template.js';
import { catchScenarioError } from './helpers.js';

const read = (data: Record<string, string>): unknown => readConfigMaps('s.yaml', { 'config-network': data });
const DOMAIN = 'its domain-template gives';
const SAMPLE = 'Name foo, Namespace bar, Domain baz.com';

describe('templates Knative refuses', () => {
  it.each([
    // A field the sample values do not have.
    [{ 'domain-template': '{{.Foo}}.{{.Domain}}' }, 'domain-template', `its domain-template fails on the sample values (${SAMPLE}): can't evaluate field Foo in type config.DomainTemplateValues`],
    [{ 'domain-template': '{{.Name.First}}.{{.Domain}}' }, 'domain-template', "can't evaluate field First in type string"],
    // Knative registers no functions, so only Go's builtins exist.
    [{ 'domain-template': '{{lower .Name}}.{{.Domain}}' }, 'domain-template', 'function "lower" not defined'],
    [{ 'domain-template': '{{.Name}}.{{.Domain' }, 'domain-template', 'unclosed action'],
    [{ 'domain-template': '{{if .Name}}{{.Name}}.{{.Domain}}' }, 'domain-template', 'unexpected EOF'],
    [{ 'domain-template': '{{$host}}.{{.Domain}}' }, 'domain-template', 'undefined variable "$host"'],
    [{ 'domain-template': '{{/* note */ }}{{.Name}}.{{.Domain}}' }, 'domain-template', 'comment ends before closing delimiter'],
    // Go's parser wants space between a command's operands.
    [{ 'domain-template': '{{index .Annotations"sub"}}{{.Name}}.{{.Domain}}' }, 'domain-template', 'unexpected "sub" in operand'],
    // The result must be a URL host: no path, no query, no empty host, no space, a numeric port.
    [{ 'domain-template': '{{.Name}}.{{.Domain}}/{{.Namespace}}' }, 'domain-template', `${DOMAIN} "foo.baz.com/bar" for ${SAMPLE}, and https://foo.baz.com/bar has a path or query (/bar), which a host name must not`],
    [{ 'domain-template': '{{.Name}}.{{.Domain}}?ns={{.Namespace}}' }, 'domain-template', `${DOMAIN} "foo.baz.com?ns=bar" for ${SAMPLE}, and https://foo.baz.com?ns=bar has a path or query (/?ns=bar)`],
    [{ 'domain-template': '' }, 'domain-template', `${DOMAIN} "" for ${SAMPLE}, and https:// has an empty host`],
    [{ 'domain-template': '{{.Name}} {{.Domain}}' }, 'domain-template', `is not a URL: invalid character " " in host name`],
    // A missing annotation prints as <no value>, which no host holds.
    [{ 'domain-template': '{{.Annotations.sub}}.{{.Domain}}' }, 'domain-template', `${DOMAIN} "<no value>.baz.com" for ${SAMPLE}, and https://<no value>.baz.com is not a URL: invalid character " " in host name`],
    [{ 'domain-template': '{{.Name}}.{{.Domain}}:http' }, 'domain-template', 'is not a URL: invalid port ":http" after host'],
    [{ 'domain-template': '{{.Name}}%zz.{{.Domain}}' }, 'domain-template', 'is not a URL: invalid URL escape "%zz"'],
    // The tag template runs on Name and Tag only.
    [{ 'tag-template': '{{.Tag}}-{{.Namespace}}' }, 'tag-template', "its tag-template fails on the sample values (Name foo, Tag v2): can't evaluate field Namespace in type config.TagTemplateValues"],
    [{ 'tag-template': '{{.Tag}}-{{.Name' }, 'tag-template', 'unclosed action'],
    // The legacy key, when the new one is absent.
    [{ domainTemplate: '{{.Host}}' }, 'domainTemplate', "can't evaluate field Host in type config.DomainTemplateValues"],
    [{ tagTemplate: '{{.Tag}}-{{.Revision}}' }, 'tagTemplate', "can't evaluate field Revision in type config.TagTemplateValues"],
  ])('%j', (data, key, rule) => {
    const err = catchScenarioError(() => read(data));
    expect(err.file).toBe('s.yaml');
    expect(err.path).toBe(`configMaps.config-network["${key}"]`);
    expect(err.rule.startsWith('Knative refuses config-network: ')).toBe(true);
    expect(err.rule).toContain(rule);
    expect(err.message).not.toContain('\n');
  });
});

describe('templates Knative takes', () => {
  it.each([
    [{ 'domain-template': '{{.Name}}.{{.Namespace}}.{{.Domain}}', 'tag-template': '{{.Tag}}-{{.Name}}' }],
    [{ 'domain-template': '{{.Name}}-{{.Namespace}}.{{.Domain}}', 'tag-template': '{{.Name}}-{{.Tag}}' }],
    // A trailing slash is the path "/", a fragment is not part of the request URI, a port is numeric.
    [{ 'domain-template': '{{.Name}}.{{.Domain}}/' }],
    [{ 'domain-template': '{{.Name}}.{{.Domain}}#x' }],
    [{ 'domain-template': '{{.Name}}.{{.Domain}}:8443' }],
    // index of a nil map gives "", and if takes it as false.
    [{ 'domain-template': '{{if index .Annotations "sub"}}{{index .Annotations "sub"}}.{{end}}{{.Name}}.{{.Domain}}' }],
    [{ 'domain-template': '{{- .Name -}} . {{- .Domain}}' }],
    [{ 'domain-template': '{{/* short */}}{{printf "%s.%s" $.Name .Domain}}' }],
    [{ 'domain-template': '{{.Name | printf "%s.example.com"}}' }],
    // configmap.AsString trims the value first: a YAML block scalar's final newline is no control character.
    [{ 'domain-template': '{{.Name}}.{{.Domain}}\n', 'tag-template': '  {{.Tag}}-{{.Name}}\n' }],
    // Only the execution is checked for tags: an empty tag template passes.
    [{ 'tag-template': '' }],
    // The new key is in force, so the legacy one is not looked at.
    [{ domainTemplate: '{{.Host}}', 'domain-template': '{{.Name}}.{{.Domain}}' }],
  ])('%j', (data) => {
    expect(() => read(data)).not.toThrow();
    expect(networkWarnings(data)).toEqual([]);
  });
});

describe('templates knsim cannot run as Go would are taken, with a warning', () => {
  it.each([
    [{ 'domain-template': '{{range $k, $v := .Labels}}{{$k}}{{end}}{{.Name}}.{{.Domain}}' }, 'domain-template', 'a range declaration ($k, $v := …)'],
    [{ 'domain-template': '{{range .Labels}}{{.}}{{end}}{{.Name}}.{{.Domain}}' }, 'domain-template', '{{range}}'],
    [{ tagTemplate: '{{.Tag | urlquery}}-{{.Name}}' }, 'tagTemplate', 'the urlquery function'],
  ])('%j', (data, key, what) => {
    expect(() => read(data)).not.toThrow();
    const w = networkWarnings(data);
    expect(w).toHaveLength(1);
    expect(w[0]!.key).toBe(key);
    expect(w[0]!.text.startsWith(`knsim does not evaluate ${what} in a Go template, so it takes this template unchecked`)).toBe(true);
  });
});

it('a domain whose host has brackets is taken with a warning: Go releases differ on it', () => {
  const data = { 'domain-template': '{{.Name}}{{.Labels}}.{{.Domain}}' };
  expect(() => read(data)).not.toThrow();
  expect(networkWarnings(data)).toEqual([
    { key: 'domain-template', text: `gives "foomap[].baz.com" for ${SAMPLE}, a host with brackets, which Go's url.Parse takes or refuses by release: knsim takes this template unchecked` },
  ]);
});

describe('runGoTemplate', () => {
  const data: GoValue = { kind: 'struct', type: 'T', fields: new Map<string, GoValue>([['Name', { kind: 'string', v: 'foo' }], ['M', { kind: 'map', entries: null }]]) };
  it.each([
    ['a{{.Name}}b', 'afoob'],
    ['{{.M.x}}', '<no value>'],
    ['{{.M}}', 'map[]'],
    ['{{printf "%s-%d-%q" .Name 3 .Name}}', 'foo-3-"foo"'],
    ['{{if not .M.x}}none{{else}}some{{end}}', 'none'],
    ['{{with .Name}}{{.}}{{end}}', 'foo'],
    ['{{if and .Name .M.x}}y{{else}}n{{end}}', 'n'],
    ['{{or .M.x "dflt"}}', 'dflt'],
    ['{{if eq .Name "foo"}}same{{end}}', 'same'],
    ['{{len .Name}}', '3'],
    ['  {{- "x" -}}  ', 'x'],
  ])('%s gives %s', (src, out) => {
    expect(runGoTemplate(src, data)).toEqual({ ok: true, output: out });
  });
});
