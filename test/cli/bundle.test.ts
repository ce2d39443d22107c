/**
 * The bundled CLI (dist/bundle/knsim.cjs and its code cache, written by `npm run build`, loaded by
 * bin/knsim.js) must behave as the compiled modules do: the same files, byte for byte, the same
 * errors and exit codes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleChunks } from '../../src/cli/stale-chunks.js';

const root = resolve(import.meta.dirname, '../..');

type Build = 'modules' | 'bundle';

/** Runs one build of the CLI in a fresh process: the compiled modules' `main`, or bin/knsim.js, which loads the bundle. */
function cli(build: Build, args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const argv =
    build === 'bundle'
      ? [join(root, 'bin/knsim.js'), ...args]
      : ['--input-type=module', '-e', `import(${JSON.stringify(join(root, 'dist/cli/main.js'))}).then((m) => m.main(${JSON.stringify(args)}))`];
  const r = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dist/bundle', () => {
  it('writes the same files as the compiled modules, the report and its charts included', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-bundle-'));
    const args = (out: string): string[] => ['run', 'scenarios/quickstart.yaml', '--duration', '3m', '--out', join(dir, out)];
    const modules = cli('modules', args('modules'));
    const bundle = cli('bundle', args('bundle'), { KNSIM_DEBUG: '1' });
    expect(modules.status).toBe(0);
    expect(bundle.status).toBe(0);
    // bin/knsim.js ran the bundle, and V8 took the code cache the build wrote.
    expect(bundle.stderr).toContain('knsim: code cache accepted\n');
    const names = readdirSync(join(dir, 'modules'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(join(dir, 'modules').length + 1))
      .sort();
    const bundled = readdirSync(join(dir, 'bundle'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(join(dir, 'bundle').length + 1))
      .sort();
    expect(bundled).toEqual(names);
    expect(names).toContain('timeseries.csv');
    expect(names).toContain('report.html');
    expect(names.filter((n) => n.endsWith('.png')).length).toBeGreaterThan(0);
    for (const name of names) {
      const a = readFileSync(join(dir, 'modules', name), 'latin1');
      const b = readFileSync(join(dir, 'bundle', name), 'latin1');
      // summary.json holds the run's wall time; every other byte must match.
      const strip = (s: string): string => (name === 'summary.json' ? s.replace(/"wallSeconds":\s*[0-9.e-]+/, '') : s);
      expect(strip(b), name).toBe(strip(a));
    }
  });

  it('refuses a bad flag with the same line and exit code 2', () => {
    const modules = cli('modules', ['run', 'scenarios/quickstart.yaml', '--seed', 'x']);
    const bundle = cli('bundle', ['run', 'scenarios/quickstart.yaml', '--seed', 'x']);
    expect(modules.status).toBe(2);
    expect(bundle.status).toBe(2);
    expect(modules.stderr).toMatch(/seed/);
    expect(bundle.stderr).toBe(modules.stderr);
  });

  it("leaves out zod's locales but English, and scenario errors read the same", () => {
    const dir = join(root, 'dist/bundle');
    // Each locale's own words for "invalid input" (the CLI bundle is minified, so it has no module comments).
    const words: Record<string, string> = { en: 'Invalid input', fr: 'Entrée invalide', de: 'Ungültige Eingabe', es: 'Entrada inválida', it: 'Input non valido' };
    for (const [locale, phrase] of Object.entries(words)) {
      expect(readFileSync(join(root, `node_modules/zod/v4/locales/${locale}.js`), 'utf8'), `${locale}: its phrase`).toContain(phrase);
    }
    for (const f of ['knsim.cjs', 'worker.js']) {
      const text = readFileSync(join(dir, f), 'utf8');
      const present = Object.keys(words).filter((l) => text.includes(words[l]!));
      expect(present, f).toEqual(['en']);
    }
    for (const set of ['services[0].initialPods=abc', 'seed=[1]', 'services[0].app.serviceTime.dist=weird']) {
      const args = ['run', 'scenarios/quickstart.yaml', '--set', set, '--out', join(tmpdir(), 'knsim-never-written')];
      const modules = cli('modules', args);
      const bundle = cli('bundle', args);
      expect(bundle.status, set).toBe(2);
      expect(bundle.stderr, set).toMatch(/^knsim: scenarios\/quickstart\.yaml: \S+: .+\n$/);
      expect(bundle.stderr, set).toBe(modules.stderr);
    }
  });
});

describe('stale chunks', () => {
  it('removes the hashed chunks the last build did not write, and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-chunks-'));
    const files = ['main.js', 'worker.js', 'chunk-AAAA1111.js', 'chunk-BBBB2222.js', 'run-CCCC3333.js', 'run-DDDD4444.js', 'notes.txt', 'chunk-lower123.js'];
    for (const f of files) writeFileSync(join(dir, f), f);
    const written = ['main.js', 'worker.js', 'chunk-AAAA1111.js', 'run-CCCC3333.js'].map((f) => join(dir, f));
    expect(removeStaleChunks(dir, written)).toEqual(['chunk-BBBB2222.js', 'run-DDDD4444.js']);
    expect(readdirSync(dir).sort()).toEqual(['chunk-AAAA1111.js', 'chunk-lower123.js', 'main.js', 'notes.txt', 'run-CCCC3333.js', 'worker.js']);
    // Run again with nothing stale: nothing more goes.
    expect(removeStaleChunks(dir, written)).toEqual([]);
  });

  it('dist/bundle holds the CLI, its code cache, the worker and the build id, and no chunk of an earlier build', () => {
    const dir = join(root, 'dist/bundle');
    expect(readdirSync(dir).sort()).toEqual(['build-id.json', 'knsim.cjs', 'knsim.cjs.cache', 'worker.js']);
    // Neither imports another file of the bundle: each is whole.
    for (const f of ['knsim.cjs', 'worker.js']) expect(readFileSync(join(dir, f), 'utf8')).not.toMatch(/(?:from ?|import\(|require\()"\.\.?\//);
  });
});
