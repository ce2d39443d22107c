/**
 * `trace: sample=R` keeps the same requests in runs that send the same requests: it hashed the
 * run-wide request id, which counts every client's requests in send order, so adding a second
 * service (or anything that moves another client's sends) shifted the first client's ids and
 * kept a different tenth of its requests (999 of about 9,650 in common for two-services).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';

const root = mkdtempSync(join(tmpdir(), 'knsim-trace-sample-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The frontend's requests.csv rows, as client and arrival time (the id is the run's send order). */
function frontendRows(file: string, name: string, mode: 'full' | 'sample'): string[] {
  const dir = join(root, name);
  const loaded = loadScenario(file, { durationSeconds: 120 });
  runWorld(loaded.world, { outDir: dir, trace: mode === 'full' ? { mode } : { mode, rate: 0.1 }, series: false });
  const [header, ...rows] = readFileSync(join(dir, 'requests.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  const at = (col: string): number => header!.indexOf(col);
  return rows.filter((r) => r[at('service')] === 'frontend').map((r) => `${r[at('client')]} ${r[at('arrival_s')]}`).sort();
}

describe('trace: sample=R', () => {
  it('keeps the same frontend requests whether or not the backend service is in the scenario', () => {
    const both = resolve(import.meta.dirname, '../../scenarios/two-services.yaml');
    const doc = parse(readFileSync(both, 'utf8')) as { services: unknown[]; clients: unknown[]; expect?: unknown };
    delete doc.expect;
    const alone = join(root, 'frontend-alone.yaml');
    writeFileSync(alone, stringify({ ...doc, services: [doc.services[0]], clients: [doc.clients[0]] }));

    // The same requests reach the frontend in both (common random numbers)...
    const full = frontendRows(both, 'both-full', 'full');
    expect(frontendRows(alone, 'alone-full', 'full')).toEqual(full);
    // ...so the sample keeps the same ones, about a tenth of them.
    const a = frontendRows(both, 'both-sample', 'sample');
    const b = frontendRows(alone, 'alone-sample', 'sample');
    expect(b).toEqual(a);
    expect(a.length / full.length).toBeGreaterThan(0.09);
    expect(a.length / full.length).toBeLessThan(0.11);
  });
});
