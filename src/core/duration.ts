/**
 * Go `time.ParseDuration` for knsim, the one duration parser of core (the
 * autoscaler's knobs, the rollout-duration annotation) and of the CLI and
 * scenarios. Knative reads every duration (`stable-window`,
 * `scale-down-delay`, the `window` annotation, `rollout-duration`, …) with
 * Go's parser, which works in int64 nanoseconds. We parse to exact bigint
 * nanoseconds too, so rules such as "whole seconds only" (which rejects
 * "61984ms") are decided exactly as upstream decides them, and only then
 * convert to knsim's unit, seconds.
 */

import { InvalidArgumentError } from './errors.js';

/** Nanoseconds in one second. */
export const NANOS_PER_SECOND = 1_000_000_000n;

const TWO_TO_63 = 1n << 63n;
const MAX_SAFE_NANOS = BigInt(Number.MAX_SAFE_INTEGER);

/** Go's unit table; both micro signs (U+00B5 and U+03BC) mean microseconds. */
const UNIT_NANOS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n],
  ['\u03bcs', 1_000n],
  ['ms', 1_000_000n],
  ['s', NANOS_PER_SECOND],
  ['m', 60n * NANOS_PER_SECOND],
  ['h', 3600n * NANOS_PER_SECOND],
]);

/** Outcome of {@link tryParseGoDuration}: exact nanoseconds, or why the text is not a Go duration. */
export type GoDurationResult = { readonly ok: true; readonly nanos: bigint } | { readonly ok: false; readonly reason: string };

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Go's "missing unit"; a bare number (Go accepts only "0") gets the seconds spelling as a hint. */
function missingUnit(s: string): string {
  const bare = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$/.test(s);
  return `missing unit (use ns, us, ms, s, m or h${bare ? `; did you mean ${JSON.stringify(`${s}s`)}?` : ''})`;
}

/**
 * Parses `s` with Go's `time.ParseDuration` grammar,
 * `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` or a bare `0`, into exact nanoseconds.
 * Fractions are converted the way Go converts them (through a float64 and
 * truncation), and anything outside int64 nanoseconds is an overflow.
 * Never throws.
 */
export function tryParseGoDuration(s: string): GoDurationResult {
  const invalid = { ok: false, reason: 'not a Go duration (examples: "60s", "1m30s", "300ms")' } as const;
  let rest = s;
  let neg = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    neg = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return { ok: true, nanos: 0n };
  if (rest === '') return invalid;

  let total = 0n;
  while (rest !== '') {
    if (!(rest[0] === '.' || isDigit(rest[0]))) return invalid;

    // Integer part, with Go's overflow guard.
    let i = 0;
    let whole = 0n;
    for (; i < rest.length && isDigit(rest[i]); i++) {
      if (whole > TWO_TO_63 / 10n) return { ok: false, reason: 'duration overflows int64 nanoseconds' };
      whole = whole * 10n + BigInt(rest.charCodeAt(i) - 48);
      if (whole > TWO_TO_63) return { ok: false, reason: 'duration overflows int64 nanoseconds' };
    }
    const sawInteger = i > 0;
    rest = rest.slice(i);

    // Fraction: Go keeps accumulating digits until they would overflow, then ignores the rest.
    let fraction = 0n;
    let scale = 1;
    let sawFraction = false;
    if (rest.startsWith('.')) {
      rest = rest.slice(1);
      let j = 0;
      let overflow = false;
      for (; j < rest.length && isDigit(rest[j]); j++) {
        if (overflow) continue;
        if (fraction > (TWO_TO_63 - 1n) / 10n) {
          overflow = true;
          continue;
        }
        const next = fraction * 10n + BigInt(rest.charCodeAt(j) - 48);
        if (next > TWO_TO_63) {
          overflow = true;
          continue;
        }
        fraction = next;
        scale *= 10;
      }
      sawFraction = j > 0;
      rest = rest.slice(j);
    }
    if (!sawInteger && !sawFraction) return invalid;

    // Unit: everything up to the next digit or dot.
    let k = 0;
    while (k < rest.length && !(rest[k] === '.' || isDigit(rest[k]))) k++;
    if (k === 0) return { ok: false, reason: missingUnit(s) };
    const unitText = rest.slice(0, k);
    rest = rest.slice(k);
    const unit = UNIT_NANOS.get(unitText);
    if (unit === undefined) return { ok: false, reason: `unknown unit ${JSON.stringify(unitText)} (use ns, us, ms, s, m or h)` };

    if (whole > TWO_TO_63 / unit) return { ok: false, reason: 'duration overflows int64 nanoseconds' };
    let v = whole * unit;
    if (fraction > 0n) {
      // Same float64 arithmetic as Go, so e.g. "1.1h" lands on the same nanosecond.
      v += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (v > TWO_TO_63) return { ok: false, reason: 'duration overflows int64 nanoseconds' };
    }
    total += v;
    if (total > TWO_TO_63) return { ok: false, reason: 'duration overflows int64 nanoseconds' };
  }
  if (neg) return { ok: true, nanos: -total };
  if (total > TWO_TO_63 - 1n) return { ok: false, reason: 'duration overflows int64 nanoseconds' };
  return { ok: true, nanos: total };
}

/** Converts exact nanoseconds to knsim seconds. */
export function nanosToSeconds(nanos: bigint): number {
  // One correctly rounded division while the nanoseconds are exact in a double
  // (about 104 days); beyond that, split so whole seconds stay exact.
  if (nanos <= MAX_SAFE_NANOS && nanos >= -MAX_SAFE_NANOS) return Number(nanos) / 1e9;
  return Number(nanos / NANOS_PER_SECOND) + Number(nanos % NANOS_PER_SECOND) / 1e9;
}

/**
 * Whether a duration has at most second precision, i.e. Go's
 * `d.Round(time.Second) == d` (equivalently `d.Truncate(time.Second) == d`).
 */
export function isWholeSeconds(nanos: bigint): boolean {
  return nanos % NANOS_PER_SECOND === 0n;
}

/**
 * Parses a Go duration into exact nanoseconds.
 * @throws InvalidArgumentError naming `field` when `s` is not a Go duration.
 */
export function parseGoDurationNanos(s: string, field = 'duration'): bigint {
  if (typeof s !== 'string') throw new InvalidArgumentError(field, `must be a string, got ${typeof s}`);
  const r = tryParseGoDuration(s);
  if (!r.ok) throw new InvalidArgumentError(field, `${JSON.stringify(s)}: ${r.reason}`);
  return r.nanos;
}

/**
 * Parses a Go duration ("1m30s", "1.5h", "300ms", "0", "-1s") into seconds.
 * @throws InvalidArgumentError naming `field` when `s` is not a Go duration.
 */
export function parseGoDuration(s: string, field = 'duration'): number {
  return nanosToSeconds(parseGoDurationNanos(s, field));
}

/**
 * Parses a Go duration that must also have at most second precision, as
 * upstream demands for `stable-window`, `scale-down-delay`, the `window`
 * annotation and `progress-deadline` ("61984ms" is rejected).
 * @throws InvalidArgumentError naming `field` when `s` is malformed or not whole seconds.
 */
export function parseGoDurationWholeSeconds(s: string, field = 'duration'): number {
  const nanos = parseGoDurationNanos(s, field);
  if (!isWholeSeconds(nanos)) {
    throw new InvalidArgumentError(field, `${JSON.stringify(s)}: must be specified with at most second precision`);
  }
  return nanosToSeconds(nanos);
}

/**
 * Seconds as whole nanoseconds, the unit Go's time arithmetic works in. Compare elapsed times
 * this way: on knsim's float clock (since + d) − since can come out a hair under d
 * (59.99999999999999 for 60), and a reconciler that found d not yet elapsed would requeue for
 * the remaining 7e-15 s, which the clock cannot add at 74 s: the same instant, forever.
 */
export function wholeNanos(seconds: number): number {
  return Math.round(seconds * 1e9);
}
