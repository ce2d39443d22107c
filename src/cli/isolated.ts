/**
 * A command whose scenario loads user autoscaler modules runs again, whole, in a worker thread
 * (the same CLI and arguments). A module shares the heap of the thread that calls it, and one
 * call that allocates past V8's heap limit aborts that heap's process with a native stack trace;
 * in a worker it stops only the worker's isolate. This thread then reads from the call log
 * which call it was, removes the output the worker was staging, and prints one line (exit 2).
 * Signals reach only this thread: it removes the worker's staging directories as its own.
 */
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { adoptStaging, observeStaging, removeAdoptedStaging } from '../output/staged-dir.js';
import { attachUserCallLog, callsInProgress, newUserCallLog, setUserModuleGate } from '../scenario/user-call-log.js';
import { outOfMemoryError } from '../scenario/user-classes.js';

/** Thrown by the user-module gate on the main thread: run the command in a worker instead. */
export class RerunIsolated extends Error {
  constructor() {
    super('rerun in a worker thread');
  }
}

interface IsolatedData {
  knsimIsolated: true;
  userCallLog: SharedArrayBuffer;
  /** Whether the process's stdout and stderr are terminals (a worker's streams are pipes to them). */
  tty: { stdout: boolean; stderr: boolean; columns: number | undefined };
}

function isolatedData(): IsolatedData | undefined {
  const d = workerData as Partial<IsolatedData> | null | undefined;
  return d !== null && typeof d === 'object' && d.knsimIsolated === true && d.userCallLog instanceof SharedArrayBuffer ? (d as IsolatedData) : undefined;
}

/**
 * Called first by the CLI: on the main thread, the first user module a command loads sends it
 * to a worker; in that worker, calls into modules are logged and staging directories reported.
 */
export function prepareIsolation(isMain: boolean): void {
  const d = isolatedData();
  if (d !== undefined) {
    attachUserCallLog(d.userCallLog);
    // What the worker writes reaches the terminal as is, so progress bars draw as on the main thread.
    if (d.tty.stdout) Object.assign(process.stdout, { isTTY: true, columns: d.tty.columns });
    if (d.tty.stderr) Object.assign(process.stderr, { isTTY: true, columns: d.tty.columns });
    observeStaging((path, live) => parentPort?.postMessage({ knsimStaging: path, live }));
  } else if (isMain) {
    setUserModuleGate(() => {
      throw new RerunIsolated();
    });
  }
}

/** Lets modules load in place from now on (a command that must keep the main thread, such as the controller with its signals). */
export function loadModulesInPlace(): void {
  setUserModuleGate(undefined);
}

/**
 * Runs `argv` in a worker thread with the CLI's launcher; resolves with its exit code.
 * `report` prints an error as the CLI does and returns its exit code.
 */
export function runIsolated(argv: string[], report: (e: unknown) => number): Promise<number> {
  const log = newUserCallLog();
  const tty = { stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true, columns: process.stderr.columns ?? process.stdout.columns };
  const data: IsolatedData = { knsimIsolated: true, userCallLog: log, tty };
  const worker = new Worker(new URL('../../bin/knsim.js', import.meta.url), { argv, workerData: data });
  return new Promise((resolve) => {
    let failed: number | undefined;
    worker.on('message', (m: unknown) => {
      const s = m as { knsimStaging?: unknown; live?: unknown };
      if (typeof s.knsimStaging === 'string') adoptStaging(s.knsimStaging, s.live === true);
    });
    worker.on('error', (e: Error & { code?: string }) => {
      // What the worker was writing never looked complete (a .partial directory); it goes without a word.
      removeAdoptedStaging();
      if (e.code !== 'ERR_WORKER_OUT_OF_MEMORY') {
        failed = report(e);
        return;
      }
      failed = reportOutOfMemory(log, report);
    });
    worker.on('exit', (code) => resolve(failed ?? code));
  });
}

function reportOutOfMemory(log: SharedArrayBuffer, report: (e: unknown) => number): number {
  const call = callsInProgress(log)[0];
  if (call === undefined) return report(new Error('the JavaScript heap ran out of memory outside any call into an autoscaler module'));
  return report(outOfMemoryError(call));
}
