import { InvalidArgumentError, type Matrix, parseWith } from '@leadscore/core';
import { z } from 'zod';

/** Options of {@link fitLogisticRegression}. */
export interface LogisticRegressionOptions {
  /** Inverse L2 strength, as sklearn's `C`: minimises `C * sum(logloss) + ||w||^2 / 2`. @default 1 */
  C?: number | undefined;
  /** Newton (IRLS) iterations at most. @default 100 */
  maxIter?: number | undefined;
  /** Stop when no coefficient moves by more than this in a step. @default 1e-10 */
  tol?: number | undefined;
}

/**
 * A fitted L2 logistic regression (plain JSON): each column is imputed with its training mean, then
 * standardised by the training mean and the standard deviation of the imputed column (sklearn's
 * `SimpleImputer` then `StandardScaler`); the coefficients apply to the standardised columns.
 */
export interface LogisticModel {
  readonly format: 'leadscore.logistic-regression';
  readonly version: 1;
  readonly names: readonly string[];
  readonly means: readonly number[];
  readonly scales: readonly number[];
  readonly coefficients: readonly number[];
  readonly intercept: number;
  readonly iterations: number;
  readonly converged: boolean;
}

const optionsSchema = z
  .object({
    C: z.number().positive().default(1),
    maxIter: z.number().int().min(1).default(100),
    tol: z.number().positive().default(1e-10),
  })
  .strict();

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** In-place Cholesky solve of `A x = b` for a symmetric positive definite `A` (row-major, size m). */
function choleskySolve(a: Float64Array, b: Float64Array, m: number): Float64Array {
  for (let j = 0; j < m; j++) {
    let d = a[j * m + j]!;
    for (let k = 0; k < j; k++) d -= a[j * m + k]! * a[j * m + k]!;
    if (!(d > 0))
      throw new InvalidArgumentError(`logistic regression Hessian is not positive definite at column ${j}`);
    const l = Math.sqrt(d);
    a[j * m + j] = l;
    for (let i = j + 1; i < m; i++) {
      let s = a[i * m + j]!;
      for (let k = 0; k < j; k++) s -= a[i * m + k]! * a[j * m + k]!;
      a[i * m + j] = s / l;
    }
  }
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= a[i * m + k]! * y[k]!;
    y[i] = s / a[i * m + i]!;
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < m; k++) s -= a[k * m + i]! * x[k]!;
    x[i] = s / a[i * m + i]!;
  }
  return x;
}

/** Standardised copy of the chosen rows (column-major Float64), NaN imputed with the column mean. */
function standardise(
  matrix: Matrix,
  rows: ArrayLike<number>,
  means: ArrayLike<number>,
  scales: ArrayLike<number>,
): Float64Array {
  const n = rows.length;
  const out = new Float64Array(n * matrix.nCols);
  for (let j = 0; j < matrix.nCols; j++) {
    const src = j * matrix.nRows;
    const dst = j * n;
    const mean = means[j]!;
    const scale = scales[j]!;
    for (let i = 0; i < n; i++) {
      const v = matrix.values[src + rows[i]!]!;
      out[dst + i] = Number.isNaN(v) ? 0 : (v - mean) / scale;
    }
  }
  return out;
}

function allRows(n: number): Int32Array {
  const r = new Int32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}

/**
 * Fits an L2-penalised logistic regression by Newton's method (IRLS) on the given rows (default all);
 * the intercept is not penalised, as in sklearn's `LogisticRegression(penalty='l2', C=...)`.
 * @example const model = fitLogisticRegression(matrix, labels, { C: 1 });
 */
export function fitLogisticRegression(
  matrix: Matrix,
  labels: ArrayLike<number>,
  options: LogisticRegressionOptions = {},
  rows: ArrayLike<number> = allRows(matrix.nRows),
): LogisticModel {
  const o = parseWith(optionsSchema, options, 'options');
  if (labels.length !== matrix.nRows)
    throw new InvalidArgumentError(
      `labels must have ${matrix.nRows} values (one per matrix row), found ${labels.length}`,
    );
  const n = rows.length;
  if (n === 0) throw new InvalidArgumentError('rows must not be empty, found 0 rows');
  const p = matrix.nCols;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= matrix.nRows)
      throw new InvalidArgumentError(`rows[${i}] must be a row index in [0, ${matrix.nRows}), found ${r}`);
    const l = labels[r]!;
    if (l !== 0 && l !== 1) throw new InvalidArgumentError(`labels[${r}] must be 0 or 1, found ${l}`);
    y[i] = l;
  }
  const means = new Float64Array(p);
  const scales = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const src = j * matrix.nRows;
    let sum = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const v = matrix.values[src + rows[i]!]!;
      if (!Number.isNaN(v)) {
        sum += v;
        count++;
      }
    }
    const mean = count === 0 ? 0 : sum / count;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = matrix.values[src + rows[i]!]!;
      if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
    }
    const sd = Math.sqrt(ss / n);
    means[j] = mean;
    // sklearn's StandardScaler leaves constant columns unscaled.
    scales[j] = sd > 0 ? sd : 1;
  }
  const x = standardise(matrix, rows, means, scales);
  const m = p + 1;
  const beta = new Float64Array(m); // [w_0..w_{p-1}, intercept]
  const eta = new Float64Array(n);
  const resid = new Float64Array(n);
  const weight = new Float64Array(n);
  const hess = new Float64Array(m * m);
  const grad = new Float64Array(m);
  let iterations = 0;
  let converged = false;
  for (let iter = 0; iter < o.maxIter; iter++) {
    iterations = iter + 1;
    eta.fill(beta[p]!);
    for (let j = 0; j < p; j++) {
      const w = beta[j]!;
      if (w === 0) continue;
      const col = j * n;
      for (let i = 0; i < n; i++) eta[i]! += w * x[col + i]!;
    }
    for (let i = 0; i < n; i++) {
      const mu = sigmoid(eta[i]!);
      resid[i] = o.C * (mu - y[i]!);
      weight[i] = o.C * mu * (1 - mu);
    }
    for (let j = 0; j < p; j++) {
      const col = j * n;
      let g = beta[j]!;
      for (let i = 0; i < n; i++) g += resid[i]! * x[col + i]!;
      grad[j] = g;
      for (let k = 0; k <= j; k++) {
        const ck = k * n;
        let h = 0;
        for (let i = 0; i < n; i++) h += weight[i]! * x[col + i]! * x[ck + i]!;
        hess[j * m + k] = h;
        hess[k * m + j] = h;
      }
      hess[j * m + j]! += 1;
      let hb = 0;
      for (let i = 0; i < n; i++) hb += weight[i]! * x[col + i]!;
      hess[j * m + p] = hb;
      hess[p * m + j] = hb;
    }
    let g0 = 0;
    let h00 = 0;
    for (let i = 0; i < n; i++) {
      g0 += resid[i]!;
      h00 += weight[i]!;
    }
    grad[p] = g0;
    // A tiny ridge on the intercept keeps separable or single-class data solvable.
    hess[p * m + p] = h00 + 1e-12;
    const step = choleskySolve(hess, grad, m);
    let moved = 0;
    for (let j = 0; j < m; j++) {
      beta[j]! -= step[j]!;
      moved = Math.max(moved, Math.abs(step[j]!));
    }
    if (moved < o.tol) {
      converged = true;
      break;
    }
  }
  return {
    format: 'leadscore.logistic-regression',
    version: 1,
    names: [...matrix.names],
    means: Array.from(means),
    scales: Array.from(scales),
    coefficients: Array.from(beta.subarray(0, p)),
    intercept: beta[p]!,
    iterations,
    converged,
  };
}

/**
 * Probabilities of a fitted {@link LogisticModel} for the given rows (default all) of a matrix with the same columns.
 * @example const p = predictLogistic(model, matrix);
 */
export function predictLogistic(
  model: LogisticModel,
  matrix: Matrix,
  rows: ArrayLike<number> = allRows(matrix.nRows),
): Float64Array {
  if (matrix.nCols !== model.names.length || matrix.names.some((name, j) => name !== model.names[j]))
    throw new InvalidArgumentError(
      `matrix.names must be the model's columns ${JSON.stringify(model.names)}, found ${JSON.stringify(matrix.names)}`,
    );
  const n = rows.length;
  const eta = new Float64Array(n).fill(model.intercept);
  for (let j = 0; j < matrix.nCols; j++) {
    const w = model.coefficients[j]!;
    const mean = model.means[j]!;
    const scale = model.scales[j]!;
    const src = j * matrix.nRows;
    for (let i = 0; i < n; i++) {
      const v = matrix.values[src + rows[i]!]!;
      if (!Number.isNaN(v)) eta[i]! += (w * (v - mean)) / scale;
    }
  }
  for (let i = 0; i < n; i++) eta[i] = sigmoid(eta[i]!);
  return eta;
}
