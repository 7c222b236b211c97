/**
 * `trainEnsemble`: tunes each member (depth-wise "xgb", leaf-wise "lgbm") by out-of-fold evaluation on
 * the given folds, fits blend weights and a calibrator on the out-of-fold margins, keeps the ensemble only
 * when it beats its best member out of fold, and refits the kept members on all rows with the tuned
 * parameters and the folds' early-stopping round counts. The result carries the model file.
 * @module
 */
import { type Booster, type TrainParams, train } from '@leadscore/boost';
import { formatValue, InvalidArgumentError } from '@leadscore/core/errors';
import { parseWith } from '@leadscore/core/issues';
import { type Matrix, takeRows } from '@leadscore/core/matrix';
import { averagePrecision, logLoss } from '@leadscore/core/metrics';
import type { CvFoldResult, CvResult, FeatureImportance, FoldList, MetricSet } from '@leadscore/core/results';
import { foldListSchema } from '@leadscore/core/results';
import {
  type BoostLearnerParams,
  type Constraint,
  type TrialRecord as CvTrialRecord,
  createCvCache,
  crossValidate,
  cvObjective,
  lgbmLearner,
  targetOrderedLevels,
  tune,
  V7_CONSTRAINTS,
  xgbLearner,
} from '@leadscore/cv';
import { computeFeatures, type FeatureMatrix, type FeatureSet, featureManifest } from '@leadscore/features';
import type { Table } from 'apache-arrow';
import { z } from 'zod';
import { type Blend, blendMargins, blendRanks, fitBlend } from '../blend/blend.js';
import {
  type CalibrationMethod,
  type Calibrator,
  calibrate,
  fitCalibrator,
} from '../calibration/calibrator.js';
import { type LoadedModel, loadModel } from '../model-file/load-model.js';
import { createModelFile, serializeModel } from '../model-file/model-file.js';
import { type ModelFile, type ModelMember, type ModelTabular, tabularSchema } from '../model-file/schema.js';
import { memberSpace } from './member-space.js';
import { metricSet } from './metric-set.js';

/** One member of the ensemble to train. */
export interface MemberSpec {
  /** Member name in reports and the model file. */
  name: string;
  /** Starting (and first trial's) parameters; `growPolicy` picks the member's file format. @default {} */
  params?: TrainParams;
}

/** One trial of cv's `tune`, with the member it tuned. */
export type TrialRecord = CvTrialRecord & { readonly member: string };

/** Options of {@link trainEnsemble}. */
export interface TrainEnsembleOptions {
  /** Feature values of the training rows (from `computeFeatures`); give this or `table`. @default computed from `table` */
  matrix?: FeatureMatrix;
  /** The training table (Arrow); its features are computed with `features`. @default undefined (use `matrix`) */
  table?: Table;
  /** The feature definitions `matrix` was computed with. */
  features: FeatureSet;
  /** 0/1 labels, one per row. */
  labels: ArrayLike<number>;
  /** Folds over the rows (core's `leadscore.folds` v1, e.g. from cv's `temporalFolds`). */
  folds: FoldList;
  /** @default [{ name: 'xgb', params: { growPolicy: 'depthwise', maxDepth: 4 } }, { name: 'lgbm', params: { growPolicy: 'lossguide', maxLeaves: 15, maxDepth: 0 } }] */
  members?: MemberSpec[];
  /**
   * cv's `tune` per member: `nTrials` parameter sets (1 = the member's own parameters, no search), the
   * sampler, the pruner (folds as steps) and the constraints on each trial's CV result.
   * @default { nTrials: 1, sampler: 'tpe', pruner: 'median', constraints: V7_CONSTRAINTS }
   */
  search?: {
    nTrials?: number;
    sampler?: 'tpe' | 'random';
    pruner?: 'median' | 'none';
    constraints?: readonly Constraint[];
  };
  /** Row times (e.g. `contacted_at` in ms): cv carves each fold's early-stopping rows from the latest ones. @default row order */
  times?: ArrayLike<number>;
  /** Blend weights (`'weights'`, simplex search) or rank averaging, and the objective. @default { method: 'weights', objective: 'logLoss' } */
  blend?: { method?: 'weights' | 'rank'; objective?: 'averagePrecision' | 'logLoss'; steps?: number };
  /**
   * Calibrator fitted on the out-of-fold blend; `'auto'` keeps the one (none, Platt, isotonic) with the
   * lowest cross-fitted out-of-fold log loss. @default 'auto'
   */
  calibration?: CalibrationMethod | 'auto';
  /**
   * Order of each categorical column's levels, which the members split as ordered codes. `'target'`
   * renumbers them by their smoothed positive rate (cv's `targetOrderedLevels`), fitted on each fold's
   * training rows in cross-validation and on all rows for the refit; the model file keeps the reordered
   * levels, so scoring needs nothing else. `'fitted'` keeps the levels as the features fitted them
   * (alphabetical), where a split cuts the levels at an arbitrary place. @default 'target'
   */
  levelOrder?: 'target' | 'fitted';
  /** Early stopping patience inside each fold (on rows cv carves from the end of the training period). @default 30 */
  earlyStoppingRounds?: number;
  /** Seed of the search and of the members' sampling. @default 0 */
  seed?: number;
  /**
   * Threads of the members' fits. Cross-validation and tuning fit `nthread` folds at once on worker
   * threads, one thread each (cv's `parallelFits: 'auto'`); the refit on every row uses `nthread` threads.
   * The models do not depend on it (boost's trees are the same at any thread count), and it is not
   * recorded in the model file's member parameters. @default 1
   */
  nthread?: number;
  /** Name and version of the feature set, recorded in the model file. @default { name: 'v7', version: '1' } */
  featureSet?: { name: string; version: string };
  /** Quarters per history series the features were computed with. @default 8 */
  historyQuarters?: number;
  /**
   * The generic tabular mode's columns: every feature must be a `columnFeature`, and the model file is
   * written as v2 with this recorded, so it loads (and scores) without feature code.
   * @default undefined (a v1 file; loading needs the feature definitions)
   */
  tabular?: ModelTabular;
  signal?: AbortSignal;
  /** Called after every trial. */
  onTrial?: (trial: TrialRecord) => void;
}

/** Out-of-fold predictions of the kept model. */
export interface OofPredictions {
  readonly rows: Int32Array;
  readonly labels: Float64Array;
  readonly fold: Int32Array;
  /** Blend score before calibration (margin, or rank for rank blends). */
  readonly raw: Float64Array;
  readonly probability: Float64Array;
}

/** What {@link trainEnsemble} returns. */
export interface TrainEnsembleResult {
  readonly file: ModelFile;
  /** The model file's bytes (canonical JSON). */
  readonly text: string;
  readonly model: LoadedModel;
  /** Per member: its tuned parameters, refit round count and CV result of the tuned parameters. */
  readonly members: readonly { name: string; params: BoostLearnerParams; numRounds: number; cv: CvResult }[];
  readonly trials: readonly TrialRecord[];
  readonly blend: Blend;
  readonly calibrator: Calibrator;
  /** Out-of-fold comparison of the blend with its best member. */
  readonly comparison: {
    readonly objective: 'averagePrecision' | 'logLoss';
    readonly ensemble: number;
    readonly bestMember: { readonly name: string; readonly value: number };
    readonly ensembleBeatsBestMember: boolean;
    /** `'ensemble'`, or the name of the member kept alone. */
    readonly kept: string;
  };
  /** Out-of-fold log loss of the kept blend before and after calibration. */
  readonly calibration: { readonly rawLogLoss: number; readonly calibratedLogLoss: number };
  readonly oof: OofPredictions;
  /** CV result of the kept, calibrated model on the out-of-fold rows. */
  readonly cv: CvResult;
  /** The folds trained on. */
  readonly folds: FoldList;
}

const optionsSchema = z
  .object({
    members: z
      .array(
        z.object({ name: z.string().min(1), params: z.record(z.string(), z.unknown()).default({}) }).strict(),
      )
      .min(1)
      .default([
        { name: 'xgb', params: { growPolicy: 'depthwise', maxDepth: 4 } },
        { name: 'lgbm', params: { growPolicy: 'lossguide', maxLeaves: 15, maxDepth: 0 } },
      ]),
    search: z
      .object({
        nTrials: z.number().int().min(1).max(1000).default(1),
        sampler: z.enum(['tpe', 'random']).default('tpe'),
        pruner: z.enum(['median', 'none']).default('median'),
        constraints: z.array(z.custom<Constraint>((v) => typeof v === 'function')).optional(),
      })
      .strict()
      .default({ nTrials: 1, sampler: 'tpe', pruner: 'median' }),
    blend: z
      .object({
        method: z.enum(['weights', 'rank']).default('weights'),
        objective: z.enum(['averagePrecision', 'logLoss']).default('logLoss'),
        steps: z.number().int().min(1).max(200).default(20),
      })
      .strict()
      .default({ method: 'weights', objective: 'logLoss', steps: 20 }),
    calibration: z.enum(['auto', 'isotonic', 'platt', 'none']).default('auto'),
    levelOrder: z.enum(['target', 'fitted']).default('target'),
    earlyStoppingRounds: z.number().int().min(1).default(30),
    seed: z.number().int().min(0).default(0),
    nthread: z.number().int().min(1).max(64).default(1),
    featureSet: z
      .object({ name: z.string().min(1), version: z.string().min(1) })
      .strict()
      .default({ name: 'v7', version: '1' }),
    historyQuarters: z.number().int().min(1).max(64).default(8),
    tabular: tabularSchema.optional(),
  })
  .passthrough();

const QUANTILES = 1000;

/** `QUANTILES + 1` evenly spaced order statistics of the values (all of them when fewer). */
function quantiles(values: ArrayLike<number>): number[] {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length <= QUANTILES + 1) return Array.from(sorted);
  const out: number[] = [];
  for (let q = 0; q <= QUANTILES; q++) out.push(sorted[Math.round((q * (sorted.length - 1)) / QUANTILES)]!);
  return out;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

type Aggregate = CvResult['aggregate']['test'];
const METRICS = ['averagePrecision', 'rocAuc', 'liftAt10', 'brier', 'logLoss'] as const;

function aggregate(sets: readonly MetricSet[], std: boolean): Aggregate {
  const out = {} as Record<(typeof METRICS)[number], number | null>;
  for (const key of METRICS) {
    const xs = sets.map((s) => s[key]).filter((v): v is number => v !== null);
    if (xs.length === 0) {
      out[key] = null;
      continue;
    }
    const m = mean(xs);
    out[key] = std ? Math.sqrt(mean(xs.map((x) => (x - m) ** 2))) : m;
  }
  return out;
}

/** A CV result in core's `leadscore.cv-result` v1 shape. */
function cvResult(
  learner: { name: string; params: Record<string, unknown> },
  features: readonly string[],
  folds: readonly CvFoldResult[],
  oof: { rows: Int32Array; labels: Float64Array; probability: Float64Array; fold: Int32Array },
): CvResult {
  const test = aggregate(
    folds.map((f) => f.test),
    false,
  );
  const train = aggregate(
    folds.map((f) => f.train),
    false,
  );
  const testStd = aggregate(
    folds.map((f) => f.test),
    true,
  );
  const ap = test.averagePrecision;
  return {
    format: 'leadscore.cv-result',
    version: 1,
    learner,
    features: [...features],
    folds: [...folds],
    aggregate: {
      test,
      testStd,
      train,
      cvCoefficient:
        ap !== null && ap > 0 && testStd.averagePrecision !== null ? testStd.averagePrecision / ap : null,
      trainTestGap:
        ap !== null && train.averagePrecision !== null && train.averagePrecision > 0
          ? (train.averagePrecision - ap) / train.averagePrecision
          : null,
      oofAveragePrecision: oof.rows.length > 0 ? averagePrecision(oof.labels, oof.probability) : null,
    },
    oof: {
      rows: Array.from(oof.rows),
      labels: Array.from(oof.labels, (y) => (y === 1 ? 1 : 0)),
      predictions: Array.from(oof.probability),
      fold: Array.from(oof.fold),
    },
  };
}

function sigmoid(m: ArrayLike<number>): Float64Array {
  const out = new Float64Array(m.length);
  for (let i = 0; i < m.length; i++) out[i] = 1 / (1 + Math.exp(-m[i]!));
  return out;
}

function pick(values: ArrayLike<number>, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}

interface Tuned {
  readonly name: string;
  readonly params: BoostLearnerParams;
  readonly cv: CvResult;
  /** Out-of-fold margins on every row (NaN outside the test blocks). */
  readonly margins: Float64Array;
  readonly bestIterations: number[];
}

/** Fits one member on every row with fixed rounds (no early stopping): the model the file keeps. */
async function refit(
  matrix: Matrix,
  labels: Float64Array,
  params: TrainParams,
  signal?: AbortSignal,
): Promise<Booster> {
  return train(matrix, labels, params, {
    categoricalAsCodes: true,
    ...(signal === undefined ? {} : { signal }),
  });
}

/**
 * Trains the blended, calibrated ensemble and its model file.
 * @example const { text } = await trainEnsemble({ matrix, features: v7Features, labels, folds });
 */
export async function trainEnsemble(options: TrainEnsembleOptions): Promise<TrainEnsembleResult> {
  const o = parseWith(optionsSchema, options, 'options');
  if ((options.matrix === undefined) === (options.table === undefined)) {
    throw new InvalidArgumentError('options must give exactly one of matrix and table', {
      details: { parameter: 'options.matrix' },
    });
  }
  if (options.tabular !== undefined) {
    for (const [j, f] of options.features.entries()) {
      if (f.inputs.length !== 1 || f.inputs[0] !== f.name || f.history.length > 0) {
        throw new InvalidArgumentError(
          `features[${j}] must be a columnFeature (one input named like the feature) when options.tabular is given, found ${formatValue(f.name)} reading ${formatValue([...f.inputs, ...f.history])}`,
          { details: { parameter: `features[${j}]`, value: f.name } },
        );
      }
    }
  }
  const matrix: Matrix & FeatureMatrix =
    options.matrix ??
    computeFeatures(options.table!, options.features, { historyQuarters: o.historyQuarters });
  const folds = parseWith(foldListSchema, options.folds, 'folds');
  const n = matrix.nRows;
  if (options.labels.length !== n) {
    throw new InvalidArgumentError(
      `labels must have one entry per matrix row (${n}), found ${options.labels.length}`,
      {
        details: { parameter: 'labels', expected: n, value: options.labels.length },
      },
    );
  }
  if (folds.nRows !== n) {
    throw new InvalidArgumentError(
      `folds must be made for the matrix's ${n} rows, found nRows ${folds.nRows}`,
      {
        details: { parameter: 'folds.nRows', expected: n, value: folds.nRows },
      },
    );
  }
  const labels = Float64Array.from(options.labels);
  for (let i = 0; i < n; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) {
      throw new InvalidArgumentError(`labels[${i}] must be 0 or 1, found ${formatValue(options.labels[i])}`, {
        details: { parameter: `labels[${i}]`, value: options.labels[i] },
      });
    }
  }
  if (o.blend.method === 'rank' && o.calibration === 'none') {
    throw new InvalidArgumentError(
      "calibration must be 'isotonic' or 'platt' with a rank blend, found \"none\"",
      {
        details: { parameter: 'calibration', value: 'none' },
      },
    );
  }
  const foldOf = new Int32Array(n).fill(-1);
  for (const fold of folds.folds) for (const row of fold.test) foldOf[row] = fold.index;
  const oofRows = Int32Array.from(Array.from(foldOf.keys()).filter((i) => foldOf[i]! >= 0));
  const oofLabels = pick(labels, oofRows);

  const trials: TrialRecord[] = [];
  const tuned: Tuned[] = [];
  const transform = o.levelOrder === 'target' ? targetOrderedLevels() : undefined;
  const cvData = {
    matrix,
    labels,
    folds,
    ...(transform === undefined ? {} : { transform }),
    // one cache for every member's tuning and CV: each fold's rows are copied and binned once per maxBin
    cache: createCvCache(),
    ...(options.times === undefined ? {} : { times: options.times }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  for (const member of o.members) {
    const base: BoostLearnerParams = {
      seed: o.seed,
      earlyStoppingRounds: o.earlyStoppingRounds,
      ...(member.params as BoostLearnerParams),
    };
    // nthread is how the fits run, not what they learn: given to the learners, kept out of the params
    const learnerOf = (p: BoostLearnerParams) => {
      const q = { ...p, nthread: p.nthread ?? o.nthread };
      return q.growPolicy === 'lossguide' ? lgbmLearner(q) : xgbLearner(q);
    };
    let params = base;
    if (o.search.nTrials > 1) {
      const result = await tune({
        space: (trial) => memberSpace(base, trial),
        objective: cvObjective(learnerOf, cvData),
        nTrials: o.search.nTrials,
        sampler: o.search.sampler,
        pruner: o.search.pruner,
        seed: o.seed,
        constraints: o.search.constraints ?? V7_CONSTRAINTS,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        onTrial: (t) => options.onTrial?.({ ...t, member: member.name }),
      });
      for (const t of result.trials) trials.push({ ...t, member: member.name });
      if (result.bestParams !== null) params = result.bestParams;
    }
    const cv = await crossValidate({ ...cvData, learner: learnerOf(params) });
    const margins = new Float64Array(n).fill(Number.NaN);
    for (const [i, row] of cv.oof.rows.entries()) margins[row] = logit(cv.oof.predictions[i]!);
    for (const row of oofRows) {
      if (Number.isNaN(margins[row]!)) {
        throw new InvalidArgumentError(
          `folds: row ${row} is in a test block but has no out-of-fold prediction from crossValidate`,
          { details: { parameter: 'folds', value: row } },
        );
      }
    }
    const bestIterations = cv.folds.map((f) => f.bestIteration ?? (params.numRounds ?? 100) - 1);
    tuned.push({ name: member.name, params, cv, margins, bestIterations });
  }

  const oofMargins = tuned.map((m) => pick(m.margins, oofRows));
  const ensembleBlend = fitBlend(oofMargins, oofLabels, o.blend);
  const objective = ensembleBlend.objective;
  const score = (m: Float64Array) =>
    objective === 'averagePrecision' ? averagePrecision(oofLabels, m) : logLoss(oofLabels, sigmoid(m));
  const better = (a: number, b: number) => (objective === 'averagePrecision' ? a > b : a < b);
  const memberValues = oofMargins.map((m) => score(m));
  let bestK = 0;
  for (let k = 1; k < memberValues.length; k++) if (better(memberValues[k]!, memberValues[bestK]!)) bestK = k;
  const ensembleBeats = tuned.length > 1 && better(ensembleBlend.objectiveValue, memberValues[bestK]!);
  const kept = ensembleBeats ? tuned : [tuned[bestK]!];
  const keptMargins = ensembleBeats ? oofMargins : [oofMargins[bestK]!];
  const blend: Blend = ensembleBeats
    ? ensembleBlend
    : Object.freeze({
        method: 'weights' as const,
        weights: Object.freeze([1]),
        objective,
        objectiveValue: memberValues[bestK]!,
      });
  const references = keptMargins.map((m) => quantiles(m));
  const raw =
    blend.method === 'rank'
      ? blendRanks(
          keptMargins,
          keptMargins.map((m) => Float64Array.from(m).sort()),
          blend.weights,
        )
      : blendMargins(keptMargins, blend.weights);
  const oofFold = Int32Array.from(pick(foldOf, oofRows));
  // 'auto' keeps the calibration with the lowest cross-fitted out-of-fold log loss ('none' included for
  // margin blends): on small data isotonic regression can overfit and make probabilities worse
  const candidates: readonly CalibrationMethod[] =
    o.calibration !== 'auto'
      ? [o.calibration]
      : blend.method === 'rank'
        ? ['isotonic', 'platt']
        : ['none', 'platt', 'isotonic'];
  let calibration: CalibrationMethod = candidates[0]!;
  let calibrator = fitCalibrator(calibration, raw, oofLabels);
  let probability = crossFittedProbabilities(calibration, raw, oofLabels, oofFold, calibrator);
  let bestLogLoss = logLoss(oofLabels, probability);
  for (const method of candidates.slice(1)) {
    const full = fitCalibrator(method, raw, oofLabels);
    const p = crossFittedProbabilities(method, raw, oofLabels, oofFold, full);
    const ll = logLoss(oofLabels, p);
    if (ll < bestLogLoss) [calibration, calibrator, probability, bestLogLoss] = [method, full, p, ll];
  }

  // the refit's matrix: levels ordered on every row, as each fold ordered them on its training rows
  const fitMatrix = transform === undefined ? matrix : transform.fit(matrix, labels).apply(matrix);
  const roundsOf = (m: Tuned) => Math.max(1, Math.round(mean(m.bestIterations.map((b) => b + 1))));
  const refits = [];
  for (const m of kept) {
    const numRounds = roundsOf(m);
    const { earlyStoppingRounds: _stop, evalMetric: _metric, ...trainParams } = m.params;
    const params: TrainParams = { ...trainParams, numRounds };
    refits.push({
      name: m.name,
      params,
      numRounds,
      booster: await refit(
        fitMatrix,
        labels,
        { ...params, nthread: params.nthread ?? o.nthread },
        options.signal,
      ),
    });
  }

  const featureNames = [...matrix.names];
  const memberCv = tuned.map((m) => ({ name: m.name, params: m.params, numRounds: roundsOf(m), cv: m.cv }));
  const ensembleFolds: CvFoldResult[] = folds.folds.map((fold, f) => {
    const idx: number[] = [];
    for (let i = 0; i < oofRows.length; i++) if (oofFold[i] === fold.index) idx.push(i);
    const trainFolds = kept.map((m) => m.cv.folds[f]!);
    return {
      index: fold.index,
      testStart: fold.testStart,
      testEnd: fold.testEnd,
      // The blend is not refit per fold, so its training-row figures are those of the first kept member.
      train: trainFolds[0]!.train,
      test: metricSet(pick(oofLabels, idx), pick(probability, idx)),
      bestIteration: null,
      fitSeconds: trainFolds.reduce((s, t) => s + t.fitSeconds, 0),
    };
  });
  const ensembleCv = cvResult(
    {
      name: ensembleBeats ? 'ensemble' : kept[0]!.name,
      params: { blend: { ...blend }, calibration },
    },
    featureNames,
    ensembleFolds,
    { rows: oofRows, labels: oofLabels, probability, fold: oofFold },
  );

  const columns = fitMatrix.names.map((name, j) => ({
    name,
    kind: fitMatrix.kinds[j]!,
    levels:
      fitMatrix.levels[j] === null || fitMatrix.levels[j] === undefined ? null : [...fitMatrix.levels[j]!],
  }));
  const members: ModelMember[] = refits.map((r, k) => ({
    name: r.name,
    format: r.params.growPolicy === 'lossguide' ? ('lightgbm-text' as const) : ('xgboost-json' as const),
    model: r.params.growPolicy === 'lossguide' ? r.booster.toLightGBMText() : r.booster.toXGBoostJSON(),
    params: { ...r.params },
    reference: references[k]!,
  }));
  const manifest = featureManifest(options.features);
  const positives = labels.reduce((s, y) => s + y, 0);
  const bodyWithoutImportance = {
    format: 'leadscore.model' as const,
    version: options.tabular === undefined ? (1 as const) : (2 as const),
    featureSet: o.featureSet,
    features: manifest,
    historyQuarters: o.historyQuarters,
    columns,
    members,
    blend: { ...blend, weights: [...blend.weights] },
    calibrator: calibrator as ModelFile['calibrator'],
    training: {
      seed: o.seed,
      rows: n,
      positives,
      oofRows: oofRows.length,
      folds: folds.folds.length,
      nTrials: o.search.nTrials,
      earlyStoppingRounds: o.earlyStoppingRounds,
      calibration,
      levelOrder: o.levelOrder,
      kept: ensembleBeats ? 'ensemble' : kept[0]!.name,
      rounds: Object.fromEntries(refits.map((r) => [r.name, r.numRounds])),
    },
    cv: [...memberCv.map((m) => m.cv), ensembleCv].map(forModelFile),
    importance: [] as FeatureImportance[],
    scoreDistribution: quantiles(probability),
    ...(options.tabular === undefined ? {} : { tabular: { ...options.tabular } }),
  };
  // Importance needs the final members, so a provisional file is loaded first to score with.
  const provisional = loadModel(serializeModel(createModelFile(bodyWithoutImportance)), {
    features: [options.features],
  });
  const importance = featureImportanceRows(
    provisional,
    fitMatrix,
    refits.map((r) => r.booster.featureImportance('total_gain')),
  );
  const file = createModelFile({ ...bodyWithoutImportance, importance });
  const text = serializeModel(file);
  const model = loadModel(text, { features: [options.features] });
  return {
    file,
    text,
    model,
    members: memberCv,
    trials,
    blend,
    calibrator,
    comparison: {
      objective,
      ensemble: ensembleBlend.objectiveValue,
      bestMember: { name: tuned[bestK]!.name, value: memberValues[bestK]! },
      ensembleBeatsBestMember: ensembleBeats,
      kept: ensembleBeats ? 'ensemble' : kept[0]!.name,
    },
    calibration: {
      rawLogLoss: logLoss(oofLabels, sigmoid(raw)),
      calibratedLogLoss: logLoss(oofLabels, probability),
    },
    oof: { rows: oofRows, labels: oofLabels, fold: oofFold, raw, probability },
    cv: ensembleCv,
    folds,
  };
}

const IMPORTANCE_ROWS = 5000;

/**
 * A CV result as the model file keeps it: fit times zeroed (so the same seed and data give the same
 * bytes) and the out-of-fold arrays left to `oof_predictions.csv` (they would grow the file by the row count).
 */
function forModelFile(cv: CvResult): CvResult {
  return {
    ...cv,
    folds: cv.folds.map((f) => ({ ...f, fitSeconds: 0 })),
    oof: { rows: [], labels: [], predictions: [], fold: [] },
  };
}

/** Mean |SHAP| of the blend on an evenly spaced sample of training rows, and the weighted total gain. */
function featureImportanceRows(
  model: LoadedModel,
  matrix: Matrix,
  gains: readonly Record<string, number>[],
): FeatureImportance[] {
  const step = Math.max(1, Math.ceil(matrix.nRows / IMPORTANCE_ROWS));
  const rows: number[] = [];
  for (let i = 0; i < matrix.nRows; i += step) rows.push(i);
  const sample = takeRows(matrix, rows);
  const nf = model.file.columns.length;
  const meanAbs = new Float64Array(nf);
  const { file } = model;
  const weights = file.blend.weights;
  for (const [k, booster] of model.members.entries()) {
    const c = booster.predictContributions(sample);
    for (let i = 0; i < sample.nRows; i++) {
      for (let j = 0; j < nf; j++) meanAbs[j] = meanAbs[j]! + weights[k]! * Math.abs(c[i * (nf + 1) + j]!);
    }
  }
  const byName = new Map(file.features.features.map((f) => [f.name, f]));
  const rowsOut = file.columns.map((col, j) => {
    let gain = 0;
    for (const [k, g] of gains.entries()) gain += weights[k]! * (g[col.name] ?? g[`f${j}`] ?? 0);
    const f = byName.get(col.name);
    return {
      feature: col.name,
      group: f?.group ?? 'unknown',
      businessSignal: f?.businessSignal ?? false,
      meanAbsShap: meanAbs[j]! / Math.max(1, sample.nRows),
      totalGain: gain,
      rank: 0,
    };
  });
  const order = rowsOut
    .map((_, j) => j)
    .sort((a, b) => rowsOut[b]!.meanAbsShap - rowsOut[a]!.meanAbsShap || a - b);
  return order.map((j, r) => ({ ...rowsOut[j]!, rank: r + 1 }));
}

/**
 * Out-of-fold probabilities calibrated by cross-fitting: each fold's rows go through a calibrator fitted
 * on the other folds' rows only, so the calibration reported out of fold (log loss, ECE, the gates) is
 * never measured on the rows its calibrator was fitted on. The model file keeps `full`, fitted on all rows.
 */
function crossFittedProbabilities(
  method: CalibrationMethod,
  raw: Float64Array,
  labels: Float64Array,
  fold: Int32Array,
  full: Calibrator,
): Float64Array {
  const out = new Float64Array(raw.length);
  for (const f of new Set(fold)) {
    const other: number[] = [];
    const own: number[] = [];
    for (let i = 0; i < fold.length; i++) (fold[i] === f ? own : other).push(i);
    const otherLabels = Float64Array.from(other, (i) => labels[i]!);
    const bothClasses = otherLabels.includes(0) && otherLabels.includes(1);
    // a single fold (or one without both classes elsewhere) has no held-out calibrator to use
    const calibrator = bothClasses
      ? fitCalibrator(
          method,
          Float64Array.from(other, (i) => raw[i]!),
          otherLabels,
        )
      : full;
    const p = calibrate(
      calibrator,
      Float64Array.from(own, (i) => raw[i]!),
    );
    own.forEach((i, k) => {
      out[i] = p[k]!;
    });
  }
  return out;
}
