/**
 * Reorders `a` in place so that `a[p]` holds the value a full ascending sort would put there, for every
 * `p` in `positions` (ascending, distinct): a multi-target 3-way quickselect, O(n log positions.length),
 * which is what lets quantiles and the k-th score avoid sorting 1e6 rows.
 */
export function selectInPlace(a: Float64Array, positions: ArrayLike<number>): void {
  // Pivots come from a fixed xorshift stream: median-of-3 at fixed positions degrades to quadratic on
  // presorted input once the 3-way swaps have reordered it. The selected values do not depend on it.
  let state = 0x9e3779b9;
  const pick = (lo: number, hi: number): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return a[lo + ((state >>> 0) % (hi - lo + 1))]!;
  };
  const visit = (lo: number, hi: number, from: number, to: number): void => {
    while (from < to && lo < hi) {
      const x = pick(lo, hi);
      const y = pick(lo, hi);
      const z = pick(lo, hi);
      const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
      // Dutch-flag split into < pivot, == pivot, > pivot keeps heavy ties linear.
      let lt = lo;
      let i = lo;
      let gt = hi;
      while (i <= gt) {
        const v = a[i]!;
        if (v < pivot) {
          a[i++] = a[lt]!;
          a[lt++] = v;
        } else if (v > pivot) {
          a[i] = a[gt]!;
          a[gt--] = v;
        } else {
          i++;
        }
      }
      let left = from;
      while (left < to && positions[left]! < lt) left++;
      let right = left;
      while (right < to && positions[right]! <= gt) right++;
      visit(lo, lt - 1, from, left);
      lo = gt + 1;
      from = right;
    }
  };
  visit(0, a.length - 1, 0, positions.length);
}
