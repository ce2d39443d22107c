/**
 * A user module's digest (what a sweep records to tell whether shards belong together)
 * follows the bundled files' contents, not where the project or knsim sits on disk.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourcesSha256 } from '../../src/scenario/module-digest.js';
import { compiledModuleSha256, loadUserClasses } from '../../src/scenario/user-classes.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'knsim-digest-'));

function put(path: string, text: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** A knsim install with its autoscaler entry holding `text`. */
function install(root: string, text = 'export const v = 1;\n'): string {
  return put(join(root, 'dist/core/autoscaler/index.js'), text);
}

describe('sourcesSha256', () => {
  it('is the same for the same files under two knsim installs at different depths', () => {
    const base = tmp();
    const module = put(join(base, 'project/scaler.ts'), 'import "knsim/autoscaler";\n');
    const a = install(join(base, 'clone-a'));
    const b = install(join(base, 'deep/er/clone-b'));
    expect(sourcesSha256(module, [module, a], [module], join(base, 'clone-a'))).toBe(sourcesSha256(module, [module, b], [module], join(base, 'deep/er/clone-b')));
  });

  it('moves with the contents of knsim\'s files and of the user\'s', () => {
    const base = tmp();
    const module = put(join(base, 'project/scaler.ts'), 'import "knsim/autoscaler";\n');
    const own = install(join(base, 'knsim'));
    const before = sourcesSha256(module, [module, own], [module], join(base, 'knsim'));
    install(join(base, 'knsim'), 'export const v = 2;\n');
    const knsimChanged = sourcesSha256(module, [module, own], [module], join(base, 'knsim'));
    expect(knsimChanged).not.toBe(before);
    put(module, 'import "knsim/autoscaler"; // edited\n');
    expect(sourcesSha256(module, [module, own], [module], join(base, 'knsim'))).not.toBe(knsimChanged);
  });

  it('names a user file relative to the module and a knsim file relative to knsim, so the two cannot stand for each other', () => {
    const base = tmp();
    // knsim's entry and a user file at the same relative path and with the same bytes.
    const module = put(join(base, 'p/scaler.ts'), 'x\n');
    const user = put(join(base, 'p/dist/core/autoscaler/index.js'), 'export const v = 1;\n');
    const own = install(join(base, 'p'));
    expect(own).toBe(user);
    expect(sourcesSha256(module, [module, user], [module, user], join(base, 'p'))).not.toBe(sourcesSha256(module, [module, own], [module], join(base, 'p')));
  });
});

describe('a module that imports knsim/autoscaler, bundled', () => {
  const MODULE = "import { defineAutoscaler } from 'knsim/autoscaler';\nexport default defineAutoscaler({ apiVersion: 'knsim.dev/v1', create() { return { decide() { return { desiredScale: 1 }; } }; } });\n";

  it('has one digest wherever the project sits relative to knsim', () => {
    const base = tmp();
    const near = put(join(base, 'scaler.ts'), MODULE);
    const far = put(join(base, 'a/b/c/d/scaler.ts'), MODULE);
    loadUserClasses(join(base, 's.yaml'), [{ name: 'near.example.com', module: 'scaler.ts' }]);
    loadUserClasses(join(base, 'a/b/c/d/s.yaml'), [{ name: 'far.example.com', module: 'scaler.ts' }]);
    const a = compiledModuleSha256(near);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(compiledModuleSha256(far)).toBe(a);
  });
});
