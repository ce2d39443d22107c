/**
 * makeDirs says why a directory could not be made, where Node's recursive mkdir turns a
 * read-only file system or a refused permission into ENOENT, and hangs under /proc. A read-only
 * file system is mocked here, since a root user cannot have one without mounting it.
 */
import * as fs from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeDirs } from '../../src/output/make-dirs.js';
import { toOutputError } from '../../src/output/output-error.js';

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, mkdirSync: vi.fn(real.mkdirSync) };
});

const realMkdir = (await vi.importActual<typeof import('node:fs')>('node:fs')).mkdirSync;
const mkdirSync = vi.mocked(fs.mkdirSync);
afterEach(() => mkdirSync.mockImplementation(realMkdir));

const errno = (code: string, path: string): Error => Object.assign(new Error(`${code}: mkdir '${path}'`), { code, syscall: 'mkdir', path });

/** A file system read-only below `ro`, whose recursive mkdir reports ENOENT as Node's does. */
function readOnlyBelow(ro: string): void {
  mkdirSync.mockImplementation(((p: fs.PathLike, opts?: fs.MakeDirectoryOptions) => {
    const path = String(p);
    if (!path.startsWith(`${ro}/`)) return realMkdir(path, opts);
    throw errno(opts?.recursive === true ? 'ENOENT' : 'EROFS', path);
  }) as typeof fs.mkdirSync);
}

/** A file system where `other` makes `at` just before this process does. */
function racedAt(at: string): void {
  mkdirSync.mockImplementation(((p: fs.PathLike, opts?: fs.MakeDirectoryOptions) => {
    if (String(p) === at) realMkdir(at);
    return realMkdir(p, opts);
  }) as typeof fs.mkdirSync);
}

describe('makeDirs', () => {
  it('makes every missing directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-mkdirs-'));
    makeDirs(join(dir, 'a/b/c'));
    expect(fs.statSync(join(dir, 'a/b/c')).isDirectory()).toBe(true);
  });

  it('on a read-only file system, fails with EROFS naming the first directory it could not make', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-mkdirs-'));
    readOnlyBelow(dir);
    let err: unknown;
    try {
      makeDirs(join(dir, 'new/deep'));
    } catch (e) {
      err = e;
    }
    expect((toOutputError(err, '--out x') as Error).message).toBe(`--out x: mkdir ${join(dir, 'new')}: read-only file system (EROFS)`);
  });

  it('under /proc, which takes no directories: ENOENT at once (Node\'s recursive mkdir retries for ever there)', () => {
    expect(() => makeDirs('/proc/knsim-nowhere/deep')).toThrow(expect.objectContaining({ code: 'ENOENT', path: '/proc/knsim-nowhere' }));
  });

  it('a file on the way: ENOTDIR, naming the directory that could not be made', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-mkdirs-'));
    fs.writeFileSync(join(dir, 'f'), 'x');
    expect(() => makeDirs(join(dir, 'f/a/b'))).toThrow(expect.objectContaining({ code: 'ENOTDIR', path: join(dir, 'f/a') }));
  });

  it('a directory another process makes meanwhile is taken as made', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-mkdirs-'));
    racedAt(join(dir, 'a'));
    makeDirs(join(dir, 'a/b'));
    expect(fs.statSync(join(dir, 'a/b')).isDirectory()).toBe(true);
  });
});
