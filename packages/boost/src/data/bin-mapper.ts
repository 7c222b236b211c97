/**
 * Quantile binning following XGBoost's `hist` cut construction (`SketchContainerImpl::MakeCuts`,
 * `AddCutPoint`, `WQSummary::SetPrune`): cuts are float32 data values, the minimum is never a cut, a
 * sentinel above the maximum closes the last bin, and with few distinct values the cuts are exactly the
 * distinct values except the minimum. The summary is exact (XGBoost's streaming sketch is approximate
 * beyond a few thousand distinct values), then pruned the way XGBoost prunes it.
 * @module
 */
import { assertInteger, formatValue, InvalidArgumentError } from '@leadscore/core/errors';
import type { DenseMatrix } from '../model/types.js';
import { checkMatrix, columnOf } from './matrix.js';

/**
 * Per-feature bin boundaries fitted on training data; reusable for validation and test matrices.
 * Feature f has `cutPtr[f + 1] - cutPtr[f]` bins; bin k holds `[cuts[k - 1], cuts[k])`.
 */
export interface BinMapper {
  /** The `maxBin` the cuts were fitted with. */
  readonly maxBin: number;
  /** Number of features. */
  readonly numFeature: number;
  /** Cut values of all features, concatenated; each feature's last cut is the sentinel above its max. */
  readonly cuts: Float32Array;
  /** Start of each feature's cuts in `cuts`; `numFeature + 1` entries. */
  readonly cutPtr: Int32Array;
  /** XGBoost's `min_vals`: a value below every training value, the threshold of "all values right". */
  readonly minValues: Float32Array;
  /** Features without any non-missing training value: they get one empty bin and are never split on. */
  readonly emptyFeatures: readonly number[];
}

/** A matrix converted to bin codes with a {@link BinMapper}. */
export interface BinnedMatrix {
  /** The mapper that produced the codes. */
  readonly mapper: BinMapper;
  /** Column-major codes: feature f of row i at `f * nRows + i`; code `nBins(f)` marks a missing value. */
  readonly codes: Uint8Array | Uint16Array;
  readonly nRows: number;
  readonly nCols: number;
  /** Column names of the source matrix, when it had them. */
  readonly names?: readonly string[];
}

/** Options of {@link fitBinMapper}. */
export interface FitBinMapperOptions {
  /** Maximum number of bins per feature (XGBoost's `max_bin`), in [2, 65535]. @default 256 */
  maxBin?: number;
  /** Sample weights for the quantiles (XGBoost weights the sketch by user weights, not hessians). @default undefined (all 1) */
  weights?: ArrayLike<number>;
}

interface Summary {
  value: Float64Array;
  rmin: Float64Array;
  rmax: Float64Array;
  wmin: Float64Array;
  size: number;
}

/**
 * Fits per-feature quantile cuts on a training matrix.
 * @example const mapper = fitBinMapper(train, { maxBin: 256 });
 */
export function fitBinMapper(matrix: DenseMatrix, options: FitBinMapperOptions = {}): BinMapper {
  checkMatrix(matrix);
  const maxBin = options.maxBin ?? 256;
  assertInteger(maxBin, 'maxBin', 2, 65535);
  const { nRows, nCols } = matrix;
  const weights = options.weights;
  if (weights !== undefined) {
    if (weights.length !== nRows) {
      throw new InvalidArgumentError(`weights must have nRows = ${nRows} entries, found ${weights.length}`, {
        details: { parameter: 'weights' },
      });
    }
  }
  const perFeature: Float32Array[] = [];
  const minValues = new Float32Array(nCols);
  const emptyFeatures: number[] = [];
  let total = 0;
  for (let f = 0; f < nCols; f++) {
    const col = columnOf(matrix, f);
    const summary = weights === undefined ? exactSummary(col) : weightedSummary(col, weights);
    let cuts: Float32Array;
    if (summary.size === 0) {
      emptyFeatures.push(f);
      minValues[f] = Math.fround(-1e-5);
      cuts = Float32Array.of(Math.fround(1e-5));
    } else {
      const min = summary.value[0]!;
      minValues[f] = Math.fround(min - (Math.abs(min) + 1e-5));
      const intermediate = setPrune(summary, Math.min(maxBin * 8, summary.size));
      const final = setPrune(intermediate, maxBin + 1);
      cuts = addCutPoints(final, maxBin);
    }
    perFeature.push(cuts);
    total += cuts.length;
  }
  const cuts = new Float32Array(total);
  const cutPtr = new Int32Array(nCols + 1);
  for (let f = 0, at = 0; f < nCols; f++) {
    cuts.set(perFeature[f]!, at);
    at += perFeature[f]!.length;
    cutPtr[f + 1] = at;
  }
  return { maxBin, numFeature: nCols, cuts, cutPtr, minValues, emptyFeatures };
}

function exactSummary(col: Float32Array): Summary {
  let n = 0;
  const values = new Float32Array(col.length);
  for (let i = 0; i < col.length; i++) {
    const v = col[i]!;
    if (!Number.isNaN(v)) values[n++] = v;
  }
  const sorted = values.subarray(0, n).sort();
  return summarise(sorted, null);
}

function weightedSummary(col: Float32Array, weights: ArrayLike<number>): Summary {
  const idx: number[] = [];
  for (let i = 0; i < col.length; i++) {
    const v = col[i]!;
    const w = weights[i]!;
    if (!(Number.isFinite(w) && w >= 0)) {
      throw new InvalidArgumentError(`weights[${i}] must be a finite number >= 0, found ${formatValue(w)}`, {
        details: { parameter: 'weights', index: i },
      });
    }
    if (!Number.isNaN(v) && w > 0) idx.push(i);
  }
  idx.sort((a, b) => col[a]! - col[b]!);
  const sorted = new Float32Array(idx.length);
  const w = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    sorted[k] = col[idx[k]!]!;
    w[k] = weights[idx[k]!]!;
  }
  return summarise(sorted, w);
}

/** Exact weighted quantile summary of sorted values: one entry per distinct value, exact ranks. */
function summarise(sorted: Float32Array, weights: Float64Array | null): Summary {
  const n = sorted.length;
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const s: Summary = {
    value: new Float64Array(distinct),
    rmin: new Float64Array(distinct),
    rmax: new Float64Array(distinct),
    wmin: new Float64Array(distinct),
    size: distinct,
  };
  let k = -1;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const w = weights === null ? 1 : weights[i]!;
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      k++;
      s.value[k] = sorted[i]!;
      s.rmin[k] = acc;
      s.wmin[k] = 0;
    }
    s.wmin[k]! += w;
    acc += w;
    s.rmax[k] = acc;
  }
  return s;
}

/** `WQSummary::SetPrune`: keeps `maxSize` entries chosen by rank. */
function setPrune(src: Summary, maxSize: number): Summary {
  if (src.size <= maxSize) return src;
  const out: Summary = {
    value: new Float64Array(maxSize),
    rmin: new Float64Array(maxSize),
    rmax: new Float64Array(maxSize),
    wmin: new Float64Array(maxSize),
    size: 0,
  };
  const push = (i: number): void => {
    out.value[out.size] = src.value[i]!;
    out.rmin[out.size] = src.rmin[i]!;
    out.rmax[out.size] = src.rmax[i]!;
    out.wmin[out.size] = src.wmin[i]!;
    out.size++;
  };
  const begin = src.rmax[0]!;
  const range = src.rmin[src.size - 1]! - begin;
  const n = maxSize - 1;
  push(0);
  let i = 1;
  let lastIdx = 0;
  for (let k = 1; k < n; k++) {
    const dx2 = 2 * ((k * range) / n + begin);
    while (i < src.size - 1 && dx2 >= src.rmax[i + 1]! + src.rmin[i + 1]!) i++;
    if (i === src.size - 1) break;
    const rminNext = src.rmin[i]! + src.wmin[i]!;
    const rmaxPrev = src.rmax[i + 1]! - src.wmin[i + 1]!;
    if (dx2 < rminNext + rmaxPrev) {
      if (i !== lastIdx) {
        push(i);
        lastIdx = i;
      }
    } else if (i + 1 !== lastIdx) {
      push(i + 1);
      lastIdx = i + 1;
    }
  }
  if (lastIdx !== src.size - 1) push(src.size - 1);
  return out;
}

/** `AddCutPoint` plus the sentinel `max + |max| + 1e-5`. */
function addCutPoints(summary: Summary, maxBin: number): Float32Array {
  const required = Math.min(summary.size, maxBin);
  const cuts: number[] = [];
  for (let i = 1; i < required; i++) {
    const c = summary.value[i]!;
    if (i === 1 || c > cuts[cuts.length - 1]!) cuts.push(c);
  }
  const max = summary.value[summary.size - 1]!;
  cuts.push(Math.fround(max + Math.fround(Math.abs(max) + 1e-5)));
  return Float32Array.from(cuts);
}

/** Number of bins of feature `f` (its missing-value code). */
export function binCount(mapper: BinMapper, f: number): number {
  return mapper.cutPtr[f + 1]! - mapper.cutPtr[f]!;
}

/**
 * Converts a matrix to bin codes with a fitted mapper (`bin = upper_bound(cuts, x)`, clamped to the last
 * bin, as XGBoost's `SearchBin`). Codes are Uint8 when every feature's bins plus the missing code fit.
 * @example const binned = binMatrix(test, mapper);
 */
export function binMatrix(matrix: DenseMatrix, mapper: BinMapper): BinnedMatrix {
  checkMatrix(matrix);
  if (matrix.nCols !== mapper.numFeature) {
    throw new InvalidArgumentError(
      `data must have the mapper's ${mapper.numFeature} columns, found ${matrix.nCols}`,
      { details: { parameter: 'data', expected: mapper.numFeature, value: matrix.nCols } },
    );
  }
  const { nRows, nCols } = matrix;
  let widest = 0;
  for (let f = 0; f < nCols; f++) widest = Math.max(widest, binCount(mapper, f) + 1);
  const codes = widest <= 256 ? new Uint8Array(nRows * nCols) : new Uint16Array(nRows * nCols);
  const { cuts, cutPtr } = mapper;
  for (let f = 0; f < nCols; f++) {
    const col = columnOf(matrix, f);
    const lo = cutPtr[f]!;
    const nb = cutPtr[f + 1]! - lo;
    const base = f * nRows;
    for (let i = 0; i < nRows; i++) {
      const v = col[i]!;
      if (Number.isNaN(v)) {
        codes[base + i] = nb;
        continue;
      }
      let a = 0;
      let b = nb;
      while (a < b) {
        const m = (a + b) >>> 1;
        if (cuts[lo + m]! <= v) a = m + 1;
        else b = m;
      }
      codes[base + i] = a < nb ? a : nb - 1;
    }
  }
  return matrix.names === undefined
    ? { mapper, codes, nRows, nCols }
    : { mapper, codes, nRows, nCols, names: matrix.names };
}

/** True when `x` looks like a {@link BinnedMatrix}. */
export function isBinnedMatrix(x: unknown): x is BinnedMatrix {
  return typeof x === 'object' && x !== null && 'codes' in x && 'mapper' in x;
}
