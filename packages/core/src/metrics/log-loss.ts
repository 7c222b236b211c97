import { assertArg, assertKnownKeys } from '../internal/assert.js';
import { CompensatedSum, checkLabelsScores, checkWeights } from './validate.js';

/** Options of {@link logLoss}. */
export interface LogLossOptions {
  /**
   * Non-negative weight per row (sklearn's `sample_weight`).
   * @default undefined (every row weighs 1)
   */
  sampleWeight?: ArrayLike<number> | undefined;
  /**
   * Scores are clipped to `[eps, 1 - eps]`. `'auto'` is sklearn 1.2's default: the machine epsilon of the
   * input type (2^-23 for a Float32Array, 2^-52 otherwise).
   * @default 'auto'
   */
  eps?: number | 'auto' | undefined;
}

/**
 * Binary log loss (cross-entropy), `-mean(y log p + (1 - y) log(1 - p))`, as sklearn 1.2's `log_loss`
 * with `labels=[0, 1]`: scores clipped to `[eps, 1 - eps]` and the pair `(1 - p, p)` renormalised.
 * Defined for a single class (sklearn would need `labels=[0, 1]` there). Unlike sklearn, scores outside
 * [0, 1] throw instead of being clipped silently. Computed in float64 even for Float32Array input (sklearn
 * computes in float32 there, so the two differ by ~1e-7).
 * @example logLoss([0, 1], [0.2, 0.6]) // -(ln 0.8 + ln 0.6) / 2 = 0.3670...
 */
export function logLoss(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: LogLossOptions = {},
): number {
  assertKnownKeys(options, ['sampleWeight', 'eps'], 'options');
  checkLabelsScores(labels, scores, true);
  const { sampleWeight } = options;
  const eps = options.eps ?? 'auto';
  if (eps !== 'auto')
    assertArg(typeof eps === 'number' && eps >= 0 && eps < 0.5, 'eps', "'auto' or a number in [0, 0.5)", eps);
  const e = eps === 'auto' ? (scores instanceof Float32Array ? 2 ** -23 : Number.EPSILON) : eps;
  const hi = 1 - e;
  const n = labels.length;
  if (sampleWeight !== undefined) checkWeights(sampleWeight, labels);
  const sum = new CompensatedSum();
  const weightSum = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    let p = scores[i]!;
    p = Math.min(Math.max(p, e), hi);
    const q = 1 - p;
    const s = q + p;
    const loss = -Math.log((labels[i] === 1 ? p : q) / s);
    if (sampleWeight === undefined) sum.add(loss);
    else {
      const w = sampleWeight[i]!;
      sum.add(w * loss);
      weightSum.add(w);
    }
  }
  return sampleWeight === undefined ? sum.value() / n : sum.value() / weightSum.value();
}
