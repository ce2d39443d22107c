/**
 * Input files must be regular files. Opening a named pipe with no writer blocks forever (before
 * a single byte is read, so no size cap helps), a device such as /dev/zero or /dev/urandom
 * never ends, and a socket cannot be opened at all: each is refused by its kind, before it is
 * opened.
 */
import { closeSync, constants, fstatSync, openSync, statSync, type Stats } from 'node:fs';

/**
 * A descriptor this process already holds (`/dev/stdin`, `/dev/fd/N`, `/proc/self/fd/N`): a pipe
 * there is open at both ends already, piped in (`cat s.yaml | knsim run /dev/stdin`) or from the
 * shell's process substitution (`knsim run <(…)`), so reading it ends when its writer does.
 */
const OPEN_DESCRIPTOR = /^\/(?:dev\/stdin|dev\/fd\/\d+|proc\/self\/fd\/\d+)$/;

/** Why a file of these stats is refused, or undefined for a regular file (or a pipe already open). */
function refusal(st: Stats, path: string): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isFIFO() && OPEN_DESCRIPTOR.test(path)) return undefined;
  if (st.isDirectory()) return 'is a directory';
  const kind = st.isFIFO() ? 'a named pipe (FIFO)'
    : st.isSocket() ? 'a socket'
    : st.isCharacterDevice() ? 'a character device'
    : st.isBlockDevice() ? 'a block device'
    : 'not a regular file';
  return `is ${kind}, not a regular file: knsim reads input only from regular files`;
}

/**
 * Why `path` is refused before it is opened (`is a named pipe (FIFO), not a regular file: …`), or
 * undefined for a regular file, a symbolic link to one, a pipe this process holds open, or a path that cannot be looked at (the
 * read that follows names that error: no such file, permission denied).
 */
export function notRegularFile(path: string): string | undefined {
  try {
    return refusal(statSync(path), path);
  } catch {
    return undefined;
  }
}

/** Whether `path` is a pipe this process holds open (`/dev/stdin`, `<(…)`): its bytes can be read once only. */
export function readsOnce(path: string): boolean {
  try {
    return OPEN_DESCRIPTOR.test(path) && statSync(path).isFIFO();
  } catch {
    return false;
  }
}

/**
 * Opens a regular file for reading, or says why not (its kind). Opened without blocking, so a
 * file swapped for a pipe after it was looked at is refused too rather than waited on; reads of
 * a regular file are unaffected by that flag. Errors of the open itself (ENOENT, EACCES) are thrown.
 */
export function openRegularFile(path: string): number | { error: string } {
  const before = notRegularFile(path);
  if (before !== undefined) return { error: before };
  // A pipe already open is read blocking: its writer is there and its end ends the read.
  const open = OPEN_DESCRIPTOR.test(path);
  const fd = openSync(path, constants.O_RDONLY | (open ? 0 : (constants.O_NONBLOCK ?? 0)));
  const after = refusal(fstatSync(fd), path);
  if (after === undefined) {
    if (!open) noteInputFile(path);
    return fd;
  }
  closeSync(fd);
  return { error: after };
}

// Every input file this process opened (scenarios, traces, manifests, ConfigMaps): an output
// directory may not hold one, or replacing it would move the user's input aside.
const opened = new Set<string>();

/** Notes an input file read (a trace, streamed; an autoscaler module, bundled). */
export function noteInputFile(path: string): void {
  opened.add(path);
}

/** The input files opened so far, as given. */
export function inputFilesOpened(): string[] {
  return [...opened];
}
