/**
 * XGBoost's split arithmetic (`src/tree/param.h`, `split_evaluator.h`, `hist/evaluate_splits.h`),
 * reproduced down to its float32 roundings so that our splits equal XGBoost's on the same histograms.
 * @module
 */

const fround = Math.fround;

/** The regularisation parameters the arithmetic reads (float32 values). */
export interface SplitParams {
  readonly lambda: number;
  readonly alpha: number;
  readonly minChildWeight: number;
  readonly maxDeltaStep: number;
}

/** `ThresholdL1`. */
export function thresholdL1(g: number, alpha: number): number {
  if (g > alpha) return g - alpha;
  if (g < -alpha) return g + alpha;
  return 0;
}

/** `tree::CalcWeight` (double) cast to float: `-T_a(G)/(H + lambda)`, clipped by max_delta_step. */
export function calcWeight(p: SplitParams, g: number, h: number): number {
  if (h < p.minChildWeight || h <= 0) return 0;
  let w = -thresholdL1(g, p.alpha) / (h + p.lambda);
  if (p.maxDeltaStep !== 0 && Math.abs(w) > p.maxDeltaStep) w = w < 0 ? -p.maxDeltaStep : p.maxDeltaStep;
  return fround(w);
}

/** Weight clamped to a node's monotone bounds (`SplitEvaluator::CalcWeight`). */
export function clampedWeight(p: SplitParams, g: number, h: number, lower: number, upper: number): number {
  const w = calcWeight(p, g, h);
  if (w < lower) return lower;
  if (w > upper) return upper;
  return w;
}

/** `SplitEvaluator::CalcGainGivenWeight`: the exact fast path, or the float32 weight form. */
export function gainGivenWeight(p: SplitParams, g: number, h: number, w: number, fast: boolean): number {
  if (h <= 0) return 0;
  if (fast) {
    const t = thresholdL1(g, p.alpha);
    return fround((t * t) / (h + p.lambda));
  }
  const gf = fround(g);
  const hf = fround(h);
  const a = fround(fround(2 * gf) * w);
  const b = fround(fround(hf + p.lambda) * fround(w * w));
  return fround(-fround(a + b));
}
