/**
 * A user autoscaler module whose one call allocates past V8's heap limit: the command runs in
 * a worker thread as soon as it loads a module (src/cli/isolated.ts), so the call stops that
 * thread's isolate instead of aborting knsim with V8's native stack trace. The user gets one
 * line naming the module, class, revision, time and call, exit 2, and no output left behind.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { summarizeWorld } from '../../src/run/run-world.js';
import { bin, runKnsim } from '../support/cli.js';

/** A 200 MB old generation (the worker's heap takes the process's flags), so a runaway call dies in a second. */
const SMALL_HEAP = { NODE_OPTIONS: '--max-old-space-size=200' };

/** Grows without end inside one call: never returns, never throws. */
const RUNAWAY = 'const a: number[][] = []; for (;;) a.push(new Array(1e6).fill(0.5));';

// Every folder a test makes, removed at the end.
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function scenarioWith(decide: string, opts: { topLevel?: string; duration?: string } = {}): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-user-memory-'));
  made.push(dir);
  writeFileSync(
    join(dir, 'scaler.ts'),
    `${opts.topLevel ?? ''}\nexport default { apiVersion: 'knsim.dev/v1', create() { return { decide(input: { stable: { concurrency: number } }) { ${decide} } }; } };\n`,
  );
  const file = join(dir, 's.yaml');
  writeFileSync(
    file,
    `name: mem
seed: 4
duration: ${opts.duration ?? '60s'}
autoscalerClasses:
  # A long budget: the runaway call must meet the heap limit, not the time limit.
  - { name: my.example.com, module: ./scaler.ts, timeout: 120s }
services:
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: hello }
      spec:
        template:
          metadata: { annotations: { autoscaling.knative.dev/class: my.example.com } }
          spec:
            containerConcurrency: 2
            containers: [{ image: registry.example.com/hello:1 }]
    initialPods: 1
clients:
  - { name: c, service: hello, open: { rps: 5 } }
`,
  );
  return { dir, file };
}

const LINE = (where: string, call: string): RegExp =>
  new RegExp(
    `^knsim: [^\\n]*scaler\\.ts: ${where}: ${call}: ran out of memory: the call allocated past the JavaScript heap's limit and its thread was stopped \\(a class may not allocate without bound\\)\\n$`,
  );

describe('a user module call that allocates past the heap limit', () => {
  it('knsim run: one line naming the class, revision, time and call; exit 2; nothing left in the output folder', () => {
    const { dir, file } = scenarioWith(`if (input.stable.concurrency >= 0) { ${RUNAWAY} } return { desiredScale: 1 };`);
    const out = join(dir, 'out');
    const r = runKnsim(['run', file, '--out', out, '--no-report'], dir, SMALL_HEAP);
    expect(r.stderr).toMatch(LINE('class "my\\.example\\.com", revision hello-00001 at t=[\\d.]+s', 'decide'));
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/FATAL|stack/i);
    // The staging folder the run was writing (out.partial-<pid>) is gone too.
    expect(readdirSync(dir).sort()).toEqual(['s.yaml', 'scaler.ts']);
  });

  it('evaluating the module: the line names the class and the evaluation', () => {
    const { dir, file } = scenarioWith('return { desiredScale: 1 };', { topLevel: `{ ${RUNAWAY} }` });
    const r = runKnsim(['run', file, '--out', join(dir, 'out'), '--no-report'], dir, SMALL_HEAP);
    expect(r.stderr).toMatch(LINE('class "my\\.example\\.com"', 'evaluating the module'));
    expect(r.code).toBe(2);
  });

  it('knsim compare on two threads: the same line, whichever thread ran the call', () => {
    const { dir, file } = scenarioWith(`if (input.stable.concurrency >= 0) { ${RUNAWAY} } return { desiredScale: 1 };`);
    const out = join(dir, 'cmp');
    const r = runKnsim(['compare', file, '--class', 'kpa', '--class', 'my.example.com', '--replications', '2', '--workers', '2', '--out', out], dir, SMALL_HEAP);
    expect(r.stderr).toMatch(LINE('class "my\\.example\\.com", revision hello-00001 at t=[\\d.]+s', 'decide'));
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});

describe('a well-behaved user module, run in its worker thread', () => {
  it('gives the numbers the same scenario gives in process', () => {
    const { dir, file } = scenarioWith('return { desiredScale: Math.max(1, Math.ceil(input.stable.concurrency / 1.4)) };');
    const out = join(dir, 'out');
    const r = runKnsim(['run', file, '--out', out, '--no-report'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const cli = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { overall: { requests: { total: number }; latencyMs: unknown; podSeconds: number } };
    const inProcess = summarizeWorld(loadScenario(file).world);
    expect(cli.overall.requests.total).toBeGreaterThan(250);
    expect(cli.overall.requests).toEqual(inProcess.overall.requests);
    expect(cli.overall.latencyMs).toEqual(inProcess.overall.latencyMs);
    expect(cli.overall.podSeconds).toBe(inProcess.overall.podSeconds);
  });

  it('SIGINT reaches the run through the main thread: the staging folder is removed, exit 130', async () => {
    const { dir, file } = scenarioWith('return { desiredScale: 1 };', { duration: '200h' });
    const child = spawn(process.execPath, [bin, 'run', file, '--out', join(dir, 'out'), '--no-report'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The worker stages its output before it simulates: wait for the folder (up to 240 s, inside the
    // suite's one test limit: a busy machine may take long to start the worker), then interrupt.
    const partial = (): string | undefined => readdirSync(dir).find((n) => n.startsWith('out.partial-'));
    for (let i = 0; i < 2400 && partial() === undefined; i++) await new Promise((r) => setTimeout(r, 100));
    const staged = partial();
    expect(staged).toBeDefined();
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toBe(`knsim: SIGINT: removed ${join(dir, staged!)}\n`);
    expect(readdirSync(dir).sort()).toEqual(['s.yaml', 'scaler.ts']);
  });
});

describe('knsim test with a scenario that loads a module after one that warns', () => {
  it('prints the first file\'s warning once (the command starts over in the worker when the module loads)', () => {
    const { dir, file } = scenarioWith('return { desiredScale: 1 };');
    writeFileSync(file, `${readFileSync(file, 'utf8')}expect:\n  - maxReadyPods >= 1\n`);
    // Sorted before s.yaml, so it loads (and warns) first.
    writeFileSync(
      join(dir, 'a.yaml'),
      `name: typo\nduration: 10s\nconfigMaps:\n  config-autoscaler: { stable-windw: 30s }\nservices:\n  - manifest: { apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: a }, spec: { template: { spec: { containers: [{ image: registry.example.com/app:1 }] } } } }\n    initialPods: 1\nclients:\n  - { name: c, service: a, open: { rps: 2 } }\nexpect:\n  - maxReadyPods == 1\n`,
    );
    const r = runKnsim(['test', dir], dir);
    expect(r.stderr).toBe(`knsim: warning: ${join(dir, 'a.yaml')}: configMaps.config-autoscaler["stable-windw"]: unknown config-autoscaler key, ignored (did you mean stable-window?)\n`);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('2 passed, 0 failed');
    expect(r.code).toBe(0);
  });
});
