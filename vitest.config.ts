import { defineConfig } from 'vitest/config';

// The project's own tests. Exercise tests are not run from here: they run inside the runner's
// workspaces, against a learner's (or the reference) files.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
