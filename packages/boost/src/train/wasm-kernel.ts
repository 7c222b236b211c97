/**
 * Two hand-assembled WebAssembly kernels in one module:
 * - the histogram scatter-add (SIMD `f64x2.add` on the interleaved (g, h) pair, no bounds checks), about
 *   twice as fast as the best JavaScript loop. The additions happen in the same order as the JavaScript
 *   kernel, so both give bit-identical histograms. Exports `b1u8`, `b1u16` (one feature), `b4u8`, `b4u16`
 *   and `b8u8`, `b8u16` (four or eight features per pass, sharing the row index and gradient loads) with
 *   byte addresses: `(rows, gh, begin, end, col..., hist...)`, `col` = start of the feature's code column,
 *   `hist` = start of its (g, h) slots; rows are i32, gh f64 pairs, codes u8 or u16.
 * - `ev`, the split search of one feature (see {@link splitKernelBody}): the forward and backward scans
 *   of the plain-case `evaluatePlain` with the same operations in the same order, so the same result.
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

/** Body of a kernel over `k` features (params: rows, gh, begin, end, col x k, hist x k). */
function kernelBody(k: number, wide: boolean): number[] {
  const P = 4 + 2 * k;
  const p = P;
  const r = P + 1;
  const addr = P + 2;
  const v = P + 3;
  const get = (i: number): number[] => [0x20, ...uleb(i)];
  const set = (i: number): number[] => [0x21, ...uleb(i)];
  const tee = (i: number): number[] => [0x22, ...uleb(i)];
  const c32 = (x: number): number[] => [0x41, ...uleb(x)];
  const code: number[] = [
    ...vec([
      [3, I32],
      [1, V128],
    ]),
    ...get(2),
    ...set(p),
    0x02,
    0x40, // block
    ...get(p),
    ...get(3),
    0x4f,
    0x0d,
    0, // br_if p >= end
    0x03,
    0x40, // loop
    // r = rows[p]
    ...get(0),
    ...get(p),
    ...c32(2),
    0x74,
    0x6a,
    0x28,
    2,
    0,
    ...set(r),
    // v = gh pair at p
    ...get(1),
    ...get(p),
    ...c32(4),
    0x74,
    0x6a,
    0xfd,
    0x00,
    3,
    0,
    ...set(v),
  ];
  for (let j = 0; j < k; j++) {
    code.push(
      // addr = hist_j + (code << 4)
      ...get(4 + k + j),
      ...get(4 + j),
      ...get(r),
      ...(wide ? [...c32(1), 0x74] : []),
      0x6a,
      ...(wide ? [0x2f, 1, 0] : [0x2d, 0, 0]),
      ...c32(4),
      0x74,
      0x6a,
      ...tee(addr),
      ...get(addr),
      0xfd,
      0x00,
      3,
      0, // v128.load
      ...get(v),
      0xfd,
      0xf0,
      0x01, // f64x2.add
      0xfd,
      0x0b,
      3,
      0, // v128.store
    );
  }
  code.push(
    ...get(p),
    ...c32(1),
    0x6a,
    ...tee(p),
    ...get(3),
    0x49,
    0x0d,
    0, // br_if p < end
    0x0b,
    0x0b,
    0x0b,
  );
  return code;
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
export function splitKernelBody(): number[] {
  const get = (i: number): number[] => [0x20, ...uleb(i)];
  const set = (i: number): number[] => [0x21, ...uleb(i)];
  const i32 = (x: number): number[] => [0x41, ...sleb(x)];
  const f64 = (x: number): number[] => [0x44, ...new Uint8Array(Float64Array.of(x).buffer)];
  const load = (offset: number): number[] => [0x2b, 3, offset];
  const store = (offset: number): number[] => [0x39, 3, offset];
  const ADD = 0xa0;
  const SUB = 0xa1;
  const MUL = 0xa2;
  const DIV = 0xa3;
  const MAX = 0xa5;
  const F_EQ = 0x61;
  const F_NE = 0x62;
  const F_LT = 0x63;
  const F_GT = 0x64;
  const AND = 0x71;
  const BLOCK = [0x02, 0x40];
  const LOOP = [0x03, 0x40];
  const IF = [0x04, 0x40];
  const END = 0x0b;
  const BR = 0x0c;
  const BR_IF = 0x0d;
  const fround = [0xb6, 0xbb];
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
    0x6a,
    ...set(E.addr),
    ...get(E.addr),
    ...load(0),
    ...set(E.hg),
    ...get(E.addr),
    ...load(8),
    ...set(E.hh),
  ];
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
    ...(forward ? i32(0) : [...get(E.nb), ...i32(1), 0x6b]),
    ...set(E.i),
    ...setScreen,
    ...BLOCK, // exit
    ...LOOP, // top
    ...(forward ? [...get(E.i), ...get(E.nb), 0x4e] : [...get(E.i), ...i32(0), 0x48]), // i >= nb | i < 0
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
    ...(forward ? i32(0) : [...get(E.nb), ...i32(1), 0x6b]),
    0x47, // i32.ne
    AND,
    BR_IF,
    0,
    ...get(E.aG),
    ...get(E.hg),
    ADD,
    ...set(E.aG),
    ...get(E.aH),
    ...get(E.hh),
    ADD,
    ...set(E.aH),
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
    ...(forward ? get(E.i) : [...get(E.i), ...i32(1), 0x6b]),
    ...set(E.locBin),
    ...get(E.aG),
    ...set(E.bG),
    ...get(E.aH),
    ...set(E.bH),
    END,
    END, // continue
    ...get(E.i),
    ...i32(forward ? 1 : -1),
    0x6a,
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
    ...get(E.i),
    ...i32(1),
    0x6a,
    ...set(E.i),
    ...BLOCK,
    ...LOOP,
    ...get(E.i),
    ...get(E.nb),
    0x4e,
    BR_IF,
    1,
    ...loadPair,
    ...get(E.aG),
    ...get(E.hg),
    ADD,
    ...set(E.aG),
    ...get(E.aH),
    ...get(E.hh),
    ADD,
    ...set(E.aH),
    ...get(E.i),
    ...i32(1),
    0x6a,
    ...set(E.i),
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
    0x0f, // return
    END,
    // SplitEntry::NeedReplace decides whether the forward result raises the best the backward screen uses
    ...get(E.locBin),
    ...i32(-2),
    0x47,
    ...get(E.low),
    0x04,
    I32, // if (result i32)
    ...get(E.locLoss),
    ...get(E.bestLoss),
    F_GT,
    0x05, // else
    ...get(E.bestLoss),
    ...get(E.locLoss),
    F_GT,
    0x45, // i32.eqz
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
  // ev(h, nb: i32, pG, pH, rootGain, mcw, lambda, bestLoss: f64, low, out: i32)
  types.push([0x60, ...vec([[I32], [I32], [F64], [F64], [F64], [F64], [F64], [F64], [I32], [I32]]), 0]);
  const limits = shared ? [0x03, ...uleb(minPages), ...uleb(maxPages)] : [0x00, ...uleb(minPages)];
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
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, ...limits]])),
    ...section(3, vec([...kinds.map(([, k]) => [k === 1 ? 0 : k === 4 ? 1 : 2]), [3]])),
    ...section(
      7,
      vec([...kinds.map(([n], i) => [...name(n), 0x00, i]), [...name('ev'), 0x00, kinds.length]]),
    ),
    ...section(
      10,
      vec(
        [...kinds.map(([, k, wide]) => kernelBody(k, wide)), splitKernelBody()].map((body) => [
          ...uleb(body.length),
          ...body,
        ]),
      ),
    ),
  ];
  return Uint8Array.from(bytes);
}

/** The kernel exports. */
export interface HistKernel {
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
  const instance = new api.Instance(module, { env: { mem: memory } });
  return instance.exports as unknown as HistKernel;
}
