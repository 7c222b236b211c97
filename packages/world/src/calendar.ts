import { assertArg } from '@leadscore/core/internal';

/** Milliseconds in one day. */
export const DAY_MS = 86_400_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a UTC calendar date. */
export function epochDay(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** 'YYYY-MM-DD' of an epoch day. */
export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Parses a quarter-end date ('YYYY-03-31', '-06-30', '-09-30' or '-12-31', or a Date at UTC midnight of
 * one) into an epoch day; throws an InvalidArgumentError naming `name` otherwise.
 */
export function parseQuarterEnd(value: unknown, name: string): number {
  let y = Number.NaN;
  let m = Number.NaN;
  let d = Number.NaN;
  if (typeof value === 'string') {
    const match = ISO_DATE.exec(value);
    if (match) {
      y = Number(match[1]);
      m = Number(match[2]);
      d = Number(match[3]);
    }
  } else if (value instanceof Date && !Number.isNaN(value.getTime())) {
    y = value.getUTCFullYear();
    m = value.getUTCMonth() + 1;
    d = value.getUTCDate();
    if (value.getTime() % DAY_MS !== 0) y = Number.NaN;
  }
  const ok =
    Number.isInteger(y) &&
    y >= 1970 &&
    y <= 2200 &&
    ((m === 3 && d === 31) || (m === 6 && d === 30) || (m === 9 && d === 30) || (m === 12 && d === 31));
  assertArg(ok, name, "a quarter-end date 'YYYY-MM-DD' (03-31, 06-30, 09-30 or 12-31)", value);
  return epochDay(y, m, d);
}

/** The epoch days of `count` consecutive quarter ends starting at `first` (itself a quarter end). */
export function quarterEnds(first: number, count: number): Int32Array {
  const out = new Int32Array(count);
  const start = new Date(first * DAY_MS);
  // Quarter ends are the last day of months 3, 6, 9, 12: day 0 of the following month.
  const firstMonth = start.getUTCMonth() + 1; // 0-based index of the month after the quarter end
  const year = start.getUTCFullYear();
  for (let q = 0; q < count; q++) {
    out[q] = Date.UTC(year, firstMonth + 3 * q, 0) / DAY_MS;
  }
  return out;
}
