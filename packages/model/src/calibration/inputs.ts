import { DataError, formatValue, InvalidArgumentError } from '@leadscore/core/errors';

/** Checks scores (finite), 0/1 labels and optional non-negative weights of equal length; returns n. */
export function checkCalibrationInputs(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
): number {
  const n = scores.length;
  if (n === 0) {
    throw new InvalidArgumentError('scores must hold at least one value, found 0', {
      details: { parameter: 'scores', value: 0 },
    });
  }
  if (labels.length !== n) {
    throw new InvalidArgumentError(`labels must have one entry per score (${n}), found ${labels.length}`, {
      details: { parameter: 'labels', expected: n, value: labels.length },
    });
  }
  if (weights !== undefined && weights.length !== n) {
    throw new InvalidArgumentError(`weights must have one entry per score (${n}), found ${weights.length}`, {
      details: { parameter: 'weights', expected: n, value: weights.length },
    });
  }
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (!Number.isFinite(s)) {
      throw new DataError(`scores[${i}] must be a finite number, found ${formatValue(s)}`, {
        details: { parameter: `scores[${i}]`, value: s },
      });
    }
    const y = labels[i]!;
    if (y !== 0 && y !== 1) {
      throw new DataError(`labels[${i}] must be 0 or 1, found ${formatValue(y)}`, {
        details: { parameter: `labels[${i}]`, value: y },
      });
    }
    if (weights !== undefined) {
      const w = weights[i]!;
      if (!(Number.isFinite(w) && w >= 0)) {
        throw new DataError(`weights[${i}] must be a finite number >= 0, found ${formatValue(w)}`, {
          details: { parameter: `weights[${i}]`, value: w },
        });
      }
    }
  }
  return n;
}
