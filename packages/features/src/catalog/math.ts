import { FLOAT32_MAX } from '../compute/columns.js';

/** Numeric helpers of the catalog: NaN in, NaN out; division by zero gives NaN. */

/** `x`, or NaN when it cannot be stored as a finite Float32 (overflow from a near-zero divisor). */
export function storable(x: number): number {
  return x <= FLOAT32_MAX && x >= -FLOAT32_MAX ? x : Number.NaN;
}

/** `a / b`, NaN when `b` is 0, either side is missing, or the quotient overflows Float32. */
export function ratio(a: number, b: number): number {
  return b === 0 ? Number.NaN : storable(a / b);
}

/** Value `k` quarters before the anchor quarter in an oldest-first history (k = 0: anchor). */
export function quartersBack(history: Float64Array, k: number): number {
  const i = history.length - 1 - k;
  return i >= 0 ? history[i]! : Number.NaN;
}

/** Relative change from `k` quarters back to the anchor quarter: `q0 / q{k} - 1`. */
export function growth(history: Float64Array, k: number): number {
  return ratio(quartersBack(history, 0), quartersBack(history, k)) - 1;
}

/** Index of the first band whose lower edge is <= `x` (edges ascending, lower-inclusive), NaN for NaN or x < 0. */
export function band(x: number, upperEdges: readonly number[]): number {
  if (Number.isNaN(x) || x < 0) return Number.NaN;
  let b = 0;
  while (b < upperEdges.length && x >= upperEdges[b]!) b++;
  return b;
}
