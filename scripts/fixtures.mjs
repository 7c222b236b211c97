#!/usr/bin/env node
// Regenerates the committed reference fixtures from real sklearn and XGBoost (`npm run fixtures`). The
// default test suite only reads the committed files; `npm run test:interop` checks that they are still
// byte for byte what these generators write. Each generator writes its outputs into its working
// directory and must be deterministic.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURE_MODULES, fixtureGenerators } from './fixture-generators.mjs';
import { requirePython } from './python.mjs';

const python = requirePython(FIXTURE_MODULES);
const root = new URL('..', import.meta.url).pathname;
const started = Date.now();
const generators = fixtureGenerators(root);
for (const { pkg, dir, file } of generators) {
  const t = Date.now();
  execFileSync(python, [join(dir, file)], { cwd: dir, stdio: 'inherit' });
  console.log(`fixtures: ${pkg}/${file} regenerated in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
console.log(
  `fixtures: ${generators.length} generators ran in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
