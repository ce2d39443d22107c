/**
 * Input files that are not regular files. A named pipe with no writer blocked `knsim run` for
 * ever on open; each pipe here has a writer (support/pipe.ts), so the pipe read before the fix
 * gave a valid file and the load went through: now it is refused by its kind, unopened.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE_OPTIONS, regularFilesOnly } from '../../src/scenario/bundle-worker.js';
import { loadScenario } from '../../src/scenario/load.js';
import { notRegularFile } from '../../src/scenario/regular-file.js';
import { forEachChunk } from '../../src/scenario/text-source.js';
import { bin } from '../support/cli.js';
import { HAS_MKFIFO, pipeWithWriter, stopPipeWriters } from '../support/pipe.js';
import { TINY_MANIFEST, tinyScenario } from '../support/tiny-scenario.js';
import { catchScenarioError } from './helpers.js';

const PIPE_RULE = 'is a named pipe (FIFO), not a regular file: knsim reads input only from regular files';
const BASE = tinyScenario('pipes', '10s', 1);

afterEach(stopPipeWriters);

const pipeOf = (dir: string, name: string, content: string): string => pipeWithWriter(join(dir, name), content);

describe.runIf(HAS_MKFIFO)('a named pipe is refused before it is opened', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-pipes-'));

  it('as the scenario file', () => {
    const file = pipeOf(dir, 'scenario.yaml', BASE);
    expect(catchScenarioError(() => loadScenario(file)).message).toBe(`${file}: cannot read the scenario file: ${PIPE_RULE}`);
  });

  it('as a trace read in chunks, swapped for a pipe after the loader looked at it: refused at the open, not read', () => {
    const pipe = pipeOf(dir, 'swapped.csv', 'time\n1\n');
    const chunks: number[] = [];
    expect(() => forEachChunk({ path: pipe }, (c) => chunks.push(c.length))).toThrow(PIPE_RULE);
    expect(chunks).toEqual([]);
  });

  it("as a Service's manifestFile", () => {
    const manifest = pipeOf(dir, 'manifest.yaml', TINY_MANIFEST);
    const file = join(dir, 'with-manifest.yaml');
    writeFileSync(file, BASE.replace(`manifest: ${TINY_MANIFEST}`, `manifestFile: ${manifest}`));
    expect(catchScenarioError(() => loadScenario(file)).message).toBe(`${file}: services[0].manifestFile: cannot read ${JSON.stringify(manifest)}: ${PIPE_RULE}`);
  });

  it('as a configMapFiles entry', () => {
    const cm = pipeOf(dir, 'cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: config-autoscaler, namespace: knative-serving }\ndata: { stable-window: 60s }\n');
    const file = join(dir, 'with-cm.yaml');
    writeFileSync(file, `${BASE}configMapFiles: [${cm}]\n`);
    expect(catchScenarioError(() => loadScenario(file)).message).toBe(`${file}: configMapFiles[0]: cannot read ${JSON.stringify(cm)}: ${PIPE_RULE}`);
  });

  it("as a client's trace file", () => {
    const trace = pipeOf(dir, 'trace.csv', 'arrival\n1\n2\n');
    const file = join(dir, 'with-trace.yaml');
    writeFileSync(file, BASE.replace('open: { rps: 1 }', `trace: { file: ${trace}, format: simple }`));
    expect(catchScenarioError(() => loadScenario(file)).message).toBe(`${file}: clients[0].trace.file: cannot read ${JSON.stringify(trace)}: ${PIPE_RULE}`);
  });
});

describe('other files that are not regular files', () => {
  // Said "is not a file", whatever it was.
  it.runIf(HAS_MKFIFO)('an autoscaler module that is a named pipe or a directory says which', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-module-'));
    const pipe = pipeWithWriter(join(dir, 'pipe.ts'), 'export default 1;\n');
    const classes = (module: string): string => `${BASE}autoscalerClasses:\n  - { name: my.example.com, module: ${module} }\n`;
    const file = join(dir, 's.yaml');
    writeFileSync(file, classes(pipe));
    expect(catchScenarioError(() => loadScenario(file)).message).toBe(`${file}: autoscalerClasses[0].module: autoscaler module ${JSON.stringify(pipe)} ${PIPE_RULE}`);
    writeFileSync(file, classes(dir));
    expect(catchScenarioError(() => loadScenario(file)).message).toBe(`${file}: autoscalerClasses[0].module: autoscaler module ${JSON.stringify(dir)} is a directory`);
  });

  // esbuild opened every import itself: a pipe's content was bundled as if it were a file, a
  // pipe with no writer blocked `knsim run` for good, and /dev/zero was read until memory ran out.
  it.runIf(HAS_MKFIFO)('a file an autoscaler module imports that is a named pipe is refused at the import', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-import-'));
    const pipe = pipeWithWriter(join(dir, 'helper.js'), 'export const scale = 1;\n');
    writeFileSync(join(dir, 'cls.ts'), [
      "import { scale } from './helper.js';",
      "export default { apiVersion: 'knsim.dev/v1', create() { return { decide: () => ({ desiredScale: scale }) }; } };",
      '',
    ].join('\n'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, `${BASE}autoscalerClasses:\n  - { name: my.example.com, module: ./cls.ts }\n`);
    expect(catchScenarioError(() => loadScenario(file)).message).toBe(
      `${join(dir, 'cls.ts')}: line 1, column 23: cannot compile the autoscaler module: ${pipe} ${PIPE_RULE}`,
    );
    const run = spawnSync(process.execPath, [bin, 'run', file, '--out', join(dir, 'out')], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([`knsim: ${join(dir, 'cls.ts')}: line 1, column 23: cannot compile the autoscaler module: ${pipe} ${PIPE_RULE}`]);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  // esbuild follows the link, so the message names the device.
  it.runIf(existsSync('/dev/zero'))('an import of a link to /dev/zero is refused, unread', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-import-'));
    symlinkSync('/dev/zero', join(dir, 'zero.js'));
    writeFileSync(join(dir, 'cls.js'), "import z from './zero.js';\nexport default { apiVersion: 'knsim.dev/v1', z, create() { return {}; } };\n");
    const file = join(dir, 's.yaml');
    writeFileSync(file, `${BASE}autoscalerClasses:\n  - { name: my.example.com, module: ./cls.js }\n`);
    expect(catchScenarioError(() => loadScenario(file)).message).toBe(
      `${join(dir, 'cls.js')}: line 1, column 15: cannot compile the autoscaler module: /dev/zero is a character device, not a regular file: knsim reads input only from regular files`,
    );
  });

  it('a bundled source past the size cap is refused by the plugin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-import-'));
    writeFileSync(join(dir, 'big.js'), `export const x = '${'x'.repeat(2000)}';\n`);
    writeFileSync(join(dir, 'main.js'), "import { x } from './big.js';\nexport default x.length;\n");
    const bundle = (maxFileBytes: number) => build({ ...BUNDLE_OPTIONS, entryPoints: [join(dir, 'main.js')], plugins: [regularFilesOnly(maxFileBytes)] });
    await expect(bundle(1000)).rejects.toThrow(`${join(dir, 'big.js')} is ${statSync(join(dir, 'big.js')).size} bytes; a bundled source may be at most 1000`);
    expect((await bundle(4000)).outputFiles?.[0]?.text).toContain('x'.repeat(2000));
  });

  // Read until 16 MiB had passed; a device is refused by its kind now, unread.
  it.runIf(existsSync('/dev/zero'))('/dev/zero as the scenario, and as a trace file', () => {
    expect(catchScenarioError(() => loadScenario('/dev/zero')).message).toBe(
      '/dev/zero: cannot read the scenario file: is a character device, not a regular file: knsim reads input only from regular files',
    );
    const dir = mkdtempSync(join(tmpdir(), 'knsim-devices-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, BASE.replace('open: { rps: 1 }', 'trace: { file: /dev/zero, format: simple }'));
    expect(catchScenarioError(() => loadScenario(file)).message).toBe(
      `${file}: clients[0].trace.file: cannot read "/dev/zero": is a character device, not a regular file: knsim reads input only from regular files`,
    );
  });

  it('a directory is said to be one; a regular file and a missing path are left to the read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-kinds-'));
    const file = join(dir, 'f.yaml');
    writeFileSync(file, BASE);
    expect([notRegularFile(dir), notRegularFile(file), notRegularFile(join(dir, 'missing'))]).toEqual(['is a directory', undefined, undefined]);
  });
});

describe('a pipe this process already holds is read (piped in, or process substitution)', () => {
  // The refusal of named pipes first refused these too: `cat s.yaml | knsim run /dev/stdin` said
  // "is a named pipe (FIFO)". Their writer is there, so the read ends when it does.
  it.runIf(process.platform === 'linux')('knsim run /dev/stdin with the scenario piped in runs it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-stdin-'));
    const out = join(dir, 'out');
    writeFileSync(join(dir, 's.yaml'), BASE);
    // A shell's pipe, as a user's `cat … |` gives (node's own `input` would be a socket).
    const r = spawnSync('sh', ['-c', 'cat "$1" | "$2" "$3" run /dev/stdin --no-report --out "$4"', 'sh', join(dir, 's.yaml'), process.execPath, bin, out], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect([r.status, r.stderr]).toEqual([0, '']);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { scenario: string; simulatedSeconds: number };
    expect([summary.scenario, summary.simulatedSeconds]).toEqual(['pipes', 10]);
  });

  it.runIf(process.platform === 'linux')('knsim run /dev/stdin with a terminal or device as stdin is still refused by its kind', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" run /dev/stdin < /dev/zero`], { encoding: 'utf8' });
    expect([r.status, r.stderr.trim()]).toEqual([2, 'knsim: /dev/stdin: cannot read the scenario file: is a character device, not a regular file: knsim reads input only from regular files']);
  });

  it('only descriptor paths are taken as open pipes', () => {
    expect(notRegularFile('/dev/zero')).toBe('is a character device, not a regular file: knsim reads input only from regular files');
  });
});
