/**
 * Quantile binning identical to XGBoost 1.7's `hist` cut construction on a `DMatrix`
 * (`HostSketchContainer`: one streaming `WQuantileSketch` per column, fed in row order, then
 * `AllReduce`'s prune to `min(count, 8 * maxBin)`, `MakeCuts`' prune to `maxBin + 1`, `AddCutPoint`):
 * cuts are float32 data values, the minimum is never a cut, a sentinel above the maximum closes the
 * last bin, and with few distinct values the cuts are exactly the distinct values except the minimum.
 * The sketch is in `quantile-sketch.ts`; when it would hold every distinct value the exact summary of
 * the sorted column, which it then equals, is used instead.
 * @module
 */
import { formatValue, InvalidArgumentError } from '@leadscore/core/errors';
import { assertInteger } from '@leadscore/core/internal';
import type { Matrix } from '@leadscore/core/matrix';
import { checkMatrix, columnOf } from './matrix.js';
import { type QuantileSketchKernel, quantileSketchKernel } from './quantile-sketch.js';

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
  /** Column names of the source matrix. */
  readonly names: readonly string[];
}

/** Options of {@link fitBinMapper}. */
export interface FitBinMapperOptions {
  /** Maximum number of bins per feature (XGBoost's `max_bin`), in [2, 65535]. @default 256 */
  maxBin?: number;
  /** Sample weights for the quantiles (XGBoost weights the sketch by user weights, not hessians). @default undefined (all 1) */
  weights?: ArrayLike<number>;
}

/**
 * Fits per-feature quantile cuts on a training matrix.
 * @example const mapper = fitBinMapper(train, { maxBin: 256 });
 */
export function fitBinMapper(matrix: Matrix, options: FitBinMapperOptions = {}): BinMapper {
  return fitAndBinWith(matrix, options, false).mapper;
}

/**
 * Fits the cuts and bins the same matrix in one pass per column (the sort that finds the quantiles also
 * assigns the codes); `train` uses it when no mapper is given.
 */
export function fitAndBinMatrix(matrix: Matrix, options: FitBinMapperOptions = {}): BinnedMatrix {
  return fitAndBinWith(matrix, options, true);
}

/** Where {@link fitBinColumns} writes a fit; `cuts` has `maxBin` slots per feature. */
export interface BinColumnsTask {
  /** Column-major values. */
  readonly data: Float32Array;
  readonly nRows: number;
  readonly nCols: number;
  /** Validated weights, or an empty array for none. */
  readonly weights: Float64Array;
  readonly maxBin: number;
  /** Output codes (column-major), or an empty array to fit the cuts only. */
  readonly codes: Uint8Array | Uint16Array;
  readonly cuts: Float32Array;
  readonly cutLen: Int32Array;
  readonly minValues: Float32Array;
}

/** Runs `fitBinColumns(task, counter, quantileSketchKernel)` on every thread of a pool and returns when all columns are done. */
export type BinColumnsRunner = (task: BinColumnsTask) => void;

/**
 * Fits the cuts of columns and bins them, one column at a time; the columns are taken from
 * `counter[3]` (every thread of a pool calls it with the same task) or, with `counter` null, all in
 * order. Each column's result depends on that column only, so it does not matter which thread fits
 * it. Self-contained (helpers nested, no imports, no module constants): worker threads receive its
 * source, and `sketchKernel` (`quantileSketchKernel`, whose source they also receive). A feature
 * without values (or with only zero weights) gets `cutLen` -1.
 */
export function fitBinColumns(
  task: BinColumnsTask,
  counter: Int32Array | null,
  sketchKernel: () => QuantileSketchKernel,
): void {
  const { data, nRows, nCols, maxBin, codes, cuts: cutsOut, cutLen, minValues } = task;
  const weights = task.weights.length > 0 ? task.weights : null;
  // XGBoost's 1e-5f
  const EPS32 = Math.fround(1e-5);
  // columns are claimed in blocks of eight: fewer atomic claims, and a thread's columns are adjacent
  const BLOCK = 8;
  let col = data.subarray(0, 0);
  const values = new Float32Array(nRows);
  const index = new Int32Array(nRows);
  const keysA = new Uint32Array(nRows);
  const keysB = new Uint32Array(nRows);
  const indexB = new Int32Array(nRows);
  const counts = new Int32Array(2048);

  const qk = sketchKernel();
  const sketch = qk.createSketch();

  // radix sort of the non-missing float32 values carrying row indices: much faster than a comparison
  // sort per column
  function sortColumn(): number {
    const bits = new Uint32Array(col.buffer, col.byteOffset, col.length);
    let n = 0;
    for (let i = 0; i < nRows; i++) {
      if (Number.isNaN(col[i] as number)) continue;
      keysA[n] = qk.floatKey(bits[i] as number);
      indexB[n] = i;
      n++;
    }
    qk.radixSort(n, keysA, indexB, keysB, index, counts);
    for (let q = 0; q < n; q++) values[q] = col[index[q] as number] as number;
    return n;
  }

  // summaries live in buffers allocated once: large allocations per column page-fault, and page
  // faults of threads of one process serialise on the address-space lock
  const full = qk.newSummary(nRows);
  const pruned1 = qk.newSummary(Math.min(nRows, maxBin * 8));
  const pruned2 = qk.newSummary(Math.min(nRows, maxBin + 1));

  // exact weighted quantile summary of the sorted values, one entry per distinct value (the sketch's
  // result when it holds every distinct value: unit weights keep float32 ranks exact below 2^24)
  function summarise(n: number): void {
    const s = full;
    s.size = 0;
    let acc = 0;
    for (let i = 0; i < n; i++) {
      if (i === 0 || values[i] !== values[i - 1]) {
        const k = s.size++;
        s.value[k] = values[i] as number;
        s.rmin[k] = acc;
        s.wmin[k] = 0;
      }
      acc++;
      const k = s.size - 1;
      s.wmin[k] = (s.wmin[k] as number) + 1;
      s.rmax[k] = acc;
    }
  }

  function countDistinct(n: number): number {
    let distinct = 0;
    for (let i = 0; i < n; i++) if (i === 0 || values[i] !== values[i - 1]) distinct++;
    return distinct;
  }

  const nBlocks = Math.ceil(nCols / BLOCK);
  for (let jb = 0; ; jb++) {
    if (counter !== null) jb = Atomics.add(counter, 3, 1);
    if (jb >= nBlocks) break;
    const f0 = jb * BLOCK;
    const width = Math.min(BLOCK, nCols - f0);
    for (let f = f0; f < f0 + width; f++) {
      col = data.subarray(f * nRows, (f + 1) * nRows);
      fitColumn(f);
    }
  }

  function fitColumn(f: number): void {
    const n = sortColumn();
    const out = f * maxBin;
    let nb = 0;
    let summary = full;
    if (n > 0) {
      // HostSketchContainer: eps from the column's non-missing count (zero weights included)
      const eps = 1 / Math.fround(Math.max(1, Math.min(maxBin, n)) * 8);
      const limitSize = qk.limitSizeLevel(n, eps)[1];
      if (weights === null && n < 16777216 && countDistinct(n) <= limitSize) {
        summarise(n);
      } else {
        // pushed in row order, as XGBoost's PushRowPage does (a thread owns whole columns)
        sketch.init(n, eps, true);
        for (let i = 0; i < nRows; i++) {
          const v = col[i] as number;
          if (!Number.isNaN(v)) sketch.push(v, weights === null ? 1 : (weights[i] as number));
        }
        summary = sketch.getSummary();
      }
    }
    if (n === 0 || summary.size === 0) {
      // no values, or only zero weights: one empty bin, never split on
      minValues[f] = Math.fround(-1e-5);
      cutsOut[out] = Math.fround(1e-5);
      cutLen[f] = -1;
      nb = 1;
    } else {
      const min = summary.value[0] as number;
      // `mval - fabs(mval) - 1e-5f`: C's double fabs, so the float32 rounding happens once, at the end
      minValues[f] = Math.fround(min - Math.abs(min) - EPS32);
      // AllReduce's intermediate prune, then MakeCuts' prune to max_num_bins + 1
      const numCuts = Math.min(n, maxBin * 8);
      const maxNumBins = Math.min(numCuts, maxBin);
      const final = qk.setPrune(pruned2, qk.setPrune(pruned1, summary, numCuts), maxNumBins + 1);
      // AddCutPoint plus the sentinel `cpt + (fabs(cpt) + 1e-5f)`, in double and rounded once, as above
      const required = Math.min(final.size, maxNumBins);
      for (let i = 1; i < required; i++) {
        const c = final.value[i] as number;
        if (i === 1 || c > (cutsOut[out + nb - 1] as number)) cutsOut[out + nb++] = c;
      }
      const max = final.value[final.size - 1] as number;
      cutsOut[out + nb++] = Math.fround(max + (Math.abs(max) + EPS32));
      cutLen[f] = nb;
    }
    if (codes.length > 0) {
      // sorted order: the bin only moves forward; upper_bound clamped to the last bin
      const base = f * nRows;
      codes.fill(nb, base, base + nRows);
      let k = 0;
      for (let q = 0; q < n; q++) {
        const v = values[q] as number;
        while (k < nb - 1 && (cutsOut[out + k] as number) <= v) k++;
        codes[base + (index[q] as number)] = k;
      }
    }
  }
}

/**
 * Fits the cuts (and with `withCodes` bins the same matrix in one pass per column); `runner` spreads
 * the columns over a thread pool (the buffers are then shared), else they are fitted here.
 */
export function fitAndBinWith(
  matrix: Matrix,
  options: FitBinMapperOptions,
  withCodes: boolean,
  runner: BinColumnsRunner | null = null,
): BinnedMatrix {
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
  const wide = maxBin + 1 > 256;
  const alloc = (bytes: number): ArrayBuffer | SharedArrayBuffer =>
    runner === null ? new ArrayBuffer(bytes) : new SharedArrayBuffer(Math.max(8, bytes));
  const n = withCodes ? nRows * nCols : 0;
  const codes = wide ? new Uint16Array(alloc(2 * n), 0, n) : new Uint8Array(alloc(n), 0, n);
  let data = matrix.values;
  if (runner !== null && !(data.buffer instanceof SharedArrayBuffer)) {
    data = new Float32Array(alloc(data.byteLength), 0, data.length);
    data.set(matrix.values);
  }
  const nw = weights === undefined ? 0 : nRows;
  const w = new Float64Array(alloc(8 * nw), 0, nw);
  for (let i = 0; i < nw; i++) w[i] = weights![i]!;
  const task: BinColumnsTask = {
    data,
    nRows,
    nCols,
    weights: w,
    maxBin,
    codes,
    cuts: new Float32Array(alloc(4 * nCols * maxBin), 0, nCols * maxBin),
    cutLen: new Int32Array(alloc(4 * nCols), 0, nCols),
    minValues: new Float32Array(alloc(4 * nCols), 0, nCols),
  };
  if (runner === null) fitBinColumns(task, null, quantileSketchKernel);
  else runner(task);
  const emptyFeatures: number[] = [];
  const cutPtr = new Int32Array(nCols + 1);
  for (let f = 0; f < nCols; f++) {
    const len = task.cutLen[f]!;
    if (len < 0) emptyFeatures.push(f);
    cutPtr[f + 1] = cutPtr[f]! + Math.abs(len);
  }
  const cuts = new Float32Array(cutPtr[nCols]!);
  for (let f = 0; f < nCols; f++) {
    cuts.set(task.cuts.subarray(f * maxBin, f * maxBin + cutPtr[f + 1]! - cutPtr[f]!), cutPtr[f]!);
  }
  const mapper: BinMapper = {
    maxBin,
    numFeature: nCols,
    cuts,
    cutPtr,
    minValues: Float32Array.from(task.minValues),
    emptyFeatures,
  };
  let widest = 0;
  for (let f = 0; f < nCols; f++) widest = Math.max(widest, cutPtr[f + 1]! - cutPtr[f]! + 1);
  const out = !withCodes
    ? new Uint8Array(0)
    : codes instanceof Uint16Array && widest <= 256
      ? Uint8Array.from(codes)
      : codes;
  return { mapper, codes: out, nRows, nCols, names: matrix.names };
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
export function binMatrix(matrix: Matrix, mapper: BinMapper): BinnedMatrix {
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
  return { mapper, codes, nRows, nCols, names: matrix.names };
}

/** True when `x` looks like a {@link BinnedMatrix}. */
export function isBinnedMatrix(x: unknown): x is BinnedMatrix {
  return typeof x === 'object' && x !== null && 'codes' in x && 'mapper' in x;
}
