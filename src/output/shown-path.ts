/**
 * Outputs are written into a staging directory and renamed into place once complete. A file
 * that fails while being written there is named by its place under the user's output directory:
 * the staging directory is removed before the error is read, and is no path the user gave.
 */
import { isAbsolute, join, relative, sep } from 'node:path';

/** `p` moved from under `staged` to under `shown`; undefined when `p` is not under `staged`. */
export function shownPathOf(p: string, staged: string, shown: string): string | undefined {
  const rel = relative(staged, p);
  if (rel === '') return shown;
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return join(shown, rel);
}

/**
 * `e` with its path (a Node.js file-system error's) under `shown` instead of `staged`. A rename
 * keeps both its ends as they are: moving from staging into place is that step's own failure.
 */
export function atShownPath(e: unknown, staged: string, shown: string): unknown {
  if (!(e instanceof Error)) return e;
  const err = e as NodeJS.ErrnoException;
  if (err.syscall === 'rename' || typeof err.path !== 'string') return e;
  const p = shownPathOf(err.path, staged, shown);
  if (p !== undefined) err.path = p;
  return e;
}
