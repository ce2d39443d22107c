/**
 * The CPU model's app values that let a run complete no request. `app.cpu.parallelism` below 1
 * (1e-12 made 100 ms of CPU take 3,000 years) is refused: a request's CPU phase runs at least one
 * thread on a whole core. A `wait` longer than the revision's timeout is what Knative would take
 * and time out (504) every request: the run goes on, with a warning naming the field.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { leastValue } from '../../src/scenario/least-value.js';
import { runKnsim } from '../support/cli.js';
import { scenarioInTempDir, tinyScenario } from '../support/tiny-scenario.js';
import { catchScenarioError } from './helpers.js';

const manifest = (timeoutSeconds?: number) => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name: 'hello' },
  spec: { template: { spec: { ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}), containers: [{ image: 'app' }] } } },
});

const scenario = (cpu: Record<string, unknown>, extra: { timeoutSeconds?: number; faults?: unknown[]; updates?: unknown[] } = {}) => ({
  name: 't',
  duration: '1m',
  services: [{ manifest: manifest(extra.timeoutSeconds), app: { cpu: { work: '100ms', ...cpu }, ...(extra.faults ? { faults: extra.faults } : {}) }, ...(extra.updates ? { updates: extra.updates } : {}) }],
  clients: [{ name: 'c', service: 'hello', open: { rps: 1 } }],
});

const RULE = "must be at least 1 (a request's CPU phase runs at least one thread, on a whole core while it runs), got";

describe('app.cpu.parallelism', () => {
  it.each([
    [1e-12, `${RULE} 1e-12`],
    [0.5, `${RULE} 0.5`],
    [0.999, `${RULE} 0.999`],
    [0, `${RULE} 0`],
    [-1, `${RULE} -1`],
  ])('%s is refused: %s', (p, rule) => {
    const err = catchScenarioError(() => scenarioFromValue(scenario({ parallelism: p }), 's.yaml'));
    expect([err.path, err.rule]).toEqual(['services[0].app.cpu.parallelism', rule]);
  });

  it.each([1, 1.5, 2, 64])('%s loads as it is', (p) => {
    const w = scenarioFromValue(scenario({ parallelism: p }), 's.yaml').world.services[0]!.revisions[0]!.work;
    expect(w).toMatchObject({ kind: 'cpu', parallelism: p });
  });
});

const waitWarning = (path: string, least: string, revision: string, timeout: number) =>
  `s.yaml: ${path}: at least ${least} s, longer than revision ${revision}'s timeoutSeconds (${timeout} s): every request times out (504) before its CPU work starts, so the run completes none`;

describe('app.cpu.wait against the revision timeout', () => {
  it.each([
    { what: 'a constant wait past the default 300 s timeout', cpu: { wait: '1000000h' }, extra: {}, warned: [waitWarning('services[0].app.cpu.wait', '3600000000', 'hello-00001', 300)] },
    { what: 'a wait of 301 s', cpu: { wait: '301s' }, extra: {}, warned: [waitWarning('services[0].app.cpu.wait', '301', 'hello-00001', 300)] },
    { what: 'a uniform wait from 11 s on a 10 s timeout', cpu: { wait: { dist: 'uniform', min: '11s', max: '20s' } }, extra: { timeoutSeconds: 10 }, warned: [waitWarning('services[0].app.cpu.wait', '11', 'hello-00001', 10)] },
    { what: 'an empirical wait whose least is 12 s', cpu: { wait: { dist: 'empirical', values: ['40s', '12s'] } }, extra: { timeoutSeconds: 10 }, warned: [waitWarning('services[0].app.cpu.wait', '12', 'hello-00001', 10)] },
    { what: 'an update whose revision has a 5 s timeout', cpu: { wait: '6s' }, extra: { updates: [{ at: '30s', template: { spec: { timeoutSeconds: 5, containers: [{ image: 'app:2' }] } } }] }, warned: [waitWarning('services[0].app.cpu.wait', '6', 'hello-00002', 5)] },
    // Equal to the timeout: a request with no CPU work could still end at its timeout's instant (a 200).
    { what: 'a wait equal to the timeout', cpu: { wait: '300s' }, extra: {}, warned: [] },
    { what: 'an exponential wait (no floor)', cpu: { wait: { dist: 'exponential', mean: '1h' } }, extra: {}, warned: [] },
    { what: 'a spread lognormal wait (no floor)', cpu: { wait: { dist: 'lognormal', median: '1h', p99: '2h' } }, extra: {}, warned: [] },
    { what: 'a slowdown that speeds the wait below the timeout', cpu: { wait: '400s' }, extra: { faults: [{ kind: 'slowdown', factor: 0.5 }] }, warned: [] },
    { what: 'the default wait (0 s)', cpu: {}, extra: {}, warned: [] },
  ])('$what', ({ cpu, extra, warned }) => {
    const s = scenarioFromValue(scenario(cpu, extra), 's.yaml');
    expect((s.warnings ?? []).filter((w) => w.includes('cpu.wait'))).toEqual(warned);
  });

  it('the least value of each distribution', () => {
    expect([
      leastValue({ dist: 'constant', value: 2 }),
      leastValue({ dist: 'uniform', min: 1, max: 3 }),
      leastValue({ dist: 'lognormal', median: 4, p99: 4 }),
      leastValue({ dist: 'lognormal', median: 4, p99: 5 }),
      leastValue({ dist: 'exponential', mean: 4 }),
      leastValue({ dist: 'empirical', values: [3, 1.5, 9] }),
    ]).toEqual([2, 1, 4, 0, 0, 1.5]);
  });
});

describe('on the command line', () => {
  const yaml = tinyScenario('cpu', '10s', 1).replace('    initialPods: 1\n', '    initialPods: 1\n    app: { cpu: { work: 100ms } }\n');
  it.each([
    { set: 'services[0].app.cpu.parallelism=1e-12', code: 2, stderr: `knsim: s.yaml: services[0].app.cpu.parallelism: ${RULE} 1e-12\n`, ok: undefined },
    { set: 'services[0].app.cpu.wait=1000000h', code: 0, stderr: `knsim: warning: ${waitWarning('services[0].app.cpu.wait', '3600000000', 'hello-00001', 300)}\n`, ok: 0 },
  ])('--set $set: exit $code', ({ set, code, stderr, ok }) => {
    const { file, out } = scenarioInTempDir('knsim-cpu-app-', yaml);
    const r = runKnsim(['run', 's.yaml', '--no-report', '--out', out, '--set', set], join(file, '..'), { CI: '1' }, 60_000);
    expect(r.code).toBe(code);
    // The warning comes first; the run's summary follows on stdout.
    expect(r.stderr.startsWith(stderr), r.stderr).toBe(true);
    if (ok !== undefined) expect(r.stdout).toMatch(/requests \d+: ok 0,/);
  });
});
