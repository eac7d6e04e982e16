import { configDefaults, defineConfig } from 'vitest/config';
import { SkipSummaryReporter } from './tests/support/setup/skip-summary.js';
import { assessNeeds } from './tests/support/setup/needs.mjs';

// What parts of the suite need from the machine (tests/support/setup/needs.mjs): a need that
// is missing and that `npm test`'s set-up may not install here skips its tests, which the
// summary at the end counts; one the set-up may install is never skipped.
const needs = assessNeeds();

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx', 'src/**/*.test.ts', 'screens/**/*.test.tsx'],
    // The lab runs whole deployments: `npm run test:lab` (vitest.lab.config.ts).
    exclude: [...configDefaults.exclude, 'tests/lab/**'],
    globalSetup: ['tests/support/setup/temporary-root.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    tags: needs.map((need) => ({ name: need.tag, description: need.title, skip: need.skip })),
    reporters: ['default', new SkipSummaryReporter(needs.filter((need) => need.skip))],
  },
});
