/**
 * A sweep whose scenario loads an autoscaler module runs in a child process (src/cli/isolated.ts).
 * A child busy in a module call cannot run its signal handler, so knsim kills it, 10 s after the
 * signal or at a second one; knsim then says what the child would have said: the runs its resume
 * file keeps, and where (exit 130 or 143). Real signals to real processes; the tests wait on what
 * the processes write, not on a clock.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bin } from '../support/cli.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/**
 * A module that decides as the KPA's stable rule does, but at containerConcurrency 3 (target 2.1)
 * says so and never returns from its first call (its budget, 120 s, outlasts the test).
 */
const SCALER = `export default { apiVersion: 'knsim.dev/v1', create() { return { decide(input: { stable: { concurrency: number }; settings: { target: number } }) {
  if (input.settings.target > 1.5) { console.log('stuck deciding'); for (;;) {} }
  return { desiredScale: Math.max(1, Math.ceil(input.stable.concurrency / input.settings.target)) };
} }; } };
`;

function scenario(): string {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-isolated-sweep-'));
  made.push(dir);
  writeFileSync(join(dir, 'scaler.ts'), SCALER);
  writeFileSync(
    join(dir, 's.yaml'),
    `name: stuck
seed: 4
duration: 60s
autoscalerClasses:
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
  return dir;
}

const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';

/** Runs of a resume file: its lines after the header and the column line. */
const rows = (file: string): number => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').length - 2;

/**
 * `knsim sweep` of the two points on one thread (containerConcurrency 2 runs first and is kept; 3
 * gets stuck), signalled with `signals` once the module says it is stuck.
 */
async function stuckSweep(signals: NodeJS.Signals[]) {
  const dir = scenario();
  const args = [bin, 'sweep', 's.yaml', '--grid', `${CC}=2,3`, '--replications', '1', '--workers', '1', '--no-report', '--out', 'out'];
  const child = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const seen = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (seen.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (seen.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  while (!seen.stdout.includes('stuck deciding') && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  // The first run is in the file before the second starts.
  const resumeFile = join(dir, 'out.resume.csv');
  expect(rows(resumeFile)).toBe(1);
  for (const [i, s] of signals.entries()) {
    // The first is passed on to the child; a second one, once that is done, kills it at once.
    if (i > 0) await new Promise((r) => setTimeout(r, 300));
    child.kill(s);
  }
  return { dir, resumeFile, code: await exited, seen };
}

describe('knsim sweep in its child process (an autoscaler module), interrupted while the child is stuck in a call', () => {
  it('SIGINT: the child is killed after its 10 s grace, and knsim says the runs kept in the resume file, exit 130', async () => {
    const r = await stuckSweep(['SIGINT']);
    expect(r.code).toBe(130);
    expect(r.seen.stderr).toBe(`knsim: sweep: interrupted (SIGINT): 1 of 2 runs kept in out.resume.csv; the same command run again runs only the other 1\n`);
    expect(rows(r.resumeFile)).toBe(1);
    expect(readdirSync(r.dir).sort()).toEqual(['out.resume.csv', 's.yaml', 'scaler.ts']);
  });

  it('a second SIGTERM kills it at once: the same line, exit 143', async () => {
    const r = await stuckSweep(['SIGTERM', 'SIGTERM']);
    expect(r.code).toBe(143);
    expect(r.seen.stderr).toBe(`knsim: sweep: interrupted (SIGTERM): 1 of 2 runs kept in out.resume.csv; the same command run again runs only the other 1\n`);
    expect(readdirSync(r.dir).sort()).toEqual(['out.resume.csv', 's.yaml', 'scaler.ts']);
  });
});
