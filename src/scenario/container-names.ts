/**
 * The names the serving webhook gives a template's unnamed containers
 * (pkg/apis/serving/v1 revision_defaults.go): config-defaults' name template as
 * it evaluates, for a lone container whose name no container already has; else
 * the template numbered "-0", "-1", … through knative.dev/pkg kmeta.ChildName,
 * skipping names the user wrote. Only the numbered names are shortened: a lone
 * container gets the evaluated template whatever its length.
 */
import { createHash } from 'node:crypto';

/** kmeta's limits: Kubernetes' longest name, and an MD5 digest in hex. */
const LONGEST = 63;
const MD5_HEX = 32;
const HEAD = LONGEST - MD5_HEX;

const md5Hex = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');

/**
 * kmeta.ChildName: `parent + suffix`, or when that is past 63 bytes, the parent cut so that its
 * MD5 digest and the suffix fit in 63. Go measures and cuts bytes, so this works on UTF-8 bytes.
 */
export function childName(parent: string, suffix: string): string {
  const p = Buffer.from(parent, 'utf8');
  const s = Buffer.from(suffix, 'utf8');
  if (p.length <= LONGEST - s.length) return parent + suffix;
  if (HEAD - s.length <= 0) {
    // A suffix too long to keep whole: the digest of both, padded with the suffix's start.
    let out = Buffer.concat([p.subarray(0, HEAD), Buffer.from(md5Hex(Buffer.concat([p, s])), 'latin1')]);
    if (out.length < LONGEST) out = Buffer.concat([out, s.subarray(0, LONGEST - out.length)]);
    // Cut back to an ASCII letter or digit, so a cut suffix does not end the name with '-'.
    let end = out.length;
    while (!isAsciiAlnum(out[end - 1]!)) end--;
    return out.subarray(0, end).toString('utf8');
  }
  return Buffer.concat([p.subarray(0, HEAD - s.length), Buffer.from(md5Hex(p), 'latin1'), s]).toString('utf8');
}

const isAsciiAlnum = (b: number): boolean => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

/**
 * The name each unnamed container of `names` (each container's name, undefined or '' when
 * unnamed) gets from `base`, by index; `taken` is every name in the pod spec as written, in
 * containers and init containers alike, with '' for an unnamed one (the webhook checks against
 * those only, not the names it gives, so a template that gives '' is numbered from "-0").
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

const UTF8 = new TextEncoder();
const DNS1123_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * What the API server finds wrong with `name` as a container name (IsDNS1123Label: at most
 * 63 bytes, lower-case letters, digits and '-', a letter or digit at each end), in short; empty when valid.
 */
export function containerNameErrors(name: string): string[] {
  const errs: string[] = [];
  // Bytes, as Go counts them; TextEncoder rather than node's Buffer, so the playground runs this too.
  if (UTF8.encode(name).length > LONGEST) errs.push(`over ${LONGEST} characters`);
  if (!DNS1123_LABEL_RE.test(name)) errs.push("only a-z, 0-9 and '-', alphanumeric at each end");
  return errs;
}
