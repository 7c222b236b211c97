/**
 * The histogram-building kernel. It is self-contained (no imports, no closure) because worker threads
 * receive its source text: the same function runs in every thread, so a feature's histogram is summed in
 * the same order whatever the thread count.
 * @module
 */

/**
 * Builds the gradient/hessian histograms of `nodes` for features `features[fBegin..fEnd)`.
 * `nodes` holds 5 ints per node: partition begin, end, pool chunk, slot base (in doubles), contiguous
 * (1 when `rows[begin..end)` is `begin..end - 1`, i.e. the unsampled root). `gh` is indexed by partition
 * position (`gh[2p]` gradient, `gh[2p + 1]` hessian). Each feature f owns `nbins[f] + 1` interleaved
 * (g, h) slots starting at `slotPtr[f]`; the last one collects missing values.
 */
export function buildHistograms(
  codes: Uint8Array | Uint16Array,
  nRows: number,
  rows: Int32Array,
  gh: Float64Array,
  nodes: Int32Array,
  nNodes: number,
  chunks: Float64Array[],
  features: Int32Array,
  fBegin: number,
  fEnd: number,
  slotPtr: Int32Array,
): void {
  for (let k = 0; k < nNodes; k++) {
    const begin = nodes[5 * k] as number;
    const end = nodes[5 * k + 1] as number;
    const hist = chunks[nodes[5 * k + 2] as number] as Float64Array;
    const base = nodes[5 * k + 3] as number;
    const contiguous = nodes[5 * k + 4] === 1;
    for (let fi = fBegin; fi < fEnd; fi++) {
      const f = features[fi] as number;
      const s0 = base + 2 * (slotPtr[f] as number);
      const s1 = base + 2 * (slotPtr[f + 1] as number);
      hist.fill(0, s0, s1);
      const col = f * nRows;
      if (contiguous) {
        const colBase = col;
        let p = begin;
        const end4 = begin + ((end - begin) & ~3);
        for (; p < end4; p += 4) {
          const b0 = s0 + 2 * (codes[colBase + p] as number);
          const b1 = s0 + 2 * (codes[colBase + p + 1] as number);
          const b2 = s0 + 2 * (codes[colBase + p + 2] as number);
          const b3 = s0 + 2 * (codes[colBase + p + 3] as number);
          const q = 2 * p;
          hist[b0] = (hist[b0] as number) + (gh[q] as number);
          hist[b0 + 1] = (hist[b0 + 1] as number) + (gh[q + 1] as number);
          hist[b1] = (hist[b1] as number) + (gh[q + 2] as number);
          hist[b1 + 1] = (hist[b1 + 1] as number) + (gh[q + 3] as number);
          hist[b2] = (hist[b2] as number) + (gh[q + 4] as number);
          hist[b2 + 1] = (hist[b2 + 1] as number) + (gh[q + 5] as number);
          hist[b3] = (hist[b3] as number) + (gh[q + 6] as number);
          hist[b3 + 1] = (hist[b3 + 1] as number) + (gh[q + 7] as number);
        }
        for (; p < end; p++) {
          const b = s0 + 2 * (codes[colBase + p] as number);
          hist[b] = (hist[b] as number) + (gh[2 * p] as number);
          hist[b + 1] = (hist[b + 1] as number) + (gh[2 * p + 1] as number);
        }
      } else {
        let p = begin;
        const end4 = begin + ((end - begin) & ~3);
        for (; p < end4; p += 4) {
          const b0 = s0 + 2 * (codes[col + (rows[p] as number)] as number);
          const b1 = s0 + 2 * (codes[col + (rows[p + 1] as number)] as number);
          const b2 = s0 + 2 * (codes[col + (rows[p + 2] as number)] as number);
          const b3 = s0 + 2 * (codes[col + (rows[p + 3] as number)] as number);
          const q = 2 * p;
          hist[b0] = (hist[b0] as number) + (gh[q] as number);
          hist[b0 + 1] = (hist[b0 + 1] as number) + (gh[q + 1] as number);
          hist[b1] = (hist[b1] as number) + (gh[q + 2] as number);
          hist[b1 + 1] = (hist[b1 + 1] as number) + (gh[q + 3] as number);
          hist[b2] = (hist[b2] as number) + (gh[q + 4] as number);
          hist[b2 + 1] = (hist[b2 + 1] as number) + (gh[q + 5] as number);
          hist[b3] = (hist[b3] as number) + (gh[q + 6] as number);
          hist[b3 + 1] = (hist[b3 + 1] as number) + (gh[q + 7] as number);
        }
        for (; p < end; p++) {
          const b = s0 + 2 * (codes[col + (rows[p] as number)] as number);
          hist[b] = (hist[b] as number) + (gh[2 * p] as number);
          hist[b + 1] = (hist[b + 1] as number) + (gh[2 * p + 1] as number);
        }
      }
    }
  }
}
