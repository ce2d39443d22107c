/**
 * A tune where no point meets the SLO: points that clearly violate it are dropped after the
 * screening's 2 replications, so none had all 3 and stderr named no closest point; the
 * report's "no caveats" line spoke of a tie with the winner and a winner inside every range.
 * The report also spoke of the SLOs' bounds over the 3 replications asked for (about 88 %)
 * while every point got 2 (about 75 %), and named no closest point. Its verdict, on stderr and in
 * the report, claimed 95 % confidence all the same.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKnsim } from '../support/cli.js';
import { noWinnerText } from '../../src/sweep/report/tune-report.js';
import { parseSlo } from '../../src/sweep/tune.js';

const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';

describe('tune without a winner', () => {
  it('names the closest point, says how many replications it had, and claims no winner in its caveats', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-tune-none-')), 't');
    // hello-world's requests take 1 s: p95 <= 500 ms is out of reach at every containerConcurrency.
    const r = runKnsim(['tune', 'scenarios/hello-world.yaml', '--space', `${CC}=1..4`, '--slo', 'p95<=500ms', '--replications', '3', '--duration', '90s', '--workers', '1', '--out', out]);
    expect(r.code).toBe(3);
    // Every point got 2 replications: its upper bound of p95 is their largest, above the mean about 75 % of the time, not 95 %.
    expect(r.stderr).toBe(`knsim: tune: no explored configuration meets every SLO with about 75 % confidence (2 replications; less for a skewed metric); closest: ${CC}=1 with p95 latency (ms) ≤ 1001.47 (upper bounds, 2 of 3 replications; with 2 replications the upper bound of p95 latency (ms) is the largest replication, which is above the mean about 75 % of the time for a symmetric metric and less for a skewed one, not 95 % (use --replications 5 or more))\n`);
    expect(r.stdout).toMatch(/, 0 search in 1 round\) on 1 thread in /);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<b>no caveats</b>every setting changed some metric, and nothing is cluster-wide.');
    expect(html).not.toContain('winner is inside every range');
    expect(html).toContain('0 runs of search in 1 round (');
    // The bounds are those of the 2 replications every point got, as on stderr.
    expect(html).toContain("confidence interval over 2 replications (3 were asked for, but no point got more than 2: a point is dropped once the lower end of an SLO metric's interval fails the SLO): <code>p95&lt;=500ms</code> (with 2 replications the upper bound of p95 latency (ms) is the largest replication, which is above the mean about 75 % of the time");
    expect(html).not.toContain('over 3 replications');
    expect(html).not.toContain('about 88 %');
    expect(html).toContain(`<strong>No explored configuration meets every SLO with about 75 % confidence (2 replications; less for a skewed metric).</strong> Closest: ${CC}=1 with p95 latency (ms) ≤ 1001.47 (upper bounds, 2 of 3 replications; with 2 replications`);
  }, 120_000);
});

describe('the no-winner verdict', () => {
  const p95 = parseSlo('p95<=500ms');
  it('has the confidence of the bounds the replications give', () => {
    expect(noWinnerText([p95], 2)).toBe('no explored configuration meets every SLO with about 75 % confidence (2 replications; less for a skewed metric)');
    expect(noWinnerText([p95], 4)).toBe('no explored configuration meets every SLO with about 94 % confidence (4 replications; less for a skewed metric)');
    expect(noWinnerText([p95], 5)).toBe('no explored configuration meets every SLO with 95 % confidence');
    // A rate's bound is Wilson's 95 % whatever the replications.
    expect(noWinnerText([parseSlo('errorRate<=1%')], 2)).toBe('no explored configuration meets every SLO with 95 % confidence');
  });
});
