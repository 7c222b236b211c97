import { createMatrix, formatValue, InvalidArgumentError, type Matrix, parseWith } from '@leadscore/core';
import { z } from 'zod';
import { readLabels } from '../folds/time-input.js';
import type { FittedTransform, FoldTransform } from './fold-transform.js';

/** Options of {@link targetOrderedLevels}. */
export interface TargetOrderedLevelsOptions {
  /** Weight of the training rows' base rate in a level's rate, in rows (m-estimate). @default 10 */
  smoothing?: number;
}

const optionsSchema = z.object({ smoothing: z.number().finite().min(0).default(10) }).strict();

/** One categorical column's new order: its level names in that order, and each name's new code. */
interface ColumnOrder {
  readonly name: string;
  readonly levels: readonly string[];
  readonly codeOf: ReadonlyMap<string, number>;
}

/**
 * A {@link FoldTransform} that renumbers every categorical column's levels by their smoothed positive rate
 * on the fold's training rows, lowest first: `(positives + smoothing * baseRate) / (rows + smoothing)`,
 * ties (and levels with no training rows, which get the base rate) in their old order. The column stays
 * categorical with the same level names, reordered; missing values stay missing.
 *
 * Trees split a categorical column's codes as ordered numbers (the V7 pipeline, XGBoost on codes). In
 * the fitted order a split separates arbitrary levels; in rate order one split separates the levels that
 * convert from those that do not (the order LightGBM sorts categories in before it splits them). Fitted
 * inside each fold, it does not see the test block. `@leadscore/model`'s `trainEnsemble` uses it for its
 * cross-validation and refit (`levelOrder: 'target'`), and the model file keeps the reordered levels.
 * @example await crossValidate({ learner, matrix, labels, folds, transform: targetOrderedLevels() });
 */
export function targetOrderedLevels(options: TargetOrderedLevelsOptions = {}): FoldTransform {
  const { smoothing } = parseWith(optionsSchema, options, 'options');
  return Object.freeze({
    fit(train: Matrix, labels: ArrayLike<number>): FittedTransform {
      const y = readLabels(labels);
      if (y.length !== train.nRows) {
        throw new InvalidArgumentError(
          `labels must have one entry per training row (${train.nRows}), found ${y.length}`,
          { details: { parameter: 'labels', expected: train.nRows, value: y.length } },
        );
      }
      const n = train.nRows;
      let positives = 0;
      for (let i = 0; i < n; i++) positives += y[i]!;
      const prior = n === 0 ? 0 : positives / n;
      const orders = train.kinds.map((kind, j): ColumnOrder | null => {
        if (kind !== 'categorical') return null;
        const levels = train.levels[j]!;
        const rows = new Float64Array(levels.length);
        const pos = new Float64Array(levels.length);
        const col = train.values.subarray(j * n, (j + 1) * n);
        for (let i = 0; i < n; i++) {
          const v = col[i]!;
          if (Number.isNaN(v)) continue;
          rows[v]!++;
          pos[v]! += y[i]!;
        }
        const rate = (l: number) =>
          rows[l]! + smoothing === 0 ? prior : (pos[l]! + smoothing * prior) / (rows[l]! + smoothing);
        const byRate = Array.from(levels.keys()).sort((a, b) => rate(a) - rate(b) || a - b);
        const ordered = Object.freeze(byRate.map((l) => levels[l]!));
        return { name: train.names[j]!, levels: ordered, codeOf: new Map(ordered.map((l, k) => [l, k])) };
      });
      return Object.freeze({
        apply: (m: Matrix) => reorder(m, orders),
      });
    },
  });
}

/** `m` with its categorical columns recoded to `orders` (columns and levels matched by name). */
function reorder(m: Matrix, orders: readonly (ColumnOrder | null)[]): Matrix {
  const values = Float32Array.from(m.values);
  const levels = [...m.levels];
  const n = m.nRows;
  for (const [j, order] of orders.entries()) {
    if (order === null) continue;
    const { name } = order;
    const c = m.names[j] === name ? j : m.names.indexOf(name);
    if (c < 0 || m.kinds[c] !== 'categorical') {
      throw new InvalidArgumentError(
        `matrix must have the categorical column ${formatValue(name)} the levels were ordered on, found ${c < 0 ? 'no such column' : `a ${m.kinds[c]} one`}`,
        { details: { parameter: 'matrix', column: name } },
      );
    }
    // m's own codes, through the level names, to the new order
    const code = Float32Array.from(m.levels[c]!, (level) => {
      const to = order.codeOf.get(level);
      if (to === undefined) {
        throw new InvalidArgumentError(
          `column ${formatValue(name)} has level ${formatValue(level)}, which the levels were not ordered on (fitted: ${formatValue(order.levels)})`,
          { details: { parameter: 'matrix', column: name, value: level } },
        );
      }
      return to;
    });
    const col = values.subarray(c * n, (c + 1) * n);
    for (let i = 0; i < n; i++) {
      const v = col[i]!;
      if (!Number.isNaN(v)) col[i] = code[v]!;
    }
    levels[c] = order.levels;
  }
  return createMatrix(values, n, m.names, { kinds: m.kinds, levels });
}
