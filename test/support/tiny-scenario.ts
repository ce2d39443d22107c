/** The smallest scenario the CLI and loader tests start from, and a temporary folder to run it in. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Service of tinyScenario, on one line (a test replaces `manifest: ${TINY_MANIFEST}` with a manifestFile). */
export const TINY_MANIFEST = '{ apiVersion: serving.knative.dev/v1, kind: Service, metadata: { name: hello }, spec: { template: { spec: { containers: [{ image: app }] } } } }';

/**
 * One Service, `hello`, with one pod up, and one open-loop client, `load`, at `rps`. Tests edit the
 * text with replace() and count its lines (7), so its layout stays as it is.
 */
export function tinyScenario(name: string, duration: string, rps: number): string {
  return `name: ${name}
duration: ${duration}
services:
  - manifest: ${TINY_MANIFEST}
    initialPods: 1
clients:
  - { name: load, service: hello, open: { rps: ${rps} } }
`;
}

/** Writes `yaml` to s.yaml in a new temporary folder; `out` is a folder beside it, not yet created. */
export function scenarioInTempDir(prefix: string, yaml: string): { file: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, 's.yaml');
  writeFileSync(file, yaml);
  return { file, out: join(dir, 'out') };
}
