/**
 * The hand-assembled WebAssembly kernels of training, in one module over one imported memory (byte
 * addresses everywhere). Each does the operations of a JavaScript twin (`hist-kernel.ts`,
 * `split-search.ts`, `row-partition.ts`, `gradients.ts`) in the same order, so both give bit-identical
 * results (tested kernel against kernel):
 * - `b1u8`, `b1u16`, `b4u8`, `b4u16`, `b8u8`, `b8u16`: the histogram scatter-add over 1, 4 or 8
 *   features per pass (SIMD `f64x2.add` on the interleaved (g, h) pair, sharing the row index and
 *   gradient loads): `(rows, gh, begin, end, col..., hist...)`, `col` = start of the feature's code
 *   column, `hist` = start of its (g, h) slots; rows are i32, gh f64 pairs, codes u8 or u16. About twice
 *   as fast as the best JavaScript loop. `sub`: the sibling histogram as parent minus built.
 * - `ev`: the split search of one feature (see `splitKernelBody`).
 * - `gr`, `gr2`: the logistic gradients, one or two rows per step (`gradientRange`); the module imports
 *   `Math.exp` as `env.exp` for the rare value the fast exp cannot round with certainty.
 * - `pc8`, `pc16`, `cp`: the two phases of the row partition (`partitionChunks`, `partitionCopy`).
 * @module
 */

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, bytes: number[]): number[] {
  return [id, ...uleb(bytes.length), ...bytes];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

// instruction helpers for the kernels below (opcodes from the WebAssembly core and SIMD specs)
const get = (i: number): number[] => [0x20, ...uleb(i)];
const set = (i: number): number[] => [0x21, ...uleb(i)];
const tee = (i: number): number[] => [0x22, ...uleb(i)];
const i32 = (x: number): number[] => [0x41, ...sleb(x)];
const f64 = (x: number): number[] => [0x44, ...new Uint8Array(Float64Array.of(x).buffer)];
/** f64.load / f64.store with a byte offset (< 128). */
const load = (offset: number): number[] => [0x2b, 3, offset];
const store = (offset: number): number[] => [0x39, 3, offset];
const F32_LOAD = [0x2a, 2, 0];
const F32_STORE = [0x38, 2, 0];
const V128_LOAD = [0xfd, 0x00, 3, 0];
const V128_STORE = [0xfd, 0x0b, 3, 0];
const F64X2_SUB = [0xfd, 0xf1, 0x01];
const ADD = 0xa0;
const SUB = 0xa1;
const MUL = 0xa2;
const DIV = 0xa3;
const MAX = 0xa5;
const NEG = 0x9a;
const F_EQ = 0x61;
const F_NE = 0x62;
const F_LT = 0x63;
const F_GT = 0x64;
const F_LE = 0x65;
const F_GE = 0x66;
const I_ADD = 0x6a;
const I_SUB = 0x6b;
const I_AND = 0x71;
const I_SHL = 0x74;
const I_SHR_S = 0x75;
const I_NE = 0x47;
const I_EQ = 0x46;
const I_EQZ = 0x45;
const I_OR = 0x72;
const I_SHR_U = 0x76;
const I_LT_S = 0x48;
const I_LT_U = 0x49;
const I_GT_S = 0x4a;
const I_LE_S = 0x4c;
const I_GE_S = 0x4e;
const I_GE_U = 0x4f;
const I32_LOAD8_U = [0x2d, 0, 0];
const I32_LOAD16_U = [0x2f, 1, 0];
const RETURN = 0x0f;
const AND = I_AND;
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const IF = [0x04, 0x40];
const ELSE = 0x05;
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const CALL = 0x10;
/** Math.fround: f32.demote_f64 then f64.promote_f32 (both round to nearest even, as JavaScript). */
const fround = [0xb6, 0xbb];
const F64_FROM_I32 = 0xb7;
const I32_FROM_F64 = 0xaa; // i32.trunc_f64_s
const F64_FROM_F32 = 0xbb;
const F32_FROM_F64 = 0xb6;

const I32_LOAD = [0x28, 2, 0];
const I32_STORE = [0x36, 2, 0];

/** A SIMD instruction (0xfd prefix). */
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];
/** v128.const with both f64 lanes = x. */
const f64x2 = (x: number): number[] => [0xfd, 0x0c, ...new Uint8Array(Float64Array.of(x, x).buffer)];
/** fround of both lanes: f32x4.demote_f64x2_zero, f64x2.promote_low_f32x4. */
const FROUND2 = [...simd(0x5e), ...simd(0x5f)];
const LOAD2_F32 = [...simd(0x5d, 2, 0), ...simd(0x5f)]; // two f32 as f64x2
const X2_ADD = simd(0xf0);
const F64X2_ADD = X2_ADD;
const X2_SUB = simd(0xf1);
const X2_MUL = simd(0xf2);
const X2_DIV = simd(0xf3);
const X2_MAX = simd(0xf5);
const X2_ALL = simd(0xc3); // i64x2.all_true

/** Body of a kernel over `k` features (params: rows, gh, begin, end, col x k, hist x k). */
function kernelBody(k: number, wide: boolean): number[] {
  const [rows, gh, begin, end] = [0, 1, 2, 3];
  const col = (j: number): number => 4 + j;
  const hist = (j: number): number => 4 + k + j;
  const [p, r, addr, v] = [4 + 2 * k, 5 + 2 * k, 6 + 2 * k, 7 + 2 * k];
  const code: number[] = [
    ...vec([
      [3, I32],
      [1, V128],
    ]),
    ...get(begin),
    ...set(p),
    ...BLOCK,
    ...get(p),
    ...get(end),
    I_GE_U,
    BR_IF,
    0,
    ...LOOP,
    // r = rows[p]
    ...get(rows),
    ...get(p),
    ...i32(2),
    I_SHL,
    I_ADD,
    ...I32_LOAD,
    ...set(r),
    // v = gh pair at p
    ...get(gh),
    ...get(p),
    ...i32(4),
    I_SHL,
    I_ADD,
    ...V128_LOAD,
    ...set(v),
  ];
  for (let j = 0; j < k; j++) {
    code.push(
      // addr = hist_j + (code << 4); hist pair at addr += v
      ...get(hist(j)),
      ...get(col(j)),
      ...get(r),
      ...(wide ? [...i32(1), I_SHL] : []),
      I_ADD,
      ...(wide ? I32_LOAD16_U : I32_LOAD8_U),
      ...i32(4),
      I_SHL,
      I_ADD,
      ...tee(addr),
      ...get(addr),
      ...V128_LOAD,
      ...get(v),
      ...F64X2_ADD,
      ...V128_STORE,
    );
  }
  code.push(...get(p), ...i32(1), I_ADD, ...tee(p), ...get(end), I_LT_U, BR_IF, 0, END, END, END);
  return code;
}

/** Parameters and locals of `ev`, by index. */
enum E {
  // params
  h = 0,
  nb,
  pG,
  pH,
  rootGain,
  mcw,
  lambda,
  bestLoss,
  low,
  out,
  // i32 locals
  i,
  locBin,
  addr,
  // f64 locals
  aG,
  aH,
  hg,
  hh,
  oH,
  oG,
  da,
  dn,
  ga,
  go,
  loss,
  locLoss,
  screen,
  bG,
  bH,
}

/**
 * Body of `ev(h, nb, pG, pH, rootGain, mcw, lambda, bestLoss, low, out)`: the split search of one
 * feature whose `nb` (g, h) bin pairs start at byte address `h`, given the node's sums and root gain
 * and the best loss so far (`low` = 1 when the best's feature index is <= this one, for the tie rule
 * that decides whether the forward result raises the best before the backward pass). Writes 8 doubles
 * at `out`: forward loss, bin (-2 = none), left G, left H; backward loss, bin (-3 = not run because the
 * feature has no missing values), right G, right H. Every operation is the one `evaluatePlain`'s
 * JavaScript loop performs, in the same order, with `fround` as `f32.demote_f64` + `f64.promote_f32`.
 */
function splitKernelBody(): number[] {
  const SCREEN = 1 - 1e-6;
  // screen = (max(locLoss, bestLoss) + rootGain) * (1 - 1e-6)
  const setScreen = [
    ...get(E.locLoss),
    ...get(E.bestLoss),
    MAX,
    ...get(E.rootGain),
    ADD,
    ...f64(SCREEN),
    MUL,
    ...set(E.screen),
  ];
  // addr = h + 16 i; hg, hh = the pair there
  const loadPair = [
    ...get(E.h),
    ...get(E.i),
    ...i32(4),
    0x74,
    I_ADD,
    ...set(E.addr),
    ...get(E.addr),
    ...load(0),
    ...set(E.hg),
    ...get(E.addr),
    ...load(8),
    ...set(E.hh),
  ];
  // aG += hg; aH += hh
  const accumulate = [
    ...get(E.aG),
    ...get(E.hg),
    ADD,
    ...set(E.aG),
    ...get(E.aH),
    ...get(E.hh),
    ADD,
    ...set(E.aH),
  ];
  const nextBin = [...get(E.i), ...i32(1), I_ADD, ...set(E.i)];
  /** One scan: forward (i up from 0, missing right) or backward (i down from nb - 1, missing left). */
  const scan = (forward: boolean): number[] => [
    ...f64(0),
    ...set(E.aG),
    ...f64(0),
    ...set(E.aH),
    ...f64(0),
    ...set(E.locLoss),
    ...i32(-2),
    ...set(E.locBin),
    ...(forward ? i32(0) : [...get(E.nb), ...i32(1), I_SUB]),
    ...set(E.i),
    ...setScreen,
    ...BLOCK, // exit
    ...LOOP, // top
    ...(forward ? [...get(E.i), ...get(E.nb), I_GE_S] : [...get(E.i), ...i32(0), I_LT_S]), // i >= nb | i < 0
    BR_IF,
    1,
    ...BLOCK, // continue
    ...loadPair,
    // an empty bin other than the first repeats the previous candidate
    ...get(E.hh),
    ...f64(0),
    F_EQ,
    ...get(E.hg),
    ...f64(0),
    F_EQ,
    AND,
    ...get(E.i),
    ...(forward ? i32(0) : [...get(E.nb), ...i32(1), I_SUB]),
    I_NE,
    AND,
    BR_IF,
    0,
    ...accumulate,
    ...get(E.pH),
    ...get(E.aH),
    SUB,
    ...set(E.oH),
    ...get(E.oH),
    ...get(E.mcw),
    F_LT,
    BR_IF,
    2, // break
    ...get(E.aH),
    ...get(E.mcw),
    F_LT,
    BR_IF,
    0,
    ...get(E.pG),
    ...get(E.aG),
    SUB,
    ...set(E.oG),
    // the screen, when both sides have hessian
    ...get(E.aH),
    ...f64(0),
    F_GT,
    ...get(E.oH),
    ...f64(0),
    F_GT,
    AND,
    ...IF,
    ...get(E.aH),
    ...get(E.lambda),
    ADD,
    ...set(E.da),
    ...get(E.oH),
    ...get(E.lambda),
    ADD,
    ...set(E.dn),
    ...get(E.aG),
    ...get(E.aG),
    MUL,
    ...get(E.dn),
    MUL,
    ...get(E.oG),
    ...get(E.oG),
    MUL,
    ...get(E.da),
    MUL,
    ADD,
    ...get(E.screen),
    ...get(E.da),
    MUL,
    ...get(E.dn),
    MUL,
    F_LT,
    BR_IF,
    1,
    END,
    // ga = aH > 0 ? fround(aG² / (aH + lambda)) : 0, go likewise
    ...f64(0),
    ...set(E.ga),
    ...get(E.aH),
    ...f64(0),
    F_GT,
    ...IF,
    ...get(E.aG),
    ...get(E.aG),
    MUL,
    ...get(E.aH),
    ...get(E.lambda),
    ADD,
    DIV,
    ...fround,
    ...set(E.ga),
    END,
    ...f64(0),
    ...set(E.go),
    ...get(E.oH),
    ...f64(0),
    F_GT,
    ...IF,
    ...get(E.oG),
    ...get(E.oG),
    MUL,
    ...get(E.oH),
    ...get(E.lambda),
    ADD,
    DIV,
    ...fround,
    ...set(E.go),
    END,
    // loss = fround(fround(ga + go) - rootGain), the backward pass adding go + ga
    ...(forward ? [...get(E.ga), ...get(E.go)] : [...get(E.go), ...get(E.ga)]),
    ADD,
    ...fround,
    ...get(E.rootGain),
    SUB,
    ...fround,
    ...set(E.loss),
    ...get(E.loss),
    ...get(E.locLoss),
    F_GT,
    ...get(E.loss),
    ...f64(Number.POSITIVE_INFINITY),
    F_NE,
    AND,
    ...IF,
    ...get(E.loss),
    ...set(E.locLoss),
    ...setScreen,
    ...(forward ? get(E.i) : [...get(E.i), ...i32(1), I_SUB]),
    ...set(E.locBin),
    ...get(E.aG),
    ...set(E.bG),
    ...get(E.aH),
    ...set(E.bH),
    END,
    END, // continue
    ...get(E.i),
    ...i32(forward ? 1 : -1),
    I_ADD,
    ...set(E.i),
    BR,
    0,
    END, // top
    END, // exit
  ];
  const result = (at: number): number[] => [
    ...get(E.out),
    ...get(E.locLoss),
    ...store(at),
    ...get(E.out),
    ...get(E.locBin),
    0xb7, // f64.convert_i32_s
    ...store(at + 8),
    ...get(E.out),
    ...get(E.bG),
    ...store(at + 16),
    ...get(E.out),
    ...get(E.bH),
    ...store(at + 24),
  ];
  return [
    ...vec([
      [3, I32],
      [15, F64],
    ]),
    ...scan(true),
    ...result(0),
    // finish the forward sum (XGBoost compares it with the parent's to detect missing values)
    ...nextBin,
    ...BLOCK,
    ...LOOP,
    ...get(E.i),
    ...get(E.nb),
    I_GE_S,
    BR_IF,
    1,
    ...loadPair,
    ...accumulate,
    ...nextBin,
    BR,
    0,
    END,
    END,
    ...get(E.aG),
    ...get(E.pG),
    F_EQ,
    ...get(E.aH),
    ...get(E.pH),
    F_EQ,
    AND,
    ...IF,
    ...get(E.out),
    ...f64(-3),
    ...store(40),
    RETURN,
    END,
    // SplitEntry::NeedReplace decides whether the forward result raises the best the backward screen uses
    ...get(E.locBin),
    ...i32(-2),
    I_NE,
    ...get(E.low),
    0x04,
    I32, // if (result i32)
    ...get(E.locLoss),
    ...get(E.bestLoss),
    F_GT,
    ELSE,
    ...get(E.bestLoss),
    ...get(E.locLoss),
    F_GT,
    I_EQZ,
    END,
    AND,
    ...IF,
    ...get(E.locLoss),
    ...set(E.bestLoss),
    END,
    ...scan(false),
    ...result(32),
    END,
  ];
}

/**
 * Body of `sub(dst, a, b, n)`: `n` (g, h) pairs `dst[j] = a[j] - b[j]` (the sibling histogram as parent
 * minus built), two doubles per SIMD subtraction: each lane rounds as the scalar subtraction does.
 */
function subtractBody(): number[] {
  const [dst, a, b, n] = [0, 1, 2, 3];
  const bump = (x: number): number[] => [...get(x), ...i32(16), I_ADD, ...set(x)];
  return [
    0,
    ...BLOCK,
    ...get(n),
    I_EQZ,
    BR_IF,
    0,
    ...LOOP,
    ...get(dst),
    ...get(a),
    ...V128_LOAD,
    ...get(b),
    ...V128_LOAD,
    ...F64X2_SUB,
    ...V128_STORE,
    ...bump(dst),
    ...bump(a),
    ...bump(b),
    ...get(n),
    ...i32(1),
    I_SUB,
    ...tee(n),
    BR_IF,
    0,
    END,
    END,
    END,
  ];
}

/**
 * The exp of `gradientRange` (`gradients.ts`, which keeps its own copy: it runs as source text in the
 * workers): x = k ln2 / 32 + r with k = round(32 x / ln2), ln 2 split fdlibm's way so k * hi is exact,
 * 1.5 * 2^52 for rounding to an integer.
 */
const EXP = {
  inv: 32 / Math.LN2,
  ln2Hi: 0.6931471803691238 / 32,
  ln2Lo: 1.9082149292705877e-10 / 32,
  round: 6755399441055744,
} as const;

/** Parameters and locals of `gr`, by index. */
enum G {
  margin = 0,
  y,
  w,
  spw,
  grad,
  hess,
  begin,
  end,
  gh,
  tab,
  // i32 locals
  i,
  k,
  o,
  // f64 locals
  x,
  e,
  r,
  q,
  v,
  a,
  pr,
  yi,
  wi,
  g,
  h,
}

/**
 * Body of `gr(margin, y, w, spw, grad, hess, begin, end, gh, tab)`: `gradientRange` of `gradients.ts`
 * with the same operations in the same order (byte addresses; `w` = 0 for unit weights, `gh` = 0 for no
 * pairs; `tab` holds {@link EXP_TABLE_DOUBLES} doubles: 2^(j/32) for j < 32, then 2^(m - 128) for
 * m < 256). The imported function 0 is `Math.exp`, for the rare value the fast path cannot decide.
 */
function gradientBody(): number[] {
  const at = (base: G): number[] => [...get(base), ...get(G.o), I_ADD];
  return [
    ...vec([
      [3, I32],
      [11, F64],
    ]),
    ...get(G.begin),
    ...set(G.i),
    ...BLOCK,
    ...LOOP,
    ...get(G.i),
    ...get(G.end),
    I_GE_S,
    BR_IF,
    1,
    ...get(G.i),
    ...i32(2),
    I_SHL,
    ...set(G.o),
    // x = -margin[i]; e = -1 (not decided)
    ...at(G.margin),
    ...F32_LOAD,
    F64_FROM_F32,
    NEG,
    ...set(G.x),
    ...f64(-1),
    ...set(G.e),
    ...get(G.x),
    ...f64(-80),
    F_GE,
    ...get(G.x),
    ...f64(80),
    F_LE,
    AND,
    ...IF,
    // k = (x * inv + round - round) | 0
    ...get(G.x),
    ...f64(EXP.inv),
    MUL,
    ...f64(EXP.round),
    ADD,
    ...f64(EXP.round),
    SUB,
    I32_FROM_F64,
    ...set(G.k),
    // r = x - k * ln2Hi - k * ln2Lo
    ...get(G.x),
    ...get(G.k),
    F64_FROM_I32,
    ...f64(EXP.ln2Hi),
    MUL,
    SUB,
    ...get(G.k),
    F64_FROM_I32,
    ...f64(EXP.ln2Lo),
    MUL,
    SUB,
    ...set(G.r),
    // q = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))))
    ...f64(1),
    ...get(G.r),
    ...f64(1),
    ...get(G.r),
    ...f64(0.5),
    ...get(G.r),
    ...f64(1 / 6),
    ...get(G.r),
    ...f64(1 / 24),
    ...get(G.r),
    ...f64(1 / 120),
    MUL,
    ADD,
    MUL,
    ADD,
    MUL,
    ADD,
    MUL,
    ADD,
    MUL,
    ADD,
    ...set(G.q),
    // v = frac[k & 31] * pow2[(k >> 5) + 128] * q
    ...get(G.tab),
    ...get(G.k),
    ...i32(31),
    I_AND,
    ...i32(3),
    I_SHL,
    I_ADD,
    ...load(0),
    ...get(G.tab),
    ...i32(8 * (32 + 128)),
    I_ADD,
    ...get(G.k),
    ...i32(5),
    I_SHR_S,
    ...i32(3),
    I_SHL,
    I_ADD,
    ...load(0),
    MUL,
    ...get(G.q),
    MUL,
    ...set(G.v),
    // a = fround(v * (1 + 1e-12)); taken when fround(v * (1 - 1e-12)) agrees
    ...get(G.v),
    ...f64(1 + 1e-12),
    MUL,
    ...fround,
    ...set(G.a),
    ...get(G.a),
    ...get(G.v),
    ...f64(1 - 1e-12),
    MUL,
    ...fround,
    F_EQ,
    ...IF,
    ...get(G.a),
    ...set(G.e),
    END,
    END,
    // if (e < 0) e = fround(Math.exp(x))
    ...get(G.e),
    ...f64(0),
    F_LT,
    ...IF,
    ...get(G.x),
    CALL,
    0,
    ...fround,
    ...set(G.e),
    END,
    // pr = fround(1 / fround(e + 1))
    ...f64(1),
    ...get(G.e),
    ...f64(1),
    ADD,
    ...fround,
    DIV,
    ...fround,
    ...set(G.pr),
    ...at(G.y),
    ...F32_LOAD,
    F64_FROM_F32,
    ...set(G.yi),
    ...f64(1),
    ...set(G.wi),
    ...get(G.w),
    ...IF,
    ...at(G.w),
    ...F32_LOAD,
    F64_FROM_F32,
    ...set(G.wi),
    END,
    ...get(G.yi),
    ...f64(1),
    F_EQ,
    ...IF,
    ...get(G.wi),
    ...get(G.spw),
    MUL,
    ...fround,
    ...set(G.wi),
    END,
    // g = fround(fround(pr - yi) * wi); h = fround(max(fround(pr * fround(1 - pr)), eps) * wi)
    ...get(G.pr),
    ...get(G.yi),
    SUB,
    ...fround,
    ...get(G.wi),
    MUL,
    ...fround,
    ...set(G.g),
    ...get(G.pr),
    ...f64(1),
    ...get(G.pr),
    SUB,
    ...fround,
    MUL,
    ...fround,
    ...f64(Math.fround(1e-16)),
    MAX,
    ...get(G.wi),
    MUL,
    ...fround,
    ...set(G.h),
    ...at(G.grad),
    ...get(G.g),
    F32_FROM_F64,
    ...F32_STORE,
    ...at(G.hess),
    ...get(G.h),
    F32_FROM_F64,
    ...F32_STORE,
    ...get(G.gh),
    ...IF,
    ...get(G.gh),
    ...get(G.i),
    ...i32(4),
    I_SHL,
    I_ADD,
    ...get(G.g),
    ...store(0),
    ...get(G.gh),
    ...get(G.i),
    ...i32(4),
    I_SHL,
    I_ADD,
    ...get(G.h),
    ...store(8),
    END,
    ...get(G.i),
    ...i32(1),
    I_ADD,
    ...set(G.i),
    BR,
    0,
    END,
    END,
    END,
  ];
}

/** Parameters and locals of `gr2` (parameters as `gr`). */
enum G2 {
  i = 10,
  o,
  k0,
  k1,
  x,
  kd,
  ki,
  r,
  q,
  v,
  a,
  pr,
  yi,
  wi,
  g,
  h,
}

/**
 * Body of `gr2`, `gr` on two rows at a time (f64x2 lanes: every lane operation rounds as the scalar one).
 * A pair outside the fast exp range or with an undecided rounding, and an odd last row, go through `gr`
 * (function `grIndex`).
 */
function gradientPairsBody(grIndex: number): number[] {
  const at = (base: G): number[] => [...get(base), ...get(G2.o), I_ADD];
  const scalar = (from: number[], to: number[]): number[] => [
    ...get(G.margin),
    ...get(G.y),
    ...get(G.w),
    ...get(G.spw),
    ...get(G.grad),
    ...get(G.hess),
    ...from,
    ...to,
    ...get(G.gh),
    ...get(G.tab),
    CALL,
    ...uleb(grIndex),
  ];
  const table = (k: G2, offset: number): number[] => [
    ...get(G.tab),
    ...(offset === 0 ? [] : [...i32(offset), I_ADD]),
    ...get(k),
    ...(offset === 0 ? [...i32(31), I_AND] : [...i32(5), I_SHR_S]),
    ...i32(3),
    I_SHL,
    I_ADD,
    ...load(0),
  ];
  const lanes = (offset: number): number[] => [
    ...table(G2.k0, offset),
    ...simd(0x14), // f64x2.splat
    ...table(G2.k1, offset),
    ...simd(0x22, 1), // f64x2.replace_lane 1
  ];
  const ghAt = (plus: number): number[] => [
    ...get(G.gh),
    ...get(G2.i),
    ...i32(4),
    I_SHL,
    I_ADD,
    ...(plus === 0 ? [] : [...i32(plus), I_ADD]),
  ];
  const shuffle = (lane: number): number[] => [
    0xfd,
    0x0d,
    ...Array.from({ length: 8 }, (_, j) => 8 * lane + j),
    ...Array.from({ length: 8 }, (_, j) => 16 + 8 * lane + j),
  ];
  return [
    ...vec([
      [4, I32],
      [12, V128],
    ]),
    ...get(G.begin),
    ...set(G2.i),
    ...BLOCK, // done
    ...LOOP, // top
    ...get(G2.i),
    ...i32(2),
    I_ADD,
    ...get(G.end),
    I_GT_S,
    BR_IF,
    1,
    ...get(G2.i),
    ...i32(2),
    I_SHL,
    ...set(G2.o),
    ...BLOCK, // next
    ...BLOCK, // scalar
    // x = -margin; both lanes within [-80, 80] or the pair goes scalar
    ...at(G.margin),
    ...LOAD2_F32,
    ...simd(0xed), // f64x2.neg
    ...set(G2.x),
    ...get(G2.x),
    ...f64x2(-80),
    ...simd(0x4c), // f64x2.ge
    ...get(G2.x),
    ...f64x2(80),
    ...simd(0x4b), // f64x2.le
    ...simd(0x4e), // v128.and
    ...X2_ALL,
    I_EQZ,
    BR_IF,
    0,
    // k = x * inv + round - round (integral), r = x - k ln2Hi - k ln2Lo
    ...get(G2.x),
    ...f64x2(EXP.inv),
    ...X2_MUL,
    ...f64x2(EXP.round),
    ...X2_ADD,
    ...f64x2(EXP.round),
    ...X2_SUB,
    ...set(G2.kd),
    ...get(G2.kd),
    ...simd(0xfc), // i32x4.trunc_sat_f64x2_s_zero
    ...set(G2.ki),
    ...get(G2.ki),
    ...simd(0x1b, 0), // i32x4.extract_lane 0
    ...set(G2.k0),
    ...get(G2.ki),
    ...simd(0x1b, 1),
    ...set(G2.k1),
    ...get(G2.x),
    ...get(G2.kd),
    ...f64x2(EXP.ln2Hi),
    ...X2_MUL,
    ...X2_SUB,
    ...get(G2.kd),
    ...f64x2(EXP.ln2Lo),
    ...X2_MUL,
    ...X2_SUB,
    ...set(G2.r),
    ...f64x2(1),
    ...get(G2.r),
    ...f64x2(1),
    ...get(G2.r),
    ...f64x2(0.5),
    ...get(G2.r),
    ...f64x2(1 / 6),
    ...get(G2.r),
    ...f64x2(1 / 24),
    ...get(G2.r),
    ...f64x2(1 / 120),
    ...X2_MUL,
    ...X2_ADD,
    ...X2_MUL,
    ...X2_ADD,
    ...X2_MUL,
    ...X2_ADD,
    ...X2_MUL,
    ...X2_ADD,
    ...X2_MUL,
    ...X2_ADD,
    ...set(G2.q),
    // v = frac[k & 31] * pow2[(k >> 5) + 128] * q
    ...lanes(0),
    ...lanes(8 * (32 + 128)),
    ...X2_MUL,
    ...get(G2.q),
    ...X2_MUL,
    ...set(G2.v),
    ...get(G2.v),
    ...f64x2(1 + 1e-12),
    ...X2_MUL,
    ...FROUND2,
    ...set(G2.a),
    ...get(G2.a),
    ...get(G2.v),
    ...f64x2(1 - 1e-12),
    ...X2_MUL,
    ...FROUND2,
    ...simd(0x47), // f64x2.eq
    ...X2_ALL,
    I_EQZ,
    BR_IF,
    0,
    // pr = fround(1 / fround(e + 1)) with e = a
    ...f64x2(1),
    ...get(G2.a),
    ...f64x2(1),
    ...X2_ADD,
    ...FROUND2,
    ...X2_DIV,
    ...FROUND2,
    ...set(G2.pr),
    ...at(G.y),
    ...LOAD2_F32,
    ...set(G2.yi),
    ...f64x2(1),
    ...set(G2.wi),
    ...get(G.w),
    ...IF,
    ...at(G.w),
    ...LOAD2_F32,
    ...set(G2.wi),
    END,
    // wi = yi === 1 ? fround(wi * spw) : wi
    ...get(G2.wi),
    ...get(G.spw),
    ...simd(0x14),
    ...X2_MUL,
    ...FROUND2,
    ...get(G2.wi),
    ...get(G2.yi),
    ...f64x2(1),
    ...simd(0x47),
    ...simd(0x52), // v128.bitselect
    ...set(G2.wi),
    ...get(G2.pr),
    ...get(G2.yi),
    ...X2_SUB,
    ...FROUND2,
    ...get(G2.wi),
    ...X2_MUL,
    ...FROUND2,
    ...set(G2.g),
    ...get(G2.pr),
    ...f64x2(1),
    ...get(G2.pr),
    ...X2_SUB,
    ...FROUND2,
    ...X2_MUL,
    ...FROUND2,
    ...f64x2(Math.fround(1e-16)),
    ...X2_MAX,
    ...get(G2.wi),
    ...X2_MUL,
    ...FROUND2,
    ...set(G2.h),
    ...at(G.grad),
    ...get(G2.g),
    ...simd(0x5e),
    ...simd(0x5b, 2, 0, 0), // v128.store64_lane 0
    ...at(G.hess),
    ...get(G2.h),
    ...simd(0x5e),
    ...simd(0x5b, 2, 0, 0),
    ...get(G.gh),
    ...IF,
    ...ghAt(0),
    ...get(G2.g),
    ...get(G2.h),
    ...shuffle(0),
    ...V128_STORE,
    ...ghAt(16),
    ...get(G2.g),
    ...get(G2.h),
    ...shuffle(1),
    ...V128_STORE,
    END,
    BR,
    1, // next
    END, // scalar
    ...scalar(get(G2.i), [...get(G2.i), ...i32(2), I_ADD]),
    END, // next
    ...get(G2.i),
    ...i32(2),
    I_ADD,
    ...set(G2.i),
    BR,
    0,
    END, // top
    END, // done
    ...get(G2.i),
    ...get(G.end),
    I_LT_S,
    ...IF,
    ...scalar(get(G2.i), get(G.end)),
    END,
    END,
  ];
}

/**
 * Body of `pc8` / `pc16(rows, tmp, col, cb, ce, s, miss, dl) -> left count`: `partitionChunks` on one
 * chunk `[cb, ce)` of `rows` (i32), the feature's code column at byte address `col` (u8 or u16): left
 * rows (code <= s, or code = miss when dl) go in order to `tmp[cb..]`, right rows to `tmp[..ce)` from
 * the back, branch-free as in JavaScript.
 */
function partitionBody(wide: boolean): number[] {
  const [rows, tmp, col, cb, ce, sBin, miss, dl] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [p, pend, pl, pr, r, left] = [8, 9, 10, 11, 12, 13];
  const byteAt = (base: number, index: number): number[] => [
    ...get(base),
    ...get(index),
    ...i32(2),
    I_SHL,
    I_ADD,
  ];
  return [
    ...vec([[6, I32]]),
    ...byteAt(rows, cb),
    ...set(p),
    ...byteAt(rows, ce),
    ...set(pend),
    ...byteAt(tmp, cb),
    ...set(pl),
    ...byteAt(tmp, ce),
    ...i32(4),
    I_SUB,
    ...set(pr),
    ...BLOCK,
    ...get(p),
    ...get(pend),
    I_GE_U,
    BR_IF,
    0,
    ...LOOP,
    ...get(p),
    ...I32_LOAD,
    ...set(r),
    // c = codes[col + r]
    ...get(col),
    ...get(r),
    ...(wide ? [...i32(1), I_SHL] : []),
    I_ADD,
    ...(wide ? I32_LOAD16_U : I32_LOAD8_U),
    ...tee(left),
    ...get(sBin),
    I_LE_S,
    ...get(left),
    ...get(miss),
    I_EQ,
    ...get(dl),
    I_AND,
    I_OR,
    ...set(left),
    ...get(pl),
    ...get(r),
    ...I32_STORE,
    ...get(pr),
    ...get(r),
    ...I32_STORE,
    ...get(pl),
    ...get(left),
    ...i32(2),
    I_SHL,
    I_ADD,
    ...set(pl),
    ...get(pr),
    ...i32(4),
    I_SUB,
    ...get(left),
    ...i32(2),
    I_SHL,
    I_ADD,
    ...set(pr),
    ...get(p),
    ...i32(4),
    I_ADD,
    ...tee(p),
    ...get(pend),
    I_LT_U,
    BR_IF,
    0,
    END,
    END,
    ...get(pl),
    ...byteAt(tmp, cb),
    I_SUB,
    ...i32(2),
    I_SHR_U,
    END,
  ];
}

/**
 * Body of `cp(rows, tmp, gh, grad, hess, src, step, n, dst, gather)`: `rows[dst + i] = tmp[src + step
 * i]` for i < n (step 1 or -1), and with `gather` the row's gradient and hessian (f32) stored as
 * doubles at `gh[2 (dst + i)]`, `gh[2 (dst + i) + 1]`: the copy of `partitionCopy`.
 */
function copyBody(): number[] {
  const [rows, tmp, gh, grad, hess, src, step, n, dst, gather] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [r, ps, pd, pg, ds] = [10, 11, 12, 13, 14];
  const bump = (x: number, by: number[]): number[] => [...get(x), ...by, I_ADD, ...set(x)];
  const countDown = [...get(n), ...i32(1), I_SUB, ...tee(n), BR_IF, 0];
  const gathered = (arr: number, offset: number): number[] => [
    ...get(pg),
    ...get(arr),
    ...get(r),
    ...i32(2),
    I_SHL,
    I_ADD,
    ...F32_LOAD,
    F64_FROM_F32,
    ...store(offset),
  ];
  return [
    ...vec([[5, I32]]),
    ...BLOCK,
    ...get(n),
    I_EQZ,
    BR_IF,
    0,
    ...get(tmp),
    ...get(src),
    ...i32(2),
    I_SHL,
    I_ADD,
    ...set(ps),
    ...get(step),
    ...i32(2),
    I_SHL,
    ...set(ds),
    ...get(rows),
    ...get(dst),
    ...i32(2),
    I_SHL,
    I_ADD,
    ...set(pd),
    ...get(gh),
    ...get(dst),
    ...i32(4),
    I_SHL,
    I_ADD,
    ...set(pg),
    ...get(gather),
    ...IF,
    ...LOOP,
    ...get(ps),
    ...I32_LOAD,
    ...set(r),
    ...get(pd),
    ...get(r),
    ...I32_STORE,
    ...gathered(grad, 0),
    ...gathered(hess, 8),
    ...bump(ps, get(ds)),
    ...bump(pd, i32(4)),
    ...bump(pg, i32(16)),
    ...countDown,
    END,
    ELSE,
    ...LOOP,
    ...get(pd),
    ...get(ps),
    ...I32_LOAD,
    ...I32_STORE,
    ...bump(ps, get(ds)),
    ...bump(pd, i32(4)),
    ...countDown,
    END,
    END,
    END,
    END,
  ];
}

/** Doubles of the table `gr` reads (see {@link expTable}). */
export const EXP_TABLE_DOUBLES = 32 + 256;

/** Writes the table `gr` reads at `tab`: 2^(j/32) for j < 32, then 2^(m - 128) for m < 256. */
export function expTable(out: Float64Array): void {
  for (let j = 0; j < 32; j++) out[j] = 2 ** (j / 32);
  for (let m = 0; m < 256; m++) out[32 + m] = 2 ** (m - 128);
}

/** The module bytes; `shared` imports a shared memory (for worker threads) of `maxPages` pages. */
export function histKernelBytes(shared: boolean, minPages: number, maxPages: number): Uint8Array {
  const kinds: [string, number, boolean][] = [
    ['b1u8', 1, false],
    ['b1u16', 1, true],
    ['b4u8', 4, false],
    ['b4u16', 4, true],
    ['b8u8', 8, false],
    ['b8u16', 8, true],
  ];
  const types = [1, 4, 8].map((k) => [0x60, ...vec(Array.from({ length: 4 + 2 * k }, () => [I32])), 0]);
  // 3: ev(h, nb: i32, pG, pH, rootGain, mcw, lambda, bestLoss: f64, low, out: i32)
  types.push([0x60, ...vec([[I32], [I32], [F64], [F64], [F64], [F64], [F64], [F64], [I32], [I32]]), 0]);
  // 4: exp(f64) -> f64 (imported); 5: sub(dst, a, b, n); 6: gr(margin, y, w: i32, spw: f64, grad .. tab: i32)
  types.push([0x60, 1, F64, 1, F64]);
  types.push([0x60, ...vec([[I32], [I32], [I32], [I32]]), 0]);
  types.push([0x60, ...vec([[I32], [I32], [I32], [F64], [I32], [I32], [I32], [I32], [I32], [I32]]), 0]);
  // 7: pc(rows, tmp, col, cb, ce, s, miss, dl) -> i32; 8: cp(rows, tmp, gh, grad, hess, src, step, n, dst, gather)
  types.push([0x60, ...vec(Array.from({ length: 8 }, () => [I32])), 1, I32]);
  types.push([0x60, ...vec(Array.from({ length: 10 }, () => [I32])), 0]);
  const funcs: [string, number, number[]][] = [
    ...kinds.map(([n, k, wide]): [string, number, number[]] => [
      n,
      k === 1 ? 0 : k === 4 ? 1 : 2,
      kernelBody(k, wide),
    ]),
    ['ev', 3, splitKernelBody()],
    ['sub', 5, subtractBody()],
    ['gr', 6, gradientBody()],
  ];
  // gr2 calls gr (function indices count the imported exp first)
  funcs.push(['gr2', 6, gradientPairsBody(funcs.length)]);
  funcs.push(['pc8', 7, partitionBody(false)], ['pc16', 7, partitionBody(true)], ['cp', 8, copyBody()]);
  const limits = shared ? [0x03, ...uleb(minPages), ...uleb(maxPages)] : [0x00, ...uleb(minPages)];
  const imports = [
    [...name('env'), ...name('mem'), 0x02, ...limits],
    [...name('env'), ...name('exp'), 0x00, 4],
  ];
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs.map(([, type]) => [type]))),
    // the imported exp is function 0
    ...section(7, vec(funcs.map(([n], i) => [...name(n), 0x00, i + 1]))),
    ...section(10, vec(funcs.map(([, , body]) => [...uleb(body.length), ...body]))),
  ];
  return Uint8Array.from(bytes);
}

/** The kernel exports. */
export interface HistKernel {
  pc8(
    rows: number,
    tmp: number,
    col: number,
    cb: number,
    ce: number,
    s: number,
    miss: number,
    dl: number,
  ): number;
  pc16(
    rows: number,
    tmp: number,
    col: number,
    cb: number,
    ce: number,
    s: number,
    miss: number,
    dl: number,
  ): number;
  cp(
    rows: number,
    tmp: number,
    gh: number,
    grad: number,
    hess: number,
    src: number,
    step: number,
    n: number,
    dst: number,
    gather: number,
  ): void;
  gr2(
    margin: number,
    y: number,
    w: number,
    spw: number,
    grad: number,
    hess: number,
    begin: number,
    end: number,
    gh: number,
    tab: number,
  ): void;
  sub(dst: number, a: number, b: number, n: number): void;
  gr(
    margin: number,
    y: number,
    w: number,
    spw: number,
    grad: number,
    hess: number,
    begin: number,
    end: number,
    gh: number,
    tab: number,
  ): void;
  ev(
    h: number,
    nb: number,
    pG: number,
    pH: number,
    rootGain: number,
    mcw: number,
    lambda: number,
    bestLoss: number,
    low: number,
    out: number,
  ): void;
  b8u8(...args: number[]): void;
  b8u16(...args: number[]): void;
  b1u8(rows: number, gh: number, begin: number, end: number, c0: number, h0: number): void;
  b1u16(rows: number, gh: number, begin: number, end: number, c0: number, h0: number): void;
  b4u8(
    rows: number,
    gh: number,
    begin: number,
    end: number,
    c0: number,
    c1: number,
    c2: number,
    c3: number,
    h0: number,
    h1: number,
    h2: number,
    h3: number,
  ): void;
  b4u16(
    rows: number,
    gh: number,
    begin: number,
    end: number,
    c0: number,
    c1: number,
    c2: number,
    c3: number,
    h0: number,
    h1: number,
    h2: number,
    h3: number,
  ): void;
}

/** A compiled module (opaque). */
export type WasmModule = object;

/** The part of `WebAssembly.Memory` used here. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

/** The part of the `WebAssembly` global used here (the project's TypeScript lib has no wasm types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/** The `WebAssembly` global, or null where there is none. */
export function wasmApi(): WasmApi | null {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly ?? null;
}

/** Instantiates the kernel on `memory` (synchronously: the module is small). */
export function instantiateKernel(api: WasmApi, module: WasmModule, memory: WasmMemory): HistKernel {
  const instance = new api.Instance(module, { env: { mem: memory, exp: Math.exp } });
  return instance.exports as unknown as HistKernel;
}
