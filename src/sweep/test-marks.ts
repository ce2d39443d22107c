/**
 * Test-only: with KNSIM_TEST_FAULT=mark-runs the main thread writes a line on stderr for each run
 * it hands on, so tests can signal a command that otherwise shows no progress (tune, compare, a
 * sweep without a terminal) once runs have finished, and check the count it then gives.
 */
export const RUN_MARK = 'knsim-test: run finished\n';

/** Called by the main thread for each run it hands on. */
export function markRun(): void {
  if (process.env['KNSIM_TEST_FAULT'] === 'mark-runs') process.stderr.write(RUN_MARK);
}
