/**
 * Isotonic regression by pool adjacent violators, with scikit-learn's `IsotonicRegression(
 * out_of_bounds='clip')` semantics: tied inputs are merged into their weighted mean first, predictions
 * interpolate linearly between the fitted points and clip outside them.
 * @module
 */
import { checkCalibrationInputs } from './inputs.js';

/** A fitted isotonic map: increasing `x` breakpoints with non-decreasing `y` values. */
export interface IsotonicCalibrator {
  readonly method: 'isotonic';
  /** Breakpoints, strictly increasing. */
  readonly x: readonly number[];
  /** Fitted values at the breakpoints, non-decreasing, in [0, 1] for 0/1 labels. */
  readonly y: readonly number[];
}

/**
 * Fits an increasing step-linear map from scores to label frequencies (pool adjacent violators).
 * @example const cal = fitIsotonic([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
 */
export function fitIsotonic(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights?: ArrayLike<number>,
): IsotonicCalibrator {
  const n = checkCalibrationInputs(scores, labels, weights);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[a]! - scores[b]!);
  // Blocks of the PAV stack: value (weighted mean), weight, and the first/last distinct x they cover.
  const value = new Float64Array(n);
  const weight = new Float64Array(n);
  const firstX = new Float64Array(n);
  const lastX = new Float64Array(n);
  let top = -1;
  let i = 0;
  while (i < n) {
    const x = scores[order[i]!]!;
    let sw = 0;
    let swy = 0;
    while (i < n && scores[order[i]!]! === x) {
      const w = weights === undefined ? 1 : weights[order[i]!]!;
      sw += w;
      swy += w * labels[order[i]!]!;
      i++;
    }
    top++;
    value[top] = sw > 0 ? swy / sw : 0;
    weight[top] = sw;
    firstX[top] = x;
    lastX[top] = x;
    while (top > 0 && value[top - 1]! >= value[top]!) {
      const w = weight[top - 1]! + weight[top]!;
      value[top - 1] = w > 0 ? (value[top - 1]! * weight[top - 1]! + value[top]! * weight[top]!) / w : 0;
      weight[top - 1] = w;
      lastX[top - 1] = lastX[top]!;
      top--;
    }
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let b = 0; b <= top; b++) {
    xs.push(firstX[b]!);
    ys.push(value[b]!);
    if (lastX[b]! !== firstX[b]!) {
      xs.push(lastX[b]!);
      ys.push(value[b]!);
    }
  }
  return Object.freeze({ method: 'isotonic' as const, x: Object.freeze(xs), y: Object.freeze(ys) });
}

/** The isotonic map at one score: linear between breakpoints, clipped outside; NaN stays NaN. */
export function applyIsotonic(calibrator: IsotonicCalibrator, score: number): number {
  const { x, y } = calibrator;
  const m = x.length;
  if (Number.isNaN(score)) return Number.NaN;
  if (score <= x[0]!) return y[0]!;
  if (score >= x[m - 1]!) return y[m - 1]!;
  let lo = 0;
  let hi = m - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (x[mid]! <= score) lo = mid;
    else hi = mid;
  }
  const t = (score - x[lo]!) / (x[hi]! - x[lo]!);
  return y[lo]! + t * (y[hi]! - y[lo]!);
}
