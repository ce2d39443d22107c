/** A bad command line: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT_BAD_INPUT = 2;
export const EXIT_INTERNAL = 1;
