import { assertArg, assertInteger, assertKnownKeys } from '../internal/assert.js';
import { binIndex, quantileEdges } from './quantile.js';
import { checkFinite } from './validate.js';

/** Options of {@link psi} and {@link psiTable}. */
export interface PsiOptions {
  /**
   * Number of quantile bins of `expected`.
   * @default 10
   */
  nBins?: number | undefined;
  /**
   * Share substituted for an empty bin (in either population) so the logarithm stays finite.
   * @default 1e-4
   */
  epsilon?: number | undefined;
}

/** Per-bin detail of a population stability index, from {@link psiTable}. */
export interface PsiResult {
  /** The population stability index, the sum of `contributions`. */
  readonly psi: number;
  /** The `nBins + 1` quantile edges of `expected`; bins are right-closed, the outer ones unbounded. */
  readonly edges: number[];
  /** Share of `expected` per bin, before the epsilon substitution. */
  readonly expectedShare: number[];
  /** Share of `actual` per bin, before the epsilon substitution. */
  readonly actualShare: number[];
  /** Each bin's term `(a - e) * ln(a / e)`. */
  readonly contributions: number[];
}

/**
 * Population stability index with per-bin detail; see {@link psi} for the formula.
 * @example psiTable(trainScores, liveScores).contributions
 */
export function psiTable(
  expected: ArrayLike<number>,
  actual: ArrayLike<number>,
  options: PsiOptions = {},
): PsiResult {
  assertKnownKeys(options, ['nBins', 'epsilon'], 'options');
  checkFinite(expected, 'expected');
  checkFinite(actual, 'actual');
  const nBins = options.nBins ?? 10;
  const epsilon = options.epsilon ?? 1e-4;
  assertInteger(nBins, 'nBins', 1);
  assertArg(
    typeof epsilon === 'number' && epsilon > 0 && epsilon < 1,
    'epsilon',
    'a number in (0, 1)',
    epsilon,
  );
  const edges = quantileEdges(expected, nBins);
  const countE = new Float64Array(nBins);
  const countA = new Float64Array(nBins);
  for (let i = 0; i < expected.length; i++) countE[binIndex(edges, expected[i]!)]!++;
  for (let i = 0; i < actual.length; i++) countA[binIndex(edges, actual[i]!)]!++;
  const expectedShare: number[] = [];
  const actualShare: number[] = [];
  const contributions: number[] = [];
  let total = 0;
  for (let b = 0; b < nBins; b++) {
    const e = countE[b]! / expected.length;
    const a = countA[b]! / actual.length;
    expectedShare.push(e);
    actualShare.push(a);
    const e1 = e === 0 ? epsilon : e;
    const a1 = a === 0 ? epsilon : a;
    const term = (a1 - e1) * Math.log(a1 / e1);
    contributions.push(term);
    total += term;
  }
  return { psi: total, edges: Array.from(edges), expectedShare, actualShare, contributions };
}

/**
 * Population stability index of `actual` against `expected` (e.g. training scores vs this month's
 * scores): `PSI = sum_b (a_b - e_b) * ln(a_b / e_b)`, where `e_b` and `a_b` are the shares of each
 * population in bin b. Bins are the `nBins` quantile bins of `expected` (numpy linear percentiles,
 * right-closed, outer bins unbounded so out-of-range `actual` values land in the end bins); tied
 * `expected` values can leave bins empty. An empty share is replaced by `epsilon`. Rule of thumb:
 * < 0.1 stable, 0.1-0.25 moderate shift, > 0.25 major shift.
 * @example psi(trainScores, liveScores) // 0.03
 */
export function psi(
  expected: ArrayLike<number>,
  actual: ArrayLike<number>,
  options: PsiOptions = {},
): number {
  return psiTable(expected, actual, options).psi;
}
