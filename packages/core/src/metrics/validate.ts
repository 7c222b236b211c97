import { DataError, formatValue, InvalidArgumentError } from '../errors/index.js';
import { assertSameLength } from '../internal/assert.js';

/** Throws unless `values` is non-empty. */
export function checkNonEmpty(values: ArrayLike<number>, name: string): void {
  if (values.length === 0) {
    throw new InvalidArgumentError(`${name} must not be empty, found length 0`, {
      details: { parameter: name, value: 0 },
    });
  }
}

function badValue(name: string, i: number, requirement: string, value: number): DataError {
  return new DataError(`${name}[${i}] must be ${requirement}, found ${formatValue(value)}`, {
    details: { parameter: name, index: i, value },
  });
}

/**
 * Validates a (labels, scores) pair in one pass and returns the number of positives.
 * With `probability` the scores must also lie in [0, 1].
 */
export function checkLabelsScores(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  probability = false,
): number {
  checkNonEmpty(labels, 'labels');
  assertSameLength(labels, 'labels', scores, 'scores');
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y === 1) positives++;
    else if (y !== 0) throw badValue('labels', i, '0 or 1', y);
    const s = scores[i]!;
    if (probability) {
      if (!(s >= 0 && s <= 1)) throw badValue('scores', i, 'a probability in [0, 1]', s);
    } else if (!Number.isFinite(s)) {
      throw badValue('scores', i, 'finite', s);
    }
  }
  return positives;
}

/** Validates finite values (used by PSI, which has no labels). */
export function checkFinite(values: ArrayLike<number>, name: string): void {
  checkNonEmpty(values, name);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw badValue(name, i, 'finite', v);
  }
}

/** Validates sample weights (finite, >= 0, positive sum) and returns their sum. */
export function checkWeights(weights: ArrayLike<number>, labels: ArrayLike<number>): number {
  assertSameLength(labels, 'labels', weights, 'sampleWeight');
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (!(Number.isFinite(w) && w >= 0)) throw badValue('sampleWeight', i, 'finite and >= 0', w);
    total += w;
  }
  if (!(total > 0)) {
    throw new InvalidArgumentError(`sampleWeight must have a positive sum, found ${total}`, {
      details: { parameter: 'sampleWeight', value: total },
    });
  }
  return total;
}

/** Neumaier-compensated running sum, so means over 1e6 rows match numpy's pairwise sums to ~1 ulp. */
export class CompensatedSum {
  private sum = 0;
  private c = 0;

  add(x: number): void {
    const t = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.c += this.sum - t + x;
    else this.c += x - t + this.sum;
    this.sum = t;
  }

  value(): number {
    return this.sum + this.c;
  }
}
