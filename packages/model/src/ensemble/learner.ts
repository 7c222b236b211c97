/**
 * The learner shape the ensemble trains through, matching `@leadscore/cv`'s planned `Learner` /
 * `FittedModel` so cv's `xgbLearner` / `lgbmLearner` can replace {@link boostLearner} one for one.
 * @module
 */
import { type Booster, type TrainParams, train } from '@leadscore/boost';
import type { Matrix } from '@leadscore/core/matrix';
import { toBoosterInput } from '../scoring/booster-input.js';

/** Options of {@link Learner.fit}. */
export interface FitOptions {
  /** Early stopping on this held-out set (log loss). @default undefined (no early stopping) */
  evalSet?: { readonly matrix: Matrix; readonly labels: ArrayLike<number> };
  /** Rounds without improvement before stopping. @default 50 */
  earlyStoppingRounds?: number;
  signal?: AbortSignal;
}

/** A fitted member: margins for the blend, and the booster for the model file. */
export interface FittedModel {
  predict(matrix: Matrix): Float64Array;
  predictMargin(matrix: Matrix): Float64Array;
  readonly bestIteration: number | null;
  readonly booster: Booster;
}

/** Something that fits a model on a matrix and 0/1 labels. */
export interface Learner {
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  fit(matrix: Matrix, labels: ArrayLike<number>, options?: FitOptions): Promise<FittedModel>;
}

/**
 * A `@leadscore/boost` learner with fixed parameters.
 * @example boostLearner('xgb', { growPolicy: 'depthwise', maxDepth: 4 })
 */
export function boostLearner(name: string, params: TrainParams): Learner {
  return Object.freeze({
    name,
    params: Object.freeze({ ...params }),
    async fit(matrix: Matrix, labels: ArrayLike<number>, options: FitOptions = {}): Promise<FittedModel> {
      const booster = await train(toBoosterInput(matrix), labels, params, {
        ...(options.evalSet === undefined
          ? {}
          : {
              evalSet: { data: toBoosterInput(options.evalSet.matrix), labels: options.evalSet.labels },
              earlyStoppingRounds: options.earlyStoppingRounds ?? 50,
              evalMetric: 'logloss' as const,
            }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      return {
        booster,
        bestIteration: options.evalSet === undefined ? null : booster.bestIteration,
        predict: (m) => booster.predict(toBoosterInput(m)),
        predictMargin: (m) => booster.predictMargin(toBoosterInput(m)),
      };
    },
  });
}
