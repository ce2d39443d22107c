/**
 * `knsim run … | head -1`: the reader closes stdout after the first line. The run went on to
 * write its report and died on the EPIPE with a Node stack trace; now the rest of stdout is
 * dropped and the command finishes (report written, exit 0, nothing on stderr). Stdout on a full
 * disk is the user's to fix: one line and exit 2, not an internal error.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, root } from '../support/cli.js';
import { scenarioInTempDir, tinyScenario } from '../support/tiny-scenario.js';

describe('stdout closed by its reader', () => {
  it('loses the rest of stdout, not the report, and prints no stack trace', async () => {
    const { file } = scenarioInTempDir('knsim-epipe-', tinyScenario('epipe', '5s', 10));
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-epipe-out-')), 'o');
    const child = spawn(process.execPath, [bin, 'run', file, '--out', out], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Read the first chunk, then go away as `head -1` does.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  }, 60_000);
});

describe('stdout redirected to a full disk', () => {
  it('is one line naming stdout and the cause, exit 2, not an internal error; the run\'s files are in place', () => {
    const { file } = scenarioInTempDir('knsim-enospc-', tinyScenario('enospc', '5s', 10));
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-enospc-out-')), 'o');
    // /dev/full: every write fails with ENOSPC, as a redirect to a file on a full disk would.
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [bin, 'run', file, '--out', out, '--no-report'], { cwd: root, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      expect(r.stderr).toBe('knsim: stdout: write: no space left on the device (ENOSPC)\n');
      expect(r.status).toBe(2);
    } finally {
      closeSync(full);
    }
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  }, 60_000);
});
