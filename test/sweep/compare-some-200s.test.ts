/**
 * knsim compare where a class had no 200 response in only some replications: its latency, like
 * a sweep point's, has no mean (one replication without it leaves the class without it), but
 * the footnote said no request was answered with 200, and the report's panel "no 200s", which
 * the other replications' 200s belie. Both now say in how many replications it happened.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKnsim } from '../support/cli.js';

describe('knsim compare, a class with no 200 response in some replications', () => {
  it('says in how many of its replications, in the table and the report', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-compare-some-')), 'c');
    // One user, service times exponential with a 3 s mean and a 1 s timeout: seed 1's replication
    // (of seeds 1, 2, 3) gets only 504s in 8 s, the other two some 200s.
    const r = runKnsim([
      'compare', 'scenarios/hello-world.yaml', '--class', 'kpa', '--class', 'examples/autoscalers/predictive.ts',
      '--replications', '3', '--seed', '1', '--duration', '8s', '--workers', '1', '--out', out,
      '--set', 'services[0].app.serviceTime={dist: exponential, mean: 3s}',
      '--set', 'services[0].manifest.spec.template.spec.timeoutSeconds=1',
      '--set', 'clients[0].closed.users=1',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const runs = readFileSync(join(out, 'runs.csv'), 'utf8').split('\n');
    expect(runs.filter((l) => l.startsWith('kpa,')).map((l) => l.split(',').slice(0, 4).join(','))).toEqual(['kpa,0,1,', 'kpa,1,2,507.391', 'kpa,2,3,182.527']);
    // As a sweep point's: no mean latency with one replication without it.
    expect(r.stdout).toMatch(/\np99 latency \(ms\) +– +–\n/);
    expect(r.stdout).toContain("\n–: no latency: no request of kpa was answered with 200 in 1 of its 3 replications; no request of predictive was answered with 200 in 1 of its 3 replications (latencies are of the 200s, and one replication without them leaves its class without a mean, as it does a sweep point; see 'unanswered at the end')\n");
    expect(r.stdout).not.toContain('no latency: no request was answered with 200');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('no request of kpa was answered with 200 in 1 of its 3 replications');
    expect(html.match(/>– \(no 200s in 1 of 3 replications\)<\/text>/g)?.length).toBe(6);
    expect(html).not.toContain('>– (no 200s)<');
  }, 60_000);
});
