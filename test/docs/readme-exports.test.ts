/**
 * The README's "What each entry point exports" against the package: every entry point in
 * package.json's `exports` has a list, and each list names exactly the values that entry
 * point exports (no undocumented export, no documented name that is not exported), with the
 * count its summary states.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { section } from './readme-section.js';
import { root } from '../support/cli.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
/** `./autoscaler` → `autoscaler`; package.json itself is no code entry point. */
const entryPoints = Object.keys(pkg.exports)
  .filter((k) => k !== './package.json')
  .map((k) => k.slice(2));

/** Each `<details>` list of the section: its entry point, stated count and the names it shows. */
function documented(): Map<string, { count: number; names: string[] }> {
  const text = section('### What each entry point exports');
  const out = new Map<string, { count: number; names: string[] }>();
  for (const m of text.matchAll(/<summary><code>knsim\/([\w-]+)<\/code>: (\d+) values<\/summary>([\s\S]*?)<\/details>/g)) {
    out.set(m[1]!, { count: Number(m[2]), names: [...m[3]!.matchAll(/`([\w$]+)`/g)].map((n) => n[1]!) });
  }
  return out;
}

describe('README: what each entry point exports', () => {
  const docs = documented();

  it('lists exactly the entry points package.json exports', () => {
    expect(entryPoints).toEqual(['autoscaler', 'traffic', 'capacity', 'resources']);
    expect([...docs.keys()]).toEqual(entryPoints);
  });

  it.each(entryPoints)('knsim/%s: every exported value is listed, and every listed name is exported', async (entry) => {
    // The source index the package's dist/core/<entry>/index.js is built from.
    const mod = (await import(`../../src/core/${entry}/index.ts`)) as Record<string, unknown>;
    const exported = Object.keys(mod).sort();
    const listed = docs.get(entry)!;
    const names = [...listed.names].sort();
    expect(new Set(names).size, 'a name listed twice').toBe(names.length);
    expect(exported.filter((n) => !names.includes(n)), 'exported but not in the README').toEqual([]);
    expect(names.filter((n) => !exported.includes(n)), 'in the README but not exported').toEqual([]);
    expect(listed.count).toBe(exported.length);
  });

  it('the HPA is among what knsim/autoscaler exports (the controller, its replica calculator, the class)', () => {
    const names = docs.get('autoscaler')!.names;
    for (const n of ['HpaController', 'resourceUtilizationReplicas', 'averageValueReplicas', 'groupPods', 'makeKnativeHpa', 'makeHpaClass', 'toHpaInputs']) expect(names).toContain(n);
  });
});
