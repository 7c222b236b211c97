import { averagePrecision, expectedCalibrationError, parseWith, psi } from '@leadscore/core';
import { type Issue, issue } from '@leadscore/core/issues';
import { z } from 'zod';
import { defineGate, type Gate } from '../gate/define-gate.js';
import { bounded, fig, pct, skipped } from './gate-helpers.js';

const unit = z.number().min(0).max(1);

/** The leakage audit of the dataset metadata passed (no point-in-time value from after its cutoff). */
export function leakageAuditGate(): Gate {
  const id = 'leakage_audit';
  return defineGate({
    id,
    description: 'Point-in-time leakage audit of the training table is clean',
    severity: 'error',
    evaluate: (input) => {
      const audit = input.metadata?.leakage.audit;
      if (!audit) return skipped('no dataset metadata with a leakage audit given', 0);
      const bad = audit.violations + audit.lookbackViolations + audit.undatedValues;
      const value = {
        violations: audit.violations,
        lookbackViolations: audit.lookbackViolations,
        undatedValues: audit.undatedValues,
      };
      if (audit.passed && bad === 0)
        return {
          status: 'pass',
          value,
          threshold: 0,
          reason: `${audit.checkedValues} dated values checked, none late`,
        };
      return {
        status: 'fail',
        value,
        threshold: 0,
        reason: `${audit.violations} values dated after their cutoff, ${audit.lookbackViolations} beyond the lookback, ${audit.undatedValues} undated (e.g. ${audit.offendingLeadIds.slice(0, 3).join(', ')})`,
        issues: [issue('leakage_audit_failed', [id], 'must find no late, stale or undated value', value)],
      };
    },
  });
}

/** Options of {@link minPositivesPerFoldGate}. */
export interface MinPositivesPerFoldGateOptions {
  /** Positives every test block must hold. @default 20 */
  min?: number | undefined;
}

/** Each fold's test block holds enough positives for its AUC-PR to mean something. */
export function minPositivesPerFoldGate(options: MinPositivesPerFoldGateOptions = {}): Gate {
  const o = parseWith(z.object({ min: z.number().int().min(1).default(20) }).strict(), options, 'options');
  const id = 'min_positives_per_fold';
  return defineGate({
    id,
    description: `Every fold's test block holds at least ${o.min} positives`,
    severity: 'error',
    evaluate: (input) => {
      const counts = input.folds
        ? input.folds.folds.map((f) => f.counts.testPositives)
        : input.cvResult?.folds.map((f) => f.test.positives);
      if (!counts) return skipped('no folds or cvResult given', o.min);
      const issues: Issue[] = [];
      counts.forEach((c, k) => {
        if (c < o.min)
          issues.push(
            issue('fold_positives_below_minimum', [id, k], `must hold >= ${o.min} test positives`, c),
          );
      });
      const min = Math.min(...counts);
      if (issues.length === 0)
        return {
          status: 'pass',
          value: counts,
          threshold: o.min,
          reason: `fewest test positives in a fold: ${min}`,
        };
      return {
        status: 'fail',
        value: counts,
        threshold: o.min,
        reason: `${issues.length} of ${counts.length} folds hold fewer than ${o.min} test positives (fewest ${min})`,
        issues,
      };
    },
  });
}

/** Options of {@link topDecileLiftGate}. */
export interface TopDecileLiftGateOptions {
  /** Mean over folds of the top-10 % lift must reach this. @default 2 */
  min?: number | undefined;
}

/** Business usefulness: precision in the top 10 % by score at least `min` times the base rate. */
export function topDecileLiftGate(options: TopDecileLiftGateOptions = {}): Gate {
  const o = parseWith(z.object({ min: z.number().min(0).default(2) }).strict(), options, 'options');
  const id = 'top_decile_lift';
  return defineGate({
    id,
    description: `Mean CV lift in the top 10 % by score >= ${o.min}`,
    severity: 'error',
    evaluate: (input) => {
      if (!input.cvResult) return skipped('no cvResult given', o.min);
      const v = input.cvResult.aggregate.test.liftAt10;
      return bounded(
        id,
        'top_decile_lift_below_threshold',
        'mean top-decile lift',
        v,
        o.min,
        'higher',
        false,
      );
    },
  });
}

/** Options of {@link calibrationGate}. */
export interface CalibrationGateOptions {
  /** Expected calibration error of the out-of-fold predictions must not exceed this. @default 0.05 */
  max?: number | undefined;
  /** Uniform bins of the ECE. @default 10 */
  nBins?: number | undefined;
}

/** Calibration: ECE of the out-of-fold predictions (scores used as probabilities must be probabilities). */
export function calibrationGate(options: CalibrationGateOptions = {}): Gate {
  const o = parseWith(
    z.object({ max: unit.default(0.05), nBins: z.number().int().min(1).default(10) }).strict(),
    options,
    'options',
  );
  const id = 'calibration';
  return defineGate({
    id,
    description: `Expected calibration error of the out-of-fold predictions <= ${fig(o.max)} (${o.nBins} bins)`,
    severity: 'warning',
    evaluate: (input) => {
      const oof = input.cvResult?.oof;
      if (!oof || oof.labels.length === 0)
        return skipped('no cvResult with out-of-fold predictions given', o.max);
      const ece = expectedCalibrationError(oof.labels, oof.predictions, { nBins: o.nBins });
      return bounded(id, 'calibration_error_above_threshold', 'ECE', ece, o.max, 'lower', false);
    },
  });
}

/** Options of {@link scoreDriftGate}. */
export interface ScoreDriftGateOptions {
  /** PSI above this warns. @default 0.1 */
  warn?: number | undefined;
  /** PSI above this fails. @default 0.25 */
  fail?: number | undefined;
  /** Quantile bins of the training scores. @default 10 */
  nBins?: number | undefined;
}

/** Population stability: PSI of the scoring population's scores against the training scores. */
export function scoreDriftGate(options: ScoreDriftGateOptions = {}): Gate {
  const o = parseWith(
    z
      .object({
        warn: z.number().min(0).default(0.1),
        fail: z.number().min(0).default(0.25),
        nBins: z.number().int().min(2).default(10),
      })
      .strict()
      .refine((v) => v.warn <= v.fail, { message: 'warn must be <= fail', path: ['warn'] }),
    options,
    'options',
  );
  const id = 'score_psi';
  return defineGate({
    id,
    description: `PSI of the scoring population vs training scores (warn > ${o.warn}, fail > ${o.fail})`,
    severity: 'error',
    evaluate: (input) => {
      const threshold = { warn: o.warn, fail: o.fail };
      if (!input.scores) return skipped('no training and scoring scores given', threshold);
      const v = psi(input.scores.training, input.scores.scoring, { nBins: o.nBins });
      const what = `PSI ${fig(v)} over ${input.scores.scoring.length} scored rows`;
      if (v > o.fail)
        return {
          status: 'fail',
          value: v,
          threshold,
          reason: `${what} is > ${o.fail} (major shift)`,
          issues: [issue('score_psi_above_threshold', [id], `must be <= ${o.fail}`, v)],
        };
      if (v > o.warn)
        return {
          status: 'warn',
          value: v,
          threshold,
          reason: `${what} is > ${o.warn} (moderate shift)`,
          issues: [issue('score_psi_above_warning', [id], `should be <= ${o.warn}`, v)],
        };
      return { status: 'pass', value: v, threshold, reason: `${what} is <= ${o.warn}` };
    },
  });
}

/** Options of {@link missingRateGate}. */
export interface MissingRateGateOptions {
  /** Highest share of missing values a feature may have in training. @default 0.5 */
  max?: number | undefined;
}

/** Every feature is present often enough in training (rates from `missingRates.training` or `metadata.nullRates`). */
export function missingRateGate(options: MissingRateGateOptions = {}): Gate {
  const o = parseWith(z.object({ max: unit.default(0.5) }).strict(), options, 'options');
  const id = 'missing_rate';
  return defineGate({
    id,
    description: `Every feature is missing in at most ${pct(o.max)} of training rows`,
    severity: 'warning',
    evaluate: (input) => {
      const rates = input.missingRates?.training ?? input.metadata?.nullRates;
      if (!rates) return skipped('no missing rates or dataset null rates given', o.max);
      const over = Object.entries(rates)
        .filter(([, r]) => r > o.max)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      const value = Object.fromEntries(over);
      if (over.length === 0)
        return {
          status: 'pass',
          value,
          threshold: o.max,
          reason: `${Object.keys(rates).length} columns, none missing in more than ${pct(o.max)}`,
        };
      return {
        status: 'fail',
        value,
        threshold: o.max,
        reason: `${over.length} column(s) missing in more than ${pct(o.max)}: ${over.map(([c, r]) => `${c} ${pct(r)}`).join(', ')}`,
        issues: over.map(([c, r]) =>
          issue('missing_rate_above_threshold', [id, c], `must be missing in <= ${o.max}`, r),
        ),
      };
    },
  });
}

/** Options of {@link missingRateDriftGate}. */
export interface MissingRateDriftGateOptions {
  /** Largest absolute change of a feature's missing rate between training and scoring. @default 0.1 */
  maxChange?: number | undefined;
}

/** A feature's missing rate in the scoring population has not moved far from training (a broken feed). */
export function missingRateDriftGate(options: MissingRateDriftGateOptions = {}): Gate {
  const o = parseWith(z.object({ maxChange: unit.default(0.1) }).strict(), options, 'options');
  const id = 'missing_rate_drift';
  return defineGate({
    id,
    description: `No feature's missing rate moves by more than ${pct(o.maxChange)} between training and scoring`,
    severity: 'error',
    evaluate: (input) => {
      const training = input.missingRates?.training;
      const scoring = input.missingRates?.scoring;
      if (!training || !scoring) return skipped('no training and scoring missing rates given', o.maxChange);
      const issues: Issue[] = [];
      const moved: Record<string, number> = {};
      for (const c of Object.keys(training).sort()) {
        const s = scoring[c];
        if (s === undefined) {
          issues.push(issue('missing_rate_column_absent', [id, c], 'must have a scoring missing rate', null));
          continue;
        }
        const change = s - training[c]!;
        if (Math.abs(change) > o.maxChange) {
          moved[c] = change;
          issues.push(issue('missing_rate_drift', [id, c], `must change by at most ${o.maxChange}`, change));
        }
      }
      if (issues.length === 0)
        return {
          status: 'pass',
          value: moved,
          threshold: o.maxChange,
          reason: `${Object.keys(training).length} columns, none moved by more than ${pct(o.maxChange)}`,
        };
      return {
        status: 'fail',
        value: moved,
        threshold: o.maxChange,
        reason: `${issues.length} column(s) drifted or absent: ${issues.map((i) => `${String(i.path[1])} ${typeof i.value === 'number' ? `${i.value > 0 ? '+' : ''}${pct(i.value)}` : 'absent'}`).join(', ')}`,
        issues,
      };
    },
  });
}

/** Options of {@link segmentPerformanceGate}. */
export interface SegmentPerformanceGateOptions {
  /** Segment columns to slice by (keys of `input.segments`). @default ['lead_source', 'firm_type'] */
  columns?: string[] | undefined;
  /**
   * A segment collapses when its AUC-PR lift (AP / segment base rate) is below this share of the
   * overall AUC-PR lift. @default 0.5
   */
  minRelativeLift?: number | undefined;
  /** Segments with fewer positives are not judged (their AP is noise). @default 10 */
  minPositives?: number | undefined;
}

/** Per-segment AUC-PR of the out-of-fold predictions does not collapse (TFMA slicing, WeakSegmentsPerformance). */
export function segmentPerformanceGate(options: SegmentPerformanceGateOptions = {}): Gate {
  const o = parseWith(
    z
      .object({
        columns: z.array(z.string().min(1)).min(1).default(['lead_source', 'firm_type']),
        minRelativeLift: unit.default(0.5),
        minPositives: z.number().int().min(1).default(10),
      })
      .strict(),
    options,
    'options',
  );
  const id = 'segment_performance';
  return defineGate({
    id,
    description: `AUC-PR lift in every segment of ${o.columns.join(', ')} >= ${o.minRelativeLift} x the overall lift`,
    severity: 'error',
    evaluate: (input) => {
      const oof = input.cvResult?.oof;
      const threshold = { minRelativeLift: o.minRelativeLift, minPositives: o.minPositives };
      if (!oof) return skipped('no cvResult with out-of-fold predictions given', threshold);
      const present = o.columns.filter((c) => input.segments?.[c] !== undefined);
      if (present.length === 0)
        return skipped(`no segment column (${o.columns.join(', ')}) given`, threshold);
      const n = oof.labels.length;
      let positives = 0;
      for (let i = 0; i < n; i++) positives += oof.labels[i]!;
      const overallLift = averagePrecision(oof.labels, oof.predictions) / (positives / n);
      const table: Record<string, Record<string, number>> = {};
      const issues: Issue[] = [];
      for (const column of present) {
        const values = input.segments![column]!;
        const byLevel = new Map<string, number[]>();
        for (let i = 0; i < n; i++) {
          const level = values[oof.rows[i]!] ?? '__missing__';
          const rows = byLevel.get(level);
          if (rows) rows.push(i);
          else byLevel.set(level, [i]);
        }
        table[column] = {};
        for (const [level, rows] of [...byLevel].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
          const labels = Float64Array.from(rows, (i) => oof.labels[i]!);
          const scores = Float64Array.from(rows, (i) => oof.predictions[i]!);
          let pos = 0;
          for (const l of labels) pos += l;
          if (pos < o.minPositives || pos === labels.length) continue;
          const relative = averagePrecision(labels, scores) / (pos / labels.length) / overallLift;
          table[column]![level] = relative;
          if (relative < o.minRelativeLift)
            issues.push(
              issue(
                'segment_performance_collapsed',
                [id, column, level],
                `must keep >= ${o.minRelativeLift} of the overall AUC-PR lift`,
                relative,
              ),
            );
        }
      }
      if (issues.length === 0)
        return {
          status: 'pass',
          value: table,
          threshold,
          reason: `every judged segment keeps >= ${o.minRelativeLift} of the overall AUC-PR lift ${fig(overallLift)}`,
        };
      return {
        status: 'fail',
        value: table,
        threshold,
        reason: `${issues.length} segment(s) collapse: ${issues.map((i) => `${String(i.path[1])}=${String(i.path[2])} ${fig(i.value as number)}`).join(', ')} of the overall lift ${fig(overallLift)}`,
        issues,
      };
    },
  });
}
