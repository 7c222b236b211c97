import { type Fold, type FoldList, parseWith } from '@leadscore/core';
import { z } from 'zod';
import { buildFold, type FoldPlan, readRowData } from './build-fold.js';
import { FoldError } from './fold-error.js';
import { DAY_MS } from './time-input.js';

/** Options of {@link temporalFolds}. Durations are whole days; every interval is half-open `[start, end)`. */
export interface TemporalFoldsOptions {
  /** Number of folds (test blocks), the last ones in time. @default 5 */
  nFolds?: number;
  /** Days between the end of a fold's training period and its test block; rows there are counted, not used. @default 30 */
  gapDays?: number;
  /** `'expanding'`: train from the first day; `'rolling'`: train on the `trainDays` before the gap. @default 'expanding' */
  window?: 'expanding' | 'rolling';
  /** Length of every test block. @default floor((span - gapDays - holdoutDays) / (nFolds + 1)) days */
  testDays?: number;
  /** Length of a rolling training window. @default the first fold's training period, so all folds train on equal durations */
  trainDays?: number;
  /** A row's label is known `labelHorizonDays` after its time: training rows with `t + horizon >= testStart` are purged. @default 30 */
  labelHorizonDays?: number;
  /** Days after a test block whose rows may not train that fold (only bites when training follows the test block). @default 0 */
  embargoDays?: number;
  /** Per-row entity (firm, lead): a training row whose group appears in the test block is excluded. @default none */
  groups?: ArrayLike<string | number>;
  /** Per-row 0/1 labels: positives are counted and `minPositives` enforced. @default none */
  labels?: ArrayLike<number>;
  /** Minimum positives in each test block (needs `labels`). @default 1 */
  minPositives?: number;
  /** A final block of this many days kept out of every fold, returned as `holdout`. @default 0 (none) */
  holdoutDays?: number;
}

const days = (min: number) => z.number().int().min(min);
const optionsSchema = z
  .object({
    nFolds: days(1).default(5),
    gapDays: days(0).default(30),
    window: z.enum(['expanding', 'rolling']).default('expanding'),
    testDays: days(1).optional(),
    trainDays: days(1).optional(),
    labelHorizonDays: days(0).default(30),
    embargoDays: days(0).default(0),
    groups: z.any().optional(),
    labels: z.any().optional(),
    minPositives: days(0).default(1),
    holdoutDays: days(0).default(0),
  })
  .strict();

/**
 * Walk-forward folds from time, not row counts: the last `nFolds` equal-duration test blocks, each
 * trained on the rows before it minus the gap, purged rows, embargo and group exclusions (sklego
 * `TimeGapSplit` semantics, day-aligned in UTC). Times may be in any order; indices refer to the input.
 * @example const folds = temporalFolds(leads.map((l) => l.contactedAt), { nFolds: 5, gapDays: 30, labels });
 */
export function temporalFolds(
  times: ArrayLike<number> | readonly Date[],
  options: TemporalFoldsOptions = {},
): FoldList {
  const o = parseWith(optionsSchema, options, 'options');
  const { rows, start, end, spanDays } = readRowData(times, o);
  const t = rows.times;
  const n = t.length;
  const cvEnd = end - o.holdoutDays * DAY_MS;
  const cvDays = spanDays - o.holdoutDays;
  const testDays = o.testDays ?? Math.floor((cvDays - o.gapDays) / (o.nFolds + 1));
  const firstTrainDays = cvDays - o.nFolds * testDays - o.gapDays;
  if (testDays < 1 || firstTrainDays < 1) {
    throw new FoldError(
      0,
      `the data spans ${spanDays} days, too short for ${o.nFolds} test blocks of ${testDays} days after a ${o.gapDays}-day gap` +
        (o.holdoutDays > 0 ? ` and a ${o.holdoutDays}-day holdout` : '') +
        ' with at least one day of training',
      { spanDays, testDays },
    );
  }
  const trainDays = o.trainDays ?? firstTrainDays;
  const plan = (index: number, testStart: number, testEnd: number): FoldPlan => {
    const trainTo = testStart - o.gapDays * DAY_MS;
    const trainFrom = o.window === 'expanding' ? start : Math.max(start, trainTo - trainDays * DAY_MS);
    return {
      index,
      tests: [{ start: testStart, end: testEnd }],
      trainFrom,
      trainTo: testStart,
      trainStartDay: trainFrom,
      trainEndDay: trainTo,
      gapMs: o.gapDays * DAY_MS,
      horizonMs: o.labelHorizonDays * DAY_MS,
      embargoMs: o.embargoDays * DAY_MS,
      minPositives: o.minPositives,
    };
  };
  const folds: Fold[] = [];
  for (let k = 0; k < o.nFolds; k++) {
    const s = cvEnd - (o.nFolds - k) * testDays * DAY_MS;
    folds.push(buildFold(rows, plan(k, s, s + testDays * DAY_MS), DAY_MS));
  }
  let holdout: Fold | null = null;
  if (o.holdoutDays > 0) {
    const p = { ...plan(o.nFolds, cvEnd, end), index: o.nFolds };
    try {
      holdout = buildFold(rows, p, DAY_MS);
    } catch (e) {
      if (!(e instanceof FoldError)) throw e;
      throw new FoldError(-1, e.message.replace(/^fold \d+: /, ''), { ...e.details, fold: -1 });
    }
  }
  return {
    format: 'leadscore.folds',
    version: 1,
    method: 'temporal',
    nRows: n,
    options: {
      nFolds: o.nFolds,
      gapDays: o.gapDays,
      window: o.window,
      testDays,
      trainDays: o.window === 'rolling' ? trainDays : null,
      labelHorizonDays: o.labelHorizonDays,
      embargoDays: o.embargoDays,
      minPositives: o.minPositives,
      holdoutDays: o.holdoutDays,
      groups: o.groups !== undefined,
      labels: o.labels !== undefined,
    },
    folds,
    holdout,
  };
}
