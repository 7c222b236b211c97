/**
 * Platt scaling with scikit-learn's `_sigmoid_calibration` objective (`CalibratedClassifierCV(method=
 * 'sigmoid')`): `p = 1 / (1 + exp(a * score + b))` fitted by log loss against Platt's smoothed targets
 * `(N+ + 1) / (N+ + 2)` and `1 / (N- + 2)`, which keep a separable calibration set from driving `a` to
 * infinity. Solved by Newton's method with backtracking (Lin, Lin and Weng 2007).
 * @module
 */
import { DataError } from '@leadscore/core/errors';
import { checkCalibrationInputs } from './inputs.js';

/** A fitted Platt calibrator: `p = 1 / (1 + exp(a * score + b))` (sklearn's sign convention). */
export interface PlattCalibrator {
  readonly method: 'platt';
  readonly a: number;
  readonly b: number;
}

/**
 * Fits Platt scaling on scores (e.g. out-of-fold margins) and 0/1 labels.
 * @example const cal = fitPlatt(oofMargins, labels);
 */
export function fitPlatt(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights?: ArrayLike<number>,
): PlattCalibrator {
  const n = checkCalibrationInputs(scores, labels, weights);
  let prior1 = 0;
  let prior0 = 0;
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : weights[i]!;
    if (labels[i] === 1) prior1 += w;
    else prior0 += w;
  }
  const hi = (prior1 + 1) / (prior1 + 2);
  const lo = 1 / (prior0 + 2);
  const target = (i: number) => (labels[i] === 1 ? hi : lo);
  const wt = (i: number) => (weights === undefined ? 1 : weights[i]!);
  // f(a, b) = sum w * [t * z + log(1 + exp(-z))] with z = a s + b, the log loss of p = sigmoid(-z).
  const objective = (a: number, b: number): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const z = a * scores[i]! + b;
      const t = target(i);
      f += wt(i) * (z >= 0 ? t * z + Math.log1p(Math.exp(-z)) : (t - 1) * z + Math.log1p(Math.exp(z)));
    }
    return f;
  };
  let a = 0;
  let b = Math.log((prior0 + 1) / (prior1 + 1));
  let f = objective(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let g1 = 0;
    let g2 = 0;
    let h11 = 1e-12;
    let h22 = 1e-12;
    let h21 = 0;
    for (let i = 0; i < n; i++) {
      const s = scores[i]!;
      const z = a * s + b;
      // q = 1 - p = sigmoid(z); d f / d z = t - p = t - 1 + q
      const q = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      const d1 = wt(i) * (target(i) - 1 + q);
      const d2 = wt(i) * q * (1 - q);
      g1 += s * d1;
      g2 += d1;
      h11 += s * s * d2;
      h22 += d2;
      h21 += s * d2;
    }
    if (Math.abs(g1) < 1e-10 && Math.abs(g2) < 1e-10) break;
    const det = h11 * h22 - h21 * h21;
    const da = -(h22 * g1 - h21 * g2) / det;
    const db = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * da + g2 * db;
    let step = 1;
    let accepted = false;
    while (step >= 1e-10) {
      const na = a + step * da;
      const nb = b + step * db;
      const nf = objective(na, nb);
      if (nf < f + 1e-4 * step * gd) {
        a = na;
        b = nb;
        f = nf;
        accepted = true;
        break;
      }
      step /= 2;
    }
    if (!accepted) break;
  }
  if (!Number.isFinite(a) || !Number.isFinite(b)) {
    throw new DataError(`scores gave a non-finite Platt fit (a = ${a}, b = ${b})`, {
      details: { parameter: 'scores' },
    });
  }
  return Object.freeze({ method: 'platt' as const, a, b });
}

/** The Platt map at one score. */
export function applyPlatt(calibrator: PlattCalibrator, score: number): number {
  const z = calibrator.a * score + calibrator.b;
  return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
}
