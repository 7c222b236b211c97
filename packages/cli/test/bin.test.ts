import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { tempDir } from './helpers/memory-io.js';

const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
// tsx is a root dev dependency; --import resolves from the child's cwd (a temp dir), so pass its URL.
const tsx = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

function run(...args: string[]) {
  return spawnSync(process.execPath, ['--conditions=@leadscore/source', '--import', tsx, bin, ...args], {
    cwd: tempDir(),
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
  });
}

it('the bin sets the process exit code from runCli and writes errors to stderr', () => {
  const bad = run('world', 'generate', '--bogus');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain("leadscore: Unknown option '--bogus'");
  expect(bad.stdout).toBe('');
  const help = run('--help');
  expect(help.status).toBe(0);
  expect(help.stdout).toContain('usage: leadscore <command>');
});
