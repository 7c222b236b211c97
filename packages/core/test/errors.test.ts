import { describe, expect, it } from 'vitest';
import { DataError, formatValue, InvalidArgumentError, LeadscoreError } from '../src/errors/index.js';
import {
  assertArg,
  assertFinite,
  assertInteger,
  assertKnownKeys,
  assertSameLength,
} from '../src/internal/index.js';

describe('LeadscoreError', () => {
  it('carries a stable code, name, details and cause', () => {
    const cause = new Error('low level');
    const err = new DataError('leads.contacted_at is null', { cause, details: { column: 'contacted_at' } });
    expect(err).toBeInstanceOf(LeadscoreError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('INVALID_DATA');
    expect(err.name).toBe('DataError');
    expect(err.cause).toBe(cause);
    expect(err.details).toEqual({ column: 'contacted_at' });
    expect(Object.isFrozen(err.details)).toBe(true);
  });
});

describe('assertion helpers', () => {
  it('name the parameter and quote the value', () => {
    expect(() => assertInteger(1.5, 'cvFolds', 2)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: cvFolds must be an integer >= 2, found 1.5]`,
    );
    expect(() => assertInteger(1, 'cvFolds', 2, 10)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: cvFolds must be an integer in [2, 10], found 1]`,
    );
    expect(() => assertFinite(Number.NaN, 'eta', 0, 1)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: eta must be a finite number in [0, 1], found NaN]`,
    );
    expect(() =>
      assertArg(false, 'growPolicy', "'depthwise' or 'lossguide'", 'wide'),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: growPolicy must be 'depthwise' or 'lossguide', found "wide"]`,
    );
    expect(() => assertSameLength([1, 2], 'labels', [1], 'scores')).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: scores must have the same length as labels (2), found 1]`,
    );
  });

  it('accept valid values without throwing', () => {
    expect(() => assertInteger(5, 'cvFolds', 2)).not.toThrow();
    expect(() => assertFinite(0.1, 'eta', 0, 1)).not.toThrow();
  });

  it('puts the parameter into details', () => {
    try {
      assertInteger('3', 'nthread', 1);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as InvalidArgumentError).details).toEqual({ parameter: 'nthread', value: '3' });
    }
  });
});

describe('formatValue', () => {
  it('quotes strings, shortens arrays and long values', () => {
    expect(formatValue('x')).toBe('"x"');
    expect(formatValue([1, 2, 3, 4, 5, 6, 7])).toBe('[1, 2, 3, 4, 5, ... (7 items)]');
    expect(formatValue(new Date('2024-03-31T00:00:00Z'))).toBe('2024-03-31T00:00:00.000Z');
    expect(formatValue('a'.repeat(100))).toHaveLength(82);
    expect(formatValue(null)).toBe('null');
    expect(formatValue(10n)).toBe('10n');
  });
});

describe('assertKnownKeys', () => {
  it('refuses a misspelt option instead of silently using the default', () => {
    expect(() =>
      assertKnownKeys({ sampleWeights: [1] }, ['sampleWeight']),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: options.sampleWeights is not a known option, found "sampleWeights"; known: sampleWeight]`,
    );
    expect(() => assertKnownKeys(5, ['k'], 'opts')).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: opts must be an object, found 5]`,
    );
    expect(() => assertKnownKeys(undefined, ['k'])).not.toThrow();
    expect(() => assertKnownKeys({ k: 1 }, ['k', 'fraction'])).not.toThrow();
  });
});
