/**
 * The bundled CLI (dist/bundle/, written by `npm run build`, loaded by bin/knsim.js) must behave
 * as the compiled modules do: the same files, byte for byte, the same errors and exit codes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** Runs `main(args)` of one build of the CLI in a fresh process. */
function cli(entry: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const code = `import(${JSON.stringify(join(root, entry))}).then((m) => m.main(${JSON.stringify(args)}))`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dist/bundle', () => {
  it('writes the same files as the compiled modules, the report and its charts included', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-bundle-'));
    const args = (out: string): string[] => ['run', 'scenarios/quickstart.yaml', '--duration', '3m', '--out', join(dir, out)];
    const modules = cli('dist/cli/main.js', args('modules'));
    const bundle = cli('dist/bundle/main.js', args('bundle'));
    expect(modules.status).toBe(0);
    expect(bundle.status).toBe(0);
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
    const modules = cli('dist/cli/main.js', ['run', 'scenarios/quickstart.yaml', '--seed', 'x']);
    const bundle = cli('dist/bundle/main.js', ['run', 'scenarios/quickstart.yaml', '--seed', 'x']);
    expect(modules.status).toBe(2);
    expect(bundle.status).toBe(2);
    expect(modules.stderr).toMatch(/seed/);
    expect(bundle.stderr).toBe(modules.stderr);
  });
});
