import { defineConfig } from 'vitest/config';

// Tests against the real, built server (npm run build first): the hostile corpus and the load
// test. One file at a time: they measure the server, and parallel files would measure each other.
export default defineConfig({
  test: {
    include: ['test/service/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    fileParallelism: false,
  },
});
