/**
 * loadWithCodeCache (src/cli/code-cache.ts): V8's cache is used only for the very source it was
 * made from, and a missing, stale or damaged cache costs a compile, never a wrong or failed load.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

const dir = mkdtempSync(join(tmpdir(), 'knsim-code-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Enough code that V8's cache is not trivially small; `answer` tells the versions apart.
const source = (answer: string): string =>
  `'use strict';\nconst table = [${Array.from({ length: 200 }, (_, i) => i * 3).join(', ')}];\n` +
  `module.exports = { answer: () => '${answer}', sum: () => table.reduce((a, b) => a + b, 0), file: __filename, req: typeof require };\n`;

type Loaded = { cache: string; answer?: string; sum?: number; file?: string; req?: string; sep?: string };

/**
 * Loads `file` in a fresh process, as bin/knsim.js does: V8 also keeps compiled scripts in memory,
 * keyed by their source, so a second load in this process would not read the cache at all.
 */
function load(file: string, { write = false } = {}): Loaded {
  const code = `
    import { loadWithCodeCache } from ${JSON.stringify(join(root, 'src/cli/code-cache.ts'))};
    const l = loadWithCodeCache(${JSON.stringify(file)});
    const m = l.exports;
    const out = { cache: l.cache };
    if (m.answer) Object.assign(out, { answer: m.answer(), sum: m.sum(), file: m.file, req: m.req });
    if (m.load) out.sep = (await m.load()).sep;
    if (${write}) l.writeCache();
    process.stdout.write(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Loaded;
}

describe('loadWithCodeCache', () => {
  it('runs the file as CommonJS, and takes the cache it wrote on the next load', () => {
    const file = join(dir, 'a.cjs');
    writeFileSync(file, source('a'));
    expect(load(file, { write: true })).toEqual({ cache: 'absent', answer: 'a', sum: 59700, file, req: 'function' });
    // The head of the cache is the source's SHA-256, in hex.
    expect(readFileSync(`${file}.cache`).subarray(0, 64).toString('latin1')).toMatch(/^[0-9a-f]{64}$/);
    expect(load(file)).toEqual({ cache: 'accepted', answer: 'a', sum: 59700, file, req: 'function' });
  });

  it('ignores the cache of another source of the same length, which V8 alone would take', () => {
    const file = join(dir, 'b.cjs');
    writeFileSync(file, source('b'));
    load(file, { write: true });
    writeFileSync(file, source('c'));
    expect(load(file)).toMatchObject({ cache: 'stale', answer: 'c', sum: 59700 });
  });

  // V8 checks its header (version, flags, source length, payload length), not a checksum of the
  // bytecode in release builds: a cache cut short or with a damaged header is refused.
  it.each([
    ['cut short', (c: Buffer): Buffer => c.subarray(0, c.length - 100)],
    ['with a damaged header', (c: Buffer): Buffer => Buffer.concat([c.subarray(0, 64), Buffer.alloc(16, 0x5a), c.subarray(80)])],
  ])('compiles from source when V8 refuses a cache %s', (how, damage) => {
    const file = join(dir, `d-${how.replace(/ /g, '-')}.cjs`);
    writeFileSync(file, source('d'));
    load(file, { write: true });
    writeFileSync(`${file}.cache`, damage(readFileSync(`${file}.cache`)));
    expect(load(file)).toMatchObject({ cache: 'rejected', answer: 'd', sum: 59700 });
  });

  it('passes the bundle an import() of its own, which works with the cache taken', () => {
    const file = join(dir, 'i.cjs');
    writeFileSync(file, `module.exports = { load: () => __knsimImport('node:path') };\n`);
    expect(load(file, { write: true })).toEqual({ cache: 'absent', sep: '/' });
    expect(load(file)).toEqual({ cache: 'accepted', sep: '/' });
  });
});
