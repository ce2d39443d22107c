/**
 * node:fs for the browser build: an in-memory file store with the few synchronous calls
 * the run's writers use (CSV streams, summary and report), so the worker runs the same
 * output code as the CLI and the files it makes can be downloaded. Paths are plain
 * strings; directories are implied by the files under them.
 */
const files = new Map<string, string[]>();
const dirs = new Set<string>(['/']);
const open = new Map<number, string>();
let nextFd = 3;

function norm(p: string): string {
  return p.replace(/\/+/g, '/').replace(/\/$/, '') || '/';
}

function enoent(p: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, '${p}'`), { code: 'ENOENT' });
}

export function mkdirSync(p: string): void {
  let d = norm(p);
  while (d !== '/' && d !== '.' && d !== '') {
    dirs.add(d);
    d = d.slice(0, d.lastIndexOf('/')) || '/';
  }
}

/** Files open for reading: their bytes, encoded once at open (the report reads the run's CSVs a chunk at a time). */
const reading = new Map<number, Uint8Array>();
const encoder = new TextEncoder();

/** 'r' opens an existing file for reading; any other flag (the writers' 'w') starts it empty. */
export function openSync(p: string, flags = 'w'): number {
  const fd = nextFd++;
  if (flags === 'r') {
    reading.set(fd, encoder.encode(readFileSync(p)));
    return fd;
  }
  files.set(norm(p), []);
  open.set(fd, norm(p));
  return fd;
}

/** Up to `length` bytes of a file open for reading, from `position`, into `buffer` at `offset`. */
export function readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
  const bytes = reading.get(fd);
  if (bytes === undefined) throw new Error(`EBADF: bad file descriptor ${fd}`);
  const part = bytes.subarray(position, Math.min(bytes.length, position + length));
  buffer.set(part, offset);
  return part.length;
}

const decoder = new TextDecoder();

/** A string, or `length` bytes of a byte buffer from `offset` (the CSV writer's chunks: whole rows, so whole UTF-8 sequences). */
export function writeSync(fd: number, chunk: string | Uint8Array, offset = 0, length?: number): number {
  const p = open.get(fd);
  if (p === undefined) throw new Error(`EBADF: bad file descriptor ${fd}`);
  const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk.subarray(offset, offset + (length ?? chunk.length - offset)));
  files.get(p)!.push(text);
  return typeof chunk === 'string' ? chunk.length : (length ?? chunk.length - offset);
}

export function closeSync(fd: number): void {
  open.delete(fd);
  reading.delete(fd);
}

export function writeFileSync(p: string, data: string): void {
  files.set(norm(p), [data]);
}

export function readFileSync(p: string): string {
  const parts = files.get(norm(p));
  if (parts === undefined) throw enoent(p);
  if (parts.length > 1) parts.splice(0, parts.length, parts.join(''));
  return parts[0] ?? '';
}

export function existsSync(p: string): boolean {
  const n = norm(p);
  return files.has(n) || dirs.has(n);
}

export function rmSync(p: string): void {
  const n = norm(p);
  for (const k of [...files.keys()]) if (k === n || k.startsWith(n + '/')) files.delete(k);
  for (const k of [...dirs]) if (k === n || k.startsWith(n + '/')) dirs.delete(k);
}

export default { mkdirSync, openSync, readSync, writeSync, closeSync, writeFileSync, readFileSync, existsSync, rmSync };
