import { defineConfig } from 'vitest/config';

const conditions = ['@leadscore/source', 'node', 'import', 'module', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    // Browser suites need Chromium; `npm run test:browser` runs them.
    exclude: ['**/node_modules/**', '**/*.browser.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
