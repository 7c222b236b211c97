/**
 * Scoring leads with a loaded model: features, member margins and TreeSHAP contributions, the blend,
 * the calibrated probability, the percentile rank against the training population and the top reason
 * codes. The batch (Arrow table) and single-record forms share one engine on a matrix, so they agree.
 * @module
 */
import type { Matrix } from '@leadscore/core/matrix';
import { computeFeatures, computeFeaturesForRow } from '@leadscore/features';
import type { Table } from 'apache-arrow';
import { blendRanks, percentileRanks } from '../blend/blend.js';
import { calibrate } from '../calibration/calibrator.js';
import type { LoadedModel } from '../model-file/load-model.js';
import { alignMatrix, alignRow } from './align.js';
import { firstSentence, formatFeatureValue, reasonText } from './reason-text.js';

/** Reason codes kept per lead. */
export const REASONS_PER_LEAD = 3;

/** Scores of a batch of leads, column by column (row i of reason r at `i * REASONS_PER_LEAD + r`). */
export interface ScoreBatch {
  readonly nRows: number;
  /** Calibrated probability of conversion. */
  readonly probability: Float64Array;
  /** Fraction of the training population scored at or below this lead, in [0, 1]. */
  readonly percentile: Float64Array;
  /** The blended margin (log-odds) the reason codes add up to, with {@link ScoreBatch.bias}. */
  readonly margin: Float64Array;
  /** The blended TreeSHAP bias (expected margin) of each row. */
  readonly bias: Float64Array;
  /** Model column index of each reason, -1 where the model has fewer columns than reasons. */
  readonly reasonColumn: Int32Array;
  /** Signed contribution to the margin of each reason. */
  readonly reasonContribution: Float64Array;
  /** Each reason in words (`''` where there is none). */
  readonly reasonText: readonly string[];
  /** Sum of every column's contribution per row (the reasons are the largest three of them). */
  readonly contributionSum: Float64Array;
}

/** One reason code. */
export interface Reason {
  readonly feature: string;
  readonly contribution: number;
  readonly text: string;
}

/** The score of one lead. */
export interface LeadScore {
  readonly probability: number;
  readonly percentile: number;
  readonly margin: number;
  readonly reasons: readonly Reason[];
}

const labelCache = new WeakMap<LoadedModel, readonly string[]>();

function columnLabels(model: LoadedModel): readonly string[] {
  let labels = labelCache.get(model);
  if (labels === undefined) {
    const byName = new Map(model.file.features.features.map((f) => [f.name, f.description]));
    labels = model.file.columns.map((c) => firstSentence(byName.get(c.name) ?? c.name));
    labelCache.set(model, labels);
  }
  return labels;
}

/** Scores a matrix already in the model's columns and codes. */
export function scoreMatrix(model: LoadedModel, x: Matrix): ScoreBatch {
  const { file, members } = model;
  const n = x.nRows;
  const nf = file.columns.length;
  const stride = nf + 1;
  const dense = x;
  const weights = file.blend.weights;
  const margin = new Float64Array(n);
  const phi = new Float64Array(n * stride);
  const memberMargins: Float64Array[] = [];
  for (const [k, booster] of members.entries()) {
    const w = weights[k]!;
    const m = booster.predictMargin(dense);
    memberMargins.push(m);
    if (w === 0) continue;
    for (let i = 0; i < n; i++) margin[i] = margin[i]! + w * m[i]!;
    const c = booster.predictContributions(dense);
    for (let t = 0; t < c.length; t++) phi[t] = phi[t]! + w * c[t]!;
  }
  const blendScore =
    file.blend.method === 'rank'
      ? blendRanks(
          memberMargins,
          file.members.map((m) => m.reference),
          weights,
        )
      : margin;
  const probability = calibrate(file.calibrator, blendScore);
  const percentile = percentileRanks(file.scoreDistribution, probability);
  const reasonColumn = new Int32Array(n * REASONS_PER_LEAD).fill(-1);
  const reasonContribution = new Float64Array(n * REASONS_PER_LEAD);
  const reasonTextOut = new Array<string>(n * REASONS_PER_LEAD).fill('');
  const bias = new Float64Array(n);
  const contributionSum = new Float64Array(n);
  const labels = columnLabels(model);
  const kinds = file.features.features;
  const kindOf = new Map(kinds.map((f) => [f.name, f.kind]));
  const columnKinds = file.columns.map((c) => kindOf.get(c.name) ?? c.kind);
  for (let i = 0; i < n; i++) {
    const base = i * stride;
    let j0 = -1;
    let j1 = -1;
    let j2 = -1;
    let a0 = -1;
    let a1 = -1;
    let a2 = -1;
    let sum = 0;
    for (let j = 0; j < nf; j++) {
      const v = phi[base + j]!;
      sum += v;
      const a = Math.abs(v);
      if (a > a0) {
        j2 = j1;
        a2 = a1;
        j1 = j0;
        a1 = a0;
        j0 = j;
        a0 = a;
      } else if (a > a1) {
        j2 = j1;
        a2 = a1;
        j1 = j;
        a1 = a;
      } else if (a > a2) {
        j2 = j;
        a2 = a;
      }
    }
    bias[i] = phi[base + nf]!;
    contributionSum[i] = sum;
    const out = i * REASONS_PER_LEAD;
    reasonColumn[out] = j0;
    reasonColumn[out + 1] = j1;
    reasonColumn[out + 2] = j2;
    for (let r = 0; r < REASONS_PER_LEAD; r++) {
      const j = reasonColumn[out + r]!;
      if (j < 0) continue;
      const c = phi[base + j]!;
      reasonContribution[out + r] = c;
      const value = formatFeatureValue(file.columns[j]!, columnKinds[j]!, x.values[j * n + i]!);
      reasonTextOut[out + r] = reasonText(labels[j]!, value, c);
    }
  }
  return {
    nRows: n,
    probability,
    percentile,
    margin,
    bias,
    reasonColumn,
    reasonContribution,
    reasonText: reasonTextOut,
    contributionSum,
  };
}

/**
 * Scores every lead of an Arrow table with the model's input columns.
 * @throws SchemaError naming the first missing input column.
 * @example const scores = scoreLeads(model, leadsTable); scores.probability[0]
 */
export function scoreLeads(model: LoadedModel, table: Table): ScoreBatch {
  const features = computeFeatures(table, model.features, { historyQuarters: model.file.historyQuarters });
  return scoreMatrix(model, alignMatrix(features, model.file.columns));
}

/**
 * Scores one lead given as a plain record (column name to value), as an online service would.
 * @throws SchemaError naming the first missing input column.
 * @example const { probability, reasons } = scoreLead(model, record);
 */
export function scoreLead(model: LoadedModel, record: Readonly<Record<string, unknown>>): LeadScore {
  const row = computeFeaturesForRow(record, model.features, { historyQuarters: model.file.historyQuarters });
  return leadScoreAt(model, scoreMatrix(model, alignRow(row, model.file.columns)), 0);
}

/** Row `i` of a batch as a {@link LeadScore}. */
export function leadScoreAt(model: LoadedModel, batch: ScoreBatch, i: number): LeadScore {
  const reasons: Reason[] = [];
  for (let r = 0; r < REASONS_PER_LEAD; r++) {
    const j = batch.reasonColumn[i * REASONS_PER_LEAD + r]!;
    if (j < 0) continue;
    reasons.push({
      feature: model.file.columns[j]!.name,
      contribution: batch.reasonContribution[i * REASONS_PER_LEAD + r]!,
      text: batch.reasonText[i * REASONS_PER_LEAD + r]!,
    });
  }
  return {
    probability: batch.probability[i]!,
    percentile: batch.percentile[i]!,
    margin: batch.margin[i]!,
    reasons,
  };
}
