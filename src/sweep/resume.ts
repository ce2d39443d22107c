/**
 * A sweep's finished runs kept beside its output (`<out>.resume.csv`) while it runs, so a
 * sweep interrupted (Ctrl-C, a kill, a lost machine or pod) and run again with the same
 * command runs only what is missing. Each run is appended as one line the moment the main
 * thread learns of it; a line cut short by the interruption has no newline and is dropped,
 * as is any row that is not what this sweep gives that run (point, replication, seed,
 * values). The first line names the knsim version and the whole sweep.json (the definition,
 * which holds no paths, the shard, and the knsim build: build-id.ts): a file of any other sweep,
 * or of this sweep run by another build (whose model may differ), is started over. The file
 * goes once the output is in place.
 */
import { appendFileSync, closeSync, lstatSync, openSync, readFileSync, readSync, renameSync, rmSync } from 'node:fs';
import { namedError, writeOutputFile } from '../output/write-file.js';
import { METRIC_KEYS, type MetricValues } from '../output/metrics.js';
import { knsimVersion } from '../output/output-dir.js';
import { UsageError } from '../scenario/usage-error.js';
import { pointValues } from './axes.js';
import { csvLine, parseCsv, RESUME_SUFFIX, runFields, runsCsvHeader, sweepJson } from './files.js';

export { RESUME_SUFFIX };
import type { Shard } from './shard.js';
import { round6 } from './stats.js';
import { seedFor, type RunResult, type SweepDefinition } from './sweep.js';

const MAGIC = '#knsim-sweep-resume ';

export interface Resume {
  path: string;
  /** Runs already done, by `point/replication`, metrics as the files hold them. */
  done: Map<string, MetricValues>;
  /** Rows read but not taken (damaged, or not this sweep's). */
  dropped: number;
  /** Why an existing file was started over, if it was. */
  startedOver: string | undefined;
  /** Appends a finished run (its metrics already rounded as the files hold them). */
  append(run: RunResult): void;
  /** The runs the file holds now: those taken from it and those appended since. */
  kept(): number;
  /** Removes the file (the output is in place). */
  remove(): void;
}

export const runKey = (point: number, replication: number): string => `${point}/${replication}`;

/** A metric cell back to its number: '' is a metric the run lacks; anything but what the files print is damage. */
function metricOf(cell: string): number | undefined {
  if (cell === '') return Number.NaN;
  const v = Number(cell);
  return Number.isFinite(v) && String(round6(v)) === cell ? v : undefined;
}

/** The run a row holds, or undefined when it is not a run this sweep (these points) would make. */
function parseRow(f: readonly string[], def: SweepDefinition, points: ReadonlySet<number>): { key: string; metrics: MetricValues } | undefined {
  const nAxes = def.axes.length;
  if (f.length !== 3 + nAxes + METRIC_KEYS.length) return undefined;
  const point = Number(f[0]);
  const r = Number(f[1]);
  if (!/^\d+$/.test(f[0]!) || !/^\d+$/.test(f[1]!) || !points.has(point) || r >= def.replications) return undefined;
  if (f[2] !== String(seedFor(def, point, r))) return undefined;
  if (JSON.stringify(f.slice(3, 3 + nAxes)) !== JSON.stringify(pointValues(def.axes, point))) return undefined;
  const metrics = {} as MetricValues;
  for (const [i, k] of METRIC_KEYS.entries()) {
    const v = metricOf(f[3 + nAxes + i]!);
    if (v === undefined) return undefined;
    metrics[k] = v;
  }
  return { key: runKey(point, r), metrics };
}

/**
 * Opens (or starts) the resume file of the sweep that writes `outDir`, taking the runs of
 * `points` it holds, and rewrites it with exactly those, so appends never follow a cut line.
 * @throws UsageError when something that is not a knsim resume file is at its path
 */
export function openResume(outDir: string, def: SweepDefinition, shard: Shard | undefined, points: readonly number[]): Resume {
  const path = `${outDir.replace(/[/\\]+$/, '')}${RESUME_SUFFIX}`;
  const header = MAGIC + JSON.stringify({ knsim: knsimVersion(), sweep: sweepJson(def, shard) });
  const columns = csvLine(runsCsvHeader(def));
  const done = new Map<string, MetricValues>();
  const kept: string[] = [];
  let dropped = 0;
  let startedOver: string | undefined;
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (st !== undefined) {
    const inTheWay = `${path}: is where knsim keeps a sweep's finished runs to resume it, and`;
    if (!st.isFile()) throw new UsageError(`${inTheWay} is not a regular file; move it away`);
    const text = readFileSync(path, 'utf8');
    if (!text.startsWith(MAGIC)) throw new UsageError(`${inTheWay} is not one of knsim's; move it away`);
    const lines = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').slice(0, -1);
    if (lines[0] !== header || `${lines[1]}\n` !== columns) startedOver = 'its runs are of another sweep or knsim build';
    else {
      const set = new Set(points);
      for (const l of lines.slice(2)) {
        let row: ReturnType<typeof parseRow>;
        try {
          row = parseRow(parseCsv(l)[0] ?? [], def, set);
        } catch {
          row = undefined;
        }
        if (row === undefined || done.has(row.key)) {
          dropped++;
          continue;
        }
        done.set(row.key, row.metrics);
        kept.push(`${l}\n`);
      }
      // A line cut short (no newline yet) is damage too.
      if (!text.endsWith('\n')) dropped++;
    }
  }
  // Written only once there is something to keep: a sweep that fails before its first run leaves no file.
  let open = st !== undefined;
  let appended = 0;
  if (open) {
    const tmp = `${path}.tmp-${process.pid}`;
    writeOutputFile(tmp, `${header}\n${columns}${kept.join('')}`);
    renameSync(tmp, path);
  }
  return {
    path,
    done,
    dropped,
    startedOver,
    append: (run) => {
      // The first write creates the file exclusively: never append to something else put there meanwhile.
      try {
        appendFileSync(path, (open ? '' : `${header}\n${columns}`) + csvLine(runFields(run)), { flag: open ? 'a' : 'wx' });
      } catch (e) {
        // A full disk's write names no file: this one.
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw namedError(e, path);
        throw new UsageError(`${path}: appeared while the sweep ran; knsim keeps its finished runs there, so move it away`);
      }
      open = true;
      appended++;
    },
    kept: () => done.size + appended,
    // Only a file knsim wrote: none if this sweep never wrote one, and never what replaced it meanwhile.
    remove: () => {
      if (open && isResumeFile(path)) rmSync(path, { force: true });
    },
  };
}

/** Whether `path` is a regular file that starts as knsim's resume files do (read: its first bytes only). */
function isResumeFile(path: string): boolean {
  if (lstatSync(path, { throwIfNoEntry: false })?.isFile() !== true) return false;
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(MAGIC.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.toString('utf8') === MAGIC;
  } finally {
    closeSync(fd);
  }
}
