/**
 * The controller's decision log as CSV: one row per revision per decide tick, knsim's
 * decision next to what Knative's autoscaler decided (the PodAutoscaler's
 * status.desiredScale) and what was done about it.
 */
import { closeSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { DecisionRecord } from '../core/autoscaler/index.js';

export const DECISION_CSV_HEADER = [
  'time',
  'namespace',
  'revision',
  'ready_pods',
  'observed_stable',
  'observed_panic',
  'knsim_desired',
  'knsim_want',
  'knsim_in_panic',
  'knsim_excess_burst_capacity',
  'valid',
  'hold',
  'knative_desired',
  'knative_actual',
  'replicas',
  'action',
] as const;

/** Core's decision record with the revision's namespace, the cluster's side and the action taken. */
export interface ShadowRow extends DecisionRecord {
  namespace: string;
  /** PodAutoscaler status.desiredScale (undefined if unset or no PA). */
  knativeDesired: number | undefined;
  knativeActual: number | undefined;
  /** Deployment replicas as last read (undefined if not read). */
  replicas: number | undefined;
  /** e.g. `none`, `scale 3->5`, `would-scale 3->5`, `hold` */
  action: string;
}

const fmt = (v: number | undefined, digits = 3): string =>
  v === undefined || Number.isNaN(v) ? '' : Number.isInteger(v) ? String(v) : String(Math.round(v * 10 ** digits) / 10 ** digits);

/** One row, quoted by csv-stringify as knsim's other CSVs are (the adapter imports no knsim output code). */
export function decisionCsvLine(r: ShadowRow): string {
  const fields = [
    new Date(r.time * 1000).toISOString(),
    r.namespace,
    r.revision,
    fmt(r.readyPods),
    fmt(r.observedStable),
    fmt(r.observedPanic),
    fmt(r.desired),
    fmt(r.want),
    String(r.inPanic),
    fmt(r.excessBurstCapacity),
    String(r.valid),
    r.hold ?? '',
    fmt(r.knativeDesired),
    fmt(r.knativeActual),
    fmt(r.replicas),
    r.action,
  ];
  return stringify([fields]).replace(/\n$/, '');
}

/**
 * The decision CSV could not be made or written. `error` is the file system's own error
 * (EROFS, ENOSPC, ...), which the CLI words for the user with the `--csv` flag and path.
 */
export class DecisionCsvError extends Error {
  override readonly name = 'DecisionCsvError';

  constructor(
    readonly path: string,
    readonly error: unknown,
  ) {
    super(`--csv ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The file-system calls the writer makes (tests inject short or failing writes). */
export interface CsvFs {
  writeSync: (fd: number, buf: Uint8Array, offset: number, length: number) => number;
}

/**
 * `mkdir -p dir`, one directory at a time. Node 20's recursive mkdir retries for ever under
 * /proc (mkdir there fails with ENOENT below a directory that exists) and words any failure on
 * the way as ENOENT; one at a time, the first directory that cannot be made fails with its own cause.
 */
function makeParents(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); dirname(d) !== d; d = dirname(d)) {
    let exists: boolean;
    try {
      exists = statSync(d, { throwIfNoEntry: false }) !== undefined;
    } catch {
      exists = false; // ENOTDIR: a file on the way, which its mkdir names
    }
    if (exists) break;
    missing.unshift(d);
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      // Made meanwhile by another process: as good as ours.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || statSync(d, { throwIfNoEntry: false })?.isDirectory() !== true) throw e;
    }
  }
}

/** Appends rows to a CSV file (created with its header). */
export class DecisionCsv {
  private fd: number | undefined;
  private readonly fs: CsvFs;

  /** @throws DecisionCsvError when the file or its folders cannot be made. */
  constructor(
    readonly path: string,
    fs: CsvFs = { writeSync },
  ) {
    this.fs = fs;
    try {
      makeParents(dirname(path));
      this.fd = openSync(path, 'w');
    } catch (e) {
      throw new DecisionCsvError(path, e);
    }
    this.put(DECISION_CSV_HEADER.join(','));
  }

  /** @throws DecisionCsvError when the row cannot be written (a full disk). */
  write(r: ShadowRow): void {
    if (this.fd === undefined) throw new Error(`${this.path}: already closed`);
    this.put(decisionCsvLine(r));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** One line, all of it: a write the disk takes only part of (a disk filling up) is continued, not dropped. */
  private put(line: string): void {
    const buf = Buffer.from(line + '\n', 'utf8');
    try {
      for (let off = 0; off < buf.length; ) {
        const n = this.fs.writeSync(this.fd!, buf, off, buf.length - off);
        // No progress and no error would loop for ever; a full disk says ENOSPC on the next try.
        if (n <= 0) throw Object.assign(new Error('no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
        off += n;
      }
    } catch (e) {
      throw new DecisionCsvError(this.path, e);
    }
  }
}
