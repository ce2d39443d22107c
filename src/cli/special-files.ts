import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { notRegularFile } from '../scenario/regular-file.js';
import { UsageError } from './errors.js';

/**
 * Refuses a directory knsim is about to read (a run for `knsim report`, shards for `knsim sweep
 * merge`) when one of its .json or .csv entries is not a regular file: a named pipe there would
 * be waited on forever, a device read without end. `label` starts the line (`sweep merge: `).
 */
export function refuseSpecialFiles(dir: string, label = ''): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    // Not a directory, or missing: the command's own checks say so.
    return;
  }
  for (const name of names.sort()) {
    if (!/\.(json|csv)$/.test(name)) continue;
    // A directory of such a name is refused too: reading it failed with a bare EISDIR.
    const why = notRegularFile(join(dir, name));
    if (why !== undefined) throw new UsageError(`${label}${join(dir, name)}: ${why}`);
  }
}
