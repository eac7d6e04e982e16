import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx', 'src/**/*.test.ts', 'screens/**/*.test.tsx'],
    // The lab runs whole deployments: `npm run test:lab` (vitest.lab.config.ts).
    exclude: [...configDefaults.exclude, 'tests/lab/**'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
