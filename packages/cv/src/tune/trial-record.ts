import type { Distribution } from './distributions.js';

/** A parameter value as stored. */
export type ParamValue = string | number | boolean | null;

/** One finished trial, as appended to the storage file (one JSON line). */
export interface TrialRecord {
  readonly number: number;
  readonly state: 'complete' | 'pruned';
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  /** Objective value (for pruned trials: the last reported value), `null` if none. */
  readonly value: number | null;
  /** Constraint values; a trial is feasible when every one is <= 0. */
  readonly constraints: readonly number[];
  readonly feasible: boolean;
  /** `[step, value]` pairs reported with `trial.report`. */
  readonly intermediate: readonly (readonly [number, number])[];
  /** The CV aggregate when the objective returned a CV result. */
  readonly cv: Readonly<Record<string, unknown>> | null;
}

/**
 * Orders trials best first: feasible complete trials by value, then infeasible ones by total violation,
 * then pruned trials by how far they got and their last value (Optuna's constrained TPE ranks the same way).
 */
export function rankTrials(
  trials: readonly TrialRecord[],
  direction: 'maximize' | 'minimize',
): TrialRecord[] {
  const sign = direction === 'maximize' ? -1 : 1;
  const tier = (t: TrialRecord) => (t.state === 'pruned' ? 2 : t.feasible ? 0 : 1);
  const violation = (t: TrialRecord) => t.constraints.reduce((a, c) => a + Math.max(0, c), 0);
  const val = (t: TrialRecord) => (t.value === null || Number.isNaN(t.value) ? Infinity : sign * t.value);
  return [...trials].sort(
    (a, b) =>
      tier(a) - tier(b) ||
      (tier(a) === 1 ? violation(a) - violation(b) : 0) ||
      (tier(a) === 2 ? b.intermediate.length - a.intermediate.length : 0) ||
      val(a) - val(b) ||
      a.number - b.number,
  );
}
