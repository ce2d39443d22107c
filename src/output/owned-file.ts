/**
 * A single output file named by a flag (`knsim test --junit FILE`, `knsim sweep k8s-job -o
 * FILE`, the controller's `--csv FILE`): written whole to a temporary sibling and renamed over
 * the target, so a reader never sees half of it, and never put over a file knsim did not
 * write. A file counts as knsim's when its beginning carries the mark knsim writes there for
 * that kind of file; anything else (the scenario itself, a user's notes) is refused.
 */
import { accessSync, closeSync, constants, lstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { namedError } from './write-file.js';
import { makeDirs } from './make-dirs.js';
import { OutputError, toOutputError } from './output-error.js';

/** How much of an existing file is read to find knsim's mark. */
const HEAD_BYTES = 4096;

/** The first bytes of `path` as text. */
function head(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Refuses `path` unless it is free or a file knsim wrote (its first bytes match `mark`).
 * `what` names the flag, e.g. `--junit out.xml`.
 */
export function checkOwnedFile(path: string, what: string, mark: RegExp): void {
  if (path === '') throw new OutputError(`${what}: names no file`);
  if (/[\\/]$/.test(path)) throw new OutputError(`${what}: ends in "/", so it names a directory; name a file`);
  let st;
  try {
    st = lstatSync(path, { throwIfNoEntry: false });
  } catch (e) {
    // ENOTDIR: a file stands where the path needs a directory; said below, with the file's name.
    if ((e as { code?: unknown }).code !== 'ENOTDIR') throw toOutputError(e, what);
  }
  if (st === undefined) {
    checkRoomFor(path, what);
    return;
  }
  if (st.isDirectory()) throw new OutputError(`${what}: is a directory; name a file`);
  if (!st.isFile()) throw new OutputError(`${what}: exists and is not a regular file; knsim will not replace it`);
  let text: string;
  try {
    text = head(path);
  } catch (e) {
    throw toOutputError(e, what);
  }
  if (!mark.test(text)) throw new OutputError(`${what}: exists and was not written by knsim; knsim will not replace it (remove it or name another file)`);
}

/**
 * Refuses a file that cannot be created: the nearest existing directory above it must be
 * a directory knsim may write in (the directories between are made as `mkdir -p` would).
 */
function checkRoomFor(path: string, what: string): void {
  for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
    let st;
    try {
      st = statSync(dir, { throwIfNoEntry: false });
    } catch {
      st = undefined; // ENOTDIR: look further up for the file in the way
    }
    if (st !== undefined) {
      if (!st.isDirectory()) throw new OutputError(`${what}: ${dir} is a file, not a directory`);
      try {
        accessSync(dir, constants.W_OK);
      } catch (e) {
        throw toOutputError(e, what);
      }
      return;
    }
    if (dirname(dir) === dir) return;
  }
}

/** knsim's marks, one per kind of single-file output: what the first bytes of such a file look like. */
export const OWNED_MARKS = {
  /** `knsim test --junit`: expect/junit.ts's root element. */
  junit: /^<\?xml [^\n]*\?>\n<testsuites name="knsim test"/,
  /** `knsim sweep k8s-job -o`: sweep/k8s-job.ts's opening comment. */
  k8sJob: /^# knsim sweep /,
} as const;

/** Writes `text` to `path` atomically, after {@link checkOwnedFile}. */
export function writeOwnedFile(path: string, text: string, what: string, mark: RegExp): void {
  checkOwnedFile(path, what, mark);
  const tmp = join(dirname(path), `.${basename(path)}.knsim-${process.pid}.tmp`);
  let created = false;
  try {
    // The directories between, as checkRoomFor promised (mkdir -p: existing ones are left as they are).
    makeDirs(dirname(path));
    // 'wx': a file already at the temporary name is not ours, so it is neither written nor removed.
    const fd = openSync(tmp, 'wx');
    created = true;
    try {
      writeFileSync(fd, text);
    } catch (e) {
      // A write to the descriptor names no file: the one being written.
      throw namedError(e, tmp);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    if (created) rmSync(tmp, { force: true });
    throw toOutputError(e, what);
  }
}
