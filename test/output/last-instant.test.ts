/**
 * requests-per-second.csv accounts for every answered request, those answered at the very
 * instant the run ends included (their completions were once dropped: a whole-second end wrote
 * no row after the sample). The sample runs after every other event of its instant, so the row
 * at t counts the completions of (t − 1, t].
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';

const root = mkdtempSync(join(tmpdir(), 'knsim-last-instant-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Requests sent every 0.5 s from 0 take 5 s; the client gives up after 1 s, so each one ends at a
// whole or half second: the one sent at 19 s ends at 20 s, the run's end.
const SCENARIO = `name: last-instant
duration: DURATION
services:
  - manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: hello }, spec: { template: { spec: { containerConcurrency: 1, containers: [{ image: app }] } } } }
    initialPods: 1
    app: { serviceTime: 5s }
clients:
  - { name: load, service: hello, timeout: 1s, open: { process: uniform, rps: 2 } }
`;

function run(duration: string): { rows: string[][]; timeouts: number } {
  const file = join(root, `s-${duration}.yaml`);
  writeFileSync(file, SCENARIO.replace('DURATION', duration));
  const dir = join(root, `out-${duration}`);
  const result = runWorld(loadScenario(file).world, { outDir: dir, trace: { mode: 'full' }, series: true });
  const rows = readFileSync(join(dir, 'requests-per-second.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  return { rows, timeouts: result.summary.overall.requests.clientTimeouts };
}

describe('requests-per-second.csv at the end of the run', () => {
  it.each([
    // duration, client timeouts (sent at 0, 0.5, … up to the end less 1 s), last row (time, completed):
    // those ending at 19.5 and 20 s; at 20.5 s alone.
    ['20s', 39, ['20.000000', '2']],
    ['20.5s', 40, ['20.500000', '1']],
  ])('%s: the rows add up to the summary, the last row holding what ended at the end', (duration, timeouts, last) => {
    const r = run(duration);
    expect(r.timeouts).toBe(timeouts);
    expect(r.rows.reduce((n, row) => n + Number(row[3]), 0)).toBe(timeouts);
    expect(r.rows.reduce((n, row) => n + Number(row[7]), 0)).toBe(timeouts);
    expect([r.rows.at(-1)![0], r.rows.at(-1)![3]]).toEqual(last);
    // One row per second: no time twice.
    expect(new Set(r.rows.map((row) => row[0])).size).toBe(r.rows.length);
  });
});

describe('latency-buckets.csv at the end of the run', () => {
  it('puts a 200 answered at the very end of a 2 h run (5 s buckets) in the last bucket, not in one starting at 7200 s', () => {
    // Requests sent every 0.5 s from 0.999 s take the 1 ms hop and 1 s: they end on whole and half seconds, the last at 7200 s.
    const file = join(root, 'buckets.yaml');
    writeFileSync(file, `name: buckets
duration: 2h
services:
  - manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: hello }, spec: { template: { spec: { containers: [{ image: app }] } } } }
    initialPods: 1
    app: { serviceTime: 1s }
clients:
  - { name: load, service: hello, start: 999ms, open: { process: uniform, rps: 2 } }
`);
    const dir = join(root, 'out-buckets');
    const result = runWorld(loadScenario(file).world, { outDir: dir, trace: { mode: 'none' }, series: true });
    const rows = readFileSync(join(dir, 'latency-buckets.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    // 7195.0, 7195.5, …, 7200.0: the 11 completions after the sample at 7195 s, as the last requests-per-second.csv rows count them.
    expect(rows.at(-1)!.slice(0, 5)).toEqual(['7195', '5', 'hello', 'hello-00001', '11']);
    expect(rows.reduce((n, r) => n + Number(r[4]), 0)).toBe(result.summary.overall.requests.ok);
  });
});
