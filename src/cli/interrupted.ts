/**
 * The line a batch command (sweep, tune, compare) leaves when SIGINT or SIGTERM ends it: what
 * became of the runs it finished, and what running it again does. Without it the user could not
 * tell that a sweep's runs were kept, nor that a tune's were not.
 */
import { visibleControls } from '../output/output-error.js';
import { onStop } from '../output/stop-signals.js';

/** Says `what()` (read when the signal comes) on stderr if a signal ends the command before the returned function is called. */
export function sayWhenInterrupted(command: string, what: () => string): () => void {
  return onStop((signal) => process.stderr.write(`knsim: ${command}: interrupted (${signal}): ${what()}\n`));
}

const runs = (n: number): string => `${n} run${n === 1 ? '' : 's'}`;

/** A sweep's: its runs are in its resume file, and the same command runs only the others. */
export function sweepInterrupted(kept: number, total: number, resumeFile: string): string {
  const file = visibleControls(resumeFile);
  if (kept === 0) return `none of its ${runs(total)} had finished; nothing kept`;
  if (kept === total) return `all ${runs(total)} kept in ${file}; the same command run again writes the output without running them`;
  return `${kept} of ${runs(total)} kept in ${file}; the same command run again runs only the other ${total - kept}`;
}
