import { parseDuration } from '../scenario/values.js';
import type { RequestTraceMode } from '../model/spec.js';
import { UsageError } from './errors.js';

/** --seed: a whole number ≥ 0. */
export function parseSeed(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 0 || n > Number.MAX_SAFE_INTEGER) {
    throw new UsageError(`--seed: must be a whole number ≥ 0 (got ${JSON.stringify(v)})`);
  }
  return n;
}

/**
 * --duration and the other time flags: a Go duration ("90s", "10m", "1h30m"), the
 * same syntax a scenario's duration strings take, > 0. A bare number is not a Go
 * duration; the error suggests its seconds spelling ("90" → "90s").
 */
export function parseDurationFlag(v: unknown, flag = '--duration'): number | undefined {
  if (v === undefined) return undefined;
  const r = parseDuration(String(v));
  if (!r.ok) throw new UsageError(`${flag}: ${r.rule}`);
  if (!(r.seconds > 0) || !Number.isFinite(r.seconds)) throw new UsageError(`${flag}: must be > 0 (got ${JSON.stringify(v)})`);
  return r.seconds;
}

/** --trace: none | full | sample=R with R in (0, 1]. */
export function parseTraceFlag(v: unknown): RequestTraceMode | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  if (s === 'none' || s === 'full') return { mode: s };
  const m = /^sample=([0-9.eE+-]+)$/.exec(s);
  if (m) {
    const rate = Number(m[1]);
    if (rate > 0 && rate <= 1) return { mode: 'sample', rate };
  }
  throw new UsageError(`--trace: must be none, full or sample=R with 0 < R ≤ 1 (got ${JSON.stringify(s)})`);
}
