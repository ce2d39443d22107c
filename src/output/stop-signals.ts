/**
 * What this process does on SIGINT and SIGTERM while a command has something to undo or to say
 * (a staging directory to remove, a sweep's finished runs to name): its hooks, the latest first
 * (the innermost step undoes first, as a stack unwinds), then exit 130 or 143, the status a shell
 * gives a process that signal ended. With no hook the signal keeps its default action.
 * Only the main thread gets signals; nothing here is installed in a worker thread.
 */
import { isMainThread } from 'node:worker_threads';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** 128 + the signal's number. */
export const STOP_EXIT_CODE: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

type Hook = (signal: StopSignal) => void;

const hooks: Hook[] = [];
const onSigint = (): void => stopProcess('SIGINT');
const onSigterm = (): void => stopProcess('SIGTERM');

/** Runs `hook` on SIGINT or SIGTERM until the returned function is called. */
export function onStop(hook: Hook): () => void {
  if (hooks.length === 0 && isMainThread) {
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
  }
  hooks.push(hook);
  return () => {
    const i = hooks.indexOf(hook);
    if (i < 0) return;
    hooks.splice(i, 1);
    if (hooks.length > 0) return;
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigterm);
  };
}

/** Ends the process as `signal` does: the hooks, then exit 130 or 143. */
function stopProcess(signal: StopSignal): never {
  for (const hook of hooks.splice(0).reverse()) {
    try {
      hook(signal);
    } catch (e) {
      // One hook's failure must not keep the others from running, nor the process from ending.
      process.stderr.write(`knsim: ${signal}: ${(e as Error).message}\n`);
    }
  }
  process.exit(STOP_EXIT_CODE[signal]);
}
