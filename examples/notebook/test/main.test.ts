import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defaultGates } from '@leadscore/gates';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const script = fileURLToPath(new URL('../src/main.ts', import.meta.url));

let run: SpawnSyncReturns<string>;
let out = '';
const line = (prefix: string) => out.split('\n').find((l) => l.startsWith(prefix)) ?? '';

// The script as a user runs it (a child process, its stdout), on a tiny world.
beforeAll(() => {
  run = spawnSync(
    process.execPath,
    [
      '--conditions=@leadscore/source',
      '--import',
      'tsx',
      script,
      '--reps',
      '300',
      '--leads',
      '600',
      '--folds',
      '2',
    ],
    { cwd: root, encoding: 'utf8', timeout: 170_000 },
  );
  out = run.stdout;
}, 180_000);

describe('the notebook script', { timeout: 180_000 }, () => {
  it('runs to the end', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(out).toContain('[10] scored');
  });

  it('builds the point-in-time table with no leakage-exposed column', () => {
    expect(line('[1] world:')).toMatch(/ 600 leads, data end \d{4}-\d{2}-\d{2}$/);
    expect(line('[3] ')).toMatch(
      /: \d+ of 600 leads, label rate \d+\.\d\d %, leakage audit passed, 0 leakage-exposed columns$/,
    );
  });

  it('explores the table with danfojs: describe, label rate by firm_type, value counts', () => {
    const [, rows, cols, complete] = line('[4] DataFrame').match(
      /(\d+) x (\d+); describe\(\) of the (\d+) complete/,
    )!;
    expect(Number(rows)).toBeGreaterThan(500);
    expect(Number(cols)).toBeGreaterThan(60);
    expect(Number(complete)).toBeLessThanOrEqual(Number(rows));
    for (const stat of ['count', 'mean', 'std', 'min', 'median', 'max'])
      expect(out).toMatch(new RegExp(`║ ${stat} +│`));
    expect(out).toContain('label_mean');
    for (const source of ['referral', 'linkedin', 'cold_call'])
      expect(out).toMatch(new RegExp(`║ ${source} +│ \\d+ +║`));
  });

  it('comes back from danfojs with the column types and nulls intact', () => {
    expect(line('[5] ')).toMatch(
      /^\[5\] back to Arrow: \d+ x (\d+), original column types kept: true, aum_musd Float64, (\d+) nulls \(aum has \2\)$/,
    );
    expect(line('[6] features:')).toMatch(/ x 43$/); // the 42 catalog features + aum_musd
  });

  it('makes the temporal folds, trains, checks every default gate and scores with reasons', () => {
    expect(line('[7] ')).toBe('[7] 2 temporal folds:');
    expect(
      out.match(
        /^ {4}fold \d: train \d+ \(\d+ positives\), test \d+ \(\d+\) from \d{4}-\d\d-\d\d, purged \d+$/gm,
      ),
    ).toHaveLength(2);
    expect(line('[8] ')).toMatch(
      /^\[8\] kept (xgb|lgbm|blend): CV AUC-PR \d+\.\d\d %, OOF AUC-PR \d+\.\d\d %/,
    );
    const gateIds = [...out.matchAll(/^ {4}(pass|fail|warn|skip) +([a-z_0-9]+) /gm)].map((m) => m[2]);
    expect(gateIds).toEqual(defaultGates().map((g) => g.id));
    const scores = [...out.matchAll(/^ {4}L\d+ p=(0\.\d{4}) percentile (\d+\.\d)$/gm)];
    expect(scores).toHaveLength(3);
    const p = scores.map((s) => Number(s[1]));
    expect([...p].sort((a, b) => b - a)).toEqual(p);
    expect(out.match(/^ {6}.+: .+ \([+-]\d\.\d\d\)$/gm)!.length).toBe(9);
  });
});
