/**
 * Kubernetes resource quantities (`500m`, `1.5`, `2Gi`, `1e3`), parsed and printed as
 * k8s.io/apimachinery's resource.Quantity does: the same accepted strings, the same
 * rounding (up, to nano precision), the same cap for binary suffixes, the same canonical
 * form. Values are exact: a quantity is an integer count of nano-units (bigint) plus the
 * suffix family it was written in, which decides how it prints.
 */
import { InvalidArgumentError, requireInteger } from '../errors.js';

/** How a quantity prints: decimal SI suffixes (`k`, `M`, `m`), binary (`Ki`, `Mi`), or `e<n>` exponents. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** A parsed quantity: `nanos × 10⁻⁹` exactly, and the format it was written in. */
export interface Quantity {
  readonly nanos: bigint;
  readonly format: QuantityFormat;
}

/** Which rule of the quantity syntax a string broke (upstream's three parse errors). */
export type QuantityRule = 'format' | 'numeric' | 'suffix';

const RULE_TEXT: Record<QuantityRule, string> = {
  format:
    'quantities must match <sign><digits>.<digits><suffix>, e.g. 500m, 1.5, 2Gi, 1e3 (Kubernetes: ^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$)',
  numeric: 'the numeric part of a quantity needs at least one digit',
  suffix: 'the suffix must be one of n u m k M G T P E, Ki Mi Gi Ti Pi Ei, or e/E followed by an integer exponent',
};

/** A string that is not a Kubernetes quantity; `rule` names the rule it broke. */
export class QuantityError extends Error {
  override readonly name = 'QuantityError';
  readonly input: string;
  readonly rule: QuantityRule;
  constructor(input: string, rule: QuantityRule, detail?: string) {
    super(`${JSON.stringify(input)} is not a valid quantity: ${detail ?? RULE_TEXT[rule]}`);
    this.input = input;
    this.rule = rule;
  }
}

/** Options of {@link parseQuantity}. */
export interface ParseQuantityOptions {
  /**
   * Refuse a number without any digit (`.`, `+`, `Ki`, `m`), which Kubernetes itself reads
   * as 0. Default false (Kubernetes' behaviour); user-facing parsers may want the typo caught.
   */
  requireDigits?: boolean;
}

const NANO_EXP = -9;
const INT64_MAX = (1n << 63n) - 1n;
/** Digits an int64 always holds (upstream maxInt64Factors). */
const MAX_INT64_FACTORS = 18;

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXP = new Map<number, string>(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXP = new Map<number, string>(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));
const SUFFIX_CHARS = 'eEinumkKMGTP';

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const pow10 = (n: number): bigint => 10n ** BigInt(n);

interface Scanned {
  positive: boolean;
  /** Integer digits without leading zeros ("0" when none). */
  num: string;
  /** Fraction digits as written. */
  denom: string;
  suffix: string;
  /** At least one digit was written. */
  hasDigits: boolean;
}

/** Splits sign, integer digits, fraction digits and suffix, as upstream's scanner does. */
function scan(str: string): Scanned | undefined {
  let pos = 0;
  const end = str.length;
  let positive = true;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') pos++;
  const digitsStart = pos;
  while (pos < end && str[pos] === '0') pos++;
  const numStart = pos;
  while (pos < end && isDigit(str[pos])) pos++;
  let num = str.slice(numStart, pos);
  let hasDigits = pos > digitsStart;
  if (num === '') num = '0';
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    const d = pos;
    while (pos < end && isDigit(str[pos])) pos++;
    denom = str.slice(d, pos);
    if (denom !== '') hasDigits = true;
  }
  const suffixStart = pos;
  while (pos < end && SUFFIX_CHARS.includes(str[pos] as string)) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) return undefined;
  return { positive, num, denom, suffix: str.slice(suffixStart), hasDigits };
}

interface Suffix {
  base: 10 | 2;
  exponent: number;
  format: QuantityFormat;
}

function interpretSuffix(s: string): Suffix | undefined {
  const dec = DECIMAL_SUFFIXES[s];
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = BINARY_SUFFIXES[s];
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E') && /^[+-]?[0-9]+$/.test(s.slice(1))) {
    const v = BigInt(s.slice(1));
    if (v > INT64_MAX || v < -INT64_MAX - 1n) return undefined;
    // Upstream parses an int64 and keeps its low 32 bits.
    return { base: 10, exponent: Number(BigInt.asIntN(32, v)), format: 'DecimalExponent' };
  }
  return undefined;
}

/** Whether upstream takes its int64 fast path (where a number without digits reads as 0). */
function fastPath(sc: Scanned, sf: Suffix): boolean {
  let precision: number;
  let scale: number;
  if (sf.format === 'BinarySI') {
    scale = 0;
    precision = sc.denom.length > 0 ? -1 : 15 - sc.num.length - Math.trunc((sf.exponent * 3) / 10) - 1;
  } else {
    scale = sf.exponent;
    precision = MAX_INT64_FACTORS - (sc.num.length + sc.denom.length);
  }
  if (precision < 0) return false;
  scale -= sc.denom.length;
  if (scale < NANO_EXP) return false;
  if (sf.format === 'BinarySI') {
    const v = BigInt(sc.num + sc.denom) << BigInt(sf.exponent);
    return v <= INT64_MAX;
  }
  return true;
}

/**
 * Parses a Kubernetes quantity. Accepts exactly what resource.ParseQuantity accepts
 * (including its quirks: `1.` and `.5` are numbers; with `requireDigits` false, `.` and
 * `Ki` are 0); rounds non-zero values up to 1n; caps binary-suffixed values at 2⁶³−1.
 * @throws QuantityError naming the broken rule.
 */
export function parseQuantity(str: string, opts: ParseQuantityOptions = {}): Quantity {
  if (typeof str !== 'string') throw new QuantityError(String(str), 'format', `must be a string, got ${typeof str}`);
  if (str.length === 0) throw new QuantityError(str, 'format', 'a quantity may not be empty');
  if (str === '0') return { nanos: 0n, format: 'DecimalSI' };
  const sc = scan(str);
  if (sc === undefined) throw new QuantityError(str, 'format');
  const sf = interpretSuffix(sc.suffix);
  if (sf === undefined) throw new QuantityError(str, 'suffix', `unknown suffix ${JSON.stringify(sc.suffix)}: ${RULE_TEXT.suffix}`);
  if (!sc.hasDigits) {
    if (opts.requireDigits === true || !fastPath(sc, sf)) {
      throw new QuantityError(str, 'numeric');
    }
    return { nanos: 0n, format: sf.format };
  }
  // |value| = digits × 10^(−len(denom)) × (10^exp or 2^exp), in nano-units, rounded up.
  const digits = BigInt(sc.num + sc.denom);
  let num = digits;
  let exp10 = -sc.denom.length;
  if (sf.base === 2) num <<= BigInt(sf.exponent);
  else exp10 += sf.exponent;
  let nanos: bigint;
  const shift = exp10 - NANO_EXP;
  if (shift >= 0) nanos = num * pow10(shift);
  else {
    const d = pow10(-shift);
    nanos = num / d + (num % d === 0n ? 0n : 1n);
  }
  let format = sf.format;
  if (format === 'BinarySI') {
    const max = INT64_MAX * pow10(-NANO_EXP);
    if (nanos > max) nanos = max;
    // A binary value below 1 cannot print in binary: upstream switches it to decimal.
    if (nanos > 0n && nanos < pow10(-NANO_EXP)) format = 'DecimalSI';
  }
  return { nanos: sc.positive ? nanos : -nanos, format };
}

/** Removes factors of `base` from a non-zero magnitude: `[rest, count]`. */
function removeFactors(v: bigint, base: bigint): [bigint, number] {
  let n = 0;
  while (v !== 0n && v % base === 0n) {
    v /= base;
    n++;
  }
  return [v, n];
}

/**
 * The canonical string of a quantity (upstream Quantity.String): no fractional digits,
 * the largest suffix that loses nothing, in the quantity's own format. A binary quantity
 * strictly between −1024 and 1024, or not a whole number, prints as decimal SI.
 */
export function formatQuantity(q: Quantity): string {
  if (q.nanos === 0n) return '0';
  const sign = q.nanos < 0n ? '-' : '';
  const abs = q.nanos < 0n ? -q.nanos : q.nanos;
  const unit = pow10(-NANO_EXP);
  if (q.format === 'BinarySI' && abs >= 1024n * unit && abs % unit === 0n) {
    const [m, k] = removeFactors(abs / unit, 1024n);
    const suffix = BINARY_BY_EXP.get(k * 10);
    if (suffix !== undefined || k === 0) return `${sign}${m}${suffix ?? ''}`;
  }
  let [m, e] = removeFactors(abs, 10n);
  e += NANO_EXP;
  while (e % 3 !== 0) {
    m *= 10n;
    e--;
  }
  if (q.format === 'DecimalExponent') return `${sign}${m}${e === 0 ? '' : `e${e}`}`;
  // Deviation: past E (10^18) upstream prints no suffix at all, losing the magnitude; keep E.
  while (e > 18) {
    m *= 1000n;
    e -= 3;
  }
  return `${sign}${m}${DECIMAL_BY_EXP.get(e) ?? ''}`;
}

/** ceil(q × 10^−scale) away from zero, as upstream ScaledValue (0: Value, −3: MilliValue). */
export function scaledValue(q: Quantity, scale: number): bigint {
  const shift = scale - NANO_EXP;
  if (shift <= 0) return q.nanos * pow10(-shift);
  const d = pow10(shift);
  const abs = q.nanos < 0n ? -q.nanos : q.nanos;
  const r = abs / d + (abs % d === 0n ? 0n : 1n);
  return q.nanos < 0n ? -r : r;
}

/** A quantity of `value × 10^scale` (integers) in `format`, as NewScaledQuantity / NewMilliQuantity. */
export function quantityOf(value: bigint | number, scale: number, format: QuantityFormat): Quantity {
  // BigInt() of NaN or 1.5 would fail with a message naming neither the function nor the argument.
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new InvalidArgumentError('value', `must be a whole number, got ${value}`);
  requireInteger('scale', scale);
  const v = typeof value === 'bigint' ? value : BigInt(value);
  const shift = scale - NANO_EXP;
  if (shift >= 0) return { nanos: v * pow10(shift), format };
  const d = pow10(-shift);
  const abs = v < 0n ? -v : v;
  const r = abs / d + (abs % d === 0n ? 0n : 1n);
  return { nanos: v < 0n ? -r : r, format };
}

/** Compares two quantities by value: −1, 0 or 1. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}
