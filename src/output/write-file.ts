/**
 * Writing an output file so that its failure names it: Node's writeFileSync reports a failed
 * write() (ENOSPC, EFBIG, EIO on a full or failing disk) with no path, only its open() with one,
 * and the one-line error must say which file could not be written.
 */
import { writeFileSync } from 'node:fs';

/** `e` naming `path` when it names no file (a write or close on a descriptor has no path of its own). */
export function namedError(e: unknown, path: string): unknown {
  if (e instanceof Error && (e as NodeJS.ErrnoException).path === undefined) (e as NodeJS.ErrnoException).path = path;
  return e;
}

/** writeFileSync(path, data), whose failure always names `path`. */
export function writeOutputFile(path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw namedError(e, path);
  }
}
