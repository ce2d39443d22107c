import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWorld, runWorldInterruptible } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { files } from '../support/files.js';

const root = resolve(import.meta.dirname, '../..');

describe('runWorldInterruptible', () => {
  it('writes the same files as runWorld: slicing simulated time does not change the run', async () => {
    const load = () => loadScenario(join(root, 'scenarios', 'canary.yaml'), { sets: [], durationSeconds: 120 });
    const dir = mkdtempSync(join(tmpdir(), 'knsim-slices-'));
    const a = runWorld(load().world, { outDir: join(dir, 'a'), trace: { mode: 'full' } });
    const b = await runWorldInterruptible(load().world, { outDir: join(dir, 'b'), trace: { mode: 'full' } });
    expect(b.world.sim.events).toBe(a.world.sim.events);
    expect(a.summary.overall.requests.total).toBeGreaterThan(1000);
    expect(b.files).toEqual(a.files);
    const fa = files(join(dir, 'a'));
    const fb = files(join(dir, 'b'));
    expect([...fb.keys()]).toEqual([...fa.keys()]);
    const strip = (s: string) => s.replace(/"wallSeconds": [0-9.e+-]+/, '');
    for (const [f, bytes] of fa) {
      if (f === 'summary.json') expect(strip(readFileSync(join(dir, 'b', f), 'utf8'))).toBe(strip(bytes.toString('utf8')));
      else expect(fb.get(f)!.equals(bytes), f).toBe(true);
    }
  });
});
