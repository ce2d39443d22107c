/**
 * Expectations (`expect:`) and `knsim test`: the syntax and its one-line errors, checks
 * against real runs, the shipped scenarios passing, a wrong expectation failing with a
 * non-zero exit, and JUnit XML that parses with the counts it claims.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExpectation, parseValue } from '../../src/expect/parse.js';
import { expectMetric, expectMetricNames } from '../../src/expect/metrics.js';
import { METRIC_KEYS, METRICS, metricByName } from '../../src/output/metrics.js';
import { checkExpectation, evaluateExpectation, formatActual } from '../../src/expect/evaluate.js';
import { junitXml, xmlEscape } from '../../src/expect/junit.js';
import { collectScenarioFiles, runTests, tally } from '../../src/expect/run-tests.js';
import { MAX_YAML_NODES } from '../../src/scenario/yaml-size.js';
import { loadScenario } from '../../src/scenario/load.js';
import { summarizeWorld } from '../../src/run/run-world.js';
import { runKnsim } from '../support/cli.js';
import { junitSuites } from '../../src/cli/test.js';
import { HAS_MKFIFO, pipeWithWriter, stopPipeWriters } from '../support/pipe.js';
import { parseXml } from '../support/xml.js';

const root = resolve(import.meta.dirname, '../..');

describe('expectation syntax', () => {
  const good: Array<{ text: unknown; metric: string; check: unknown; scope?: object }> = [
    { text: 'p99 <= 500ms', metric: 'p99_ms', check: { op: '<=', value: 500 } },
    { text: 'p99 < 0.5s', metric: 'p99_ms', check: { op: '<', value: 500 } },
    { text: 'maxReadyPods == 29', metric: 'max_pods', check: { op: '==', value: 29 } },
    { text: 'status503 == 0', metric: 'status503', check: { op: '==', value: 0 } },
    { text: 'rate503 <= 0.1%', metric: 'rate_503', check: { op: '<=', value: 0.001 } },
    { text: 'podSeconds within 100..2m', metric: 'pod_seconds', check: { op: 'within', lo: 100, hi: 120, after: undefined } },
    { text: 'scaleToZeroAt within 60s..95s after 3m', metric: 'scaleToZeroAt', check: { op: 'within', lo: 60, hi: 95, after: 180 } },
    { text: { that: 'ok >= 10', revision: 'hello-00001' }, metric: 'ok', check: { op: '>=', value: 10 }, scope: { revision: 'hello-00001' } },
    { text: { that: 'P95 != 3', service: 'hello' }, metric: 'p95_ms', check: { op: '!=', value: 3 }, scope: { service: 'hello' } },
    // A fraction of a count is fine with an inequality, and pod-hours are not whole numbers.
    { text: 'maxReadyPods <= 2.5', metric: 'max_pods', check: { op: '<=', value: 2.5 } },
    { text: 'podHours == 0.5', metric: 'pod_hours', check: { op: '==', value: 0.5 } },
    // Pod-hours take a duration as its hours, as podSeconds takes one as its seconds ("podHours <= 90m" was refused).
    { text: 'podHours <= 90m', metric: 'pod_hours', check: { op: '<=', value: 1.5 } },
    { text: 'readyPodHours < 2h', metric: 'ready_pod_hours', check: { op: '<', value: 2 } },
    { text: 'rate503 <= 100%', metric: 'rate_503', check: { op: '<=', value: 1 } },
    { text: 'maxReadyPods within 2.5..3', metric: 'max_pods', check: { op: 'within', lo: 2.5, hi: 3, after: undefined } },
    { text: 'status503 <= 0', metric: 'status503', check: { op: '<=', value: 0 } },
  ];
  it.each(good)('reads $text', ({ text, metric, check, scope }) => {
    const e = parseExpectation(text, 's.yaml', 0);
    expect(e.metric.name).toBe(metric);
    expect(e.check).toEqual(check);
    expect({ service: e.service, revision: e.revision }).toEqual({ service: undefined, revision: undefined, ...scope });
  });

  const bad: Array<{ text: unknown; error: string }> = [
    { text: 'p99x <= 500ms', error: 's.yaml: expect[0]: unknown metric "p99x" (did you mean "p99"?)' },
    { text: 'maxReadyPod == 29', error: 's.yaml: expect[0]: unknown metric "maxReadyPod" (did you mean "maxReadyPods"?)' },
    { text: 'latency <= 5', error: 's.yaml: expect[0]: unknown metric "latency"' },
    { text: 'p99 about 500ms', error: 's.yaml: expect[0]: cannot read "p99 about 500ms": write <metric> <op> <value> (op: < <= == != >= > within), e.g. "p99 <= 500ms"' },
    { text: 'p99 <= fast', error: 's.yaml: expect[0]: the value "fast" of p99 must be a latency such as 500ms, 0.5s or a number of milliseconds' },
    { text: 'rate503 <= 2ms', error: 's.yaml: expect[0]: the value "2ms" of rate503 must be a fraction such as 0.001 or a percentage such as 0.1%' },
    { text: 'p99 within 9..3', error: 's.yaml: expect[0]: the range 9..3 is empty (its lower end is above its upper end)' },
    { text: 'p99 within 1..3 after 2m', error: 's.yaml: expect[0]: "after" applies to instants (scaleToZeroAt), not to p99_ms' },
    { text: 'p99 <=', error: 's.yaml: expect[0]: <= needs a value (e.g. "p99_ms <= 500ms")' },
    { text: { that: 'ok > 1', pod: 'x' }, error: 's.yaml: expect[0].pod: unknown field (an expectation has that, and optionally service or revision)' },
    { text: { that: 'ok > 1', service: 'a', revision: 'b' }, error: 's.yaml: expect[0]: scope an expectation to a service or a revision, not both' },
    { text: 7, error: 's.yaml: expect[0]: must be an expectation such as "p99 <= 500ms", or { that: ..., revision: ... }' },
    // Values no run can give: the expectation would pass, or fail, whatever knsim did.
    { text: 'p99 >= -3ms', error: "s.yaml: expect[0]: the value -3ms is out of p99's range (p99 is never below 0ms), so this expectation always passes" },
    { text: 'p99 < -3ms', error: "s.yaml: expect[0]: the value -3ms is out of p99's range (p99 is never below 0ms), so this expectation never passes" },
    { text: 'rate503 <= 150%', error: "s.yaml: expect[0]: the value 150% is out of rate503's range (rate503 is between 0% and 100%), so this expectation always passes" },
    { text: 'rate503 > 1.5', error: "s.yaml: expect[0]: the value 1.5 is out of rate503's range (rate503 is between 0% and 100%), so this expectation never passes" },
    { text: 'errorRate == 2', error: "s.yaml: expect[0]: the value 2 is out of errorRate's range (errorRate is between 0% and 100%), so this expectation never passes" },
    { text: 'errorRate != 2', error: "s.yaml: expect[0]: the value 2 is out of errorRate's range (errorRate is between 0% and 100%), so this expectation always passes" },
    { text: 'status503 != -1', error: "s.yaml: expect[0]: the value -1 is out of status503's range (status503 is never below 0), so this expectation always passes" },
    { text: 'p99 within -5ms..10ms', error: "s.yaml: expect[0]: the lower end -5ms is out of p99's range (p99 is never below 0ms)" },
    { text: 'maxReadyPods == 2.5', error: 's.yaml: expect[0]: maxReadyPods is a whole number, so == 2.5 can never hold' },
    { text: 'status503 != 0.5', error: 's.yaml: expect[0]: status503 is a whole number, so != 0.5 always holds' },
    { text: 'podHours <= 2x', error: 's.yaml: expect[0]: the value "2x" of podHours must be a number of hours such as 1.5, or a duration such as 90m' },
    { text: 'podHours >= -30m', error: "s.yaml: expect[0]: the value -30m is out of podHours's range (podHours is never below 0h), so this expectation always passes" },
    // At the edge of the range, an op that excludes the edge leaves nothing a run can give.
    { text: 'status503 < 0', error: "s.yaml: expect[0]: status503 is never below 0, so < 0 never passes" },
    { text: 'p99 < 0ms', error: "s.yaml: expect[0]: p99 is never below 0ms, so < 0ms never passes" },
    { text: 'rate503 > 100%', error: "s.yaml: expect[0]: rate503 is between 0% and 100%, so > 100% never passes" },
    { text: 'errorRate > 1', error: "s.yaml: expect[0]: errorRate is between 0% and 100%, so > 1 never passes" },
    { text: 'maxReadyPods within 2.2..2.8', error: 's.yaml: expect[0]: maxReadyPods is a whole number, so within 2.2..2.8 can never hold' },
    { text: 'scaleToZeroAt within 60s..95s after -5s', error: 's.yaml: expect[0]: "after -5s" is before the run starts: the run\'s clock starts at 0s' },
    // Whole-run metrics take no scope: known before the run, so refused with the others (it was an ERROR after the run).
    { text: { that: 'unanswered < 5%', service: 'hello' }, error: 's.yaml: expect[0].service: unanswered_rate is of the whole run, not of one service: remove service:' },
    { text: { that: 'peakNodes <= 3', revision: 'hello-00001' }, error: 's.yaml: expect[0].revision: peak_nodes is of the whole run, not of one revision: remove revision:' },
  ];
  it.each(bad)('refuses $text in one line', ({ text, error }) => {
    expect(() => parseExpectation(text, 's.yaml', 0)).toThrow(error);
  });

  it('reads values in the metric unit', () => {
    expect([parseValue('1.5s', 'ms'), parseValue('250', 'ms'), parseValue('5%', 'fraction'), parseValue('1m30s', 'seconds'), parseValue('3x', 'count')]).toEqual([1500, 250, 0.05, 90, undefined]);
  });

  it('refuses a value that does not fit a double (1e999 would read as Infinity and pass any <= check)', () => {
    expect([parseValue('1e999', 'count'), parseValue('-1e999', 'count'), parseValue('1e999%', 'fraction'), parseValue('1e308', 'count')]).toEqual([undefined, undefined, undefined, 1e308]);
    expect(() => parseExpectation('maxReadyPods == 1e999', 's.yaml', 0)).toThrow(/^s\.yaml: expect\[0\]: /);
  });

  it('keeps an entry written over several lines (a YAML block, "\\n") to one line, as PASS/FAIL lines and JUnit names print it', () => {
    expect(parseExpectation('p99\n  <=\t500ms\n', 's.yaml', 0)).toMatchObject({ text: 'p99 <= 500ms', check: { op: '<=', value: 500 } });
    expect(parseExpectation({ that: 'scaleToZeroAt within 60s..95s\n  after 2m10s', revision: 'hello-00001' }, 's.yaml', 0)).toMatchObject({
      text: 'scaleToZeroAt within 60s..95s after 2m10s',
      check: { op: 'within', lo: 60, hi: 95, after: 130 },
    });
  });
});

describe('the README', () => {
  it('lists every summary field an expectation may name (the registry\'s names are in src/output/metrics.ts)', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Expectations and knsim test'), readme.indexOf('## Notebooks'));
    const fields = expectMetricNames().filter((n) => metricByName(n) === undefined);
    expect(fields).toContain('sessionsClosedAtShutdown');
    expect(fields.filter((n) => !section.includes(`\`${n}\``))).toEqual([]);
  });

  it('names exactly the metrics a service with several revisions sums', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const sentence = readme.slice(readme.indexOf('Of a service with several revisions'), readme.indexOf('are the sums over its revisions'));
    const named = [...sentence.matchAll(/`(\w+)`/g)].map((m) => expectMetric(m[1]!)!.name).sort();
    const additive = [...new Set(expectMetricNames().map((n) => expectMetric(n)!))].filter((m) => m.additive === true).map((m) => m.name).sort();
    expect(additive).toHaveLength(17);
    expect(named).toEqual(additive);
  });

  it('names every metric of the registry by its key or an alias (podHours and readyPodHours were missing)', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Expectations and knsim test'), readme.indexOf('## Notebooks'));
    const missing = METRIC_KEYS.filter((k) => ![k, ...METRICS[k].aliases].some((n) => section.includes(`\`${n}\``)));
    expect(missing).toEqual([]);
  });
});

describe('checks against a run', () => {
  // quickstart: 30 rps for 2 minutes from 10 s; one pod; back to zero 60–95 s after the load.
  const file = join(root, 'scenarios/quickstart.yaml');
  const summary = summarizeWorld(loadScenario(file).world);
  const check = (text: unknown) => evaluateExpectation(parseExpectation(text, file, 0), summary, file);

  it('passes true expectations and fails false ones, with the value it got', () => {
    expect(check('maxReadyPods == 1')).toMatchObject({ pass: true, actual: '1' });
    expect(check('maxReadyPods == 2')).toMatchObject({ pass: false, actual: '1' });
    expect(check('status503 == 0').pass).toBe(true);
    expect(check('total within 3300..3900').pass).toBe(true);
    expect(check({ that: 'p50 < 200ms', revision: 'hello-00001' })).toMatchObject({ pass: true, scope: 'revision hello-00001' });
    expect(check({ that: 'coldStartRequests >= 10', service: 'hello' })).toMatchObject({ pass: true, scope: 'service hello' });
  });

  it('checks an instant relative to a time', () => {
    const [zero] = summary.revisions[0]!.scaleToZeroAtSeconds;
    // The load ends at 2m10s; zero comes 60–95 s later (the stable window drains).
    expect(zero! - 130).toBeGreaterThanOrEqual(60);
    expect(check('scaleToZeroAt within 60s..95s after 2m10s')).toMatchObject({ pass: true, actual: `${+zero!.toPrecision(12)}s (${+(zero! - 130).toPrecision(12)}s after 130s)` });
    expect(check('scaleToZeroAt within 0s..30s after 2m10s').pass).toBe(false);
    expect(check('scaleToZeroAt within 0s..1h after 10m')).toMatchObject({ pass: false, actual: `none at or after 600s (all: ${+zero!.toPrecision(12)}s)` });
  });

  it('names a scope the run does not have', () => {
    expect(() => check({ that: 'ok > 1', revision: 'nope' })).toThrow('expect[0].revision: no revision named "nope" ran (revisions: hello-00001)');
  });
});

describe('a service with several revisions (rollout: hello-00001 answers 18552 requests, hello-00002 35351)', () => {
  const file = join(root, 'scenarios/rollout.yaml');
  const summary = summarizeWorld(loadScenario(file).world);
  const check = (that: string) => checkExpectation(parseExpectation({ that, service: 'hello' }, file, 0), summary, file);

  it('sums its revisions\' requests, cold starts and pod time, and takes rates of the sums', () => {
    expect(summary.revisions.map((r) => [r.revision, r.requests.total, r.podSeconds])).toEqual([
      ['hello-00001', 18552, 651.621],
      ['hello-00002', 35351, 776],
    ]);
    expect(check('total == 53903')).toMatchObject({ pass: true, scope: 'service hello', actual: '53903' });
    expect(check('ok == 53903').pass).toBe(true);
    expect(check('coldStartRequests == 0').pass).toBe(true);
    expect(check('podSeconds == 1427.621s')).toMatchObject({ pass: true, actual: '1427.621s' });
    expect(check('podHours == 0.396562')).toMatchObject({ pass: true, actual: '0.396562h' });
    expect(check('errorRate == 0')).toMatchObject({ pass: true, actual: '0%' });
    expect(check('total == 18552')).toMatchObject({ pass: false, actual: '53903' });
  });

  it('refuses, as an ERROR naming the revisions, what is no sum of its revisions\'', () => {
    const revs = 'service hello has 2 revisions (hello-00001, hello-00002)';
    expect(check('p99 <= 1s')).toMatchObject({ pass: false, error: `${file}: expect[0].service: ${revs}, and p99_ms is no sum of its revisions' (a percentile, a peak or a time): scope the expectation to one with revision:` });
    expect(check('maxReadyPods <= 10').error).toContain(`${revs}, and max_pods is no sum`);
    expect(check('timeToFirstReady <= 10s').error).toContain(`${revs}, and timeToFirstReady is per revision`);
  });
});

describe('a service whose first requests found no route', () => {
  // quickstart deployed fresh (no initialPods) with its 30 rps from t = 0: the requests sent
  // before the first pod is Ready get 404; they count in the service, though in no revision.
  const dir = mkdtempSync(join(tmpdir(), 'knsim-expect-noroute-'));
  const file = join(dir, 'fresh.yaml');
  writeFileSync(file, readFileSync(join(root, 'scenarios/quickstart.yaml'), 'utf8').replace('    initialPods: 0\n', '').replace('{ at: 0s, rps: 0 }', '{ at: 0s, rps: 30 }'));
  const summary = summarizeWorld(loadScenario(file).world);
  const check = (text: unknown) => evaluateExpectation(parseExpectation(text, file, 0), summary, file);

  it('counts the 404s in the service scope, as in the whole run', () => {
    const noRoute = summary.noRouteByService['hello']!;
    const served = summary.revisions[0]!.requests.total;
    expect(noRoute).toBeGreaterThan(0);
    expect(summary.overall.requests.total).toBe(served + noRoute);
    expect(check({ that: `noRoute == ${noRoute}`, service: 'hello' })).toMatchObject({ pass: true, actual: String(noRoute) });
    expect(check({ that: `total == ${served + noRoute}`, service: 'hello' }).pass).toBe(true);
    // It passed at 0 %: the 404s were left out of the service's requests.
    const rate = noRoute / (served + noRoute);
    expect(check({ that: 'errorRate == 0', service: 'hello' })).toMatchObject({ pass: false, actual: formatActual(rate, 'fraction') });
    expect(check('errorRate == 0')).toMatchObject({ pass: false, actual: formatActual(rate, 'fraction') });
    // A revision has none of them: they reached no revision.
    expect(check({ that: 'noRoute == 0', revision: 'hello-00001' }).pass).toBe(true);
  });
});

describe('the value an expectation got, as printed', () => {
  it.each([
    [1001.471, 'ms', '1001.471ms'],
    [3524.745, 'seconds', '3524.745s'],
    [0.1, 'fraction', '10%'],
    [0.123456789, 'fraction', '12.3456789%'],
    [65.873, 'seconds', '65.873s'],
    [1.710386, 'hours', '1.710386h'],
  ] as const)('%s (%s) reads %s, as summary.json has it', (v, kind, want) => {
    expect(formatActual(v, kind)).toBe(want);
  });
});

describe('a run where no request succeeded', () => {
  // quickstart with 1 s requests and a 500 ms client timeout: every request gives up, so
  // ok == 0 and there is no latency to check (the percentiles are of the 200s).
  const file = join(root, 'scenarios/quickstart.yaml');
  const loaded = loadScenario(file, { sets: ['clients[0].timeout=500ms', 'services[0].app.serviceTime={dist: constant, value: 1s}'] });
  const summary = summarizeWorld(loaded.world);
  const check = (text: string) => evaluateExpectation(parseExpectation(text, file, 0), summary, file);

  it('has no successful request', () => {
    expect(summary.overall.requests.ok).toBe(0);
    expect(summary.overall.requests.clientTimeouts).toBe(3519);
  });

  it.each([
    ['p99 <= 500ms'],
    ['p50 < 1ms'],
    ['p95 within 0ms..10s'],
    ['p90 <= 1s'],
    ['max <= 1s'],
    ['p99 != 5ms'],
  ])('fails %s instead of passing on a latency of 0 ms', (text) => {
    expect(check(text)).toMatchObject({ pass: false, actual: 'none (no request succeeded: latencies are of the 200s)' });
  });

  it('still checks the counts', () => {
    expect(check('ok == 0')).toMatchObject({ pass: true, actual: '0' });
  });
});

describe('a run where no request was answered', () => {
  // quickstart with its client starting after the run ends: nothing is answered, so no rate has a denominator.
  const file = join(root, 'scenarios/quickstart.yaml');
  const summary = summarizeWorld(loadScenario(file, { sets: ['clients[0].start=6m'] }).world);
  const check = (text: string) => evaluateExpectation(parseExpectation(text, file, 0), summary, file);

  it('answered nothing', () => {
    expect(summary.overall.requests.total).toBe(0);
  });

  it.each([['errorRate == 0'], ['rate503 <= 0.1%'], ['rate504 == 0'], ['coldStartFraction < 5%']])('fails %s instead of passing on a rate of 0', (text) => {
    expect(check(text)).toMatchObject({ pass: false, actual: 'none (no request was answered)' });
  });

  it('still checks the counts', () => {
    expect(check('status503 == 0')).toMatchObject({ pass: true, actual: '0' });
  });

  // They read a bare "none": the revision (from zero, and sent nothing) had no pod at all.
  it('says why a revision has no first Ready pod and no scale to zero', () => {
    expect(summary.revisions.map((r) => [r.timeToFirstReadySeconds, r.scaleToZeroAtSeconds])).toEqual([[null, []]]);
    expect(check('timeToFirstReady < 1m')).toMatchObject({ pass: false, actual: 'none (no pod of the revision became Ready)' });
    expect(check('scaleToZeroAt > 0')).toMatchObject({ pass: false, actual: 'none (the revision did not scale to zero in the run)' });
    expect(check('scaleToZeroAt within 0s..10s after 1m')).toMatchObject({ pass: false, actual: 'none at or after 60s (all: none)' });
    expect(check('sessionsClosed == 0')).toMatchObject({ pass: false, actual: 'none (no revision serves WebSocket sessions: app.webSocket)' });
  });

  it('says a WebSocket run\'s closed-session rate is none for want of answered requests, not of sessions', () => {
    // It said "no revision serves WebSocket sessions" of websocket-scale-down, whose chat does.
    const ws = join(root, 'scenarios/websocket-scale-down.yaml');
    const s = summarizeWorld(loadScenario(ws, { sets: ['clients[0].start=40m', 'duration=2m'] }).world);
    expect([s.overall.requests.total, s.overall.sessionsClosedAtShutdown]).toEqual([0, 0]);
    const wsCheck = (text: string) => evaluateExpectation(parseExpectation(text, ws, 0), s, ws);
    expect(wsCheck('sessionsClosed == 0')).toMatchObject({ pass: false, actual: 'none (no request was answered)' });
    expect(wsCheck('sessionsClosedAtShutdown == 0')).toMatchObject({ pass: true, actual: '0' });
  });
});

describe('a run whose requests are all still in flight at the end', () => {
  // quickstart with 10-minute requests: none of the 3,519 sent is answered by the end (310 s).
  const file = join(root, 'scenarios/quickstart.yaml');
  const summary = summarizeWorld(loadScenario(file, { sets: ['services[0].app.serviceTime={dist: constant, value: 10m}'] }).world);
  const check = (text: unknown) => evaluateExpectation(parseExpectation(text, file, 0), summary, file);

  it('has the share of the requests sent that were not answered (it read 0 %: the in-flight count is the run\'s, not in `overall`)', () => {
    expect([summary.overall.requests.total, summary.requestsInFlightAtEnd]).toEqual([0, 3519]);
    expect(check('unanswered == 100%')).toMatchObject({ pass: true, actual: '100%' });
    expect(check('unanswered < 5%')).toMatchObject({ pass: false, actual: '100%' });
  });

  it('refuses a whole-run metric scoped to a revision or a service', () => {
    expect(() => check({ that: 'unanswered < 5%', revision: 'hello-00001' })).toThrow('expect[0].revision: unanswered_rate is of the whole run, not of one revision: remove revision:');
    expect(() => check({ that: 'unanswered < 5%', service: 'hello' })).toThrow('expect[0].service: unanswered_rate is of the whole run, not of one service: remove service:');
  });
});

describe('node metrics', () => {
  it('read the run\'s nodes and cost (they read NaN), and are "none" without node pools', () => {
    const file = join(root, 'scenarios/capacity-planning.yaml');
    const summary = summarizeWorld(loadScenario(file, { durationSeconds: 7200 }).world);
    const check = (text: string) => evaluateExpectation(parseExpectation(text, file, 0), summary, file);
    // Two night hours: one node of $0.20/h all along, no pod waiting for room.
    expect([summary.cost?.total, summary.nodes?.max, summary.nodes?.maxPendingSeconds]).toEqual([0.4, 1, 0]);
    expect(check('nodeCost == 0.4')).toMatchObject({ pass: true, actual: '0.4' });
    expect(check('peakNodes == 1')).toMatchObject({ pass: true, actual: '1' });
    expect(check('maxPending <= 1s')).toMatchObject({ pass: true, actual: '0s' });
    const qs = join(root, 'scenarios/quickstart.yaml');
    const plain = summarizeWorld(loadScenario(qs, { durationSeconds: 20 }).world);
    expect(evaluateExpectation(parseExpectation('peakNodes <= 3', qs, 0), plain, qs)).toMatchObject({ pass: false, actual: 'none (the scenario has no cluster.nodePools)' });
  });
});

describe('knsim test', () => {
  it('passes on every shipped scenario with expectations', () => {
    const run = runTests([join(root, 'scenarios')]);
    const failures = run.scenarios.flatMap((s) => [...(s.error ? [`${s.file}: ${s.error}`] : []), ...s.results.filter((r) => !r.pass).map((r) => `${s.file}: ${r.expectation.text}: got ${r.actual}`)]);
    expect(failures).toEqual([]);
    // Every shipped scenario carries the numbers its description states (README, Expectations).
    const shipped = readdirSync(join(root, 'scenarios')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
    expect(run.scenarios.map((s) => s.name).sort()).toEqual(shipped);
    expect(tally(run).passed).toBeGreaterThanOrEqual(100);
  });

  function wrongScenario(): { dir: string; file: string } {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-test-'));
    const text = readFileSync(join(root, 'scenarios/quickstart.yaml'), 'utf8').replace(/\nexpect:[\s\S]*$/, '\n');
    const file = join(dir, 'wrong.yaml');
    writeFileSync(file, `${text}expect:\n  - maxReadyPods == 1\n  - maxReadyPods == 29\n  - p99 <= 1ms\n`);
    return { dir, file };
  }

  it('exits 1 on a wrong expectation, prints what it got, and writes JUnit XML that parses', () => {
    const { dir, file } = wrongScenario();
    const junit = join(dir, 'out.xml');
    const r = runKnsim(['test', file, '--junit', junit], dir, { CI: '1' });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`${file} (quickstart)`);
    expect(lines[1]).toBe('  PASS maxReadyPods == 1: got 1');
    expect(lines[2]).toBe('  FAIL maxReadyPods == 29: got 1');
    expect(lines[3]).toMatch(/^ {2}FAIL p99 <= 1ms: got \d+(\.\d+)?ms$/);
    expect(lines.at(-1)).toBe('1 passed, 2 failed');
    const doc = parseXml(readFileSync(junit, 'utf8'));
    expect(doc.name).toBe('testsuites');
    expect(doc.attrs).toMatchObject({ tests: '3', failures: '2', errors: '0' });
    const suite = doc.children[0]!;
    expect(suite.attrs).toMatchObject({ name: file, tests: '3', failures: '2' });
    expect(suite.children.map((c) => [c.attrs['name'], c.children.map((f) => f.name)])).toEqual([
      ['maxReadyPods == 1', []],
      ['maxReadyPods == 29', ['failure']],
      ['p99 <= 1ms', ['failure']],
    ]);
    // The message stands alone on a CI page: the file, the entry, the expectation and what the run gave.
    expect(suite.children[1]!.children[0]!.attrs['message']).toBe(`${file}: expect[1]: maxReadyPods == 29: got 1`);
  });

  it("JUnit's time attributes are wall-clock seconds (the injected clock's); the rest of the XML is the same bytes run after run", () => {
    const { file } = wrongScenario();
    // A clock that advances 1.25 s between any two reads: each scenario takes 1.25 s of it.
    const ticking = () => {
      let t = 100;
      return () => (t += 1.25);
    };
    const xml = (clock: () => number) => junitXml(junitSuites(runTests([file, join(root, 'scenarios/quickstart.yaml')], { wallClock: clock })));
    const a = xml(ticking());
    expect([...a.matchAll(/ time="([^"]*)"/g)].map((m) => m[1])).toEqual(['2.500', '1.250', '1.250']);
    expect(xml(ticking())).toBe(a);
    // With the real clock only the time attributes differ.
    const strip = (x: string) => x.replace(/ time="[^"]*"/g, '');
    const one = (clock?: () => number) => junitXml(junitSuites(runTests([file], clock === undefined ? {} : { wallClock: clock })));
    expect(strip(one())).toBe(strip(one(ticking())));
    expect(one(ticking())).toContain('<testsuite name="' + file + '" tests="3" failures="2" errors="0" time="1.250">');
  });

  it('reports an expectation whose scope did not run as an ERROR, and still checks the others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-test-scope-'));
    const file = join(dir, 'scope.yaml');
    // The scenario makes hello-00002, but only at 10m, after its 6-minute run: in the file, not in the run.
    const text = readFileSync(join(root, 'scenarios/rollout.yaml'), 'utf8').replace(/\nexpect:[\s\S]*$/, '\n').replace('- at: 60s', '- at: 10m');
    writeFileSync(file, `${text}expect:\n  - maxReadyPods == 3\n  - { that: maxReadyPods == 1, revision: hello-00002 }\n  - maxReadyPods == 29\n`);
    const junit = join(dir, 'out.xml');
    const r = runKnsim(['test', file, '--junit', junit], dir, { CI: '1' });
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${file} (rollout)`,
      '  PASS maxReadyPods == 3: got 3',
      `  ERROR maxReadyPods == 1 [revision hello-00002]: ${file}: expect[1].revision: no revision named "hello-00002" ran (revisions: hello-00001)`,
      '  FAIL maxReadyPods == 29: got 3',
      '1 passed, 2 failed',
    ]);
    const suite = parseXml(readFileSync(junit, 'utf8')).children[0]!;
    expect(suite.attrs).toMatchObject({ tests: '3', failures: '1', errors: '1' });
    expect(suite.children.map((c) => c.children.map((f) => f.name))).toEqual([[], ['error'], ['failure']]);
  });

  it('exits 2 with one line for a service or revision the scenario does not have (a typo), before running anything', () => {
    const { dir, file } = wrongScenario();
    const cases: Array<[string, string]> = [
      ['{ that: maxReadyPods == 1, revision: nope-00001 }', 'expect[2].revision: no revision named "nope-00001" in the scenario (revisions: hello-00001)'],
      ['{ that: maxReadyPods == 1, revision: hello-00002 }', 'expect[2].revision: no revision named "hello-00002" in the scenario (revisions: hello-00001; did you mean "hello-00001"?)'],
      ['{ that: p99 <= 1s, service: helo }', 'expect[2].service: no service named "helo" in the scenario (services: hello; did you mean "hello"?)'],
    ];
    const text = readFileSync(file, 'utf8');
    for (const [entry, message] of cases) {
      writeFileSync(file, text.replace('  - p99 <= 1ms\n', `  - ${entry}\n`));
      const r = runKnsim(['test', file], dir, { CI: '1' });
      expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `knsim: ${file}: ${message}\n`]);
    }
    // knsim run refuses it too, as it refuses any bad expectation, without evaluating it.
    const run = runKnsim(['run', file, '--out', join(dir, 'out')], dir, { CI: '1' });
    expect([run.code, run.stderr]).toEqual([2, `knsim: ${file}: ${cases[2]![1]}\n`]);
  });

  it('exits 2 with one line when there is nothing to test (an empty directory, or no expect: sections)', () => {
    const empty = mkdtempSync(join(tmpdir(), 'knsim-test-empty-'));
    const r = runKnsim(['test', empty], empty, { CI: '1' });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `knsim: ${empty}: nothing to test (no YAML files)\n`]);
    writeFileSync(join(empty, 'a.yaml'), 'name: a\nduration: 10s\n');
    const r2 = runKnsim(['test', empty], empty, { CI: '1' });
    expect([r2.code, r2.stderr]).toEqual([2, `knsim: ${empty}: nothing to test (1 YAML file, none with an expect: section)\n`]);
  });

  it('a directory\'s YAML file past the node cap is no scenario, as one past 16 MiB: skipped, not parsed whole', () => {
    // Looking for its expect: key parsed a million-value list whole (1.1 GB) first.
    const dir = mkdtempSync(join(tmpdir(), 'knsim-test-dense-'));
    writeFileSync(join(dir, 'dense.yaml'), `values: [${Array(MAX_YAML_NODES).fill('1').join(',')}]\nexpect: [errorRate == 0]\n`);
    writeFileSync(join(dir, 'small.yaml'), `values: [1]\nexpect: [errorRate == 0]\n`);
    expect(collectScenarioFiles([dir])).toEqual({ files: [join(dir, 'small.yaml')], skipped: [join(dir, 'dense.yaml')], unreadable: [] });
  });

  // Looking for its expect: key, a named pipe's open blocked for ever without a writer; with one
  // (support/pipe.ts) the pipe was read, and taken as a scenario to test.
  it.runIf(HAS_MKFIFO)("a directory's YAML named pipe is skipped unread, saying what it is", () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-test-pipe-'));
    const pipe = pipeWithWriter(join(dir, 'pipe.yaml'), 'expect: [errorRate == 0]\n');
    try {
      expect(collectScenarioFiles([dir])).toEqual({
        files: [],
        skipped: [],
        unreadable: [{ file: pipe, reason: 'is a named pipe (FIFO), not a regular file: knsim reads input only from regular files' }],
      });
    } finally {
      stopPipeWriters();
    }
  });

  it('walks a directory with a broken symbolic link and a link back up without an internal error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-test-links-'));
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    writeFileSync(join(sub, 'a.yaml'), `${readFileSync(join(root, 'scenarios/quickstart.yaml'), 'utf8').replace(/\nexpect:[\s\S]*$/, '\n')}expect:\n  - maxReadyPods == 1\n`);
    symlinkSync(join(dir, 'nothing-here.yaml'), join(sub, 'broken.yaml'));
    symlinkSync(join(dir, 'nothing-here'), join(sub, 'broken-dir'));
    symlinkSync(dir, join(sub, 'up'));
    const r = runKnsim(['test', sub], dir, { CI: '1' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The file is tested once, though it is reachable again through up/sub/.
    expect(r.stdout.split('\n').filter((l) => l.includes('(quickstart)'))).toEqual([`${join(sub, 'a.yaml')} (quickstart)`]);
    expect(r.stdout).toContain(`${join(sub, 'broken.yaml')}: cannot be read (a broken symbolic link?), skipped\n`);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('1 passed, 0 failed');
  });

  it('tests a file named twice, or named and inside a directory also named, once (it was run and counted each time)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-test-twice-'));
    const a = join(dir, 'a.yaml');
    writeFileSync(a, `${readFileSync(join(root, 'scenarios/quickstart.yaml'), 'utf8').replace(/\nexpect:[\s\S]*$/, '\n')}expect:\n  - maxReadyPods == 1\n`);
    writeFileSync(join(dir, 'notes.yaml'), 'name: notes\n');
    symlinkSync(a, join(dir, 'b.yaml'));
    expect(collectScenarioFiles([a, dir, join(dir, '.', 'a.yaml')])).toEqual({ files: [a], skipped: [join(dir, 'notes.yaml')], unreadable: [] });
    const r = runKnsim(['test', dir, a], dir, { CI: '1' });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('1 passed, 0 failed');
  });

  it('passes over YAML files it cannot use without a word on stderr (the parser warned there about a list as a key)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-test-odd-'));
    writeFileSync(join(dir, 'a.yaml'), `${readFileSync(join(root, 'scenarios/quickstart.yaml'), 'utf8').replace(/\nexpect:[\s\S]*$/, '\n')}expect:\n  - maxReadyPods == 1\n`);
    writeFileSync(join(dir, 'odd.yaml'), '? [a, b]\n: 1\n');
    const r = runKnsim(['test', dir], dir, { CI: '1' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('1 passed, 0 failed');
  });

  it('exits 2 with one line for an unknown metric, before running anything', () => {
    const { dir, file } = wrongScenario();
    writeFileSync(file, readFileSync(file, 'utf8').replace('p99 <= 1ms', 'p99s <= 1ms'));
    const r = runKnsim(['test', file], dir, { CI: '1' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`knsim: ${file}: expect[2]: unknown metric "p99s" (did you mean "p99"?)\n`);
  });

  it('exits 2 with one line for a whole-run metric scoped to a service, before running anything', () => {
    const { dir, file } = wrongScenario();
    writeFileSync(file, readFileSync(file, 'utf8').replace('  - p99 <= 1ms\n', '  - { that: unanswered == 0, service: hello }\n'));
    const r = runKnsim(['test', file], dir, { CI: '1' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`knsim: ${file}: expect[2].service: unanswered_rate is of the whole run, not of one service: remove service:\n`);
  });

  it('says every failure again, with its file, before the count when several scenarios ran', () => {
    const { dir, file } = wrongScenario();
    const other = join(dir, 'scoped.yaml');
    writeFileSync(other, readFileSync(file, 'utf8').replace(/\nexpect:[\s\S]*$/, '\nexpect:\n  - { that: maxReadyPods == 1, revision: hello-00001 }\n  - total > 5000\n'));
    const good = join(dir, 'good.yaml');
    writeFileSync(good, readFileSync(join(root, 'scenarios/quickstart.yaml'), 'utf8'));
    const r = runKnsim(['test', dir], dir, { CI: '1' });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(lines.indexOf('failed in 2 of 3 scenarios:'))).toEqual([
      'failed in 2 of 3 scenarios:',
      `  ${other}: FAIL total > 5000: got 3519`,
      `  ${file}: FAIL maxReadyPods == 29: got 1`,
      expect.stringMatching(new RegExp(`^  ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: FAIL p99 <= 1ms: got \\d+(\\.\\d+)?ms$`)),
      '7 passed, 3 failed',
    ]);
    // One scenario's block is its own recap; all passing has none.
    expect(runKnsim(['test', file], dir, { CI: '1' }).stdout).not.toContain('failed in');
    expect(runKnsim(['test', good, other.replace('scoped', 'good')], dir, { CI: '1' }).stdout).not.toContain('failed in');
  });

  it('escapes what XML cannot hold as is', () => {
    const xml = junitXml([{ name: 'a<b>&"c"', className: "it's", seconds: 0.5, cases: [{ name: 'p99 <= 5ms \u0001', failure: 'got <6ms>' }, { name: 'x', error: 'boom & bust' }] }]);
    const doc = parseXml(xml);
    expect(doc.children[0]!.attrs['name']).toBe('a<b>&"c"');
    expect(doc.children[0]!.children[0]!.attrs['name']).toBe('p99 <= 5ms ');
    expect(doc.children[0]!.children[0]!.children[0]!.text).toBe('got <6ms>');
    expect(doc.attrs).toMatchObject({ tests: '2', failures: '1', errors: '1' });
    expect(xmlEscape("'")).toBe('&apos;');
    // A line break in an attribute reads back as a space unless written as a reference.
    const broken = parseXml(junitXml([{ name: 'dir\nwith\ttab\r.yaml', className: 'x', seconds: 0, cases: [{ name: 'a', failure: 'line 1\nline 2' }] }]));
    expect(broken.children[0]!.attrs['name']).toBe('dir\nwith\ttab\r.yaml');
    expect(broken.children[0]!.children[0]!.children[0]!.attrs['message']).toBe('line 1\nline 2');
  });
});
