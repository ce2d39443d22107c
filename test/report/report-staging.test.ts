/**
 * knsim report's own staging folder in a run directory, `.report.partial-<pid>`: one left by a
 * process of the same pid (a pid reused after a SIGKILL) is replaced only if marked as knsim's
 * staging; anything else of that name is the user's and is refused, untouched.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newManifest, readManifest, writeManifest } from '../../src/output/output-dir.js';
import { buildReport } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';

const root = resolve(import.meta.dirname, '../..');

function run(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'knsim-report-staging-')), 'run');
  runWorld(loadScenario(join(root, 'scenarios/hello-world.yaml'), { durationSeconds: 30 }).world, { outDir: dir, trace: { mode: 'none' } });
  return dir;
}

describe('the report staging folder of this pid', () => {
  it('a folder of the user\'s by that name is refused and left as it was', async () => {
    const dir = run();
    const mine = join(dir, `.report.partial-${process.pid}`);
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'mine\n');
    await expect(buildReport(dir, { images: false })).rejects.toThrow(`${mine}: exists and is not a knsim report staging directory; remove it yourself`);
    expect(readFileSync(join(mine, 'notes.txt'), 'utf8')).toBe('mine\n');
  });

  it('one marked as knsim\'s staging is replaced, and the report written', async () => {
    const dir = run();
    const old = join(dir, `.report.partial-${process.pid}`);
    mkdirSync(old);
    writeManifest(old, newManifest('report', [], true));
    const r = await buildReport(dir, { images: false });
    expect(readFileSync(r.htmlPath, 'utf8')).toMatch(/^<!doctype html>/i);
  });
});

describe('a run directory a dead knsim marked as being moved aside (killed just before the move)', () => {
  it('gets its report listed in its manifest, the stale mark dropped', async () => {
    const dir = run();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const m = readManifest(dir)!;
    writeManifest(dir, { ...m, state: 'previous', pid: dead });
    await buildReport(dir, { images: false });
    const after = readManifest(dir)!;
    expect(after.state).toBeUndefined();
    expect(after.pid).toBeUndefined();
    expect(after.files).toContain('report.html');
    expect(after.files).toContain('charts/pods.vl.json');
  });
});
