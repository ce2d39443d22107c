/**
 * A command whose scenario loads user autoscaler modules runs again, whole, in a child process
 * (the same CLI and arguments). A module shares the heap of the process that calls it, and a
 * call that allocates past V8's heap limit aborts that process with a native stack trace, however
 * it allocates: in pieces, or in one allocation larger than what is left (a worker thread could
 * not hold that: V8 gives it 16 MB of leeway and then aborts the whole process). Here the abort
 * ends only the child. This process then reads from the call log's mirror file which call it was,
 * removes the output the child was staging, keeps V8's report off the terminal, and prints one
 * line (exit 2). The child runs in a process group of its own, so a Ctrl-C reaches it once,
 * passed on by this process, as does SIGTERM; it dumps no core. A child this process must kill
 * after a signal (busy in a call) cannot say what its command kept: this process says it.
 */
import { spawn, type StdioOptions } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { observeStaging, removeStagingOf } from '../output/staged-dir.js';
import { UsageError } from './errors.js';
import { attachUserCallLog, callsInProgress, newUserCallLog, setUserModuleGate, USER_CALL_LOG_BYTES } from '../scenario/user-call-log.js';
import { crashError, outOfMemoryError } from '../scenario/user-classes.js';
import { interruptedLine, sendInterruptionsTo, type Interruption } from './interrupted.js';

/** Thrown by the user-module gate on the main thread: run the command in a child process instead. */
export class RerunIsolated extends Error {
  constructor() {
    super('rerun in a child process');
  }
}

/** The mirror file of the child's call log (set for the child only, and taken out of its environment at once). */
const LOG_ENV = 'KNSIM_ISOLATED_CALL_LOG';
/** Whether this process's stderr is a terminal, and its width: the child's stderr is a pipe to this one. */
const TTY_ENV = 'KNSIM_ISOLATED_STDERR_TTY';

/** Where V8 and Node start their report of a fatal error (the out-of-memory one, or a failed check). */
const FATAL_MARKERS = ['\n<--- Last few GCs --->', '<--- Last few GCs --->', '\n<--- JS stacktrace --->', 'FATAL ERROR:', '\n#\n# Fatal error', '----- Native stack trace -----'];

/** How long a child has to end after SIGINT or SIGTERM before it is killed. */
const STOP_GRACE_MS = 10_000;

/** What V8's report of a heap that ran out says. */
const OUT_OF_MEMORY = /JavaScript heap out of memory|Reached heap limit|Allocation failed/;

/**
 * Called first by the CLI: on the main thread, the first user module a command loads sends it
 * to a child process; in that child, calls into modules are logged and staging directories reported.
 */
export function prepareIsolation(isMain: boolean): void {
  const file = process.env[LOG_ENV];
  if (isMain && file !== undefined) {
    // Not for the processes this one may start (nothing knsim starts is isolated this way).
    delete process.env[LOG_ENV];
    attachUserCallLog(newUserCallLog(), openSync(file, 'r+'));
    const tty = process.env[TTY_ENV];
    delete process.env[TTY_ENV];
    // What the child writes reaches the terminal as is, so progress bars draw as they would here.
    if (tty !== undefined) Object.assign(process.stderr, { isTTY: true, columns: Number(tty) > 0 ? Number(tty) : undefined });
    observeStaging((path, live) => process.send?.({ knsimStaging: path, live }, undefined, {}, () => {}));
    sendInterruptionsTo((line) => process.send?.({ knsimInterrupted: line }, undefined, {}, () => {}));
    // The channel must not keep the child alive once its command is done; if the parent goes
    // away, the child stops as on SIGTERM (its staging directories removed).
    process.channel?.unref();
    process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  } else if (isMain) {
    setUserModuleGate(() => {
      throw new RerunIsolated();
    });
  }
}

/**
 * Runs `argv` in a child process with the CLI's launcher; resolves with its exit code.
 * `report` prints an error as the CLI does and returns its exit code.
 */
export async function runIsolated(argv: string[], report: (e: unknown) => number): Promise<number> {
  let dir: string;
  try {
    dir = mkdtempSync(join(tmpdir(), 'knsim-calls-'));
    writeFileSync(join(dir, 'calls'), new Uint8Array(USER_CALL_LOG_BYTES));
  } catch (e) {
    return report(new UsageError(`cannot create the call log of the process that runs the autoscaler modules: ${(e as Error).message}`));
  }
  return runChild(argv, dir, report);
}

function runChild(argv: string[], dir: string, report: (e: unknown) => number): Promise<number> {
  const logFile = join(dir, 'calls');
  const node = [...process.execArgv, fileURLToPath(new URL('../../bin/knsim.js', import.meta.url)), ...argv];
  const posix = process.platform !== 'win32';
  // A process V8 aborts dumps core where the system allows it: a limit of 0 first, then node itself.
  const [cmd, args] = posix ? ['/bin/sh', ['-c', 'ulimit -c 0 2>/dev/null; exec "$0" "$@"', process.execPath, ...node]] : [process.execPath, node];
  const env: NodeJS.ProcessEnv = { ...process.env, [LOG_ENV]: logFile };
  if (process.stderr.isTTY === true) env[TTY_ENV] = String(process.stderr.columns ?? process.stdout.columns ?? 0);
  // In a process group of its own the child must not read a terminal (it would be stopped): a pipe or file is passed on.
  const stdio: StdioOptions = [posix && process.stdin.isTTY === true ? 'ignore' : 'inherit', 'inherit', 'pipe', 'ipc'];
  const child = spawn(cmd, args, { stdio, env, detached: posix });
  const staging = new Set<string>();
  // What the child's command would say if a signal ended it (interrupted.ts): said here if it must be killed.
  let interruption: Interruption = null;
  child.on('message', (m: unknown) => {
    const said = (m as { knsimInterrupted?: Interruption } | null)?.knsimInterrupted;
    if (said === null || (typeof said?.command === 'string' && typeof said.what === 'string')) interruption = said;
    const s = m as { knsimStaging?: unknown; live?: unknown } | null;
    if (typeof s?.knsimStaging !== 'string') return;
    if (s.live === true) staging.add(s.knsimStaging);
    else staging.delete(s.knsimStaging);
  });
  // V8's report of a fatal error (its last GCs, native stack trace) is held back; the rest passes as it comes.
  let fatal: string | undefined;
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    if (fatal !== undefined) {
      fatal += d;
      return;
    }
    const at = Math.min(...FATAL_MARKERS.map((m) => d.indexOf(m)).filter((i) => i >= 0));
    if (at === Number.POSITIVE_INFINITY) {
      process.stderr.write(d);
      return;
    }
    if (at > 0) process.stderr.write(d.slice(0, at));
    fatal = d.slice(at);
  });
  // The first SIGINT or SIGTERM is the child's to handle; one busy in a call cannot run its handler
  // until the call's budget stops it, so after a grace, or at the next signal, it is killed.
  let stopping: NodeJS.Signals | undefined;
  let grace: NodeJS.Timeout | undefined;
  const forward = (signal: NodeJS.Signals): void => {
    if (stopping !== undefined) {
      child.kill('SIGKILL');
      return;
    }
    stopping = signal;
    child.kill(signal);
    grace = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    let settled = false;
    child.on('error', (e) => {
      settled = true;
      // It could not start: nothing was staged, and no exit follows.
      process.removeListener('SIGINT', forward);
      process.removeListener('SIGTERM', forward);
      rmSync(dir, { recursive: true, force: true });
      resolve(report(e));
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      process.removeListener('SIGINT', forward);
      process.removeListener('SIGTERM', forward);
      clearTimeout(grace);
      try {
        if (stopping !== undefined && signal === 'SIGKILL' && fatal === undefined) {
          // Killed here after a signal: its staging goes as its own handler would have removed it.
          for (const p of child.pid === undefined ? [] : removeStagingOf(child.pid, staging)) process.stderr.write(`knsim: ${stopping}: removed ${p}\n`);
          // And its line (a sweep's runs kept, as its resume file holds them when it was killed).
          if (interruption !== null) process.stderr.write(interruptedLine(interruption.command, stopping, interruption.what));
          resolve(stopping === 'SIGINT' ? 130 : 143);
          return;
        }
        // V8 aborts: SIGABRT (exit code 134 where signals are not reported). Any other end is the command's own.
        if (signal === null && code !== 134) {
          // What looked like V8's report was the command's (or a module's console) output after all.
          if (fatal !== undefined) process.stderr.write(fatal);
          resolve(code ?? 1);
          return;
        }
        // What the child was writing never looked complete (a .partial directory); it goes without a word.
        if (child.pid !== undefined) removeStagingOf(child.pid, staging);
        if (fatal === undefined && (signal === 'SIGINT' || signal === 'SIGTERM')) {
          // A signal its command does not handle: its default action, here too.
          process.kill(process.pid, signal);
          resolve(128 + (signal === 'SIGINT' ? 2 : 15));
          return;
        }
        const call = callsInProgress(readLog(logFile))[0];
        const outOfMemory = fatal !== undefined && OUT_OF_MEMORY.test(fatal);
        if (call === undefined) {
          const what = outOfMemory ? 'the JavaScript heap ran out of memory' : `the command's process ended by ${signal ?? `a fatal error (exit code ${code})`}`;
          resolve(report(new Error(`${what} outside any call into an autoscaler module`)));
          return;
        }
        resolve(report(outOfMemory ? outOfMemoryError(call, 'its process was stopped') : crashError(call, signal)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** The mirror file's bytes, as a log callsInProgress reads. */
function readLog(file: string): ArrayBuffer {
  const bytes = readFileSync(file);
  const log = new ArrayBuffer(USER_CALL_LOG_BYTES);
  new Uint8Array(log).set(bytes.subarray(0, USER_CALL_LOG_BYTES));
  return log;
}
