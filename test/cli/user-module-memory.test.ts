/**
 * A user autoscaler module whose one call allocates past V8's heap limit: the command runs in
 * a child process as soon as it loads a module (src/cli/isolated.ts), so the call ends that
 * process (or a sweep thread's isolate) instead of aborting knsim with V8's native stack trace. The user gets one
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

/** A 200 MB old generation (the child takes NODE_OPTIONS), so a runaway call dies in a second. */
const SMALL_HEAP = { NODE_OPTIONS: '--max-old-space-size=200' };

/** Grows without end inside one call: never returns, never throws. */
const RUNAWAY = 'const a: number[][] = []; for (;;) a.push(new Array(1e6).fill(0.5));';

/**
 * Meets the limit with one allocation far past V8's leeway: a sparse array of a billion slots
 * filled grows its dictionary by doubling, so at 200 MB the next one asks for more than is left
 * at once (it never gets it: nothing near a gigabyte is allocated for real).
 */
const ONE_BIG = 'const a = new Array(1e9).fill(0); if (a.length === 0) return { desiredScale: 0 };';

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
    `^knsim: [^\\n]*scaler\\.ts: ${where}: ${call}: ran out of memory: the call allocated past the JavaScript heap's limit and (?:its thread|its process) was stopped \\(a class may not allocate without bound\\)\\n$`,
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

describe('a user module call that meets the heap limit with one large allocation', () => {
  const big = `if (input.stable.concurrency >= 0) { ${ONE_BIG} } return { desiredScale: 1 };`;
  const decideLine = LINE('class "my\\.example\\.com", revision hello-00001 at t=[\\d.]+s', 'decide');
  const clean = (r: { stderr: string; code: number }, dir: string): void => {
    expect(r.stderr).toMatch(decideLine);
    expect(r.code).toBe(2);
    // V8's report (its last GCs, "FATAL ERROR", the native stack trace) never reaches the user.
    expect(r.stderr).not.toMatch(/FATAL|stack|GCs/i);
    expect(readdirSync(dir).sort()).toEqual(['s.yaml', 'scaler.ts']);
  };

  it('knsim run: one line, exit 2, nothing left behind (the abort ends only the child process)', () => {
    const { dir, file } = scenarioWith(big);
    clean(runKnsim(['run', file, '--out', join(dir, 'out'), '--no-report'], dir, SMALL_HEAP), dir);
  });

  it('knsim sweep on two threads: the same line', () => {
    const { dir, file } = scenarioWith(big);
    const r = runKnsim(['sweep', file, '--grid', 'configMaps.config-autoscaler.stable-window=30s,60s', '--replications', '2', '--workers', '2', '--out', join(dir, 'sw')], dir, SMALL_HEAP);
    clean(r, dir);
  });

  it('knsim tune on two threads: the same line', () => {
    const { dir, file } = scenarioWith(big);
    const space = 'configMaps.config-autoscaler.container-concurrency-target-percentage=50..70:10';
    const r = runKnsim(['tune', file, '--space', space, '--slo', 'p99<=500ms', '--objective', 'podSeconds', '--workers', '2', '--out', join(dir, 'tu')], dir, SMALL_HEAP);
    clean(r, dir);
  });

  it('knsim test: the same line', () => {
    const { dir, file } = scenarioWith(big);
    writeFileSync(file, `${readFileSync(file, 'utf8')}expect:\n  - maxReadyPods >= 1\n`);
    clean(runKnsim(['test', dir], dir, SMALL_HEAP), dir);
  });
});

/** `knsim run` of the scenario in a process of its own, its output gathered as it comes. */
function startRun(dir: string, file: string) {
  const child = spawn(process.execPath, [bin, 'run', file, '--out', join(dir, 'out'), '--no-report'], { cwd: dir });
  const seen = { stdout: '', stderr: '' };
  child.stderr.on('data', (d: Buffer) => (seen.stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (seen.stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, seen, exited };
}

describe('a call whose process is killed (as the kernel kills it when typed arrays take the memory)', () => {
  it('one line naming the call and the signal, exit 2, the staging folder removed', async () => {
    // It says when it is inside the call, so the kill lands there.
    const { dir, file } = scenarioWith("console.log('deciding'); for (;;) {}");
    const { child, seen, exited } = startRun(dir, file);
    // The staging folder is named for the process that runs the command: the child.
    const partial = (): string | undefined => readdirSync(dir).find((n) => n.startsWith('out.partial-'));
    for (let i = 0; i < 2400 && !seen.stdout.includes('deciding'); i++) await new Promise((r) => setTimeout(r, 100));
    const staged = partial();
    expect(staged).toBeDefined();
    const pid = Number(staged!.slice('out.partial-'.length));
    expect(pid).not.toBe(child.pid);
    process.kill(pid, 'SIGKILL');
    expect(await exited).toBe(2);
    expect(seen.stderr).toMatch(
      /^knsim: [^\n]*scaler\.ts: class "my\.example\.com", revision hello-00001 at t=[\d.]+s: decide: the process running the call was killed \(SIGKILL, as the system does when memory runs out\): a class may not allocate without bound\n$/,
    );
    expect(readdirSync(dir).sort()).toEqual(['s.yaml', 'scaler.ts']);
  });
});

describe('a well-behaved user module, run in its child process', () => {
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

  it("SIGINT reaches the run through knsim's own process: the staging folder is removed, exit 130", async () => {
    const { dir, file } = scenarioWith('return { desiredScale: 1 };', { duration: '200h' });
    const { child, seen, exited } = startRun(dir, file);
    // The child stages its output before it simulates: wait for the folder (up to 240 s, inside the
    // suite's one test limit: a busy machine may take long to start the child), then interrupt.
    const partial = (): string | undefined => readdirSync(dir).find((n) => n.startsWith('out.partial-'));
    for (let i = 0; i < 2400 && partial() === undefined; i++) await new Promise((r) => setTimeout(r, 100));
    const staged = partial();
    expect(staged).toBeDefined();
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(seen.stderr).toBe(`knsim: SIGINT: removed ${join(dir, staged!)}\n`);
    expect(readdirSync(dir).sort()).toEqual(['s.yaml', 'scaler.ts']);
  });
});

describe('a signal while the child is busy in a call', () => {
  it('a second SIGTERM kills the child: its staging folder is removed, exit 143', async () => {
    const { dir, file } = scenarioWith("console.log('deciding'); for (;;) {}");
    const { child, seen, exited } = startRun(dir, file);
    for (let i = 0; i < 2400 && !seen.stdout.includes('deciding'); i++) await new Promise((r) => setTimeout(r, 100));
    const staged = readdirSync(dir).find((n) => n.startsWith('out.partial-'));
    expect(staged).toBeDefined();
    // The first is passed on, and waits for the call (120 s budget); the second does not wait.
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(seen.stderr).toBe(`knsim: SIGTERM: removed ${join(dir, staged!)}\n`);
    expect(readdirSync(dir).sort()).toEqual(['s.yaml', 'scaler.ts']);
  });
});

describe('knsim test with a scenario that loads a module after one that warns', () => {
  it('prints the first file\'s warning once (the command starts over in the child process when the module loads)', () => {
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
