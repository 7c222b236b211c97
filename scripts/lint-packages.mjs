#!/usr/bin/env node
// Package lint (part of `npm run lint`): packs every public package with pnpm as a release would, then
// runs publint (strict) and arethetypeswrong (ESM-only profile: node10 and require() are not supported
// targets) on each tarball. Needs a build first; `lint` runs `tsc --build` before this.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { publicPackages } from './public-packages.mjs';

const root = new URL('..', import.meta.url).pathname;
const attw = join(root, 'node_modules/.bin/attw');
const scratch = mkdtempSync(join(tmpdir(), 'leadscore-lint-packages-'));
let failed = 0;
try {
  for (const pkg of publicPackages(root)) {
    const dest = join(scratch, pkg.name.replace('/', '+'));
    // Scripts off: `lint` has just built, and prepack would start a second tsc.
    const pack = spawnSync(
      'npx',
      ['-y', 'pnpm@12.4.2', 'pack', '--pack-destination', dest, '--config.ignore-scripts=true'],
      { cwd: pkg.dir, encoding: 'utf8' },
    );
    if (pack.status !== 0) {
      console.error(`${pkg.name}: pnpm pack failed\n${pack.stdout}\n${pack.stderr}`);
      failed++;
      continue;
    }
    const tarball = join(dest, readdirSync(dest)[0]);
    const bytes = readFileSync(tarball);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const { messages, pkg: manifest } = await publint({ pack: { tarball: buffer }, strict: true });
    for (const message of messages)
      console.error(`${pkg.name}: publint ${message.type}: ${formatMessage(message, manifest)}`);
    const types = spawnSync(attw, [tarball, '--profile', 'esm-only', '--format', 'ascii'], {
      encoding: 'utf8',
    });
    if (types.status !== 0)
      console.error(`${pkg.name}: arethetypeswrong found problems\n${types.stdout}${types.stderr}`);
    const ok = messages.length === 0 && types.status === 0;
    if (!ok) failed++;
    console.log(`lint-packages: ${pkg.name} ${ok ? 'ok' : 'FAILED'} (publint, arethetypeswrong)`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (failed > 0) {
  console.error(`lint-packages: ${failed} package(s) failed`);
  process.exit(1);
}
