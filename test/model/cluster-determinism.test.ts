/**
 * A run with node pools is a pure function of the scenario and the seed, like any other: the
 * node start-up latencies, the CA loop's phase and the scheduler's tie-breaks come from seeded
 * streams, so reruns give byte-identical files (the report's nodes and cost charts included).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';

const scenario = resolve(import.meta.dirname, '../../scenarios/capacity-planning.yaml');

async function runOf(seed: number): Promise<string> {
  const loaded = loadScenario(scenario, { sets: [`seed=${seed}`], durationSeconds: 8 * 3600 });
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-cluster-det-')), 'run');
  runWorld(loaded.world, { outDir: dir, trace: { mode: 'full' } });
  await buildReport(dir, { images: false });
  return dir;
}

const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
// wallSeconds is the only field allowed to differ (and the report shows it).
const strip = (s: string): string => s.replace(/"wallSeconds": ?[0-9.e+-]+/g, '"wallSeconds":0').replace(/wall[^<]{0,40}?[0-9.]+ s/g, '');

describe('determinism with node pools (capacity-planning, 8 h)', () => {
  it('the same seed gives byte-identical files; another seed gives other node start-ups', async () => {
    const [a, b, c] = [await runOf(1), await runOf(1), await runOf(2)];
    const list = files(a);
    expect(list).toEqual(expect.arrayContaining(['nodes.csv', 'pods.csv', 'requests.csv', 'summary.json', 'charts/nodes.vl.json', 'charts/cost.vl.json', 'report.html']));
    expect(files(b)).toEqual(list);
    for (const f of list) expect(strip(readFileSync(join(b, f), 'utf8')), f).toBe(strip(readFileSync(join(a, f), 'utf8')));
    const nodes = readFileSync(join(a, 'nodes.csv'), 'utf8');
    expect(nodes.split('\n').filter((l) => l.includes(',Requested,')).length).toBeGreaterThan(3);
    expect(readFileSync(join(c, 'nodes.csv'), 'utf8')).not.toBe(nodes);
  }, 120_000);
});
