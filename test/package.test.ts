import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, { types: string; default: string }>;
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('published package', () => {
  it('is named knsim and exports ./autoscaler and ./traffic with types, built to dist', () => {
    expect(pkg.name).toBe('knsim');
    for (const sub of ['./autoscaler', './traffic']) {
      const e = pkg.exports[sub]!;
      expect(existsSync(join(root, e.default)), e.default).toBe(true);
      expect(existsSync(join(root, e.types)), e.types).toBe(true);
    }
  });

  it('resolves knsim/autoscaler and knsim/traffic from node', () => {
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', "const a = await import('knsim/autoscaler'); const t = await import('knsim/traffic'); console.log(typeof a.Decider, typeof a.parseAutoscalerConfig, typeof t.resolveTraffic, typeof t.buildSplit)"],
      { cwd: root, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('function function function function');
  });
});

// The import rules (layers, core's index, no packages in core) are in test/architecture/imports.test.ts.
describe('architecture rules', () => {
  it('src/core, src/engine and src/model never read Math.random or the wall clock', () => {
    const bad: string[] = [];
    for (const dir of ['src/core', 'src/engine', 'src/model']) {
      for (const f of walk(join(root, dir)).filter((p) => p.endsWith('.ts'))) {
        const src = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
        if (/Math\.random|Date\.now|new Date\(|performance\.now|process\.hrtime/.test(src)) bad.push(relative(root, f));
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('README', () => {
  it('the "Using the autoscaler as a library" example runs and its assertions hold', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.split(/^## Using the autoscaler as a library/m)[1];
    expect(section, 'README section').toBeDefined();
    const code = /```ts\n([\s\S]*?)```/.exec(section!)?.[1];
    expect(code, 'a ```ts block').toBeDefined();
    expect(code).toContain("from 'knsim/autoscaler'");
    mkdirSync(join(root, 'out'), { recursive: true });
    const file = join(root, 'out', 'readme-example.ts');
    writeFileSync(file, code!);
    // Inside the package directory, so 'knsim/autoscaler' resolves through package.json exports to dist.
    execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: root, stdio: 'pipe' });
  });
});
