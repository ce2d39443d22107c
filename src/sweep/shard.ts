/**
 * Sharding: `--shard i/N` runs the points whose index is i modulo N. Round-robin keeps
 * neighbouring (similarly expensive) points on different shards, and the subset depends
 * only on (i, N, number of points), so any machine computes the same one.
 */
import { UsageError } from '../scenario/usage-error.js';

export interface Shard {
  index: number;
  count: number;
}

export const MAX_SHARDS = 10_000;

/** Parses `i/N` with 0 ≤ i < N. */
export function parseShard(v: unknown): Shard | undefined {
  if (v === undefined) return undefined;
  // No spaces around it, as every numeric flag (src/cli/flags.ts DIGITS).
  const m = /^(\d+)\/(\d+)$/.exec(String(v));
  const rule = `--shard: must be i/N with whole numbers 0 ≤ i < N ≤ ${MAX_SHARDS} (got ${JSON.stringify(String(v))})`;
  if (m === null) throw new UsageError(rule);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1 && count <= MAX_SHARDS && index < count)) throw new UsageError(rule);
  return { index, count };
}

/** The point indices of a shard (all points without one), ascending. */
export function shardPoints(points: number, shard: Shard | undefined): number[] {
  const out: number[] = [];
  const step = shard?.count ?? 1;
  for (let p = shard?.index ?? 0; p < points; p += step) out.push(p);
  return out;
}
