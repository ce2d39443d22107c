/**
 * The controller's decision CSV file (`knsim controller --csv`): its folders are made one at a
 * time (Node 20's recursive mkdir never returns under /proc), a write the disk takes only part
 * of is continued, and a failure names the flag and path.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DECISION_CSV_HEADER, DecisionCsv, DecisionCsvError, decisionCsvLine, type ShadowRow } from '../../src/adapter/decision-csv.js';
import { toOutputError } from '../../src/output/output-error.js';

const tmp = mkdtempSync(join(tmpdir(), 'knsim-decision-csv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const row: ShadowRow = {
  time: 1_700_000_000,
  revision: 'hello-00001',
  readyPods: 2,
  observedStable: 14.5,
  observedPanic: 20,
  desired: 3,
  want: 3,
  inPanic: false,
  excessBurstCapacity: -6,
  valid: true,
  sksMode: 'Proxy',
  activators: 3,
  poke: false,
  namespace: 'default',
  knativeDesired: 2,
  knativeActual: 2,
  replicas: 2,
  action: 'would-scale 2->3',
};

const caught = (fn: () => unknown): DecisionCsvError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DecisionCsvError);
    return e as DecisionCsvError;
  }
  throw new Error('did not throw');
};

describe('DecisionCsv', () => {
  it('makes the missing folders and writes the header and rows', () => {
    const path = join(tmp, 'a', 'b', 'decisions.csv');
    const csv = new DecisionCsv(path);
    csv.write(row);
    csv.close();
    expect(readFileSync(path, 'utf8')).toBe(`${DECISION_CSV_HEADER.join(',')}\n${decisionCsvLine(row)}\n`);
    expect(decisionCsvLine(row)).toBe('2023-11-14T22:13:20.000Z,default,hello-00001,2,14.5,20,3,3,false,-6,true,,2,2,2,would-scale 2->3');
  });

  it('under /proc, where no folder can be made, fails at once naming the folder (recursive mkdir never returned)', () => {
    const e = caught(() => new DecisionCsv('/proc/knsim-no-such/sub/decisions.csv'));
    expect(e.path).toBe('/proc/knsim-no-such/sub/decisions.csv');
    expect((e.error as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect((e.error as NodeJS.ErrnoException).path).toBe('/proc/knsim-no-such');
    expect((toOutputError(e.error, `--csv ${e.path}`) as Error).message).toBe(
      '--csv /proc/knsim-no-such/sub/decisions.csv: mkdir /proc/knsim-no-such: cannot create a directory there (no such file or directory) (ENOENT)',
    );
  });

  it('a file where a folder should be: ENOTDIR naming that path', () => {
    const file = join(tmp, 'plain-file');
    writeFileSync(file, 'x');
    const e = caught(() => new DecisionCsv(join(file, 'sub', 'decisions.csv')));
    expect((e.error as NodeJS.ErrnoException).code).toBe('ENOTDIR');
  });

  it('a write the disk takes only in part is continued: every byte lands', () => {
    const path = join(tmp, 'short.csv');
    const calls: number[] = [];
    // At most 7 bytes per write, as a disk filling up may take.
    const csv = new DecisionCsv(path, {
      writeSync: (fd, buf, off, len) => {
        calls.push(Math.min(len, 7));
        return writeSync(fd, buf, off, Math.min(len, 7));
      },
    });
    csv.write(row);
    csv.write(row);
    csv.close();
    const want = `${DECISION_CSV_HEADER.join(',')}\n${decisionCsvLine(row)}\n${decisionCsvLine(row)}\n`;
    expect(readFileSync(path, 'utf8')).toBe(want);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(Buffer.byteLength(want));
    expect(calls.length).toBe(Math.ceil(Buffer.byteLength(DECISION_CSV_HEADER.join(',') + '\n') / 7) + 2 * Math.ceil(Buffer.byteLength(decisionCsvLine(row) + '\n') / 7));
  });

  it('a full disk fails the write with ENOSPC naming the flag and file', () => {
    const path = join(tmp, 'full.csv');
    // The header and one row fit, and 10 bytes of the second.
    const fits = Buffer.byteLength(`${DECISION_CSV_HEADER.join(',')}\n${decisionCsvLine(row)}\n`) + 10;
    let room = fits;
    const csv = new DecisionCsv(path, {
      writeSync: (fd, buf, off, len) => {
        if (room === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
        const n = Math.min(len, room);
        room -= n;
        return writeSync(fd, buf, off, n);
      },
    });
    csv.write(row);
    const e = caught(() => csv.write(row));
    csv.close();
    expect((toOutputError(e.error, `--csv ${e.path}`) as Error).message).toBe(`--csv ${path}: write: no space left on the device (ENOSPC)`);
    expect(readFileSync(path).length).toBe(fits);
  });
});
