import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { checkWorkerThreads, maxWorkerThreads, processMemory } from '../../src/cli/worker-memory.js';

const GiB = 1024 ** 3;

describe('--workers against the machine’s memory', () => {
  it('an 8 GiB machine holds 85 worker threads (48 MiB each in half its memory); 86 are refused in one line', () => {
    expect(maxWorkerThreads(8 * GiB)).toBe(85);
    expect(() => checkWorkerThreads(85, 8 * GiB)).not.toThrow();
    expect(() => checkWorkerThreads(86, 8 * GiB)).toThrow(
      new UsageError("--workers 86: each worker thread holds about 50 MB before its runs' own memory, so 86 need 4.3 GB, more than half of this machine's 8.6 GB: use at most 85"),
    );
  });

  it('--workers 1024 (the flag’s maximum) on a 24 GiB machine, which it would have taken 36 GB of, is refused; one thread always fits', () => {
    expect(() => checkWorkerThreads(1024, 24 * GiB)).toThrow(/^--workers 1024: .* use at most 256$/);
    expect(() => checkWorkerThreads(1, 64 * 1024 * 1024)).not.toThrow();
  });
});

describe('--workers in a container', () => {
  it("a 1 GiB memory limit on a 64 GiB node holds 10 threads, not the node's 682; no limit (0, or Node 20's 2^64) is the machine's", () => {
    expect(processMemory(64 * GiB, 1 * GiB)).toEqual({ bytes: 1 * GiB, limited: true });
    expect(maxWorkerThreads(processMemory(64 * GiB, 1 * GiB).bytes)).toBe(10);
    expect(maxWorkerThreads(processMemory(64 * GiB, 0).bytes)).toBe(682);
    expect(processMemory(64 * GiB, 2 ** 64)).toEqual({ bytes: 64 * GiB, limited: false });
  });
});

describe('knsim sweep checks the threads it would start', () => {
  it('a 200-point grid with --workers 200 on an 8 GiB machine is refused before any output; --workers 1024 over 2 points starts only 2 threads and runs', async () => {
    const { vi } = await import('vitest');
    vi.resetModules();
    vi.doMock('node:os', async (orig) => ({ ...(await orig<typeof import('node:os')>()), totalmem: () => 8 * GiB }));
    const { mkdtempSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { sweepCommand } = await import('../../src/cli/sweep.js');
    const errors = await import('../../src/cli/errors.js');
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-workers-')), 'sweep');
    const grid = ['configMaps.config-autoscaler.stable-window=6s..205s:1s'];
    await expect(sweepCommand({ scenario: 'scenarios/quickstart.yaml', grid, replications: '1', workers: '200', duration: '10s', out, report: false })).rejects.toThrow(
      new errors.UsageError("--workers 200: each worker thread holds about 50 MB before its runs' own memory, so 200 need 10.1 GB, more than half of this machine's 8.6 GB: use at most 85"),
    );
    expect(existsSync(out)).toBe(false);
    await sweepCommand({ scenario: 'scenarios/quickstart.yaml', grid: ['configMaps.config-autoscaler.stable-window=30s,60s'], replications: '1', workers: '1024', duration: '10s', out, report: false });
    expect(existsSync(join(out, 'sweep.json'))).toBe(true);
    vi.doUnmock('node:os');
  });
});
