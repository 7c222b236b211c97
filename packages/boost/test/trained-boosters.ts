/**
 * Three models trained by this package on the first 300 fixture rows (depth-wise, loss-guided with a
 * base score, early-stopped with L1/L2), shared by the round-trip test and its live-XGBoost twin.
 */
import { type Matrix, takeRows } from '@leadscore/core/matrix';
import type { Booster } from '../src/booster.js';
import { train } from '../src/train/train.js';
import { loadDataFile, loadMatrix } from './model-fixtures.js';

/** The whole fixture matrix, which the trained models are compared on. */
export const fixtureMatrix: Matrix = loadMatrix();

const labels = loadDataFile().labels;
const head = (m: Matrix, n: number): Matrix =>
  takeRows(
    m,
    Array.from({ length: n }, (_, i) => i),
  );
const tail = (m: Matrix, n: number): Matrix =>
  takeRows(
    m,
    Array.from({ length: m.nRows - n }, (_, i) => n + i),
  );

/** Trains the three models; the third stops early on the remaining rows. */
export async function trainFixtureBoosters(): Promise<Booster[]> {
  const x = head(fixtureMatrix, 300);
  const y = labels.slice(0, 300);
  return [
    await train(x, y, { numRounds: 20, maxDepth: 4, learningRate: 0.3 }),
    await train(x, y, {
      numRounds: 15,
      growPolicy: 'lossguide',
      maxDepth: 0,
      maxLeaves: 10,
      baseScore: 0.37,
    }),
    await train(
      x,
      y,
      { numRounds: 200, maxDepth: 3, learningRate: 0.3, lambda: 2, alpha: 0.5 },
      { evalSet: { data: tail(fixtureMatrix, 300), labels: labels.slice(300) }, earlyStoppingRounds: 5 },
    ),
  ];
}
