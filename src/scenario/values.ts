/**
 * Leaf values of a scenario: durations (Go duration strings or numbers of
 * seconds), distributions and request-rate shapes, as zod schemas whose output
 * is already in the model's units (seconds, requests per second).
 */
import { z } from 'zod';
import { nanosToSeconds, tryParseGoDuration } from '../core/autoscaler/index.js';
import type { DistributionSpec, RateSpec } from '../model/spec.js';
import { quote, shownNumber } from './errors.js';

/** How a value is described in a "got …" clause. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  // YAML's tags make these objects of their own; none is a mapping.
  if (v instanceof Uint8Array) return 'binary data (!!binary)';
  if (v instanceof Date) return 'a timestamp (!!timestamp)';
  if (v instanceof Set) return 'a set (!!set)';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${quote(v)}`;
  if (typeof v === 'number') return `the number ${shownNumber(v)}`;
  if (typeof v === 'boolean') return `the boolean ${String(v)}`;
  return `a ${typeof v}`;
}

export type DurationCheck = 'nonneg' | 'positive';

const DURATION_HINT = 'a duration (Go string like "90s", "1h30m" or a number of seconds)';

/** Reads a duration: a Go duration string or a finite number of seconds. */
export function parseDuration(v: unknown): { ok: true; seconds: number } | { ok: false; rule: string } {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { ok: false, rule: `expected ${DURATION_HINT}, got ${describeValue(v)}` };
    return { ok: true, seconds: v };
  }
  if (typeof v === 'string') {
    const r = tryParseGoDuration(v);
    if (!r.ok) return { ok: false, rule: `invalid duration ${JSON.stringify(v)}: ${r.reason}` };
    return { ok: true, seconds: nanosToSeconds(r.nanos) };
  }
  return { ok: false, rule: `expected ${DURATION_HINT}, got ${describeValue(v)}` };
}

function checkDuration(seconds: number, check: DurationCheck): string | undefined {
  if (check === 'positive' && !(seconds > 0)) return 'must be greater than 0';
  if (check === 'nonneg' && seconds < 0) return 'must not be negative';
  return undefined;
}

/** A duration field, output in seconds. */
export function duration(check: DurationCheck = 'nonneg') {
  return z.unknown().transform((v, ctx): number => {
    if (v === undefined) {
      ctx.addIssue({ code: 'custom', message: 'required field is missing' });
      return z.NEVER;
    }
    const r = parseDuration(v);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.rule });
      return z.NEVER;
    }
    const bad = checkDuration(r.seconds, check);
    if (bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: bad });
      return z.NEVER;
    }
    return r.seconds;
  });
}

/**
 * A count (pods, users, activators): a whole number ≥ `min`. There is no upper bound
 * here: how much is too much is the work estimate's call (see work-estimate.ts), so
 * `initialPods: 1e308` is refused there, by the pod limit, with the flag that raises it.
 */
export function count(min: number) {
  return z.unknown().transform((v, ctx): number => {
    let rule: string | undefined;
    if (v === undefined) rule = 'required field is missing';
    else if (typeof v !== 'number') rule = `expected an integer, got ${describeValue(v)}`;
    else if (!Number.isFinite(v)) rule = `must be a finite number, got ${shownNumber(v)}`;
    else if (!Number.isInteger(v)) rule = `must be an integer, got ${v}`;
    else if (v < min) rule = `must be ≥ ${min}, got the number ${v}`;
    if (rule === undefined) return v as number;
    ctx.addIssue({ code: 'custom', message: rule });
    return z.NEVER;
  });
}

/**
 * A strict object: unknown fields are errors, and the error lists the known ones.
 */
export function obj<S extends z.core.$ZodLooseShape>(shape: S) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field (known fields: ${known})` : undefined),
  });
}

const nonneg = () => duration('nonneg');

const distributionObject = z.discriminatedUnion('dist', [
  obj({ dist: z.literal('constant'), value: nonneg() }),
  obj({ dist: z.literal('exponential'), mean: duration('positive') }),
  obj({ dist: z.literal('uniform'), min: nonneg(), max: nonneg() }),
  obj({ dist: z.literal('lognormal'), median: duration('positive'), p99: nonneg() }),
  obj({ dist: z.literal('empirical'), values: z.array(nonneg()).min(1) }),
]);

/**
 * A `<distribution>`: a plain duration (constant), or `{ dist: constant|exponential|uniform|lognormal|empirical, … }`.
 * Output: a DistributionSpec in seconds.
 */
export const distribution = z.unknown().transform((v, ctx): DistributionSpec => {
  if (v === undefined) {
    ctx.addIssue({ code: 'custom', message: 'required field is missing' });
    return z.NEVER;
  }
  if (typeof v === 'string' || typeof v === 'number') {
    const r = parseDuration(v);
    const bad = r.ok ? checkDuration(r.seconds, 'nonneg') : r.rule;
    if (!r.ok || bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: bad ?? 'invalid duration' });
      return z.NEVER;
    }
    return { dist: 'constant', value: r.seconds };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration or a distribution ({ dist: constant|exponential|uniform|lognormal|empirical, … }), got ${describeValue(v)}`,
    });
    return z.NEVER;
  }
  const r = distributionObject.safeParse(v);
  if (!r.success) {
    for (const iss of r.error.issues) ctx.issues.push({ ...iss, input: valueAtPath(v, iss.path) } as (typeof ctx.issues)[number]);
    return z.NEVER;
  }
  const d = r.data;
  switch (d.dist) {
    case 'constant':
      return { dist: 'constant', value: d.value };
    case 'exponential':
      return { dist: 'exponential', mean: d.mean };
    case 'uniform':
      if (d.max < d.min) {
        ctx.addIssue({ code: 'custom', message: `max (${d.max}s) must not be less than min (${d.min}s)`, path: ['max'] });
        return z.NEVER;
      }
      return { dist: 'uniform', min: d.min, max: d.max };
    case 'lognormal':
      if (d.p99 < d.median) {
        ctx.addIssue({ code: 'custom', message: `p99 (${d.p99}s) must not be less than median (${d.median}s)`, path: ['p99'] });
        return z.NEVER;
      }
      return { dist: 'lognormal', median: d.median, p99: d.p99 };
    case 'empirical':
      return { dist: 'empirical', values: d.values };
  }
});

const rps = () => z.number().min(0);

/** Seconds in a day: a diurnal rate is a sine with this period. */
export const DAY_SECONDS = 86_400;

const rateObject = z.discriminatedUnion('shape', [
  obj({ shape: z.literal('constant'), rps: rps() }),
  obj({ shape: z.literal('step'), steps: z.array(obj({ at: nonneg(), rps: rps() })).min(1) }),
  obj({ shape: z.literal('ramp'), from: rps(), to: rps(), start: nonneg(), end: nonneg() }),
  obj({ shape: z.literal('spike'), base: rps(), peak: rps(), at: nonneg(), duration: duration('positive') }),
  obj({ shape: z.literal('sine'), mean: rps(), amplitude: rps(), period: duration('positive'), phase: nonneg().optional() }),
  obj({ shape: z.literal('diurnal'), mean: rps(), amplitude: rps(), peakAt: nonneg().optional() }),
]);

/** A rate shape; output: the model's RateSpec (a diurnal shape becomes a 24 h sine). */
export const rate = rateObject.transform((r, ctx): RateSpec => {
  switch (r.shape) {
    case 'constant':
      return { shape: 'constant', rps: r.rps };
    case 'step': {
      for (let i = 1; i < r.steps.length; i++) {
        if (r.steps[i]!.at <= r.steps[i - 1]!.at) {
          ctx.addIssue({ code: 'custom', message: 'steps must be in strictly increasing order of at', path: ['steps', i, 'at'] });
          return z.NEVER;
        }
      }
      return { shape: 'step', steps: r.steps.map((s) => ({ atSeconds: s.at, rps: s.rps })) };
    }
    case 'ramp':
      if (!(r.end > r.start)) {
        ctx.addIssue({ code: 'custom', message: `must be after start (${r.start}s)`, path: ['end'] });
        return z.NEVER;
      }
      return { shape: 'ramp', fromRps: r.from, toRps: r.to, startSeconds: r.start, endSeconds: r.end };
    case 'spike':
      return { shape: 'spike', baseRps: r.base, peakRps: r.peak, atSeconds: r.at, durationSeconds: r.duration };
    case 'sine':
      return { shape: 'sine', meanRps: r.mean, amplitudeRps: r.amplitude, periodSeconds: r.period, phaseSeconds: r.phase ?? 0 };
    case 'diurnal': {
      // sin peaks a quarter period after the phase; the default peak is noon (t = 0 is midnight).
      const peakAt = r.peakAt ?? DAY_SECONDS / 2;
      return { shape: 'sine', meanRps: r.mean, amplitudeRps: r.amplitude, periodSeconds: DAY_SECONDS, phaseSeconds: peakAt - DAY_SECONDS / 4 };
    }
  }
});

/**
 * A string-valued map (ConfigMap data, annotations). YAML numbers and booleans
 * are accepted and turned into strings; anything else is an error at its key.
 */
/**
 * Why a YAML number cannot stand for the string value the user meant, or undefined: YAML
 * reads .inf as infinity and 99999999999999999 as 100000000000000000, so their text would
 * reach Knative's parsers as "Infinity" or with other digits. Quoted, the text is kept.
 */
export function unquotedNumberRule(what: string, v: number): string | undefined {
  if (Number.isNaN(v)) return `${what} values are strings: YAML reads an unquoted .nan as not a number; quote it`;
  if (!Number.isFinite(v)) return `${what} values are strings: YAML reads an unquoted ${v > 0 ? '' : '-'}.inf as infinity; quote it`;
  if (Number.isInteger(v) && !Number.isSafeInteger(v)) return `${what} values are strings: YAML reads this number as ${String(v)}, rounded to a double; quote it to keep its digits`;
  return undefined;
}

export function stringMap(what: string) {
  return z.record(z.string(), z.unknown()).transform((m, ctx): Record<string, string> => {
    const out: Record<string, string> = {};
    // The first bad value only: the message names one, and an issue for each of 190,000 bad
    // values overflowed the stack where zod gathers them.
    for (const [k, v] of Object.entries(m)) {
      const unquoted = typeof v === 'number' ? unquotedNumberRule(what, v) : undefined;
      if (typeof v === 'string') out[k] = v;
      else if (unquoted !== undefined) {
        ctx.addIssue({ code: 'custom', message: unquoted, path: [k] });
        return z.NEVER;
      } else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
      else {
        ctx.addIssue({ code: 'custom', message: `${what} values must be strings, got ${describeValue(v)}`, path: [k] });
        return z.NEVER;
      }
    }
    return out;
  });
}

function valueAtPath(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || typeof seg === 'symbol') return undefined;
    cur = Object.prototype.hasOwnProperty.call(cur, seg) ? (cur as Record<PropertyKey, unknown>)[seg] : undefined;
  }
  return cur;
}
