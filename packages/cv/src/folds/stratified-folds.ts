import { type Fold, type FoldList, parseWith } from '@leadscore/core';
import { createRng } from '@leadscore/core/rng';
import { z } from 'zod';
import { FoldError } from './fold-error.js';
import { readLabels } from './time-input.js';

/** Options of {@link stratifiedFolds}. */
export interface StratifiedFoldsOptions {
  /** Number of folds. @default 5 */
  nFolds?: number;
  /** Seed of the shuffle; same seed, same folds. @default 0 */
  seed?: number;
}

const optionsSchema = z
  .object({ nFolds: z.number().int().min(2).default(5), seed: z.number().int().default(0) })
  .strict();

/**
 * Seeded stratified K-fold for data without time: positives and negatives are shuffled separately and
 * dealt round-robin, so every fold has the base rate to within one row of each class.
 * @example const folds = stratifiedFolds(labels, { nFolds: 5, seed: 7 });
 */
export function stratifiedFolds(labels: ArrayLike<number>, options: StratifiedFoldsOptions = {}): FoldList {
  const o = parseWith(optionsSchema, options, 'options');
  const y = readLabels(labels);
  const n = y.length;
  const rng = createRng(o.seed);
  const assign = new Int32Array(n);
  let next = 0;
  for (const cls of [1, 0]) {
    const idx: number[] = [];
    for (let i = 0; i < n; i++) if (y[i] === cls) idx.push(i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      const tmp = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = tmp;
    }
    for (const i of idx) {
      assign[i] = next;
      next = (next + 1) % o.nFolds;
    }
  }
  const folds: Fold[] = [];
  for (let k = 0; k < o.nFolds; k++) {
    const train: number[] = [];
    const test: number[] = [];
    let trainPositives = 0;
    let testPositives = 0;
    for (let i = 0; i < n; i++) {
      if (assign[i] === k) {
        test.push(i);
        testPositives += y[i]!;
      } else {
        train.push(i);
        trainPositives += y[i]!;
      }
    }
    if (test.length === 0)
      throw new FoldError(k, `has no test rows: ${n} rows cannot fill ${o.nFolds} folds`);
    folds.push({
      index: k,
      train,
      test,
      trainStart: null,
      trainEnd: null,
      testStart: null,
      testEnd: null,
      counts: {
        train: train.length,
        test: test.length,
        trainPositives,
        testPositives,
        gap: 0,
        purged: 0,
        embargoed: 0,
        groupExcluded: 0,
      },
    });
  }
  return {
    format: 'leadscore.folds',
    version: 1,
    method: 'stratified',
    nRows: n,
    options: { nFolds: o.nFolds, seed: o.seed },
    folds,
    holdout: null,
  };
}
