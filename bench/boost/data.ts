/** Deterministic benchmark data for bench/boost. */
import { createRng } from '../../packages/core/src/rng/index.js';

/**
 * Deterministic data with signal: 60 columns of five kinds (normal, uniform, log-normal, counts,
 * 3-level codes), 10 % NaN everywhere, a nonlinear logit on the first 24 columns (linear, step,
 * quadratic), missingness itself informative on a few, intercept tuned to ~4 % positives.
 */
export function makeData(nRows: number, nCols: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(nRows * nCols);
  const logit = new Float64Array(nRows);
  const coef = Array.from({ length: nCols }, (_, j) =>
    j < 24 ? ((j % 7) - 3) / 4 + (j % 2 ? 0.3 : -0.3) : 0,
  );
  for (let i = 0; i < nRows; i++) {
    let s = 0;
    for (let j = 0; j < nCols; j++) {
      let v: number;
      switch (j % 5) {
        case 0:
          v = rng.normal();
          break;
        case 1:
          v = rng.next() * 10;
          break;
        case 2:
          v = Math.exp(rng.normal(0, 1.2));
          break;
        case 3:
          v = Math.floor(rng.next() * 21);
          break;
        default:
          v = Math.floor(rng.next() * 3);
      }
      const missing = rng.next() < 0.1;
      x[i * nCols + j] = missing ? Number.NaN : v;
      const c = coef[j]!;
      if (c === 0) continue;
      if (missing) {
        s += j % 4 === 0 ? 0.6 : 0;
        continue;
      }
      const z =
        j % 5 === 0
          ? v
          : j % 5 === 1
            ? v / 5 - 1
            : j % 5 === 2
              ? Math.log(v)
              : j % 5 === 3
                ? v / 10 - 1
                : v - 1;
      s += j % 3 === 0 ? c * z : j % 3 === 1 ? c * (z > 0.3 ? 1 : -1) : c * (z * z - 1);
    }
    logit[i] = s + 0.5 * rng.normal();
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
