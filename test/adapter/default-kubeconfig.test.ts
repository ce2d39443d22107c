/**
 * With no --kubeconfig, knsim finds credentials as client-node does ($KUBECONFIG, then
 * ~/.kube/config, then a mounted service account). When none is there, client-node falls back
 * to http://localhost:8080 and fails later with a TLS message; knsim says what is missing.
 */
import { describe, expect, it } from 'vitest';
import type { Stats } from 'node:fs';
import { checkKubeconfigFile, defaultKubeconfigFound, MAX_KUBECONFIG_BYTES } from '../../src/adapter/kube.js';

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
