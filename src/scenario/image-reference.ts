/**
 * Whether Knative's webhook can parse a container's image: k8s_validation.go hands it to
 * go-containerregistry's name.ParseReference with WeakValidation (pkg/name, v0.20), which
 * takes it as a tag reference (`[registry/]repository[:tag]`) or else as a digest
 * reference (`…@sha256:<64 hex>`). Weak validation lets the registry and the tag be left
 * out; what is written must still follow the package's rules:
 *
 * - the repository: 2 to 255 of `a-z 0-9 _ - . /` (so no upper case, and not one letter);
 * - a tag: 1 to 128 of `A-Z a-z 0-9 _ - .`;
 * - the registry (the part before the first `/`, when it has a `.` or a `:`): an RFC 3986
 *   authority as Go's net/url parses `//<registry>`, i.e. host characters, a port of digits
 *   after the last `:`, a bracketed IPv6 address, nothing escaped;
 * - a digest: `sha256:` and 64 lower-case hex digits.
 *
 * The registry rule follows net/url as of Go 1.26 (an `[` only at the start, around an IPv6
 * address; several `:` allowed outside http URLs), the newest behaviour; older Go took more.
 */

const DEFAULT_REGISTRY = 'index.docker.io';
const DEFAULT_REGISTRY_ALIAS = 'docker.io';
const REPOSITORY_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789_-./';
const TAG_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789_-.ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const SHA256_PREFIX = 'sha256:';

/** A parsed repository: its registry (defaulted) and its path. */
interface Repository {
  registry: string;
  repository: string;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

/** Counts code points, as Go's utf8.RuneCountInString does. */
const runeCount = (s: string): number => [...s].length;

/** The package's checkElement: a length in runes, then every rune from `allowed` (`shown`, in a few words). */
function elementError(what: string, element: string, allowed: string, shown: string, min: number, max: number): string | undefined {
  const n = runeCount(element);
  if (n < min || n > max) return `the ${what} ${JSON.stringify(element)} is not ${min} to ${max} characters long`;
  for (const ch of element) if (!allowed.includes(ch)) return `the ${what} ${JSON.stringify(element)} has ${JSON.stringify(ch)}, not one of ${shown}`;
  return undefined;
}

/** `:` and decimal digits, or nothing (net/url's validOptionalPort). */
const optionalPort = (s: string): boolean => /^(:[0-9]*)?$/.test(s);

/** ASCII that net/url takes unescaped in a host: unreserved, sub-delims, and `: [ ] < > "`. */
const HOST_ASCII = /^[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]$/;

/** netip.ParseAddr's IPv4: four decimal fields of at most 255, no leading zeros. */
function ipv4(s: string): boolean {
  const fields = s.split('.');
  return fields.length === 4 && fields.every((f) => /^(0|[1-9][0-9]{0,2})$/.test(f) && Number(f) <= 255);
}

/** The colon-separated fields of one side of `::`: hex fields of 1 to 4 digits, an IPv4 address last if `v4Last`; how many 16-bit groups. */
function ipv6Groups(part: string, v4Last: boolean): number | undefined {
  if (part === '') return 0;
  const fields = part.split(':');
  let groups = 0;
  for (let k = 0; k < fields.length; k++) {
    const f = fields[k]!;
    if (v4Last && k === fields.length - 1 && f.includes('.')) {
      if (!ipv4(f)) return undefined;
      groups += 2;
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(f)) groups += 1;
    else return undefined;
  }
  return groups;
}

/** What netip.ParseAddr takes as an IPv6 address without a zone (the only kind net/url keeps between brackets). */
function ipv6(s: string): boolean {
  // ParseAddr goes by the first of '.', ':' and '%': an IPv4 address is no IP-literal, a zone is escaped.
  const first = /[.:%]/.exec(s);
  if (first === null || first[0] !== ':') return false;
  const halves = s.split('::');
  if (halves.length > 2) return false;
  if (halves.length === 1) return ipv6Groups(s, true) === 8;
  const left = ipv6Groups(halves[0]!, false);
  const right = ipv6Groups(halves[1]!, true);
  // `::` stands for at least one group of zeros.
  return left !== undefined && right !== undefined && left + right <= 7;
}

/** Whether net/url parses `//<name>` without error to a URL whose host is exactly `name` (the package's checkRegistry). */
function authority(name: string): boolean {
  // A control character fails the parse; '#', '?', '/', '@' end the host early; '%' escapes, which a host
  // may use only for non-ASCII bytes and which change the host when decoded.
  if (/[\u0000-\u001f\u007f#?/@%]/.test(name)) return false;
  const open = name.lastIndexOf('[');
  if (open > 0) return false;
  if (open === 0) {
    const close = name.lastIndexOf(']');
    return close > 0 && optionalPort(name.slice(close + 1)) && ipv6(name.slice(1, close));
  }
  // Outside http(s) URLs the port is what follows the last ':'.
  const colon = name.lastIndexOf(':');
  if (colon >= 0 && !optionalPort(name.slice(colon))) return false;
  for (const ch of name) if (ch.charCodeAt(0) < 0x80 && !HOST_ASCII.test(ch)) return false;
  return true;
}

/** name.NewRepository: an optional registry (a first part with '.' or ':') and the repository path. */
function newRepository(name: string): Parsed<Repository> {
  if (name === '') return fail('no repository');
  let registry = '';
  let repository = name;
  const slash = name.indexOf('/');
  if (slash >= 0) {
    const first = name.slice(0, slash);
    if (first.includes('.') || first.includes(':')) {
      registry = first;
      repository = name.slice(slash + 1);
    }
  }
  const bad = elementError('repository', repository, REPOSITORY_CHARS, 'a-z 0-9 _ - . /', 2, 255);
  if (bad !== undefined) return fail(bad);
  if (!authority(registry)) return fail(`the registry ${JSON.stringify(registry)} is not an RFC 3986 URI authority`);
  if (registry === '' || registry === DEFAULT_REGISTRY_ALIAS) registry = DEFAULT_REGISTRY;
  return { ok: true, value: { registry, repository } };
}

/** Repository.Name(): Docker Hub's one-part repositories sit under `library/`. */
function repositoryName(r: Repository): string {
  const path = r.registry === DEFAULT_REGISTRY && !r.repository.includes('/') ? `library/${r.repository}` : r.repository;
  return `${r.registry}/${path}`;
}

/** name.NewTag: a tag is what follows the last ':' when no '/' follows it. */
function newTag(name: string): Parsed<Repository> {
  const parts = name.split(':');
  let base = name;
  const last = parts[parts.length - 1]!;
  if (parts.length > 1 && !last.includes('/')) {
    base = parts.slice(0, -1).join(':');
    // An empty tag (a trailing ':') is no tag: weak validation gives it "latest".
    if (last !== '') {
      const bad = elementError('tag', last, TAG_CHARS, 'A-Z a-z 0-9 _ - .', 1, 128);
      if (bad !== undefined) return fail(bad);
    }
  }
  return newRepository(base);
}

/** name.NewDigest: `<repository>@sha256:<hex>`, the repository as a tag reference would name it. */
function newDigest(name: string): Parsed<Repository> {
  const parts = name.split('@');
  if (parts.length !== 2) return fail("a digest reference has exactly one '@'");
  const [base, digest] = parts as [string, string];
  if (!digest.startsWith(SHA256_PREFIX)) return fail(`the digest ${JSON.stringify(digest)} is not a sha256 digest`);
  const hex = digest.slice(SHA256_PREFIX.length);
  // go-digest's Validate.
  if (!/^[a-f0-9]{64}$/.test(hex)) return fail('the sha256 digest is not 64 lower-case hex digits');
  const tag = newTag(base);
  return newRepository(tag.ok ? repositoryName(tag.value) : base);
}

/**
 * Why name.ParseReference(image, name.WeakValidation) fails, or undefined when it succeeds.
 * Upstream says only "could not parse reference"; the reason given here, in knsim's words, is
 * the first rule the tag parse breaks, or the digest parse's when the image has an '@'.
 */
export function imageReferenceError(image: string): string | undefined {
  const tag = newTag(image);
  if (tag.ok) return undefined;
  const digest = newDigest(image);
  if (digest.ok) return undefined;
  return image.includes('@') ? digest.reason : tag.reason;
}
