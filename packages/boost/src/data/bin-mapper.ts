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

/** XGBoost's `1e-5f`. */
const EPS32 = Math.fround(1e-5);

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
  return fitAndBin(matrix, options, false).mapper;
}

/**
 * Fits the cuts and bins the same matrix in one pass per column (the sort that finds the quantiles also
 * assigns the codes); `train` uses it when no mapper is given.
 */
export function fitAndBinMatrix(matrix: DenseMatrix, options: FitBinMapperOptions = {}): BinnedMatrix {
  return fitAndBin(matrix, options, true);
}

function fitAndBin(matrix: DenseMatrix, options: FitBinMapperOptions, withCodes: boolean): BinnedMatrix {
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
    for (let i = 0; i < nRows; i++) {
      const w = weights[i]!;
      if (!(Number.isFinite(w) && w >= 0)) {
        throw new InvalidArgumentError(
          `weights[${i}] must be a finite number >= 0, found ${formatValue(w)}`,
          {
            details: { parameter: 'weights', index: i },
          },
        );
      }
    }
  }
  const perFeature: Float32Array[] = [];
  const minValues = new Float32Array(nCols);
  const emptyFeatures: number[] = [];
  const sorter = new RadixSorter(nRows);
  const wide = maxBin + 1 > 256;
  const codes = withCodes ? (wide ? new Uint16Array(nRows * nCols) : new Uint8Array(nRows * nCols)) : null;
  let total = 0;
  for (let f = 0; f < nCols; f++) {
    const col = columnOf(matrix, f);
    const n = sorter.sort(col, weights);
    const summary = summarise(sorter.values, n, weights === undefined ? null : sorter.weights);
    let cuts: Float32Array;
    if (summary.size === 0) {
      emptyFeatures.push(f);
      minValues[f] = Math.fround(-1e-5);
      cuts = Float32Array.of(Math.fround(1e-5));
    } else {
      const min = summary.value[0]!;
      minValues[f] = Math.fround(min - Math.fround(Math.abs(min) + EPS32));
      const intermediate = setPrune(summary, Math.min(maxBin * 8, summary.size));
      const final = setPrune(intermediate, maxBin + 1);
      cuts = addCutPoints(final, maxBin);
    }
    if (codes !== null) {
      // sorted order: the bin only moves forward; upper_bound clamped to the last bin
      const base = f * nRows;
      const nb = cuts.length;
      codes.fill(nb, base, base + nRows);
      const idx = sorter.index;
      const vals = sorter.values;
      let k = 0;
      for (let q = 0; q < n; q++) {
        const v = vals[q]!;
        while (k < nb - 1 && cuts[k]! <= v) k++;
        codes[base + idx[q]!] = k;
      }
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
  const mapper: BinMapper = { maxBin, numFeature: nCols, cuts, cutPtr, minValues, emptyFeatures };
  let widest = 0;
  for (let f = 0; f < nCols; f++) widest = Math.max(widest, cutPtr[f + 1]! - cutPtr[f]! + 1);
  const out =
    codes === null
      ? new Uint8Array(0)
      : codes instanceof Uint16Array && widest <= 256
        ? Uint8Array.from(codes)
        : codes;
  return matrix.names === undefined
    ? { mapper, codes: out, nRows, nCols }
    : { mapper, codes: out, nRows, nCols, names: matrix.names };
}

/**
 * LSD radix sort of a column's non-missing float32 values (3 passes of 11 bits over order-preserving
 * keys), carrying row indices and weights; much faster than a comparison sort per column.
 */
class RadixSorter {
  readonly values: Float32Array;
  readonly index: Int32Array;
  readonly weights: Float64Array;
  private readonly keys: Uint32Array;
  private readonly keys2: Uint32Array;
  private readonly index2: Int32Array;
  private readonly counts = new Int32Array(2048);

  constructor(n: number) {
    this.values = new Float32Array(n);
    this.index = new Int32Array(n);
    this.weights = new Float64Array(n);
    this.keys = new Uint32Array(n);
    this.keys2 = new Uint32Array(n);
    this.index2 = new Int32Array(n);
  }

  /** Sorts the non-NaN entries of `col`; returns how many there are. */
  sort(col: Float32Array, weights: ArrayLike<number> | undefined): number {
    const bits = new Uint32Array(col.buffer, col.byteOffset, col.length);
    let keys = this.keys;
    let idx = this.index;
    let keys2 = this.keys2;
    let idx2 = this.index2;
    let n = 0;
    for (let i = 0; i < col.length; i++) {
      const v = col[i]!;
      if (Number.isNaN(v) || (weights !== undefined && !(weights[i]! > 0))) continue;
      // -0 and +0 are equal as float32 values: give them one key
      const u = v === 0 ? 0 : bits[i]!;
      keys[n] = u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
      idx[n] = i;
      n++;
    }
    const counts = this.counts;
    for (let shift = 0; shift < 33; shift += 11) {
      counts.fill(0);
      for (let q = 0; q < n; q++) counts[(keys[q]! >>> shift) & 2047]!++;
      let sum = 0;
      for (let d = 0; d < 2048; d++) {
        const c = counts[d]!;
        counts[d] = sum;
        sum += c;
      }
      for (let q = 0; q < n; q++) {
        const k = keys[q]!;
        const d = (k >>> shift) & 2047;
        const to = counts[d]!++;
        keys2[to] = k;
        idx2[to] = idx[q]!;
      }
      [keys, keys2] = [keys2, keys];
      [idx, idx2] = [idx2, idx];
    }
    // three passes: the sorted data ended in the second buffers
    this.index.set(idx.subarray(0, n));
    for (let q = 0; q < n; q++) {
      const i = idx[q]!;
      this.values[q] = col[i]!;
      if (weights !== undefined) this.weights[q] = weights[i]!;
    }
    return n;
  }
}

/** Exact weighted quantile summary of sorted values: one entry per distinct value, exact ranks. */
function summarise(sorted: Float32Array, n: number, weights: Float64Array | null): Summary {
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
  cuts.push(Math.fround(max + Math.fround(Math.abs(max) + EPS32)));
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
