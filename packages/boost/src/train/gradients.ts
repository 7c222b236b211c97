/**
 * The logistic gradients of a round and the margin update of its leaves, in XGBoost's float32
 * arithmetic. Self-contained functions because worker threads receive their source text.
 * @module
 */

/**
 * Gradients of rows `[begin, end)` for binary:logistic, in XGBoost's float32 arithmetic:
 * `p = 1 / (expf(-margin) + 1)`, `g = (p - y) * w`, `h = max(p (1 - p), 1e-16) * w`, w multiplied by
 * `spw` when y = 1. `w` of length 0 means unit weights. When `gh` is not empty the pairs are also
 * stored there (the root's gradients by partition position when every row is in the tree).
 */
export function gradientRange(
  margin: Float32Array,
  y: Float32Array,
  w: Float32Array,
  spw: number,
  grad: Float32Array,
  hess: Float32Array,
  begin: number,
  end: number,
  gh: Float64Array,
): void {
  const fround = Math.fround;
  const eps = fround(1e-16);
  const unit = w.length === 0;
  const both = gh.length > 0;
  // expf through a table-and-polynomial exp in double (relative error < 3e-15, V8's Math.exp costs
  // about half the loop): its float32 rounding is taken only when everything within 1e-12 of it rounds
  // to the same float, so it equals fround(Math.exp(x)) exactly; otherwise Math.exp decides. The tables
  // are built per call because this function also runs as source text in the workers.
  const frac = new Float64Array(32);
  for (let j = 0; j < 32; j++) frac[j] = 2 ** (j / 32);
  const pow2 = new Float64Array(256);
  for (let m = 0; m < 256; m++) pow2[m] = 2 ** (m - 128);
  const inv = 32 / Math.LN2;
  // fdlibm's split of ln 2 (the high part has trailing zero bits, so k * hi is exact), over 32
  const ln2Hi = 0.6931471803691238 / 32;
  const ln2Lo = 1.9082149292705877e-10 / 32;
  const round = 6755399441055744; // 1.5 * 2^52: adding and subtracting it rounds to an integer
  for (let i = begin; i < end; i++) {
    const x = -(margin[i] as number);
    let e = -1; // exp is never negative: -1 marks "not decided"
    if (x >= -80 && x <= 80) {
      const k = (x * inv + round - round) | 0;
      const r = x - k * ln2Hi - k * ln2Lo;
      const q = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
      const v = (frac[k & 31] as number) * (pow2[(k >> 5) + 128] as number) * q;
      const a = fround(v * (1 + 1e-12));
      if (a === fround(v * (1 - 1e-12))) e = a;
    }
    if (e < 0) e = fround(Math.exp(x));
    const pr = fround(1 / fround(e + 1));
    const yi = y[i] as number;
    let wi = unit ? 1 : (w[i] as number);
    if (yi === 1) wi = fround(wi * spw);
    const g = fround(fround(pr - yi) * wi);
    const hh = fround(pr * fround(1 - pr));
    const h = fround(Math.max(hh, eps) * wi);
    grad[i] = g;
    hess[i] = h;
    if (both) {
      gh[2 * i] = g;
      gh[2 * i + 1] = h;
    }
  }
}

/**
 * {@link gradientRange} through the wasm kernel's `gr2` (same values) when `wasm` is given: every
 * array must then be in its memory and `tab` is the address of its exp table.
 */
export function gradientRangeWith(
  wasm: WasmGradientLike | null,
  tab: number,
  margin: Float32Array,
  y: Float32Array,
  w: Float32Array,
  spw: number,
  grad: Float32Array,
  hess: Float32Array,
  begin: number,
  end: number,
  gh: Float64Array,
): void {
  if (wasm === null) {
    gradientRange(margin, y, w, spw, grad, hess, begin, end, gh);
    return;
  }
  const wAddr = w.length === 0 ? 0 : w.byteOffset;
  const ghAddr = gh.length === 0 ? 0 : gh.byteOffset;
  wasm.gr2(
    margin.byteOffset,
    y.byteOffset,
    wAddr,
    spw,
    grad.byteOffset,
    hess.byteOffset,
    begin,
    end,
    ghAddr,
    tab,
  );
}

/** Adds leaf values to the margins of the leaves' rows (`desc`: begin, end, value per leaf); leaf k by thread k mod T. */
export function addLeafValues(
  rows: Int32Array,
  margin: Float32Array,
  desc: Float64Array,
  nLeaves: number,
  t: number,
  T: number,
): void {
  for (let k = t; k < nLeaves; k += T) {
    const e = desc[3 * k + 1] as number;
    const v = desc[3 * k + 2] as number;
    for (let q = desc[3 * k] as number; q < e; q++) {
      const r = rows[q] as number;
      margin[r] = (margin[r] as number) + v;
    }
  }
}

/** The wasm gradient export {@link gradientRangeWith} calls (see `wasm-kernel.ts`). */
interface WasmGradientLike {
  gr2(...args: number[]): void;
}
