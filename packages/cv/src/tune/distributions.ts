import { InvalidArgumentError } from '@leadscore/core';

/** The range a parameter was suggested from; part of each stored trial. */
export type Distribution =
  | {
      readonly type: 'float';
      readonly low: number;
      readonly high: number;
      readonly log: boolean;
      readonly step: number | null;
    }
  | { readonly type: 'int'; readonly low: number; readonly high: number; readonly log: boolean }
  | { readonly type: 'categorical'; readonly choices: readonly (string | number | boolean | null)[] };

/** Bounds in the sampler's internal space (log for log-scale; ints and steps widened by half a step). */
export function internalBounds(d: Exclude<Distribution, { type: 'categorical' }>): [number, number] {
  const half = d.type === 'int' ? 0.5 : d.step !== null ? d.step / 2 : 0;
  if (d.log) return [Math.log(d.low - half), Math.log(d.high + half)];
  return [d.low - half, d.high + half];
}

/** Maps a value to the internal space. */
export function toInternal(d: Exclude<Distribution, { type: 'categorical' }>, v: number): number {
  return d.log ? Math.log(v) : v;
}

/** Maps an internal value back to a valid parameter value (rounded to the int / step grid, clamped). */
export function fromInternal(d: Exclude<Distribution, { type: 'categorical' }>, x: number): number {
  let v = d.log ? Math.exp(x) : x;
  if (d.type === 'int') v = Math.round(v);
  else if (d.step !== null) v = d.low + Math.round((v - d.low) / d.step) * d.step;
  return Math.min(d.high, Math.max(d.low, v));
}

/**
 * The internal-space cell of grid value `v` of an int or stepped parameter (`[v - half, v + half]`
 * mapped through the log for log scales, clipped to the bounds), or null for a continuous one.
 */
export function gridCell(
  d: Exclude<Distribution, { type: 'categorical' }>,
  v: number,
): [number, number] | null {
  const half = d.type === 'int' ? 0.5 : d.step !== null ? d.step / 2 : null;
  if (half === null) return null;
  const [lo, hi] = internalBounds(d);
  return [Math.max(lo, toInternal(d, v - half)), Math.min(hi, toInternal(d, v + half))];
}

/** Same distribution (a stored trial's parameter is only reused by TPE if its range matches). */
export function sameDistribution(a: Distribution, b: Distribution): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Validates a numeric range, naming the parameter. */
export function checkRange(name: string, low: number, high: number, log: boolean, int: boolean): void {
  const bad = (why: string) =>
    new InvalidArgumentError(`${name}: ${why}, found low = ${low}, high = ${high}`, {
      details: { parameter: name, low, high },
    });
  if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) throw bad('needs finite low <= high');
  if (int && (!Number.isInteger(low) || !Number.isInteger(high)))
    throw bad('suggestInt needs integer bounds');
  if (log && low <= 0) throw bad('a log scale needs low > 0');
}
