/**
 * summary.json's per-revision Ready False record: `failure` stays the first time Ready turned
 * False (as before), and `readyFalse` lists every stretch, so a revision whose pods crash and
 * recover more than once shows each one.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunOutputs } from '../../src/output/run-outputs.js';
import { textSummary } from '../../src/output/text-summary.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';

const root = resolve(import.meta.dirname, '../..');
const meta = { scenario: 't', seed: 1, simulatedSeconds: 100, events: 0, wallSeconds: 0 };

describe('Ready False in the summary', () => {
  it('keeps failure as the first stretch and lists them all, an open one with until null', () => {
    const out = new RunOutputs({ outDir: undefined, requestSampleRate: 0 });
    out.pod({ time: 0, service: 's', revision: 'a', pod: 'p1', event: 'Pending', readyAt: Number.NaN, terminatingAt: Number.NaN });
    const readyFalse = [
      { atSeconds: 10.12345, untilSeconds: 12.5, reason: 'ExitCode137' },
      { atSeconds: 80, untilSeconds: undefined, reason: 'ExitCode1' },
    ];
    const s = out.finish(meta, [{ service: 's', revision: 'a', failure: { atSeconds: 10.12345, reason: 'ExitCode137' }, readyFalse }]);
    const r = s.revisions[0]!;
    expect(r.failure).toEqual({ atSeconds: 10.123, reason: 'ExitCode137' });
    expect(r.readyFalse).toEqual([
      { atSeconds: 10.123, untilSeconds: 12.5, reason: 'ExitCode137' },
      { atSeconds: 80, untilSeconds: null, reason: 'ExitCode1' },
    ]);
    expect(textSummary(s, 'out', ['summary.json'])).toContain('; Ready False at 10.123s (ExitCode137), 2 times in all');
  });

  it('has neither key for a revision that stayed Ready', () => {
    const out = new RunOutputs({ outDir: undefined, requestSampleRate: 0 });
    out.pod({ time: 0, service: 's', revision: 'a', pod: 'p1', event: 'Pending', readyAt: Number.NaN, terminatingAt: Number.NaN });
    const r = out.finish(meta, [{ service: 's', revision: 'a', failure: undefined, readyFalse: [] }]).revisions[0]!;
    expect('failure' in r).toBe(false);
    expect('readyFalse' in r).toBe(false);
  });

  it('cpu-bound: each OOM kill of the last ready pods makes ContainerHealthy, so Ready, False until a pod is Ready', () => {
    const loaded = loadScenario(join(root, 'scenarios', 'cpu-bound.yaml'), { sets: [] });
    const dir = join(mkdtempSync(join(tmpdir(), 'knsim-ready-false-')), 'cpu-bound');
    runWorld(loaded.world, { outDir: dir, trace: { mode: 'none' } });
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    // pods.csv: at 183.769 s the third of the three ready pods is OOM-killed (0010 at 183.690, 0001 at 183.767,
    // 0011 at 183.769); each is restarted at once, and 0010 is Ready again as its container runs, at 184.690. At
    // 258.656 s 0015, the only ready pod, is killed; restarted at once, it is Ready again as its container runs,
    // at 259.656, before the new pod 0019 (Ready at 259.994). The first pod
    // listed, 0001, has had an OOM kill (exit code 137) since 183.767 s.
    expect(summary.revisions[0].failure).toEqual({ atSeconds: 183.769, reason: 'ExitCode137' });
    expect(summary.revisions[0].readyFalse).toEqual([
      { atSeconds: 183.769, untilSeconds: 184.69, reason: 'ExitCode137' },
      { atSeconds: 258.656, untilSeconds: 259.656, reason: 'ExitCode137' },
    ]);
  });
});
