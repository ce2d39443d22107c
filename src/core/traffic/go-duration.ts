/**
 * Go's `time.ParseDuration`, which is how Knative reads the
 * `serving.knative.dev/rollout-duration` annotation. Kept local to the traffic
 * library so it has no dependency on the autoscaler's parser.
 *
 * Accepted: an optional sign, then one or more `<number><unit>` parts where the
 * number may have a fraction ("1.5h", ".5s", "1."), units ns, us, µs, μs, ms, s,
 * m, h; or the bare "0". The value is exact in integer nanoseconds and limited
 * to Go's int64 range.
 */

const NS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n], // U+00B5 micro sign
  ['\u03bcs', 1_000n], // U+03BC Greek mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const TWO_63 = 1n << 63n;
const MAX_INT64 = TWO_63 - 1n;

/** A string `time.ParseDuration` rejects. */
export class GoDurationError extends Error {
  override readonly name = 'GoDurationError';
  /** The rejected input. */
  readonly input: string;
  constructor(input: string, reason: string) {
    super(`time: ${reason} ${JSON.stringify(input)}`);
    this.input = input;
  }
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/**
 * Parses a Go duration string to integer nanoseconds, with Go's rules and
 * rounding (a fraction is scaled through float64 and truncated, as Go does).
 * @throws {GoDurationError} when Go would return an error.
 */
export function parseGoDurationNanos(input: string): bigint {
  let s = input;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw new GoDurationError(input, 'invalid duration');
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) throw new GoDurationError(input, 'invalid duration');
    // Integer part: Go errors out once it passes 2^63.
    let i = 0;
    let v = 0n;
    while (isDigit(s[i])) {
      if (v > TWO_63 / 10n) throw new GoDurationError(input, 'invalid duration');
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > TWO_63) throw new GoDurationError(input, 'invalid duration');
      i++;
    }
    const pre = i > 0;
    s = s.slice(i);
    // Fraction: digits past int64 precision are ignored rather than rejected.
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      while (isDigit(s[j])) {
        if (!overflow) {
          if (f > MAX_INT64 / 10n) {
            overflow = true;
          } else {
            const y = f * 10n + BigInt(s.charCodeAt(j) - 48);
            if (y > TWO_63) overflow = true;
            else {
              f = y;
              scale *= 10;
            }
          }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) throw new GoDurationError(input, 'invalid duration');
    let k = 0;
    while (k < s.length && !(s[k] === '.' || isDigit(s[k]))) k++;
    if (k === 0) throw new GoDurationError(input, 'missing unit in duration');
    const u = s.slice(0, k);
    s = s.slice(k);
    const unit = NS_PER_UNIT.get(u);
    if (unit === undefined) throw new GoDurationError(input, `unknown unit ${JSON.stringify(u)} in duration`);
    if (v > TWO_63 / unit) throw new GoDurationError(input, 'invalid duration');
    v *= unit;
    if (f > 0n) {
      // Same float64 arithmetic as Go, so fractional nanoseconds truncate identically.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > TWO_63) throw new GoDurationError(input, 'invalid duration');
    }
    total += v;
    if (total > TWO_63) throw new GoDurationError(input, 'invalid duration');
  }
  if (neg) return -total;
  if (total > MAX_INT64) throw new GoDurationError(input, 'invalid duration');
  return total;
}
