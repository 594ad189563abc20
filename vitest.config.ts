import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}', 'src/**/*.test.{ts,tsx}', 'state/**/*.test.ts', 'components/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Docker and terminal tests share one engine and tmux server; files run in parallel, tests in a file in order.
    pool: 'forks',
    setupFiles: ['test/fast-check-seed.ts'],
    reporters: ['default'],
  },
});
