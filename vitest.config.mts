import { configDefaults, defineConfig } from 'vitest/config';

// Two tiers, one `vitest run` (what `npm test` and CI run): `unit` first, then `e2e` (a real VS Code:
// code-server + headless Chromium, see test/e2e/). Different group orders make the tiers run one after
// the other, so the e2e tier never competes with the process-level unit tests for the CPU.
export default defineConfig({
  test: {
    environment: 'node',
    // Process-level tests start real children; two workers keep a 2-core machine responsive.
    pool: 'forks',
    maxWorkers: 2,
    // expect.poll waits for a real condition (a frame drawn, a message posted); its default 1 s is shorter than a
    // frame can take on a loaded 2-core CI machine with Chromium and process tests side by side.
    expect: { poll: { timeout: 5_000 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/e2e/**'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          // Installs code-server into .vscode-test/ (idempotent) and checks Chromium; fails the tier if it cannot.
          globalSetup: ['test/e2e/globalSetup.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
          // One VS Code at a time: each file starts its own code-server and Chromium.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
