/**
 * The playground applies `knsim run`'s default limits (web/src/limits.ts): what the CLI refuses
 * before it simulates, the playground refuses with the CLI's line; a run's files must fit in
 * the tab's memory as they must fit on the CLI's disk; a run that passes a cap while it runs
 * stops with the CLI's line and does not go on. The shipped scenarios pass and run unchanged
 * (session.test.ts compares their files with knsim run's).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { PlaygroundFiles } from '../../web/src/files.js';
import { PLAYGROUND_MEMORY_BYTES } from '../../web/src/limits.js';
import { checkForPlayground, Session } from '../../web/src/session.js';
import { root, runKnsim } from '../support/cli.js';
import { neverReadyScenario } from '../support/never-ready.js';

const tmp = mkdtempSync(join(tmpdir(), 'knsim-web-limits-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const FILE = 'scenario.yaml';
const shipped = (name: string): string => readFileSync(join(root, 'scenarios', `${name}.yaml`), 'utf8');
const withDuration = (text: string, d: string): string => {
  const out = text.replace(/^duration: .*$/m, `duration: ${d}`);
  expect(out).not.toBe(text);
  return out;
};
let runs = 0;
const session = (text: string, durationSeconds?: number): Session => new Session({ text, file: FILE, durationSeconds, outDir: join(tmp, `run-${++runs}`) });

/** What the playground says of `text`: the error the Session throws, or undefined when it loads. */
function refusal(make: () => unknown): ScenarioError | undefined {
  try {
    make();
    return undefined;
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
}

/** `knsim run scenario.yaml` on `text` in a folder of its own, so its message names the file as the playground does. */
function cli(text: string, args: string[] = []): { code: number; stderr: string } {
  const dir = mkdtempSync(join(tmp, 'cli-'));
  writeFileSync(join(dir, FILE), text);
  const r = runKnsim(['run', FILE, '--out', join(dir, 'out'), '--no-report', ...args], dir);
  return { code: r.code, stderr: r.stderr };
}

describe('before a run: what knsim run refuses by default', () => {
  it.each([
    // 3.6e8 s × 32.5 periodic events/s: over the 1e10 events limit.
    ['hello-world for 100000h (periodic events)', withDuration(shipped('hello-world'), '100000h'), 'duration'],
    // 1e12 requests/s for 5 minutes: over the 1e9 requests limit.
    ['a 1e12 rps client (requests)', shipped('quickstart').replace(/rps: 30/g, 'rps: 1e12'), 'clients[0].open.rate'],
  ])('%s: the playground refuses it with the CLI\'s line, at the field the CLI names', (_what, text, path) => {
    const r = cli(text);
    expect(r.code).toBe(2);
    const e = refusal(() => session(text))!;
    expect(e).toBeDefined();
    expect(`knsim: ${e.message}\n`).toBe(r.stderr);
    expect(e.path).toBe(path);
    // The editor's check says the same.
    expect(refusal(() => checkForPlayground({ text, file: FILE }))?.message).toBe(e.message);
  });
});

describe('before a run: its files must fit in the tab, as they must fit on the CLI\'s disk', () => {
  const text = withDuration(shipped('quickstart'), '100000h');
  // The CLI's estimate: 24 GB of timeseries.csv and 17 GB of autoscaler.csv, one row a second or a tick for 3.6e8 s.
  const rule =
    "the run's files would take about 41.9 GB (timeseries.csv 24.5 GB, autoscaler.csv 17.5 GB, …) but 250 MB is free for the playground's in-memory files and charts; shorten the run, or run it with knsim run";

  it('quickstart for 100000h is refused at its duration, naming the files and the memory', () => {
    expect(PLAYGROUND_MEMORY_BYTES).toBe(250e6);
    const e = refusal(() => session(text))!;
    expect(e.message).toBe(`scenario.yaml: duration: ${rule}`);
    // The same from the duration field (like --duration).
    expect(refusal(() => session(shipped('quickstart'), 360_000_000))?.message).toBe(e.message);
    expect(refusal(() => checkForPlayground({ text, file: FILE }))?.message).toBe(e.message);
  });

  it('the live charts keep the per-second series, so series: false does not let it through', () => {
    expect(refusal(() => session(`${text}\nseries: false\n`))?.message).toBe(`scenario.yaml: duration: ${rule}`);
  });

  it('requests.csv weighing most: the busiest client is named, and the scenario\'s trace setting suggested', () => {
    // 5,000 requests/s for 10 minutes: 3 million rows of requests.csv.
    const busy = [
      'name: busy',
      'duration: 10m',
      'services:',
      '  - manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: hello }, spec: { template: { spec: { containers: [{ image: app }] } } } }',
      'clients:',
      '  - { name: c, service: hello, open: { rps: 5000 } }',
      '',
    ].join('\n');
    const e = refusal(() => session(busy))!;
    expect(e.path).toBe('clients[0].open.rps');
    expect(e.rule).toMatch(/^the run's files would take about \d+ MB \(requests\.csv \d+ MB, .*\) but 250 MB is free for the playground's in-memory files and charts; shorten the run, set trace: sample=R or trace: none, or run it with knsim run$/);
    // With the trace sampled, it fits.
    expect(refusal(() => checkForPlayground({ text: `${busy}\ntrace: sample=0.01\n`, file: FILE }))).toBeUndefined();
  });

  it('every shipped scenario passes', () => {
    const traces = new PlaygroundFiles(Object.fromEntries(readdirSync(join(root, 'scenarios/traces')).map((f) => [`traces/${f}`, readFileSync(join(root, 'scenarios/traces', f), 'utf8')])));
    const names = readdirSync(join(root, 'scenarios')).filter((f) => f.endsWith('.yaml'));
    expect(names.length).toBeGreaterThan(15);
    for (const f of names) expect(refusal(() => checkForPlayground({ text: readFileSync(join(root, 'scenarios', f), 'utf8'), file: f }, traces)), f).toBeUndefined();
  });
});

describe('while a run goes: the CLI\'s caps', () => {
  it('users looping on 404s pass the request cap: the run stops with the CLI\'s line, and does not go on', () => {
    // 100 users with no think time on a revision that never becomes Ready: every request is a
    // 404 after the 1 ms ingress hop. 198,000 requests foreseen in 200 s; the least cap, 1e7, is
    // sent by 100 s.
    const text = neverReadyScenario('200s', ['trace: none']);
    const line =
      'scenario.yaml: clients[0].closed.think: 1e7 requests sent by 100 s (the least cap; 198000 foreseen): users answered at once (404 before a revision is Ready, 502, 503) send again after 0 s; add think time or raise --max-requests';
    const s = session(text);
    const e = refusal(() => {
      while (!s.done) s.advance(s.now + 10);
    })!;
    expect(e.message).toBe(line);
    expect(s.failed).toBe(true);
    expect(s.done).toBe(false);
    expect(s.now).toBeLessThan(101);
    // It stays stopped: no further events are taken.
    const events = s.world.sim.events;
    expect(refusal(() => s.advance(200))).toBe(e);
    expect(s.world.sim.events).toBe(events);
    expect(s.files).toEqual([]);
    // knsim run says the same.
    expect(cli(text)).toEqual({ code: 2, stderr: `knsim: ${line}\n` });
  });
});
