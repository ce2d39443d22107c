/**
 * Output directories through the real CLI (node bin/knsim.js, so dist/ must be built):
 * knsim replaces only what it wrote, atomically, and cleans up its staging directories.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKnsim, type CliResult } from '../support/cli.js';
import { files } from '../support/files.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/knsim.js');

type Result = CliResult;
const knsim = runKnsim;

const tiny = (duration: string, rps: number): string => `
name: tiny
seed: 42
duration: ${duration}
services:
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: hello }
      spec:
        template:
          spec: { containerConcurrency: 0, containers: [{ image: app }] }
    initialPods: 1
clients:
  - name: load
    service: hello
    open: { rps: ${rps} }
`;

/** A temp directory holding s.yaml (a 20 s run) and long.yaml (hours of simulated time). */
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-out-'));
  writeFileSync(join(dir, 's.yaml'), tiny('20s', 5));
  writeFileSync(join(dir, 'long.yaml'), tiny('10h', 500));
  return dir;
}

const run = (dir: string, out: string, extra: string[] = [], env: Record<string, string> = {}): Result =>
  knsim(['run', 's.yaml', '--out', out, '--no-report', ...extra], dir, env);

/** The names in dir that are staging, aside or kept directories of `name`. */
const siblings = (dir: string, name: string): string[] => readdirSync(dir).filter((f) => f.startsWith(`${name}.`)).sort();

const manifest = (dir: string): { kind: string; command: string; files: string[] } => JSON.parse(readFileSync(join(dir, '.knsim-output.json'), 'utf8'));

/** Every file under dir as [relative path, text], sorted by path. */
const texts = (dir: string): Array<[string, string]> => [...files(dir)].map(([f, b]): [string, string] => [f, b.toString()]).sort((a, b) => a[0].localeCompare(b[0]));

function oneLine(r: Result): string {
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  return lines[0]!;
}

describe('knsim run --out: only what knsim wrote is replaced', { timeout: 180_000 }, () => {
  it('an existing file at --out is refused (exit 2) and left as it was', () => {
    const dir = workdir();
    writeFileSync(join(dir, 'results'), 'my data\n');
    const r = run(dir, 'results');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(oneLine(r)).toBe('knsim: --out results: exists and is not a knsim output directory (it is a file); choose another path or remove it yourself');
    expect(readFileSync(join(dir, 'results'), 'utf8')).toBe('my data\n');
    expect(siblings(dir, 'results')).toEqual([]);
  });

  it('a file at an --out whose name holds a newline: one line, the newline shown as \\n', () => {
    const dir = workdir();
    writeFileSync(join(dir, 'my\nresults'), 'my data\n');
    const r = run(dir, 'my\nresults');
    expect(r.code).toBe(2);
    expect(oneLine(r)).toBe('knsim: --out my\\nresults: exists and is not a knsim output directory (it is a file); choose another path or remove it yourself');
    expect(readFileSync(join(dir, 'my\nresults'), 'utf8')).toBe('my data\n');
  });

  it('a directory of unrelated files is refused and keeps its files', () => {
    const dir = workdir();
    mkdirSync(join(dir, 'data/sub'), { recursive: true });
    writeFileSync(join(dir, 'data/a.txt'), 'a\n');
    writeFileSync(join(dir, 'data/sub/b.txt'), 'b\n');
    const r = run(dir, 'data');
    expect(r.code).toBe(2);
    expect(oneLine(r)).toBe(
      'knsim: --out data: exists and is not a knsim output directory (it has no .knsim-output.json; it holds 2 entries: "a.txt", "sub"); choose another path or remove it yourself',
    );
    expect([...files(join(dir, 'data')).keys()].sort()).toEqual(['a.txt', join('sub', 'b.txt')]);
    expect(siblings(dir, 'data')).toEqual([]);
  });

  it('--out . , a parent of the current directory, or a directory holding the scenario is refused; the scenario survives', () => {
    const dir = workdir();
    const before = files(dir);
    for (const out of ['.', '..', dir]) {
      const r = run(dir, out);
      expect(r.code, out).toBe(2);
      expect(oneLine(r)).toBe(`knsim: --out ${out}: is the current directory or one of its parents, which knsim would replace; choose another path`);
    }
    // From elsewhere: the directory is not the cwd, but it holds the scenario file.
    const other = mkdtempSync(join(tmpdir(), 'knsim-cwd-'));
    const r = knsim(['run', join(dir, 's.yaml'), '--out', dir, '--no-report'], other);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toBe(`knsim: --out ${dir}: holds ${join(dir, 's.yaml')}, which knsim would replace; choose another path`);
    expect(files(dir)).toEqual(before);
  });

  it('knsim report replaces its own charts and keeps a file the user put in charts/', () => {
    const dir = workdir();
    expect(run(dir, 'out').code).toBe(0);
    expect(knsim(['report', 'out'], dir).code).toBe(0);
    const first = manifest(join(dir, 'out')).files.filter((f) => f.startsWith('charts/'));
    expect(first.length).toBeGreaterThan(3);
    writeFileSync(join(dir, 'out/charts/mine.txt'), 'my notes');
    const r = knsim(['report', 'out'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'out/charts/mine.txt'), 'utf8')).toBe('my notes');
    expect(manifest(join(dir, 'out')).files.filter((f) => f.startsWith('charts/'))).toEqual(first);
    for (const f of first) expect(existsSync(join(dir, 'out', f)), f).toBe(true);
  });

  it('an empty directory is used, and the default reports/<name> follows the same rules', () => {
    const dir = workdir();
    mkdirSync(join(dir, 'empty'));
    expect(run(dir, 'empty').code).toBe(0);
    expect(manifest(join(dir, 'empty')).kind).toBe('knsim-output');
    mkdirSync(join(dir, 'reports/tiny'), { recursive: true });
    writeFileSync(join(dir, 'reports/tiny/mine.txt'), 'x');
    const r = knsim(['run', 's.yaml', '--no-report'], dir);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/^knsim: --out reports\/tiny \(the default\): exists and is not a knsim output directory \(it has no \.knsim-output\.json; it holds 1 entry: "mine\.txt"\)/);
    expect(readdirSync(join(dir, 'reports/tiny'))).toEqual(['mine.txt']);
  });

  it('a previous knsim output is replaced: its listed files go, a file the user added moves to <out>.kept-1', () => {
    const dir = workdir();
    const out = join(dir, 'out');
    expect(run(dir, 'out', ['--trace', 'full']).code).toBe(0);
    expect(existsSync(join(out, 'requests.csv'))).toBe(true);
    writeFileSync(join(out, 'notes.md'), 'my notes\n');
    const r = run(dir, 'out', ['--trace', 'none', '--seed', '7']);
    expect(r.code).toBe(0);
    expect(oneLine(r)).toBe(`knsim: --out out: files knsim did not write were in the previous output; moved them to ${out}.kept-1`);
    // The new output only: requests.csv of the first run is gone, since --trace none does not write it.
    const written = ['autoscaler.csv', 'latency-cdf.csv', 'pods.csv', 'requests-per-second.csv', 'settings.json', 'summary.json', 'timeseries.csv'];
    expect(readdirSync(out).sort()).toEqual(['.knsim-output.json', ...written]);
    expect(manifest(out).files).toEqual(written);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).seed).toBe(7);
    expect(readdirSync(`${out}.kept-1`)).toEqual(['notes.md']);
    expect(readFileSync(`${out}.kept-1/notes.md`, 'utf8')).toBe('my notes\n');
    expect(siblings(dir, 'out')).toEqual(['out.kept-1']);
  });

  it('what a SIGKILLed knsim left inside the previous output (a report staging folder, a manifest being written) is removed, not kept as the user\'s', () => {
    const dir = workdir();
    const out = join(dir, 'out');
    expect(run(dir, 'out').code).toBe(0);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const staging = join(out, `.report.partial-${dead}`);
    mkdirSync(join(staging, 'charts'), { recursive: true });
    writeFileSync(join(staging, '.knsim-output.json'), JSON.stringify({ kind: 'knsim-output', version: 1, knsim: '0.1.0', command: 'report', state: 'staging', pid: dead, files: [] }));
    writeFileSync(join(staging, 'charts/pods.vl.json'), '{"half');
    writeFileSync(join(out, `.knsim-output.json.tmp-${dead}`), readFileSync(join(out, '.knsim-output.json')));
    const r = run(dir, 'out');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(siblings(dir, 'out')).toEqual([]);
    expect(readdirSync(out).filter((f) => f.startsWith('.')).sort()).toEqual(['.knsim-output.json']);
    // A user's file beside them still moves to .kept-1, alone.
    writeFileSync(join(out, 'notes.md'), 'my notes\n');
    mkdirSync(join(out, `.report.partial-${dead}`));
    writeFileSync(join(out, `.report.partial-${dead}`, 'x'), 'not marked as staging\n');
    expect(run(dir, 'out').code).toBe(0);
    expect(readdirSync(`${out}.kept-1`).sort()).toEqual([`.report.partial-${dead}`, 'notes.md']);
  });

  it('--trace none: the wrote-line lists exactly the files written', () => {
    const dir = workdir();
    const r = run(dir, 'out', ['--trace', 'none']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
      'wrote out/ (summary.json, settings.json, autoscaler.csv, pods.csv, timeseries.csv, requests-per-second.csv, latency-cdf.csv)',
    );
    const full = run(dir, 'out2', ['--trace', 'full']);
    expect(full.stdout.trimEnd().split('\n').at(-1)).toBe(
      'wrote out2/ (summary.json, settings.json, requests.csv, autoscaler.csv, pods.csv, timeseries.csv, requests-per-second.csv, latency-cdf.csv)',
    );
  });

  it('the report files are added to the manifest, so a later run replaces them too', () => {
    const dir = workdir();
    const out = join(dir, 'out');
    expect(knsim(['run', 's.yaml', '--out', 'out'], dir).code).toBe(0);
    const listed = manifest(out).files;
    expect(listed).toContain('report.html');
    expect(listed).toContain('charts/pods.png');
    expect([...files(out).keys()].filter((f) => f !== '.knsim-output.json').sort()).toEqual(listed.map((f) => join(...f.split('/'))).sort());
    const r = run(dir, 'out');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    expect(existsSync(join(out, 'charts'))).toBe(false);
    expect(siblings(dir, 'out')).toEqual([]);
  });
});

describe('knsim run --out: replacing is atomic', { timeout: 180_000 }, () => {
  // KNSIM_TEST_FAULT=<step> makes the commit fail at that step as an EIO would (src/output/staged-dir.ts).
  it.each([
    ['stage', /^knsim: --out out: rename .*out\.partial-\d+: input\/output error \(EIO\)$/],
    ['rename-aside', /^knsim: --out out: rename .*\/out: input\/output error \(EIO\)$/],
    ['rename-in', /^knsim: --out out: rename .*out\.partial-\d+: input\/output error \(EIO\)$/],
  ])('a failure at %s leaves the previous output whole (exit 2, nothing left beside it)', (step, message) => {
    const dir = workdir();
    const out = join(dir, 'out');
    expect(run(dir, 'out').code).toBe(0);
    writeFileSync(join(out, 'notes.md'), 'mine\n');
    const before = files(out);
    const r = run(dir, 'out', ['--seed', '9'], { KNSIM_TEST_FAULT: step });
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(message);
    expect(files(out)).toEqual(before);
    expect(siblings(dir, 'out')).toEqual([]);
  });

  it('a failure deleting the old output after the swap keeps the new output and leaves the old aside for the next run', () => {
    const dir = workdir();
    const out = join(dir, 'out');
    expect(run(dir, 'out').code).toBe(0);
    const r = run(dir, 'out', ['--seed', '9'], { KNSIM_TEST_FAULT: 'retire' });
    expect(r.code).toBe(0);
    expect(oneLine(r)).toMatch(/^knsim: --out out: the previous output is in .*out\.previous-\d+; it could not be removed: /);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).seed).toBe(9);
    const [aside] = siblings(dir, 'out');
    expect(aside).toMatch(/^out\.previous-\d+$/);
    expect(JSON.parse(readFileSync(join(dir, aside!, 'summary.json'), 'utf8')).seed).toBe(42);
    // Its process is gone: the next run removes it.
    const next = run(dir, 'out');
    expect(next.code).toBe(0);
    expect(oneLine(next)).toBe(`knsim: --out out: left by a knsim process that died: removed ${join(dir, aside!)}`);
    expect(siblings(dir, 'out')).toEqual([]);
  });
});

describe('knsim run: staging directories', { timeout: 180_000 }, () => {
  /** Starts a long run, waits for its staging directory, sends `signal`, returns the exit. */
  async function interrupt(dir: string, signal: NodeJS.Signals, beforeStaging?: (partial: string) => void): Promise<{ code: number | null; stderr: string; partial: string }> {
    const child = spawn(process.execPath, [bin, 'run', 'long.yaml', '--out', 'out', '--trace', 'none', '--no-report'], { cwd: dir });
    beforeStaging?.(`out.partial-${child.pid}`);
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    const partial = `out.partial-${child.pid}`;
    for (let i = 0; i < 600 && !existsSync(join(dir, partial, '.knsim-output.json')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(join(dir, partial))).toBe(true);
    child.kill(signal);
    return { code: await exited, stderr, partial };
  }

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s during a long run removes the staging directory, exits %i, and the previous output survives', async (signal, code) => {
    const dir = workdir();
    expect(run(dir, 'out').code).toBe(0);
    const before = files(join(dir, 'out'));
    const r = await interrupt(dir, signal);
    expect(r.code).toBe(code);
    expect(r.stderr).toBe(`knsim: ${signal}: removed ${join(dir, r.partial)}\n`);
    expect(siblings(dir, 'out')).toEqual([]);
    expect(files(join(dir, 'out'))).toEqual(before);
  });

  it('SIGINT leaves alone a directory of the name its staging folder would be renamed to, and removes the staging folder in place', async () => {
    const dir = workdir();
    let mine = '';
    const r = await interrupt(dir, 'SIGINT', (partial) => {
      // An empty directory: a rename onto it would replace it.
      mine = `${partial}-removing`;
      mkdirSync(join(dir, mine));
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toBe(`knsim: SIGINT: removed ${join(dir, r.partial)}\n`);
    expect(siblings(dir, 'out')).toEqual([mine]);
    expect(readdirSync(join(dir, mine))).toEqual([]);
  });

  it('a stale staging directory of a dead process is removed by the next run; unmarked or live ones are not', () => {
    const dir = workdir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const stale = `out.partial-${dead}`;
    mkdirSync(join(dir, stale));
    writeFileSync(join(dir, stale, '.knsim-output.json'), JSON.stringify({ kind: 'knsim-output', version: 1, knsim: '0.1.0', command: 'run', state: 'staging', pid: dead, files: [] }));
    writeFileSync(join(dir, stale, 'pods.csv'), 'half a file');
    // Not marked as knsim's: left alone (no process has this pid; it is above Linux's pid_max).
    const unmarked = 'out.partial-99999999';
    mkdirSync(join(dir, unmarked));
    writeFileSync(join(dir, unmarked, 'x'), 'x');
    // Marked, but its process (this test runner) is alive: left alone.
    const live = `out.partial-${process.pid}`;
    mkdirSync(join(dir, live));
    copyFileSync(join(dir, stale, '.knsim-output.json'), join(dir, live, '.knsim-output.json'));
    const r = run(dir, 'out');
    expect(r.code).toBe(0);
    expect(oneLine(r)).toBe(`knsim: --out out: left by a knsim process that died: removed ${join(dir, stale)}`);
    expect(siblings(dir, 'out').sort()).toEqual([live, unmarked].sort());
  });

  it('a file the user put into a dead run\'s staging folder survives: knsim\'s files go, the rest moves to <out>.kept-1, said once', () => {
    const dir = workdir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const stale = join(dir, `out.partial-${dead}`);
    mkdirSync(join(stale, 'charts'), { recursive: true });
    writeFileSync(join(stale, '.knsim-output.json'), JSON.stringify({ kind: 'knsim-output', version: 1, knsim: '0.1.0', command: 'run', state: 'staging', pid: dead, files: [] }));
    writeFileSync(join(stale, 'pods.csv'), 'half a file');
    writeFileSync(join(stale, 'charts/pods.vl.json'), '{"half');
    writeFileSync(join(stale, 'notes.md'), 'my notes\n');
    writeFileSync(join(stale, 'charts/sketch.txt'), 'my sketch\n');
    const r = run(dir, 'out');
    expect(r.code).toBe(0);
    expect(oneLine(r)).toBe(`knsim: --out out: left by a knsim process that died: removed ${stale} (files knsim did not write are in ${join(dir, 'out.kept-1')})`);
    expect(siblings(dir, 'out')).toEqual(['out.kept-1']);
    expect(texts(join(dir, 'out.kept-1'))).toEqual([
      [join('charts', 'sketch.txt'), 'my sketch\n'],
      ['notes.md', 'my notes\n'],
    ]);
    const again = run(dir, 'out');
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('');
    expect(siblings(dir, 'out')).toEqual(['out.kept-1']);
  });

  it('SIGINT keeps a file the user put into the live staging folder (moved to <out>.kept-1), and says so on its one line', async () => {
    const dir = workdir();
    const child = spawn(process.execPath, [bin, 'run', 'long.yaml', '--out', 'out', '--trace', 'none', '--no-report'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    const partial = join(dir, `out.partial-${child.pid}`);
    for (let i = 0; i < 600 && !existsSync(join(partial, '.knsim-output.json')); i++) await new Promise((r) => setTimeout(r, 50));
    writeFileSync(join(partial, 'notes.md'), 'my notes\n');
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toBe(`knsim: SIGINT: removed ${partial}; files knsim did not write were in it: moved them to ${join(dir, 'out.kept-1')}\n`);
    expect(siblings(dir, 'out')).toEqual(['out.kept-1']);
    expect(texts(join(dir, 'out.kept-1'))).toEqual([['notes.md', 'my notes\n']]);
  });

  it('an output the user named <out>.previous-<pid> is not taken for one a dead knsim moved aside; one that is, is put back', () => {
    const dir = workdir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const mine = `out.previous-${dead}`;
    expect(run(dir, mine).code).toBe(0);
    const before = files(join(dir, mine));
    for (const seed of ['3', '4']) {
      const r = run(dir, 'out', ['--seed', seed]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    }
    expect(files(join(dir, mine))).toEqual(before);
    expect(siblings(dir, 'out')).toEqual([mine]);
    // A SIGKILL between the two renames of a commit: the output aside, marked by its (dead) process, and no out.
    rmSync(join(dir, 'out'), { recursive: true });
    const aside = join(dir, `out.previous-${dead}`);
    rmSync(aside, { recursive: true });
    expect(run(dir, 'out.tmp', ['--seed', '5']).code).toBe(0);
    const m = manifest(join(dir, 'out.tmp'));
    writeFileSync(join(dir, 'out.tmp', '.knsim-output.json'), JSON.stringify({ ...m, state: 'previous', pid: dead }));
    renameSync(join(dir, 'out.tmp'), aside);
    const r = run(dir, 'out', ['--seed', '6']);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe(`knsim: --out out: left by a knsim process that died: restored ${join(dir, 'out')} from ${aside}`);
    expect(siblings(dir, 'out')).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')).seed).toBe(6);
  });

  it('a staging directory a signal renamed for removal, its removal cut short, is removed as stale too', () => {
    const dir = workdir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const stale = `out.partial-${dead}-removing`;
    mkdirSync(join(dir, stale));
    writeFileSync(join(dir, stale, '.knsim-output.json'), JSON.stringify({ kind: 'knsim-output', version: 1, knsim: '0.1.0', command: 'run', state: 'staging', pid: dead, files: [] }));
    writeFileSync(join(dir, stale, 'pods.csv'), 'half a file');
    const r = run(dir, 'out');
    expect(r.code).toBe(0);
    expect(oneLine(r)).toBe(`knsim: --out out: left by a knsim process that died: removed ${join(dir, stale)}`);
    expect(siblings(dir, 'out')).toEqual([]);
  });

  it('--out under /proc (no directory can be made there): exit 2 and one line, where Node\'s recursive mkdir hung', () => {
    const dir = workdir();
    const r = knsim(['run', 's.yaml', '--out', '/proc/knsim-nowhere/out', '--no-report'], dir, {}, 60_000);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toBe('knsim: --out /proc/knsim-nowhere/out: mkdir /proc/knsim-nowhere: cannot create a directory there (no such file or directory) (ENOENT)');
  });

  it('--out below a file: exit 2, one line naming the path and the cause', () => {
    const dir = workdir();
    writeFileSync(join(dir, 'f'), 'file');
    const r = run(dir, 'f/sub/out');
    expect(r.code).toBe(2);
    expect(oneLine(r)).toBe(`knsim: --out f/sub/out: lstat ${join(dir, 'f/sub/out')}: a part of the path is a file, not a directory (ENOTDIR)`);
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('file');
  });
});

describe('knsim sweep and tune --out', { timeout: 180_000 }, () => {
  it('sweep refuses a directory of unrelated files before running, and replaces its own output', () => {
    const dir = workdir();
    mkdirSync(join(dir, 'sw'));
    writeFileSync(join(dir, 'sw/keep.txt'), 'keep');
    const args = ['sweep', 's.yaml', '--grid', 'configMaps.config-autoscaler.stable-window=30s,60s', '--replications', '1', '--workers', '1', '--no-report', '--out', 'sw'];
    const r = knsim(args, dir);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/^knsim: --out sw: exists and is not a knsim output directory \(it has no \.knsim-output\.json/);
    expect(readdirSync(join(dir, 'sw'))).toEqual(['keep.txt']);
    const ok = knsim([...args.slice(0, -1), 'sw2'], dir);
    expect(ok.code).toBe(0);
    expect(manifest(join(dir, 'sw2'))).toMatchObject({ command: 'sweep', files: ['runs.csv', 'sweep.csv', 'sweep.json'] });
    expect(knsim([...args.slice(0, -1), 'sw2'], dir).code).toBe(0);
    expect(siblings(dir, 'sw2')).toEqual([]);
  });

  it('tune refuses --out . (the scenario survives)', () => {
    const dir = workdir();
    const r = knsim(['tune', 's.yaml', '--space', 'configMaps.config-autoscaler.stable-window=30s,60s', '--slo', 'p99<=5s', '--workers', '1', '--no-report', '--out', '.'], dir);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toBe('knsim: --out .: is the current directory or one of its parents, which knsim would replace; choose another path');
    expect(readdirSync(dir).sort()).toEqual(['long.yaml', 's.yaml']);
  });
});

describe('single files and reports never replace what knsim did not write', () => {
  const fresh = (): string => mkdtempSync(join(tmpdir(), 'knsim-own-'));

  it('knsim test --junit naming the scenario itself: exit 2 before any run, the scenario unchanged', () => {
    const dir = fresh();
    const scenario = join(dir, 'q.yaml');
    copyFileSync(join(root, 'scenarios/hello-world.yaml'), scenario);
    const before = readFileSync(scenario, 'utf8');
    const r = knsim(['test', scenario, '--junit', scenario]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`knsim: --junit ${scenario}: exists and was not written by knsim; knsim will not replace it (remove it or name another file)\n`);
    expect(readFileSync(scenario, 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['q.yaml']);
  });

  it('knsim test --junit replaces its own JUnit file', () => {
    const dir = fresh();
    const junit = join(dir, 'junit.xml');
    const scenario = join(root, 'scenarios/hello-world.yaml');
    expect(knsim(['test', scenario, '--junit', junit]).code).toBe(0);
    const first = readFileSync(junit, 'utf8');
    expect(first).toMatch(/^<\?xml [^\n]*\?>\n<testsuites name="knsim test"/);
    expect(knsim(['test', scenario, '--junit', junit]).code).toBe(0);
    expect(readdirSync(dir)).toEqual(['junit.xml']);
  });

  it('knsim sweep k8s-job -o naming the scenario: exit 2, the scenario unchanged', () => {
    const dir = fresh();
    const scenario = join(dir, 'q.yaml');
    copyFileSync(join(root, 'scenarios/quickstart.yaml'), scenario);
    const before = readFileSync(scenario, 'utf8');
    const r = knsim(['sweep', 'k8s-job', scenario, '--grid', 'configMaps.config-autoscaler.stable-window=30s,60s', '-o', scenario]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`knsim: --output ${scenario}: exists and was not written by knsim; knsim will not replace it (remove it or name another file)\n`);
    expect(readFileSync(scenario, 'utf8')).toBe(before);
    // Its own Job file it replaces.
    const job = join(dir, 'job.yaml');
    for (let i = 0; i < 2; i++) expect(knsim(['sweep', 'k8s-job', scenario, '--grid', 'configMaps.config-autoscaler.stable-window=30s,60s', '-o', job]).code).toBe(0);
    expect(readFileSync(job, 'utf8')).toMatch(/^# knsim sweep quickstart: /);
  });

  it('knsim controller --csv naming a file of the user\'s: exit 2 before connecting, the file unchanged', () => {
    const f = join(fresh(), 'decisions.csv');
    writeFileSync(f, 'my,own\n1,2\n');
    const r = knsim(['controller', '--csv', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`knsim: --csv ${f}: exists and was not written by knsim; knsim will not replace it (remove it or name another file)\n`);
    expect(readFileSync(f, 'utf8')).toBe('my,own\n1,2\n');
  });

  it('knsim report in a directory without a manifest: exit 2, the user\'s report.html unchanged; with its manifest, it replaces its own', () => {
    const dir = join(fresh(), 'run');
    expect(knsim(['run', join(root, 'scenarios/hello-world.yaml'), '--duration', '30s', '--no-report', '--out', dir]).code).toBe(0);
    expect(knsim(['report', dir]).code).toBe(0);
    expect(knsim(['report', dir]).code).toBe(0);
    // The same files copied elsewhere without the manifest, beside a report.html of the user's.
    const copy = join(fresh(), 'copy');
    mkdirSync(copy);
    for (const f of readdirSync(dir)) if (f.endsWith('.csv') || f.endsWith('.json')) if (f !== '.knsim-output.json') copyFileSync(join(dir, f), join(copy, f));
    writeFileSync(join(copy, 'report.html'), '<p>my notes</p>');
    const r = knsim(['report', copy]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^knsim: .*copy: report\.html exists and knsim did not write it \(not in \.knsim-output\.json\); knsim will not replace it: move it away, or copy the run's files to a new directory\n$/);
    expect(readFileSync(join(copy, 'report.html'), 'utf8')).toBe('<p>my notes</p>');
    expect(existsSync(join(copy, 'charts'))).toBe(false);
  });
});

describe('reports are written whole, never through a link', { timeout: 180_000 }, () => {
  /** A 30 s hello-world run with its report in <fresh>/out. */
  function reported(): { dir: string; out: string } {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-rep-'));
    copyFileSync(join(root, 'scenarios/hello-world.yaml'), join(dir, 'h.yaml'));
    expect(knsim(['run', 'h.yaml', '--duration', '30s', '--out', 'out'], dir).code).toBe(0);
    return { dir, out: join(dir, 'out') };
  }
  const seedOf = (out: string): number => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).seed;
  const hidden = (out: string): string[] => readdirSync(out).filter((f) => f.startsWith('.report.'));

  it('knsim run interrupted while drawing its report: exit 130, the previous run and its report whole, nothing left beside them', () => {
    const { dir, out } = reported();
    const before = files(out);
    const r = knsim(['run', 'h.yaml', '--duration', '30s', '--out', 'out', '--seed', '5'], dir, { KNSIM_TEST_FAULT: 'report-sigint' });
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/^knsim: SIGINT: removed .*out\.partial-\d+\n$/);
    expect(files(out)).toEqual(before);
    expect(siblings(dir, 'out')).toEqual([]);
  });

  it('knsim run whose report fails: the new run goes into place with no report file at all, and the error is the exit (2)', () => {
    const { dir, out } = reported();
    const r = knsim(['run', 'h.yaml', '--duration', '30s', '--out', 'out', '--seed', '5'], dir, { KNSIM_TEST_FAULT: 'report' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("knsim: --out out: report not written (the run's files are in place): write: input/output error (EIO)\n");
    expect(seedOf(out)).toBe(5);
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    expect(existsSync(join(out, 'charts'))).toBe(false);
    expect(manifest(out).files.filter((f) => f === 'report.html' || f.startsWith('charts/'))).toEqual([]);
    expect(siblings(dir, 'out')).toEqual([]);
  });

  it('knsim report failing or interrupted half-way leaves the previous report whole and no staging folder', () => {
    const { dir, out } = reported();
    const before = files(out);
    const failed = knsim(['report', 'out'], dir, { KNSIM_TEST_FAULT: 'report' });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toBe('knsim: out: write: input/output error (EIO)\n');
    expect(files(out)).toEqual(before);
    expect(hidden(out)).toEqual([]);
    const interrupted = knsim(['report', 'out'], dir, { KNSIM_TEST_FAULT: 'report-sigint' });
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(/^knsim: SIGINT: removed .*out\/\.report\.partial-\d+\n$/);
    expect(files(out)).toEqual(before);
    expect(hidden(out)).toEqual([]);
  });

  it('a report.html swapped for a link to a user file: the link is replaced, the user file untouched', () => {
    const { dir, out } = reported();
    writeFileSync(join(dir, 'thesis.html'), 'my thesis\n');
    rmSync(join(out, 'report.html'));
    symlinkSync('../thesis.html', join(out, 'report.html'));
    expect(knsim(['report', 'out'], dir).code).toBe(0);
    expect(readFileSync(join(dir, 'thesis.html'), 'utf8')).toBe('my thesis\n');
    expect(lstatSync(join(out, 'report.html')).isFile()).toBe(true);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
  });

  it('charts/ swapped for a link to a user folder: knsim report refuses it (exit 2), and the next run deletes nothing through it', () => {
    const { dir, out } = reported();
    mkdirSync(join(dir, 'mycharts'));
    writeFileSync(join(dir, 'mycharts/kpa.png'), 'mine');
    writeFileSync(join(dir, 'mycharts/pods.vl.json'), 'mine too');
    rmSync(join(out, 'charts'), { recursive: true });
    symlinkSync('../mycharts', join(out, 'charts'));
    const r = knsim(['report', 'out'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('knsim: out: charts is a symbolic link; knsim writes its charts only into a directory of its own: move it away\n');
    const next = knsim(['run', 'h.yaml', '--duration', '30s', '--out', 'out', '--no-report'], dir);
    expect(next.code).toBe(0);
    expect(next.stderr).toBe(`knsim: --out out: files knsim did not write were in the previous output; moved them to ${out}.kept-1\n`);
    expect(readFileSync(join(dir, 'mycharts/kpa.png'), 'utf8')).toBe('mine');
    expect(readFileSync(join(dir, 'mycharts/pods.vl.json'), 'utf8')).toBe('mine too');
    expect(readdirSync(`${out}.kept-1`)).toEqual(['charts']);
  });

  it('an empty directory of the user\'s keeps its permissions when the output replaces it', () => {
    const dir = workdir();
    mkdirSync(join(dir, 'private'));
    chmodSync(join(dir, 'private'), 0o700);
    expect(run(dir, 'private').code).toBe(0);
    expect(statSync(join(dir, 'private')).mode & 0o777).toBe(0o700);
    expect(manifest(join(dir, 'private')).kind).toBe('knsim-output');
  });

  it('--out holding a trace the scenario reads is refused (exit 2) before the run, the trace in place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-trace-'));
    mkdirSync(join(dir, 'tr'));
    writeFileSync(join(dir, 'tr/arrivals.csv'), 'arrival\n0.5\n1.5\n');
    writeFileSync(join(dir, 'tr/.knsim-output.json'), JSON.stringify({ kind: 'knsim-output', version: 1, knsim: '0.1.0', command: 'run', files: [] }));
    writeFileSync(join(dir, 't.yaml'), tiny('5s', 1).replace('open: { rps: 1 }', 'trace: { file: tr/arrivals.csv }'));
    const r = knsim(['run', 't.yaml', '--out', 'tr', '--no-report'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('knsim: --out tr: holds tr/arrivals.csv, which knsim would replace; choose another path\n');
    expect(readFileSync(join(dir, 'tr/arrivals.csv'), 'utf8')).toBe('arrival\n0.5\n1.5\n');
  });
});
