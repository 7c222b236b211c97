import { defineConfig } from 'vitest/config';

const conditions = ['@leadscore/source', 'node', 'import', 'module', 'default'];

/**
 * The default suite (`npm test`): committed fixtures only, no Python. Tests that need a live Python are
 * `*.interop.test.ts` (vitest.interop.config.ts); the tarball install test is `*.pack.test.ts`
 * (vitest.pack.config.ts).
 */
export const shared = {
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
};

export default defineConfig({
  ...shared,
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // Browser suites need Chromium (`npm run test:browser`); interop suites need Python.
    exclude: ['**/node_modules/**', '**/*.interop.test.ts', '**/*.pack.test.ts', '**/*.browser.test.ts'],
    // Python is taken away from the default suite even where it is installed, so a test that needs it
    // fails here (on every machine) instead of passing only where Python happens to be.
    env: { LEADSCORE_PYTHON: '/nonexistent/default-suite-runs-without-python' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
