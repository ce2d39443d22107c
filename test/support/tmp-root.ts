/**
 * vitest's global setup: every temporary folder the tests make (os.tmpdir(), mkdtemp, the CLI
 * processes they start, which inherit the environment) goes under one root made for this run,
 * removed when the run ends. Tests that forget to clean up leave nothing behind in /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  // A short name: messages that echo a test's file paths keep within their line cap.
  const root = mkdtempSync(join(tmpdir(), 'kt-'));
  const previous = process.env['TMPDIR'];
  process.env['TMPDIR'] = root;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    // Only the root this run made: nothing of anyone else's.
    rmSync(root, { recursive: true, force: true });
  };
}
