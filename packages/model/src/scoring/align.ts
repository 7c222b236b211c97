/**
 * Puts computed features into the column order and level codes the members were trained with: a
 * categorical code indexes the levels of the matrix it came from, so it is mapped to the model's fitted
 * level list by level name (an unseen level becomes NaN, which the trees route by their default direction).
 * @module
 */

import { SchemaError } from '@leadscore/core/errors';
import { createMatrix, type Matrix } from '@leadscore/core/matrix';
import type { FeatureMatrix, FeatureRow } from '@leadscore/features';
import type { ModelColumn } from '../model-file/schema.js';

function missingColumn(name: string): SchemaError {
  return new SchemaError(`${name}: feature column is missing from the computed features`, {
    details: { column: name },
  });
}

/** A feature matrix re-coded to the model's columns (a new column-major matrix). */
export function alignMatrix(matrix: FeatureMatrix, columns: readonly ModelColumn[]): Matrix {
  const n = matrix.nRows;
  const values = new Float32Array(n * columns.length);
  const index = new Map(matrix.names.map((name, j) => [name, j]));
  for (const [c, col] of columns.entries()) {
    const j = index.get(col.name);
    if (j === undefined) throw missingColumn(col.name);
    const src = matrix.values.subarray(j * n, (j + 1) * n);
    const dst = values.subarray(c * n, (c + 1) * n);
    if (col.levels === null) {
      dst.set(src);
      continue;
    }
    const fitted = new Map(col.levels.map((level, code) => [level, code]));
    const local = matrix.levels[j] ?? [];
    const remap = new Float32Array(local.length);
    for (let l = 0; l < local.length; l++) remap[l] = fitted.get(local[l]!) ?? Number.NaN;
    for (let i = 0; i < n; i++) {
      const v = src[i]!;
      dst[i] = Number.isNaN(v) ? Number.NaN : remap[v]!;
    }
  }
  return modelMatrix(values, n, columns);
}

/** One record's features re-coded to the model's columns (a one-row matrix). */
export function alignRow(row: FeatureRow, columns: readonly ModelColumn[]): Matrix {
  const values = new Float32Array(columns.length);
  for (const [c, col] of columns.entries()) {
    if (!Object.hasOwn(row, col.name)) throw missingColumn(col.name);
    const v = row[col.name]!;
    if (col.levels === null) values[c] = typeof v === 'number' ? v : Number.NaN;
    else {
      const code = col.levels.indexOf(String(v));
      values[c] = code < 0 ? Number.NaN : code;
    }
  }
  return modelMatrix(values, 1, columns);
}

function modelMatrix(values: Float32Array, n: number, columns: readonly ModelColumn[]): Matrix {
  // Kinds are stored numeric: the codes are already the model's, and unseen levels are NaN.
  return createMatrix(
    values,
    n,
    columns.map((c) => c.name),
  );
}
