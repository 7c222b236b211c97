import type { Fold } from '@leadscore/core';
import { FoldError } from './fold-error.js';
import { checkLength, DAY_MS, isoDay, readLabels, readTimes } from './time-input.js';

/** A half-open time interval `[start, end)` in epoch ms. */
export interface Block {
  readonly start: number;
  readonly end: number;
}

/** Everything needed to split the rows for one fold. */
export interface FoldPlan {
  readonly index: number;
  /** Test blocks, ascending and disjoint. */
  readonly tests: readonly Block[];
  /** Rows in `[trainFrom, trainTo)` outside every test block are training candidates. */
  readonly trainFrom: number;
  readonly trainTo: number;
  /** Inclusive first and last day of the training period, as reported. */
  readonly trainStartDay: number;
  readonly trainEndDay: number;
  readonly gapMs: number;
  readonly horizonMs: number;
  readonly embargoMs: number;
  readonly minPositives: number;
}

/** The per-row inputs shared by every fold. */
export interface RowData {
  readonly times: Float64Array;
  readonly labels: Uint8Array | null;
  readonly groups: ArrayLike<string | number> | undefined;
}

function inBlocks(t: number, tests: readonly Block[]): boolean {
  for (const b of tests) if (t >= b.start && t < b.end) return true;
  return false;
}

/**
 * Splits rows for one fold. A candidate training row is dropped, in this order and counted once, when it
 * lies in the gap before a test block, when its label window `[t, t + horizon]` reaches a test block
 * (purge), when it lies in the embargo after a test block, or when its group also appears in a test block.
 */
export function buildFold(rows: RowData, plan: FoldPlan, day: number): Fold {
  const { times, labels, groups } = rows;
  const { tests, gapMs, horizonMs, embargoMs } = plan;
  const n = times.length;
  const isTest = new Uint8Array(n);
  const test: number[] = [];
  let testPositives = 0;
  for (let i = 0; i < n; i++) {
    if (inBlocks(times[i]!, tests)) {
      isTest[i] = 1;
      test.push(i);
      if (labels !== null) testPositives += labels[i]!;
    }
  }
  let testGroups: Set<string | number> | null = null;
  if (groups !== undefined) {
    testGroups = new Set();
    for (const i of test) testGroups.add(groups[i]!);
  }
  const train: number[] = [];
  let trainPositives = 0;
  let gap = 0;
  let purged = 0;
  let embargoed = 0;
  let groupExcluded = 0;
  for (let i = 0; i < n; i++) {
    const t = times[i]!;
    if (isTest[i] === 1 || t < plan.trainFrom || t >= plan.trainTo) continue;
    let inGap = false;
    let inPurge = false;
    let inEmbargo = false;
    for (const b of tests) {
      if (t < b.start) {
        if (t >= b.start - gapMs) inGap = true;
        else if (t + horizonMs >= b.start) inPurge = true;
      } else if (t < b.end + embargoMs) inEmbargo = true;
    }
    if (inGap) gap++;
    else if (inPurge) purged++;
    else if (inEmbargo) embargoed++;
    else if (testGroups?.has(groups![i]!)) groupExcluded++;
    else {
      train.push(i);
      if (labels !== null) trainPositives += labels[i]!;
    }
  }
  const first = tests[0]!;
  const last = tests[tests.length - 1]!;
  const where = `test block [${isoDay(first.start)}, ${isoDay(last.end)})`;
  if (test.length === 0) {
    throw new FoldError(plan.index, `${where} has no rows; use fewer folds or longer testDays`, {
      testStart: first.start,
      testEnd: last.end,
    });
  }
  if (train.length === 0) {
    throw new FoldError(
      plan.index,
      `has no training rows before ${where} (${gap} in the gap, ${purged} purged, ${embargoed} embargoed, ${groupExcluded} group-excluded)`,
    );
  }
  if (labels !== null && testPositives < plan.minPositives) {
    throw new FoldError(
      plan.index,
      `${where} has ${testPositives} positives, needs minPositives = ${plan.minPositives}`,
      { testPositives },
    );
  }
  if (labels !== null && trainPositives === 0) {
    throw new FoldError(plan.index, `training rows before ${where} have no positives`);
  }
  return {
    index: plan.index,
    train,
    test,
    trainStart: isoDay(plan.trainStartDay),
    trainEnd: isoDay(plan.trainEndDay - day),
    testStart: isoDay(first.start),
    testEnd: isoDay(last.end - day),
    counts: {
      train: train.length,
      test: test.length,
      trainPositives,
      testPositives,
      gap,
      purged,
      embargoed,
      groupExcluded,
    },
  };
}

/** The rows' times, labels and groups, and the whole-UTC-day span `[start, end)` that holds every time. */
export function readRowData(
  times: ArrayLike<number> | readonly Date[],
  o: {
    readonly labels?: ArrayLike<number> | undefined;
    readonly groups?: ArrayLike<string | number> | undefined;
  },
): { rows: RowData; start: number; end: number; spanDays: number } {
  const t = readTimes(times);
  const n = t.length;
  if (n === 0) throw new FoldError(0, 'times is empty');
  checkLength(o.groups, n, 'options.groups');
  checkLength(o.labels, n, 'options.labels');
  const rows: RowData = {
    times: t,
    labels: o.labels === undefined ? null : readLabels(o.labels, 'options.labels'),
    groups: o.groups,
  };
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (t[i]! < lo) lo = t[i]!;
    if (t[i]! > hi) hi = t[i]!;
  }
  const start = Math.floor(lo / DAY_MS) * DAY_MS;
  const end = (Math.floor(hi / DAY_MS) + 1) * DAY_MS;
  return { rows, start, end, spanDays: (end - start) / DAY_MS };
}
