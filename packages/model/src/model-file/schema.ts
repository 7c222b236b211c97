/**
 * The zod schema of the model file (`leadscore.model` v1 and v2): one JSON document with the member
 * models as XGBoost JSON / LightGBM text strings, the feature manifest with the fitted levels, blend,
 * calibrator, training metadata, CV results, importance, the training score distribution and a content
 * hash. v2 is v1 plus `tabular` (a model of the generic tabular mode, whose features are its input
 * columns); writers emit v2 only for such models, so every other file stays readable by v1 readers.
 * @module
 */
import { cvResultSchema, featureImportanceSchema } from '@leadscore/core/results';
import { featureManifestSchema } from '@leadscore/features';
import { z } from 'zod';

const finite = z.number().refine(Number.isFinite, 'a finite number');

/** One member model of the ensemble. */
export const memberSchema = z
  .object({
    /** Member name, e.g. `'xgb'` or `'lgbm'`. */
    name: z.string().min(1),
    format: z.enum(['xgboost-json', 'lightgbm-text']),
    /** The model file text in `format`. */
    model: z.string().min(1),
    /** The training parameters the member was refit with (plain JSON). */
    params: z.record(z.string(), z.unknown()),
    /** Sorted quantiles of the member's out-of-fold margins: the reference of rank blending. */
    reference: z.array(finite).min(1),
  })
  .strict();

/** One matrix column the members read, in member column order. */
export const columnSchema = z
  .object({
    name: z.string().min(1),
    kind: z.enum(['numeric', 'categorical', 'boolean']),
    /** Fitted levels of a categorical column: the members were trained on codes into this list. */
    levels: z.array(z.string()).nullable(),
  })
  .strict();

const calibratorSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('none') }).strict(),
  z.object({ method: z.literal('platt'), a: finite, b: finite }).strict(),
  z.object({ method: z.literal('isotonic'), x: z.array(finite).min(1), y: z.array(finite).min(1) }).strict(),
]);

const blendSchema = z
  .object({
    method: z.enum(['weights', 'rank']),
    weights: z.array(z.number().min(0)).min(1),
    objective: z.enum(['averagePrecision', 'logLoss']),
    objectiveValue: finite,
  })
  .strict();

/** What a model of the generic tabular mode was trained on (v2): its features are these columns as they are. */
export const tabularSchema = z
  .object({
    /** The 0/1 label column. */
    label: z.string().min(1),
    /** The time column the folds were ordered by; `null` for stratified folds. */
    time: z.string().min(1).nullable(),
    /** The group column kept on one side of each fold; `null` without one. */
    group: z.string().min(1).nullable(),
  })
  .strict();

const bodyShape = {
  format: z.literal('leadscore.model'),
  /** 1, or 2 when `tabular` is present. */
  version: z.union([z.literal(1), z.literal(2)]),
  /** The feature set by name and version, and its manifest (names, kinds, inputs; no code). */
  featureSet: z.object({ name: z.string().min(1), version: z.string().min(1) }).strict(),
  features: featureManifestSchema,
  /** Quarters per history series the features were computed with. */
  historyQuarters: z.number().int().min(1).max(64),
  columns: z.array(columnSchema).min(1),
  members: z.array(memberSchema).min(1),
  blend: blendSchema,
  calibrator: calibratorSchema,
  /** Training metadata (seed, rows, positives, ...; plain JSON, no timestamps so files are reproducible). */
  training: z.record(z.string(), z.unknown()),
  /** Cross-validation results of each member and of the ensemble. */
  cv: z.array(cvResultSchema),
  importance: z.array(featureImportanceSchema),
  /** Sorted quantiles of the calibrated training (out-of-fold) probabilities, for percentile ranks. */
  scoreDistribution: z.array(finite).min(1),
  /** v2 only: the generic tabular mode's label, time and group columns; absent in v1 files. */
  tabular: tabularSchema.optional(),
};

function versionMatchesTabular(body: { version: 1 | 2; tabular?: unknown }, ctx: z.RefinementCtx): void {
  if ((body.version === 2) !== (body.tabular !== undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['version'],
      message: body.version === 2 ? 'must be 1 when tabular is absent' : 'must be 2 when tabular is present',
    });
  }
}

/** The body of a model file: everything the hash covers. */
export const modelBodySchema = z.object(bodyShape).strict().superRefine(versionMatchesTabular);

/** A model file: the body plus the SHA-256 of its canonical JSON. */
export const modelFileSchema = z
  .object({ ...bodyShape, hash: z.string().regex(/^[0-9a-f]{64}$/) })
  .strict()
  .superRefine(versionMatchesTabular);

/** The body of a model file. */
export type ModelBody = z.infer<typeof modelBodySchema>;
/** A model file document (plain JSON). */
export type ModelFile = z.infer<typeof modelFileSchema>;
/** One member of a model file. */
export type ModelMember = z.infer<typeof memberSchema>;
/** One input column of a model file. */
export type ModelColumn = z.infer<typeof columnSchema>;
/** The generic tabular mode's columns of a v2 model file. */
export type ModelTabular = z.infer<typeof tabularSchema>;
