import { formatValue, InvalidArgumentError } from '@leadscore/core/errors';
import { assertArg } from '@leadscore/core/internal';
import { MISSING_LEVEL } from '../define/feature.js';

/** A categorical value: a level, or null/undefined/`"__missing__"` for missing. */
export type CategoryValue = string | null | undefined;

/** Columns produced by an encoder: column-major Float32 values, NaN = missing. */
export interface EncodedColumns {
  readonly nRows: number;
  readonly nCols: number;
  /** Value (i, j) at `j * nRows + i`. */
  readonly data: Float32Array;
  readonly names: readonly string[];
}

/** Level of a value, or null when missing. */
export function levelOf(value: CategoryValue): string | null {
  return value === null || value === undefined || value === MISSING_LEVEL ? null : value;
}

/** Checks that `values` is an array of strings / null / undefined. */
export function checkValues(values: readonly CategoryValue[], name: string): void {
  if (!Array.isArray(values)) {
    throw new InvalidArgumentError(
      `${name} must be an array of strings or null, found ${formatValue(values)}`,
      {
        details: { parameter: name, value: values },
      },
    );
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    assertArg(v === null || v === undefined || typeof v === 'string', `${name}[${i}]`, 'a string or null', v);
  }
}

/** Sorts strings by code unit order (locale-independent, deterministic). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
