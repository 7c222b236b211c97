import { type Fold, type FoldList, parseWith } from '@leadscore/core';
import { z } from 'zod';
import { type Block, buildFold, readRowData } from './build-fold.js';
import { FoldError } from './fold-error.js';
import { DAY_MS } from './time-input.js';

/** Options of {@link combinatorialPurgedFolds}. Durations are whole days; intervals are half-open. */
export interface CombinatorialPurgedFoldsOptions {
  /** Equal-duration time blocks the data is cut into. @default 6 */
  nBlocks?: number;
  /** Blocks tested together in each split; there are C(nBlocks, nTestBlocks) splits. @default 2 */
  nTestBlocks?: number;
  /** Days before each test block whose rows may not train the split. @default 0 */
  gapDays?: number;
  /** Training rows whose label window `[t, t + horizon]` reaches a test block are purged. @default 30 */
  labelHorizonDays?: number;
  /** Days after each test block whose rows may not train the split. @default 0 */
  embargoDays?: number;
  /** Per-row entity: training rows whose group appears in the split's test blocks are excluded. @default none */
  groups?: ArrayLike<string | number>;
  /** Per-row 0/1 labels for positive counts and `minPositives`. @default none */
  labels?: ArrayLike<number>;
  /** Minimum positives over a split's test blocks (needs `labels`). @default 1 */
  minPositives?: number;
}

const int = (min: number) => z.number().int().min(min);
const optionsSchema = z
  .object({
    nBlocks: int(2).default(6),
    nTestBlocks: int(1).default(2),
    gapDays: int(0).default(0),
    labelHorizonDays: int(0).default(30),
    embargoDays: int(0).default(0),
    groups: z.any().optional(),
    labels: z.any().optional(),
    minPositives: int(0).default(1),
  })
  .strict();

function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const pick: number[] = [];
  const rec = (from: number) => {
    if (pick.length === k) {
      out.push([...pick]);
      return;
    }
    for (let i = from; i <= n - (k - pick.length); i++) {
      pick.push(i);
      rec(i + 1);
      pick.pop();
    }
  };
  rec(0);
  return out;
}

/**
 * Combinatorial purged cross-validation (de Prado, AFML ch. 12): the time span is cut into `nBlocks`
 * equal-duration blocks and every choice of `nTestBlocks` of them is a split, trained on the other
 * blocks minus purged, gap, embargoed and group-excluded rows. Training rows may follow a test block.
 * @example const folds = combinatorialPurgedFolds(times, { nBlocks: 6, nTestBlocks: 2, embargoDays: 14 });
 */
export function combinatorialPurgedFolds(
  times: ArrayLike<number> | readonly Date[],
  options: CombinatorialPurgedFoldsOptions = {},
): FoldList {
  const o = parseWith(optionsSchema, options, 'options');
  if (o.nTestBlocks >= o.nBlocks) {
    throw new FoldError(0, `options.nTestBlocks must be < nBlocks (${o.nBlocks}), found ${o.nTestBlocks}`);
  }
  const { rows, start, end, spanDays } = readRowData(times, o);
  const t = rows.times;
  const n = t.length;
  if (spanDays < o.nBlocks) {
    throw new FoldError(0, `the data spans ${spanDays} days, fewer than nBlocks = ${o.nBlocks}`);
  }
  // Whole-day block edges; the remainder days go to the first blocks so durations differ by at most a day.
  const edges: number[] = [start];
  const base = Math.floor(spanDays / o.nBlocks);
  const extra = spanDays - base * o.nBlocks;
  for (let b = 0; b < o.nBlocks; b++) edges.push(edges[b]! + (base + (b < extra ? 1 : 0)) * DAY_MS);
  const folds: Fold[] = combinations(o.nBlocks, o.nTestBlocks).map((pick, index) => {
    const tests: Block[] = pick.map((b) => ({ start: edges[b]!, end: edges[b + 1]! }));
    return buildFold(
      rows,
      {
        index,
        tests,
        trainFrom: start,
        trainTo: end,
        trainStartDay: start,
        trainEndDay: end,
        gapMs: o.gapDays * DAY_MS,
        horizonMs: o.labelHorizonDays * DAY_MS,
        embargoMs: o.embargoDays * DAY_MS,
        minPositives: o.minPositives,
      },
      DAY_MS,
    );
  });
  return {
    format: 'leadscore.folds',
    version: 1,
    method: 'combinatorial-purged',
    nRows: n,
    options: {
      nBlocks: o.nBlocks,
      nTestBlocks: o.nTestBlocks,
      gapDays: o.gapDays,
      labelHorizonDays: o.labelHorizonDays,
      embargoDays: o.embargoDays,
      minPositives: o.minPositives,
      groups: o.groups !== undefined,
      labels: o.labels !== undefined,
    },
    folds,
    holdout: null,
  };
}
