/**
 * The command line. A plain `knsim run` is read without yargs (run-argv.ts), which
 * with its help and locale machinery is the largest module load of a run; everything
 * else (other commands, help, version, anything yargs might read differently) goes to
 * program.ts. Either way, each command's code loads only when it runs.
 */
import { cappedLine, formatError } from '../scenario/errors.js';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, UsageError } from './errors.js';
import { OutputError, toOutputError } from '../output/output-error.js';
import type { RunArgs } from './run.js';
import { plainRunArgs } from './run-argv.js';
import { isMainThread } from 'node:worker_threads';
import { prepareIsolation, RerunIsolated, runIsolated } from './isolated.js';

export { usageMessage } from './usage-message.js';

/** Prints an error as one line and picks the exit code: 2 for bad input (or an unwritable output), 1 for a bug. */
export function reportError(e: unknown): number {
  // A flag's value is echoed capped, as a scenario's is; OutputError names the user's own paths, kept whole.
  const bad = formatError(e) ?? (e instanceof UsageError ? cappedLine(e.message) : e instanceof OutputError ? e.message : undefined);
  if (bad !== undefined) {
    process.stderr.write(`knsim: ${bad}\n`);
    return EXIT_BAD_INPUT;
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`knsim: internal error (please report): ${msg}\n`);
  if (process.env['KNSIM_DEBUG']) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
  return EXIT_INTERNAL;
}

const run = async (args: RunArgs): Promise<void> => (await import('./run.js')).runCommand(args);

/**
 * A reader that goes away (`knsim run … | head -3`) loses the rest of stdout, nothing else: the
 * command still finishes (the report after the summary lines) instead of dying on the EPIPE
 * with a stack trace.
 */
function ignoreClosedStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
    process.exitCode = reportError(toOutputError(e, 'stdout'));
  });
}

/**
 * Stdout redirected to a file writes synchronously, so a full disk (`knsim plan s.yaml > /dev/full`)
 * throws from the command's own write: that is the user's disk, said as such (exit 2), not a bug.
 */
function stdoutFailuresAreOutputErrors(): void {
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((...args: unknown[]): boolean => {
    try {
      return write(...args);
    } catch (e) {
      throw toOutputError(e, 'stdout');
    }
  }) as typeof process.stdout.write;
}

export async function main(argv: string[]): Promise<void> {
  ignoreClosedStdout();
  stdoutFailuresAreOutputErrors();
  prepareIsolation(isMainThread);
  try {
    const plain = plainRunArgs(argv);
    if (plain !== undefined) await run(plain);
    else await (await import('./program.js')).parseCommandLine(argv, run);
  } catch (e) {
    // A user module is about to load: the command starts over in a child process (isolated.ts).
    process.exitCode = e instanceof RerunIsolated ? await runIsolated(argv, reportError) : reportError(e);
  }
}
