/**
 * A bad command line: printed as one line, exit code 2. It lives below the CLI so that
 * sweep and tune, which parse their own flag syntax (--grid, --shard, --slo), can raise it
 * without importing the app that prints it.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
