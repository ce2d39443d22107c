/**
 * The line panels' note that replication r of every point used the same random numbers is
 * true only with common seeds: a sweep with --seeds independent said it too.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKnsim } from '../support/cli.js';

const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';

function sweepReport(seeds: 'common' | 'independent'): { html: string; runs: string } {
  const out = join(mkdtempSync(join(tmpdir(), `knsim-seeds-${seeds}-`)), 's');
  const r = runKnsim(['sweep', 'scenarios/quickstart.yaml', '--grid', `${CC}=5,10,20`, '--replications', '3', '--duration', '60s', '--workers', '1', '--seeds', seeds, '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  return { html: readFileSync(join(out, 'report.html'), 'utf8'), runs: readFileSync(join(out, 'runs.csv'), 'utf8') };
}

describe('the line panels say what the seeds were', () => {
  it('independent seeds (1000042, 2000042, …): no claim of common random numbers', () => {
    const { html, runs } = sweepReport('independent');
    expect(runs).toContain('\n1,0,2000042,10,');
    expect(html).not.toContain('used the same random numbers');
    expect(html).toContain('Every point ran with seeds of its own (--seeds independent)');
  });

  it('common seeds (42, 43, 44 at every point): the note stays', () => {
    const { html, runs } = sweepReport('common');
    expect(runs).toContain('\n1,0,42,10,');
    expect(html).toContain('Replication r of every point used the same random numbers');
    expect(html).not.toContain('seeds of its own');
  });
});
