/** Building and serving the playground for tests: one vite build per test file, into a temp folder. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../support/cli.js';

export const hasChromium = existsSync('/usr/bin/chromium');
// CI installs Chromium (.ci/run), so there its absence fails the browser tests instead of skipping them.
if (!hasChromium && process.env['CI']) throw new Error('/usr/bin/chromium is missing, but CI must run the browser tests: apt-get install -y chromium');

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Builds the site with the project's vite config into a fresh folder and returns it. */
export function buildPlayground(): string {
  const out = mkdtempSync(join(tmpdir(), 'knsim-playground-'));
  const r = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`vite build failed (${r.status}): ${r.stderr}`);
  return out;
}
