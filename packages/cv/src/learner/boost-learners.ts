import {
  Booster,
  predictFromMargins,
  type TrainingMargins,
  type TrainOptions,
  type TrainParams,
  train,
} from '@leadscore/boost';
import type { Matrix } from '@leadscore/core';
import { fitOnWorker } from './fit-pool.js';
import type { FittedModel, Learner, LearnerFitOptions } from './learner.js';

/** Parameters of the boost learners: boost's `TrainParams` plus early stopping. */
export type BoostLearnerParams = TrainParams & {
  /** Stop after this many rounds without improvement on the eval set; 0 = fixed `numRounds`. @default 40 */
  earlyStoppingRounds?: number;
  /** Metric early stopping watches. @default 'logloss' */
  evalMetric?: 'logloss' | 'aucpr';
};

function boostLearner(name: string, defaults: BoostLearnerParams, params: BoostLearnerParams): Learner {
  const all: BoostLearnerParams = { ...defaults, ...params };
  const { earlyStoppingRounds = 0, evalMetric = 'logloss', ...trainParams } = all;
  // threads are how a fit runs, not what it learns (the trees are the same at any count): `nthread`
  // below, not in the parameters results record
  const { nthread: _threads, ...recorded } = all;
  return Object.freeze({
    name,
    params: Object.freeze(recorded),
    usesEvalSet: earlyStoppingRounds > 0,
    nthread: trainParams.nthread ?? 1,
    offThread: true,
    async fit(matrix, labels, options: LearnerFitOptions = {}): Promise<FittedModel> {
      const useEval = earlyStoppingRounds > 0 && options.evalSet !== undefined;
      const memo = options.memo;
      // bins fitted on these training rows, shared with the other fits on them (same as train's own)
      const data = memo === undefined ? matrix : memo.bins(matrix, trainParams.maxBin ?? 256);
      const evalData =
        !useEval || memo === undefined || !('mapper' in data)
          ? options.evalSet?.matrix
          : memo.binWith(options.evalSet!.matrix, data.mapper);
      // the training rows' probabilities come from the margins train keeps, when asked for them
      const own = options.trainingRows;
      const keepMargins = own !== undefined && (options.predictOn ?? []).includes(own.matrix);
      // categorical columns (fitted level codes) split as ordered numbers, as the V7 pipeline does
      const trainOptions: Omit<TrainOptions, 'signal'> = {
        categoricalAsCodes: true,
        ...(keepMargins ? { keepMargins } : {}),
        ...(useEval && evalData !== undefined
          ? {
              evalSet: { data: evalData, labels: options.evalSet!.labels },
              earlyStoppingRounds,
              evalMetric,
            }
          : {}),
      };
      const signal = options.signal === undefined ? {} : { signal: options.signal };
      let booster: Booster | null = null;
      let margins: TrainingMargins | null = null;
      const predicted = new Map<Matrix, Float64Array>();
      if (options.offThread !== undefined) {
        const params = { ...trainParams, nthread: options.offThread.nthread };
        const predictOn = (options.predictOn ?? []).filter((m) => !keepMargins || m !== own!.matrix);
        const fit = await fitOnWorker(
          { data, labels: Float64Array.from(labels), params, options: trainOptions, predictOn },
          options.signal,
        );
        if (fit !== null) {
          booster = new Booster(fit.model);
          margins = fit.margins;
          for (const [k, m] of predictOn.entries()) predicted.set(m, fit.predictions[k]!);
        }
      }
      // on this thread, or again here when the worker failed (the fit's own error is thrown here)
      if (booster === null) {
        booster = await train(data, labels, trainParams, { ...trainOptions, ...signal });
        margins = booster.trainingLog?.margins ?? null;
      }
      const fitted = booster;
      if (keepMargins && margins !== null) {
        // eval rows have margins only when train had the eval set
        const nFit = matrix.nRows;
        const rows = useEval ? own!.rows : own!.rows.map((r) => (r >= nFit ? -1 : r));
        const evalData = useEval ? { evalData: options.evalSet!.matrix } : {};
        predicted.set(
          own!.matrix,
          predictFromMargins(fitted, own!.matrix, { margins, data: matrix, rows, ...evalData }),
        );
      }
      return {
        // the worker's probabilities and those from the kept margins are the ones predict computes
        // here (same model, same code; predictFromMargins is bit-identical to predict)
        predict: (m) => Float64Array.from(predicted.get(m) ?? fitted.predict(m)),
        bestIteration: useEval ? fitted.bestIteration : null,
      };
    },
  } satisfies Learner);
}

const SHARED: BoostLearnerParams = {
  numRounds: 400,
  learningRate: 0.05,
  earlyStoppingRounds: 40,
  evalMetric: 'logloss',
};

/**
 * A depth-wise (XGBoost-style) `@leadscore/boost` learner; defaults 400 rounds, eta 0.05, depth 4, early
 * stopping after 40 rounds (on the eval set cross-validation carves from the training period).
 * @example const learner = xgbLearner({ maxDepth: 5, subsample: 0.8 });
 */
export function xgbLearner(params: BoostLearnerParams = {}): Learner {
  return boostLearner('xgb', { ...SHARED, growPolicy: 'depthwise', maxDepth: 4 }, params);
}

/**
 * A leaf-wise (LightGBM-style, `growPolicy: 'lossguide'`) `@leadscore/boost` learner; defaults 15 leaves,
 * unlimited depth, 400 rounds, eta 0.05, early stopping after 40 rounds.
 * @example const learner = lgbmLearner({ maxLeaves: 31 });
 */
export function lgbmLearner(params: BoostLearnerParams = {}): Learner {
  return boostLearner('lgbm', { ...SHARED, growPolicy: 'lossguide', maxDepth: 0, maxLeaves: 15 }, params);
}
