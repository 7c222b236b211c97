/**
 * The TreeSHAP walk itself (Lundberg, Erion & Lee 2018, Algorithm 2) over trees packed into flat typed
 * arrays, written to run unchanged on the calling thread and in prediction workers.
 * @module
 */
import type { ColumnMajor } from '../data/matrix.js';
import type { TreeArrays } from '../model/types.js';

/**
 * The trees of one explanation, concatenated into flat typed arrays (shareable with worker threads):
 * children are absolute indices (the right child follows the left one), and each split carries the
 * fractions of its cover that go left and right, so the walk divides nothing per node.
 */
export interface ShapForest {
  readonly numTrees: number;
  /** Deepest tree; sizes the path buffers. */
  readonly maxDepth: number;
  /** Root index of each tree. */
  readonly root: Int32Array;
  /** Absolute index of the left child; -1 at a leaf. */
  readonly left: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  /** 1 when a missing value goes left. */
  readonly defaultLeft: Int32Array;
  readonly leafValue: Float64Array;
  /** `cover(left) / cover(node)` at a split. */
  readonly leftZero: Float64Array;
  /** `cover(right) / cover(node)` at a split. */
  readonly rightZero: Float64Array;
}

/** Packs trees `[start, end)` for {@link accumulateContributions}; `maxDepth` bounds their depth. */
export function packShapForest(
  trees: readonly TreeArrays[],
  start: number,
  end: number,
  maxDepth: number,
): ShapForest {
  let total = 0;
  for (let t = start; t < end; t++) total += trees[t]!.numNodes;
  const root = new Int32Array(end - start);
  const left = new Int32Array(total);
  const feature = new Int32Array(total);
  const threshold = new Float32Array(total);
  const defaultLeft = new Int32Array(total);
  const leafValue = new Float64Array(total);
  const leftZero = new Float64Array(total);
  const rightZero = new Float64Array(total);
  let at = 0;
  for (let t = start; t < end; t++) {
    const tree = trees[t]!;
    root[t - start] = at;
    for (let n = 0; n < tree.numNodes; n++) {
      const l = tree.left[n]!;
      const g = at + n;
      if (l < 0) {
        left[g] = -1;
        leafValue[g] = tree.leafValue[n]!;
        continue;
      }
      left[g] = at + l;
      feature[g] = tree.splitFeature[n]!;
      threshold[g] = tree.threshold[n]!;
      defaultLeft[g] = tree.defaultLeft[n] === 1 ? 1 : 0;
      const cover = tree.sumHessian[n]!;
      leftZero[g] = tree.sumHessian[l]! / cover;
      rightZero[g] = tree.sumHessian[l + 1]! / cover;
    }
    at += tree.numNodes;
  }
  return {
    numTrees: end - start,
    maxDepth,
    root,
    left,
    feature,
    threshold,
    defaultLeft,
    leafValue,
    leftZero,
    rightZero,
  };
}

/**
 * Adds the TreeSHAP values of every tree of `forest` to `out` (row-major, `width` = features + 1) for
 * rows `[rowBegin, rowEnd)`. Each row's values are summed tree by tree in order, so any split of the
 * rows over threads gives the single-threaded result bit for bit. The unique-path buffers of
 * Algorithm 2 are allocated once per call: each recursion level copies its parent's path into the next
 * segment (as XGBoost does), so `maxd (maxd + 1) / 2` entries serve every row. Self-contained (helpers
 * nested, no imports, no module constants): prediction workers receive its source.
 */
export function accumulateContributions(
  forest: ShapForest,
  matrix: ColumnMajor,
  out: Float64Array,
  width: number,
  rowBegin = 0,
  rowEnd: number = matrix.nRows,
): void {
  const maxd = forest.maxDepth + 2;
  const size = (maxd * (maxd + 1)) / 2;
  const pathFeature = new Int32Array(size);
  const pathZero = new Float64Array(size);
  const pathOne = new Float64Array(size);
  const w = new Float64Array(size);
  // inv[k] = 1 / (k + 1): divisions hoisted out of the hot loops
  const inv = new Float64Array(maxd + 1);
  for (let k = 0; k <= maxd; k++) inv[k] = 1 / (k + 1);
  const {
    root,
    left,
    feature: splitFeature,
    threshold,
    defaultLeft,
    leafValue,
    leftZero,
    rightZero,
  } = forest;
  const data = matrix.values;
  // column-major: feature f of row r at f * nRows + r
  const stride = matrix.nRows;
  const rowStride = 1;
  // RECURSE of Algorithm 2 as a loop over an explicit stack of pending calls (node, depth, start of
  // the parent's path segment, parent feature | zero and one fractions): hot child pushed last, so
  // leaves are visited, and their values added, in the recursive order
  const stackInt = new Int32Array(4 * (2 * maxd + 2));
  const stackFrac = new Float64Array(2 * (2 * maxd + 2));
  for (let r = rowBegin; r < rowEnd; r++) {
    const rowBase = r * rowStride;
    const phiBase = r * width;
    for (let t = 0; t < forest.numTrees; t++) {
      let top = 0;
      stackInt[0] = root[t]!;
      stackInt[1] = 0;
      stackInt[2] = 0;
      stackInt[3] = -1;
      stackFrac[0] = 1;
      stackFrac[1] = 1;
      top = 1;
      while (top > 0) {
        top--;
        const node = stackInt[4 * top]!;
        let depth = stackInt[4 * top + 1]!;
        const parentAt = stackInt[4 * top + 2]!;
        const parentFeature = stackInt[4 * top + 3]!;
        const parentZero = stackFrac[2 * top]!;
        const parentOne = stackFrac[2 * top + 1]!;
        const at = parentAt + depth + 1;
        for (let i = 0; i < depth; i++) {
          pathFeature[at + i] = pathFeature[parentAt + i]!;
          pathZero[at + i] = pathZero[parentAt + i]!;
          pathOne[at + i] = pathOne[parentAt + i]!;
          w[at + i] = w[parentAt + i]!;
        }
        // EXTEND
        pathFeature[at + depth] = parentFeature;
        pathZero[at + depth] = parentZero;
        pathOne[at + depth] = parentOne;
        w[at + depth] = depth === 0 ? 1 : 0;
        const oneScale = parentOne * inv[depth]!;
        const zeroScale = parentZero * inv[depth]!;
        for (let i = depth - 1; i >= 0; i--) {
          w[at + i + 1]! += oneScale * w[at + i]! * (i + 1);
          w[at + i] = zeroScale * w[at + i]! * (depth - i);
        }

        const l = left[node]!;
        if (l < 0) {
          const value = leafValue[node]!;
          // A cold element (one fraction 0, zero fraction z) has UNWOUND-SUM = S / z with
          // S = sum_j w_j (d + 1) / (d - j), independent of the element, so its contribution
          // S / z * (0 - z) * value = -S * value is shared by every cold element of the path.
          let coldShare = Number.NaN;
          for (let e = 1; e <= depth; e++) {
            const o = pathOne[at + e]!;
            const z = pathZero[at + e]!;
            if (o !== 0) {
              // UNWOUND-SUM of a hot element
              let nextOnePortion = w[at + depth]!;
              let total = 0;
              const scale = (depth + 1) / o;
              const zs = z * inv[depth]!;
              for (let i = depth - 1; i >= 0; i--) {
                const tmp = nextOnePortion * scale * inv[i]!;
                total += tmp;
                nextOnePortion = w[at + i]! - tmp * zs * (depth - i);
              }
              out[phiBase + pathFeature[at + e]!]! += total * (o - z) * value;
            } else if (z !== 0) {
              if (Number.isNaN(coldShare)) {
                let sum = 0;
                for (let j = depth - 1; j >= 0; j--) sum += w[at + j]! * inv[depth - j - 1]!;
                coldShare = -sum * (depth + 1) * value;
              }
              out[phiBase + pathFeature[at + e]!]! += coldShare;
            }
          }
          continue;
        }
        const split = splitFeature[node]!;
        const x = data[rowBase + split * stride]!;
        const goLeft = Number.isNaN(x) ? defaultLeft[node] === 1 : x < threshold[node]!;
        let incomingZero = 1;
        let incomingOne = 1;
        let pathIndex = 0;
        for (; pathIndex <= depth; pathIndex++) {
          if (pathFeature[at + pathIndex] === split) break;
        }
        if (pathIndex !== depth + 1) {
          incomingZero = pathZero[at + pathIndex]!;
          incomingOne = pathOne[at + pathIndex]!;
          // UNWIND the earlier split on the same feature; it is redone here.
          let nextOnePortion = w[at + depth]!;
          for (let i = depth - 1; i >= 0; i--) {
            if (incomingOne !== 0) {
              const tmp = w[at + i]!;
              w[at + i] = (nextOnePortion * (depth + 1)) / ((i + 1) * incomingOne);
              nextOnePortion = tmp - (w[at + i]! * incomingZero * (depth - i)) / (depth + 1);
            } else {
              w[at + i] = (w[at + i]! * (depth + 1)) / (incomingZero * (depth - i));
            }
          }
          for (let i = pathIndex; i < depth; i++) {
            pathFeature[at + i] = pathFeature[at + i + 1]!;
            pathZero[at + i] = pathZero[at + i + 1]!;
            pathOne[at + i] = pathOne[at + i + 1]!;
          }
          depth -= 1;
        }
        // the cold child first on the stack, so the hot one runs (and finishes its subtree) first
        stackInt[4 * top] = goLeft ? l + 1 : l;
        stackInt[4 * top + 1] = depth + 1;
        stackInt[4 * top + 2] = at;
        stackInt[4 * top + 3] = split;
        stackFrac[2 * top] = (goLeft ? rightZero[node]! : leftZero[node]!) * incomingZero;
        stackFrac[2 * top + 1] = 0;
        top++;
        stackInt[4 * top] = goLeft ? l : l + 1;
        stackInt[4 * top + 1] = depth + 1;
        stackInt[4 * top + 2] = at;
        stackInt[4 * top + 3] = split;
        stackFrac[2 * top] = (goLeft ? leftZero[node]! : rightZero[node]!) * incomingZero;
        stackFrac[2 * top + 1] = incomingOne;
        top++;
      }
    }
  }
}
