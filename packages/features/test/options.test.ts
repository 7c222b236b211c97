import { ValidationError } from '@leadscore/core';
import { Float64, Table, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  assertDeclaredInputs,
  columnFeature,
  computeFeatures,
  defineFeature,
  describeFeatures,
  evaluateFeature,
  expectFeature,
  featureSet,
  fitOneHotEncoder,
  fitOrdinalEncoder,
  fitTargetEncoder,
} from '../src/index.js';

/** Runs `f`, which must throw a ValidationError with exactly one issue, and returns that issue. */
function oneIssue(f: () => unknown) {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).code).toBe('INVALID_ARGUMENT');
  const issues = (error as ValidationError).issues;
  expect(issues).toHaveLength(1);
  return issues[0]!;
}

function expectIssue(f: () => unknown, key: string, value: unknown, code: string) {
  const i = oneIssue(f);
  expect(i).toMatchObject({ code, path: [key] });
  expect(i.value).toStrictEqual(code === 'unrecognized_key' ? key : value);
  expect(i.message.startsWith(`options.${key}`)).toBe(true);
}

// One bad value per option -> the issue's code, path and value; an unknown key is refused by name.
describe('encoder options', () => {
  const values = ['a', 'b', null, 'a'];
  it.each([
    ['name', '', 'too_small'],
    ['topK', -1, 'too_small'],
    ['topK', 2.5, 'invalid_type'],
    ['minCount', 0, 'too_small'],
    ['top', 3, 'unrecognized_key'],
  ] as const)('fitOneHotEncoder options.%s = %o -> %s', (key, value, code) => {
    expectIssue(() => fitOneHotEncoder(values, { [key]: value } as never), key, value, code);
  });

  it.each([
    ['name', 7, 'invalid_type'],
    ['levels', ['a'], 'unrecognized_key'],
  ] as const)('fitOrdinalEncoder options.%s = %o -> %s', (key, value, code) => {
    expectIssue(() => fitOrdinalEncoder(values, { [key]: value } as never), key, value, code);
  });

  it.each([
    ['name', null, 'invalid_type'],
    ['smoothing', -1, 'too_small'],
    ['smoothing', Number.NaN, 'invalid_type'],
    ['folds', 1, 'too_small'],
    ['foldIds', 'by-rep', 'custom'],
    ['seed', 0.5, 'invalid_type'],
    ['nFolds', 3, 'unrecognized_key'],
  ] as const)('fitTargetEncoder options.%s = %o -> %s', (key, value, code) => {
    expectIssue(() => fitTargetEncoder(values, [0, 1, 0, 1], { [key]: value } as never), key, value, code);
  });
});

describe('computeFeatures options', () => {
  const table = new Table({ aum: vectorFromArray([1, 2], new Float64()) });
  const set = featureSet([
    defineFeature({
      name: 'aum_x',
      description: 'test',
      group: 'custom',
      kind: 'numeric',
      inputs: ['aum'],
      businessSignal: false,
      compute: (r) => (typeof r.aum === 'number' ? r.aum : null),
    }),
  ]);
  it.each([
    ['historyQuarters', 0, 'too_small'],
    ['historyQuarters', 65, 'too_big'],
    ['fitted', 'levels', 'custom'],
    ['quarters', 8, 'unrecognized_key'],
  ] as const)('options.%s = %o -> %s', (key, value, code) => {
    expectIssue(() => computeFeatures(table, set, { [key]: value } as never), key, value, code);
  });
});

describe('feature helpers options', () => {
  const aum = columnFeature('aum', 'numeric');
  it.each([
    ['historyQuarters', 0, 'too_small'],
    ['historyQuarters', 2.5, 'invalid_type'],
    ['quarters', 4, 'unrecognized_key'],
  ] as const)(
    'evaluateFeature, expectFeature and describeFeatures options.%s = %o -> %s',
    (key, value, code) => {
      const options = { [key]: value } as never;
      expectIssue(() => evaluateFeature(aum, { aum: 1 }, {}, options), key, value, code);
      expectIssue(() => expectFeature(aum, options).given({ aum: 1 }), key, value, code);
      expectIssue(() => describeFeatures(featureSet([aum]), options), key, value, code);
    },
  );

  it.each([
    ['samples', 0, 'too_small'],
    ['historyQuarters', 65, 'too_big'],
    ['seed', '1', 'invalid_type'],
    ['sample', 8, 'unrecognized_key'],
  ] as const)('assertDeclaredInputs options.%s = %o -> %s', (key, value, code) => {
    expectIssue(() => assertDeclaredInputs(aum, { [key]: value } as never), key, value, code);
  });

  it.each([
    ['tolerance', -1, 'too_small'],
    ['tolerance', Number.NaN, 'invalid_type'],
    ['tol', 0.1, 'unrecognized_key'],
  ] as const)('toEqual options.%s = %o -> %s', (key, value, code) => {
    const given = expectFeature(aum).given({ aum: 1 });
    expectIssue(() => given.toEqual(1, { [key]: value } as never), key, value, code);
  });

  it.each([
    ['description', ' ', 'custom'],
    ['description', 7, 'invalid_type'],
    ['group', 'custom', 'unrecognized_key'],
  ] as const)('columnFeature options.%s = %o -> %s', (key, value, code) => {
    expectIssue(() => columnFeature('spend', 'numeric', { [key]: value } as never), key, value, code);
  });
});
