/**
 * Evaluation metrics for binary scores: one implementation used by cross-validation, gates and reports.
 * Every function takes `(labels, scores, options?)` on `ArrayLike<number>` (number[], Float32Array,
 * Float64Array, ...), validates its input, never mutates it, and matches sklearn 1.2 where sklearn has
 * the metric.
 * @module
 */
export { type AveragePrecisionOptions, averagePrecision } from './average-precision.js';
export { type BrierScoreOptions, brierScore } from './brier-score.js';
export {
  type CalibrationCurveOptions,
  type CalibrationCurveResult,
  type CalibrationStrategy,
  calibrationCurve,
  type ExpectedCalibrationErrorOptions,
  expectedCalibrationError,
} from './calibration.js';
export { type LogLossOptions, logLoss } from './log-loss.js';
export { type LiftAtOptions, liftAt, type PrecisionAtOptions, precisionAt } from './precision-at.js';
export { type PsiOptions, type PsiResult, psi, psiTable } from './psi.js';
export { type RocAucOptions, rocAuc } from './roc-auc.js';
