/** ActivatorFinds: a pod counts while any activator view holds it; its row marks the first find while none did. */
import { describe, expect, it } from 'vitest';
import { ActivatorFinds } from '../../src/model/activator-finds.js';
import type { Pod } from '../../src/model/pod.js';

const pod = (name: string) => ({ name, activatorFinds: 0 }) as unknown as Pod;

describe('ActivatorFinds', () => {
  it('counts each pod once however many views hold it, and records a find only from none', () => {
    const rows: Array<[string, number]> = [];
    const f = new ActivatorFinds((p, now) => rows.push([p.name, now]));
    const a = pod('a');
    const b = pod('b');
    f.held(a); // running before the run: counted, no row
    f.add(a, 1); // a second view finds it: no row
    f.add(b, 2);
    expect([f.size, a.activatorFinds, b.activatorFinds]).toEqual([2, 2, 1]);
    f.remove(a); // one view let it go; the other still holds it
    expect(f.size).toBe(2);
    f.remove(a);
    f.remove(b);
    expect(f.size).toBe(0);
    f.add(a, 3); // found again while no view held it: a row
    expect(rows).toEqual([
      ['b', 2],
      ['a', 3],
    ]);
    expect(f.size).toBe(1);
  });

  it('refuses to let go of a pod no view holds', () => {
    const f = new ActivatorFinds(() => undefined);
    expect(() => f.remove(pod('c'))).toThrow(/c was held by no view/);
  });
});
