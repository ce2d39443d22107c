/**
 * The names the serving webhook gives a template's unnamed containers
 * (pkg/apis/serving/v1 revision_defaults.go): config-defaults' name template as
 * it evaluates, for a lone container whose name no container already has; else
 * the template numbered "-0", "-1", … through knative.dev/pkg kmeta.ChildName,
 * skipping names the user wrote. Only the numbered names are shortened: a lone
 * container gets the evaluated template whatever its length.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { NAME_ACTION, type RevisionDefaults } from './configmaps.js';
import { formatPath, ScenarioError, type PathSegment } from './errors.js';

/** kmeta's limits: Kubernetes' longest name, and an MD5 digest in hex. */
const LONGEST = 63;
const MD5_HEX = 32;
const HEAD = LONGEST - MD5_HEX;

// @noble/hashes, not node:crypto: the playground names containers in the browser, which has no node:crypto.
const md5Hex = (b: Uint8Array): string => bytesToHex(md5(b));

// Bytes with TextEncoder, not Buffer: the playground loads scenarios in the browser, which has no Buffer.
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const utf8 = (s: string): Uint8Array => encoder.encode(s);
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * kmeta.ChildName: `parent + suffix`, or when that is past 63 bytes, the parent cut so that its
 * MD5 digest and the suffix fit in 63. Go measures and cuts bytes, so this works on UTF-8 bytes.
 */
export function childName(parent: string, suffix: string): string {
  const p = utf8(parent);
  const s = utf8(suffix);
  if (p.length <= LONGEST - s.length) return parent + suffix;
  if (HEAD - s.length <= 0) {
    // A suffix too long to keep whole: the digest of both, padded with the suffix's start.
    let out = concat(p.subarray(0, HEAD), utf8(md5Hex(concat(p, s))));
    if (out.length < LONGEST) out = concat(out, s.subarray(0, LONGEST - out.length));
    // Cut back to an ASCII letter or digit, so a cut suffix does not end the name with '-'.
    let end = out.length;
    while (!isAsciiAlnum(out[end - 1]!)) end--;
    return decoder.decode(out.subarray(0, end));
  }
  return decoder.decode(concat(p.subarray(0, HEAD - s.length), utf8(md5Hex(p)), s));
}

const isAsciiAlnum = (b: number): boolean => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

/**
 * The name each unnamed container of `names` (each container's name, undefined or '' when
 * unnamed) gets from `base`, by index; `taken` is every name the user wrote, in containers
 * and init containers alike (the webhook checks against those only, not the names it gives).
 */
export function defaultContainerNames(names: ReadonlyArray<string | undefined>, taken: ReadonlySet<string>, base: string): Map<number, string> {
  const out = new Map<number, string>();
  let next = 0;
  names.forEach((n, i) => {
    if (n !== undefined && n !== '') return;
    let name = base;
    if (names.length > 1 || taken.has(name)) {
      do name = childName(base, `-${next++}`);
      while (taken.has(name));
    }
    out.set(i, name);
  });
  return out;
}

const DNS1123_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * What the API server finds wrong with `name` as a container name (IsDNS1123Label: at most
 * 63 bytes, lower-case letters, digits and '-', a letter or digit at each end), in short; empty when valid.
 */
export function containerNameErrors(name: string): string[] {
  const errs: string[] = [];
  if (utf8(name).length > LONGEST) errs.push(`over ${LONGEST} characters`);
  if (!DNS1123_LABEL_RE.test(name)) errs.push("only a-z, 0-9 and '-', alphanumeric at each end");
  return errs;
}

const namesOf = (list: unknown): Array<string | undefined> =>
  (Array.isArray(list) ? list : []).map((c: unknown) => {
    const n = typeof c === 'object' && c !== null ? (c as Record<string, unknown>)['name'] : undefined;
    return typeof n === 'string' ? n : undefined;
  });

/**
 * Refuses a revision whose template leaves a container unnamed and gets a name from config-defaults
 * that the API server refuses: the webhook takes the template, but Kubernetes refuses the revision's
 * Deployment, so it never gets a pod. `specPath` is where the template's spec sits in `file`.
 */
export function checkDefaultContainerNames(spec: unknown, defaults: RevisionDefaults, serviceName: string, file: string, specPath: readonly PathSegment[]): void {
  const s = typeof spec === 'object' && spec !== null ? (spec as Record<string, unknown>) : {};
  const containers = namesOf(s['containers']);
  const inits = namesOf(s['initContainers']);
  const taken = new Set([...containers, ...inits].filter((n): n is string => n !== undefined));
  const lists = [
    { field: 'containers', names: containers, key: 'container-name-template', template: defaults.containerNameTemplate },
    { field: 'initContainers', names: inits, key: 'init-container-name-template', template: defaults.initContainerNameTemplate },
  ] as const;
  for (const { field, names, key, template } of lists) {
    for (const [i, name] of defaultContainerNames(names, taken, template.replace(NAME_ACTION, serviceName))) {
      const errs = containerNameErrors(name);
      if (errs.length === 0) continue;
      throw new ScenarioError(
        file,
        formatPath([...specPath, field, i, 'name']),
        `config-defaults ${key} gives ${JSON.stringify(name)}, not a DNS-1123 label (${errs.join('; ')}): Kubernetes refuses the Deployment`,
      );
    }
  }
}
