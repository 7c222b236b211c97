/**
 * LightGBM's text model format (`Booster.save_model('m.txt')`, v4), for binary models: writing our
 * trees so LightGBM predicts the same, and reading LightGBM files back into XGBoost-layout trees.
 * See `shared/reference/xgboost-lightgbm-formats.md`, section 2.
 *
 * Mapping:
 * - splits: ours `x < t` (float32) becomes LightGBM's `x <= t'` with `t'` = the float32 just below
 *   `t`, exact for every float32 input; reading takes the smallest float32 above `t'`;
 * - missing values: `decision_type = 8 | (defaultLeft ? 2 : 0)` (missing type NaN);
 * - base score: LightGBM has none; as LightGBM does with boost_from_average, `logit(baseScore)` is
 *   added to the first tree's leaf and internal values and that tree's `shrinkage` is set to 1. Reading
 *   gives `baseScore = 0.5` with the intercept inside the first tree (identical predictions);
 * - cover: `leaf_weight` / `internal_weight` hold hessian sums, `leaf_count` / `internal_count` the
 *   training-row counts (0 when unknown, e.g. for models loaded from XGBoost JSON).
 * @module
 */

import { formatValue, ModelFormatError } from '@leadscore/core/errors';
import { assertArg } from '@leadscore/core/internal';
import { baseMargin } from '../model/base-margin.js';
import type { BoosterModel, ModelParams, TreeArrays } from '../model/types.js';
import { checkTreeStructure, validateModel } from '../model/validate.js';
import { formatFloat64, nextFloat32, prevFloat32 } from './number-format.js';
import { XGBOOST_DEFAULT_PARAMS } from './xgboost-json.js';

const NAN_MISSING = 8;
const DEFAULT_LEFT = 2;
const CATEGORICAL = 1;

function joinNumbers(values: ArrayLike<number>, format: (v: number, i: number) => string): string {
  let s = '';
  for (let i = 0; i < values.length; i++) s += i === 0 ? format(values[i]!, i) : ` ${format(values[i]!, i)}`;
  return s;
}

/** Internal nodes in the order they were split (by their left child's index), leaves by index. */
function numbering(tree: TreeArrays): {
  internal: Int32Array;
  leaf: Int32Array;
  internals: number[];
  leaves: number[];
} {
  const internals: number[] = [];
  const leaves: number[] = [];
  for (let i = 0; i < tree.numNodes; i++) (tree.left[i]! < 0 ? leaves : internals).push(i);
  internals.sort((a, b) => tree.left[a]! - tree.left[b]!);
  const internal = new Int32Array(tree.numNodes).fill(-1);
  const leaf = new Int32Array(tree.numNodes).fill(-1);
  internals.forEach((node, k) => {
    internal[node] = k;
  });
  leaves.forEach((node, k) => {
    leaf[node] = k;
  });
  return { internal, leaf, internals, leaves };
}

function treeBlock(tree: TreeArrays, index: number, learningRate: number, bias: number): string {
  const { internal, leaf, internals, leaves } = numbering(tree);
  const ref = (node: number) => (tree.left[node]! < 0 ? ~leaf[node]! : internal[node]!);
  const path = `model.trees[${index}]`;
  const f64 = (name: string) => (v: number, i: number) => formatFloat64(v, `${path}.${name}[${i}]`);
  const pick = <T extends ArrayLike<number>>(array: T, nodes: number[]) => nodes.map((n) => array[n]!);
  const shrinkage = bias === 0 ? learningRate : 1;
  // Adding a zero bias would turn -0 into +0; keep values bit-exact when there is nothing to fold.
  const withBias = (v: number) => (bias === 0 ? v : v + bias);
  const lines = [
    `num_leaves=${leaves.length}`,
    'num_cat=0',
    `split_feature=${joinNumbers(pick(tree.splitFeature, internals), String)}`,
    `split_gain=${joinNumbers(pick(tree.lossChange, internals), f64('lossChange'))}`,
    `threshold=${joinNumbers(
      internals.map((n) => prevFloat32(tree.threshold[n]!)),
      f64('threshold'),
    )}`,
    `decision_type=${joinNumbers(
      internals.map((n) => NAN_MISSING | (tree.defaultLeft[n] === 1 ? DEFAULT_LEFT : 0)),
      String,
    )}`,
    `left_child=${joinNumbers(
      internals.map((n) => ref(tree.left[n]!)),
      String,
    )}`,
    `right_child=${joinNumbers(
      internals.map((n) => ref(tree.left[n]! + 1)),
      String,
    )}`,
    `leaf_value=${joinNumbers(
      leaves.map((n) => withBias(tree.leafValue[n]!)),
      f64('leafValue'),
    )}`,
    `leaf_weight=${joinNumbers(pick(tree.sumHessian, leaves), f64('sumHessian'))}`,
    `leaf_count=${joinNumbers(pick(tree.count, leaves), String)}`,
    `internal_value=${joinNumbers(
      internals.map((n) => withBias(tree.baseWeight[n]! * learningRate)),
      f64('baseWeight'),
    )}`,
    `internal_weight=${joinNumbers(pick(tree.sumHessian, internals), f64('sumHessian'))}`,
    `internal_count=${joinNumbers(pick(tree.count, internals), String)}`,
    'is_linear=0',
    `shrinkage=${formatFloat64(shrinkage, 'learningRate')}`,
  ];
  // LightGBM's Tree::ToString ends with a blank line and SaveModelToString adds one more.
  return `Tree=${index}\n${lines.join('\n')}\n\n\n`;
}

function featureInfos(model: BoosterModel): string[] {
  const lo = new Float64Array(model.numFeature).fill(Infinity);
  const hi = new Float64Array(model.numFeature).fill(-Infinity);
  for (const tree of model.trees) {
    for (let i = 0; i < tree.numNodes; i++) {
      if (tree.left[i]! < 0) continue;
      const f = tree.splitFeature[i]!;
      const t = prevFloat32(tree.threshold[i]!);
      lo[f] = Math.min(lo[f]!, t);
      hi[f] = Math.max(hi[f]!, t);
    }
  }
  return Array.from(lo, (min, f) =>
    min === Infinity ? 'none' : `[${formatFloat64(min, 'threshold')}:${formatFloat64(hi[f]!, 'threshold')}]`,
  );
}

function parameterLines(p: ModelParams, maxLeavesSeen: number): string[] {
  const f = (v: number, name: string) => formatFloat64(v, `model.params.${name}`);
  return [
    '[boosting: gbdt]',
    '[objective: binary]',
    `[learning_rate: ${f(p.learningRate, 'learningRate')}]`,
    `[num_leaves: ${p.maxLeaves > 0 ? p.maxLeaves : Math.max(2, maxLeavesSeen)}]`,
    `[max_depth: ${p.maxDepth > 0 ? p.maxDepth : -1}]`,
    `[min_sum_hessian_in_leaf: ${f(p.minChildWeight, 'minChildWeight')}]`,
    `[lambda_l1: ${f(p.alpha, 'alpha')}]`,
    `[lambda_l2: ${f(p.lambda, 'lambda')}]`,
    `[min_gain_to_split: ${f(p.gamma, 'gamma')}]`,
    `[max_delta_step: ${f(p.maxDeltaStep, 'maxDeltaStep')}]`,
    `[scale_pos_weight: ${f(p.scalePosWeight, 'scalePosWeight')}]`,
    `[max_bin: ${p.maxBin}]`,
    '[boost_from_average: 1]',
    '[sigmoid: 1]',
  ];
}

/**
 * Serialises a model in LightGBM's text format (binary objective, `sigmoid:1`), so that LightGBM's
 * `Booster(model_file=...)` predicts what this package predicts for float32 inputs. `tree_sizes` holds
 * the byte length of each tree block. Same model, same bytes.
 * @example writeFileSync('model.txt', toLightGBMText(booster.model));
 */
export function toLightGBMText(model: BoosterModel): string {
  validateModel(model);
  const names =
    model.featureNames.length > 0
      ? model.featureNames
      : Array.from({ length: model.numFeature }, (_, i) => `Column_${i}`);
  names.forEach((name, i) => {
    assertArg(
      /^[^\s=:,[\]{}"]+$/.test(name),
      `model.featureNames[${i}]`,
      'a name without spaces or any of = : , [ ] { } " (LightGBM cannot store those)',
      name,
    );
  });
  const bias = baseMargin(model.baseScore);
  const lr = model.params.learningRate;
  let trees = model.trees;
  if (trees.length === 0 && bias !== 0) {
    // Nowhere to fold the intercept: carry it in a one-leaf tree.
    trees = [constantTree(0)];
  }
  const blocks = trees.map((tree, i) => treeBlock(tree, i, lr, i === 0 ? bias : 0));
  const counts = new Map<number, number>();
  let maxLeavesSeen = 0;
  for (const tree of trees) {
    let leaves = 0;
    for (let i = 0; i < tree.numNodes; i++) {
      if (tree.left[i]! < 0) leaves++;
      else counts.set(tree.splitFeature[i]!, (counts.get(tree.splitFeature[i]!) ?? 0) + 1);
    }
    maxLeavesSeen = Math.max(maxLeavesSeen, leaves);
  }
  // LightGBM lists split counts in decreasing order, stable for ties (feature index order).
  const importances = [...counts.entries()]
    .sort(([fa, a], [fb, b]) => b - a || fa - fb)
    .map(([f, n]) => `${names[f]}=${n}`);
  const header = [
    'tree',
    'version=v4',
    'num_class=1',
    'num_tree_per_iteration=1',
    'label_index=0',
    `max_feature_idx=${model.numFeature - 1}`,
    'objective=binary sigmoid:1',
    `feature_names=${names.join(' ')}`,
    `feature_infos=${featureInfos({ ...model, trees }).join(' ')}`,
    `tree_sizes=${blocks.map((b) => Buffer.byteLength(b, 'utf8')).join(' ')}`,
  ];
  return (
    `${header.join('\n')}\n\n${blocks.join('')}end of trees\n\n` +
    `feature_importances:\n${importances.map((l) => `${l}\n`).join('')}\n` +
    `parameters:\n${parameterLines(model.params, maxLeavesSeen).join('\n')}\n\nend of parameters\n`
  );
}

function constantTree(value: number): TreeArrays {
  return {
    numNodes: 1,
    left: Int32Array.of(-1),
    right: Int32Array.of(-1),
    parent: Int32Array.of(-1),
    splitFeature: new Int32Array(1),
    threshold: new Float32Array(1),
    defaultLeft: new Uint8Array(1),
    leafValue: Float32Array.of(value),
    baseWeight: Float32Array.of(value),
    lossChange: new Float32Array(1),
    sumHessian: new Float32Array(1),
    count: new Int32Array(1),
  };
}

// ---------------------------------------------------------------------------------------------------
// Reading

function fail(path: string, requirement: string, value: unknown): never {
  const found = value === undefined ? 'nothing (missing)' : formatValue(value);
  throw new ModelFormatError(`${path} must be ${requirement}, found ${found}`, { details: { path, value } });
}

interface Block {
  readonly path: string;
  readonly values: Map<string, string>;
}

function parseNumbers(
  block: Block,
  key: string,
  length: number,
  kind: 'int' | 'float',
  required: boolean,
): Float64Array {
  const raw = block.values.get(key);
  const path = `${block.path}.${key}`;
  if (raw === undefined) {
    if (required && length > 0) fail(path, `a line with ${length} values`, undefined);
    return new Float64Array(length);
  }
  const tokens = raw.trim() === '' ? [] : raw.trim().split(/ +/);
  if (tokens.length !== length) {
    throw new ModelFormatError(`${path} must have ${length} values, found ${tokens.length}`, {
      details: { path, length: tokens.length },
    });
  }
  const out = new Float64Array(length);
  tokens.forEach((token, i) => {
    const v = Number(token);
    const ok = kind === 'int' ? /^-?\d+$/.test(token) : /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(token);
    if (!ok || !Number.isFinite(v))
      fail(`${path}[${i}]`, kind === 'int' ? 'an integer' : 'a finite number', token);
    out[i] = v;
  });
  return out;
}

function intValue(block: Block, key: string, min: number, max: number, fallback?: number): number {
  const raw = block.values.get(key);
  const path = `${block.path}.${key}`;
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    fail(path, 'present', undefined);
  }
  if (!/^-?\d+$/.test(raw.trim())) fail(path, 'an integer', raw);
  const v = Number(raw);
  if (v < min || v > max) fail(path, `an integer in [${min}, ${max}]`, raw);
  return v;
}

/** Min-heap of small integers (internal node ids waiting to be laid out). */
class IdHeap {
  private readonly items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(v: number): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= v) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = v;
  }
  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1]! < a[l]! ? l + 1 : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

function readTree(block: Block, numFeature: number): TreeArrays {
  const path = block.path;
  const numLeaves = intValue(block, 'num_leaves', 1, 1 << 24);
  const numCat = intValue(block, 'num_cat', 0, 1 << 24, 0);
  if (numCat !== 0) fail(`${path}.num_cat`, '0 (categorical splits are not supported)', numCat);
  if (intValue(block, 'is_linear', 0, 1, 0) !== 0)
    fail(`${path}.is_linear`, '0 (linear trees are not supported)', 1);
  const shrinkageRaw = block.values.get('shrinkage');
  const shrinkage = shrinkageRaw === undefined ? 1 : Number(shrinkageRaw);
  if (!(shrinkage > 0 && Number.isFinite(shrinkage)))
    fail(`${path}.shrinkage`, 'a positive number', shrinkageRaw);
  const m = numLeaves - 1;
  const leafValue = parseNumbers(block, 'leaf_value', numLeaves, 'float', true);
  const leafWeight = parseNumbers(block, 'leaf_weight', numLeaves, 'float', false);
  const leafCount = parseNumbers(block, 'leaf_count', numLeaves, 'int', false);
  if (numLeaves === 1) {
    const tree = constantTree(leafValue[0]!);
    tree.sumHessian[0] = leafWeight[0]!;
    tree.count[0] = leafCount[0]!;
    return tree;
  }
  const splitFeature = parseNumbers(block, 'split_feature', m, 'int', true);
  const splitGain = parseNumbers(block, 'split_gain', m, 'float', false);
  const threshold = parseNumbers(block, 'threshold', m, 'float', true);
  const decisionType = parseNumbers(block, 'decision_type', m, 'int', false);
  const leftChild = parseNumbers(block, 'left_child', m, 'int', true);
  const rightChild = parseNumbers(block, 'right_child', m, 'int', true);
  const internalValue = parseNumbers(block, 'internal_value', m, 'float', false);
  const internalWeight = parseNumbers(block, 'internal_weight', m, 'float', false);
  const internalCount = parseNumbers(block, 'internal_count', m, 'int', false);

  for (let k = 0; k < m; k++) {
    const f = splitFeature[k]!;
    if (f < 0 || f >= numFeature)
      fail(`${path}.split_feature[${k}]`, `a feature index in [0, ${numFeature - 1}]`, f);
    const dt = decisionType[k]!;
    if (dt < 0 || dt > 15) fail(`${path}.decision_type[${k}]`, 'a decision type in [0, 15]', dt);
    if (dt & CATEGORICAL)
      fail(`${path}.decision_type[${k}]`, 'numerical (categorical splits are not supported)', dt);
    if (((dt >> 2) & 3) === 1) {
      fail(
        `${path}.decision_type[${k}]`,
        'missing type None or NaN (missing type Zero cannot be expressed)',
        dt,
      );
    }
    for (const [name, children] of [
      ['left_child', leftChild],
      ['right_child', rightChild],
    ] as const) {
      const c = children[k]!;
      if (c >= m || ~c >= numLeaves) {
        fail(
          `${path}.${name}[${k}]`,
          `an internal node in [0, ${m - 1}] or a leaf ~l with l in [0, ${m}]`,
          c,
        );
      }
    }
  }

  // Lay the tree out in XGBoost's order: internal nodes are expanded in increasing id order among
  // those already placed, each allocating its children as the next consecutive pair.
  const n = 2 * numLeaves - 1;
  const left = new Int32Array(n).fill(-1);
  const right = new Int32Array(n).fill(-1);
  const parent = new Int32Array(n).fill(-1);
  const outFeature = new Int32Array(n);
  const outThreshold = new Float32Array(n);
  const defaultLeft = new Uint8Array(n);
  const outLeaf = new Float32Array(n);
  const baseWeight = new Float32Array(n);
  const lossChange = new Float32Array(n);
  const sumHessian = new Float32Array(n);
  const count = new Int32Array(n);
  const internalPos = new Int32Array(m).fill(-1);
  const leafSeen = new Uint8Array(numLeaves);
  const heap = new IdHeap();
  internalPos[0] = 0;
  heap.push(0);
  let next = 1;
  while (heap.size > 0) {
    const k = heap.pop();
    const pos = internalPos[k]!;
    const t = threshold[k]!;
    const f32 = Math.fround(t);
    outFeature[pos] = splitFeature[k]!;
    // `x <= t` for float32 x is `x < (smallest float32 above t)`.
    // `+ 0` turns the -0 that follows the negative subnormal into +0 (same splits, canonical bits).
    outThreshold[pos] = (f32 > t ? f32 : nextFloat32(f32)) + 0;
    const dt = decisionType[k]!;
    const missingNaN = ((dt >> 2) & 3) === 2;
    // Missing type None: NaN is treated as 0, so it follows 0's branch.
    defaultLeft[pos] = missingNaN ? ((dt & DEFAULT_LEFT) !== 0 ? 1 : 0) : 0 <= t ? 1 : 0;
    lossChange[pos] = splitGain[k]!;
    sumHessian[pos] = internalWeight[k]!;
    count[pos] = internalCount[k]!;
    baseWeight[pos] = internalValue[k]! / shrinkage;
    left[pos] = next;
    right[pos] = next + 1;
    for (const [offset, c, name] of [
      [0, leftChild[k]!, 'left_child'],
      [1, rightChild[k]!, 'right_child'],
    ] as const) {
      const child = next + offset;
      parent[child] = pos;
      if (c >= 0) {
        if (c === 0 || internalPos[c] !== -1) {
          fail(`${path}.${name}[${k}]`, 'a node not already in the tree (no cycles or shared nodes)', c);
        }
        internalPos[c] = child;
        heap.push(c);
      } else {
        const l = ~c;
        if (leafSeen[l] === 1)
          fail(`${path}.${name}[${k}]`, 'a leaf not already in the tree (no shared leaves)', c);
        leafSeen[l] = 1;
        outLeaf[child] = leafValue[l]!;
        baseWeight[child] = leafValue[l]!;
        sumHessian[child] = leafWeight[l]!;
        count[child] = leafCount[l]!;
      }
    }
    next += 2;
  }
  const orphan = internalPos.indexOf(-1);
  if (orphan >= 0) {
    throw new ModelFormatError(`${path} internal node ${orphan} is not reachable from the root`, {
      details: { path, node: orphan },
    });
  }
  const tree: TreeArrays = {
    numNodes: n,
    left,
    right,
    parent,
    splitFeature: outFeature,
    threshold: outThreshold,
    defaultLeft,
    leafValue: outLeaf,
    baseWeight,
    lossChange,
    sumHessian,
    count,
  };
  checkTreeStructure(left, right, parent, n, { tree: path, left: 'left', right: 'right', parent: 'parent' });
  return tree;
}

function splitBlocks(lines: readonly string[]): {
  header: Map<string, string>;
  trees: Block[];
  end: number;
  offsets: number[];
} {
  const header = new Map<string, string>();
  let i = 1;
  for (; i < lines.length && !lines[i]!.startsWith('Tree='); i++) {
    const line = lines[i]!;
    if (line === '') continue;
    if (line === 'end of trees') break;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (!header.has(key)) header.set(key, eq < 0 ? '' : line.slice(eq + 1));
  }
  const trees: Block[] = [];
  const offsets: number[] = [];
  while (i < lines.length && lines[i]!.startsWith('Tree=')) {
    const id = lines[i]!.slice(5);
    const path = `Tree=${id}`;
    if (id !== String(trees.length))
      fail(`line ${i + 1}`, `"Tree=${trees.length}" (trees in order)`, lines[i]);
    offsets.push(i);
    const values = new Map<string, string>();
    i++;
    for (; i < lines.length && lines[i] !== ''; i++) {
      const line = lines[i]!;
      const eq = line.indexOf('=');
      if (eq < 0) fail(`${path} line ${i + 1}`, 'a key=value line', line);
      values.set(line.slice(0, eq), line.slice(eq + 1));
    }
    while (i < lines.length && lines[i] === '') i++;
    trees.push({ path, values });
  }
  offsets.push(i);
  if (lines[i] !== 'end of trees') fail(`line ${i + 1}`, '"end of trees" after the last tree', lines[i]);
  return { header, trees, end: i, offsets };
}

function readParams(lines: readonly string[], from: number): ModelParams {
  const values = new Map<string, string>();
  const start = lines.indexOf('parameters:', from);
  if (start >= 0) {
    for (let i = start + 1; i < lines.length && lines[i] !== 'end of parameters'; i++) {
      const m = /^\[([a-z0-9_]+): (.*)\]$/.exec(lines[i]!);
      if (m) values.set(m[1]!, m[2]!);
    }
  }
  const num = (key: string, fallback: number, min: number): number => {
    const raw = values.get(key);
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!Number.isFinite(v) || v < min) fail(`parameters.${key}`, `a number >= ${min}`, raw);
    return v;
  };
  const d = XGBOOST_DEFAULT_PARAMS;
  const maxDepth = num('max_depth', -1, -1);
  return Object.freeze({
    objective: 'binary:logistic',
    learningRate: num('learning_rate', 0.1, 0),
    maxDepth: Math.max(maxDepth, 0),
    maxLeaves: num('num_leaves', 31, 1),
    // LightGBM always grows leaf-wise.
    growPolicy: 'lossguide',
    lambda: num('lambda_l2', 0, 0),
    alpha: num('lambda_l1', 0, 0),
    gamma: num('min_gain_to_split', 0, 0),
    minChildWeight: num('min_sum_hessian_in_leaf', 1e-3, 0),
    maxDeltaStep: num('max_delta_step', 0, 0),
    scalePosWeight: num('scale_pos_weight', d.scalePosWeight, 0),
    maxBin: num('max_bin', 255, 2),
  });
}

/**
 * Parses a LightGBM text model (binary objective, numerical splits) into a {@link BoosterModel} with
 * XGBoost-layout trees that predict the same on float32 inputs. The intercept stays folded into the
 * first tree (`baseScore = 0.5`). Refuses other objectives, multi-class, categorical or linear trees,
 * missing type Zero, inconsistent `tree_sizes`, and malformed trees with a ModelFormatError naming the
 * line or field.
 * @example const model = fromLightGBMText(readFileSync('model.txt', 'utf8'));
 */
export function fromLightGBMText(text: string): BoosterModel {
  if (typeof text !== 'string') fail('model file', 'a string', typeof text);
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines[0] !== 'tree') fail('line 1', '"tree" (the LightGBM text model header)', lines[0]);
  const { header, trees: blocks, end, offsets } = splitBlocks(lines);
  const get = (key: string) => header.get(key);
  const numClass = get('num_class');
  if (numClass !== '1') fail('num_class', '1 (multi-class models are not supported)', numClass);
  const perIteration = get('num_tree_per_iteration') ?? numClass;
  if (perIteration !== '1') fail('num_tree_per_iteration', '1', perIteration);
  if (get('label_index') === undefined) fail('label_index', 'present', undefined);
  const maxFeatureIdx = get('max_feature_idx');
  if (maxFeatureIdx === undefined || !/^\d+$/.test(maxFeatureIdx))
    fail('max_feature_idx', 'an integer >= 0', maxFeatureIdx);
  const numFeature = Number(maxFeatureIdx) + 1;
  const objective = get('objective');
  if (objective !== undefined) {
    const parts = objective.split(' ');
    const sigmoid = parts.find((p) => p.startsWith('sigmoid:'));
    if (parts[0] !== 'binary' || (sigmoid !== undefined && Number(sigmoid.slice(8)) !== 1)) {
      fail('objective', '"binary sigmoid:1" (the only supported objective)', objective);
    }
  }
  if (header.has('average_output'))
    fail('average_output', 'absent (random forest models are not supported)', '');
  const names = (get('feature_names') ?? '').split(' ').filter((s) => s !== '');
  if (names.length !== numFeature)
    fail('feature_names', `${numFeature} names (max_feature_idx + 1)`, names.length);
  const infos = (get('feature_infos') ?? '').split(' ').filter((s) => s !== '');
  if (infos.length !== numFeature)
    fail('feature_infos', `${numFeature} entries (max_feature_idx + 1)`, infos.length);
  const sizes = get('tree_sizes');
  if (sizes !== undefined) {
    const declared = sizes.split(' ').filter((s) => s !== '');
    if (declared.length !== blocks.length)
      fail('tree_sizes', `${blocks.length} sizes (one per tree)`, declared.length);
    declared.forEach((size, t) => {
      const block = lines.slice(offsets[t]!, offsets[t + 1]!).join('\n');
      const actual = Buffer.byteLength(block, 'utf8') + 1;
      if (size !== String(actual)) fail(`tree_sizes[${t}]`, `${actual} (the byte length of Tree=${t})`, size);
    });
  }
  const trees = blocks.map((block) => readTree(block, numFeature));
  const isDefault = names.every((name, i) => name === `Column_${i}`);
  const model: BoosterModel = Object.freeze({
    trees: Object.freeze(trees),
    baseScore: 0.5,
    numFeature,
    featureNames: Object.freeze(isDefault ? [] : names),
    bestIteration: trees.length - 1,
    params: readParams(lines, end),
  });
  try {
    validateModel(model);
  } catch (cause) {
    throw new ModelFormatError(`model file describes an invalid model: ${(cause as Error).message}`, {
      cause,
    });
  }
  return model;
}
