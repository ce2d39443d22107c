/**
 * The line a batch command (sweep, tune, compare) leaves when SIGINT or SIGTERM ends it: what
 * became of the runs it finished, and what running it again does. Without it the user could not
 * tell that a sweep's runs were kept, nor that a tune's were not.
 */
import { visibleControls } from '../output/output-error.js';
import { onStop } from '../output/stop-signals.js';
import type { Runner } from '../sweep/pool.js';

/** The line, for `signal`. */
export const interruptedLine = (command: string, signal: string, what: string): string => `knsim: ${command}: interrupted (${signal}): ${what}\n`;

/** What a command would say now if a signal ended it; null once it would say nothing. */
export type Interruption = { command: string; what: string } | null;

/**
 * In the child process of an isolated command (isolated.ts): where the line goes as it changes. A
 * child busy in a module call cannot run its handler, and its parent kills it after a grace; the
 * parent then says what the child would have said.
 */
let toParent: ((line: Interruption) => void) | undefined;

export function sendInterruptionsTo(send: (line: Interruption) => void): void {
  toParent = send;
}

/** The function that ends the saying, and `changed()`, to call when what it would say changes (a run was kept). */
export type Said = (() => void) & { changed(): void };

/** Says `what()` (read when the signal comes) on stderr if a signal ends the command before the returned function is called. */
export function sayWhenInterrupted(command: string, what: () => string): Said {
  const unhook = onStop((signal) => process.stderr.write(interruptedLine(command, signal, what())));
  const tell = (): void => toParent?.({ command, what: what() });
  tell();
  let said = true;
  return Object.assign(
    () => {
      unhook();
      if (said) toParent?.(null);
      said = false;
    },
    { changed: () => (said ? tell() : undefined) },
  );
}

const runs = (n: number): string => `${n} run${n === 1 ? '' : 's'}`;

/** A sweep's: its runs are in its resume file, and the same command runs only the others. */
export function sweepInterrupted(kept: number, total: number, resumeFile: string): string {
  const file = visibleControls(resumeFile);
  if (kept === 0) return `none of its ${runs(total)} had finished; nothing kept`;
  if (kept === total) return `all ${runs(total)} kept in ${file}; the same command run again writes the output without running them`;
  return `${kept} of ${runs(total)} kept in ${file}; the same command run again runs only the other ${total - kept}`;
}

/** A command that keeps no finished run (tune, compare): run again, it starts over. `total` when known in advance. */
export function nothingKept(command: string, finished: number, total?: number): string {
  const done = total === undefined ? `${runs(finished)} had finished` : `${finished} of ${runs(total)} had finished`;
  return `${done}; ${command} keeps none, so the same command run again starts over`;
}

/** `runner`, counting the runs it hands on as finished over all its batches (for {@link nothingKept}); `onFinished` after each. */
export function countFinished(runner: Runner, onFinished?: () => void): Runner & { readonly finished: number } {
  let finished = 0;
  return {
    workers: runner.workers,
    get finished() {
      return finished;
    },
    runAll: (tasks, onDone, order) =>
      runner.runAll(
        tasks,
        (i, m) => {
          finished++;
          onDone?.(i, m);
          onFinished?.();
        },
        order,
      ),
    close: () => runner.close(),
  };
}
