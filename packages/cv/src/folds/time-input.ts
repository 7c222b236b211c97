import { DataError, formatValue, InvalidArgumentError } from '@leadscore/core';

/** One day in epoch milliseconds; fold boundaries fall on whole UTC days. */
export const DAY_MS = 86_400_000;

/** Reads `times` (epoch ms or Dates) into a Float64Array, refusing NaN or infinite entries by index. */
export function readTimes(times: ArrayLike<number> | readonly Date[], name = 'times'): Float64Array {
  if (times === null || typeof times !== 'object' || typeof times.length !== 'number') {
    throw new InvalidArgumentError(
      `${name} must be an array of epoch milliseconds or Dates, found ${formatValue(times)}`,
      {
        details: { parameter: name, value: times },
      },
    );
  }
  const n = times.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = times[i] as unknown;
    const t = v instanceof Date ? v.getTime() : v;
    if (typeof t !== 'number' || !Number.isFinite(t)) {
      throw new DataError(`${name}[${i}] must be a valid time (epoch ms or Date), found ${formatValue(v)}`, {
        details: { parameter: name, index: i, value: v },
      });
    }
    out[i] = t;
  }
  return out;
}

/** Checks an optional per-row array has one entry per time. */
export function checkLength(values: ArrayLike<unknown> | undefined, n: number, name: string): void {
  if (values === undefined) return;
  if (values === null || typeof values !== 'object' || values.length !== n) {
    throw new InvalidArgumentError(
      `${name} must have one entry per row (${n}), found ${formatValue(values === null ? null : (values as ArrayLike<unknown>)?.length)}`,
      { details: { parameter: name } },
    );
  }
}

/** Reads 0/1 labels, refusing anything else by index. */
export function readLabels(labels: ArrayLike<number>, name = 'labels'): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) {
      throw new DataError(`${name}[${i}] must be 0 or 1, found ${formatValue(y)}`, {
        details: { parameter: name, index: i, value: y },
      });
    }
    out[i] = y;
  }
  return out;
}

/** `YYYY-MM-DD` of a day boundary (UTC). */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
