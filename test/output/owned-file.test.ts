/**
 * Single-file outputs named by a flag (--junit, k8s-job -o, the controller's --csv) never
 * replace a file knsim did not write, and appear whole or not at all.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputError } from '../../src/output/output-error.js';
import { checkOwnedFile, OWNED_MARKS, writeOwnedFile } from '../../src/output/owned-file.js';

const JUNIT = '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="knsim test" tests="1" failures="0" errors="0" time="0.100">\n</testsuites>\n';

describe('writeOwnedFile', () => {
  it.each([
    { name: 'a new file', before: undefined },
    { name: 'a JUnit file knsim wrote', before: JUNIT.replace('tests="1"', 'tests="7"') },
  ])('writes over $name', ({ before }) => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-owned-'));
    const f = join(dir, 'junit.xml');
    if (before !== undefined) writeFileSync(f, before);
    writeOwnedFile(f, JUNIT, `--junit ${f}`, OWNED_MARKS.junit);
    expect(readFileSync(f, 'utf8')).toBe(JUNIT);
    expect(readdirSync(dir)).toEqual(['junit.xml']);
  });

  it.each([
    { name: 'a scenario', content: 'name: quickstart\nduration: 5m\n', rule: 'exists and was not written by knsim; knsim will not replace it (remove it or name another file)' },
    { name: 'a JUnit file from another tool', content: '<?xml version="1.0"?>\n<testsuites name="jest tests">\n', rule: 'exists and was not written by knsim; knsim will not replace it (remove it or name another file)' },
    { name: 'an empty file', content: '', rule: 'exists and was not written by knsim; knsim will not replace it (remove it or name another file)' },
  ])('refuses $name and leaves it as it was', ({ content, rule }) => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-owned-'));
    const f = join(dir, 'x.yaml');
    writeFileSync(f, content);
    expect(() => writeOwnedFile(f, JUNIT, `--junit ${f}`, OWNED_MARKS.junit)).toThrow(new OutputError(`--junit ${f}: ${rule}`));
    expect(readFileSync(f, 'utf8')).toBe(content);
    expect(readdirSync(dir)).toEqual(['x.yaml']);
  });

  it('refuses a directory and a symbolic link, even to a file knsim wrote', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-owned-'));
    mkdirSync(join(dir, 'd'));
    expect(() => writeOwnedFile(join(dir, 'd'), JUNIT, '--junit d', OWNED_MARKS.junit)).toThrow('--junit d: is a directory; name a file');
    writeFileSync(join(dir, 'real.xml'), JUNIT);
    symlinkSync(join(dir, 'real.xml'), join(dir, 'link.xml'));
    expect(() => writeOwnedFile(join(dir, 'link.xml'), 'x', '--junit link.xml', OWNED_MARKS.junit)).toThrow('--junit link.xml: exists and is not a regular file; knsim will not replace it');
    expect(readFileSync(join(dir, 'real.xml'), 'utf8')).toBe(JUNIT);
  });

  it.each([
    { name: 'a path ending in "/"', path: (d: string) => `${d}/new-dir/`, rule: () => 'ends in "/", so it names a directory; name a file' },
    { name: 'a file where a directory should be', path: (d: string) => join(d, 'f.txt', 'junit.xml'), rule: (d: string) => `${join(d, 'f.txt')} is a file, not a directory` },
    { name: 'a file further up', path: (d: string) => join(d, 'f.txt', 'a', 'b', 'junit.xml'), rule: (d: string) => `${join(d, 'f.txt')} is a file, not a directory` },
  ])('refuses $name before writing anything (it was an internal error or a late failure)', ({ path, rule }) => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-owned-'));
    writeFileSync(join(dir, 'f.txt'), 'notes');
    const f = path(dir);
    expect(() => checkOwnedFile(f, `--csv ${f}`, OWNED_MARKS.junit)).toThrow(new OutputError(`--csv ${f}: ${rule(dir)}`));
    expect(readdirSync(dir)).toEqual(['f.txt']);
  });

  it('a file in directories yet to be made is fine (they are made as mkdir -p would)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-owned-'));
    expect(() => checkOwnedFile(join(dir, 'a', 'b', 'decisions.csv'), '--csv x', OWNED_MARKS.junit)).not.toThrow();
  });

  it('makes the directories a new file needs, as mkdir -p would (it failed after the runs: ENOENT)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-owned-'));
    const f = join(dir, 'reports', 'ci', 'junit.xml');
    writeOwnedFile(f, JUNIT, `--junit ${f}`, OWNED_MARKS.junit);
    expect(readFileSync(f, 'utf8')).toBe(JUNIT);
    expect(readdirSync(join(dir, 'reports', 'ci'))).toEqual(['junit.xml']);
  });

  it('refuses an empty path before writing anything (it failed after the runs: rename ... -> "")', () => {
    expect(() => checkOwnedFile('', '--junit ', OWNED_MARKS.junit)).toThrow(new OutputError('--junit : names no file'));
  });

  it('a failed write leaves the old file, and a temporary file it did not make, as they were', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-owned-'));
    const f = join(dir, 'junit.xml');
    const old = JUNIT.replace('tests="1"', 'tests="7"');
    writeFileSync(f, old);
    // Something else holds the temporary name: the write fails ('wx') and removes nothing.
    const tmp = join(dir, `.junit.xml.knsim-${process.pid}.tmp`);
    writeFileSync(tmp, 'not ours');
    expect(() => writeOwnedFile(f, JUNIT, '--junit x', OWNED_MARKS.junit)).toThrow(OutputError);
    expect(readFileSync(f, 'utf8')).toBe(old);
    expect(readFileSync(tmp, 'utf8')).toBe('not ours');
    expect(readdirSync(dir).sort()).toEqual([`.junit.xml.knsim-${process.pid}.tmp`, 'junit.xml']);
  });

  it('the k8s-job mark is the opening comment of the Job YAML', () => {
    expect(OWNED_MARKS.k8sJob.test('# knsim sweep quickstart: 4 shard(s) as an Indexed Job.\n')).toBe(true);
    expect(OWNED_MARKS.k8sJob.test('name: quickstart\n# knsim sweep\n')).toBe(false);
  });
});
