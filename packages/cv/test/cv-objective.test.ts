import { averagePrecision, createMatrix, type Matrix } from '@leadscore/core';
import { createRng } from '@leadscore/core/rng';
import { describe, expect, it } from 'vitest';
import { cvObjective, type Learner, scoreHoldout, temporalFolds, tune } from '../src/index.js';

const DAY = 86_400_000;
const n = 800;
const rng = createRng(8);
const x = new Float32Array(n * 2);
const labels = new Uint8Array(n);
const times = new Float64Array(n);
for (let i = 0; i < n; i++) {
  x[i] = rng.normal();
  x[n + i] = rng.normal();
  labels[i] = x[i]! + 0.8 * rng.normal() > 1 ? 1 : 0;
  times[i] = Date.UTC(2023, 0, 1) + Math.floor(i / 2) * DAY;
}
const matrix = createMatrix(x, n, ['signal', 'noise']);

/** Scores rows by w * signal + (1 - w) * noise: w = 1 is the best a learner can do. */
const blend = (w: number): Learner => ({
  name: 'blend',
  params: { w },
  async fit() {
    return {
      predict: (m: Matrix) =>
        Float64Array.from(
          { length: m.nRows },
          (_, i) => 1 / (1 + Math.exp(-(w * m.values[i]! + (1 - w) * m.values[m.nRows + i]!))),
        ),
      bestIteration: null,
    };
  },
});

describe('cvObjective and scoreHoldout', () => {
  const folds = temporalFolds(times, {
    nFolds: 4,
    gapDays: 10,
    labelHorizonDays: 10,
    holdoutDays: 60,
    labels,
  });

  it('tunes through the folds with pruning, and scores the chosen parameters once on the holdout', async () => {
    let cvRuns = 0;
    const r = await tune({
      space: (t) => t.suggestFloat('w', 0, 1),
      objective: (w, trial) => {
        cvRuns++;
        return cvObjective(blend, { matrix, labels, folds, times })(w, trial);
      },
      nTrials: 25,
      seed: 4,
      constraints: [],
      holdout: (w) => scoreHoldout(blend(w), { matrix, labels, folds, times }),
    });
    expect(cvRuns).toBe(25);
    expect(r.trials.some((t) => t.state === 'pruned')).toBe(true);
    // pruned trials reported one running mean per fold they finished, fewer than all four
    for (const t of r.trials.filter((u) => u.state === 'pruned'))
      expect(t.intermediate.length).toBeLessThan(4);
    expect(r.bestParams!).toBeGreaterThan(0.8);
    const h = folds.holdout!;
    const expected = averagePrecision(
      h.test.map((i) => labels[i]!),
      h.test.map((i) => r.bestParams! * x[i]! + (1 - r.bestParams!) * x[n + i]!),
    );
    expect(r.holdout!.averagePrecision).toBeCloseTo(expected, 12);
    expect(r.holdout!.rows).toBe(h.test.length);
  });

  it('refuses to score a holdout the folds do not have', async () => {
    const plain = temporalFolds(times, { nFolds: 3, labels });
    await expect(scoreHoldout(blend(1), { matrix, labels, folds: plain })).rejects.toThrow(
      /folds.holdout must be a fold/,
    );
  });
});
