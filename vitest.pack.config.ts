import { defineConfig } from 'vitest/config';

/**
 * `npm run test:pack`: packs every public package, installs the tarballs with npm in a scratch project
 * and imports and type-checks them there. Slow (a build, the packs and an npm install), so not in the
 * default suite. No source condition: the point is what a consumer gets.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.pack.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
