/**
 * The search space of a member for cv's `tune`: shape (depth for "xgb", leaves for "lgbm"), learning rate,
 * regularisation and sampling, on top of the member's own parameters.
 * @module
 */
import type { BoostLearnerParams, Trial } from '@leadscore/cv';

/** Parameters of one trial: the member's base parameters with the searched ones drawn from `trial`. */
export function memberSpace(base: BoostLearnerParams, trial: Trial): BoostLearnerParams {
  const shape =
    base.growPolicy === 'lossguide'
      ? { maxLeaves: trial.suggestInt('maxLeaves', 4, 64, { log: true }), maxDepth: 0 }
      : { maxDepth: trial.suggestInt('maxDepth', 2, 8) };
  return {
    ...base,
    ...shape,
    learningRate: trial.suggestFloat('learningRate', 0.02, 0.3, { log: true }),
    minChildWeight: trial.suggestFloat('minChildWeight', 0.5, 20, { log: true }),
    lambda: trial.suggestFloat('lambda', 0.1, 10, { log: true }),
    subsample: trial.suggestFloat('subsample', 0.6, 1),
    colsampleByTree: trial.suggestFloat('colsampleByTree', 0.5, 1),
  };
}
