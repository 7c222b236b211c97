import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers/memory-io.js';

/** mulberry32: a small seeded generator, so the file is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('train --csv (generic tabular mode)', () => {
  const dir = tempDir();
  let positives = 0;
  const n = 3000;

  beforeAll(() => {
    const r = rng(42);
    const lines = ['account,signed_up,spend,plan,converted'];
    const start = Date.UTC(2023, 0, 1);
    for (let i = 0; i < n; i++) {
      const spend = r();
      const plan = ['basic', 'pro', 'team'][Math.floor(r() * 3)]!;
      const p = 1 / (1 + Math.exp(-(-4 + 4 * spend + (plan === 'pro' ? 1.2 : 0))));
      const y = r() < p ? 1 : 0;
      positives += y;
      const day = new Date(start + Math.floor((i / n) * 730) * 86_400_000).toISOString().slice(0, 10);
      lines.push(`A${Math.floor(i / 5)},${day},${spend.toFixed(4)},${plan},${y}`);
    }
    writeFileSync(join(dir, 'accounts.csv'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'bad-label.csv'), 'spend,converted\n0.5,1\n0.2,yes\n');
  });

  it('trains on one feature per column with temporal, grouped folds and writes the artifacts', async () => {
    const r = await cli(
      dir,
      'train',
      '--csv',
      'accounts.csv',
      '--label',
      'converted',
      '--time',
      'signed_up',
      '--group',
      'account',
      '--cv-folds',
      '3',
      '--json',
    );
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
