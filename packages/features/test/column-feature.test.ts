import { Bool, makeVector, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { columnFeature, computeFeatures, featureManifest, MISSING_LEVEL } from '../src/index.js';

describe('columnFeature', () => {
  it('passes each kind of column through as it is', () => {
    const table = new Table({
      spend: makeVector(Float64Array.of(0.5, Number.NaN, 2)),
      plan: vectorFromArray(['pro', null, 'basic'], new Utf8()),
      trial: vectorFromArray([true, false, null], new Bool()),
    });
    const set = [
      columnFeature('spend', 'numeric'),
      columnFeature('plan', 'categorical'),
      columnFeature('trial', 'boolean'),
    ];
    const m = computeFeatures(table, set);
    expect(m.names).toEqual(['spend', 'plan', 'trial']);
    expect(m.kinds).toEqual(['numeric', 'categorical', 'boolean']);
    expect(Array.from(m.values.subarray(0, 3))).toEqual([0.5, Number.NaN, 2]);
    // Categorical codes index the sorted levels; booleans are 1/0 with NaN for missing.
    const levels = m.levels[1]!;
    expect(Array.from(m.values.subarray(3, 6), (c) => levels[c])).toEqual(['pro', MISSING_LEVEL, 'basic']);
    expect(Array.from(m.values.subarray(6, 9))).toEqual([1, 0, Number.NaN]);
  });

  it('records a manifest entry that names only its own column', () => {
    const entry = featureManifest([columnFeature('plan', 'categorical', { description: 'CSV column plan' })])
      .features[0];
    expect(entry).toEqual({
      name: 'plan',
      group: 'custom',
      kind: 'categorical',
      inputs: ['plan'],
      history: [],
      inputTypes: { plan: 'string' },
      businessSignal: false,
      description: 'CSV column plan',
    });
  });

  it('refuses an unknown kind and a name that is not snake_case', () => {
    expect(() => columnFeature('spend', 'number' as never)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: kind must be one of numeric, categorical, boolean, found "number"]`,
    );
    expect(() => columnFeature('Spend', 'numeric')).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: feature.name must be a snake_case identifier, found "Spend"]`,
    );
  });
});
