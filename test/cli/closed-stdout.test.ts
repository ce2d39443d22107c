/**
 * `knsim run … | head -1`: the reader closes stdout after the first line. The run went on to
 * write its report and died on the EPIPE with a Node stack trace; now the rest of stdout is
 * dropped and the command finishes (report written, exit 0, nothing on stderr).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
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
