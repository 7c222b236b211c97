/**
 * `train`: gradient boosting for `binary:logistic` on histogram bins, XGBoost 1.7 `hist` semantics.
 * @module
 */
import { CancelledError, DataError, formatValue, InvalidArgumentError } from '@leadscore/core/errors';
import { assertArg } from '@leadscore/core/internal';
import { parseWith } from '@leadscore/core/issues';
import type { Matrix } from '@leadscore/core/matrix';
import { createRng, type Rng } from '@leadscore/core/rng';
import { z } from 'zod';
import { Booster, type TrainingLog } from '../booster.js';
import {
  type BinColumnsRunner,
  type BinMapper,
  type BinnedMatrix,
  binCount,
  binMatrix,
  fitAndBinWith,
  isBinnedMatrix,
} from '../data/bin-mapper.js';
import { checkMatrix, checkNoCategorical } from '../data/matrix.js';
import { baseMargin } from '../model/base-margin.js';
import { pickModelParams } from '../model/params.js';
import type { BoosterModel, TreeArrays } from '../model/types.js';
import { accumulateMargins, packForest, sigmoid32 } from '../predict/predict.js';
import { averagePrecision, logLoss } from './eval-metrics.js';
import { type GrownTree, TreeGrower } from './grow.js';
import { resolveParams, type TrainParams } from './params.js';
import { createTrainingExecutor } from './training-executor.js';

const fround = Math.fround;

/** A validation set for early stopping and the evaluation log. */
export interface EvalSet {
  /** Raw matrix, or one binned with the training data's mapper. */
  readonly data: Matrix | BinnedMatrix;
  /** 0/1 labels. */
  readonly labels: ArrayLike<number>;
  /** Sample weights. @default undefined (all 1) */
  readonly weights?: ArrayLike<number>;
}

/** Progress reported after every round. */
export interface RoundInfo {
  /** 0-based index of the round just finished. */
  readonly iteration: number;
  readonly numRounds: number;
  /** Evaluation metric on the eval set after this round, when there is one. */
  readonly evalScore?: number;
  /** Best round so far (by the eval metric, else the last). */
  readonly bestIteration: number;
  /** Milliseconds since training started. */
  readonly elapsedMs: number;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** Sample weights, one per row, finite and >= 0. @default undefined (all 1) */
  weights?: ArrayLike<number>;
  /** Validation set for the evaluation log and early stopping. @default undefined */
  evalSet?: EvalSet;
  /** Metric on the eval set: `'logloss'` (lower is better) or `'aucpr'` (average precision). @default 'logloss' */
  evalMetric?: 'logloss' | 'aucpr';
  /** Stop after this many rounds without improvement on the eval set; 0 = never. @default 0 */
  earlyStoppingRounds?: number;
  /** Called after every round; return `false` to stop training (the trees so far are kept). @default undefined */
  onRound?: (info: RoundInfo) => boolean | undefined;
  /** Aborting rejects the promise with a CancelledError (checked between rounds). @default undefined */
  signal?: AbortSignal;
  /** A mapper fitted earlier (ignored when `data` is already binned). @default fitted on `data` */
  binMapper?: BinMapper;
  /**
   * Split categorical columns on their level codes as if they were ordered numbers; without it a
   * categorical column in `data` or the eval set is refused (boost has no categorical splits).
   * @default false
   */
  categoricalAsCodes?: boolean;
  /**
   * Keep the float32 margins of the training rows and eval rows at the best iteration in
   * `trainingLog.margins`, so {@link predictFromMargins} can return these rows' probabilities without
   * walking the trees again. Costs one copy of the margins per new best round.
   * @default false
   */
  keepMargins?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * The one list of {@link TrainOptions}' keys, unknown keys refused. Shapes only: the weights' values and
 * the eval set's columns and mapper are checked against the data in {@link train}.
 */
const trainOptionsSchema = z
  .object({
    weights: z
      .custom<ArrayLike<number>>(
        (v) => isObject(v) && typeof v.length === 'number',
        'must be an array of weights',
      )
      .optional(),
    evalSet: z
      .custom<EvalSet>((v) => isObject(v) && isObject(v.data), 'must be an object { data, labels }')
      .optional(),
    evalMetric: z.enum(['logloss', 'aucpr'], "must be 'logloss' or 'aucpr'").optional(),
    earlyStoppingRounds: z
      .number('must be an integer >= 0')
      .int('must be an integer >= 0')
      .min(0, 'must be an integer >= 0')
      .optional(),
    onRound: z
      .custom<TrainOptions['onRound']>((v) => typeof v === 'function', 'must be a function')
      .optional(),
    signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'must be an AbortSignal').optional(),
    binMapper: z.custom<BinMapper>(isObject, 'must be a BinMapper (from fitBinMapper)').optional(),
    categoricalAsCodes: z.boolean('must be a boolean').optional(),
    keepMargins: z.boolean('must be a boolean').optional(),
  })
  .strict();

function checkLabels(labels: ArrayLike<number>, nRows: number, name: string): Float32Array {
  assertArg(
    labels !== null && typeof labels === 'object' && typeof labels.length === 'number',
    name,
    'an array of 0/1 labels',
    labels,
  );
  if (labels.length !== nRows) {
    throw new InvalidArgumentError(`${name} must have one label per row (${nRows}), found ${labels.length}`, {
      details: { parameter: name, expected: nRows, value: labels.length },
    });
  }
  const out = new Float32Array(nRows);
  for (let i = 0; i < nRows; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) {
      throw new DataError(`${name}[${i}] must be 0 or 1, found ${formatValue(y)}`, {
        details: { parameter: name, index: i, value: y },
      });
    }
    out[i] = y;
  }
  return out;
}

function checkWeights(
  weights: ArrayLike<number> | undefined,
  nRows: number,
  name: string,
): Float32Array | null {
  if (weights === undefined) return null;
  if (weights.length !== nRows) {
    throw new InvalidArgumentError(
      `${name} must have one weight per row (${nRows}), found ${weights.length}`,
      {
        details: { parameter: name, expected: nRows, value: weights.length },
      },
    );
  }
  const out = new Float32Array(nRows);
  let sum = 0;
  for (let i = 0; i < nRows; i++) {
    const w = weights[i]!;
    if (!(typeof w === 'number' && Number.isFinite(w) && w >= 0)) {
      throw new DataError(`${name}[${i}] must be a finite number >= 0, found ${formatValue(w)}`, {
        details: { parameter: name, index: i, value: w },
      });
    }
    out[i] = w;
    sum += w;
  }
  if (!(sum > 0))
    throw new DataError(`${name} must have a positive sum, found ${sum}`, { details: { parameter: name } });
  return out;
}

function nRowsOf(data: Matrix | BinnedMatrix): number {
  return data.nRows;
}

function toTreeArrays(t: GrownTree): TreeArrays {
  const n = t.numNodes;
  const left = Int32Array.from(t.left);
  const right = new Int32Array(n);
  for (let i = 0; i < n; i++) right[i] = left[i]! < 0 ? -1 : left[i]! + 1;
  return {
    numNodes: n,
    left,
    right,
    parent: Int32Array.from(t.parent),
    splitFeature: Int32Array.from(t.splitFeature),
    threshold: Float32Array.from(t.threshold),
    defaultLeft: Uint8Array.from(t.defaultLeft),
    leafValue: Float32Array.from(t.leafValue),
    baseWeight: Float32Array.from(t.baseWeight),
    lossChange: Float32Array.from(t.lossChange),
    sumHessian: Float32Array.from(t.sumHessian),
    count: Int32Array.from(t.count),
  };
}

/** Adds one tree's leaves to margins of binned rows (bins <= split bin go left, missing to the default). */
function addTreeBinned(
  t: GrownTree,
  b: BinnedMatrix,
  rows: Int32Array | null,
  nRowsToDo: number,
  margin: Float32Array,
): void {
  const { codes, nRows, mapper } = b;
  const { cutPtr } = mapper;
  for (let k = 0; k < nRowsToDo; k++) {
    const i = rows === null ? k : rows[k]!;
    let n = 0;
    let l = t.left[0]!;
    while (l >= 0) {
      const f = t.splitFeature[n]!;
      const c = codes[f * nRows + i]!;
      const miss = cutPtr[f + 1]! - cutPtr[f]!;
      n = (c === miss ? t.defaultLeft[n] === 1 : c <= t.splitBin[n]!) ? l : l + 1;
      l = t.left[n]!;
    }
    margin[i] = margin[i]! + t.leafValue[n]!;
  }
}

function sampleFeatures(rng: Rng, from: Int32Array, fraction: number): Int32Array {
  if (fraction >= 1) return from;
  const k = Math.max(1, Math.floor(fraction * from.length));
  const copy = Array.from(from);
  rng.shuffle(copy);
  return Int32Array.from(copy.slice(0, k)).sort();
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** True for XGBoost's names of unnamed features (f0, f1, ...): the model then records no names, as XGBoost's. */
function unnamed(names: readonly string[]): boolean {
  return names.every((name, j) => name === `f${j}`);
}

/**
 * Trains a boosted-tree binary classifier (`binary:logistic`) with XGBoost's `hist` algorithm.
 * @example
 * const booster = await train(fromRows(x, n), y, { numRounds: 100, maxDepth: 4 });
 * const p = booster.predict(testMatrix);
 */
export async function train(
  data: Matrix | BinnedMatrix,
  labels: ArrayLike<number>,
  params: TrainParams = {},
  options: TrainOptions = {},
): Promise<Booster> {
  const started = performance.now();
  parseWith(trainOptionsSchema, options, 'options');
  let binned: BinnedMatrix;
  if (isBinnedMatrix(data)) binned = data;
  else {
    checkMatrix(data);
    checkNoCategorical(data, options.categoricalAsCodes === true);
    if (data.nRows === 0) {
      throw new InvalidArgumentError('data must have at least one row, found 0', {
        details: { parameter: 'data' },
      });
    }
  }
  const nRows = nRowsOf(data);
  if (nRows === 0)
    throw new InvalidArgumentError('data must have at least one row, found 0', {
      details: { parameter: 'data' },
    });
  const y = checkLabels(labels, nRows, 'labels');
  let nPos = 0;
  for (let i = 0; i < nRows; i++) nPos += y[i]!;
  if (nPos === 0 || nPos === nRows) {
    throw new DataError(
      `labels must contain both classes 0 and 1, found only ${nPos === 0 ? 0 : 1} (${nRows} rows)`,
      {
        details: { parameter: 'labels' },
      },
    );
  }
  const weights = checkWeights(options.weights, nRows, 'options.weights');
  const p = resolveParams(params, data.nCols);
  const evalMetric = options.evalMetric ?? 'logloss';
  const esRounds = options.earlyStoppingRounds ?? 0;
  if (esRounds > 0 && options.evalSet === undefined) {
    throw new InvalidArgumentError(
      'options.evalSet must be given when earlyStoppingRounds > 0, found undefined',
      {
        details: { parameter: 'options.evalSet' },
      },
    );
  }
  // the pool starts first: fitting the bins is its first threaded step
  const executor = await createTrainingExecutor(p.nthread);
  let mapper: BinMapper;
  let nFeat: number;
  const ev = options.evalSet;
  let evalY: Float32Array | null = null;
  let evalW: Float32Array | null = null;
  let evalMargin: Float32Array | null = null;
  try {
    if (!isBinnedMatrix(data)) {
      const runner: BinColumnsRunner | null =
        executor.threads > 1 ? (task) => executor.binColumns(task) : null;
      const fitOptions = weights === null ? { maxBin: p.maxBin } : { maxBin: p.maxBin, weights };
      binned =
        options.binMapper !== undefined
          ? binMatrix(data, options.binMapper)
          : fitAndBinWith(data, fitOptions, true, runner);
    }
    binned = binned!;
    mapper = binned.mapper;
    nFeat = binned.nCols;
    checkEvalSet();
  } catch (e) {
    await executor.close();
    throw e;
  }

  function checkEvalSet(): void {
    if (ev === undefined) return;
    assertArg(
      typeof ev === 'object' && ev !== null && typeof ev.data === 'object',
      'options.evalSet',
      'an object { data, labels }',
      ev,
    );
    if (ev.data.nCols !== nFeat) {
      throw new InvalidArgumentError(
        `options.evalSet.data must have the training data's ${nFeat} columns, found ${ev.data.nCols}`,
        { details: { parameter: 'options.evalSet.data', expected: nFeat, value: ev.data.nCols } },
      );
    }
    if (isBinnedMatrix(ev.data)) {
      if (ev.data.mapper !== mapper) {
        throw new InvalidArgumentError(
          "options.evalSet.data must be binned with the training data's bin mapper, found a different mapper",
          { details: { parameter: 'options.evalSet.data' } },
        );
      }
    } else {
      checkMatrix(ev.data, 'options.evalSet.data');
      checkNoCategorical(ev.data, options.categoricalAsCodes === true, 'options.evalSet.data');
    }
    evalY = checkLabels(ev.labels, ev.data.nRows, 'options.evalSet.labels');
    evalW = checkWeights(ev.weights, ev.data.nRows, 'options.evalSet.weights');
  }

  // intercept
  let baseScore: number;
  if (p.baseScore === 'mean') {
    let sw = 0;
    let swy = 0;
    for (let i = 0; i < nRows; i++) {
      const w = (weights === null ? 1 : weights[i]!) * (y[i] === 1 ? p.scalePosWeight : 1);
      sw += w;
      swy += w * y[i]!;
    }
    baseScore = fround(Math.min(Math.max(swy / sw, 1e-6), 1 - 1e-6));
  } else baseScore = fround(p.baseScore);
  const margin0 = baseMargin(baseScore);

  // growth data: slots per feature = bins + 1 (missing)
  const nbins = new Int32Array(nFeat);
  const slotPtr = new Int32Array(nFeat + 1);
  for (let f = 0; f < nFeat; f++) {
    nbins[f] = binCount(mapper, f);
    slotPtr[f + 1] = slotPtr[f]! + nbins[f]! + 1;
  }
  const monotone =
    p.monotoneConstraints.length > 0 && p.monotoneConstraints.some((c) => c !== 0)
      ? Int8Array.from(p.monotoneConstraints)
      : null;
  const trees: TreeArrays[] = [];
  const history: number[] = [];
  let bestIteration = -1;
  let bestScore = Number.NaN;
  const keepMargins = options.keepMargins === true;
  // margins after the best round so far (before any round: the base margin), when asked to keep them
  const bestMargin: Float32Array | null = keepMargins ? new Float32Array(nRows).fill(margin0) : null;
  const bestEvalMargin: Float32Array | null =
    keepMargins && ev !== undefined ? new Float32Array(ev.data.nRows).fill(margin0) : null;
  try {
    const grower = new TreeGrower(
      {
        codes: binned.codes,
        nRows,
        nFeat,
        nbins,
        slotPtr,
        cuts: mapper.cuts,
        cutPtr: mapper.cutPtr,
        minValues: mapper.minValues,
      },
      p,
      executor,
      monotone,
    );
    const margin = grower.sharedFloat32(margin0, nRows);
    const ys = grower.sharedFloat32(y, nRows);
    const ws = weights === null ? new Float32Array(0) : grower.sharedFloat32(weights, nRows);
    const grad = grower.grad;
    const hess = grower.hess;
    const rng = createRng(p.seed);
    const allFeatures = new Int32Array(nFeat);
    for (let f = 0; f < nFeat; f++) allFeatures[f] = f;
    const sampled = p.subsample < 1 ? new Int32Array(nRows) : null;
    const unsampled = p.subsample < 1 ? new Int32Array(nRows) : null;
    if (ev !== undefined) evalMargin = new Float32Array(ev.data.nRows).fill(margin0);

    for (let round = 0; round < p.numRounds; round++) {
      if (options.signal?.aborted) {
        throw new CancelledError(`training was cancelled at round ${round}`, { details: { round } });
      }
      grower.computeGradients(margin, ys, ws, p.scalePosWeight, p.subsample >= 1);
      let nSampled = nRows;
      let nUnsampled = 0;
      if (sampled !== null && unsampled !== null) {
        nSampled = 0;
        for (let i = 0; i < nRows; i++) {
          if (rng.next() < p.subsample) sampled[nSampled++] = i;
          else unsampled[nUnsampled++] = i;
        }
      }
      const treeFeatures = sampleFeatures(rng, allFeatures, p.colsampleByTree);
      const grown = grower.grow({
        grad,
        hess,
        sampledRows: sampled,
        nSampled,
        treeFeatures,
        nodeFeatures: (from) => sampleFeatures(rng, from, p.colsampleByNode),
      });
      // margins of the training rows: leaves know their sampled rows; others are routed by bins
      grower.addLeaves(grown, margin);
      if (nUnsampled > 0) addTreeBinned(grown, binned, unsampled, nUnsampled, margin);
      const tree = toTreeArrays(grown);
      trees.push(tree);

      let evalScore: number | undefined;
      if (ev !== undefined && evalMargin !== null && evalY !== null) {
        if (isBinnedMatrix(ev.data)) addTreeBinned(grown, ev.data, null, ev.data.nRows, evalMargin);
        else accumulateMargins(packForest([tree]), ev.data, 0, 1, evalMargin);
        const probs = new Float64Array(evalMargin.length);
        for (let i = 0; i < probs.length; i++) probs[i] = sigmoid32(evalMargin[i]!);
        evalScore =
          evalMetric === 'logloss' ? logLoss(evalY, probs, evalW) : averagePrecision(evalY, probs, evalW);
        history.push(evalScore);
        const better =
          bestIteration < 0 || (evalMetric === 'logloss' ? evalScore < bestScore : evalScore > bestScore);
        if (better) {
          bestScore = evalScore;
          bestIteration = round;
          bestMargin?.set(margin);
          bestEvalMargin?.set(evalMargin);
        }
      } else bestIteration = round;
      const info: RoundInfo =
        evalScore === undefined
          ? {
              iteration: round,
              numRounds: p.numRounds,
              bestIteration,
              elapsedMs: performance.now() - started,
            }
          : {
              iteration: round,
              numRounds: p.numRounds,
              evalScore,
              bestIteration,
              elapsedMs: performance.now() - started,
            };
      if (options.onRound !== undefined && options.onRound(info) === false) break;
      if (esRounds > 0 && round - bestIteration >= esRounds) break;
      if (options.signal !== undefined) await yieldToEventLoop();
    }
    // without an eval set the best round is the last one
    if (ev === undefined) bestMargin?.set(margin);
  } finally {
    await executor.close();
  }
  const featureNames = unnamed(binned.names) ? [] : [...binned.names];
  const model: BoosterModel = {
    trees,
    baseScore,
    numFeature: nFeat,
    featureNames,
    bestIteration,
    params: pickModelParams({ ...p, maxBin: mapper.maxBin }),
  };
  const log: TrainingLog = {
    evalMetric: ev === undefined ? null : evalMetric,
    evalHistory: history,
    emptyFeatures: [...mapper.emptyFeatures],
    binMapper: mapper,
    margins:
      bestMargin === null
        ? null
        : { bestIteration, data: bestMargin, eval: bestEvalMargin, binMapper: mapper },
    elapsedMs: performance.now() - started,
  };
  return new Booster(model, log);
}
