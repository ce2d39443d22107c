/**
 * Plain scalars read as kubectl reads them. kubectl (sigs.k8s.io/yaml) converts YAML to JSON
 * with go-yaml v2, whose resolver is YAML 1.1-like, not the YAML 1.2 core schema the yaml
 * package uses by default. Where they differ, a manifest means something else to the cluster:
 * `defaultMode: 0644` is 420 (octal), not 644; `enabled: yes` and `on` are booleans; `1_000` is
 * 1000; `0b101` is 5. Quoted scalars stay strings either way. Timestamps stay strings (go-yaml v2
 * keeps them so when decoding into an untyped value, as kubectl does).
 *
 * The rules follow go-yaml v2's `resolve` (resolve.go, v2.4): a fixed table of special words,
 * then, for a scalar starting with a sign, a digit or a dot, Go's `strconv` integer syntax with
 * base prefixes (underscores dropped first), then its float syntax.
 */
import type { ScalarTag, Tags } from 'yaml';

const TRUE_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);

const SPECIAL_NUMBERS = new Map<string, number>([
  ...['.nan', '.NaN', '.NAN'].map((s): [string, number] => [s, Number.NaN]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s): [string, number] => [s, Number.POSITIVE_INFINITY]),
  ...['-.inf', '-.Inf', '-.INF'].map((s): [string, number] => [s, Number.NEGATIVE_INFINITY]),
]);

/** Go's base-0 integer syntax: hex, binary, 0o or leading-0 octal, decimal. */
const GO_INT = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|0[oO]?([0-7]+)|([1-9][0-9]*|0))$/;
/** go-yaml v2's float syntax (checked after underscores are dropped). */
const GO_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** What Go's ParseFloat takes from a scalar that starts with a dot (underscores not dropped). */
const DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseInt(s, 0, 64), then ParseUint(s, 0, 64) (no sign there); undefined where both fail. */
function goInteger(s: string): number | undefined {
  const m = GO_INT.exec(s);
  if (m === null) return undefined;
  const [, sign, hex, bin, oct, dec] = m;
  // The common case, exact in a double without BigInt: a decimal of at most 15 digits.
  if (dec !== undefined && dec.length <= 15) return sign === '-' ? -Number(dec) || 0 : Number(dec);
  const magnitude = hex !== undefined ? BigInt(`0x${hex}`) : bin !== undefined ? BigInt(`0b${bin}`) : oct !== undefined ? BigInt(`0o${oct}`) : BigInt(dec!);
  const v = sign === '-' ? -magnitude : magnitude;
  if (v >= INT64_MIN && v <= INT64_MAX) return Number(v);
  if (sign === '' && v <= UINT64_MAX) return Number(v);
  return undefined;
}

/** A plain scalar starting with + - . or a digit, as go-yaml v2 resolves it: a number, or the text itself. */
export function goYamlNumber(src: string): number | string {
  const special = SPECIAL_NUMBERS.get(src);
  if (special !== undefined) return special;
  if (src.startsWith('.')) return DOT_FLOAT.test(src) ? Number(src) : src;
  const plain = src.replaceAll('_', '');
  const int = goInteger(plain);
  if (int !== undefined) return int;
  if (GO_FLOAT.test(plain)) {
    const v = Number(plain);
    // Out of float64's range, ParseFloat fails and the scalar stays a string.
    if (Number.isFinite(v)) return v;
  }
  return src;
}

const nullTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:null',
  default: true,
  test: /^(?:~|null|Null|NULL)?$/,
  resolve: () => null,
};

const boolTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  test: /^(?:y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON|n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$/,
  resolve: (s) => TRUE_WORDS.has(s),
};

const numberTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  // Every scalar go-yaml v2 tries as a number; what is not one resolves to its own text.
  test: /^[-+.0-9]/,
  resolve: goYamlNumber,
};

const COLLECTIONS_AND_STRINGS = new Set(['tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq', 'tag:yaml.org,2002:str']);

type Kind = 'null' | 'bool' | 'int' | 'float' | 'str';

/** What go-yaml v2 resolves a scalar's text to, and its kind (the tag it would give it). */
function resolved(src: string): { kind: Kind; value: unknown } {
  if (nullTag.test!.test(src)) return { kind: 'null', value: null };
  if (boolTag.test!.test(src)) return { kind: 'bool', value: TRUE_WORDS.has(src) };
  if (numberTag.test!.test(src)) {
    const v = goYamlNumber(src);
    if (typeof v === 'number') return { kind: !SPECIAL_NUMBERS.has(src) && !src.startsWith('.') && goInteger(src.replaceAll('_', '')) !== undefined ? 'int' : 'float', value: v };
  }
  return { kind: 'str', value: src };
}

/**
 * An explicit `!!int`, `!!float`, `!!bool` or `!!null`: go-yaml v2 takes it only where the text
 * resolves to that kind (an integer also as a float), and otherwise fails ("cannot decode !!str
 * `30s` as a !!int"), so kubectl refuses the file; the yaml package had read `!!int 30s` as "30s".
 * Not `default`, so plain scalars never use it, and first among the tags of its name.
 */
function explicitTag(kind: Exclude<Kind, 'str'>, takes: readonly Kind[]): ScalarTag {
  return {
    tag: `tag:yaml.org,2002:${kind}`,
    default: false,
    resolve: (src, onError) => {
      const r = resolved(src);
      if (takes.includes(r.kind)) return kind === 'float' ? Number(r.value) : r.value;
      onError(`cannot decode !!${r.kind} ${JSON.stringify(src)} as a !!${kind}: kubectl refuses it (the tag must fit the value)`);
      return src;
    },
  };
}
const EXPLICIT = [explicitTag('null', ['null']), explicitTag('bool', ['bool']), explicitTag('int', ['int']), explicitTag('float', ['int', 'float'])];

/**
 * The yaml package's `customTags` for reading as kubectl does: its maps, sequences and strings,
 * and the resolver above for plain scalars in place of the core schema's. An explicit `!!int`
 * `!!float`, `!!bool` or `!!null` must fit its value, as go-yaml v2 checks (EXPLICIT).
 */
export function kubectlTags(tags: Tags): Tags {
  // The schema's tags are objects (names only appear in a user's customTags, which this replaces).
  const kept = tags.filter((t): t is Exclude<Tags[number], string> => typeof t === 'object' && COLLECTIONS_AND_STRINGS.has(t.tag));
  return [...kept, ...EXPLICIT, nullTag, boolTag, numberTag, { ...numberTag, tag: 'tag:yaml.org,2002:int' }];
}

/**
 * Options for writing YAML that kubectl reads back as written: the YAML 1.1 schema quotes every
 * string go-yaml v2 would read as something else (`"yes"`, `"0644"`, `"1_000"`), and more
 * (timestamps, `1:30`), which only adds quotes.
 */
export const KUBECTL_SAFE = { schema: 'yaml-1.1' } as const;
