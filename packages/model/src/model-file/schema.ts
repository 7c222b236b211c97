/**
 * The zod schema of the model file (`leadscore.model` v1): one JSON document with the member models as
 * XGBoost JSON / LightGBM text strings, the feature manifest with the fitted levels, blend, calibrator,
 * training metadata, CV results, importance, the training score distribution and a content hash.
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

/** The body of a model file: everything the hash covers. */
export const modelBodySchema = z
  .object({
    format: z.literal('leadscore.model'),
    version: z.literal(1),
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
  })
  .strict();

/** A model file: the body plus the SHA-256 of its canonical JSON. */
export const modelFileSchema = modelBodySchema.extend({ hash: z.string().regex(/^[0-9a-f]{64}$/) }).strict();

/** The body of a model file. */
export type ModelBody = z.infer<typeof modelBodySchema>;
/** A model file document (plain JSON). */
export type ModelFile = z.infer<typeof modelFileSchema>;
/** One member of a model file. */
export type ModelMember = z.infer<typeof memberSchema>;
/** One input column of a model file. */
export type ModelColumn = z.infer<typeof columnSchema>;
