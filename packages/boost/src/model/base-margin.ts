/**
 * The margin-space intercept of a logistic model, computed the way XGBoost does. The one
 * implementation: training, prediction, TreeSHAP and the model writers all start from this value, so
 * they cannot drift apart in the float32 rounding.
 * @module
 */

/**
 * Converts a base score (probability) to the margin XGBoost starts every prediction from:
 * `-logf(1/p - 1)` in float32 (`LogisticRegression::ProbToMargin`), so margins match XGBoost bit for bit.
 * @example baseMargin(0.5) // 0
 */
export function baseMargin(baseScore: number): number {
  const p = Math.fround(baseScore);
  // `+ 0`: logit(0.5) is -0 and would print as such in model files.
  return Math.fround(-Math.log(Math.fround(Math.fround(1 / p) - 1))) + 0;
}
