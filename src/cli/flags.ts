import { parseGoDuration } from '../core/duration.js';
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

/** --duration: a Go duration ("10m", "90s") or a number of seconds, > 0. */
export function parseDurationFlag(v: unknown, flag = '--duration'): number | undefined {
  if (v === undefined) return undefined;
  let s: number;
  if (typeof v === 'number' || /^\s*[0-9.]+\s*$/.test(String(v))) s = Number(v);
  else {
    try {
      s = parseGoDuration(String(v));
    } catch {
      throw new UsageError(`${flag}: must be a duration like 90s, 10m or 1h30m, or seconds (got ${JSON.stringify(v)})`);
    }
  }
  if (!(s > 0) || !Number.isFinite(s)) throw new UsageError(`${flag}: must be > 0 (got ${JSON.stringify(v)})`);
  return s;
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
