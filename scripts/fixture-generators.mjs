// Where the Python fixture generators live, shared by `npm run fixtures` and the interop freshness test.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Modules the generators import; a missing one fails the run instead of keeping stale fixtures. */
export const FIXTURE_MODULES = ['numpy', 'sklearn', 'xgboost'];

/** Every `packages/<pkg>/test/fixtures/make_*.py` under `root`, in a stable order. */
export function fixtureGenerators(root) {
  const found = [];
  for (const pkg of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', pkg, 'test', 'fixtures');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).sort()) {
      if (/^make_.*\.py$/.test(file)) found.push({ pkg, dir, file });
    }
  }
  return found;
}
