/**
 * The names the serving webhook gives a template's unnamed containers
 * (pkg/apis/serving/v1 revision_defaults.go): config-defaults' name template, a Go
 * template run on the Service's metadata (pkg/apis/config/defaults.go), as it
 * evaluates, for a lone container whose name no container already has; else
 * the template numbered "-0", "-1", … through knative.dev/pkg kmeta.ChildName,
 * skipping names the user wrote. Only the numbered names are shortened: a lone
 * container gets the evaluated template whatever its length.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { runGoTemplate, type GoValue } from './go-template.js';

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

/**
 * The Service's metadata as the webhook runs a name template on it (apis.ParentMeta): what the
 * manifest gives, and the namespace it is created in. Fields the API server fills in only after
 * admission or on later updates are not here.
 */
export interface ServiceMeta {
  name: string;
  namespace: string;
  generateName?: string | undefined;
  labels?: Readonly<Record<string, string>> | undefined;
  annotations?: Readonly<Record<string, string>> | undefined;
}

const goString = (v: string): GoValue => ({ kind: 'string', v });
const goMap = (m: Readonly<Record<string, string>> | undefined): GoValue => ({ kind: 'map', entries: m === undefined ? null : new Map(Object.entries(m)) });
// Empty when a Service is created and set on its updates, so a name from one would change with them.
const SET_ON_UPDATE = ['UID', 'ResourceVersion', 'Generation'];
// Timestamps, pointers and lists, which the template subset does not model.
const NOT_MODELLED = ['CreationTimestamp', 'DeletionTimestamp', 'DeletionGracePeriodSeconds', 'OwnerReferences', 'Finalizers', 'ManagedFields'];

/** metav1.ObjectMeta for `meta`, or empty (as config-defaults checks a template when it loads). */
function objectMeta(meta: ServiceMeta | undefined): GoValue {
  const fields = new Map<string, GoValue>([
    ['Name', goString(meta?.name ?? '')],
    ['GenerateName', goString(meta?.generateName ?? '')],
    ['Namespace', goString(meta?.namespace ?? '')],
    // Kubernetes no longer sets it.
    ['SelfLink', goString('')],
    ['Labels', goMap(meta?.labels)],
    ['Annotations', goMap(meta?.annotations)],
  ]);
  // Read, these leave the template unchecked rather than name containers wrongly.
  for (const f of SET_ON_UPDATE) fields.set(f, { kind: 'opaque', what: `the ${f} field (empty when a Service is created, set on its updates)` });
  for (const f of NOT_MODELLED) fields.set(f, { kind: 'opaque', what: `the ${f} field` });
  return { kind: 'struct', type: 'v1.ObjectMeta', fields };
}

/**
 * Why Knative refuses config-defaults for this name template (it must parse, and run on an empty
 * ObjectMeta: NewDefaultsConfigFromMap), or that knsim cannot run it; undefined when it is fine.
 */
export function nameTemplateProblem(raw: string): { error: string } | { unchecked: string } | undefined {
  const r = runGoTemplate(raw, objectMeta(undefined));
  if (r.ok === false) return { error: r.error };
  if (r.ok === 'unchecked') return { unchecked: r.what };
  return undefined;
}

/**
 * What a name template gives for a Service (Defaults.UserContainerName, InitContainerName): its
 * output; '' with Go's error when it fails on this metadata, as the webhook then names with '';
 * or what knsim cannot evaluate in it.
 */
export type TemplateName = { name: string; failed?: string } | { unchecked: string };

export function nameFromTemplate(raw: string, meta: ServiceMeta): TemplateName {
  const r = runGoTemplate(raw, objectMeta(meta));
  if (r.ok === true) return { name: r.output };
  if (r.ok === false) return { name: '', failed: r.error };
  return { unchecked: r.what };
}
