import type { TrialRecord } from './trial-record.js';

/** Options of the median pruner (Optuna `MedianPruner` names and defaults). */
export interface MedianPrunerOptions {
  /** Complete trials needed before anything is pruned. @default 5 */
  nStartupTrials?: number;
  /** Steps (folds) always run before pruning is considered. @default 0 */
  nWarmupSteps?: number;
  /** Complete trials that must have reported at the step. @default 1 */
  nMinTrials?: number;
}

/** Prunes when the value at `step` is worse than the median of complete trials' values at that step. */
export function medianShouldPrune(
  history: readonly TrialRecord[],
  step: number,
  value: number,
  direction: 'maximize' | 'minimize',
  o: Required<MedianPrunerOptions>,
): boolean {
  const complete = history.filter((t) => t.state === 'complete');
  if (complete.length < o.nStartupTrials || step < o.nWarmupSteps) return false;
  const at = complete
    .map((t) => t.intermediate.find(([s]) => s === step)?.[1])
    .filter((v): v is number => v !== undefined && !Number.isNaN(v))
    .sort((a, b) => a - b);
  if (at.length < o.nMinTrials || at.length === 0) return false;
  const mid = at.length >> 1;
  const median = at.length % 2 === 1 ? at[mid]! : 0.5 * (at[mid - 1]! + at[mid]!);
  return direction === 'maximize' ? value < median : value > median;
}
