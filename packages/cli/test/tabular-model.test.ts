import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { averagePrecision } from '@leadscore/core';
import { openWarehouse } from '@leadscore/dataset';
import { beforeAll, describe, expect, it } from 'vitest';
import { accountsCsv, trainAccountsArgs } from './helpers/accounts-csv.js';
import { cli, tempDir } from './helpers/memory-io.js';

/** Reads a CSV the way `warehouse import` does, as plain rows. */
async function readCsv(path: string): Promise<Record<string, unknown>[]> {
  const wh = await openWarehouse({ kind: 'duckdb', path: ':memory:' });
  try {
    await wh.createTableFromFile('t', path);
    return (await wh.query('SELECT * FROM t')).toArray().map((r) => ({ ...r.toJSON() }));
  } finally {
    await wh.close();
  }
}

/** The CSV text with its columns rearranged: `pick(header) -> new header order`, cells by name. */
function rearrange(text: string, order: readonly string[], fill: Record<string, string> = {}): string {
  const [head, ...rows] = text.trimEnd().split('\n');
  const names = head!.split(',');
  const out = [order.join(',')];
  for (const row of rows) {
    const cells = row.split(',');
    out.push(order.map((c) => fill[c] ?? cells[names.indexOf(c)]!).join(','));
  }
  return `${out.join('\n')}\n`;
}

describe('a train --csv model through score, validate and docs', () => {
  const dir = tempDir();
  const model = join(dir, 'artifacts', 'model.json');
  const fresh = accountsCsv(600, 7).text;

  beforeAll(async () => {
    writeFileSync(join(dir, 'accounts.csv'), accountsCsv(3000).text);
    writeFileSync(join(dir, 'fresh.csv'), fresh);
    writeFileSync(join(dir, 'holdout.csv'), accountsCsv(2000, 9).text);
    const r = await cli(dir, ...trainAccountsArgs('accounts.csv'));
    expect(r.stderr).toBe('');
  }, 120_000);

  it('writes a v2 model file that records the tabular columns', () => {
    const file = JSON.parse(readFileSync(model, 'utf8')) as Record<string, unknown>;
    expect(file.version).toBe(2);
    expect(file.tabular).toEqual({ label: 'converted', time: 'signed_up', group: 'account' });
    expect((file.columns as { name: string }[]).map((c) => c.name)).toEqual(['spend', 'plan']);
  });

  it('score passes every input column through and adds the scores; column order and extra columns do not matter', async () => {
    const r = await cli(dir, 'score', '--model', model, '--input', 'fresh.csv', '--output', 'scored.csv');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = await readCsv(join(dir, 'scored.csv'));
    expect(rows).toHaveLength(600);
    expect(Object.keys(rows[0]!)).toEqual([
      'account',
      'signed_up',
      'spend',
      'plan',
      'converted',
      'probability',
      'percentile',
      'reason_1',
      'reason_2',
      'reason_3',
    ]);
    // The planted signal: plan "pro" and high spend convert more, so they must score higher.
    const mean = (pred: (x: Record<string, unknown>) => boolean) => {
      const ps = rows.filter(pred).map((x) => x.probability as number);
      return ps.reduce((s, p) => s + p, 0) / ps.length;
    };
    expect(mean((x) => x.plan === 'pro')).toBeGreaterThan(mean((x) => x.plan !== 'pro'));
    expect(mean((x) => (x.spend as number) > 0.8)).toBeGreaterThan(mean((x) => (x.spend as number) < 0.2));
    expect(String(rows[0]!.reason_1)).toMatch(/^(CSV column )?(spend|plan)/);

    writeFileSync(
      join(dir, 'shuffled.csv'),
      rearrange(fresh, ['note', 'plan', 'account', 'spend'], { note: 'hello' }),
    );
    const again = await cli(
      dir,
      'score',
      '--model',
      model,
      '--input',
      'shuffled.csv',
      '--output',
      'again.csv',
    );
    expect(again.code).toBe(0);
    const shuffled = await readCsv(join(dir, 'again.csv'));
    expect(Object.keys(shuffled[0]!).slice(0, 4)).toEqual(['note', 'plan', 'account', 'spend']);
    expect(shuffled.map((x) => x.probability)).toEqual(rows.map((x) => x.probability));
  });

  it('score exits 2 naming a missing column or a value of the wrong type, and writes nothing', async () => {
    writeFileSync(join(dir, 'no-spend.csv'), rearrange(fresh, ['account', 'plan']));
    const missing = await cli(dir, 'score', '--model', model, '--input', 'no-spend.csv', '--output', 'x.csv');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('spend: column is missing from the table');
    const bad = rearrange(fresh, ['plan', 'spend']).replace(/\npro,[0-9.]+\n/, '\npro,lots\n');
    writeFileSync(join(dir, 'bad-spend.csv'), bad);
    const wrong = await cli(dir, 'score', '--model', model, '--input', 'bad-spend.csv', '--output', 'x.csv');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('spend: column of --input');
    expect(wrong.stderr).toContain('lots');
    expect(existsSync(join(dir, 'x.csv'))).toBe(false);
    writeFileSync(
      join(dir, 'clash.csv'),
      rearrange(fresh, ['spend', 'plan', 'probability'], { probability: '1' }),
    );
    const clash = await cli(dir, 'score', '--model', model, '--input', 'clash.csv', '--output', 'x.csv');
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain(
      '--input must not have a column named like a score column, found "probability"',
    );
    expect(existsSync(join(dir, 'x.csv'))).toBe(false);
  });

  it('score reads an all-empty numeric column (sniffed as text) as missing values', async () => {
    writeFileSync(join(dir, 'empty-spend.csv'), rearrange(fresh, ['plan', 'spend'], { spend: '' }));
    const r = await cli(dir, 'score', '--model', model, '--input', 'empty-spend.csv', '--output', 'e.csv');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = await readCsv(join(dir, 'e.csv'));
    // With spend missing only the plan is left: one probability per plan.
    expect(new Set(rows.map((x) => x.probability)).size).toBe(3);
  });

  it('validate runs the domain-free gates, and the holdout gates on a labelled CSV', async () => {
    const plain = await cli(dir, 'validate', '--model', model, '--json');
    const ids = (plain.json().outcomes as { id: string }[]).map((o) => o.id);
    expect(ids).toEqual([
      'cv_average_precision',
      'train_test_gap',
      'cv_coefficient',
      'min_positives_per_fold',
      'top_decile_lift',
      'calibration',
      'score_psi',
    ]);
    expect(plain.code).toBe(plain.json().success ? 0 : 1);

    const r = await cli(dir, 'validate', '--model', model, '--csv', 'holdout.csv', '--json');
    expect(r.stderr).toBe('');
    const out = r.json() as {
      success: boolean;
      holdout: { rows: number; positives: number };
      outcomes: { id: string; status: string; value: unknown }[];
    };
    expect(r.code).toBe(out.success ? 0 : 1);
    expect(out.holdout.rows).toBe(2000);
    const byId = new Map(out.outcomes.map((o) => [o.id, o]));
    expect([...byId.keys()].slice(7)).toEqual([
      'holdout_average_precision',
      'holdout_top_decile_lift',
      'holdout_positives',
      'holdout_calibration',
    ]);
    // The holdout AUC-PR is that of the probabilities `score` writes for the same file.
    await cli(dir, 'score', '--model', model, '--input', 'holdout.csv', '--output', 'holdout-scored.csv');
    const scored = await readCsv(join(dir, 'holdout-scored.csv'));
    const labels = scored.map((x) => Number(x.converted));
    expect(out.holdout.positives).toBe(labels.reduce((s, y) => s + y, 0));
    expect(byId.get('holdout_average_precision')!.value).toBeCloseTo(
      averagePrecision(
        labels,
        scored.map((x) => x.probability as number),
      ),
      12,
    );
    expect(byId.get('holdout_positives')!.value).toBe(out.holdout.positives);
    expect(byId.get('score_psi')!.status).not.toBe('skip');
    expect(existsSync(join(dir, 'artifacts', 'validation_report.json'))).toBe(true);

    const noLabel = await cli(dir, 'validate', '--model', model, '--csv', 'holdout.csv', '--label', 'won');
    expect(noLabel.code).toBe(2);
    expect(noLabel.stderr).toContain('--label must name a column of the CSV, found "won"');
  });

  it('docs documents the tabular model', async () => {
    const r = await cli(dir, 'docs', '--model', model, '--output', 'MODEL.md');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const md = readFileSync(join(dir, 'MODEL.md'), 'utf8');
    expect(md).toContain('Generic tabular model (leadscore train --csv): label `converted`');
    expect(md).toContain('temporal folds on `signed_up` with `account` kept on one side');
    expect(md).toContain('CSV column spend');
    expect(md).toContain('no point-in-time audit');
  });
});
