/**
 * The rates are of answered requests, so a configuration that answers nothing showed no errors
 * at all. unanswered_rate says what share of the requests sent were still waiting or executing
 * when the run ended.
 */
import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/output/metrics.js';
import type { RunSummary } from '../../src/output/summary.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { createRunner } from '../../src/sweep/pool.js';
import { runSweep } from '../../src/sweep/sweep.js';
import { parseSlo } from '../../src/sweep/tune.js';

const FILE = 'scenarios/quickstart.yaml';

describe('unanswered_rate', () => {
  it.each([
    { answered: 0, inFlight: undefined, want: 0 },
    { answered: 0, inFlight: 40, want: 1 },
    { answered: 30, inFlight: 10, want: 0.25 },
    { answered: 100, inFlight: undefined, want: 0 },
  ])('$answered answered, $inFlight in flight at the end: $want', ({ answered, inFlight, want }) => {
    const s = { overall: { requests: { total: answered } }, ...(inFlight === undefined ? {} : { requestsInFlightAtEnd: inFlight }) } as unknown as RunSummary;
    expect(METRICS.unanswered_rate.of(s)).toBe(want);
  });

  it('is the share of requests sent that a run never answered: all of them when every request takes longer than the run', async () => {
    const sets = ['services[0].app.serviceTime={dist: constant, value: 1s}'];
    const axes = parseAxes(['services[0].app.serviceTime.value=100ms,100s'], '--grid');
    const { def } = defineSweep({ file: FILE, axes, sets, replications: 2, durationSeconds: 40 });
    const results = await runSweep({ file: FILE, def, points: [0, 1], runner: createRunner(1) });
    const [fast0, , slow0, slow1] = results.runs.map((r) => r.metrics);
    // Nothing answered, so no error among the answered, and no latency: the unanswered share tells.
    expect([slow0!.error_rate, slow0!.unanswered_rate, slow1!.unanswered_rate]).toEqual([0, 1, 1]);
    expect(slow0!.p99_ms).toBeNaN();
    // 100 ms requests: only those sent in the run's last instants are still in flight.
    expect(fast0!.unanswered_rate).toBeGreaterThan(0);
    expect(fast0!.unanswered_rate).toBeLessThan(0.01);
    expect(results.points[1]!.metrics.unanswered_rate.mean).toBe(1);
  });

  it('is a rate an SLO can name', () => {
    expect(parseSlo('unanswered <= 1%')).toMatchObject({ metric: 'unanswered_rate' });
  });
});

describe('knsim compare with a class that never scales up', () => {
  it('says its requests went unanswered, and shows no latency rather than NaN', async () => {
    const { compareResults, verdictTable } = await import('../../src/sweep/compare.js');
    const { formatCompareCsv } = await import('../../src/sweep/compare-files.js');
    const { METRIC_KEYS } = await import('../../src/output/metrics.js');
    const run = (over: Partial<Record<string, number>>): Record<string, number> => ({ ...Object.fromEntries(METRIC_KEYS.map((k) => [k, 0])), node_cost_usd: Number.NaN, peak_nodes: Number.NaN, max_pending_s: Number.NaN, ...over });
    const kpa = [0, 1, 2].map((i) => run({ p50_ms: 100 + i, p95_ms: 300 + i, p99_ms: 1200 + i, pod_seconds: 215 + i, max_pods: 1 }));
    const zero = [0, 1, 2].map(() => run({ p50_ms: Number.NaN, p95_ms: Number.NaN, p99_ms: Number.NaN, unanswered_rate: 1 }));
    const def = { classes: [{ label: 'kpa', className: 'kpa.autoscaling.knative.dev' }, { label: 'zero', className: 'zero' }], replications: 3, baseSeed: 42 };
    const results = compareResults(def as never, [kpa, zero] as never);
    const table = verdictTable(def as never, results);
    expect(table).not.toMatch(/NaN/);
    expect(table).toMatch(/\np99 latency \(ms\) +1201 \[\S+, \S+\] +–\n/);
    expect(table).toMatch(/\nunanswered at the end \(%\) +0% \[0%, 0%\] +100% \[100%, 100%\] +\+100 pp worse in all 3 paired seeds\n/);
    expect(table).toContain('–: no latency: no request of zero was answered with 200 (latencies are of the 200s; see');
    const csv = formatCompareCsv(results);
    expect(csv).not.toMatch(/NaN/);
    expect(csv).toContain('\nzero,zero,p99_ms,3,,,,,,,n/a,\n');
    expect(csv).toContain('\nzero,zero,unanswered_rate,3,1,1,1,1,1,1,worse,true\n');
    expect(csv).toContain('\nkpa,kpa.autoscaling.knative.dev,p99_ms,3,1201,1200,1202,,,,n/a,\n');
  });
});
