/**
 * Feature importance with XGBoost's `Booster.get_score` semantics.
 * @module
 */
import { assertArg } from '@leadscore/core/internal';
import type { BoosterModel, ImportanceType } from '../model/types.js';
import { validateModel } from '../model/validate.js';

const TYPES: readonly ImportanceType[] = ['weight', 'gain', 'total_gain', 'cover', 'total_cover'];

/**
 * Importance of every feature used in at least one split, keyed by feature name (or `f0`, `f1`, ...
 * when the model has no names); unused features are absent, as in XGBoost.
 * - `weight`: number of splits on the feature;
 * - `total_gain` / `gain`: summed / mean `lossChange` of those splits;
 * - `total_cover` / `cover`: summed / mean `sumHessian` of those splits.
 * Sums are accumulated in float32 in XGBoost's walk order (root, then right subtree first), so values
 * match `get_score` to float32 precision.
 * @example featureImportance(model, 'gain') // { f3: 12.5, f0: 3.1 }
 */
export function featureImportance(model: BoosterModel, type: ImportanceType): Record<string, number> {
  assertArg(TYPES.includes(type), 'type', `one of ${TYPES.join(', ')}`, type);
  validateModel(model);
  const numFeature = model.numFeature;
  const counts = new Float64Array(numFeature);
  const sums = new Float32Array(numFeature);
  const useGain = type === 'gain' || type === 'total_gain';
  let maxNodes = 1;
  for (const tree of model.trees) maxNodes = Math.max(maxNodes, tree.numNodes);
  const stack = new Int32Array(maxNodes);
  for (const tree of model.trees) {
    const stat = useGain ? tree.lossChange : tree.sumHessian;
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const node = stack[--top]!;
      const left = tree.left[node]!;
      if (left < 0) continue;
      const f = tree.splitFeature[node]!;
      counts[f]! += 1;
      sums[f] = sums[f]! + stat[node]!;
      stack[top++] = left;
      stack[top++] = left + 1;
    }
  }
  const out: Record<string, number> = {};
  for (let f = 0; f < numFeature; f++) {
    const n = counts[f]!;
    if (n === 0) continue;
    const key = model.featureNames[f] ?? `f${f}`;
    let value: number;
    if (type === 'weight') value = n;
    else if (type === 'gain' || type === 'cover') value = Math.fround(sums[f]! / Math.fround(n));
    else value = sums[f]!;
    // defineProperty: a feature named `__proto__` must stay an ordinary key.
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
