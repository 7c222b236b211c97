import { assertArg, assertInteger, assertKnownKeys } from '../internal/assert.js';
import { binIndex, linspaceUnit, quantileEdges } from './quantile.js';
import { checkLabelsScores } from './validate.js';

/** How {@link calibrationCurve} places its bin edges. */
export type CalibrationStrategy = 'uniform' | 'quantile';

/** Options of {@link calibrationCurve}. */
export interface CalibrationCurveOptions {
  /**
   * Number of bins.
   * @default 5 (sklearn's default)
   */
  nBins?: number | undefined;
  /**
   * `'uniform'`: equal-width bins on [0, 1]; `'quantile'`: edges at quantiles of the scores (numpy's
   * linear percentile), so tied scores can collapse bins.
   * @default 'uniform'
   */
  strategy?: CalibrationStrategy | undefined;
}

/** Options of {@link expectedCalibrationError}. */
export interface ExpectedCalibrationErrorOptions {
  /**
   * Number of bins.
   * @default 10
   */
  nBins?: number | undefined;
  /**
   * Bin placement, as in {@link calibrationCurve}.
   * @default 'uniform'
   */
  strategy?: CalibrationStrategy | undefined;
}

/** Result of {@link calibrationCurve}; the arrays hold the non-empty bins only, lowest first. */
export interface CalibrationCurveResult {
  /** Fraction of positives per non-empty bin (sklearn's `prob_true`). */
  readonly probTrue: number[];
  /** Mean score per non-empty bin (sklearn's `prob_pred`). */
  readonly probPred: number[];
  /** Number of rows per non-empty bin. */
  readonly counts: number[];
  /** Index of each returned bin among all `nBins` bins. */
  readonly bins: number[];
  /** All `nBins + 1` bin edges; bins are right-closed `(e_i, e_{i+1}]`, the first one also holds `e_0`. */
  readonly edges: number[];
}

/**
 * Reliability curve, as sklearn 1.2's `calibration.calibration_curve`: rows go to bins by
 * `searchsorted(edges[1:-1], score)`, empty bins are dropped (so the result may be shorter than `nBins`),
 * and each bin reports its fraction of positives and mean score. Also returns the bin counts and edges.
 * Scores must be probabilities in [0, 1]; a single class is allowed.
 * @example calibrationCurve(labels, scores, { nBins: 10, strategy: 'quantile' })
 */
export function calibrationCurve(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: CalibrationCurveOptions = {},
): CalibrationCurveResult {
  assertKnownKeys(options, ['nBins', 'strategy'], 'options');
  checkLabelsScores(labels, scores, true);
  const nBins = options.nBins ?? 5;
  const strategy = options.strategy ?? 'uniform';
  assertInteger(nBins, 'nBins', 1);
  assertArg(
    strategy === 'uniform' || strategy === 'quantile',
    'strategy',
    "'uniform' or 'quantile'",
    strategy,
  );
  const edges = strategy === 'uniform' ? linspaceUnit(nBins) : quantileEdges(scores, nBins);
  const sumScore = new Float64Array(nBins);
  const sumTrue = new Float64Array(nBins);
  const total = new Float64Array(nBins);
  // Plain sequential sums, as np.bincount accumulates, so per-bin means agree bit for bit.
  for (let i = 0; i < labels.length; i++) {
    const s = scores[i]!;
    const b = binIndex(edges, s);
    sumScore[b]! += s;
    sumTrue[b]! += labels[i]!;
    total[b]!++;
  }
  const probTrue: number[] = [];
  const probPred: number[] = [];
  const counts: number[] = [];
  const bins: number[] = [];
  for (let b = 0; b < nBins; b++) {
    const c = total[b]!;
    if (c === 0) continue;
    probTrue.push(sumTrue[b]! / c);
    probPred.push(sumScore[b]! / c);
    counts.push(c);
    bins.push(b);
  }
  return { probTrue, probPred, counts, bins, edges: Array.from(edges) };
}

/**
 * Expected calibration error: `ECE = sum_b (n_b / n) * |fracPositive_b - meanScore_b|` over the bins of
 * {@link calibrationCurve} (10 uniform bins by default). 0 is perfectly calibrated. No sklearn equivalent.
 * @example expectedCalibrationError([0, 1, 1], [0.2, 0.6, 0.9], { nBins: 2 }) // (1/3)*0.2 + (2/3)*0.25 = 0.2333...
 */
export function expectedCalibrationError(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: ExpectedCalibrationErrorOptions = {},
): number {
  assertKnownKeys(options, ['nBins', 'strategy'], 'options');
  const curve = calibrationCurve(labels, scores, {
    nBins: options.nBins ?? 10,
    strategy: options.strategy ?? 'uniform',
  });
  const n = labels.length;
  let ece = 0;
  for (let b = 0; b < curve.counts.length; b++) {
    ece += (curve.counts[b]! / n) * Math.abs(curve.probTrue[b]! - curve.probPred[b]!);
  }
  return ece;
}
