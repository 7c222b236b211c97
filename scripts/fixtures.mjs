#!/usr/bin/env node
// Recomputes the reference fixtures that come from Python (sklearn, XGBoost, pandas) when those libraries
// are importable, so a CI run compares against values computed in that run. Without them the committed
// fixtures are used as they are. Generators are `packages/*/test/fixtures/make_*.py`; each writes its
// own outputs next to itself and must be deterministic.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// Debian's interpreter: python3 on PATH may be another (pyenv) without the Debian packages.
const PY = process.env.LEADSCORE_PYTHON ?? '/usr/bin/python3';
const root = new URL('..', import.meta.url).pathname;
const probe = spawnSync(PY, ['-c', 'import sklearn, xgboost, pandas'], { stdio: 'ignore' });
if (probe.status !== 0) {
  console.log('fixtures: python3 with sklearn, xgboost and pandas not found; using committed fixtures');
  process.exit(0);
}
const started = Date.now();
let count = 0;
for (const pkg of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', pkg, 'test', 'fixtures');
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir).sort()) {
    if (!/^make_.*\.py$/.test(f)) continue;
    const t = Date.now();
    execFileSync(PY, [join(dir, f)], { cwd: dir, stdio: 'inherit' });
    console.log(`fixtures: ${pkg}/${f} regenerated in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    count++;
  }
}
console.log(`fixtures: ${count} generators ran in ${((Date.now() - started) / 1000).toFixed(1)} s`);
