/**
 * config-network's `domain-template` and `tag-template` (legacy `domainTemplate`, `tagTemplate`;
 * the new key wins), checked as knative.dev/networking's NewConfigFromMap (pkg/config/config.go)
 * checks them when the ConfigMap loads: each must parse as a Go template and run on sample
 * values (checkDomainTemplate, checkTagTemplate), and the domain template's result, after
 * `https://`, must parse as a URL with a host and no path or query. Knative refuses the whole
 * ConfigMap otherwise. knsim routes by revision, not by host name; the tag template only names a
 * tag's host, to check that the Route can give it a URL (tagDomainProblem).
 */
import { goTrimSpace } from '../core/autoscaler/index.js';
import { dns1123LabelErrors, dns1123SubdomainErrors } from '../core/traffic/index.js';
import { runGoTemplate, type GoValue } from './go-template.js';

export interface TemplateKey {
  kebab: string;
  legacy: string;
  /** Knative's default (DefaultDomainTemplate, DefaultTagTemplate). */
  dflt: string;
}
export const DOMAIN_TEMPLATE: TemplateKey = { kebab: 'domain-template', legacy: 'domainTemplate', dflt: '{{.Name}}.{{.Namespace}}.{{.Domain}}' };
export const TAG_TEMPLATE: TemplateKey = { kebab: 'tag-template', legacy: 'tagTemplate', dflt: '{{.Tag}}-{{.Name}}' };

const s = (v: string): GoValue => ({ kind: 'string', v });
const nilMap: GoValue = { kind: 'map', entries: null };
/** The values checkDomainTemplate runs the template on (DomainTemplateValues). */
const DOMAIN_SAMPLE: GoValue = {
  kind: 'struct',
  type: 'config.DomainTemplateValues',
  fields: new Map([['Name', s('foo')], ['Namespace', s('bar')], ['Domain', s('baz.com')], ['Annotations', nilMap], ['Labels', nilMap]]),
};
/** The values checkTagTemplate runs the template on (TagTemplateValues). */
const TAG_SAMPLE: GoValue = { kind: 'struct', type: 'config.TagTemplateValues', fields: new Map([['Name', s('foo')], ['Tag', s('v2')]]) };

/** The key whose value Knative uses, and that value as it reads it; undefined when neither is set (the default). */
function templateInForce(data: Readonly<Record<string, string>>, k: TemplateKey): { key: string; raw: string } | undefined {
  const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(data, key);
  // configmap.AsString trims the value (a YAML block scalar's final newline, say) before Knative parses it.
  if (has(k.kebab)) return { key: k.kebab, raw: goTrimSpace(data[k.kebab]!) };
  if (has(k.legacy)) return { key: k.legacy, raw: goTrimSpace(data[k.legacy]!) };
  return undefined;
}

const isAlnum = (c: string): boolean => /[A-Za-z0-9]/.test(c);
const HOST_EXTRA = new Set("!$&'()*+,;=:[]<>\"-_.~");
const USERINFO_EXTRA = new Set("-._:~!$&'()*+,;=%@");
const validOptionalPort = (p: string): boolean => p === '' || /^:[0-9]*$/.test(p);

/** Go's url unescape check: every % starts two hex digits (in a host, only %25 or a non-ASCII byte's). */
function escapeProblem(text: string, host: boolean): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '%') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return `invalid URL escape ${JSON.stringify(text.slice(i, i + 3))}`;
      if (host && parseInt(hex[0]!, 16) < 8 && hex !== '25') return `invalid URL escape ${JSON.stringify(text.slice(i, i + 3))}`;
      i += 2;
    } else if (host && c.charCodeAt(0) < 0x80 && !isAlnum(c) && !HOST_EXTRA.has(c)) {
      return `invalid character ${JSON.stringify(c)} in host name`;
    }
  }
  return undefined;
}

/** Why `https://` + `out` fails checkDomainTemplate's URL checks (Go's url.Parse, Hostname, RequestURI); 'brackets' for a host with brackets, not covered. */
function urlProblem(out: string): string | undefined | 'brackets' {
  const full = `https://${out}`;
  const hash = full.indexOf('#');
  const beforeFragment = hash < 0 ? full : full.slice(0, hash);
  if (/[\x00-\x1f\x7f]/.test(beforeFragment)) return 'net/url: invalid control character in URL';
  let rest = beforeFragment.slice('https:'.length);
  let query: string | undefined;
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    rest = rest.slice(0, -1);
    query = '';
  } else if (rest.includes('?')) {
    query = rest.slice(rest.indexOf('?') + 1);
    rest = rest.slice(0, rest.indexOf('?'));
  }
  rest = rest.slice(2);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  const at = authority.lastIndexOf('@');
  let host = authority;
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    if ([...userinfo].some((c) => !isAlnum(c) && !USERINFO_EXTRA.has(c))) return 'net/url: invalid userinfo';
    const bad = escapeProblem(userinfo, false);
    if (bad !== undefined) return bad;
    host = authority.slice(at + 1);
  }
  // Go's releases differ on brackets in a host (an IPv6 literal, or `map[]` printed by {{.Labels}}).
  if (host.includes('[') || host.includes(']')) return 'brackets';
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && !validOptionalPort(host.slice(colon))) return `invalid port ${JSON.stringify(host.slice(colon))} after host`;
  const badHost = escapeProblem(host, true);
  if (badHost !== undefined) return badHost;
  const badPath = escapeProblem(path, false);
  if (badPath !== undefined) return badPath;
  if (hash >= 0) {
    const badFragment = escapeProblem(full.slice(hash + 1), false);
    if (badFragment !== undefined) return badFragment;
  }
  const hostname = colon >= 0 ? host.slice(0, colon) : host;
  if (hostname === '') return 'empty hostname';
  if ((path !== '' && path !== '/') || query !== undefined) return `domain template has url path: ${path === '' ? '/' : path}${query === undefined ? '' : `?${query}`}`;
  return undefined;
}

export type TemplateCheck = { key: string; error: string } | { key: string; unchecked: string };

/** What Knative's check finds in the template in force for `k`; undefined when it passes (or neither key is set). */
export function checkNetworkTemplate(data: Readonly<Record<string, string>>, k: TemplateKey): TemplateCheck | undefined {
  const set = templateInForce(data, k);
  if (set === undefined) return undefined;
  const domain = k === DOMAIN_TEMPLATE;
  const sample = domain ? 'Name foo, Namespace bar, Domain baz.com' : 'Name foo, Tag v2';
  const r = runGoTemplate(set.raw, domain ? DOMAIN_SAMPLE : TAG_SAMPLE);
  if (r.ok === 'unchecked') return { key: set.key, unchecked: `knsim does not evaluate ${r.what} in a Go template, so it takes this template unchecked (Knative runs it on ${sample} when config-network loads and refuses the ConfigMap if that fails)` };
  if (r.ok === false) return { key: set.key, error: `Knative refuses config-network: its ${k.kebab} fails on the sample values (${sample}): ${r.error}` };
  if (!domain) return undefined;
  const bad = urlProblem(r.output);
  if (bad === 'brackets') {
    return { key: set.key, unchecked: `gives ${JSON.stringify(r.output)} for ${sample}, a host with brackets, which Go's url.Parse takes or refuses by release: knsim takes this template unchecked` };
  }
  if (bad === undefined) return undefined;
  return { key: set.key, error: `Knative refuses config-network: its ${k.kebab} gives ${JSON.stringify(r.output)} for ${sample}, and https://${r.output} ${bad === 'empty hostname' ? 'has an empty host' : bad.startsWith('domain template') ? `has a path or query (${bad.slice('domain template has url path: '.length)}), which a host name must not` : `is not a URL: ${bad}`}` };
}

/**
 * Go's IsFullyQualifiedDomainName (k8s.io/apimachinery validation): a trailing dot dropped, a DNS-1123
 * subdomain of at least two labels, each a DNS-1123 label. The first problem, or undefined.
 */
function fqdnProblem(name: string): string | undefined {
  if (name === '') return 'an empty host name';
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  const sub = dns1123SubdomainErrors(n);
  if (sub.length > 0) return `${JSON.stringify(n)}: ${sub[0]}`;
  const labels = n.split('.');
  if (labels.length < 2) return `${JSON.stringify(n)}: should be a domain with at least two segments separated by dots`;
  for (const l of labels) {
    const errs = dns1123LabelErrors(l);
    if (l.length > 63) return `${JSON.stringify(l)} is ${l.length} characters, over a DNS label's 63`;
    if (errs.length > 0) return `${JSON.stringify(l)}: ${errs[0]}`;
  }
  return undefined;
}

/**
 * Why Knative's Route cannot give a tag its URL, or undefined when it can (or knsim cannot run
 * the tag template). The route reconciler names the tag's host with config-network's tag-template
 * (domains.HostnameFromTemplate) and its domain with the default domain template, since knsim's
 * routes are cluster-local (no config-domain: the default domain is svc.cluster.local, which makes
 * every traffic target cluster-local, and those ignore domain-template); a name that is not a fully
 * qualified domain name fails the Route (DomainNameFromTemplate, then MarkRevisionTargetTrafficError).
 */
export function tagDomainProblem(tagTemplate: string, service: string, namespace: string, tag: string): string | undefined {
  const values: GoValue = { kind: 'struct', type: 'config.TagTemplateValues', fields: new Map([['Name', s(service)], ['Tag', s(tag)]]) };
  const r = runGoTemplate(tagTemplate, values);
  if (r.ok === 'unchecked') return undefined;
  if (r.ok === false) return `the tag-template fails on it: ${r.error}`;
  return fqdnProblem(`${r.output}.${namespace}.${CLUSTER_LOCAL_DOMAIN}`);
}

/** config-network's tag-template as Knative runs it (the new key wins, trimmed), or its default. */
export function tagTemplateInForce(data: Readonly<Record<string, string>>): string {
  return templateInForce(data, TAG_TEMPLATE)?.raw ?? TAG_TEMPLATE.dflt;
}

/** The domain of a cluster-local route: "svc." and the cluster domain (assumed cluster.local). */
const CLUSTER_LOCAL_DOMAIN = 'svc.cluster.local';
