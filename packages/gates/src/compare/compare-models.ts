import { parseWith } from '@leadscore/core';
import type { CvResult } from '@leadscore/core/results';
import { z } from 'zod';
import type { DeclaredResult } from '../gate/gate-input.js';
import { SEED_BASELINES } from '../gates/baseline-gates.js';

/** A metric the comparison reads from a CV result's `aggregate.test`. */
export type ComparedMetric = 'averagePrecision' | 'rocAuc' | 'liftAt10' | 'brier' | 'logLoss';

const LOWER_IS_BETTER: ReadonlySet<ComparedMetric> = new Set(['brier', 'logLoss']);

/** What the candidate is compared with. */
export interface ModelBaselines {
  /** Declared AUC-PR results. @default SEED_BASELINES (V6 6.74 %, m5 14.92 %) */
  declared?: readonly DeclaredResult[] | undefined;
  /** The previous model's CV result (TFX's baseline model); absent on a first run. */
  previous?: CvResult | undefined;
  /** Name shown for the previous model. @default 'previous' */
  previousName?: string | undefined;
}

/** Options of {@link compareModels}: change thresholds against the previous model, as TFX / MLflow. */
export interface CompareModelsOptions {
  /** Metrics compared with the previous model. @default ['averagePrecision', 'rocAuc', 'liftAt10', 'brier'] */
  metrics?: ComparedMetric[] | undefined;
  /**
   * Smallest improvement over the previous model, in the metric's better direction (negative tolerates a
   * small loss). @default 0 (never worse)
   */
  minAbsoluteChange?: number | undefined;
  /** Smallest relative improvement (`0.05` = 5 % better). @default -Infinity (not checked) */
  minRelativeChange?: number | undefined;
  /** Name shown for the candidate. @default 'candidate' */
  candidateName?: string | undefined;
}

/** One comparison row. */
export interface ComparisonRow {
  readonly baseline: string;
  readonly kind: 'declared' | 'previous';
  readonly metric: ComparedMetric;
  readonly candidate: number | null;
  readonly value: number | null;
  /** `candidate - value`. */
  readonly absoluteChange: number | null;
  /** `(candidate - value) / |value|`. */
  readonly relativeChange: number | null;
  readonly passed: boolean;
  readonly reason: string;
}

/** Result of {@link compareModels} (plain JSON). */
export interface ModelComparison {
  readonly format: 'leadscore.model-comparison';
  readonly version: 1;
  readonly candidate: string;
  /** Every row passed. */
  readonly success: boolean;
  /** Set when no previous model was given: change thresholds were not applied (TFX's first run). */
  readonly note: string | null;
  readonly rows: readonly ComparisonRow[];
}

const METRICS = ['averagePrecision', 'rocAuc', 'liftAt10', 'brier', 'logLoss'] as const;

const optionsSchema = z
  .object({
    metrics: z.array(z.enum(METRICS)).min(1).default(['averagePrecision', 'rocAuc', 'liftAt10', 'brier']),
    minAbsoluteChange: z.number().default(0),
    minRelativeChange: z.number().default(Number.NEGATIVE_INFINITY),
    candidateName: z.string().min(1).default('candidate'),
  })
  .strict();

const f = (x: number | null, metric: ComparedMetric): string =>
  x === null ? 'undefined' : metric === 'averagePrecision' ? `${(x * 100).toFixed(2)} %` : x.toFixed(4);

/**
 * Compares a candidate's CV result with declared AUC-PR results (must beat) and with a previous model's
 * CV result (must change by at least the thresholds in each metric's better direction).
 * @example compareModels(cvResult, { previous: lastCvResult }, { minAbsoluteChange: -0.005 })
 */
export function compareModels(
  candidate: CvResult,
  baselines: ModelBaselines = {},
  options: CompareModelsOptions = {},
): ModelComparison {
  const o = parseWith(optionsSchema, options, 'options');
  const rows: ComparisonRow[] = [];
  const cap = candidate.aggregate.test.averagePrecision;
  for (const b of baselines.declared ?? SEED_BASELINES) {
    const passed = cap !== null && cap > b.averagePrecision;
    rows.push({
      baseline: b.name,
      kind: 'declared',
      metric: 'averagePrecision',
      candidate: cap,
      value: b.averagePrecision,
      absoluteChange: cap === null ? null : cap - b.averagePrecision,
      relativeChange: cap === null ? null : (cap - b.averagePrecision) / b.averagePrecision,
      passed,
      reason: `${o.candidateName} AUC-PR ${f(cap, 'averagePrecision')} ${passed ? 'beats' : 'does not beat'} ${b.name} ${f(b.averagePrecision, 'averagePrecision')}`,
    });
  }
  const previous = baselines.previous;
  const name = baselines.previousName ?? 'previous';
  if (previous) {
    for (const metric of o.metrics) {
      const c = candidate.aggregate.test[metric];
      const v = previous.aggregate.test[metric];
      const sign = LOWER_IS_BETTER.has(metric) ? -1 : 1;
      let passed = false;
      let abs: number | null = null;
      let rel: number | null = null;
      if (c !== null && v !== null) {
        abs = c - v;
        rel = v === 0 ? null : abs / Math.abs(v);
        const improvement = sign * abs;
        const relImprovement = rel === null ? Number.POSITIVE_INFINITY : sign * rel;
        passed = improvement >= o.minAbsoluteChange && relImprovement >= o.minRelativeChange;
      }
      const better = LOWER_IS_BETTER.has(metric) ? 'lower is better' : 'higher is better';
      rows.push({
        baseline: name,
        kind: 'previous',
        metric,
        candidate: c,
        value: v,
        absoluteChange: abs,
        relativeChange: rel,
        passed,
        reason: `${metric} ${f(c, metric)} vs ${name} ${f(v, metric)} (${better}; change ${abs === null ? 'undefined' : abs.toFixed(4)}, needs >= ${o.minAbsoluteChange} in the better direction${Number.isFinite(o.minRelativeChange) ? ` and ${o.minRelativeChange * 100} % relative` : ''}): ${passed ? 'pass' : 'fail'}`,
      });
    }
  }
  return {
    format: 'leadscore.model-comparison',
    version: 1,
    candidate: o.candidateName,
    success: rows.every((r) => r.passed),
    note: previous ? null : 'no previous model given: change thresholds not applied (first run)',
    rows,
  };
}
