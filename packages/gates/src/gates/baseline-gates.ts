import { parseWith } from '@leadscore/core';
import { type Issue, issue } from '@leadscore/core/issues';
import { z } from 'zod';
import { defineGate, type Gate } from '../gate/define-gate.js';
import type { DeclaredResult } from '../gate/gate-input.js';
import { pct, skipped } from './gate-helpers.js';

/** The seed's declared results: V6 6.74 % and m5 14.92 % AUC-PR. */
export const SEED_BASELINES: readonly DeclaredResult[] = Object.freeze([
  Object.freeze({ name: 'V6', averagePrecision: 0.0674 }),
  Object.freeze({ name: 'm5', averagePrecision: 0.1492 }),
]);

const declaredSchema = z
  .object({ name: z.string().min(1), averagePrecision: z.number().min(0).max(1) })
  .strict();

/** Options of {@link declaredBaselinesGate}. */
export interface DeclaredBaselinesGateOptions {
  /** Results to beat when the input names none. @default SEED_BASELINES (V6 6.74 %, m5 14.92 %) */
  baselines?: DeclaredResult[] | undefined;
}

/** The candidate's mean CV AUC-PR beats every declared baseline (from the input, else the options). */
export function declaredBaselinesGate(options: DeclaredBaselinesGateOptions = {}): Gate {
  const o = parseWith(
    z
      .object({
        baselines: z
          .array(declaredSchema)
          .min(1)
          .default(SEED_BASELINES.map((b) => ({ ...b }))),
      })
      .strict(),
    options,
    'options',
  );
  const id = 'beats_declared_baselines';
  return defineGate({
    id,
    description: 'Mean CV AUC-PR beats every declared baseline',
    severity: 'error',
    evaluate: (input) => {
      const baselines = input.baselines ?? o.baselines;
      const threshold = Object.fromEntries(baselines.map((b) => [b.name, b.averagePrecision]));
      const ap = input.cvResult?.aggregate.test.averagePrecision;
      if (ap === undefined) return skipped('no cvResult given', threshold);
      if (ap === null)
        return {
          status: 'fail',
          value: null,
          threshold,
          reason: 'mean CV AUC-PR is undefined, so it beats no baseline',
          issues: [issue('below_baseline', [id], 'must be defined', ap)],
        };
      const issues: Issue[] = baselines
        .filter((b) => !(ap > b.averagePrecision))
        .map((b) => issue('below_baseline', [id, b.name], `must be > ${b.averagePrecision} (${b.name})`, ap));
      const list = baselines.map((b) => `${b.name} ${pct(b.averagePrecision)}`).join(', ');
      if (issues.length === 0)
        return { status: 'pass', value: ap, threshold, reason: `mean CV AUC-PR ${pct(ap)} beats ${list}` };
      return {
        status: 'fail',
        value: ap,
        threshold,
        reason: `mean CV AUC-PR ${pct(ap)} does not beat ${issues.map((i) => String(i.path[1])).join(', ')} (${list})`,
        issues,
      };
    },
  });
}

/** Options of {@link logisticBaselineGate}. */
export interface LogisticBaselineGateOptions {
  /** The candidate's mean CV AUC-PR must exceed the baseline's by at least this (absolute). @default 0 */
  minImprovement?: number | undefined;
}

/** The candidate beats an L2 logistic regression cross-validated on the same folds (deepchecks SimpleModelComparison). */
export function logisticBaselineGate(options: LogisticBaselineGateOptions = {}): Gate {
  const o = parseWith(
    z.object({ minImprovement: z.number().min(0).default(0) }).strict(),
    options,
    'options',
  );
  const id = 'beats_logistic_baseline';
  return defineGate({
    id,
    description: 'Mean CV AUC-PR beats a logistic-regression baseline on the same folds',
    severity: 'error',
    evaluate: (input) => {
      const base = input.logisticBaseline?.aggregate.test.averagePrecision;
      const ap = input.cvResult?.aggregate.test.averagePrecision;
      if (ap === undefined || base === undefined)
        return skipped(
          ap === undefined ? 'no cvResult given' : 'no logisticBaseline given',
          o.minImprovement,
        );
      if (input.logisticBaseline!.folds.length !== input.cvResult!.folds.length)
        return {
          status: 'fail',
          value: null,
          threshold: o.minImprovement,
          reason: `the baseline has ${input.logisticBaseline!.folds.length} folds, the candidate ${input.cvResult!.folds.length}: not the same folds`,
          issues: [
            issue(
              'baseline_folds_differ',
              [id],
              `must have ${input.cvResult!.folds.length} folds`,
              input.logisticBaseline!.folds.length,
            ),
          ],
        };
      const value = { candidate: ap, baseline: base };
      if (ap !== null && base !== null && ap - base > o.minImprovement)
        return {
          status: 'pass',
          value,
          threshold: o.minImprovement,
          reason: `mean CV AUC-PR ${pct(ap)} vs logistic regression ${pct(base)}`,
        };
      return {
        status: 'fail',
        value,
        threshold: o.minImprovement,
        reason: `mean CV AUC-PR ${ap === null ? 'undefined' : pct(ap)} does not beat logistic regression ${base === null ? 'undefined' : pct(base)} by more than ${pct(o.minImprovement)}`,
        issues: [
          issue('below_logistic_baseline', [id], `must beat ${base} by more than ${o.minImprovement}`, ap),
        ],
      };
    },
  });
}
