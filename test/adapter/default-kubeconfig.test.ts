/**
 * With no --kubeconfig, knsim finds credentials as client-node does ($KUBECONFIG, then
 * ~/.kube/config, then a mounted service account). When none is there, client-node falls back
 * to http://localhost:8080 and fails later with a TLS message; knsim says what is missing.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkKubeconfigFile, defaultKubeconfigFound, loadKubeConfig, MAX_KUBECONFIG_BYTES, readKubeconfigPipe } from '../../src/adapter/kube.js';

const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

describe('defaultKubeconfigFound', () => {
  it.each([
    { name: '$KUBECONFIG set (even to a missing file: loading it names the file)', env: { KUBECONFIG: '/nope', HOME: '/h' }, files: [], found: true },
    { name: '$KUBECONFIG empty, ~/.kube/config there', env: { KUBECONFIG: '', HOME: '/h' }, files: ['/h/.kube/config'], found: true },
    { name: 'only a service account token', env: { HOME: '/h' }, files: [TOKEN], found: true },
    { name: 'nothing: no $KUBECONFIG, no ~/.kube/config, no token', env: { HOME: '/h' }, files: [], found: false },
    { name: 'no $HOME and no token', env: {}, files: ['/h/.kube/config'], found: false },
    { name: 'another file in ~/.kube only', env: { HOME: '/h' }, files: ['/h/.kube/cache'], found: false },
  ])('$name → $found', ({ env, files, found }) => {
    expect(defaultKubeconfigFound(env, (p) => (files as string[]).includes(p))).toBe(found);
  });
});

describe('checkKubeconfigFile refuses what client-node would read whole without a limit', () => {
  const stats = (kind: 'file' | 'dir' | 'char' | 'fifo', size: number): Stats =>
    ({
      isFile: () => kind === 'file',
      isDirectory: () => kind === 'dir',
      isCharacterDevice: () => kind === 'char',
      isBlockDevice: () => false,
      isFIFO: () => kind === 'fifo',
      isSocket: () => false,
      size,
    }) as Stats;
  it.each([
    { name: 'a regular file at the cap', st: stats('file', MAX_KUBECONFIG_BYTES), error: undefined },
    { name: 'a directory (the load says EISDIR)', st: stats('dir', 4096), error: undefined },
    { name: 'a regular file one byte over', st: stats('file', MAX_KUBECONFIG_BYTES + 1), error: 'the file is 16777217 bytes, more than a kubeconfig may be (at most 16777216 bytes, 16 MiB)' },
    { name: '/dev/zero', st: stats('char', 0), error: 'a character device, not a kubeconfig file (a kubeconfig must be a regular file)' },
    { name: 'a pipe', st: stats('fifo', 0), error: 'a pipe, not a kubeconfig file (a kubeconfig must be a regular file)' },
  ])('$name', ({ st, error }) => {
    const check = (): void => checkKubeconfigFile('/k', () => st);
    if (error === undefined) expect(check).not.toThrow();
    else expect(check).toThrow(error);
  });
  it('a missing file is left to the load, which names it', () => {
    expect(() =>
      checkKubeconfigFile('/k', () => {
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      }),
    ).not.toThrow();
  });
});

/**
 * `--kubeconfig <(…)`: kubectl reads a kubeconfig from a pipe (a process substitution is
 * /dev/fd/N, a FIFO). knsim reads one too, up to MAX_KUBECONFIG_BYTES, since a pipe has no size
 * to check first; its bytes past the cap are refused in one line.
 */
describe('a kubeconfig given as a pipe', () => {
  const KUBECONFIG =
    'apiVersion: v1\nkind: Config\nclusters:\n- cluster: { server: "https://10.0.0.1:6443" }\n  name: c\ncontexts:\n- context: { cluster: c, user: u }\n  name: piped\ncurrent-context: piped\nusers:\n- name: u\n  user: { token: abc }\n';

  const dirs: string[] = [];
  const tmp = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'knsim-kubeconfig-pipe-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A FIFO that another process writes `write`'s output into once a reader opens it. */
  function fifo(write: string): string {
    const dir = tmp();
    const path = join(dir, 'kubeconfig');
    execFileSync('mkfifo', [path]);
    spawn('sh', ['-c', `${write} > "$1"`, 'sh', path], { stdio: 'ignore', detached: false });
    return path;
  }

  it('is loaded as kubectl loads it', () => {
    const src = join(tmp(), 'config');
    writeFileSync(src, KUBECONFIG);
    const kc = loadKubeConfig({ kubeconfig: fifo(`cat "${src}"`) }, {});
    expect(kc.getCurrentContext()).toBe('piped');
    expect(kc.getCurrentCluster()?.server).toBe('https://10.0.0.1:6443');
  });

  it('a FIFO no process writes to is refused once it has been silent the idle time, instead of blocking', () => {
    const path = join(tmp(), 'kubeconfig');
    execFileSync('mkfifo', [path]);
    expect(() => readKubeconfigPipe(path, 0.2)).toThrow('nothing came through the pipe in 0.2 s (does a process write to it?)');
  });

  it.each([
    // The writer opens the pipe only after the pause: until then an end of file means no writer yet.
    { what: 'a writer that comes late', write: (src: string) => `sleep 0.3; cat "${src}"` },
    // The writer holds the pipe open and pauses: reads find nothing yet (EAGAIN).
    { what: 'a writer that pauses before writing', write: (src: string) => `{ sleep 0.3; cat "${src}"; }` },
  ])('$what is waited for', ({ write }) => {
    const src = join(tmp(), 'config');
    writeFileSync(src, KUBECONFIG);
    expect(readKubeconfigPipe(fifo(write(src)))).toBe(KUBECONFIG);
  });

  it('more than MAX_KUBECONFIG_BYTES from it is refused', () => {
    expect(() => readKubeconfigPipe(fifo(`head -c ${MAX_KUBECONFIG_BYTES + 10} /dev/zero`))).toThrow(
      `the pipe gave more than a kubeconfig may be (at most ${MAX_KUBECONFIG_BYTES} bytes, 16 MiB)`,
    );
  });
});
