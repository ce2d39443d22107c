/**
 * A sweep point with no 200 response in only some of its runs has no latency (one run without
 * it leaves the point without it), but the report's table read "– (no 200s)", which the other
 * runs' 200s belie; the cell now says in how many runs (a point with none in every run keeps
 * "– (no 200s)").
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withCI } from '../../src/sweep/report/report.js';
import { runKnsim } from '../support/cli.js';

describe('a sweep point with no 200 response in some runs', () => {
  it('says in how many of its runs, in the points table', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-sweep-some-')), 's');
    // One user, exponential service times of 3 s mean, a 1 s timeout: the run of seed 1 (of 1, 2, 3) gets only 504s in 8 s.
    const r = runKnsim([
      'sweep', 'scenarios/hello-world.yaml', '--grid', 'services[0].manifest.spec.template.spec.containerConcurrency=1,2',
      '--replications', '3', '--seed', '1', '--duration', '8s', '--workers', '1', '--out', out,
      '--set', 'services[0].app.serviceTime={dist: exponential, mean: 3s}',
      '--set', 'services[0].manifest.spec.template.spec.timeoutSeconds=1',
      '--set', 'clients[0].closed.users=1',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const runs = readFileSync(join(out, 'runs.csv'), 'utf8').split('\n');
    expect(runs.slice(1, 4).map((l) => l.split(',').slice(0, 5).join(','))).toEqual(['0,0,1,1,', '0,1,2,1,507.391', '0,2,3,1,182.527']);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    // p50, p95 and p99 of both points.
    expect(html.match(/<td>– \(no 200s in 1 of 3 runs\)<\/td>/g)?.length).toBe(6);
    expect(html).not.toContain('– (no 200s)<');
  }, 60_000);

  it('keeps "– (no 200s)" when no run had one, and without the counts', () => {
    const none = { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN };
    expect(withCI('p99_ms', none, { none: 3, runs: 3 })).toBe('– (no 200s)');
    expect(withCI('p99_ms', none, { none: 2, runs: 3 })).toBe('– (no 200s in 2 of 3 runs)');
    expect(withCI('p99_ms', none)).toBe('– (no 200s)');
  });
});
