import { expect } from 'vitest';
import { UsageError } from '../../../src/cli/errors.js';
import { mergeSweeps } from '../../../src/sweep/files.js';

/** The one-line UsageError message `knsim sweep --merge` gives for these shard folders (fails if it merges). */
export function mergeError(dirs: string[]): string {
  try {
    mergeSweeps(dirs);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('the merge was accepted');
}
