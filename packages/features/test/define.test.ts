import { InvalidArgumentError } from '@leadscore/core/errors';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type AnyFeature, defineFeature, featureSet, v7Features } from '../src/index.js';

const base = {
  name: 'aum_per_year',
  description: 'AUM per year in the industry',
  group: 'custom',
  kind: 'numeric',
  inputs: ['aum', 'years_in_industry'],
  businessSignal: true,
  compute: (r: { aum: number; years_in_industry: number }) => r.aum / r.years_in_industry,
} as const;

describe('defineFeature', () => {
  it('returns a frozen plain object with defaults filled in', () => {
    const f = defineFeature(base);
    expect(Object.isFrozen(f)).toBe(true);
    expect(Object.isFrozen(f.inputs)).toBe(true);
    expect(Object.getPrototypeOf(f)).toBe(Object.prototype);
    expect(f).toMatchObject({
      name: 'aum_per_year',
      inputs: ['aum', 'years_in_industry'],
      history: [],
      inputTypes: {},
    });
  });

  it('types row inputs from the training-table schema', () => {
    defineFeature({
      ...base,
      inputs: ['aum', 'state', 'has_cfp', 'my_score'],
      compute: (r) => {
        expectTypeOf(r.aum).toEqualTypeOf<number>();
        expectTypeOf(r.state).toEqualTypeOf<string | null>();
        expectTypeOf(r.has_cfp).toEqualTypeOf<boolean | null>();
        expectTypeOf(r.my_score).toEqualTypeOf<number>();
        return r.aum;
      },
    });
  });

  it('validates name, description, group, kind, inputs and compute', () => {
    const bad = (patch: Record<string, unknown>) => () => defineFeature({ ...base, ...patch } as never);
    expect(bad({ name: 'AumPerYear' })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: feature.name must be a snake_case identifier, found "AumPerYear"]`,
    );
    expect(bad({ name: '1st' })).toThrow(InvalidArgumentError);
    expect(bad({ name: 'double__underscore' })).toThrow(InvalidArgumentError);
    expect(bad({ description: ' ' })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: feature "aum_per_year": description must be a non-empty string, found " "]`,
    );
    expect(bad({ group: 'finance' })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: feature "aum_per_year": group must be one of business_model, career_stage, market_position, temporal_dynamics, custom, found "finance"]`,
    );
    expect(bad({ kind: 'float' })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: feature "aum_per_year": kind must be one of numeric, categorical, boolean, found "float"]`,
    );
    expect(bad({ inputs: ['aum', 'aum'] })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: feature "aum_per_year": inputs[1] must be unique, found "aum"]`,
    );
    expect(bad({ inputs: ['aum-1'] })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: feature "aum_per_year": inputs[0] must be a column identifier, found "aum-1"]`,
    );
    expect(bad({ inputs: [] })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: feature "aum_per_year": inputs must declare at least one input or history series]`,
    );
    expect(bad({ compute: 42 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: feature "aum_per_year": compute must be a function, found 42]`,
    );
    expect(bad({ businessSignal: 'yes' })).toThrow(InvalidArgumentError);
    expect(bad({ inputTypes: { other: 'number' } })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: feature "aum_per_year": inputTypes.other must be the type of a declared input, found "other"]`,
    );
    expect(bad({ inputTypes: { aum: 'float' } })).toThrow(InvalidArgumentError);
  });

  it('refuses a key it does not know instead of dropping it', () => {
    const { businessSignal: _, ...rest } = base;
    expect(() =>
      defineFeature({ ...rest, bussinessSignal: true } as never),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: feature "aum_per_year": bussinessSignal is not a feature key, found "bussinessSignal" (keys: name, description, group, kind, inputs, history, inputTypes, businessSignal, compute)]`,
    );
    expect(() => defineFeature({ ...base, input: ['aum'] } as never)).toThrow(/input is not a feature key/);
    // a defined feature passes again (feature sets re-validate their members)
    const f = defineFeature(base);
    expect(featureSet([f])[0]).toBe(f);
    expect(() => featureSet([{ ...f, weight: 2 } as never])).toThrow(/weight is not a feature key/);
  });

  it('refuses to read the label', () => {
    expect(() =>
      defineFeature({ ...base, inputs: ['aum', 'label'] } as never),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: feature "aum_per_year": inputs[1] must not be an outcome column, found "label" (features may not read the label)]`,
    );
  });
});

describe('featureSet', () => {
  const a = defineFeature(base);
  const b = defineFeature({ ...base, name: 'other_feature' });

  it('composes features and nested sets in order, keeping identities', () => {
    const set = featureSet([v7Features, a, [b]]);
    expect(set).toHaveLength(44);
    expect(set[42]).toBe(a);
    expect(set[43]).toBe(b);
    expect(set[0]).toBe(v7Features[0]);
    expect(Object.isFrozen(set)).toBe(true);
  });

  it('rejects duplicate names with both positions', () => {
    expect(() => featureSet([a, b, a])).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: features[2].name must be unique in the set, found "aum_per_year" (also features[0])]`,
    );
  });

  it('re-validates plain objects and fills their defaults', () => {
    const plain = { ...base, name: 'plain_one' } as unknown as AnyFeature;
    const set = featureSet([plain]);
    expect(set[0]).not.toBe(plain);
    expect(set[0]!.history).toEqual([]);
    expect(() => featureSet([{ ...base, kind: 'x' } as never])).toThrow(InvalidArgumentError);
    expect(() => featureSet('nope' as never)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: features must be an array of features, found "nope"]`,
    );
  });
});
