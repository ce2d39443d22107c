/**
 * A file that cannot be written while an output is staged is named where the user will look for
 * it, under the directory they gave, not under the staging directory (`<out>.partial-<pid>`,
 * `<run>/.report.partial-<pid>`), which is removed before the error is printed. The full disk is
 * /dev/full: the write of the file under test goes there, and fails with the kernel's ENOSPC.
 */
import * as fs from 'node:fs';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runReport } from '../../src/cli/report.js';
import { toOutputError } from '../../src/output/output-error.js';
import { buildReport } from '../../src/output/report/index.js';
import { atShownPath, shownPathOf } from '../../src/output/shown-path.js';
import { runWorld, runWorldInterruptible } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, writeFileSync: vi.fn(real.writeFileSync) };
});

const realWriteFileSync = (await vi.importActual<typeof import('node:fs')>('node:fs')).writeFileSync;
const writeFileSync = vi.mocked(fs.writeFileSync);
afterEach(() => writeFileSync.mockImplementation(realWriteFileSync as typeof fs.writeFileSync));

/** The disk is full at the file whose path ends with `tail`: its write goes to /dev/full. */
function fullAt(tail: string): string[] {
  const seen: string[] = [];
  writeFileSync.mockImplementation(((path: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView) => {
    const p = String(path);
    if (p.endsWith(tail)) {
      seen.push(p);
      return realWriteFileSync('/dev/full', data);
    }
    return realWriteFileSync(path, data);
  }) as typeof fs.writeFileSync);
  return seen;
}

const scenario = resolve(import.meta.dirname, '../../scenarios/hello-world.yaml');
const world = () => loadScenario(scenario, { durationSeconds: 30 }).world;
const fresh = (): string => join(mkdtempSync(join(tmpdir(), 'knsim-staged-write-')), 'out');

describe('a write that fails in staging names the user’s path', () => {
  it('knsim report: a chart’s .png under the run directory, not under .report.partial-<pid>', async () => {
    const dir = fresh();
    runWorld(world(), { outDir: dir, trace: { mode: 'none' } });
    const seen = fullAt('/charts/pods.png');
    let message = '';
    await buildReport(dir).catch((e: unknown) => {
      message = (toOutputError(e, dir) as Error).message;
    });
    // Written in the staging directory, and failed there.
    expect(seen).toEqual([join(dir, `.report.partial-${process.pid}`, 'charts', 'pods.png')]);
    expect(message).toBe(`${dir}: write ${join(dir, 'charts', 'pods.png')}: no space left on the device (ENOSPC)`);
    // The staging directory is gone; no report went into place.
    expect(readdirSync(dir).filter((f) => f.startsWith('.report'))).toEqual([]);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });

  it('knsim run --report: a chart’s .svg under --out, not under <out>.partial-<pid>', async () => {
    const out = fresh();
    const seen = fullAt('/charts/kpa.svg');
    let message = '';
    await runWorldInterruptible(world(), {
      outDir: out,
      trace: { mode: 'none' },
      beforeCommit: (staging) => runReport(staging, out, `--out ${out}: report not written`).then(() => undefined, (e: unknown) => void (message = (e as Error).message)),
    });
    expect(seen).toEqual([join(`${out}.partial-${process.pid}`, 'charts', 'kpa.svg')]);
    expect(message).toBe(`--out ${out}: report not written: write ${join(out, 'charts', 'kpa.svg')}: no space left on the device (ENOSPC)`);
  });

  it('knsim run: summary.json under --out, not under <out>.partial-<pid>', () => {
    const out = fresh();
    const seen = fullAt('/summary.json');
    expect(() => runWorld(world(), { outDir: out, trace: { mode: 'none' } })).toThrow(`--out ${out}: write ${join(out, 'summary.json')}: no space left on the device (ENOSPC)`);
    expect(seen).toEqual([join(`${out}.partial-${process.pid}`, 'summary.json')]);
    expect(existsSync(out)).toBe(false);
  });
});

describe('shownPathOf', () => {
  it('moves a path under the staging directory, and only such a path', () => {
    expect(shownPathOf('/r/out.partial-7/charts/a.png', '/r/out.partial-7', 'reports/out')).toBe(join('reports/out', 'charts', 'a.png'));
    expect(shownPathOf('/r/out.partial-7', '/r/out.partial-7', 'reports/out')).toBe('reports/out');
    expect(shownPathOf('/r/out.partial-70/a', '/r/out.partial-7', 'reports/out')).toBeUndefined();
    expect(shownPathOf('/r/other/a', '/r/out.partial-7', 'reports/out')).toBeUndefined();
  });

  it('a rename keeps both its ends: moving into place is its own step', () => {
    const e = Object.assign(new Error('EXDEV'), { code: 'EXDEV', syscall: 'rename', path: '/r/out.partial-7/a', dest: '/r/out/a' });
    expect((atShownPath(e, '/r/out.partial-7', 'out') as { path: string }).path).toBe('/r/out.partial-7/a');
  });
});
