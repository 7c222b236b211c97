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
 *
 * Trees within the table budget also carry the precomputation of Fast TreeSHAP v2 (Yang 2021,
 * arXiv:2109.09847): for each leaf, with `d` unique features on its path (numbered by first appearance
 * from the root), a table of `2^d x d` contributions, one row per subset `S` of those features that a
 * row satisfies (goes the leaf's way at every split on them). A row then costs one pass over the tree
 * to find `S` at every leaf and `d` additions per leaf, instead of Algorithm 2's EXTEND/UNWIND.
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
  /** Most nodes in one tree; sizes the per-node subset masks. */
  readonly maxNodes: number;
  /** Per tree: start of its nodes in {@link ShapForest.order} (tables), or -1 (Algorithm 2). */
  readonly orderStart: Int32Array;
  /** Per tree: end of its nodes in {@link ShapForest.order}. */
  readonly orderEnd: Int32Array;
  /** Node indices of the table trees, each tree in pre-order (a parent before its children). */
  readonly order: Int32Array;
  /** At a split of a table tree: the position of its feature among the path's unique features. */
  readonly bit: Int32Array;
  /** At a leaf of a table tree: `d`, the number of unique features on its path. */
  readonly leafDim: Int32Array;
  /** At a leaf of a table tree: start of its `d` features in {@link ShapForest.leafFeatures}. */
  readonly leafFeatureAt: Int32Array;
  /** At a leaf of a table tree: start of its `2^d x d` contributions in {@link ShapForest.table}. */
  readonly leafTableAt: Int32Array;
  readonly leafFeatures: Int32Array;
  /** `table[leafTableAt + S * d + k]`: what the leaf adds to feature `k` of its path given subset `S`. */
  readonly table: Float64Array;
}

/** Longest unique-feature path a leaf may have for a table (`2^d x d` doubles: 80 KiB at 10). */
export const SHAP_TABLE_MAX_DIM = 10;

/**
 * Default table budget of one explanation, in doubles (128 MiB): trees are given tables in order
 * while their total fits, later ones use Algorithm 2. 200 full depth-6 trees with six distinct
 * features per path take 4.9 M (the benchmark's 200 trees: 2.6 M).
 */
export const SHAP_TABLE_BUDGET = 2 ** 24;

/** Options of {@link packShapForest}. */
export interface PackShapForestOptions {
  /**
   * Doubles the Fast TreeSHAP v2 tables may take in all; 0 explains every tree by Algorithm 2.
   * @default SHAP_TABLE_BUDGET
   */
  readonly tableBudget?: number;
  /**
   * Longest unique-feature path of a leaf in a table tree (capped at 20); a deeper tree uses
   * Algorithm 2.
   * @default SHAP_TABLE_MAX_DIM
   */
  readonly maxTableDim?: number;
}

/**
 * Fills `out[S * d + k]` with what a leaf of value `v` adds to the `k`-th unique feature of its path
 * (zero fractions `z`, the cover share of the path's splits on it) when a row satisfies exactly the
 * path features in `S`:
 * `(o_k - z_k) v sum_{U in S \ k} |U|! (d - |U| - 1)! / d! prod_{j not in U, j != k} z_j`,
 * where `o_k` is 1 when `k` is in `S`. The sums over subsets are a zeta transform per `k`.
 */
function fillLeafTable(
  z: Float64Array,
  d: number,
  v: number,
  out: Float64Array,
  at: number,
  g: Float64Array,
  prod: Float64Array,
): void {
  const full = (1 << d) - 1;
  // weight[s] = s! (d - s - 1)! / d!
  const weight = new Float64Array(d);
  for (let s = 0; s < d; s++) {
    let w = 1 / d;
    // s! (d-1-s)! / (d-1)! = 1 / C(d - 1, s)
    for (let i = 1; i <= s; i++) w *= i / (d - i);
    weight[s] = w;
  }
  prod[0] = 1;
  for (let m = 1; m <= full; m++) {
    const low = 31 - Math.clz32(m & -m);
    prod[m] = prod[m & (m - 1)]! * z[low]!;
  }
  for (let k = 0; k < d; k++) {
    const kb = 1 << k;
    for (let u = 0; u <= full; u++) {
      if ((u & kb) !== 0) {
        g[u] = 0;
        continue;
      }
      let size = 0;
      for (let x = u; x !== 0; x &= x - 1) size++;
      g[u] = weight[size]! * prod[full ^ u ^ kb]!;
    }
    for (let b = 0; b < d; b++) {
      if (b === k) continue;
      const bb = 1 << b;
      for (let u = 0; u <= full; u++) if ((u & bb) !== 0 && (u & kb) === 0) g[u]! += g[u ^ bb]!;
    }
    const hot = (1 - z[k]!) * v;
    const cold = -z[k]! * v;
    for (let s = 0; s <= full; s++) {
      out[at + s * d + k] = (s & kb) !== 0 ? hot * g[s ^ kb]! : cold * g[s]!;
    }
  }
}

/**
 * Packs trees `[start, end)` for {@link accumulateContributions}; `maxDepth` bounds their depth.
 * Builds the Fast TreeSHAP v2 tables of every tree that fits `options` (see {@link ShapForest}).
 */
export function packShapForest(
  trees: readonly TreeArrays[],
  start: number,
  end: number,
  maxDepth: number,
  options: PackShapForestOptions = {},
): ShapForest {
  const budget = options.tableBudget ?? SHAP_TABLE_BUDGET;
  const maxDim = Math.min(options.maxTableDim ?? SHAP_TABLE_MAX_DIM, 20);
  let total = 0;
  let maxNodes = 1;
  for (let t = start; t < end; t++) {
    total += trees[t]!.numNodes;
    maxNodes = Math.max(maxNodes, trees[t]!.numNodes);
  }
  const numTrees = end - start;
  const root = new Int32Array(numTrees);
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

  // Tables: a pre-order walk per tree keeps the unique features of the path and their zero fractions
  // per level; a node's level is built when it is popped, from its parent's, which the sibling's
  // subtree (deeper levels only) leaves intact.
  const parentOf = new Int32Array(total).fill(-1);
  for (let n = 0; n < total; n++) {
    const l = left[n]!;
    if (l >= 0) {
      parentOf[l] = n;
      parentOf[l + 1] = n;
    }
  }
  const orderStart = new Int32Array(numTrees).fill(-1);
  const orderEnd = new Int32Array(numTrees).fill(-1);
  const bit = new Int32Array(total);
  const leafDim = new Int32Array(total);
  const leafFeatureAt = new Int32Array(total);
  const leafTableAt = new Int32Array(total);
  const stride = maxDim + 1;
  const pathFeat = new Int32Array(stride * (maxDepth + 2));
  const pathZ = new Float64Array(stride * (maxDepth + 2));
  const pathDim = new Int32Array(maxDepth + 2);
  const stackNode = new Int32Array(2 * maxDepth + 4);
  const stackDepth = new Int32Array(2 * maxDepth + 4);
  /** Pre-order walk of tree `t`; `visit` sees each node with its path at level `depth`. False when too deep. */
  const walk = (t: number, visit: (node: number, depth: number) => void): boolean => {
    let top = 0;
    stackNode[top] = root[t]!;
    stackDepth[top] = 0;
    top++;
    pathDim[0] = 0;
    while (top > 0) {
      top--;
      const node = stackNode[top]!;
      const depth = stackDepth[top]!;
      const base = depth * stride;
      if (depth > 0) {
        const p = parentOf[node]!;
        const from = base - stride;
        const dim = pathDim[depth - 1]!;
        for (let i = 0; i < dim; i++) {
          pathFeat[base + i] = pathFeat[from + i]!;
          pathZ[base + i] = pathZ[from + i]!;
        }
        const k = bit[p]!;
        const share = node === left[p] ? leftZero[p]! : rightZero[p]!;
        if (k === dim) {
          if (dim + 1 > maxDim) return false;
          pathFeat[base + k] = feature[p]!;
          pathZ[base + k] = share;
          pathDim[depth] = dim + 1;
        } else {
          pathZ[base + k]! *= share;
          pathDim[depth] = dim;
        }
      }
      visit(node, depth);
      const l = left[node]!;
      if (l < 0) continue;
      const dim = pathDim[depth]!;
      const f = feature[node]!;
      let k = 0;
      while (k < dim && pathFeat[base + k] !== f) k++;
      bit[node] = k;
      stackNode[top] = l + 1;
      stackDepth[top] = depth + 1;
      top++;
      stackNode[top] = l;
      stackDepth[top] = depth + 1;
      top++;
    }
    return true;
  };
  let tableCount = 0;
  let featureCount = 0;
  let orderCount = 0;
  for (let t = 0; t < numTrees; t++) {
    let entries = 0;
    let features = 0;
    let nodes = 0;
    const fits = walk(t, (node, depth) => {
      nodes++;
      if (left[node]! >= 0) return;
      const dim = pathDim[depth]!;
      entries += dim * 2 ** dim;
      features += dim;
    });
    if (!fits || tableCount + entries > budget) continue;
    orderStart[t] = orderCount;
    orderCount += nodes;
    orderEnd[t] = orderCount;
    tableCount += entries;
    featureCount += features;
  }
  const order = new Int32Array(orderCount);
  const leafFeatures = new Int32Array(featureCount);
  const table = new Float64Array(tableCount);
  const g = new Float64Array(2 ** maxDim);
  const prod = new Float64Array(2 ** maxDim);
  const z = new Float64Array(maxDim + 1);
  let orderAt = 0;
  let featureAt = 0;
  let tableAt = 0;
  for (let t = 0; t < numTrees; t++) {
    if (orderStart[t]! < 0) continue;
    walk(t, (node, depth) => {
      order[orderAt++] = node;
      if (left[node]! >= 0) return;
      const dim = pathDim[depth]!;
      const base = depth * stride;
      leafDim[node] = dim;
      leafFeatureAt[node] = featureAt;
      leafTableAt[node] = tableAt;
      for (let k = 0; k < dim; k++) {
        leafFeatures[featureAt + k] = pathFeat[base + k]!;
        z[k] = pathZ[base + k]!;
      }
      if (dim > 0) fillLeafTable(z, dim, leafValue[node]!, table, tableAt, g, prod);
      featureAt += dim;
      tableAt += dim * 2 ** dim;
    });
  }
  return {
    numTrees,
    maxDepth,
    root,
    left,
    feature,
    threshold,
    defaultLeft,
    leafValue,
    leftZero,
    rightZero,
    maxNodes,
    orderStart,
    orderEnd,
    order,
    bit,
    leafDim,
    leafFeatureAt,
    leafTableAt,
    leafFeatures,
    table,
  };
}

/**
 * Adds the TreeSHAP values of every tree of `forest` to `out` (row-major, `width` = features + 1) for
 * rows `[rowBegin, rowEnd)`. Each row's values are summed tree by tree in order, so any split of the
 * rows over threads gives the single-threaded result bit for bit. Rows go in blocks, each tree over
 * the whole block, so a tree's tables stay in cache. A tree with tables costs a pre-order pass: each
 * node's subset mask (bit `k` set while the row has gone the path's way at every split on the path's
 * `k`-th feature), then at a leaf `d` additions from the mask's table row. Other trees use Algorithm 2:
 * its unique-path buffers are allocated once per call, each recursion level copying its parent's path
 * into the next segment (as XGBoost does), so `maxd (maxd + 1) / 2` entries serve every row.
 * Self-contained (helpers nested, no imports, no module constants): prediction workers receive its
 * source.
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
  const { orderStart, orderEnd, order, bit, leafDim, leafFeatureAt, leafTableAt, leafFeatures, table } =
    forest;
  const mask = new Int32Array(forest.maxNodes);
  const numTrees = forest.numTrees;
  // rows per block: the tables of one depth-6 tree (about 200 KB) stay in cache across the block
  const block = 32;
  for (let r0 = rowBegin; r0 < rowEnd; r0 += block) {
    const r1 = Math.min(r0 + block, rowEnd);
    for (let t = 0; t < numTrees; t++) {
      const o0 = orderStart[t]!;
      if (o0 >= 0) {
        const o1 = orderEnd[t]!;
        const base = root[t]!;
        for (let r = r0; r < r1; r++) {
          const phiBase = r * width;
          mask[0] = -1;
          for (let q = o0; q < o1; q++) {
            const node = order[q]!;
            const m = mask[node - base]!;
            const l = left[node]!;
            if (l < 0) {
              const d = leafDim[node]!;
              if (d === 0) continue;
              const at = leafTableAt[node]! + (m & ((1 << d) - 1)) * d;
              const fa = leafFeatureAt[node]!;
              for (let k = 0; k < d; k++) out[phiBase + leafFeatures[fa + k]!]! += table[at + k]!;
              continue;
            }
            const x = data[r + splitFeature[node]! * stride]!;
            const goLeft = x < threshold[node]! || (defaultLeft[node] === 1 && Number.isNaN(x));
            const cold = m & ~(1 << bit[node]!);
            mask[l - base] = goLeft ? m : cold;
            mask[l + 1 - base] = goLeft ? cold : m;
          }
        }
        continue;
      }
      for (let r = r0; r < r1; r++) {
        const rowBase = r * rowStride;
        const phiBase = r * width;
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
}
