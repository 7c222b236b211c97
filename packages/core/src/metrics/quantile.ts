import { selectInPlace } from './select.js';

/**
 * numpy's default ('linear') percentile of an ascending-sorted array (or one where
 * `selectInPlace` has fixed every position this reads), reproduced operation by operation
 * (including its two-sided lerp) so bin edges match `np.percentile` bit for bit.
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const virtual = (n - 1) * q;
  if (virtual >= n - 1) return sorted[n - 1]!;
  if (virtual < 0) return sorted[0]!;
  const prev = Math.floor(virtual);
  const gamma = virtual - prev;
  const a = sorted[prev]!;
  const b = sorted[prev + 1]!;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** `np.linspace(0, 1, bins + 1)`, element i computed as numpy does (`i * step`, last element exactly 1). */
export function linspaceUnit(bins: number): Float64Array {
  const out = new Float64Array(bins + 1);
  const step = 1 / bins;
  for (let i = 0; i < bins; i++) out[i] = i * step;
  out[bins] = 1;
  return out;
}

/** Edges at the quantiles of `values` as `np.percentile(values, np.linspace(0, 1, bins + 1) * 100)`. */
export function quantileEdges(values: ArrayLike<number>, bins: number): Float64Array {
  const n = values.length;
  const qs = linspaceUnit(bins);
  for (let i = 0; i <= bins; i++) qs[i] = (qs[i]! * 100) / 100;
  // Like numpy, select only the order statistics the interpolation reads instead of sorting everything.
  const needed = new Set<number>([0, n - 1]);
  for (const q of qs) {
    const prev = Math.floor((n - 1) * q);
    if (prev >= 0 && prev < n) needed.add(prev);
    if (prev + 1 < n) needed.add(prev + 1);
  }
  const positions = Float64Array.from(needed).sort();
  const partial = Float64Array.from(values);
  selectInPlace(partial, positions);
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = quantileSorted(partial, qs[i]!);
  return edges;
}

/**
 * `np.searchsorted(edges[1:-1], v)` (side 'left'): the number of inner edges strictly below `v`, so bins
 * are right-closed `(e_i, e_{i+1}]` and the outer bins extend to infinity.
 */
export function binIndex(edges: Float64Array, v: number): number {
  let lo = 1;
  let hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
