/**
 * The name the pool's worker threads give themselves (Linux: the thread's comm, at most 15 bytes),
 * so that `top -H`, `ps -L` and the bench (bench-sweep-threads.ts) tell the threads that simulate
 * from V8's and libuv's, all of which are called `node`. The main thread keeps the process's name,
 * which is what `ps` and `pkill` see.
 */
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

export const WORKER_THREAD_NAME = 'knsim-worker';

/** Names this thread, if it is a worker thread and the system lets it; else does nothing. */
export function nameWorkerThread(): void {
  if (isMainThread) return;
  try {
    writeFileSync('/proc/thread-self/comm', WORKER_THREAD_NAME);
  } catch {
    // No /proc (macOS, Windows): the thread keeps its name.
  }
}
