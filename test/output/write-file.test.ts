/**
 * An output file that cannot be written is named in the one-line error: Node's writeFileSync
 * reports a failed write() (a full disk: ENOSPC) without a path, so a chart's .svg or .png, a
 * summary.json or a sweep's CSV on a full disk said only "write: no space left on the device".
 * /dev/full fails every write with ENOSPC, as a full disk does, even for root.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { toOutputError } from '../../src/output/output-error.js';
import { writeOutputFile } from '../../src/output/write-file.js';
import { writeChartImages } from '../../src/output/report/render.js';
import { reportError } from '../../src/cli/main.js';

const message = (fn: () => unknown, what: string): string => {
  try {
    fn();
  } catch (e) {
    return (toOutputError(e, what) as Error).message;
  }
  throw new Error('no error');
};

describe('an output file on a full disk', () => {
  it('writeFileSync names no file; writeOutputFile names it', () => {
    expect(message(() => writeFileSync('/dev/full', 'x'), '--out out')).toBe('--out out: write: no space left on the device (ENOSPC)');
    expect(message(() => writeOutputFile('/dev/full', 'x'), '--out out')).toBe('--out out: write /dev/full: no space left on the device (ENOSPC)');
  });

  it('is exit 2 with one line naming it', () => {
    let e: unknown;
    try {
      writeOutputFile('/dev/full', 'x');
    } catch (err) {
      e = toOutputError(err, 'reports/x');
    }
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      lines.push(String(s));
      return true;
    });
    try {
      expect(reportError(e)).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual(['knsim: reports/x: write /dev/full: no space left on the device (ENOSPC)\n']);
  });

  it("a chart's .svg, then its .png, that cannot be written is named", async () => {
    const spec = { data: { values: [{ x: 1, y: 2 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } } as TopLevelSpec;
    const dir = mkdtempSync(join(tmpdir(), 'knsim-chart-full-'));
    mkdirSync(join(dir, 'charts'));
    const svg = join(dir, 'charts', 'c.svg');
    const png = join(dir, 'charts', 'c.png');
    const failure = async (): Promise<string> => {
      try {
        await writeChartImages(dir, [{ id: 'c', spec }]);
      } catch (e) {
        return (toOutputError(e, `--out ${dir}`) as Error).message;
      }
      return 'written';
    };
    // A link to /dev/full stands for a disk that fills up at that file.
    symlinkSync('/dev/full', svg);
    expect(await failure()).toBe(`--out ${dir}: write ${svg}: no space left on the device (ENOSPC)`);
    rmSync(svg);
    symlinkSync('/dev/full', png);
    expect(await failure()).toBe(`--out ${dir}: write ${png}: no space left on the device (ENOSPC)`);
    rmSync(png);
    expect(await failure()).toBe('written');
  });
});
