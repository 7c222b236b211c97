/**
 * Structural validation of trees and models. Loaders and writers call it so that a model that would
 * predict silently wrong in XGBoost (non-consecutive children, cycles, dangling indices) is refused.
 * @module
 */
import { formatValue, ModelFormatError } from '@leadscore/core/errors';
import type { BoosterModel, TreeArrays } from './types.js';

/** Names used in error messages for the three index arrays of a tree. */
export interface TreeFieldNames {
  /** Path prefix of the tree, e.g. `model.trees[3]`. */
  readonly tree: string;
  readonly left: string;
  readonly right: string;
  readonly parent: string;
}

function fail(message: string, path: string, value?: unknown): never {
  throw new ModelFormatError(message, { details: { path, value } });
}

/**
 * Checks that index arrays describe one binary tree rooted at node 0 whose children are consecutive
 * pairs (`right = left + 1`), every node reached exactly once, with consistent parents. The root's
 * parent is not checked (formats differ). Throws a ModelFormatError naming the offending field.
 */
export function checkTreeStructure(
  left: ArrayLike<number>,
  right: ArrayLike<number>,
  parent: ArrayLike<number>,
  numNodes: number,
  names: TreeFieldNames,
): void {
  const { tree } = names;
  if (numNodes < 1) fail(`${tree} must have at least one node, found ${numNodes}`, tree, numNodes);
  for (let i = 0; i < numNodes; i++) {
    const l = left[i]!;
    const r = right[i]!;
    if (l === -1) {
      if (r !== -1) {
        const p = `${tree}.${names.right}[${i}]`;
        fail(`${p} must be -1 at a leaf (${names.left}[${i}] is -1), found ${formatValue(r)}`, p, r);
      }
      continue;
    }
    if (!Number.isInteger(l) || l < 1 || l > numNodes - 2) {
      const p = `${tree}.${names.left}[${i}]`;
      fail(`${p} must be -1 or a node index in [1, ${numNodes - 2}], found ${formatValue(l)}`, p, l);
    }
    if (r !== l + 1) {
      const p = `${tree}.${names.right}[${i}]`;
      fail(
        `${p} must be ${names.left}[${i}] + 1 = ${l + 1} (XGBoost reads the right child as left + 1), found ${formatValue(r)}`,
        p,
        r,
      );
    }
  }
  const seen = new Uint8Array(numNodes);
  const stack = new Int32Array(numNodes);
  let top = 0;
  stack[top++] = 0;
  seen[0] = 1;
  while (top > 0) {
    const node = stack[--top]!;
    const l = left[node]!;
    if (l === -1) continue;
    for (const child of [l, l + 1]) {
      if (seen[child] === 1) {
        const p = `${tree}.${names.left}[${node}]`;
        fail(`${p} points to node ${child}, which is already in the tree (cycle or shared node)`, p, l);
      }
      seen[child] = 1;
      if (parent[child] !== node) {
        const p = `${tree}.${names.parent}[${child}]`;
        fail(`${p} must be ${node} (the node whose child it is), found ${formatValue(parent[child])}`, p);
      }
      stack[top++] = child;
    }
  }
  const orphan = seen.indexOf(0);
  if (orphan >= 0) fail(`${tree} node ${orphan} is not reachable from the root`, tree, orphan);
}

function checkLengths(tree: TreeArrays, path: string): void {
  const n = tree.numNodes;
  const arrays: [string, ArrayLike<number>][] = [
    ['left', tree.left],
    ['right', tree.right],
    ['parent', tree.parent],
    ['splitFeature', tree.splitFeature],
    ['threshold', tree.threshold],
    ['defaultLeft', tree.defaultLeft],
    ['leafValue', tree.leafValue],
    ['baseWeight', tree.baseWeight],
    ['lossChange', tree.lossChange],
    ['sumHessian', tree.sumHessian],
    ['count', tree.count],
  ];
  for (const [name, array] of arrays) {
    if (array.length !== n) {
      fail(`${path}.${name} must have numNodes = ${n} entries, found ${array.length}`, `${path}.${name}`);
    }
  }
}

/**
 * Validates one tree of a {@link BoosterModel}: structure, split features below `numFeature`, a
 * non-NaN threshold on splits, finite leaf values and non-negative finite hessian sums.
 */
export function validateTree(tree: TreeArrays, numFeature: number, path: string): void {
  if (!Number.isInteger(tree.numNodes) || tree.numNodes < 1) {
    fail(`${path}.numNodes must be a positive integer, found ${formatValue(tree.numNodes)}`, path);
  }
  checkLengths(tree, path);
  checkTreeStructure(tree.left, tree.right, tree.parent, tree.numNodes, {
    tree: path,
    left: 'left',
    right: 'right',
    parent: 'parent',
  });
  if (tree.parent[0] !== -1) {
    fail(`${path}.parent[0] must be -1 (the root), found ${formatValue(tree.parent[0])}`, path);
  }
  for (let i = 0; i < tree.numNodes; i++) {
    const h = tree.sumHessian[i]!;
    if (!(h >= 0 && h < Infinity)) {
      fail(`${path}.sumHessian[${i}] must be finite and >= 0, found ${formatValue(h)}`, path, h);
    }
    if (tree.left[i] === -1) {
      const v = tree.leafValue[i]!;
      if (!Number.isFinite(v))
        fail(`${path}.leafValue[${i}] must be finite, found ${formatValue(v)}`, path, v);
      continue;
    }
    const f = tree.splitFeature[i]!;
    if (f < 0 || f >= numFeature) {
      fail(`${path}.splitFeature[${i}] must be in [0, ${numFeature - 1}], found ${formatValue(f)}`, path, f);
    }
    if (Number.isNaN(tree.threshold[i]!)) fail(`${path}.threshold[${i}] must not be NaN`, path);
    const d = tree.defaultLeft[i]!;
    if (d > 1) fail(`${path}.defaultLeft[${i}] must be 0 or 1, found ${d}`, path, d);
  }
}

/**
 * Validates a whole model (every tree, base score, names, best iteration). Writers call it first so a
 * broken in-memory model never reaches a file.
 * @example validateModel(booster.model)
 */
export function validateModel(model: BoosterModel, name = 'model'): void {
  const { baseScore, numFeature, featureNames, bestIteration, trees } = model;
  if (!(baseScore > 0 && baseScore < 1)) {
    fail(
      `${name}.baseScore must be in (0, 1), found ${formatValue(baseScore)}`,
      `${name}.baseScore`,
      baseScore,
    );
  }
  if (!Number.isInteger(numFeature) || numFeature < 1) {
    fail(
      `${name}.numFeature must be a positive integer, found ${formatValue(numFeature)}`,
      `${name}.numFeature`,
    );
  }
  if (featureNames.length !== 0 && featureNames.length !== numFeature) {
    fail(
      `${name}.featureNames must be empty or have numFeature = ${numFeature} names, found ${featureNames.length}`,
      `${name}.featureNames`,
    );
  }
  const seen = new Set<string>();
  featureNames.forEach((featureName, i) => {
    if (typeof featureName !== 'string' || featureName === '' || seen.has(featureName)) {
      const path = `${name}.featureNames[${i}]`;
      fail(
        `${path} must be a non-empty name used by no other feature, found ${formatValue(featureName)}`,
        path,
      );
    }
    seen.add(featureName);
  });
  if (!Number.isInteger(bestIteration) || bestIteration < -1 || bestIteration > trees.length - 1) {
    fail(
      `${name}.bestIteration must be an integer in [-1, ${trees.length - 1}], found ${formatValue(bestIteration)}`,
      `${name}.bestIteration`,
    );
  }
  trees.forEach((tree, t) => {
    validateTree(tree, numFeature, `${name}.trees[${t}]`);
  });
}
