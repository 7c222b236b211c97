/**
 * Shape facts about trees that several modules need (depth for TreeSHAP buffers, node order for walks).
 * @module
 */
import type { TreeArrays } from './types.js';

/** Depth of the deepest leaf (a root-only tree has depth 0). The tree must be acyclic. */
export function treeDepth(tree: TreeArrays): number {
  if (tree.numNodes === 0) return 0;
  const stack = new Int32Array(tree.numNodes * 2);
  let top = 0;
  stack[top++] = 0;
  stack[top++] = 0;
  let max = 0;
  while (top > 0) {
    const depth = stack[--top]!;
    const node = stack[--top]!;
    if (depth > max) max = depth;
    const left = tree.left[node]!;
    if (left >= 0) {
      stack[top++] = left;
      stack[top++] = depth + 1;
      stack[top++] = tree.right[node]!;
      stack[top++] = depth + 1;
    }
  }
  return max;
}
