/**
 * With no --kubeconfig, knsim finds credentials as client-node does ($KUBECONFIG, then
 * ~/.kube/config, then a mounted service account). When none is there, client-node falls back
 * to http://localhost:8080 and fails later with a TLS message; knsim says what is missing.
 */
import { describe, expect, it } from 'vitest';
import { defaultKubeconfigFound } from '../../src/adapter/kube.js';

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
