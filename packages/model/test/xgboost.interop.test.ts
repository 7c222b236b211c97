import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeFeatures } from '@leadscore/features';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../src/index.js';
import { alignMatrix } from '../src/scoring/align.js';
import { trainedEnsemble, trainingWorld } from './support/world.js';

const PYTHON = process.env.LEADSCORE_PYTHON ?? '/usr/bin/python3';

/** Fails (never skips) without python3-xgboost, like the boost parity tests. */
function requireXGBoost(): void {
  const probe = spawnSync(PYTHON, ['-c', 'import xgboost'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `the XGBoost interop test needs Debian python3-xgboost (import xgboost in ${PYTHON}): apt-get install python3-xgboost, or point LEADSCORE_PYTHON at a python with xgboost\n${probe.stderr ?? ''}`,
    );
  }
}

describe('interop: Python XGBoost loads the xgb members of a model file', () => {
  it('predicts the same margins and SHAP contributions', async () => {
    requireXGBoost();
    const { text } = await trainedEnsemble();
    const model = loadModel(text);
    const xgbMembers = model.file.members.flatMap((m, k) => (m.format === 'xgboost-json' ? [k] : []));
    expect(xgbMembers.length).toBeGreaterThan(0);
    const { table } = await trainingWorld();
    const x = alignMatrix(computeFeatures(table.slice(0, 400), model.features), model.file.columns);
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-model-xgb-'));
    try {
      writeFileSync(
        join(dir, 'x.f32'),
        new Uint8Array(x.values.buffer, x.values.byteOffset, x.values.byteLength),
      );
      writeFileSync(
        join(dir, 'meta.json'),
        JSON.stringify({ nRows: x.nRows, nCols: x.nCols, names: x.names, members: xgbMembers.length }),
      );
      for (const [i, k] of xgbMembers.entries())
        writeFileSync(join(dir, `member_${i}.json`), model.file.members[k]!.model);
      const script = new URL('./fixtures/xgb_member_predict.py', import.meta.url).pathname;
      const run = spawnSync(PYTHON, [script, dir], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`xgb_member_predict.py failed:\n${run.stderr}`);
      const out = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as {
        members: { margin: number[]; contributions: number[] }[];
      };
      for (const [i, k] of xgbMembers.entries()) {
        const booster = model.members[k]!;
        const margin = booster.predictMargin(x);
        const contributions = booster.predictContributions(x);
        const ref = out.members[i]!;
        let maxMargin = 0;
        for (let r = 0; r < x.nRows; r++)
          maxMargin = Math.max(maxMargin, Math.abs(margin[r]! - ref.margin[r]!));
        let maxContribution = 0;
        for (let t = 0; t < contributions.length; t++) {
          maxContribution = Math.max(maxContribution, Math.abs(contributions[t]! - ref.contributions[t]!));
        }
        expect(maxMargin).toBeLessThan(1e-5);
        expect(maxContribution).toBeLessThan(1e-4);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
