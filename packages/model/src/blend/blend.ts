/**
 * Blend weights fitted on out-of-fold predictions. Members are combined on the margin (log-odds) scale,
 * `sum_k w_k * margin_k` with `w >= 0` and `sum w = 1`, so TreeSHAP contributions of the members blend
 * with the same weights and still add up to the ensemble margin. Rank averaging is the alternative for
 * members whose margins live on different scales.
 * @module
 */

import { formatValue, InvalidArgumentError } from '@leadscore/core/errors';
import { parseWith } from '@leadscore/core/issues';
import { averagePrecision, logLoss } from '@leadscore/core/metrics';
import { z } from 'zod';

/** How members are combined: margin weights, or the weighted mean of each member's percentile rank. */
export interface Blend {
  readonly method: 'weights' | 'rank';
  /** One weight per member, >= 0, summing to 1. */
  readonly weights: readonly number[];
  /** The out-of-fold objective value at the chosen weights. */
  readonly objectiveValue: number;
  readonly objective: BlendObjective;
}

/** What the blend weights optimise on the out-of-fold predictions. */
export type BlendObjective = 'averagePrecision' | 'logLoss';

/** Options of {@link fitBlend}. */
export interface FitBlendOptions {
  /** `'weights'` searches the simplex; `'rank'` uses equal weights on percentile ranks. @default 'weights' */
  method?: 'weights' | 'rank';
  /** Maximise out-of-fold average precision or minimise log loss. @default 'logLoss' */
  objective?: BlendObjective;
  /** Grid resolution of the simplex search: weights are multiples of `1 / steps`. @default 20 */
  steps?: number;
}

const optionsSchema = z
  .object({
    method: z.enum(['weights', 'rank']).default('weights'),
    objective: z.enum(['averagePrecision', 'logLoss']).default('logLoss'),
    steps: z.number().int().min(1).max(200).default(20),
  })
  .strict();

/** Combined margins `sum_k w_k * margins[k]` (a new array). */
export function blendMargins(
  margins: readonly ArrayLike<number>[],
  weights: readonly number[],
): Float64Array {
  const n = margins[0]?.length ?? 0;
  const out = new Float64Array(n);
  for (let k = 0; k < margins.length; k++) {
    const w = weights[k]!;
    if (w === 0) continue;
    const m = margins[k]!;
    for (let i = 0; i < n; i++) out[i] = out[i]! + w * m[i]!;
  }
  return out;
}

/** Percentile ranks in (0, 1] of `values` against a sorted reference: the fraction of reference values <= each. */
export function percentileRanks(sortedReference: ArrayLike<number>, values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  const m = sortedReference.length;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sortedReference[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo / m;
  }
  return out;
}

/** Rank-averaged scores: `sum_k w_k * rank_k`, each member ranked against its own reference. */
export function blendRanks(
  margins: readonly ArrayLike<number>[],
  sortedReferences: readonly ArrayLike<number>[],
  weights: readonly number[],
): Float64Array {
  return blendMargins(
    margins.map((m, k) => percentileRanks(sortedReferences[k]!, m)),
    weights,
  );
}

function sigmoidAll(m: Float64Array): Float64Array {
  const out = new Float64Array(m.length);
  for (let i = 0; i < m.length; i++) out[i] = 1 / (1 + Math.exp(-m[i]!));
  return out;
}

/** Every weight vector of `k` multiples of `1 / steps` summing to 1, in lexicographic order. */
function simplexGrid(k: number, steps: number): number[][] {
  const out: number[][] = [];
  const rec = (prefix: number[], left: number): void => {
    if (prefix.length === k - 1) {
      out.push([...prefix, left].map((c) => c / steps));
      return;
    }
    for (let c = left; c >= 0; c--) rec([...prefix, c], left - c);
  };
  rec([], steps);
  return out;
}

/**
 * Fits blend weights on out-of-fold margins (one array per member) against 0/1 labels. Ties in the
 * objective keep the first grid point, which puts more weight on earlier members.
 * @example const blend = fitBlend([xgbOof, lgbmOof], labels, { objective: 'averagePrecision' });
 */
export function fitBlend(
  margins: readonly ArrayLike<number>[],
  labels: ArrayLike<number>,
  options: FitBlendOptions = {},
): Blend {
  const o = parseWith(optionsSchema, options, 'options');
  if (!Array.isArray(margins) || margins.length === 0) {
    throw new InvalidArgumentError(`margins must list at least one member, found ${formatValue(margins)}`, {
      details: { parameter: 'margins', value: margins },
    });
  }
  for (const [k, m] of margins.entries()) {
    if (m.length !== labels.length) {
      throw new InvalidArgumentError(
        `margins[${k}] must have one value per label (${labels.length}), found ${m.length}`,
        { details: { parameter: `margins[${k}]`, expected: labels.length, value: m.length } },
      );
    }
  }
  const k = margins.length;
  if (o.method === 'rank') {
    const weights = new Array<number>(k).fill(1 / k);
    const refs = margins.map((m) => Float64Array.from(m).sort());
    const s = blendRanks(margins, refs, weights);
    // Ranks are not probabilities, so their log loss means nothing: rank blends report average precision.
    return Object.freeze({
      method: 'rank' as const,
      weights: Object.freeze(weights),
      objective: 'averagePrecision' as const,
      objectiveValue: averagePrecision(labels, s),
    });
  }
  let best: number[] = [];
  let bestValue = Number.NaN;
  for (const w of simplexGrid(k, o.steps)) {
    const m = blendMargins(margins, w);
    const value =
      o.objective === 'averagePrecision' ? -averagePrecision(labels, m) : logLoss(labels, sigmoidAll(m));
    if (Number.isNaN(bestValue) || value < bestValue) {
      bestValue = value;
      best = w;
    }
  }
  return Object.freeze({
    method: 'weights' as const,
    weights: Object.freeze(best),
    objective: o.objective,
    objectiveValue: o.objective === 'averagePrecision' ? -bestValue : bestValue,
  });
}
