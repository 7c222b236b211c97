/**
 * The seeded pseudo-random generator used by everything random in leadscore.
 * @module
 */
import { assertArg } from '../internal/assert.js';

/** A deterministic random source; same seed, same sequence on every platform. */
export interface Rng {
  /** The seed this generator was created with. */
  readonly seed: number;
  /** Uniform float in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Standard normal draw (Box-Muller, no cached spare, so draw order stays simple). */
  normal(mean?: number, sd?: number): number;
  /** True with probability p. */
  bernoulli(p: number): boolean;
  /** In-place Fisher-Yates shuffle of `array`; returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T;
  /** A new independent generator derived from this one's state and `stream`. */
  fork(stream: number): Rng;
}

function splitmix32(a: number): () => number {
  let s = a >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Creates a seeded generator (xoshiro128**, seeded through splitmix32).
 * @example const rng = createRng(42); rng.next();
 */
export function createRng(seed: number): Rng {
  assertArg(Number.isInteger(seed) && Number.isSafeInteger(seed), 'seed', 'a safe integer', seed);
  const sm = splitmix32((seed ^ Math.floor(seed / 0x100000000)) >>> 0);
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm();
  if ((a | b | c | d) === 0) a = 1;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    return result;
  };
  const next = (): number => {
    const hi = nextUint32() >>> 5;
    const lo = nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  };
  const rng: Rng = {
    seed,
    next,
    nextUint32,
    int(n) {
      assertArg(Number.isInteger(n) && n > 0 && n <= 2 ** 32, 'n', 'an integer in [1, 2^32]', n);
      return Math.floor(next() * n);
    },
    uniform(lo, hi) {
      return lo + (hi - lo) * next();
    },
    normal(mean = 0, sd = 1) {
      let u = next();
      while (u === 0) u = next();
      const v = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    bernoulli(p) {
      return next() < p;
    },
    shuffle(array) {
      for (let i = array.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = array[i];
        array[i] = array[j];
        array[j] = tmp;
      }
      return array;
    },
    fork(stream) {
      return createRng(((nextUint32() ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0) + 0);
    },
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
