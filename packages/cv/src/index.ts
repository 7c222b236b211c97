/**
 * @leadscore/cv: temporal-blocked folds with gap, purge, embargo and group exclusion; cross-validation of
 * any learner; a seeded TPE search that respects the V7 gates.
 * @module
 */

export {
  type CrossValidateOptions,
  type CvProgress,
  CvStoppedError,
  crossValidate,
} from './cross-validate/cross-validate.js';
export {
  type CombinatorialPurgedFoldsOptions,
  combinatorialPurgedFolds,
} from './folds/combinatorial-purged-folds.js';
export { FoldError } from './folds/fold-error.js';
export { foldSummary } from './folds/fold-summary.js';
export { type StratifiedFoldsOptions, stratifiedFolds } from './folds/stratified-folds.js';
export { type TemporalFoldsOptions, temporalFolds } from './folds/temporal-folds.js';
export { type BoostLearnerParams, lgbmLearner, xgbLearner } from './learner/boost-learners.js';
export { type CvCache, createCvCache } from './learner/cv-cache.js';
export type { FittedTransform, FoldTransform } from './learner/fold-transform.js';
export type { FittedModel, Learner, LearnerFitOptions } from './learner/learner.js';
export { type TargetOrderedLevelsOptions, targetOrderedLevels } from './learner/target-ordered-levels.js';
export { type CvData, cvObjective, scoreHoldout } from './tune/cv-objective.js';
export type { Distribution } from './tune/distributions.js';
export type { MedianPrunerOptions } from './tune/median-pruner.js';
export type { TpeOptions } from './tune/samplers.js';
export { type Trial, TrialPruned } from './tune/trial.js';
export type { ParamValue, TrialRecord } from './tune/trial-record.js';
export { type Constraint, type TuneOptions, type TuneResult, tune, V7_CONSTRAINTS } from './tune/tune.js';
