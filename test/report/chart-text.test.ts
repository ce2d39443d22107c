/**
 * What the waiting and requests charts' texts say is true of the run's CSVs. The waiting chart said
 * requests queued in the queue-proxies "because every container slot was busy"; in the mesh
 * scenario (activators' sidecars pick the pod by their own least-request count) every second with
 * a queued request had pods with free slots. The requests chart pointed at orange cold-start bars
 * in runs that have none, and the latency CDF at a gap between warm and cold curves that no panel
 * drew together (autoscaler-restart: one revision all warm, the other all cold).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { csv } from '../support/chart-data.js';

const root = resolve(import.meta.dirname, '../..');

function runOf(name: string, seconds: number): { dir: string; text: (id: string) => string } {
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-chart-text-')), name);
  runWorld(loadScenario(join(root, 'scenarios', `${name}.yaml`), { durationSeconds: seconds }).world, { outDir: dir, trace: { mode: 'full' } });
  const charts = reportCharts(loadRunData(dir)).charts;
  return { dir, text: (id) => charts.find((c) => c.id === id)!.explanation };
}

const QUEUED = 'requests queued in a pod’s queue-proxy because all of that pod’s containerConcurrency slots were busy, while other pods may have had free ones.';
const MESH = 'With mesh-compatibility-mode enabled the activators send through the revision’s ClusterIP and their sidecars pick the pod';

describe('the waiting and requests charts’ texts against the CSVs', () => {
  it('mesh, 180 s: requests waited in a pod while other pods had free slots; no cold start, no orange bars', () => {
    const { dir, text } = runOf('mesh', 180);
    // containerConcurrency 1: a pod's slot is free when it executes nothing.
    const seconds = csv(dir, 'timeseries.csv').filter((r) => Number(r['pod_queued']) > 0);
    const withFreeSlots = seconds.filter((r) => Number(r['pod_executing']) < Number(r['ready']));
    // 118 of the 180 seconds had a request waiting in a pod, and in all 118 some pod executed nothing.
    expect([seconds.length, withFreeSlots.length]).toEqual([118, 118]);
    expect(text('waiting')).toContain(QUEUED);
    expect(text('waiting')).toContain(MESH);
    expect(text('waiting')).not.toContain('every container slot was busy');
    expect(csv(dir, 'requests.csv').filter((r) => r['cold'] === '1')).toHaveLength(0);
    expect(text('requests')).toContain('(no orange bars: no request shown was a cold start, one that reached an activator while its revision had no usable pod)');
  });

  it('spike-from-zero, 90 s: cold starts, orange bars; the activators address pods, no mesh sentence', () => {
    const { dir, text } = runOf('spike-from-zero', 90);
    expect(csv(dir, 'requests.csv').filter((r) => r['cold'] === '1').length).toBeGreaterThan(0);
    expect(text('requests')).toContain('(orange bars: cold starts, the requests that reached an activator while the revision had no usable pod)');
    expect(text('waiting')).toContain(QUEUED);
    expect(text('waiting')).not.toContain('mesh-compatibility-mode');
    // One revision with both kinds: its panel has both curves.
    const cold = csv(dir, 'requests.csv').filter((r) => r['status'] === '200').map((r) => r['cold']);
    expect([cold.includes('0'), cold.includes('1')]).toEqual([true, true]);
    expect(text('latency-cdf')).toContain('the gap between the warm and cold-start curves is what scaling from zero costs.');
  });

  it('autoscaler-restart, 240 s: warm and cold-start curves, but in different panels; the text says so', () => {
    const { dir, text } = runOf('autoscaler-restart', 240);
    const kinds = (revision: string) => [...new Set(csv(dir, 'requests.csv').filter((r) => r['status'] === '200' && r['revision'] === revision).map((r) => r['cold']))];
    expect([kinds('api-00001'), kinds('reports-00001')]).toEqual([['0'], ['1']]);
    expect(text('latency-cdf')).not.toContain('gap');
    expect(text('latency-cdf')).toContain('No revision shown had both warm and cold-start requests, so each panel has one curve: a revision’s cold-start curve is all its 200s, every one of which waited for a pod.');
  });
});
