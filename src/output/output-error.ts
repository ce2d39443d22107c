/**
 * Errors about an output directory: printed as one line naming the path and the cause,
 * exit code 2 (the user's disk, permissions or path, not a knsim bug).
 */
export class OutputError extends Error {
  override readonly name = 'OutputError';

  constructor(message: string) {
    super(visibleControls(message));
  }
}

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `s` with control characters and line separators written as escapes (`\n`, `\x1b`): a path
 * may hold a newline, and printed raw it would break the error's one line (or drive the terminal).
 */
export function visibleControls(s: string): string {
  return s.replace(/[\x00-\x1f\x7f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return NAMED_ESCAPES[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`);
  });
}

/** The file-system failures a user can fix, in words. */
const CAUSES: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'a file is in the way',
  EISDIR: 'is a directory',
  ENOENT: 'no such file or directory (was it removed while knsim was writing?)',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  EBUSY: 'device or resource busy',
  ENOTEMPTY: 'directory not empty',
  EXDEV: 'cannot move across file systems',
};

/** The errno code of a Node.js file-system error, if `e` is one. */
function errnoCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' ? code : undefined;
}

/**
 * `e` as an OutputError when it is a file-system failure a user can fix, else `e` itself
 * (a bug stays an internal error). `what` names the output, e.g. `--out reports/x`.
 */
export function toOutputError(e: unknown, what: string): unknown {
  if (e instanceof OutputError) return e;
  const code = errnoCode(e);
  if (code === undefined || CAUSES[code] === undefined) return e;
  const err = e as NodeJS.ErrnoException & { dest?: string };
  const op = err.syscall !== undefined ? `${err.syscall} ` : '';
  // knsim creates the missing parents first, so a mkdir that meets ENOENT is a place that takes no directories (/proc, a vanished mount).
  const cause = code === 'ENOENT' && err.syscall === 'mkdir' ? 'cannot create a directory there (no such file or directory)' : CAUSES[code];
  const at = err.path !== undefined ? `${op}${err.path}${err.dest !== undefined ? ` -> ${err.dest}` : ''}: ` : op !== '' ? `${op.trim()}: ` : '';
  return new OutputError(`${what}: ${at}${cause} (${code})`);
}

/** Runs `fn`, turning a file-system failure into an OutputError about `what`. */
export function mapOutputErrors<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw toOutputError(e, what);
  }
}
