/**
 * `knsim compare`: reading --class, paired differences and verdicts, the predictive
 * example beating the KPA on a linear ramp from zero (with intervals over replications),
 * and the command's files and exit codes.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareHtml, formatCompareCsv } from '../../src/sweep/compare-files.js';
import { compareResults, parseClassArg, parseClassArgs, runCompare, verdictOf, verdictTable, type CompareDefinition } from '../../src/sweep/compare.js';
import { createRunner } from '../../src/sweep/pool.js';
import { METRIC_KEYS, type MetricValues } from '../../src/output/metrics.js';
import { runKnsim } from '../support/cli.js';

const root = resolve(import.meta.dirname, '../..');
const RAMP = join(root, 'examples/autoscalers/linear-ramp.yaml');

describe('--class', () => {
  it.each([
    { arg: 'kpa', want: { label: 'kpa', className: 'kpa.autoscaling.knative.dev' } },
    { arg: 'hpa', want: { label: 'hpa', className: 'hpa.autoscaling.knative.dev' } },
    { arg: 'predictive.example.com', want: { label: 'predictive.example.com', className: 'predictive.example.com' } },
    { arg: './my-scaler.ts', want: { label: 'my-scaler', className: 'my-scaler', module: { name: 'my-scaler', module: '/w/my-scaler.ts', budgetMs: 1000, where: { file: '--class ./my-scaler.ts', path: '' } } } },
    { arg: 'scalers/x.js', want: { label: 'x', className: 'x', module: { name: 'x', module: '/w/scalers/x.js', budgetMs: 1000, where: { file: '--class scalers/x.js', path: '' } } } },
  ])('reads $arg', ({ arg, want }) => {
    expect(parseClassArg(arg, '/w')).toEqual(want);
  });

  it('needs two different classes', () => {
    expect(() => parseClassArgs(['kpa'])).toThrow('--class: name at least two classes to compare (got 1), e.g. --class kpa --class ./my-scaler.ts');
    expect(() => parseClassArgs(['kpa', 'kpa.autoscaling.knative.dev'])).toThrow('--class kpa.autoscaling.knative.dev: the same class as --class kpa');
  });

  it.each([
    // A module named after a shipped class: two columns titled "kpa", and runs.csv rows no one can tell apart.
    { args: ['kpa', './scalers/kpa.ts'], error: '--class ./scalers/kpa.ts: registers the class "kpa" (its file name), which reads the same as --class kpa in every table and file; rename the module' },
    { args: ['hpa', 'kpa', '/x/hpa.js'], error: '--class /x/hpa.js: registers the class "hpa" (its file name), which reads the same as --class hpa in every table and file; rename the module' },
    // Two modules with one file name: not the same class, the same name.
    { args: ['kpa', './a/x.ts', './b/x.ts'], error: '--class ./b/x.ts: registers the class "x" (its file name), as --class ./a/x.ts does; rename one of the modules' },
    // A file name Knative reserves: registered, it would stand in for the shipped KPA under its own name.
    { args: ['hpa', './kpa.autoscaling.knative.dev.ts'], error: '--class ./kpa.autoscaling.knative.dev.ts: would register the class "kpa.autoscaling.knative.dev" (its file name), but classes ending in .knative.dev are Knative\'s; rename the module' },
  ])('refuses classes the outputs could not tell apart: $args', ({ args, error }) => {
    expect(() => parseClassArgs(args, '/w')).toThrow(error);
  });
});

describe('paired differences', () => {
  const def: CompareDefinition = { scenario: 's', scenarioSha256: '', sets: [], durationSeconds: null, baseSeed: 1, replications: 4, classes: [{ label: 'a', className: 'a' }, { label: 'b', className: 'b' }] };
  const runs = (p95: number[]): MetricValues[] => p95.map((v) => Object.fromEntries(METRIC_KEYS.map((k) => [k, k === 'p95_ms' ? v : 1])) as MetricValues);

  it('judges on the interval of the paired difference, which common random numbers make narrow', () => {
    // b is 10 ms faster in every replication, though replications differ by 100 ms among themselves.
    const res = compareResults(def, [runs([500, 600, 550, 650]), runs([490, 590, 540, 640])]);
    const b = res[1]!.metrics.p95_ms;
    expect(b.diff).toEqual({ mean: -10, lo: -10, hi: -10 });
    expect(b.verdict).toBe('better');
    // The two means' own intervals overlap widely.
    expect(b.hi!).toBeGreaterThan(res[0]!.metrics.p95_ms.lo!);
    expect(res[1]!.metrics.pod_seconds.verdict).toBe('same');
    expect(res[0]!.metrics.p95_ms.verdict).toBe('n/a');
  });

  it('a class\'s own interval stays within the metric\'s bounds; a metric no run has gets no verdict and no row', () => {
    // Skewed replications of max ready pods: Student's t would reach below 0 (65 ± 72.6 over 3 runs).
    const pods = (v: number[]): MetricValues[] => v.map((x) => Object.fromEntries(METRIC_KEYS.map((k) => [k, k === 'max_pods' ? x : k === 'node_cost_usd' ? Number.NaN : 1])) as MetricValues);
    const d3 = { ...def, replications: 3 };
    const res = compareResults(d3, [pods([10, 15, 170]), pods([12, 14, 160])]);
    const m = res[0]!.metrics.max_pods;
    expect(m.mean).toBe(65);
    expect(m.lo!).toBeGreaterThanOrEqual(10);
    expect(m.hi!).toBeLessThanOrEqual(170);
    expect(res[1]!.metrics.node_cost_usd.verdict).toBe('n/a');
    const table = verdictTable(d3, res);
    expect(table).toMatch(/\nmax ready pods \(count\) +65 \[\d+(\.\d+)?, \d+(\.\d+)?\] /);
    expect(table).not.toContain('node cost');
    expect(table).not.toContain('NaN');
  });

  it.each([
    { diff: { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN }, want: 'n/a' },
    { diff: { mean: -3, lo: -5, hi: -1 }, want: 'better' },
    { diff: { mean: 3, lo: 1, hi: 5 }, want: 'worse' },
    // An interval holding 0 cannot tell the classes apart: it does not show them equal.
    { diff: { mean: 0.5, lo: -1, hi: 2 }, want: 'unclear' },
    { diff: { mean: 1125, lo: -3000, hi: 5250 }, want: 'unclear' },
    { diff: { mean: 0, lo: 0, hi: 0 }, want: 'same' },
    { diff: { mean: 0, lo: -1, hi: 1 }, want: 'unclear' },
    { diff: { mean: 1, lo: null, hi: null }, want: 'n/a' },
    { diff: null, want: 'n/a' },
  ])('verdict of $diff is $want', ({ diff, want }) => {
    expect(verdictOf(diff)).toBe(want);
  });
});

describe('a difference the same in every paired seed', () => {
  const run = (over: Record<string, number>): MetricValues => ({ ...Object.fromEntries(METRIC_KEYS.map((k) => [k, 0])), node_cost_usd: Number.NaN, peak_nodes: Number.NaN, max_pending_s: Number.NaN, ...over }) as MetricValues;
  const def = (replications: number): CompareDefinition => ({ scenario: 's', scenarioSha256: '', sets: [], durationSeconds: null, baseSeed: 1, replications, classes: [parseClassArg('kpa'), parseClassArg('hpa')] });
  // Max pods 2, 2, 2 against 3, 3, 3: Student's t over three equal differences is the zero-width [1, 1].
  const three = compareResults(def(3), [[2, 2, 2].map((p) => run({ max_pods: p })), [3, 3, 3].map((p) => run({ max_pods: p }))]);

  it('is not called a 95 % interval: the row says it held in all 3 paired seeds, and a line says what that is worth (25 %)', () => {
    const m = three[1]!.metrics.max_pods;
    expect([m.diff, m.verdict, m.sameInEverySeed]).toEqual([{ mean: 1, lo: 1, hi: 1 }, 'worse', true]);
    const table = verdictTable(def(3), three);
    expect(table).toMatch(/\nmax ready pods \(count\) +2 \[2, 2\] +3 \[3, 3\]  \+1 \(\+50%\) worse in all 3 paired seeds\n/);
    expect(table).toContain("the differences' intervals are Student's t and keep their 95 %, but for a difference the same in every seed (below)\n");
    expect(table).toContain('\nin all 3 paired seeds: the difference was the same in every paired seed (a count such as max ready pods often is), so Student\'s t has no spread to measure and its interval is that single value, not a 95 % interval; better/worse then says what every seed showed, and with no real difference all 3 seeds would land on one side by chance up to 25 % of the time (use --replications 6 or more for under 5 %)');
    // A difference of 0 in every seed is simply the same, with no note.
    expect(table).toMatch(/\npod-seconds \(s\) +0 \[0, 0\] +0 \[0, 0\]  same: no change in any seed\n/);
    expect(formatCompareCsv(three).split('\n').find((l) => l.startsWith('hpa,hpa.autoscaling.knative.dev,max_pods,'))).toBe('hpa,hpa.autoscaling.knative.dev,max_pods,3,3,3,3,1,1,1,worse,true');
  });

  it('the report and the footer call 3 replications\' whiskers of pods and latencies their range (they read 95 % interval)', () => {
    const html = compareHtml(def(3), three);
    expect(html).toContain('<h2>Per metric (bar: mean; whisker: 95 % interval for rates, the range of the 3 replications for the others)</h2>');
    expect(html).toContain('>mean [range of the 3 replications]</text>');
    expect(html).toContain('>mean [95 % interval]</text>'); // a rate's panel: Wilson
    expect(verdictTable(def(3), three)).toContain('\nmean [interval: 95 % for rates, the range for the others (below)] over 3 replications (within each metric\'s bounds);');
  });

  it('with one replication the report promises no interval (it headed every panel "95 % interval" and drew none)', () => {
    const one = compareResults(def(1), [[run({ max_pods: 2 })], [run({ max_pods: 3 })]]);
    expect(one[1]!.metrics.max_pods).toMatchObject({ mean: 3, lo: null, hi: null, verdict: 'n/a' });
    const html = compareHtml(def(1), one);
    expect(html).toContain('<h2>Per metric (bar: mean; one replication, so no interval)</h2>');
    expect(html).toContain('>mean (one replication: no interval)</text>');
    expect(html).not.toContain('95 % interval');
    expect(html).not.toContain('stroke="#222"'); // no whisker
  });

  it('with 7 seeds the chance is 1.6 %; differences that vary are Student\'s t with no note', () => {
    const seven = compareResults(def(7), [Array.from({ length: 7 }, () => run({ max_pods: 10 })), Array.from({ length: 7 }, () => run({ max_pods: 8 }))]);
    const table = verdictTable(def(7), seven);
    expect(table).toMatch(/−2 \(−20%\) better in all 7 paired seeds\n/);
    expect(table).toMatch(/by chance up to 1\.6 % of the time$/);
    expect(table).toContain('\nmean [95 % interval] over 7 replications');
    const html = compareHtml(def(7), seven);
    expect(html).toContain('<h2>Per metric (bar: mean; whisker: 95 % interval)</h2>');
    expect(html).not.toContain('range of the');
    const varied = compareResults(def(3), [[2, 2, 2].map((p) => run({ max_pods: p })), [3, 4, 3].map((p) => run({ max_pods: p }))]);
    expect(varied[1]!.metrics.max_pods.sameInEverySeed).toBe(false);
    expect(verdictTable(def(3), varied)).not.toContain('paired seeds');
  });
});

describe('the interval of a difference of rates', () => {
  const run = (over: Record<string, number>): MetricValues => ({ ...Object.fromEntries(METRIC_KEYS.map((k) => [k, 0])), node_cost_usd: Number.NaN, peak_nodes: Number.NaN, max_pending_s: Number.NaN, ...over }) as MetricValues;
  const def: CompareDefinition = { scenario: 's', scenarioSha256: '', sets: [], durationSeconds: null, baseSeed: 1, replications: 3, classes: [parseClassArg('kpa'), parseClassArg('hpa')] };

  it('stays within ±100 percentage points (cpu-bound under hpa: error rate +91.4 pp had [80.2, 102.6] pp)', () => {
    // Error rates 0.74, 0.98, 0.98 against 0: Student's t reaches 0.9 + 4.303 × 0.1386 / √3 = 1.244.
    const res = compareResults(def, [[0, 0, 0].map((e) => run({ error_rate: e })), [0.74, 0.98, 0.98].map((e) => run({ error_rate: e }))]);
    const d = res[1]!.metrics.error_rate.diff!;
    expect(d.mean).toBe(0.9);
    expect(d.lo).toBeCloseTo(0.9 - (4.302653 * Math.sqrt(0.0192)) / Math.sqrt(3), 5);
    expect(d.hi).toBe(1);
    expect(res[1]!.metrics.error_rate.verdict).toBe('worse');
    // An unbounded metric's difference keeps Student's t on both sides.
    const pods = compareResults(def, [[10, 2, 6].map((p) => run({ max_pods: p })), [1, 1, 1].map((p) => run({ max_pods: p }))]);
    expect(pods[1]!.metrics.max_pods.diff!.lo).toBeLessThan(-6);
  });
});

describe('the predictive example on a linear ramp from zero', () => {
  // Seed 7 is the scenario's, which `knsim compare` uses by default: the README shows this run's table.
  const def: CompareDefinition = {
    scenario: 'linear-ramp', scenarioSha256: '', sets: [], durationSeconds: null, baseSeed: 7, replications: 10,
    classes: [parseClassArg('kpa'), parseClassArg('predictive.example.com')],
  };

  it('has a lower p95 than the KPA at no more than +10 % pod-seconds (95 % intervals over 10 replications)', async () => {
    const res = await runCompare({ file: RAMP, def, runner: createRunner(1) });
    const [kpa, pred] = res;
    const p95 = pred!.metrics.p95_ms;
    expect(p95.verdict).toBe('better');
    expect(p95.diff!.hi!).toBeLessThan(0);
    // Pod-seconds: the whole interval of the difference stays under +10 % of the KPA's mean.
    expect(pred!.metrics.pod_seconds.diff!.hi!).toBeLessThan(0.1 * kpa!.metrics.pod_seconds.mean);
    // The same arrivals under both (common random numbers), both from zero: the replications cannot tell their cold-start fractions apart.
    expect(pred!.metrics.cold_start_fraction.verdict).toBe('unclear');
    const table = verdictTable(def, res);
    expect(table.split('\n')[0]).toMatch(/^metric +kpa \(baseline\) +predictive\.example\.com vs kpa$/);
    expect(table).toMatch(/\np95 latency \(ms\) .* better\n/);
    // The README's "knsim compare" section prints this table after the command and its first line.
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const shown = /\n\$ knsim compare examples\/autoscalers\/linear-ramp\.yaml --class kpa --class predictive\.example\.com --replications 10\n[^\n]*\n\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(shown, 'the README block').toBeDefined();
    expect(table.trimEnd()).toBe(shown!.trimEnd());
  }, 120_000);
});

describe('knsim compare', () => {
  it('writes compare.json, compare.csv, runs.csv, report.html and a manifest, and prints the verdict table', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-compare-')), 'cmp');
    const r = runKnsim(['compare', RAMP, '--class', 'kpa', '--class', './examples/autoscalers/surge-panic.ts', '--replications', '2', '--workers', '1', '--duration', '3m', '--out', out], root, { CI: '1' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('knsim: compare linear-ramp — 2 classes × 2 replications (common random numbers)');
    expect(r.stdout).toMatch(/\nmetric +kpa \(baseline\) +surge-panic vs kpa\n/);
    for (const f of ['compare.json', 'compare.csv', 'runs.csv', 'report.html', '.knsim-output.json']) expect(existsSync(join(out, f)), f).toBe(true);
    const json = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8'));
    expect(json.classes.map((c: { className: string }) => c.className)).toEqual(['kpa.autoscaling.knative.dev', 'surge-panic']);
    expect(json.classes[1].runs).toHaveLength(2);
    const csv = readFileSync(join(out, 'compare.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('class,class_name,metric,replications,mean,lo,hi,diff_mean,diff_lo,diff_hi,verdict,same_in_every_seed');
    // No node pools, no streamed response, no WebSocket sessions: node cost, peak nodes, the longest Pending wait, the first byte and the sessions closed are left out, not NaN.
    expect(csv).toHaveLength(1 + 2 * (METRIC_KEYS.length - 5));
    expect(csv.some((l) => /node_cost_usd|peak_nodes|max_pending_s|first_byte_p99_ms|sessions_closed_rate|NaN/.test(l))).toBe(false);
    for (const l of csv.slice(1)) {
      const [lo, hi] = l.split(',').slice(5, 7).map(Number);
      expect(lo!, l).toBeGreaterThanOrEqual(0);
      expect(hi!, l).toBeGreaterThanOrEqual(lo!);
    }
    const runs = readFileSync(join(out, 'runs.csv'), 'utf8').trim().split('\n');
    // Replication r runs with seed base + r for both classes (the scenario's seed is 7).
    expect(runs.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['kpa,0,7', 'kpa,1,8', 'surge-panic,0,7', 'surge-panic,1,8']);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<h1>knsim compare: linear-ramp</h1>');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).not.toContain('NaN');
    expect(r.stdout).not.toContain('NaN');
  });

  it('prints what knsim run would warn of under each class (an HPA with no CPU model keeps its replicas)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-compare-')), 'cmp');
    const r = runKnsim(['compare', RAMP, '--class', 'kpa', '--class', 'hpa', '--set', 'services[0].initialPods=1', '--replications', '1', '--workers', '1', '--duration', '1m', '--out', out], root, { CI: '1' });
    expect(r.code).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^knsim: warning: under --class hpa: .*the HPA fails to scale it on load \(ScalingActive=False\)/);
  });

  it('exits 2 with one line for a class module that does not exist', () => {
    const r = runKnsim(['compare', RAMP, '--class', 'kpa', '--class', './nope.ts', '--out', join(tmpdir(), 'never')], root, { CI: '1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`knsim: --class ./nope.ts: autoscaler module "${join(root, 'nope.ts')}" does not exist\n`);
  });

  it('says which --class made a revision invalid (the KPA cannot scale on CPU)', () => {
    const r = runKnsim(['compare', 'scenarios/kpa-vs-hpa.yaml', '--class', 'kpa', '--class', 'hpa', '--out', join(tmpdir(), 'never')], root, { CI: '1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'knsim: scenarios/kpa-vs-hpa.yaml: services[1].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/metric"]: the kpa.autoscaling.knative.dev class supports only the "concurrency" and "rps" metrics (under --class kpa, which sets every revision\'s class)\n',
    );
  });
});
