import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';

/** test/fixtures, relative to the working directory (so messages look like a user's). */
export const FIX = relative(process.cwd(), fileURLToPath(new URL('../fixtures', import.meta.url))) || '.';
/** scenarios/, relative to the working directory. */
export const SCENARIOS = relative(process.cwd(), fileURLToPath(new URL('../../scenarios', import.meta.url))) || '.';

export const fixture = (...p: string[]): string => join(FIX, ...p);

/** Runs `fn`, expects a ScenarioError, and returns it. */
export function catchScenarioError(fn: () => unknown): ScenarioError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a ScenarioError').toBeInstanceOf(ScenarioError);
  return caught as ScenarioError;
}
