/** The skewed benchmark data of issue 10 for bench/boost (`--data skewed`). */
import { createRng } from '../../packages/core/src/rng/index.js';

/**
 * Deterministic data shaped like the lead tables that exposed the accuracy gap: heavy ties and long
 * tails rather than smooth columns. Six column kinds cycle: log-normal with a wide spread, a log-normal
 * rounded to one decimal (hundreds of distinct values, most of the mass on a few), a normal rounded to
 * halves (about 20 values), a zero-inflated amount (60 % exact zeros, the rest a rounded log-normal),
 * a count (floor of a log-normal) and a plain normal. 10 % of the values are NaN on average, but the
 * missing rate rises with the latent risk on a few columns, so missingness carries signal; the
 * intercept is tuned to 4 % positives.
 */
export function makeSkewedData(
  nRows: number,
  nCols: number,
  seed: number,
): { x: Float32Array; y: Float32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(nRows * nCols);
  const logit = new Float64Array(nRows);
  const coef = Array.from({ length: nCols }, (_, j) =>
    j < 30 ? (((j * 7) % 11) - 5) / 6 + (j % 2 ? 0.25 : -0.25) : 0,
  );
  const latent = new Float64Array(nCols);
  for (let i = 0; i < nRows; i++) {
    const risk = rng.normal();
    let s = 0.8 * risk;
    for (let j = 0; j < nCols; j++) {
      const u = rng.normal();
      latent[j] = u;
      let v: number;
      switch (j % 6) {
        case 0:
          v = Math.exp(2 * u);
          break;
        case 1:
          v = Math.round(Math.exp(1.2 * u) * 10) / 10;
          break;
        case 2:
          v = Math.round(2 * u) / 2;
          break;
        case 3:
          v = rng.next() < 0.6 ? 0 : Math.round(Math.exp(5 + 1.5 * u));
          break;
        case 4:
          v = Math.floor(Math.exp(1 + u));
          break;
        default:
          v = u;
      }
      // every third column goes missing more often for risky rows (10 % on average)
      const pMissing = j % 3 === 0 ? 0.1 * (1 + Math.tanh(risk)) : 0.1;
      const missing = rng.next() < pMissing;
      x[i * nCols + j] = missing ? Number.NaN : v;
      const c = coef[j]!;
      if (c === 0 || missing) continue;
      const z = j % 6 === 3 ? (v === 0 ? -1 : u) : u;
      s += j % 3 === 0 ? c * z : j % 3 === 1 ? c * (z > 0.8 ? 1 : -0.3) : c * 0.5 * (z * z - 1);
    }
    logit[i] = s;
  }
  let lo = -20;
  let hi = 20;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    let m = 0;
    for (let i = 0; i < nRows; i++) m += 1 / (1 + Math.exp(-(logit[i]! + mid)));
    if (m / nRows > 0.04) hi = mid;
    else lo = mid;
  }
  const y = new Float32Array(nRows);
  for (let i = 0; i < nRows; i++) y[i] = rng.next() < 1 / (1 + Math.exp(-(logit[i]! + lo))) ? 1 : 0;
  return { x, y };
}
