import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Process-level tests start real children; two workers keep a 2-core machine responsive.
    pool: 'forks',
    maxWorkers: 2,
  },
});
