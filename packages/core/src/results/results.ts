/**
 * The plain, versioned JSON documents that cross package boundaries: fold lists (cv -> model, gates,
 * reports), cross-validation results (cv -> gates, model) and gate reports (gates -> CLI, CI). Each has
 * a `format` and `version`; producers emit these shapes and consumers validate them with the schemas
 * here, so a result written by another tool (or another language) can be read without our code.
 * @module
 */
import { z } from 'zod';
import type { Issue } from '../issues/index.js';
import { type SafeResult, safeParseWith, ValidationError } from '../issues/index.js';

const count = z.number().int().min(0);
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/, 'an ISO date (YYYY-MM-DD or full UTC timestamp)');
/** A metric value; `null` where it is undefined (no positives, one class). */
const metric = z.number().nullable();

/** One fold of a {@link FoldList}: row indices into the data it was made from, and what was removed why. */
export const foldSchema = z
  .object({
    index: count,
    /** Row indices of the training rows, ascending. */
    train: z.array(count),
    /** Row indices of the test rows, ascending. */
    test: z.array(count),
    /** Date ranges (inclusive), `null` for folds made without times. */
    trainStart: isoDate.nullable(),
    trainEnd: isoDate.nullable(),
    testStart: isoDate.nullable(),
    testEnd: isoDate.nullable(),
    counts: z
      .object({
        train: count,
        test: count,
        trainPositives: count,
        testPositives: count,
        /** Rows before the test block dropped because they fall inside the gap. */
        gap: count,
        /** Training rows whose label window reaches into the test block. */
        purged: count,
        /** Rows after the test block dropped by the embargo. */
        embargoed: count,
        /** Training rows whose group (entity) appears in the test block. */
        groupExcluded: count,
      })
      .strict(),
  })
  .strict();

/** `leadscore.folds` v1: how rows were split for cross-validation. */
export const foldListSchema = z
  .object({
    format: z.literal('leadscore.folds'),
    version: z.literal(1),
    method: z.enum(['temporal', 'combinatorial-purged', 'stratified']),
    nRows: count,
    /** The options the folds were made with, as given (plain JSON). */
    options: z.record(z.string(), z.unknown()),
    folds: z.array(foldSchema).min(1),
    /**
     * A final untouched time block kept out of every fold (its `test`), with the training rows a model
     * scored on it may use (its `train`); `null` or absent when none was asked for.
     */
    holdout: foldSchema.nullable().optional(),
  })
  .strict();

/** Metrics of one set of predictions. */
export const metricSetSchema = z
  .object({
    rows: count,
    positives: count,
    averagePrecision: metric,
    rocAuc: metric,
    /** Lift in the top 10 % by score. */
    liftAt10: metric,
    brier: metric,
    logLoss: metric,
  })
  .strict();

/** Per-fold figures of a {@link CvResult}. */
export const cvFoldResultSchema = z
  .object({
    index: count,
    testStart: isoDate.nullable(),
    testEnd: isoDate.nullable(),
    train: metricSetSchema,
    test: metricSetSchema,
    /** Boosting rounds kept by early stopping, `null` for learners without it. */
    bestIteration: z.number().int().nullable(),
    fitSeconds: z.number().min(0),
  })
  .strict();

/** `leadscore.cv-result` v1: a learner cross-validated on a fold list. */
export const cvResultSchema = z
  .object({
    format: z.literal('leadscore.cv-result'),
    version: z.literal(1),
    learner: z.object({ name: z.string(), params: z.record(z.string(), z.unknown()) }).strict(),
    features: z.array(z.string()),
    folds: z.array(cvFoldResultSchema).min(1),
    aggregate: z
      .object({
        /** Mean over folds of the test metrics. */
        test: metricSetSchema.omit({ rows: true, positives: true }),
        /** Standard deviation over folds (population, ddof 0) of the test metrics. */
        testStd: metricSetSchema.omit({ rows: true, positives: true }),
        /** Mean over folds of the training metrics. */
        train: metricSetSchema.omit({ rows: true, positives: true }),
        /** std / mean of the folds' test average precision. */
        cvCoefficient: metric,
        /** (train AP - test AP) / train AP, from the fold means. */
        trainTestGap: metric,
        /** Average precision of the pooled out-of-fold predictions. */
        oofAveragePrecision: metric,
      })
      .strict(),
    /** Out-of-fold predictions: each row in some test block once (for CPCV: the mean over its test blocks). */
    oof: z
      .object({
        rows: z.array(count),
        labels: z.array(z.union([z.literal(0), z.literal(1)])),
        predictions: z.array(z.number()),
        fold: z.array(count),
      })
      .strict(),
  })
  .strict();

/** One feature's importance, as the model file and reports carry it. */
export const featureImportanceSchema = z
  .object({
    feature: z.string(),
    group: z.string(),
    businessSignal: z.boolean(),
    meanAbsShap: z.number().min(0),
    totalGain: z.number().min(0),
    rank: z.number().int().min(1),
  })
  .strict();

/** A gate's outcome. */
export const gateOutcomeSchema = z
  .object({
    id: z.string(),
    description: z.string(),
    severity: z.enum(['error', 'warning']),
    status: z.enum(['pass', 'warn', 'fail', 'skip']),
    value: z.union([
      z.number(),
      z.string(),
      z.boolean(),
      z.null(),
      z.array(z.unknown()),
      z.record(z.string(), z.unknown()),
    ]),
    threshold: z.union([z.number(), z.string(), z.null(), z.record(z.string(), z.unknown())]),
    reason: z.string(),
  })
  .strict();

const issueSchema = z
  .object({
    code: z.string(),
    path: z.array(z.union([z.string(), z.number()])),
    value: z.unknown().optional(),
    message: z.string(),
  })
  .strict();

/** `leadscore.gate-report` v1: every gate's outcome and the issues of the failed ones. */
export const gateReportSchema = z
  .object({
    format: z.literal('leadscore.gate-report'),
    version: z.literal(1),
    success: z.boolean(),
    outcomes: z.array(gateOutcomeSchema),
    issues: z.array(issueSchema),
  })
  .strict();

/** A fold list (plain JSON). */
export type FoldList = z.infer<typeof foldListSchema>;
/** One fold. */
export type Fold = z.infer<typeof foldSchema>;
/** Metrics of one set of predictions. */
export type MetricSet = z.infer<typeof metricSetSchema>;
/** One fold's CV figures. */
export type CvFoldResult = z.infer<typeof cvFoldResultSchema>;
/** A cross-validation result (plain JSON). */
export type CvResult = z.infer<typeof cvResultSchema>;
/** One feature's importance. */
export type FeatureImportance = z.infer<typeof featureImportanceSchema>;
/** A gate's outcome. */
export type GateOutcome = z.infer<typeof gateOutcomeSchema>;
/** A gate report (plain JSON). */
export type GateReport = z.infer<typeof gateReportSchema> & { readonly issues: readonly Issue[] };

/** Reads a fold list (e.g. parsed from a file written elsewhere); `issues` name every problem. */
export function safeReadFoldList(value: unknown): SafeResult<FoldList> {
  return safeParseWith(foldListSchema, value, 'folds');
}
/** Reads a fold list or throws a {@link ValidationError} naming every problem. */
export function readFoldList(value: unknown): FoldList {
  const r = safeReadFoldList(value);
  if (!r.success) throw new ValidationError(r.issues, { code: 'SCHEMA_MISMATCH' });
  return r.data;
}
/** Reads a CV result; `issues` name every problem. */
export function safeReadCvResult(value: unknown): SafeResult<CvResult> {
  return safeParseWith(cvResultSchema, value, 'cvResult');
}
/** Reads a CV result or throws a {@link ValidationError} naming every problem. */
export function readCvResult(value: unknown): CvResult {
  const r = safeReadCvResult(value);
  if (!r.success) throw new ValidationError(r.issues, { code: 'SCHEMA_MISMATCH' });
  return r.data;
}
