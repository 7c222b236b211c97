import { issue } from '@leadscore/core/issues';
import type { GateEvaluation } from '../gate/define-gate.js';

/** A `skip` outcome: the input the gate needs is absent. */
export function skipped(reason: string, threshold: GateEvaluation['threshold']): GateEvaluation {
  return { status: 'skip', value: null, threshold, reason };
}

/** Formats a rate as a percentage with two decimals. */
export function pct(x: number): string {
  return `${(x * 100).toFixed(2)} %`;
}

/** Formats a figure with four significant decimals. */
export function fig(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(4);
}

/**
 * Compares a value with a bound: `higher` means the value must exceed `bound` (strictly when `strict`).
 * Returns the evaluation with one issue of `code` on failure.
 */
export function bounded(
  id: string,
  code: string,
  label: string,
  value: number | null,
  bound: number,
  direction: 'higher' | 'lower',
  strict: boolean,
  format: (x: number) => string = fig,
): GateEvaluation {
  const op = direction === 'higher' ? (strict ? '>' : '>=') : strict ? '<' : '<=';
  if (value === null || !Number.isFinite(value)) {
    return {
      status: 'fail',
      value,
      threshold: bound,
      reason: `${label} is undefined (no positives or one class), so it cannot be ${op} ${format(bound)}`,
      issues: [issue(code, [id], `must be ${op} ${bound}`, value)],
    };
  }
  const ok =
    direction === 'higher'
      ? strict
        ? value > bound
        : value >= bound
      : strict
        ? value < bound
        : value <= bound;
  const reason = `${label} ${format(value)} ${ok ? 'is' : 'is not'} ${op} ${format(bound)}`;
  if (ok) return { status: 'pass', value, threshold: bound, reason };
  return {
    status: 'fail',
    value,
    threshold: bound,
    reason,
    issues: [issue(code, [id], `must be ${op} ${bound}`, value)],
  };
}
