import { defineConfig } from 'vitest/config';

/** The lab: whole deployments on real LXD containers, one file at a time (they share the host). */
export default defineConfig({
  test: {
    include: ['tests/lab/**/*.lab.test.ts'],
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 1_800_000,
  },
});
