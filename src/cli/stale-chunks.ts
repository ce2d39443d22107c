import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** esbuild's names for chunks and split dynamic imports: `chunk-…`, `run-…`, ending in an 8-character content hash. */
const HASHED = /-[A-Z0-9]{8}\.js$/;

/**
 * Removes from the bundle directory `dir` the hashed chunks that this build did not write
 * (`written`: its output paths): a chunk's name is a hash of its content, so every changed
 * build writes new ones, and without this they pile up in dist/ and in the package.
 * Files with other names (entry points, anything else) are left alone. Returns the names removed.
 */
export function removeStaleChunks(dir: string, written: Iterable<string>): string[] {
  const keep = new Set([...written].map((f) => resolve(f)));
  const removed: string[] = [];
  for (const f of readdirSync(dir)) {
    const path = resolve(join(dir, f));
    if (HASHED.test(f) && !keep.has(path)) {
      rmSync(path);
      removed.push(f);
    }
  }
  return removed.sort();
}
