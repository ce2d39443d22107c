import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p dir`, one directory at a time. Node's recursive mkdir is not used: it reports any
 * failure on the way (a read-only file system, a permission) as ENOENT, which tells the user
 * the path does not exist, and under /proc, where mkdir fails with ENOENT below a directory
 * that exists, it retries for ever (Node 20). Made one by one, the first directory that cannot
 * be made fails with its own error (EROFS, EACCES, ENOTDIR, or a real ENOENT).
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); dirname(d) !== d; d = dirname(d)) {
    let st;
    try {
      st = statSync(d, { throwIfNoEntry: false });
    } catch {
      st = undefined; // ENOTDIR: a file on the way, which mkdir below names
    }
    if (st !== undefined) break;
    missing.unshift(d);
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      // Made meanwhile by another process (two knsim runs to one new folder): as good as ours.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || statSync(d, { throwIfNoEntry: false })?.isDirectory() !== true) throw e;
    }
  }
}
