import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { accountsCsv, trainAccountsArgs } from './helpers/accounts-csv.js';
import { cli, tempDir } from './helpers/memory-io.js';

describe('train --csv (generic tabular mode)', () => {
  const dir = tempDir();
  let positives = 0;
  const n = 3000;

  beforeAll(() => {
    const accounts = accountsCsv(n);
    positives = accounts.positives;
    writeFileSync(join(dir, 'accounts.csv'), accounts.text);
    writeFileSync(join(dir, 'bad-label.csv'), 'spend,converted\n0.5,1\n0.2,yes\n');
  });

  it('trains on one feature per column with temporal, grouped folds and writes the artifacts', async () => {
    const r = await cli(dir, ...trainAccountsArgs('accounts.csv'), '--json');
    expect(r.stderr).toBe('');
    const out = r.json() as {
      rows: number;
      features: number;
      folds: number;
      cv: { test: { averagePrecision: number } };
      gates: { success: boolean };
      artifacts: Record<string, string>;
    };
    expect(out).toMatchObject({ command: 'train', rows: n, features: 2, folds: 3 });
    // The planted signal (spend, plan) must be found: CV AUC-PR well above the base rate.
    expect(out.cv.test.averagePrecision).toBeGreaterThan((1.5 * positives) / n);
    expect(r.code).toBe(out.gates.success ? 0 : 1);
    for (const p of Object.values(out.artifacts)) expect(existsSync(p)).toBe(true);
  });

  it("orders a categorical column's levels by positive rate unless train.levelOrder is 'fitted'", async () => {
    // plan "pro" converts more: by rate it comes last; alphabetically it sits between basic and team
    const levelsOf = (out: { artifacts: Record<string, string> }) => {
      const file = JSON.parse(readFileSync(out.artifacts.model!, 'utf8')) as {
        columns: { name: string; levels: string[] | null }[];
        training: { levelOrder: string };
      };
      const plan = file.columns.find((c) => c.name === 'plan')!.levels!;
      return { order: file.training.levelOrder, known: plan.filter((l) => !l.startsWith('__')), plan };
    };
    const byRate = await cli(dir, ...trainAccountsArgs('accounts.csv'), '--json');
    const target = levelsOf(byRate.json() as { artifacts: Record<string, string> });
    expect(target.order).toBe('target');
    expect(target.known.at(-1)).toBe('pro');
    writeFileSync(join(dir, 'fitted.json'), JSON.stringify({ train: { levelOrder: 'fitted' } }));
    const asFitted = await cli(
      dir,
      ...trainAccountsArgs('accounts.csv'),
      '--config',
      'fitted.json',
      '--json',
    );
    const fitted = levelsOf(asFitted.json() as { artifacts: Record<string, string> });
    expect(fitted.order).toBe('fitted');
    expect(fitted.known).toEqual(['basic', 'pro', 'team']);
    writeFileSync(join(dir, 'bad-order.json'), JSON.stringify({ train: { levelOrder: 'rate' } }));
    const bad = await cli(dir, ...trainAccountsArgs('accounts.csv'), '--config', 'bad-order.json');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('train.levelOrder');
  });

  it('exits 2 naming a label column that is not in the file', async () => {
    const r = await cli(dir, 'train', '--csv', 'accounts.csv', '--label', 'won');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--label must name a column of the CSV, found "won"');
  });

  it('exits 2 naming a label column that is not 0/1', async () => {
    const r = await cli(dir, 'train', '--csv', 'bad-label.csv', '--label', 'converted');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('converted must hold 0/1 labels, found "yes" on data row 2');
  });
});
