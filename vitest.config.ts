import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**'],
    // Generous, because the suite must pass on a busy 2-core machine: tests that start real
    // processes or servers can wait seconds for a core. Tests do not rely on these to end a
    // hang quickly: clocks are injected where the code allows.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
