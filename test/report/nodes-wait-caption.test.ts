/**
 * The nodes chart's subtitle says what its "longest wait" is and quotes it right: the longest time
 * from a pod's creation (its Pending row) to its binding (Scheduled), or to its deletion or the run's
 * end when never bound, among the pods Unschedulable at least once; brute force from pods.csv.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitLines } from '../../src/output/report/charts/nodes.js';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { csv } from '../support/chart-data.js';

const root = resolve(import.meta.dirname, '../..');

function runOf(path: string, seconds: number): string {
  const loaded = loadScenario(path, { durationSeconds: seconds });
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-nodes-wait-')), 'run');
  runWorld(loaded.world, { outDir: dir, trace: { mode: 'none' } });
  return dir;
}

/** From pods.csv: how many pods were Unschedulable at least once, and the longest of their waits (s). */
function waitsOf(dir: string, end: number): { pods: number; longest: number } {
  const seen = new Map<string, { created: number; unschedulable: boolean; until: number | undefined }>();
  for (const r of csv(dir, 'pods.csv')) {
    const key = `${r['revision']}/${r['pod']}`;
    const t = Number(r['time_s']);
    if (r['event'] === 'Pending') seen.set(key, { created: t, unschedulable: false, until: undefined });
    const p = seen.get(key)!;
    if (r['event'] === 'Unschedulable') p.unschedulable = true;
    if (r['event'] === 'Scheduled' || (r['event'] === 'Gone' && p.until === undefined)) p.until ??= t;
  }
  const waited = [...seen.values()].filter((p) => p.unschedulable);
  return { pods: waited.length, longest: Math.max(0, ...waited.map((p) => (p.until ?? end) - p.created)) };
}

const subtitleOf = (dir: string): string[] => {
  const chart = reportCharts(loadRunData(dir)).charts.find((c) => c.id === 'nodes')!;
  return (chart.spec as unknown as { title: { subtitle: string[] } }).title.subtitle;
};

describe("the nodes chart's longest wait", () => {
  it('A9: the 4th pod waits 185 s for a new node; the subtitle says it and what it is measured from and to', () => {
    const dir = runOf(join(root, 'test/fixtures/capacity/a9.yaml'), 900);
    expect(waitsOf(dir, 900)).toEqual({ pods: 1, longest: 185 });
    expect(subtitleOf(dir)).toEqual([
      'Counts step at the exact times in nodes.csv and pods.csv.',
      'Peak 2 nodes billed at once. 1 pod was Unschedulable at least once (the band below).',
      "The longest wait of that pod: 185 s unbound, from its creation to its binding to a node (or to its deletion or the run's end, if never bound).",
    ]);
  });

  it('capacity-planning, 6 h: the pods and the longest wait quoted are those of pods.csv', () => {
    const dir = runOf(join(root, 'scenarios/capacity-planning.yaml'), 6 * 3600);
    const { pods, longest } = waitsOf(dir, 6 * 3600);
    expect(pods).toBeGreaterThan(1);
    const lines = subtitleOf(dir);
    expect(lines[1]).toMatch(new RegExp(`^Peak \\d+ nodes billed at once\\. ${pods} pods were Unschedulable at least once`));
    expect(lines[2]).toContain(`The longest wait of those pods: ${longest.toLocaleString('en-US', { maximumFractionDigits: 1 })} s unbound, from its creation`);
  });

  it('says no pod waited rather than "0 pods waited for a node, the longest 0 s"', () => {
    expect(waitLines({ max: 1, podsWaitedForNode: 0, maxPendingSeconds: 0 })).toEqual(['Peak 1 node billed at once. No pod was Unschedulable: none waited for room on a node.']);
  });
});
