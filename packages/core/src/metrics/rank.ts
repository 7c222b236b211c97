import { assertKnownKeys } from '../internal/assert.js';
import { checkLabelsScores, checkWeights } from './validate.js';
/**
 * Groups rows by distinct score, highest score first, with the (weighted) count of positives and negatives
 * per group. Average precision, ROC AUC and precision@k are all single walks over these groups, which is
 * what makes tied scores behave exactly like sklearn's `_binary_clf_curve` thresholds.
 */
export interface RankedGroups {
  /** Number of distinct-score groups. */
  readonly size: number;
  /** The score of each group, descending. */
  readonly score: Float64Array;
  /** Positive count (or weight) per group. */
  readonly pos: Float64Array;
  /** Negative count (or weight) per group. */
  readonly neg: Float64Array;
  /** Total positive count (or weight). */
  readonly totalPos: number;
  /** Total negative count (or weight). */
  readonly totalNeg: number;
}

/**
 * Unweighted grouping. Labels are binary, so positives and negatives are split into two Float64Arrays
 * and sorted natively (no comparator, no index array), then merged from the top.
 * Inputs must already be validated; `positives` is the number of rows labelled 1.
 */
export function rankGroups(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  positives: number,
): RankedGroups {
  const n = labels.length;
  const pos = new Float64Array(positives);
  const neg = new Float64Array(n - positives);
  let p = 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] === 1) pos[p++] = scores[i]!;
    else neg[q++] = scores[i]!;
  }
  pos.sort();
  neg.sort();
  const gScore = new Float64Array(n);
  const gPos = new Float64Array(n);
  const gNeg = new Float64Array(n);
  let g = 0;
  let i = pos.length - 1;
  let j = neg.length - 1;
  while (i >= 0 || j >= 0) {
    // -0 and +0 compare equal here, so they share a group just as in numpy's diff-based thresholds.
    const t = i < 0 ? neg[j]! : j < 0 ? pos[i]! : Math.max(pos[i]!, neg[j]!);
    let cp = 0;
    while (i >= 0 && pos[i] === t) {
      cp++;
      i--;
    }
    let cn = 0;
    while (j >= 0 && neg[j] === t) {
      cn++;
      j--;
    }
    gScore[g] = t;
    gPos[g] = cp;
    gNeg[g] = cn;
    g++;
  }
  return {
    size: g,
    score: gScore.subarray(0, g),
    pos: gPos.subarray(0, g),
    neg: gNeg.subarray(0, g),
    totalPos: positives,
    totalNeg: n - positives,
  };
}

/**
 * Weighted grouping: one radix argsort of all scores, then a walk summing weights per group. Zero-weight
 * rows are dropped first, as sklearn does, so they can never create a threshold of their own.
 */
export function rankGroupsWeighted(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights: ArrayLike<number>,
): RankedGroups {
  const n = labels.length;
  let m = 0;
  for (let i = 0; i < n; i++) if (weights[i]! > 0) m++;
  const keep = new Uint32Array(m);
  const kept = new Float64Array(m);
  m = 0;
  for (let i = 0; i < n; i++) {
    if (weights[i]! > 0) {
      keep[m] = i;
      kept[m++] = scores[i]!;
    }
  }
  const order = argsortAscending(kept);
  const gScore = new Float64Array(m);
  const gPos = new Float64Array(m);
  const gNeg = new Float64Array(m);
  let g = 0;
  let totalPos = 0;
  let totalNeg = 0;
  let r = m - 1;
  while (r >= 0) {
    const t = kept[order[r]!]!;
    let wp = 0;
    let wn = 0;
    while (r >= 0) {
      const k = order[r]!;
      if (kept[k] !== t) break;
      const row = keep[k]!;
      if (labels[row] === 1) wp += weights[row]!;
      else wn += weights[row]!;
      r--;
    }
    gScore[g] = t;
    gPos[g] = wp;
    gNeg[g] = wn;
    totalPos += wp;
    totalNeg += wn;
    g++;
  }
  return {
    size: g,
    score: gScore.subarray(0, g),
    pos: gPos.subarray(0, g),
    neg: gNeg.subarray(0, g),
    totalPos,
    totalNeg,
  };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Stable ascending argsort of finite doubles: LSD radix sort on the IEEE-754 bits (4 passes of 16 bits),
 * O(n) and without a JS comparator, which would be several times slower at 1e6 rows.
 */
export function argsortAscending(values: Float64Array): Uint32Array {
  const n = values.length;
  const f = new Float64Array(n);
  // Adding +0 turns -0 into +0 so both land in the same radix bucket.
  for (let i = 0; i < n; i++) f[i] = values[i]! + 0;
  const bits = new Uint32Array(f.buffer);
  const loAt = LITTLE_ENDIAN ? 0 : 1;
  const hiAt = 1 - loAt;
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = bits[2 * i + hiAt]!;
    const l = bits[2 * i + loAt]!;
    // Flip so unsigned integer order equals numeric order: all bits for negatives, the sign bit otherwise.
    if (h & 0x80000000) {
      hi[i] = ~h >>> 0;
      lo[i] = ~l >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = l;
    }
  }
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let tmp = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const words = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(words[i]! >>> shift) & 0xffff]!++;
    if (count[(words[0]! >>> shift) & 0xffff] === n) continue;
    let acc = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d]!;
      count[d] = acc;
      acc += c;
    }
    for (let t = 0; t < n; t++) {
      const k = idx[t]!;
      tmp[count[(words[k]! >>> shift) & 0xffff]!++] = k;
    }
    const swap = idx;
    idx = tmp;
    tmp = swap;
  }
  return idx;
}

/** Options shared by the ranking metrics that accept sklearn's `sample_weight`. */
export interface SampleWeightOptions {
  /**
   * Non-negative weight per row (sklearn's `sample_weight`); zero-weight rows are ignored.
   * @default undefined (every row weighs 1)
   */
  sampleWeight?: ArrayLike<number> | undefined;
}

/**
 * Validates a (labels, scores[, weights]) input of a ranking metric and groups it by distinct score:
 * the shared front half of averagePrecision and rocAuc.
 */
export function rankedGroupsOf(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: SampleWeightOptions,
): RankedGroups {
  assertKnownKeys(options, ['sampleWeight'], 'options');
  const positives = checkLabelsScores(labels, scores);
  const { sampleWeight } = options;
  if (sampleWeight === undefined) return rankGroups(labels, scores, positives);
  checkWeights(sampleWeight, labels);
  return rankGroupsWeighted(labels, scores, sampleWeight);
}
