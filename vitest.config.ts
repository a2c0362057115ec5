import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (everything outside test/e2e, fast, in-process) and `e2e` (the fake
 * Discord, real discord.js clients and bot processes). `npm test` runs both; `npm run test:unit`
 * and `npm run test:e2e` run one each (`vitest run --project <name>`).
 */
export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Files share one module cache per worker: the corpus, WordNet and discord.js load once per
    // worker instead of once per file (unit run 71 s -> 22 s, e2e 165 s -> 112 s, at a load
    // average of 10). A file that mocks a module imports what it tests afresh (corpus-load.test.ts).
    isolate: false,
    // vitest's default is one worker fewer than the cores: one worker on a 2-core machine. The
    // e2e files mostly wait on processes and sockets, so two workers overlap that waiting
    // (npm test 76 s -> 56 s on the quiet 2-core machine).
    maxWorkers: 2,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'commands/**/*.ts'],
      reporter: ['text', 'json-summary'],
      // A red test should not hide the figures.
      reportOnFailure: true,
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // Real processes (tsx, the corpus, worker threads) start in ~3 s on a quiet machine and
          // in 20 s or more when it is shared: a time-out here means a hang, not a slow start.
          // Their own waits give up after 45 s, so their message comes first.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
