/**
 * summary.json's and the text summary's failed scrapes: with mesh-compatibility-mode enabled the KPA
 * scrapes through the private Service, and a scrape that reaches too few distinct pods gets no stat
 * (upstream's ErrDidNotReceiveStat, the Metric Ready=False with reason DidNotReceiveStat). Counted per
 * revision, only when some failed. test/fixtures/mesh/four-pods.yaml: 4 pods, sample 4.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PodStat } from '../../src/core/autoscaler/index.js';
import type { Revision } from '../../src/model/revision.js';
import { World } from '../../src/model/world.js';
import type { RunSummary } from '../../src/output/summary.js';
import { textSummary } from '../../src/output/text-summary.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { MemoryRecorder } from '../model/world-fixture.js';

const fixture = resolve(import.meta.dirname, '../fixtures/mesh/four-pods.yaml');
const DISABLED = 'configMaps.config-network.mesh-compatibility-mode=disabled';

function summaryOf(sets: string[] = []): RunSummary {
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-failed-scrapes-')), 'run');
  runWorld(loadScenario(fixture, { sets }).world, { outDir: dir, trace: { mode: 'none' } });
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
}

/** The same run in the model alone: the scrapes that recorded a stat, and the autoscaler's own count of failures. */
function modelCounts(): { stats: number; failed: number } {
  class Scrapes extends MemoryRecorder {
    stats = 0;
    stat(_rev: Revision, _stat: PodStat, source: 'scrape' | 'activator'): void {
      if (source === 'scrape') this.stats++;
    }
  }
  const rec = new Scrapes();
  const w = new World(loadScenario(fixture).world, rec);
  w.run();
  return { stats: rec.stats, failed: w.services.get('hello')!.revisions[0]!.autoscaler.failedScrapes };
}

describe('failed scrapes through the private Service', () => {
  it('4 pods, 300 s: 21 of the 300 scrapes got no stat (7 %); summary.json has them on the revision, the text summary says so', () => {
    const { stats, failed } = modelCounts();
    // One scrape a second: 279 stats recorded, 21 without.
    expect([stats, failed]).toEqual([279, 21]);
    const s = summaryOf();
    expect(s.revisions.map((r) => [r.revision, r.failedScrapes])).toEqual([['hello-00001', 21]]);
    // Per revision only: the overall block is as in any run.
    expect('failedScrapes' in s.overall).toBe(false);
    const line = textSummary(s, 'out', ['summary.json']).split('\n').find((l) => l.startsWith('  hello-00001: '))!;
    expect(line.endsWith('; 21 scrapes through the private Service got no stat (Metric Ready False, DidNotReceiveStat)')).toBe(true);
  });

  it('mesh-compatibility-mode disabled: the KPA scrapes pods by address, none fails, and summary.json has no failedScrapes key', () => {
    const s = summaryOf([DISABLED]);
    expect(s.revisions[0]!.failedScrapes).toBeUndefined();
    expect(Object.keys(s.revisions[0]!)).not.toContain('failedScrapes');
    expect(textSummary(s, 'out', ['summary.json'])).not.toContain('scrape');
  });

  it('one failure is said in the singular', () => {
    const s = summaryOf([DISABLED]);
    s.revisions[0]!.failedScrapes = 1;
    expect(textSummary(s, 'out', ['summary.json'])).toContain('; 1 scrape through the private Service got no stat (Metric Ready False, DidNotReceiveStat)');
  });
});
