/**
 * File-system failures while writing an output are the user's to fix: one line naming the
 * path and the cause, exit 2. As root, chmod cannot produce EACCES, so these use synthetic
 * errno errors shaped like Node's.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportError } from '../../src/cli/main.js';
import { OutputError, toOutputError } from '../../src/output/output-error.js';
import { inspectTarget, retireOutput } from '../../src/output/output-dir.js';

const errno = (code: string, syscall: string, path?: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: ${syscall}${path !== undefined ? ` '${path}'` : ''}`), { code, syscall, ...(path !== undefined ? { path } : {}) });

describe('toOutputError', () => {
  const cases: Array<[string, NodeJS.ErrnoException, string]> = [
    ['EACCES', errno('EACCES', 'mkdir', '/srv/reports'), '--out /srv/reports/x: mkdir /srv/reports: permission denied (EACCES)'],
    ['EPERM', errno('EPERM', 'rename', '/srv/reports/x'), '--out /srv/reports/x: rename /srv/reports/x: operation not permitted (EPERM)'],
    ['EROFS', errno('EROFS', 'open', '/srv/reports/x.partial-7/pods.csv'), '--out /srv/reports/x: open /srv/reports/x.partial-7/pods.csv: read-only file system (EROFS)'],
    ['ENOSPC without a path (a write to an open file)', errno('ENOSPC', 'write'), '--out /srv/reports/x: write: no space left on the device (ENOSPC)'],
    ['ENOTDIR', errno('ENOTDIR', 'mkdir', '/srv/file/x'), '--out /srv/reports/x: mkdir /srv/file/x: a part of the path is a file, not a directory (ENOTDIR)'],
    ['EEXIST', errno('EEXIST', 'mkdir', '/srv/file'), '--out /srv/reports/x: mkdir /srv/file: a file is in the way (EEXIST)'],
    // mkdir in /proc: the parent is there, so "was it removed while knsim was writing?" was a wrong guess.
    ['ENOENT from mkdir', errno('ENOENT', 'mkdir', '/proc/x.partial-7'), '--out /srv/reports/x: mkdir /proc/x.partial-7: cannot create a directory there (no such file or directory) (ENOENT)'],
    ['ENOENT from open', errno('ENOENT', 'open', '/srv/reports/x.partial-7/pods.csv'), '--out /srv/reports/x: open /srv/reports/x.partial-7/pods.csv: no such file or directory (was it removed while knsim was writing?) (ENOENT)'],
  ];
  it.each(cases)('%s: one line naming the path and the cause', (_label, e, message) => {
    const out = toOutputError(e, '--out /srv/reports/x');
    expect(out).toBeInstanceOf(OutputError);
    expect((out as OutputError).message).toBe(message);
  });

  it('leaves other errors alone (a bug stays an internal error)', () => {
    const bug = new TypeError('x is undefined');
    expect(toOutputError(bug, '--out x')).toBe(bug);
    const odd = errno('ECONNRESET', 'read');
    expect(toOutputError(odd, '--out x')).toBe(odd);
  });
});

describe('reportError', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints an OutputError as one line with exit 2, and an unknown error as internal with exit 1', () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      lines.push(String(s));
      return true;
    });
    expect(reportError(toOutputError(errno('EACCES', 'open', '/srv/x/summary.json'), '--out /srv/x'))).toBe(2);
    expect(reportError(new Error('boom'))).toBe(1);
    expect(lines).toEqual(['knsim: --out /srv/x: open /srv/x/summary.json: permission denied (EACCES)\n', 'knsim: internal error (please report): boom\n']);
  });

  it('a path holding a newline or an escape character still makes one line, the characters shown as escapes', () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      lines.push(String(s));
      return true;
    });
    expect(reportError(toOutputError(errno('ENOSPC', 'open', '/srv/a\nb\u001b[2J/pods.csv'), '--out /srv/a\nb\u001b[2J'))).toBe(2);
    expect(lines).toEqual(['knsim: --out /srv/a\\nb\\x1b[2J: open /srv/a\\nb\\x1b[2J/pods.csv: no space left on the device (ENOSPC)\n']);
  });
});

describe('manifests that reach outside their directory', () => {
  it('are not knsim manifests: the directory is refused and nothing outside it is deleted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-manifest-'));
    writeFileSync(join(dir, 'victim'), 'keep');
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out/.knsim-output.json'), JSON.stringify({ kind: 'knsim-output', version: 1, command: 'run', files: ['../victim'] }));
    expect(() => inspectTarget(join(dir, 'out'), '--out out')).toThrow(
      '--out out: exists and is not a knsim output directory (its .knsim-output.json is not a knsim manifest; it holds 1 entry: ".knsim-output.json"); choose another path or remove it yourself',
    );
    // Even when asked to retire it, only listed files inside it could go: here none, so it is kept whole.
    expect(retireOutput(join(dir, 'out'), join(dir, 'new'))).toBe(join(dir, 'new.kept-1'));
    expect(readdirSync(dir).sort()).toEqual(['new.kept-1', 'victim']);
    expect(readdirSync(join(dir, 'new.kept-1'))).toEqual(['.knsim-output.json']);
  });
});
