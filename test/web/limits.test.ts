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
import { PodLimitExceeded } from '../../src/model/pod-limit.js';
import { InFlightLimitExceeded } from '../../src/model/request-limit.js';
import { guardProgress } from '../../src/scenario/work-estimate.js';
import { forPlayground, PLAYGROUND_MEMORY_BYTES } from '../../web/src/limits.js';
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

/** The CLI's flag hint as the playground says it: the page has no --max-* flags, so it names knsim run's. */
const hint = (flag: string): [string, string] => [`(raise with ${flag})`, `(the playground cannot raise it: run it with knsim run ${flag})`];

describe('before a run: what knsim run refuses by default', () => {
  it.each([
    // 3.6e8 s × 32.5 periodic events/s: over the 1e10 events limit.
    ['hello-world for 100000h (periodic events)', withDuration(shipped('hello-world'), '100000h'), 'duration', '--max-events'],
    // 1e12 requests/s for 5 minutes: over the 1e9 requests limit.
    ['a 1e12 rps client (requests)', shipped('quickstart').replace(/rps: 30/g, 'rps: 1e12'), 'clients[0].open.rate', '--max-requests'],
  ])('%s: the playground refuses it with the CLI\'s line, at the field the CLI names, saying the flag is knsim run\'s', (_what, text, path, flag) => {
    const r = cli(text);
    expect(r.code).toBe(2);
    const e = refusal(() => session(text))!;
    expect(e).toBeDefined();
    const [cliHint, ours] = hint(flag);
    expect(r.stderr.endsWith(`${cliHint}\n`)).toBe(true);
    expect(`knsim: ${e.message}\n`).toBe(r.stderr.replace(cliHint, ours));
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
    // The playground has no --max-requests: it names knsim run's.
    const ours = line.replace('raise --max-requests', 'run it with knsim run --max-requests');
    const s = session(text);
    const e = refusal(() => {
      while (!s.done) s.advance(s.now + 10);
    })!;
    expect(e.message).toBe(ours);
    expect(s.failed).toBe(true);
    expect(s.done).toBe(false);
    expect(s.now).toBeLessThan(101);
    // It stays stopped: no further events are taken.
    const events = s.world.sim.events;
    expect(refusal(() => s.advance(200))).toBe(e);
    expect(s.world.sim.events).toBe(events);
    expect(s.files).toEqual([]);
    // knsim run says the same, with its flag.
    expect(cli(text)).toEqual({ code: 2, stderr: `knsim: ${line}\n` });
  });

  it.each([
    ['pods', new PodLimitExceeded('hello-00001', 1e15, 100_000, 1.874), 'services[0]', 'revision hello-00001 (autoscaler class kpa.autoscaling.knative.dev) asked for 1e15 pods at 1.874 s: more than the limit of 100000 pods at once (the playground cannot raise it: run it with knsim run --max-pods)'],
    ['in flight', new InFlightLimitExceeded(2_000_001, 2_000_000, 110, 'c'), 'clients[0].closed.users', '2000001 requests in flight (sent, not yet answered) at 110 s: more than the limit of 2000000 (about 1 GB); send fewer at once, give the revisions more pods, or run it with knsim run --max-in-flight'],
  ])('a run past the %s cap: the CLI\'s line names knsim run\'s flag, whole (no flag the page lacks)', (_what, thrown, path, rule) => {
    const loaded = checkForPlayground({ text: neverReadyScenario('200s'), file: FILE }).loaded;
    const e = refusal(() => {
      try {
        guardProgress(loaded, () => {
          throw thrown;
        });
      } catch (err) {
        throw forPlayground(err);
      }
    })!;
    expect(e.path).toBe(path);
    expect(e.rule).toBe(rule);
  });

  it('an error that names no limit flag is returned as it is', () => {
    const e = new ScenarioError(FILE, 'duration', 'must be greater than 0');
    expect(forPlayground(e)).toBe(e);
    const other = new Error('x');
    expect(forPlayground(other)).toBe(other);
  });
});
