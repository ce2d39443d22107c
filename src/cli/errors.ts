export { UsageError } from '../scenario/usage-error.js';

export const EXIT_BAD_INPUT = 2;
export const EXIT_INTERNAL = 1;
