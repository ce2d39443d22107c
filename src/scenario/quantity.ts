/**
 * Kubernetes resource quantities (`500m`, `1.5`, `2Gi`, `1e3`), the part a scenario needs:
 * CPU in millicores and memory in bytes, rounded up as the kubelet's MilliValue/Value do.
 * Callers turn a QuantityError into a one-line ScenarioError with the file and field path.
 */

import { shownNumber } from './errors.js';

/** A malformed or out-of-range quantity; `message` is the rule, without file or path. */
export class QuantityError extends Error {
  override readonly name = 'QuantityError';
}

/** A well-formed quantity below 0: Kubernetes' resource rule; a field that must be positive words it its own way. */
export class NegativeQuantityError extends QuantityError {}

// <sign><digits>[.<digits>]<suffix>, where the suffix is binary SI, decimal SI or an exponent (apimachinery's grammar).
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const SYNTAX = 'quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\' (e.g. 500m, 1.5, 2Gi)';

/** The quantity's value in base units (cores, bytes); YAML numbers are read as their decimal text. */
function parseQuantity(v: unknown): number {
  let s: string;
  if (typeof v === 'number' && Number.isFinite(v)) s = String(v);
  else if (typeof v === 'string') s = v.trim() === v ? v : '\u0000';
  else throw new QuantityError(`expected a quantity (a string such as "500m" or a number), got ${typeof v === 'object' ? (v === null ? 'null' : 'a mapping or list') : typeof v === 'number' ? shownNumber(v) : String(v)}`);
  const m = QUANTITY.exec(s);
  if (m === null) throw new QuantityError(`${JSON.stringify(v)}: ${SYNTAX}`);
  const sign = m[1] === '-' ? -1 : 1;
  const mantissa = Number(m[2]);
  const suffix = m[3] ?? '';
  let value: number;
  if (BINARY[suffix] !== undefined) value = mantissa * BINARY[suffix]!;
  else if (DECIMAL[suffix] !== undefined) value = mantissa * 10 ** DECIMAL[suffix]!;
  else value = mantissa * 10 ** Number(suffix.slice(1));
  if (!Number.isFinite(value)) throw new QuantityError(`${JSON.stringify(v)}: quantity too large`);
  if (sign < 0 && value > 0) throw new NegativeQuantityError(`${JSON.stringify(v)}: must be greater than or equal to 0`);
  return value;
}

/** Rounds up a value that floating point left a hair above an integer (1.1 × 1000 = 1100.0000000000002). */
function ceilClean(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) < 1e-9 * Math.max(1, Math.abs(x)) ? r : Math.ceil(x);
}

/** CPU in millicores, rounded up to a whole millicore (`100u` is 1m, as Kubernetes' MilliValue). */
export function parseCpuMillis(v: unknown): number {
  const m = ceilClean(parseQuantity(v) * 1000);
  // Past 2^53 millicores (9e12 cores) a double no longer holds the count, and past 1.8e305 cores it is Infinity.
  if (m > Number.MAX_SAFE_INTEGER) throw new QuantityError(`${JSON.stringify(v)}: quantity too large`);
  return m;
}

/** Memory in bytes, rounded up to a whole byte. */
export function parseMemoryBytes(v: unknown): number {
  const b = ceilClean(parseQuantity(v));
  if (b > Number.MAX_SAFE_INTEGER) throw new QuantityError(`${JSON.stringify(v)}: quantity too large`);
  return b;
}
