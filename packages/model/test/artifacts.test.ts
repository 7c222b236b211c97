import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, writeTrainingArtifacts } from '../src/index.js';
import { trainedEnsemble } from './support/world.js';

describe('writeTrainingArtifacts', () => {
  it('writes the model file, report, importance, OOF predictions and trials, and nothing else', async () => {
    const r = await trainedEnsemble();
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-artifacts-'));
    try {
      const paths = await writeTrainingArtifacts(dir, r);
      expect(readdirSync(dir).sort()).toEqual([
        'feature_importance.csv',
        'model.json',
        'oof_predictions.csv',
        'training_report.md',
        'trials.jsonl',
      ]);
      expect(loadModel(readFileSync(paths.model, 'utf8')).file.hash).toBe(r.file.hash);
      const fi = readFileSync(paths.featureImportance, 'utf8').trim().split('\n');
      expect(fi[0]).toBe('feature,group,business_signal,mean_abs_shap,total_gain,rank');
      expect(fi).toHaveLength(r.file.columns.length + 1);
      expect(fi[1]!.split(',').at(-1)).toBe('1');
      const oof = readFileSync(paths.oofPredictions, 'utf8').trim().split('\n');
      expect(oof).toHaveLength(r.oof.rows.length + 1);
      const [row, fold, label, , p] = oof[1]!.split(',').map(Number);
      expect([row, fold, label, p]).toEqual([
        r.oof.rows[0],
        r.oof.fold[0],
        r.oof.labels[0],
        r.oof.probability[0],
      ]);
      const trials = readFileSync(paths.trials, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l));
      expect(trials.map((t) => t.member)).toEqual(r.trials.map((t) => t.member));
      const report = readFileSync(paths.report, 'utf8');
      for (const heading of [
        '## Data',
        '## Folds',
        '## Per-fold test metrics',
        '## Tuning history',
        '## Blend and calibration',
        '## Feature importance',
      ]) {
        expect(report).toContain(heading);
      }
      expect(report).toContain(`kept: ${r.comparison.kept}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
