/**
 * Nothing a run leaves in the process changes a later run (notebooks and the playground run
 * many in one process): a scenario run after others writes the same bytes as when it ran first.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/index.js';

const base = mkdtempSync(join(tmpdir(), 'knsim-same-process-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let runs = 0;
/** The run's files, wallSeconds left out of summary.json. */
function files(name: string): Record<string, string> {
  const out = join(base, `${name}-${runs++}`);
  runWorld(loadScenario(`scenarios/${name}.yaml`, { durationSeconds: 240 }).world, { outDir: out, trace: { mode: 'full' } });
  const got: Record<string, string> = {};
  for (const f of readdirSync(out).sort()) got[f] = readFileSync(join(out, f), 'utf8').replace(/"wallSeconds": [\d.e+-]+/, '"wallSeconds": 0');
  return got;
}

describe('a run after others in the same process', () => {
  // Open and closed loop, a trace, CPU, node pools with Karpenter, the HPA class, crashes, streaming.
  const names = ['quickstart', 'hello-world', 'azure-trace', 'kpa-vs-hpa', 'karpenter-drift', 'crash-recovery', 'llm-streaming'];
  const first = new Map(names.map((n) => [n, files(n)]));

  for (const name of [...names].reverse()) {
    it(`${name}: the same bytes in every file as its first run`, () => {
      const a = first.get(name)!;
      expect(Object.keys(a)).toContain('requests.csv');
      expect(a['requests.csv']!.split('\n').length).toBeGreaterThan(20);
      expect(files(name)).toEqual(a);
    });
  }
});
