/**
 * XGBoost's JSON model format (`Booster.save_model('m.json')`), written so that XGBoost 1.7 and 2.x load
 * it and predict exactly what this package predicts, and read back from files XGBoost writes. See
 * `shared/reference/xgboost-lightgbm-formats.md`, section 1 and the exporter checklist (section 5).
 * @module
 */

import { ModelFormatError } from '@leadscore/core/errors';
import { assertArg } from '@leadscore/core/internal';
import { parseWith } from '@leadscore/core/issues';
import { pickModelParams } from '../model/params.js';
import type { BoosterModel, ModelParams, TreeArrays } from '../model/types.js';
import { checkTreeStructure, validateModel } from '../model/validate.js';
import { toXGBoostJSONOptionsSchema } from '../predict-options.js';
import {
  array,
  field,
  float32Array,
  intArray,
  intString,
  invalid,
  type JsonObject,
  numberString,
  object,
  parseJsonStrict,
  string,
} from './json-guard.js';
import { formatFloat32 } from './number-format.js';

/** Options of {@link toXGBoostJSON}. */
export interface ToXGBoostJSONOptions {
  /**
   * Write `feature_names` (and `feature_types`). XGBoost's Python `predict` then refuses numpy input
   * ("training data did not have the following fields"); set false to write `[]` as XGBoost does for
   * numpy training data.
   * @default true
   */
  readonly featureNames?: boolean;
}

/** Parameters XGBoost's model file does not carry, recorded in `attributes.leadscore_params`. */
const PARAMS_ATTRIBUTE = 'leadscore_params';

/** Defaults for parameters a file does not record (XGBoost's own defaults). */
export const XGBOOST_DEFAULT_PARAMS: ModelParams = Object.freeze({
  objective: 'binary:logistic',
  learningRate: 0.3,
  maxDepth: 6,
  maxLeaves: 0,
  growPolicy: 'depthwise',
  lambda: 1,
  alpha: 0,
  gamma: 0,
  minChildWeight: 1,
  maxDeltaStep: 0,
  scalePosWeight: 1,
  maxBin: 256,
});

const INT32_MAX = 2147483647;
const NUM_NODES = 'tree_param.num_nodes';
const NUM_TREES = 'gbtree_model_param.num_trees';

function joinInts(values: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < values.length; i++) s += i === 0 ? String(values[i]) : `,${values[i]}`;
  return s;
}

function joinFloats(values: ArrayLike<number>, name: string): string {
  let s = '';
  for (let i = 0; i < values.length; i++) {
    const v = formatFloat32(values[i]!, `${name}[${i}]`);
    s += i === 0 ? v : `,${v}`;
  }
  return s;
}

function stringObject(entries: readonly (readonly [string, string])[]): string {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${sorted.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

function treeJSON(tree: TreeArrays, id: number, numFeature: number): string {
  const n = tree.numNodes;
  const parents = Int32Array.from(tree.parent, (p) => (p < 0 ? INT32_MAX : p));
  const splitIndices = new Int32Array(n);
  const conditions = new Float32Array(n);
  const defaultLeft = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const leaf = tree.left[i]! < 0;
    splitIndices[i] = leaf ? 0 : tree.splitFeature[i]!;
    conditions[i] = leaf ? tree.leafValue[i]! : tree.threshold[i]!;
    defaultLeft[i] = leaf ? 0 : tree.defaultLeft[i]!;
  }
  const path = `model.trees[${id}]`;
  const param = stringObject([
    ['num_deleted', '0'],
    ['num_feature', String(numFeature)],
    ['num_nodes', String(n)],
    ['size_leaf_vector', '0'],
  ]);
  // Key order follows XGBoost's writer (sorted), which keeps diffs against XGBoost's own files small.
  return (
    `{"base_weights":[${joinFloats(tree.baseWeight, `${path}.baseWeight`)}],` +
    `"categories":[],"categories_nodes":[],"categories_segments":[],"categories_sizes":[],` +
    `"default_left":[${joinInts(defaultLeft)}],` +
    `"id":${id},` +
    `"left_children":[${joinInts(tree.left)}],` +
    `"loss_changes":[${joinFloats(tree.lossChange, `${path}.lossChange`)}],` +
    `"parents":[${joinInts(parents)}],` +
    `"right_children":[${joinInts(tree.right)}],` +
    `"split_conditions":[${joinFloats(conditions, `${path}.threshold`)}],` +
    `"split_indices":[${joinInts(splitIndices)}],` +
    `"split_type":[${joinInts(new Uint8Array(n))}],` +
    `"sum_hessian":[${joinFloats(tree.sumHessian, `${path}.sumHessian`)}],` +
    `"tree_param":${param}}`
  );
}

/**
 * Serialises a model as XGBoost JSON that `xgboost.Booster(model_file='m.json')` (1.7 and 2.x) loads
 * and predicts identically with: string-valued parameters, floats always with `.` or an exponent,
 * `base_score` as a float32 string of at most 9 significant digits, consecutive children, every
 * per-node array XGBoost requires. Same model, same bytes.
 * @example writeFileSync('model.json', toXGBoostJSON(booster.model));
 */
export function toXGBoostJSON(model: BoosterModel, options: ToXGBoostJSONOptions = {}): string {
  parseWith(toXGBoostJSONOptionsSchema, options, 'options');
  validateModel(model);
  const withNames = options.featureNames ?? true;
  const { trees, numFeature } = model;
  const names = withNames ? model.featureNames : [];
  names.forEach((name, i) => {
    assertArg(
      typeof name === 'string' && name.length > 0 && !/[[\]<]/.test(name),
      `model.featureNames[${i}]`,
      'a non-empty string without "[", "]" or "<" (XGBoost refuses those)',
      name,
    );
  });
  const attributes: [string, string][] = [[PARAMS_ATTRIBUTE, paramsToString(model.params)]];
  if (model.bestIteration !== trees.length - 1) {
    attributes.push(['best_iteration', String(model.bestIteration)]);
    attributes.push(['best_ntree_limit', String(model.bestIteration + 1)]);
  }
  const treeTexts = trees.map((tree, id) => treeJSON(tree, id, numFeature));
  const indptr = trees.map((_, i) => i + 1);
  const baseScore = formatFloat32(model.baseScore, 'model.baseScore');
  const learnerParam = stringObject([
    ['base_score', baseScore],
    ['boost_from_average', '1'],
    ['num_class', '0'],
    ['num_feature', String(numFeature)],
    ['num_target', '1'],
  ]);
  const lossParam = stringObject([
    ['scale_pos_weight', formatFloat32(model.params.scalePosWeight, 'scalePosWeight')],
  ]);
  return (
    `{"learner":{"attributes":${stringObject(attributes)},` +
    `"feature_names":[${names.map((n) => JSON.stringify(n)).join(',')}],` +
    `"feature_types":[${names.map(() => '"float"').join(',')}],` +
    `"gradient_booster":{"model":{"gbtree_model_param":{"num_parallel_tree":"1","num_trees":"${trees.length}","size_leaf_vector":"0"},` +
    `"iteration_indptr":[${joinInts([0, ...indptr])}],` +
    `"tree_info":[${joinInts(new Int32Array(trees.length))}],` +
    `"trees":[${treeTexts.join(',')}]},"name":"gbtree"},` +
    `"learner_model_param":${learnerParam},` +
    `"objective":{"name":"binary:logistic","reg_loss_param":${lossParam}}},` +
    `"version":[2,0,0]}`
  );
}

function paramsToString(p: ModelParams): string {
  return JSON.stringify(pickModelParams(p));
}

function paramsFromString(text: string, path: string, scalePosWeight: number): ModelParams {
  const obj = object(parseJsonStrict(text, path), path);
  const num = (key: keyof ModelParams, min: number): number => {
    const v = field(obj, key);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
      invalid(`${path}.${key}`, `a finite number >= ${min}`, v);
    return v;
  };
  const objective = field(obj, 'objective');
  if (objective !== 'binary:logistic') invalid(`${path}.objective`, '"binary:logistic"', objective);
  const growPolicy = field(obj, 'growPolicy');
  if (growPolicy !== 'depthwise' && growPolicy !== 'lossguide') {
    invalid(`${path}.growPolicy`, '"depthwise" or "lossguide"', growPolicy);
  }
  const params: ModelParams = {
    objective,
    learningRate: num('learningRate', 0),
    maxDepth: num('maxDepth', 0),
    maxLeaves: num('maxLeaves', 0),
    growPolicy,
    lambda: num('lambda', 0),
    alpha: num('alpha', 0),
    gamma: num('gamma', 0),
    minChildWeight: num('minChildWeight', 0),
    maxDeltaStep: num('maxDeltaStep', 0),
    scalePosWeight: num('scalePosWeight', 0),
    maxBin: num('maxBin', 2),
  };
  if (Math.fround(params.scalePosWeight) !== Math.fround(scalePosWeight)) {
    invalid(
      `${path}.scalePosWeight`,
      `equal to objective.reg_loss_param.scale_pos_weight = ${scalePosWeight}`,
      params.scalePosWeight,
    );
  }
  return Object.freeze(params);
}

/** Reads `base_score`: XGBoost's parser silently falls back to 0.5 beyond 9 digits, so we refuse those. */
function readBaseScore(value: unknown, path: string): number {
  let text = string(value, path);
  // XGBoost 3.1+ writes a one-element array string such as "[5E-1]".
  const bracketed = /^\[([^,\]]*)\]$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  const x = numberString(text, path);
  const digits = text
    .replace(/[eE].*$/, '')
    .replace(/[^0-9]/g, '')
    .replace(/^0+/, '');
  if (digits.replace(/0+$/, '').length > 9) {
    invalid(
      path,
      'a number with at most 9 significant digits (XGBoost 1.7-3.0 silently read longer ones as 0.5)',
      value,
    );
  }
  if (!(x > 0 && x < 1)) invalid(path, 'a probability in (0, 1) for binary:logistic', value);
  return Math.fround(x);
}

function readTree(value: unknown, index: number, numFeature: number, prefix: string): TreeArrays {
  const path = `${prefix}[${index}]`;
  const t = object(value, path);
  const id = field(t, 'id');
  if (id !== index) invalid(`${path}.id`, `${index} (trees are stored in order)`, id);
  const param = object(field(t, 'tree_param'), `${path}.tree_param`);
  const n = intString(field(param, 'num_nodes'), `${path}.tree_param.num_nodes`, 1, INT32_MAX);
  intString(field(param, 'num_feature'), `${path}.tree_param.num_feature`, 0);
  const deleted = field(param, 'num_deleted');
  if (deleted !== undefined && intString(deleted, `${path}.tree_param.num_deleted`, 0) !== 0) {
    invalid(`${path}.tree_param.num_deleted`, '"0" (trees with deleted nodes are not supported)', deleted);
  }
  const leafVector = field(param, 'size_leaf_vector');
  if (leafVector !== undefined && intString(leafVector, `${path}.tree_param.size_leaf_vector`, 0) > 1) {
    invalid(
      `${path}.tree_param.size_leaf_vector`,
      '"0" or "1" (multi-target trees are not supported)',
      leafVector,
    );
  }
  const left = intArray(field(t, 'left_children'), `${path}.left_children`, n, -1, n - 1, NUM_NODES);
  const right = intArray(field(t, 'right_children'), `${path}.right_children`, n, -1, n - 1, NUM_NODES);
  const parents = intArray(field(t, 'parents'), `${path}.parents`, n, -1, INT32_MAX, NUM_NODES);
  const splitIndices = intArray(
    field(t, 'split_indices'),
    `${path}.split_indices`,
    n,
    0,
    INT32_MAX - 1,
    NUM_NODES,
  );
  const conditions = float32Array(field(t, 'split_conditions'), `${path}.split_conditions`, n, NUM_NODES);
  const baseWeight = float32Array(field(t, 'base_weights'), `${path}.base_weights`, n, NUM_NODES);
  const lossChange = float32Array(field(t, 'loss_changes'), `${path}.loss_changes`, n, NUM_NODES);
  const sumHessian = float32Array(field(t, 'sum_hessian'), `${path}.sum_hessian`, n, NUM_NODES);
  const defaults = array(field(t, 'default_left'), `${path}.default_left`, n, NUM_NODES);
  const defaultLeft = new Uint8Array(n);
  defaults.forEach((d, i) => {
    if (d === 1 || d === true) defaultLeft[i] = 1;
    else if (d !== 0 && d !== false) invalid(`${path}.default_left[${i}]`, '0, 1, true or false', d);
  });
  const splitType = field(t, 'split_type');
  if (splitType !== undefined) {
    const types = intArray(splitType, `${path}.split_type`, n, 0, 1, NUM_NODES);
    const cat = types.indexOf(1);
    if (cat >= 0) invalid(`${path}.split_type[${cat}]`, '0 (categorical splits are not supported)', 1);
    for (const key of ['categories', 'categories_nodes', 'categories_segments', 'categories_sizes']) {
      array(field(t, key), `${path}.${key}`, 0);
    }
  }
  if (parents[0] !== -1 && parents[0] !== INT32_MAX) {
    invalid(`${path}.parents[0]`, `${INT32_MAX} or -1 (the root has no parent)`, parents[0]);
  }
  parents[0] = -1;
  checkTreeStructure(left, right, parents, n, {
    tree: path,
    left: 'left_children',
    right: 'right_children',
    parent: 'parents',
  });
  const threshold = new Float32Array(n);
  const leafValue = new Float32Array(n);
  const splitFeature = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!(sumHessian[i]! >= 0)) invalid(`${path}.sum_hessian[${i}]`, 'a number >= 0', sumHessian[i]);
    if (left[i] === -1) {
      leafValue[i] = conditions[i]!;
      defaultLeft[i] = 0;
    } else {
      if (splitIndices[i]! >= numFeature) {
        invalid(
          `${path}.split_indices[${i}]`,
          `a feature index below num_feature = ${numFeature}`,
          splitIndices[i],
        );
      }
      threshold[i] = conditions[i]!;
      splitFeature[i] = splitIndices[i]!;
    }
  }
  return Object.freeze({
    numNodes: n,
    left,
    right,
    parent: parents,
    splitFeature,
    threshold,
    defaultLeft,
    leafValue,
    baseWeight,
    lossChange,
    sumHessian,
    count: new Int32Array(n),
  });
}

function readFeatureNames(learner: JsonObject, numFeature: number): string[] {
  const rawNames = field(learner, 'feature_names');
  const names =
    rawNames === undefined
      ? []
      : array(rawNames, 'learner.feature_names').map((v, i) => string(v, `learner.feature_names[${i}]`));
  if (names.length !== 0 && names.length !== numFeature) {
    invalid('learner.feature_names', `empty or ${numFeature} names (num_feature)`, names);
  }
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (seen.has(name)) invalid(`learner.feature_names[${i}]`, 'a name not used by another feature', name);
    seen.add(name);
  });
  const rawTypes = field(learner, 'feature_types');
  if (rawTypes !== undefined) {
    array(rawTypes, 'learner.feature_types').forEach((v, i) => {
      const type = string(v, `learner.feature_types[${i}]`);
      if (type === 'c')
        invalid(`learner.feature_types[${i}]`, 'numeric (categorical features are not supported)', type);
      if (!['float', 'int', 'i', 'q'].includes(type)) {
        invalid(`learner.feature_types[${i}]`, 'one of "float", "int", "i", "q"', type);
      }
    });
  }
  return names;
}

/**
 * Parses an XGBoost JSON model (as written by XGBoost 1.7/2.x or {@link toXGBoostJSON}) into a
 * {@link BoosterModel}, validating every field. Unsupported models (other objectives, dart, multi-class,
 * multi-target, categorical splits, deleted nodes) and malformed or hostile files are refused with a
 * ModelFormatError naming the field, e.g.
 * `learner.gradient_booster.model.trees[3].left_children[5] must be ...`.
 * @example const model = fromXGBoostJSON(readFileSync('model.json', 'utf8'));
 */
export function fromXGBoostJSON(text: string): BoosterModel {
  const root = object(parseJsonStrict(text, 'model file'), 'model file');
  const version = field(root, 'version');
  if (version !== undefined) {
    const v = array(version, 'version', 3);
    v.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0)
        invalid(`version[${i}]`, 'a non-negative integer', x);
    });
  }
  const learner = object(field(root, 'learner'), 'learner');
  const mp = object(field(learner, 'learner_model_param'), 'learner.learner_model_param');
  const numFeature = intString(
    field(mp, 'num_feature'),
    'learner.learner_model_param.num_feature',
    1,
    INT32_MAX,
  );
  const numClass = field(mp, 'num_class');
  if (intString(numClass, 'learner.learner_model_param.num_class', 0) > 1) {
    invalid('learner.learner_model_param.num_class', '"0" (multi-class models are not supported)', numClass);
  }
  const numTarget = field(mp, 'num_target');
  if (numTarget !== undefined && intString(numTarget, 'learner.learner_model_param.num_target', 1) !== 1) {
    invalid(
      'learner.learner_model_param.num_target',
      '"1" (multi-target models are not supported)',
      numTarget,
    );
  }
  const baseScore = readBaseScore(field(mp, 'base_score'), 'learner.learner_model_param.base_score');

  const objective = object(field(learner, 'objective'), 'learner.objective');
  const objectiveName = field(objective, 'name');
  if (objectiveName !== 'binary:logistic') {
    invalid('learner.objective.name', '"binary:logistic" (the only supported objective)', objectiveName);
  }
  let scalePosWeight = 1;
  const lossParam = field(objective, 'reg_loss_param');
  if (lossParam !== undefined) {
    const lp = object(lossParam, 'learner.objective.reg_loss_param');
    const spw = field(lp, 'scale_pos_weight');
    if (spw !== undefined)
      scalePosWeight = numberString(spw, 'learner.objective.reg_loss_param.scale_pos_weight');
    if (!(scalePosWeight > 0))
      invalid('learner.objective.reg_loss_param.scale_pos_weight', 'a positive number', spw);
  }

  const booster = object(field(learner, 'gradient_booster'), 'learner.gradient_booster');
  const boosterName = field(booster, 'name');
  if (boosterName !== 'gbtree') {
    invalid('learner.gradient_booster.name', '"gbtree" (dart and gblinear are not supported)', boosterName);
  }
  const gm = object(field(booster, 'model'), 'learner.gradient_booster.model');
  const gp = object(field(gm, 'gbtree_model_param'), 'learner.gradient_booster.model.gbtree_model_param');
  const numTrees = intString(
    field(gp, 'num_trees'),
    'learner.gradient_booster.model.gbtree_model_param.num_trees',
    0,
  );
  const parallel = field(gp, 'num_parallel_tree');
  if (
    parallel !== undefined &&
    intString(parallel, 'learner.gradient_booster.model.gbtree_model_param.num_parallel_tree', 1) !== 1
  ) {
    invalid(
      'learner.gradient_booster.model.gbtree_model_param.num_parallel_tree',
      '"1" (boosted random forests are not supported)',
      parallel,
    );
  }
  intArray(field(gm, 'tree_info'), 'learner.gradient_booster.model.tree_info', numTrees, 0, 0, NUM_TREES);
  const indptr = field(gm, 'iteration_indptr');
  if (indptr !== undefined) {
    const ip = intArray(indptr, 'learner.gradient_booster.model.iteration_indptr', numTrees + 1, 0, numTrees);
    ip.forEach((v, i) => {
      if (v !== i)
        invalid(`learner.gradient_booster.model.iteration_indptr[${i}]`, `${i} (one tree per round)`, v);
    });
  }
  const rawTrees = array(field(gm, 'trees'), 'learner.gradient_booster.model.trees', numTrees, NUM_TREES);
  const trees = rawTrees.map((t, i) => readTree(t, i, numFeature, 'learner.gradient_booster.model.trees'));
  const featureNames = readFeatureNames(learner, numFeature);

  const attributes = object(field(learner, 'attributes') ?? {}, 'learner.attributes');
  let bestIteration = numTrees - 1;
  const best = field(attributes, 'best_iteration');
  if (best !== undefined)
    bestIteration = intString(best, 'learner.attributes.best_iteration', 0, numTrees - 1);
  const rawParams = field(attributes, PARAMS_ATTRIBUTE);
  const params =
    rawParams === undefined
      ? Object.freeze({ ...XGBOOST_DEFAULT_PARAMS, scalePosWeight })
      : paramsFromString(
          string(rawParams, `learner.attributes.${PARAMS_ATTRIBUTE}`),
          `learner.attributes.${PARAMS_ATTRIBUTE}`,
          scalePosWeight,
        );

  const model: BoosterModel = Object.freeze({
    trees: Object.freeze(trees),
    baseScore,
    numFeature,
    featureNames: Object.freeze(featureNames),
    bestIteration,
    params,
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
