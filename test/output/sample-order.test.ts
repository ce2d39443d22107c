/**
 * The per-second sample runs after every other event of its instant (SAMPLE_PRIORITY): a
 * timeseries.csv row shows the state that instant leaves, whatever order its events were
 * scheduled in. crash-recovery's restarted container is Ready at exactly 121, 311 and 337 s
 * (whole-second back-offs), and node-drain evicts at 313 s: the rows there read 3 ready pods
 * (they read 2 when the Ready event had been scheduled after the sampler's tick).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { csv } from '../support/chart-data.js';

const root = resolve(import.meta.dirname, '../..');

/** Ready and Terminating pods of each revision after every pods.csv event at or before `t`. */
function countsAt(pods: Array<Record<string, string>>, revision: string, t: number): { ready: number; terminating: number } {
  const state = new Map<string, string>();
  for (const e of pods) {
    if (e['revision'] !== revision || Number(e['time_s']) > t + 1e-9) continue;
    const ev = e['event']!;
    if (['Pending', 'Starting', 'Ready', 'NotReady', 'CrashLoopBackOff', 'ImagePullBackOff', 'Terminating'].includes(ev)) state.set(e['pod']!, ev);
    else if (ev === 'Gone') state.delete(e['pod']!);
  }
  const v = [...state.values()];
  return { ready: v.filter((s) => s === 'Ready').length, terminating: v.filter((s) => s === 'Terminating').length };
}

describe('timeseries.csv rows show the state their instant leaves', () => {
  it.each(['crash-recovery', 'node-drain'])('%s: every row\'s ready and terminating pods are pods.csv\'s after every event up to and at its time', (name) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-sample-order-')), name);
    runWorld(loadScenario(join(root, 'scenarios', `${name}.yaml`)).world, { outDir: dir, trace: { mode: 'none' } });
    const pods = csv(dir, 'pods.csv');
    const rows = csv(dir, 'timeseries.csv');
    expect(rows.length).toBeGreaterThan(500);
    for (const r of rows) {
      const want = countsAt(pods, r['revision']!, Number(r['time_s']));
      expect({ ready: Number(r['ready']), terminating: Number(r['terminating']) }, `${r['revision']} at ${r['time_s']}`).toEqual(want);
    }
    if (name === 'crash-recovery') {
      const ready = (t: string): string => rows.find((r) => r['time_s'] === t)!['ready']!;
      expect([ready('121.000000'), ready('311.000000'), ready('337.000000')]).toEqual(['3', '3', '3']);
      // Those Ready events are exactly on the second.
      expect(pods.filter((e) => e['event'] === 'Ready' && ['121.000000', '311.000000', '337.000000'].includes(e['time_s']!))).toHaveLength(3);
    }
  });
});
