import { DataError } from '@leadscore/core';

/** A fold cannot be made as asked (no training rows, no test rows, too few positives); names the fold. */
export class FoldError extends DataError {
  /** Index of the offending fold (`-1` for the holdout block). */
  readonly fold: number;

  constructor(fold: number, message: string, details: Record<string, unknown> = {}) {
    super(`${fold < 0 ? 'holdout' : `fold ${fold}`}: ${message}`, { details: { ...details, fold } });
    this.fold = fold;
  }
}
