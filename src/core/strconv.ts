/**
 * Go `strconv` look-alikes for the value grammars Knative's ConfigMap and
 * annotation parsers accept. Knative reads every knob with Go's
 * `strconv.ParseFloat`, `strconv.ParseInt(s, 10, 32)`, `strconv.Atoi` and
 * `strconv.ParseBool`, so "1_000", "0x1p4", "+5" and "TRUE" are legal while
 * " 5", "1.0" (as an integer) and "" are not. JavaScript's `Number()` accepts a
 * different language, hence these small re-implementations.
 *
 * All functions are total: they return a result object instead of throwing, so
 * callers can attach the ConfigMap key or annotation name to the failure.
 */

/** Why a Go parse failed: `syntax` (ErrSyntax) or `range` (ErrRange). */
export type GoParseFailure = 'syntax' | 'range';

/** Outcome of a Go-style parse. */
export type GoParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: GoParseFailure };

const fail = (reason: GoParseFailure): { ok: false; reason: GoParseFailure } => ({ ok: false, reason });

/** `strconv.ParseBool`: exactly 1 t T TRUE true True / 0 f F FALSE false False. */
export function goParseBool(s: string): GoParseResult<boolean> {
  switch (s) {
    case '1':
    case 't':
    case 'T':
    case 'true':
    case 'TRUE':
    case 'True':
      return { ok: true, value: true };
    case '0':
    case 'f':
    case 'F':
    case 'false':
    case 'FALSE':
    case 'False':
      return { ok: true, value: false };
    default:
      return fail('syntax');
  }
}

/**
 * `strconv.ParseInt(s, 10, bitSize)`: an optional sign and ASCII decimal digits
 * only (no underscores, no whitespace, no base prefix), range-checked against a
 * signed integer of `bitSize` bits. Returns a bigint so 64-bit values stay exact.
 */
export function goParseInt(s: string, bitSize: 32 | 64): GoParseResult<bigint> {
  let digits = s;
  let neg = false;
  if (digits.startsWith('+') || digits.startsWith('-')) {
    neg = digits[0] === '-';
    digits = digits.slice(1);
  }
  if (!/^[0-9]+$/.test(digits)) return fail('syntax');
  const magnitude = BigInt(digits);
  const cutoff = 1n << BigInt(bitSize - 1);
  if (!neg && magnitude >= cutoff) return fail('range');
  if (neg && magnitude > cutoff) return fail('range');
  return { ok: true, value: neg ? -magnitude : magnitude };
}

/** Lower-cases ASCII letters only, like Go's byte-wise strconv helpers. */
const lower = (c: string): string => (c >= 'A' && c <= 'Z' ? c.toLowerCase() : c);

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isHexLetter = (c: string | undefined): boolean => c !== undefined && /^[a-fA-F]$/.test(c);

/**
 * Go's rule for digit-separating underscores: each `_` must sit between two
 * digits, or between a base prefix and a digit.
 */
function underscoresOK(s: string): boolean {
  let body = s;
  if (body.startsWith('+') || body.startsWith('-')) body = body.slice(1);
  let saw: '^' | '0' | '_' | '!' = '^';
  let i = 0;
  let hex = false;
  if (body.length >= 2 && body[0] === '0' && ['b', 'o', 'x'].includes(lower(body[1] ?? ''))) {
    i = 2;
    saw = '0';
    hex = lower(body[1] ?? '') === 'x';
  }
  for (; i < body.length; i++) {
    const c = body[i];
    if (isDigit(c) || (hex && isHexLetter(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** Multiplies `x` by 2^e in steps, so huge or tiny exponents don't overflow 2**e itself. */
function scaleByPowerOfTwo(x: number, e: number): number {
  let v = x;
  let k = e;
  while (k > 1000) {
    v *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    v *= 2 ** -1000;
    k += 1000;
  }
  return v * 2 ** k;
}

/**
 * `strconv.ParseFloat(s, 64)`: decimal or hexadecimal (`0x1.8p3`) floating-point
 * literals with optional sign, exponent and digit-separating underscores, plus
 * the case-insensitive specials `Inf`, `Infinity` (optionally signed) and `NaN`.
 * A finite literal too large for a float64 is a `range` failure, as in Go.
 *
 * Note that the specials succeed here, as they do in Go; the Knative-facing
 * parsers reject non-finite values themselves.
 */
export function goParseFloat(s: string): GoParseResult<number> {
  // Specials: the whole string must be one of them.
  const special = /^([+-]?)(inf|infinity)$/i.exec(s);
  if (special) return { ok: true, value: special[1] === '-' ? -Infinity : Infinity };
  if (/^nan$/i.test(s)) return { ok: true, value: NaN };

  let i = 0;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  let hex = false;
  if (i + 2 < s.length && s[i] === '0' && lower(s[i + 1] ?? '') === 'x') {
    hex = true;
    i += 2;
  }
  let underscores = false;
  let sawDot = false;
  let sawDigits = false;
  let mantissaDigits = '';
  let fractionDigits = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '_') {
      underscores = true;
      continue;
    }
    if (c === '.') {
      if (sawDot) break;
      sawDot = true;
      continue;
    }
    if (isDigit(c) || (hex && isHexLetter(c))) {
      sawDigits = true;
      mantissaDigits += c;
      if (sawDot) fractionDigits++;
      continue;
    }
    break;
  }
  if (!sawDigits) return fail('syntax');

  let exponent = 0;
  const expChar = hex ? 'p' : 'e';
  if (i < s.length && lower(s[i] ?? '') === expChar) {
    i++;
    let esign = 1;
    if (s[i] === '+' || s[i] === '-') {
      esign = s[i] === '-' ? -1 : 1;
      i++;
    }
    if (!isDigit(s[i])) return fail('syntax');
    let e = 0;
    for (; i < s.length && (isDigit(s[i]) || s[i] === '_'); i++) {
      if (s[i] === '_') {
        underscores = true;
        continue;
      }
      // Like Go, stop accumulating absurd exponents; the result saturates anyway.
      if (e < 10000) e = e * 10 + Number(s[i]);
    }
    exponent = e * esign;
  } else if (hex) {
    return fail('syntax'); // a hexadecimal literal needs its p exponent
  }
  if (i !== s.length) return fail('syntax');
  if (underscores && !underscoresOK(s.slice(0, i))) return fail('syntax');

  let value: number;
  if (hex) {
    const mantissa = BigInt(`0x${mantissaDigits}`);
    value = scaleByPowerOfTwo(Number(mantissa), exponent - 4 * fractionDigits);
  } else {
    // JavaScript's decimal conversion is correctly rounded, like Go's.
    const intPart = mantissaDigits.slice(0, mantissaDigits.length - fractionDigits) || '0';
    const fracPart = mantissaDigits.slice(mantissaDigits.length - fractionDigits);
    value = Number(`${intPart}.${fracPart}e${exponent}`);
  }
  if (!Number.isFinite(value)) return fail('range');
  return { ok: true, value: neg ? -value : value };
}

/** Go's unicode.IsSpace set: unlike JavaScript's trim, it has U+0085 (NEL) and lacks U+FEFF. */
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const GO_TRIM = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'g');

/** Go's `strings.TrimSpace`, which Knative's ConfigMap parsers apply to every string key (configmap AsString). */
export function goTrimSpace(s: string): string {
  return s.replace(GO_TRIM, '');
}

/**
 * Go's `strings.EqualFold(s, word)` for a lower-case ASCII `word`, as Knative matches flag values:
 * simple case folding, under which besides the ASCII capitals only ſ (U+017F) folds to s and the
 * Kelvin sign (U+212A) to k.
 */
export function goEqualFoldAscii(s: string, word: string): boolean {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase()).replace(/\u017f/g, 's').replace(/\u212a/g, 'k') === word;
}

/**
 * Go's `strings.ToLower`: each rune's simple lower case. JavaScript's toLowerCase uses the full
 * mapping instead, which turns İ (U+0130) into two code points (Go: plain i) and a word-final Σ
 * into ς (Go: σ); those two are the only places the mappings differ.
 */
export function goToLower(s: string): string {
  return s.replace(/\u0130/g, 'i').replace(/\u03a3/g, '\u03c3').toLowerCase();
}
