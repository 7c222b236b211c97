import { defineConfig } from 'vitest/config';
import { shared } from './vitest.config.js';

/**
 * `npm run test:interop`: the tests that run real XGBoost / sklearn (Debian's python3-xgboost and
 * python3-sklearn, or LEADSCORE_PYTHON). A missing Python fails them; nothing here skips.
 */
export default defineConfig({
  ...shared,
  test: {
    include: [
      'packages/*/test/**/*.interop.test.ts',
      'examples/*/test/**/*.interop.test.ts',
      'test/**/*.interop.test.ts',
    ],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
