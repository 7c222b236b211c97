import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const file = fileURLToPath(new URL('./node-test-runner.node.ts', import.meta.url));

function runNodeTest(expectFailure: boolean) {
  return spawnSync(process.execPath, ['--conditions=@leadscore/source', '--import', 'tsx', '--test', file], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, LEADSCORE_EXPECT_FAILURE: expectFailure ? '1' : '0' },
    timeout: 60_000,
  });
}

describe('the testing helpers under node:test', () => {
  it('pass a correct test', () => {
    const run = runNodeTest(false);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/# pass 1/);
  });

  it('fail a wrong expectation with a readable message', () => {
    const run = runNodeTest(true);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/# fail 1/);
    expect(run.stdout).toContain('expected 4000000, got 3000000');
  });
});
