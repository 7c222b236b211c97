/**
 * Prediction with XGBoost's arithmetic: a row goes left when `x < threshold` (float32), to the default
 * child when x is NaN; the margin starts at the base margin and adds one tree at a time in float32
 * (`cpu_predictor.cc`), and the probability is XGBoost's float32 sigmoid. Rows are processed in blocks,
 * trees inside a block, so node arrays stay in cache; nothing is allocated per row.
 * @module
 */
import type { ColumnMajor } from '../data/matrix.js';
import type { TreeArrays } from '../model/types.js';

const fround = Math.fround;

/**
 * All trees' node arrays concatenated for branch-free traversal: children are absolute indices, and a
 * leaf points to itself with threshold +Infinity, so every row walks exactly `depth[t]` steps.
 */
export interface PackedForest {
  readonly numTrees: number;
  /** Root index of each tree. */
  readonly root: Int32Array;
  /** Maximum depth of each tree. */
  readonly depth: Int32Array;
  readonly left: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  /** 1 when a missing value goes right (1 - defaultLeft); 0 at leaves. */
  readonly missingRight: Int32Array;
  readonly leafValue: Float32Array;
}

/** Concatenates trees for fast prediction. */
export function packForest(trees: readonly TreeArrays[]): PackedForest {
  let total = 0;
  for (const t of trees) total += t.numNodes;
  const root = new Int32Array(trees.length);
  const depth = new Int32Array(trees.length);
  const left = new Int32Array(total);
  const feature = new Int32Array(total);
  const threshold = new Float32Array(total);
  const missingRight = new Int32Array(total);
  const leafValue = new Float32Array(total);
  let at = 0;
  trees.forEach((t, k) => {
    root[k] = at;
    const nodeDepth = new Int32Array(t.numNodes);
    // loaded files may number children before parents: walk from the root
    const stack = [0];
    let maxDepth = 0;
    while (stack.length > 0) {
      const n = stack.pop()!;
      const l = t.left[n]!;
      const g = at + n;
      if (l < 0) {
        left[g] = g;
        threshold[g] = Number.POSITIVE_INFINITY;
        leafValue[g] = t.leafValue[n]!;
        maxDepth = Math.max(maxDepth, nodeDepth[n]!);
      } else {
        left[g] = at + l;
        feature[g] = t.splitFeature[n]!;
        threshold[g] = t.threshold[n]!;
        missingRight[g] = t.defaultLeft[n] === 1 ? 0 : 1;
        nodeDepth[l] = nodeDepth[n]! + 1;
        nodeDepth[l + 1] = nodeDepth[n]! + 1;
        stack.push(l, l + 1);
      }
    }
    depth[k] = maxDepth;
    at += t.numNodes;
  });
  return { numTrees: trees.length, root, depth, left, feature, threshold, missingRight, leafValue };
}

/** XGBoost 1.7's float32 `Sigmoid`: `1 / (expf(-x) + 1 + 1e-16)`. */
export function sigmoid32(x: number): number {
  return fround(1 / fround(fround(Math.exp(-x)) + 1));
}

/**
 * Adds trees `[treeBegin, treeEnd)` of a packed forest to `out` (one float32 margin per row) for rows
 * `[rowBegin, rowEnd)`, in XGBoost's order: per row, tree by tree, rounding to float32 after each
 * addition. Self-contained (no imports, no module constants): prediction workers receive its source.
 */
export function accumulateMargins(
  forest: PackedForest,
  matrix: ColumnMajor,
  treeBegin: number,
  treeEnd: number,
  out: Float32Array,
  rowBegin = 0,
  rowEnd: number = matrix.nRows,
): void {
  const BLOCK = 64;
  const data = matrix.values;
  const { root, depth, left, feature, threshold, missingRight, leafValue } = forest;
  // column-major: x(i, f) = data[f * nRows + i]
  const rowStride = 1;
  const colStride = matrix.nRows;
  for (let b0 = rowBegin; b0 < rowEnd; b0 += BLOCK) {
    const b1 = Math.min(rowEnd, b0 + BLOCK);
    for (let t = treeBegin; t < treeEnd; t++) {
      const r = root[t]!;
      const d = depth[t]!;
      let i = b0;
      // four rows at once: independent branch-free walks overlap in the CPU pipeline
      for (; i + 3 < b1; i += 4) {
        const a0 = i * rowStride;
        const a1 = a0 + rowStride;
        const a2 = a1 + rowStride;
        const a3 = a2 + rowStride;
        let n0 = r;
        let n1 = r;
        let n2 = r;
        let n3 = r;
        for (let k = 0; k < d; k++) {
          const x0 = data[a0 + feature[n0]! * colStride]!;
          const x1 = data[a1 + feature[n1]! * colStride]!;
          const x2 = data[a2 + feature[n2]! * colStride]!;
          const x3 = data[a3 + feature[n3]! * colStride]!;
          // right when x >= threshold, or when x is NaN (x !== x) and missing values go right
          // biome-ignore lint/suspicious/noSelfCompare: NaN test without a call in the hottest loop
          n0 = left[n0]! + (+(x0 >= threshold[n0]!) | (+(x0 !== x0) & missingRight[n0]!));
          // biome-ignore lint/suspicious/noSelfCompare: as above
          n1 = left[n1]! + (+(x1 >= threshold[n1]!) | (+(x1 !== x1) & missingRight[n1]!));
          // biome-ignore lint/suspicious/noSelfCompare: as above
          n2 = left[n2]! + (+(x2 >= threshold[n2]!) | (+(x2 !== x2) & missingRight[n2]!));
          // biome-ignore lint/suspicious/noSelfCompare: as above
          n3 = left[n3]! + (+(x3 >= threshold[n3]!) | (+(x3 !== x3) & missingRight[n3]!));
        }
        out[i] = out[i]! + leafValue[n0]!;
        out[i + 1] = out[i + 1]! + leafValue[n1]!;
        out[i + 2] = out[i + 2]! + leafValue[n2]!;
        out[i + 3] = out[i + 3]! + leafValue[n3]!;
      }
      for (; i < b1; i++) {
        const rowBase = i * rowStride;
        let n = r;
        for (let k = 0; k < d; k++) {
          const x = data[rowBase + feature[n]! * colStride]!;
          // biome-ignore lint/suspicious/noSelfCompare: as above
          n = left[n]! + (+(x >= threshold[n]!) | (+(x !== x) & missingRight[n]!));
        }
        out[i] = out[i]! + leafValue[n]!;
      }
    }
  }
}
