/**
 * The row partition after a level's splits: every node's rows go stably to its children, on one thread
 * or in chunks over several. Self-contained functions because worker threads receive their source text.
 * @module
 */

/**
 * A copy of `claimChunk` of `split-search.ts`: the vitest transform rewrites imported names inside
 * these functions, whose source text the workers receive, so each file keeps the three lines itself.
 * Claims the next of `n` chunks, or returns -1 when none is left (`ctrl[base]` counts claims,
 * `ctrl[base + 1]` and `ctrl[base + 2]` are the front and back cursors). The main
 * thread (`front`) takes chunks from the start and the workers from the end, so with two threads
 * each keeps mostly the same features from one level to the next and their histograms stay in its
 * core's cache, while a thread that wakes late or runs slow still takes fewer.
 */
function claimChunk(ctrl: Int32Array, n: number, front: boolean, base = 3): number {
  if (Atomics.add(ctrl, base, 1) >= n) return -1;
  return front ? Atomics.add(ctrl, base + 1, 1) : n - 1 - Atomics.add(ctrl, base + 2, 1);
}

/**
 * Stable partition of several nodes' rows (missing values to the default side, else left iff bin <=
 * split bin). `desc` holds 8 ints per node: begin, end, feature, split bin, missing code, default left,
 * side to gather (0 left, 1 right, -1 none), and in entry j the index of the j-th node to process
 * (largest first). With `counter` null one thread processes them all; otherwise every thread takes the
 * next from `counter[3]` until none is left (each node's partition is independent and stable, so the
 * result does not depend on who took it). The gathered child's gradients are copied to `gh` by
 * partition position. Writes the left child's end to `out[k]`. `tmp` is scratch at the same positions
 * as `rows`.
 */
export function partitionNodes(
  codes: Uint8Array | Uint16Array,
  nRows: number,
  rows: Int32Array,
  tmp: Int32Array,
  gh: Float64Array,
  grad: Float32Array,
  hess: Float32Array,
  desc: Int32Array,
  nNodes: number,
  counter: Int32Array | null,
  out: Int32Array,
  wasm: WasmPartitionLike | null,
): void {
  for (let j = 0; ; j++) {
    if (counter !== null) j = Atomics.add(counter, 3, 1);
    if (j >= nNodes) break;
    const k = desc[8 * j + 7] as number;
    const b = desc[8 * k] as number;
    const e = desc[8 * k + 1] as number;
    const col = (desc[8 * k + 2] as number) * nRows;
    const s = desc[8 * k + 3] as number;
    const miss = desc[8 * k + 4] as number;
    const dl = desc[8 * k + 5] as number;
    if (wasm !== null) {
      // the node as one chunk: split into tmp, then copied back (and gathered) as partitionCopy does
      const side = desc[8 * k + 6] as number;
      const n = partitionChunkWasm(wasm, codes, rows, tmp, col, b, e, s, miss, dl);
      copyChunkWasm(wasm, rows, tmp, gh, grad, hess, b, e, n, b, b + n, side);
      out[k] = b + n;
      continue;
    }
    let nl = b;
    let nr = b;
    // branch-free: the side is unpredictable, so write both candidates and advance one cursor
    for (let q = b; q < e; q++) {
      const r = rows[q] as number;
      const c = codes[col + r] as number;
      const left = +(c <= s) | (+(c === miss) & dl);
      rows[nl] = r;
      tmp[nr] = r;
      nl += left;
      nr += 1 - left;
    }
    for (let q = b, d = nl; q < nr; q++, d++) rows[d] = tmp[q] as number;
    out[k] = nl;
    const side = desc[8 * k + 6] as number;
    if (side >= 0) {
      const g0 = side === 0 ? b : nl;
      const g1 = side === 0 ? nl : e;
      for (let q = g0; q < g1; q++) {
        const r = rows[q] as number;
        gh[2 * q] = grad[r] as number;
        gh[2 * q + 1] = hess[r] as number;
      }
    }
  }
}

/**
 * One chunk `[cb, ce)` split into `tmp` by the wasm kernel (left rows in order from `cb`, right rows
 * from `ce - 1` down, as {@link partitionChunks}); returns the left count.
 */
export function partitionChunkWasm(
  wasm: WasmPartitionLike,
  codes: Uint8Array | Uint16Array,
  rows: Int32Array,
  tmp: Int32Array,
  col: number,
  cb: number,
  ce: number,
  s: number,
  miss: number,
  dl: number,
): number {
  return codes instanceof Uint16Array
    ? wasm.pc16(rows.byteOffset, tmp.byteOffset, codes.byteOffset + 2 * col, cb, ce, s, miss, dl)
    : wasm.pc8(rows.byteOffset, tmp.byteOffset, codes.byteOffset + col, cb, ce, s, miss, dl);
}

/**
 * The copy back of one chunk `[cb, ce)` split by {@link partitionChunkWasm}: its `nl` left rows to
 * `rows` from `ld` on, its right rows (un-reversed) from `rd` on, gathering the gradient pairs of the
 * side `side` (0 left, 1 right, -1 none) into `gh` by partition position.
 */
export function copyChunkWasm(
  wasm: WasmPartitionLike,
  rows: Int32Array,
  tmp: Int32Array,
  gh: Float64Array,
  grad: Float32Array,
  hess: Float32Array,
  cb: number,
  ce: number,
  nl: number,
  ld: number,
  rd: number,
  side: number,
): void {
  const r = rows.byteOffset;
  const t = tmp.byteOffset;
  const g = gh.byteOffset;
  wasm.cp(r, t, g, grad.byteOffset, hess.byteOffset, cb, 1, nl, ld, side === 0 ? 1 : 0);
  wasm.cp(r, t, g, grad.byteOffset, hess.byteOffset, ce - 1, -1, ce - cb - nl, rd, side === 1 ? 1 : 0);
}

/**
 * First phase of the threaded partition: nodes are cut into chunks of rows (`chunks` holds 3 ints per
 * chunk: node index into `desc`, begin, end) claimed with {@link claimChunk}, from the same end of the
 * list as in {@link partitionCopy} (a chunk's `tmp` rows are then mostly copied by the thread that
 * wrote them). A chunk's left rows go, in order,
 * to the front of its own range of `tmp`, its right rows to the back in reverse order; `counts[c]`
 * receives its number of left rows. `desc` is laid out as for {@link partitionNodes}.
 */
export function partitionChunks(
  codes: Uint8Array | Uint16Array,
  nRows: number,
  rows: Int32Array,
  tmp: Int32Array,
  desc: Int32Array,
  chunks: Int32Array,
  nChunks: number,
  counter: Int32Array,
  front: boolean,
  counts: Int32Array,
  wasm: WasmPartitionLike | null,
): void {
  for (;;) {
    const c = claimChunk(counter, nChunks, front);
    if (c < 0) break;
    const k = chunks[3 * c] as number;
    const cb = chunks[3 * c + 1] as number;
    const ce = chunks[3 * c + 2] as number;
    const col = (desc[8 * k + 2] as number) * nRows;
    const s = desc[8 * k + 3] as number;
    const miss = desc[8 * k + 4] as number;
    const dl = desc[8 * k + 5] as number;
    if (wasm !== null) {
      counts[c] = partitionChunkWasm(wasm, codes, rows, tmp, col, cb, ce, s, miss, dl);
      continue;
    }
    let nl = cb;
    let nr = ce - 1;
    // branch-free: every write to the wrong side lands on a slot a later row of that side overwrites
    for (let q = cb; q < ce; q++) {
      const r = rows[q] as number;
      const cd = codes[col + r] as number;
      const left = +(cd <= s) | (+(cd === miss) & dl);
      tmp[nl] = r;
      tmp[nr] = r;
      nl += left;
      nr -= 1 - left;
    }
    counts[c] = nl - cb;
  }
}

/**
 * Second phase of the threaded partition: chunk c's left rows are copied to `rows` from
 * `dest[2c]` on and its right rows (un-reversed) from `dest[2c + 1]` on, which puts every node's rows
 * in the order of the one-pass stable partition; the rows of the side to gather get their gradients
 * in `gh` by partition position, as {@link partitionNodes} does.
 */
export function partitionCopy(
  rows: Int32Array,
  tmp: Int32Array,
  gh: Float64Array,
  grad: Float32Array,
  hess: Float32Array,
  desc: Int32Array,
  chunks: Int32Array,
  nChunks: number,
  counter: Int32Array,
  front: boolean,
  counts: Int32Array,
  dest: Int32Array,
  wasm: WasmPartitionLike | null,
  base = 3,
): void {
  for (;;) {
    const c = claimChunk(counter, nChunks, front, base);
    if (c < 0) break;
    const k = chunks[3 * c] as number;
    const cb = chunks[3 * c + 1] as number;
    const ce = chunks[3 * c + 2] as number;
    const nl = counts[c] as number;
    const side = desc[8 * k + 6] as number;
    const ld = dest[2 * c] as number;
    const rd = dest[2 * c + 1] as number;
    if (wasm !== null) {
      copyChunkWasm(wasm, rows, tmp, gh, grad, hess, cb, ce, nl, ld, rd, side);
      continue;
    }
    if (side === 0) {
      for (let i = 0; i < nl; i++) {
        const r = tmp[cb + i] as number;
        rows[ld + i] = r;
        gh[2 * (ld + i)] = grad[r] as number;
        gh[2 * (ld + i) + 1] = hess[r] as number;
      }
    } else for (let i = 0; i < nl; i++) rows[ld + i] = tmp[cb + i] as number;
    const nr = ce - cb - nl;
    if (side === 1) {
      for (let i = 0; i < nr; i++) {
        const r = tmp[ce - 1 - i] as number;
        rows[rd + i] = r;
        gh[2 * (rd + i)] = grad[r] as number;
        gh[2 * (rd + i) + 1] = hess[r] as number;
      }
    } else for (let i = 0; i < nr; i++) rows[rd + i] = tmp[ce - 1 - i] as number;
  }
}

/**
 * Between the two phases of the threaded partition: from every chunk's left count, where its left
 * and right rows go (`dest[2c]`, `dest[2c + 1]`; a node's chunks are consecutive, in row order) and,
 * when `out` is given, each node's left child end `out[k]`. Every thread computes the same.
 */
export function partitionDest(
  desc: Int32Array,
  chunks: Int32Array,
  nChunks: number,
  counts: Int32Array,
  dest: Int32Array,
  out: Int32Array | null,
): void {
  for (let c = 0; c < nChunks; ) {
    const k = chunks[3 * c] as number;
    let end = c;
    let left = 0;
    while (end < nChunks && chunks[3 * end] === k) left += counts[end++] as number;
    const b = desc[8 * k] as number;
    let l = b;
    let r = b + left;
    for (; c < end; c++) {
      dest[2 * c] = l;
      dest[2 * c + 1] = r;
      l += counts[c] as number;
      r += (chunks[3 * c + 2] as number) - (chunks[3 * c + 1] as number) - (counts[c] as number);
    }
    if (out !== null) out[k] = b + left;
  }
}

/**
 * The barrier between the partition's phases inside one task: each of `threads` threads arrives
 * (`ctrl[6]`), then waits for the others (spinning briefly, then sleeping). Returns false, without
 * waiting further, once a thread has flagged an error (`ctrl[2]`).
 */
export function partitionArrive(ctrl: Int32Array, threads: number): boolean {
  if (Atomics.add(ctrl, 6, 1) + 1 === threads) {
    Atomics.notify(ctrl, 6);
    return Atomics.load(ctrl, 2) === 0;
  }
  const t0 = performance.now();
  for (;;) {
    const v = Atomics.load(ctrl, 6);
    if (v >= threads) return Atomics.load(ctrl, 2) === 0;
    if (Atomics.load(ctrl, 2) !== 0) return false;
    if (performance.now() - t0 > 0.3) Atomics.wait(ctrl, 6, v, 1);
  }
}

/** The wasm partition kernels (see `wasm-kernel.ts`); every array must be in its memory. */
interface WasmPartitionLike {
  pc8(...args: number[]): number;
  pc16(...args: number[]): number;
  cp(...args: number[]): void;
}
