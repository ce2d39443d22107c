/** Why a file could not be read, in a few words. */
export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file or directory'
    : code === 'EISDIR' ? 'is a directory'
    : code === 'EACCES' ? 'permission denied'
    : code === 'ELOOP' ? 'a loop of symbolic links'
    : e instanceof Error ? e.message
    : String(e);
}
