/**
 * The digest a sweep records for a user autoscaler module: one SHA-256 over the sources
 * bundled into it. Each source is named by where it sits in its own tree, so the digest
 * follows what the files hold and not where the project or knsim was put on disk.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';

/** The root of the running knsim (the directory holding dist/ and src/). */
export const KNSIM_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A relative path with `/` separators, as the digest names files on every platform. */
const relativeName = (from: string, abs: string): string => nodePath.relative(from, abs).split(nodePath.sep).join('/');

/**
 * SHA-256 of the sources bundled into `module` (esbuild's `inputs`, paths as the metafile
 * gives them). The user's own (`userInputs`) are named relative to the module's directory;
 * the rest are knsim's (what `knsim/autoscaler` brings), named relative to `knsimRoot` with a
 * `knsim:` prefix: naming them from the module's directory put knsim's install path in the
 * digest, so the same sweep run from two clones or installs never merged.
 */
export function sourcesSha256(module: string, inputs: readonly string[], userInputs: readonly string[], knsimRoot: string = KNSIM_ROOT): string {
  const dir = nodePath.dirname(module);
  const mine = new Set(userInputs.map((i) => nodePath.resolve(i)));
  const list = inputs
    .map((i) => {
      const abs = nodePath.resolve(i);
      const name = mine.has(abs) ? relativeName(dir, abs) : `knsim:${relativeName(knsimRoot, abs)}`;
      return [name, createHash('sha256').update(readFileSync(abs)).digest('hex')];
    })
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(list)).digest('hex');
}
