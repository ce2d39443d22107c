import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One temporary root per run, removed at its end (test/support/tmp-root.ts).
    globalSetup: ['test/support/tmp-root.ts'],
    exclude: ['**/node_modules/**', 'dist/**'],
    // One generous limit for every test and hook, and no tighter ones in the test files: the
    // suite must pass on a busy 2-core machine, where tests that start processes or run many
    // simulations slow down many times over (load average 15-20: the CLI sweep test took 164 s,
    // a 60 s limit failed it). A limit only turns a hang into a failure; no test measures speed
    // with it, and tests of timing run on injected clocks (test/adapter/support/fake-clock.ts).
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
