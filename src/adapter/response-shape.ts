/**
 * Checks the shape of API answers where the adapter parses them, so an API server (or a
 * proxy in front of it) answering garbage gives one line saying what was expected, not a
 * TypeError from deep in a parser.
 */
import { z } from 'zod';

/** An answer that is not what the call promises: `GET <path>: expected <what>, got <start of it>`. */
export class ResponseShapeError extends Error {
  override readonly name = 'ResponseShapeError';
}

const LIST = z.object({
  items: z.array(z.unknown()),
  metadata: z.object({ resourceVersion: z.string().optional() }).optional(),
});

/** A list answer: its items and the resourceVersion to watch from. */
export interface CheckedList {
  items: unknown[];
  metadata: { resourceVersion?: string | undefined };
}

/** The first 80 characters of what came back, on one line. */
export function preview(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  s = s.replace(/\s+/g, ' ');
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

/** `v` as a list of `kind` from GET `path`; @throws ResponseShapeError naming what was expected. */
export function checkList(v: unknown, path: string, kind: string): CheckedList {
  const r = LIST.safeParse(v);
  if (!r.success) throw new ResponseShapeError(`GET ${path}: expected a ${kind} with items[], got ${preview(v)}`);
  return { items: r.data.items, metadata: { resourceVersion: r.data.metadata?.resourceVersion } };
}
