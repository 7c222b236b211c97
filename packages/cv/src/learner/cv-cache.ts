import { type BinMapper, type BinnedMatrix, binMatrix, fitBinMapper } from '@leadscore/boost';
import { type Matrix, takeRows } from '@leadscore/core';
import type { FittedTransform, FoldTransform } from './fold-transform.js';

/**
 * Work shared by the fits of a cross-validation, its members and a tuning's trials: a fold's row
 * subsets of a matrix, and the bins of a fold's training matrix. Cut points depend only on the training
 * rows and `maxBin`, so a fold's training matrix is binned once per `maxBin` however many members, folds
 * and trials fit on it. Entries are keyed by the source matrix's identity (held weakly) and the row
 * list's content; bins by the row subset's identity and `maxBin`; a fold transform by its identity, the
 * training matrix's identity and the labels' content.
 */
export interface CvCache {
  /** `takeRows(matrix, rows)`, made once per matrix and row list; the same frozen matrix is returned for equal rows. */
  rows(matrix: Matrix, rows: readonly number[]): Matrix;
  /** `matrix` binned with cuts fitted on it (`maxBin` bins), made once per matrix object and `maxBin`. */
  bins(matrix: Matrix, maxBin: number): BinnedMatrix;
  /** `matrix` binned with a `mapper` fitted elsewhere (an eval set with its training rows' cuts), made once per pair. */
  binWith(matrix: Matrix, mapper: BinMapper): BinnedMatrix;
  /**
   * `transform.fit(train, labels)`, made once per transform object, training matrix object and label
   * values; its `apply` returns the same matrix for the same input matrix object.
   */
  fitTransform(transform: FoldTransform, train: Matrix, labels: Uint8Array): FittedTransform;
}

interface TransformEntry {
  readonly labels: Uint8Array;
  readonly fitted: FittedTransform;
}

interface RowsEntry {
  readonly rows: readonly number[];
  readonly matrix: Matrix;
}

/** FNV-1a over the values (row indices, labels) plus their count: a cheap key, checked by comparing them on a hit. */
function contentKey(rows: ArrayLike<number>): string {
  let h = 0x811c9dc5;
  for (let k = 0; k < rows.length; k++) {
    h ^= rows[k]!;
    h = Math.imul(h, 0x01000193);
  }
  return `${rows.length}:${h >>> 0}`;
}

function sameContent(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** The value of `key` in `map`, made with `make` on first use. */
function entry<K, V>(map: { get(k: K): V | undefined; set(k: K, v: V): unknown }, key: K, make: () => V): V {
  const hit = map.get(key);
  if (hit !== undefined) return hit;
  const made = make();
  map.set(key, made);
  return made;
}

/**
 * A cache for {@link crossValidate}, {@link cvObjective} and the boost learners (`LearnerFitOptions.memo`);
 * pass one to every call that cross-validates the same matrix (members, trials). It holds the fold
 * matrices and their bins until it is dropped.
 * @example const cache = createCvCache(); await crossValidate({ learner, matrix, labels, folds, cache });
 */
export function createCvCache(): CvCache {
  const subsets = new WeakMap<Matrix, Map<string, RowsEntry[]>>();
  const fitted = new WeakMap<Matrix, Map<number, BinnedMatrix>>();
  const applied = new WeakMap<Matrix, WeakMap<BinMapper, BinnedMatrix>>();
  const transforms = new WeakMap<FoldTransform, WeakMap<Matrix, Map<string, TransformEntry[]>>>();
  return Object.freeze({
    rows(matrix: Matrix, rows: readonly number[]): Matrix {
      const byKey = entry(subsets, matrix, () => new Map<string, RowsEntry[]>());
      const list = entry(byKey, contentKey(rows), (): RowsEntry[] => []);
      const hit = list.find((e) => sameContent(e.rows, rows));
      if (hit !== undefined) return hit.matrix;
      const made = takeRows(matrix, rows);
      list.push({ rows: [...rows], matrix: made });
      return made;
    },
    bins(matrix: Matrix, maxBin: number): BinnedMatrix {
      const byBin = entry(fitted, matrix, () => new Map<number, BinnedMatrix>());
      return entry(byBin, maxBin, () => binMatrix(matrix, fitBinMapper(matrix, { maxBin })));
    },
    binWith(matrix: Matrix, mapper: BinMapper): BinnedMatrix {
      const byMapper = entry(applied, matrix, () => new WeakMap<BinMapper, BinnedMatrix>());
      return entry(byMapper, mapper, () => binMatrix(matrix, mapper));
    },
    fitTransform(transform: FoldTransform, train: Matrix, labels: Uint8Array): FittedTransform {
      const byTrain = entry(
        transforms,
        transform,
        () => new WeakMap<Matrix, Map<string, TransformEntry[]>>(),
      );
      const byKey = entry(byTrain, train, () => new Map<string, TransformEntry[]>());
      const list = entry(byKey, contentKey(labels), (): TransformEntry[] => []);
      const hit = list.find((e) => sameContent(e.labels, labels));
      if (hit !== undefined) return hit.fitted;
      const fitted = transform.fit(train, labels);
      const outputs = new WeakMap<Matrix, Matrix>();
      const memo: FittedTransform = Object.freeze({
        apply: (m: Matrix) => entry(outputs, m, () => fitted.apply(m)),
      });
      list.push({ labels: Uint8Array.from(labels), fitted: memo });
      return memo;
    },
  });
}
