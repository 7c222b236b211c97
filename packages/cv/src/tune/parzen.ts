/**
 * The univariate Parzen estimator of TPE (Bergstra et al. 2011, as Optuna's `_tpe` builds it): a weighted
 * mixture of Gaussians truncated to the bounds, one per observation plus a wide prior component centred
 * on the range, with bandwidths from the gaps to the neighbouring observations ("magic clip" keeps them
 * between range / min(100, 1 + n) and the range).
 * @module
 */
import type { Rng } from '@leadscore/core/rng';

const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** erf with |error| < 1.2e-7 (Numerical Recipes' erfc Chebyshev fit); enough for mixture normalisers. */
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

function phi(z: number): number {
  return 0.5 * (1 + erf(z / SQRT2));
}

/** A fitted univariate mixture. */
export interface Parzen {
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  readonly weights: Float64Array;
  readonly low: number;
  readonly high: number;
}

/** Fits the mixture to `values` (internal space) with per-observation `weights` and a prior of weight `priorWeight`. */
export function fitParzen(
  values: readonly number[],
  weights: readonly number[],
  low: number,
  high: number,
  priorWeight = 1,
): Parzen {
  const n = values.length;
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  const mus = new Float64Array(n + 1);
  const w = new Float64Array(n + 1);
  const priorMu = 0.5 * (low + high);
  const range = high - low;
  // prior inserted at its sorted position so neighbours' bandwidths see it, as in Optuna 2.x
  let k = 0;
  let priorAt = -1;
  for (const i of order) {
    if (priorAt < 0 && values[i]! > priorMu) {
      priorAt = k;
      mus[k] = priorMu;
      w[k++] = priorWeight;
    }
    mus[k] = values[i]!;
    w[k++] = weights[i]!;
  }
  if (priorAt < 0) {
    priorAt = k;
    mus[k] = priorMu;
    w[k] = priorWeight;
  }
  const sigmas = new Float64Array(n + 1);
  const minSigma = range / Math.min(100, 1 + n);
  for (let j = 0; j <= n; j++) {
    if (j === priorAt) {
      sigmas[j] = range;
      continue;
    }
    const left = j > 0 ? mus[j]! - mus[j - 1]! : mus[j]! - low;
    const right = j < n ? mus[j + 1]! - mus[j]! : high - mus[j]!;
    sigmas[j] = Math.min(range, Math.max(minSigma, left, right));
  }
  let total = 0;
  for (let j = 0; j <= n; j++) total += w[j]!;
  for (let j = 0; j <= n; j++) w[j] = w[j]! / total;
  return { mus, sigmas, weights: w, low, high };
}

/** Draws one value from the truncated mixture. */
export function sampleParzen(p: Parzen, rng: Rng): number {
  let u = rng.next();
  let j = 0;
  while (j < p.weights.length - 1 && u >= p.weights[j]!) {
    u -= p.weights[j]!;
    j++;
  }
  const mu = p.mus[j]!;
  const sigma = p.sigmas[j]!;
  // inverse-CDF-free truncation: rejection succeeds with probability >= ~0.3 since sigma <= range and mu lies in range
  for (let attempt = 0; attempt < 64; attempt++) {
    const x = rng.normal(mu, sigma);
    if (x >= p.low && x <= p.high) return x;
  }
  return Math.min(p.high, Math.max(p.low, mu));
}

/** Log density of the truncated mixture at `x`. */
export function logPdfParzen(p: Parzen, x: number): number {
  let max = -Infinity;
  const terms = new Float64Array(p.mus.length);
  for (let j = 0; j < p.mus.length; j++) {
    const mu = p.mus[j]!;
    const s = p.sigmas[j]!;
    const z = (x - mu) / s;
    const mass = Math.max(1e-12, phi((p.high - mu) / s) - phi((p.low - mu) / s));
    const t = Math.log(p.weights[j]!) - 0.5 * z * z - Math.log(s) - LOG_SQRT_2PI - Math.log(mass);
    terms[j] = t;
    if (t > max) max = t;
  }
  let sum = 0;
  for (let j = 0; j < terms.length; j++) sum += Math.exp(terms[j]! - max);
  return max + Math.log(sum);
}

/** Log of the mixture's probability mass on `[a, b]` (a grid cell of an int or stepped parameter). */
export function logMassParzen(p: Parzen, a: number, b: number): number {
  let sum = 0;
  for (let j = 0; j < p.mus.length; j++) {
    const mu = p.mus[j]!;
    const s = p.sigmas[j]!;
    const mass = Math.max(1e-12, phi((p.high - mu) / s) - phi((p.low - mu) / s));
    sum += (p.weights[j]! * Math.max(0, phi((b - mu) / s) - phi((a - mu) / s))) / mass;
  }
  return Math.log(Math.max(sum, 1e-300));
}
