/**
 * `knsim test DIR` when a directory cannot be listed (EACCES: say, a link into /proc): one line
 * and exit 2 for a directory the user named, a "skipped" line for one found inside. As root
 * (CI) no mode bit denies a listing, so readdirSync fails here by a mock for the marked path.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readdirSync = ((p: string, ...rest: unknown[]) => {
    if (String(p).endsWith('locked')) throw Object.assign(new Error(`EACCES: permission denied, scandir '${String(p)}'`), { code: 'EACCES' });
    return (fs.readdirSync as (...a: unknown[]) => unknown)(p, ...rest);
  }) as typeof fs.readdirSync;
  return { ...fs, default: { ...fs, readdirSync }, readdirSync };
});

const { collectScenarioFiles } = await import('../../src/expect/run-tests.js');

describe('collectScenarioFiles with a directory that cannot be listed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-unlistable-'));
  mkdirSync(join(dir, 'locked'));
  writeFileSync(join(dir, 'a.yaml'), 'name: a\nexpect: []\n');

  it('named on the command line: a one-line usage error naming it and the cause', () => {
    expect(() => collectScenarioFiles([join(dir, 'locked')])).toThrow(`test: ${join(dir, 'locked')}: a directory that cannot be listed (EACCES)`);
  });

  it('found inside a directory: said as skipped, the other scenarios still collected', () => {
    const r = collectScenarioFiles([dir]);
    expect(r.unreadable).toEqual([{ file: join(dir, 'locked'), reason: 'a directory that cannot be listed (EACCES)' }]);
    expect(r.files.length + r.skipped.length).toBe(1);
  });
});
