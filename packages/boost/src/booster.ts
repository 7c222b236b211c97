/**
 * `Booster`: a trained or loaded model with prediction, explanation, importance, slicing and model files.
 * @module
 */
import { InvalidArgumentError } from '@leadscore/core/errors';
import { assertArg, assertInteger } from '@leadscore/core/internal';
import { parseWith } from '@leadscore/core/issues';
import type { Matrix } from '@leadscore/core/matrix';
import type { BinMapper } from './data/bin-mapper.js';
import { checkMatrix } from './data/matrix.js';
import { featureImportance } from './importance/importance.js';
import { fromLightGBMText, toLightGBMText } from './io/lightgbm-text.js';
import { fromXGBoostJSON, type ToXGBoostJSONOptions, toXGBoostJSON } from './io/xgboost-json.js';
import { baseMargin } from './model/base-margin.js';
import type { BoosterModel, ImportanceType } from './model/types.js';
import { accumulateMargins, type PackedForest, packForest, sigmoid32 } from './predict/predict.js';
import { accumulateMarginsThreaded, shareForest } from './predict/predict-pool.js';
import { predictOptionsSchema } from './predict-options.js';
import { predictContributions } from './shap/tree-shap.js';

/**
 * Float32 margins `train` kept (`TrainOptions.keepMargins`): the training rows' and eval rows' margins
 * after the best round, accumulated from the base margin tree by tree as prediction does, with rows
 * routed by their bins. Read them through {@link predictFromMargins}, which checks when that routing is
 * the thresholds' one.
 */
export interface TrainingMargins {
  /** The round the margins are at (the model's `bestIteration`; -1 with no trees). */
  readonly bestIteration: number;
  /** One margin per training row, in the training data's row order. */
  readonly data: Float32Array;
  /** One margin per eval row, or null without an eval set. */
  readonly eval: Float32Array | null;
  /** The mapper the rows were binned with. */
  readonly binMapper: BinMapper;
}

/** What training recorded besides the model. */
export interface TrainingLog {
  /** Metric of the eval set, or null without one. */
  readonly evalMetric: 'logloss' | 'aucpr' | null;
  /** Eval metric after every round. */
  readonly evalHistory: readonly number[];
  /** Features without any non-missing training value; they are kept in the model but never split on. */
  readonly emptyFeatures: readonly number[];
  /** The bin mapper fitted on the training data, reusable with `binMatrix` and `train`. */
  readonly binMapper: BinMapper;
  /** Margins of the training and eval rows at the best iteration, when `train` was asked to keep them (`keepMargins`). */
  readonly margins: TrainingMargins | null;
  /** Wall time of `train` in milliseconds. */
  readonly elapsedMs: number;
}

/** Options of the Booster prediction methods. */
export interface PredictOptions {
  /**
   * Trees `[start, end)` to use (one tree per round).
   * @default [0, bestIteration + 1]: the best round of early stopping, else all trees
   */
  iterationRange?: readonly [number, number];
  /**
   * Threads for `predict`, `predictMargin` and `predictContributions` (the calling thread counts as
   * one), in [1, 64]. Rows are split into blocks taken from a shared counter by a process-wide
   * worker_threads pool started on first use; results are identical to one thread. Not taken from the training `nthread`: a loaded
   * model has none, and a caller that did not ask for threads should not get any.
   * @default 1
   */
  nthread?: number;
}

/** A boosted-tree binary classifier: the plain {@link BoosterModel} plus methods. */
export class Booster {
  /** The plain, serialisable model. */
  readonly model: BoosterModel;
  /** Training record; undefined for loaded models. */
  readonly trainingLog: TrainingLog | undefined;
  private forest: PackedForest | undefined;
  private sharedForest: PackedForest | undefined;

  constructor(model: BoosterModel, trainingLog?: TrainingLog) {
    assertArg(
      typeof model === 'object' && model !== null && Array.isArray(model.trees),
      'model',
      'a BoosterModel',
      model,
    );
    this.model = model;
    this.trainingLog = trainingLog;
  }

  /** Number of trees (= rounds). */
  get numTrees(): number {
    return this.model.trees.length;
  }

  /** Best round of early stopping (inclusive), else the last round. */
  get bestIteration(): number {
    return this.model.bestIteration;
  }

  /** Number of input features. */
  get numFeature(): number {
    return this.model.numFeature;
  }

  private range(options: PredictOptions): [number, number] {
    const n = this.model.trees.length;
    parseWith(predictOptionsSchema, options, 'options');
    const r = options.iterationRange;
    if (r === undefined) return [0, Math.min(n, this.model.bestIteration + 1)];
    assertInteger(r[0], 'iterationRange[0]', 0, n);
    assertInteger(r[1], 'iterationRange[1]', r[0], n);
    return [r[0], r[1]];
  }

  private check(data: Matrix): void {
    checkMatrix(data);
    if (data.nCols !== this.model.numFeature) {
      throw new InvalidArgumentError(
        `data must have the model's ${this.model.numFeature} columns, found ${data.nCols}`,
        { details: { parameter: 'data', expected: this.model.numFeature, value: data.nCols } },
      );
    }
  }

  /**
   * Raw margins (log-odds), accumulated in float32 exactly as XGBoost's `output_margin=True`.
   * @example const m = booster.predictMargin(test);
   */
  predictMargin(data: Matrix, options: PredictOptions = {}): Float64Array {
    this.check(data);
    const [start, end] = this.range(options);
    const nthread = options.nthread ?? 1;
    this.forest ??= packForest(this.model.trees);
    const m = new Float32Array(data.nRows).fill(baseMargin(this.model.baseScore));
    if (nthread > 1) {
      this.sharedForest ??= shareForest(this.forest);
      accumulateMarginsThreaded(this.sharedForest, data, start, end, m, nthread);
    } else accumulateMargins(this.forest, data, start, end, m);
    return Float64Array.from(m);
  }

  /**
   * Probabilities of the positive class (XGBoost's float32 sigmoid of the margin).
   * @example const p = booster.predict(test);
   */
  predict(data: Matrix, options: PredictOptions = {}): Float64Array {
    const m = this.predictMargin(data, options);
    for (let i = 0; i < m.length; i++) m[i] = sigmoid32(m[i]!);
    return m;
  }

  /**
   * Exact TreeSHAP contributions in margin space: row-major `nRows x (numFeature + 1)`, bias last; each
   * row sums to the margin.
   */
  predictContributions(data: Matrix, options: PredictOptions = {}): Float64Array {
    this.check(data);
    return predictContributions(this.model, data, {
      iterationRange: this.range(options),
      ...(options.nthread === undefined ? {} : { nthread: options.nthread }),
    });
  }

  /**
   * Importance of every used feature with XGBoost's meanings (`get_score(importance_type)`).
   * @example booster.featureImportance('total_gain')
   */
  featureImportance(type: ImportanceType = 'gain'): Record<string, number> {
    return featureImportance(this.model, type);
  }

  /**
   * A booster with trees `[start, end)` only (its best iteration clamped into the range).
   * @example const first50 = booster.slice(0, 50);
   */
  slice(start: number, end: number = this.model.trees.length): Booster {
    const n = this.model.trees.length;
    assertInteger(start, 'start', 0, n);
    assertInteger(end, 'end', start, n);
    const best = Math.min(Math.max(this.model.bestIteration - start, end > start ? 0 : -1), end - start - 1);
    return new Booster({ ...this.model, trees: this.model.trees.slice(start, end), bestIteration: best });
  }

  /** The model as an XGBoost JSON model file (loads in XGBoost 1.7 and 2.x). */
  toXGBoostJSON(options: ToXGBoostJSONOptions = {}): string {
    return toXGBoostJSON(this.model, options);
  }

  /** Loads an XGBoost JSON model file (binary:logistic gbtree). */
  static fromXGBoostJSON(text: string): Booster {
    return new Booster(fromXGBoostJSON(text));
  }

  /** The model as a LightGBM text model file (`binary` objective). */
  toLightGBMText(): string {
    return toLightGBMText(this.model);
  }

  /** Loads a LightGBM text model file (`binary` objective). */
  static fromLightGBMText(text: string): Booster {
    return new Booster(fromLightGBMText(text));
  }
}
