/**
 * A command whose scenario loads user autoscaler modules runs again, whole, in a worker thread
 * (the same CLI and arguments). A module shares the heap of the thread that calls it, and one
 * call that allocates past V8's heap limit aborts that heap's process with a native stack trace;
 * in a worker it stops only the worker's isolate (unless one allocation overshoots the 16 MB of
 * leeway Node gives a worker at its heap limit: V8 then still aborts the process). This thread then reads from the call log
 * which call it was, removes the output the worker was staging, and prints one line (exit 2).
 * Signals reach only this thread: it removes the worker's staging directories as its own, and
 * passes the signal on to the worker's command.
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
    // Signals reach only the main thread. It is told which ones the command handles (the
    // controller stops cleanly on them) and passes those on; the others end knsim at once.
    const tell = (event: string | symbol, count: number): void => {
      if (event === 'SIGINT' || event === 'SIGTERM') parentPort?.postMessage({ knsimHandles: event, count });
    };
    process.on('newListener', (event) => tell(event, process.listenerCount(event) + 1));
    process.on('removeListener', (event) => tell(event, process.listenerCount(event)));
    parentPort?.on('message', (m: unknown) => {
      const sig = (m as { knsimSignal?: unknown } | null)?.knsimSignal;
      if (sig === 'SIGINT' || sig === 'SIGTERM') process.emit(sig, sig);
    });
    // Listening must not keep the worker alive once its command is done.
    parentPort?.unref();
  } else if (isMain) {
    setUserModuleGate(() => {
      throw new RerunIsolated();
    });
  }
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
  const handled = { SIGINT: 0, SIGTERM: 0 };
  const forward = (signal: NodeJS.Signals): void => {
    if (signal === 'SIGINT' || signal === 'SIGTERM') {
      if (handled[signal] > 0) {
        worker.postMessage({ knsimSignal: signal });
        return;
      }
      // Not the command's to handle: the signal's default action (after any other handler, such
      // as the one removing the staging directories, which exits first).
      process.removeListener(signal, forward);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    }
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    let failed: number | undefined;
    worker.on('message', (m: unknown) => {
      const s = m as { knsimStaging?: unknown; live?: unknown; knsimHandles?: unknown; count?: unknown };
      if (typeof s.knsimStaging === 'string') adoptStaging(s.knsimStaging, s.live === true);
      if ((s.knsimHandles === 'SIGINT' || s.knsimHandles === 'SIGTERM') && typeof s.count === 'number') handled[s.knsimHandles] = s.count;
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
    worker.on('exit', (code) => {
      process.removeListener('SIGINT', forward);
      process.removeListener('SIGTERM', forward);
      resolve(failed ?? code);
    });
  });
}

function reportOutOfMemory(log: SharedArrayBuffer, report: (e: unknown) => number): number {
  const call = callsInProgress(log)[0];
  if (call === undefined) return report(new Error('the JavaScript heap ran out of memory outside any call into an autoscaler module'));
  return report(outOfMemoryError(call));
}
