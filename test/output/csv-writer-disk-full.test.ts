/**
 * CsvWriter on a disk filling up: a write that takes only part of the buffer is not the end of
 * it (the rest is written again, or the next write's ENOSPC fails the run), and the error names the file.
 */
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CsvWriter } from '../../src/output/csv-writer.js';
import { toOutputError } from '../../src/output/output-error.js';

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, writeSync: vi.fn(real.writeSync) };
});

const realWrite = (await vi.importActual<typeof import('node:fs')>('node:fs')).writeSync;
const writeSync = vi.mocked(fs.writeSync);
afterEach(() => writeSync.mockImplementation(realWrite as typeof fs.writeSync));

/** A writeSync that writes at most `cap` bytes a call, and then fails with ENOSPC after `room` bytes in all. */
function fillingDisk(cap: number, room: number): void {
  let used = 0;
  writeSync.mockImplementation(((fd: number, buf: Uint8Array, offset: number, length: number) => {
    const n = Math.min(length, cap, room - used);
    if (n <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', errno: -28 });
    used += n;
    return realWrite(fd, buf, offset, n);
  }) as typeof fs.writeSync);
}

describe('CsvWriter on a disk filling up', () => {
  it('writes every byte when each write takes only part of the buffer', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'knsim-csv-full-')), 'pods.csv');
    fillingDisk(7, Number.POSITIVE_INFINITY);
    const w = new CsvWriter(path, ['t', 'pod']);
    for (let i = 0; i < 100; i++) w.line(`${i},pod-${i}`);
    w.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(102);
    expect(lines[0]).toBe('t,pod');
    expect(lines[100]).toBe('99,pod-99');
  });

  it('fails on a full disk, after a short write, instead of closing a truncated file; the error names the file', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'knsim-csv-full-')), 'pods.csv');
    fillingDisk(1 << 20, 500);
    const w = new CsvWriter(path, ['t', 'pod']);
    for (let i = 0; i < 100; i++) w.line(`${i},pod-${i}`);
    let err: unknown;
    try {
      w.close();
    } catch (e) {
      err = e;
    }
    expect(readFileSync(path).length).toBe(500);
    expect((toOutputError(err, '--out out') as Error).message).toBe(`--out out: write ${path}: no space left on the device (ENOSPC)`);
  });
});
