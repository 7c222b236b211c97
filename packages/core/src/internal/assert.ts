import { formatValue, InvalidArgumentError } from '../errors/index.js';

/**
 * Throws an {@link InvalidArgumentError} `"<name> must be <requirement>, found <value>"` unless `ok`.
 * @example assertArg(folds >= 2, 'cvFolds', 'an integer >= 2', folds)
 */
export function assertArg(ok: boolean, name: string, requirement: string, value: unknown): asserts ok {
  if (!ok) {
    throw new InvalidArgumentError(`${name} must be ${requirement}, found ${formatValue(value)}`, {
      details: { parameter: name, value },
    });
  }
}

/** Asserts that `value` is an integer within `[min, max]`. */
export function assertInteger(
  value: unknown,
  name: string,
  min = -Infinity,
  max = Infinity,
): asserts value is number {
  const ok = typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
  const range =
    min === -Infinity && max === Infinity
      ? 'an integer'
      : max === Infinity
        ? `an integer >= ${min}`
        : min === -Infinity
          ? `an integer <= ${max}`
          : `an integer in [${min}, ${max}]`;
  assertArg(ok, name, range, value);
}

/** Asserts that `value` is a finite number within `[min, max]`. */
export function assertFinite(
  value: unknown,
  name: string,
  min = -Infinity,
  max = Infinity,
): asserts value is number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
  const range =
    min === -Infinity && max === Infinity
      ? 'a finite number'
      : max === Infinity
        ? `a finite number >= ${min}`
        : min === -Infinity
          ? `a finite number <= ${max}`
          : `a finite number in [${min}, ${max}]`;
  assertArg(ok, name, range, value);
}

/** Asserts that two array-likes have the same length. */
export function assertSameLength(
  a: ArrayLike<unknown>,
  aName: string,
  b: ArrayLike<unknown>,
  bName: string,
): void {
  if (a.length !== b.length) {
    throw new InvalidArgumentError(
      `${bName} must have the same length as ${aName} (${a.length}), found ${b.length}`,
      { details: { parameter: bName, expected: a.length, value: b.length } },
    );
  }
}

/**
 * Throws an {@link InvalidArgumentError} when `options` has a key outside `known`, so a misspelt option
 * fails instead of silently falling back to its default.
 * @example assertKnownKeys(options, ['sampleWeight'], 'options') // options.sampleWeights -> error
 */
export function assertKnownKeys(options: unknown, known: readonly string[], name = 'options'): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError(`${name} must be an object, found ${formatValue(options)}`, {
      details: { parameter: name, value: options },
    });
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InvalidArgumentError(
        `${name}.${key} is not a known option, found ${formatValue(key)}; known: ${known.join(', ') || 'none'}`,
        { details: { parameter: `${name}.${key}`, value: key } },
      );
    }
  }
}
