import { assertArg, assertInteger, assertKnownKeys } from '../internal/assert.js';
import { selectInPlace } from './select.js';
import { checkLabelsScores } from './validate.js';

/** Options of {@link precisionAt}: give `k` or `fraction`, not both. */
export interface PrecisionAtOptions {
  /**
   * Number of top-scored rows, an integer in [1, n].
   * @default undefined (use `fraction`)
   */
  k?: number | undefined;
  /**
   * Share of rows in (0, 1]; the row count is `max(1, round(fraction * n))`, rounding halves up.
   * @default 0.1 when `k` is not given
   */
  fraction?: number | undefined;
}

/** Options of {@link liftAt}. */
export interface LiftAtOptions {
  /**
   * Share of rows in (0, 1]; the row count is `max(1, round(fraction * n))`, rounding halves up.
   * @default 0.1 (top-decile lift)
   */
  fraction?: number | undefined;
}

function resolveK(n: number, options: PrecisionAtOptions): number {
  const { k, fraction } = options;
  if (k !== undefined) {
    assertArg(fraction === undefined, 'fraction', 'undefined when k is given', fraction);
    assertInteger(k, 'k', 1, n);
    return k;
  }
  const f = fraction ?? 0.1;
  assertArg(typeof f === 'number' && f > 0 && f <= 1, 'fraction', 'a number in (0, 1]', f);
  return Math.max(1, Math.round(f * n));
}

/**
 * Expected positives among the top k: everything above the k-th score, plus the needed share of the tie
 * group at that score under a uniformly random order within the group. O(n) via selection, no sort.
 */
function expectedPositivesInTop(labels: ArrayLike<number>, scores: ArrayLike<number>, k: number): number {
  const n = labels.length;
  const copy = Float64Array.from(scores);
  selectInPlace(copy, [n - k]);
  const t = copy[n - k]!;
  let above = 0;
  let posAbove = 0;
  let tied = 0;
  let posTied = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (s > t) {
      above++;
      posAbove += labels[i]!;
    } else if (s === t) {
      tied++;
      posTied += labels[i]!;
    }
  }
  return posAbove + ((k - above) * posTied) / tied;
}

/**
 * Precision among the `k` highest-scored rows (or the top `fraction` of rows).
 *
 * Rows tied with the k-th score are averaged: when the cut falls inside a tie group of `t` rows holding
 * `p` positives and `m` of them are needed, they contribute `m * p / t` positives — the expected precision
 * if tied rows were ordered at random. So a constant scorer gets the base rate for every k. With no
 * positive labels the result is 0. Throws on bad input like {@link averagePrecision}.
 * @example precisionAt([1, 0, 1, 0], [0.9, 0.5, 0.5, 0.1], { k: 2 }) // (1 + 1 * 1/2) / 2 = 0.75
 */
export function precisionAt(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: PrecisionAtOptions = {},
): number {
  assertKnownKeys(options, ['k', 'fraction'], 'options');
  checkLabelsScores(labels, scores);
  const k = resolveK(labels.length, options);
  return expectedPositivesInTop(labels, scores, k) / k;
}

/**
 * Lift in the top `fraction` of rows: {@link precisionAt} of that fraction divided by the base rate
 * (positives / n), with the same tie averaging. Returns NaN when there are no positive labels (the base
 * rate is 0, so lift is undefined). Throws on bad input like {@link averagePrecision}.
 * @example liftAt(labels, scores, { fraction: 0.1 }) // top-decile lift
 */
export function liftAt(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: LiftAtOptions = {},
): number {
  assertKnownKeys(options, ['fraction'], 'options');
  const positives = checkLabelsScores(labels, scores);
  const n = labels.length;
  const k = resolveK(n, { fraction: options.fraction ?? 0.1 });
  if (positives === 0) return Number.NaN;
  return expectedPositivesInTop(labels, scores, k) / k / (positives / n);
}
