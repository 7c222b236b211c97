import { defineConfig } from 'vitest/config';

const conditions = ['@leadscore/source', 'node', 'import', 'module', 'default'];

/** The browser suite: the HTML report opened in headless Chromium (needs `chromium` on PATH or LEADSCORE_CHROMIUM). */
export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    root: new URL('../../..', import.meta.url).pathname,
    include: ['packages/*/test/**/*.browser.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
