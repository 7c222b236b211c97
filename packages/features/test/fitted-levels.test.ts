import { Float64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  categoricalColumn,
  computeFeatures,
  computeFeaturesForRow,
  defineFeature,
  featureColumn,
  featureSet,
  fitFeatures,
} from '../src/index.js';

const stateCat = defineFeature({
  name: 'state_cat',
  description: 'test',
  group: 'custom',
  kind: 'categorical',
  inputs: ['state'],
  businessSignal: false,
  compute: (r) => r.state,
});
const aum = defineFeature({
  name: 'aum_x',
  description: 'test',
  group: 'custom',
  kind: 'numeric',
  inputs: ['aum'],
  businessSignal: false,
  compute: (r) => r.aum,
});
const set = featureSet([aum, stateCat]);

function table(states: (string | null)[]): Table {
  return new Table({
    aum: vectorFromArray(
      states.map((_, i) => i),
      new Float64(),
    ),
    state: vectorFromArray(states, new Utf8()),
  });
}

const train = table(['NY', 'CA', null, 'NY']);
const other = table(['TX', 'NY', null, 'CA', 'TX']);

describe('fitted categorical levels', () => {
  const fitted = fitFeatures(train, set);

  it('fits the sorted levels of the training rows, as plain frozen JSON', () => {
    expect(fitted).toEqual({
      schema: 'leadscore.fitted-features',
      version: 1,
      levels: { state_cat: ['CA', 'NY', '__missing__'] },
    });
    expect(Object.isFrozen(fitted)).toBe(true);
    expect(Object.isFrozen(fitted.levels.state_cat)).toBe(true);
  });

  it('gives a level the same code on two tables with different level sets', () => {
    const a = computeFeatures(train, set, { fitted });
    const b = computeFeatures(other, set, { fitted });
    // CA = 0, NY = 1, __missing__ = 2 on both; TX was not in training: __unseen__ = 3
    expect([...featureColumn(a, 'state_cat')]).toEqual([1, 0, 2, 1]);
    expect([...featureColumn(b, 'state_cat')]).toEqual([3, 1, 2, 0, 3]);
    expect(a.levels[1]).toEqual(b.levels[1]);
    expect(b.levels[1]).toEqual(['CA', 'NY', '__missing__', '__unseen__']);
    // without the fitted levels the other table's own sorted levels would recode __missing__ (2 -> 3)
    expect([...featureColumn(computeFeatures(other, set), 'state_cat')]).toEqual([2, 1, 3, 0, 2]);
  });

  it('maps unseen levels to __unseen__, apart from __missing__, and counts them per column', () => {
    const b = computeFeatures(other, set, { fitted });
    expect(categoricalColumn(b, 'state_cat')).toEqual([
      '__unseen__',
      'NY',
      '__missing__',
      'CA',
      '__unseen__',
    ]);
    expect(b.unseen).toEqual([0, 2]);
    expect(computeFeatures(train, set, { fitted }).unseen).toEqual([0, 0]);
  });

  it('round-trips through JSON: the parsed state computes the same matrix', () => {
    const parsed = JSON.parse(JSON.stringify(fitted));
    const direct = computeFeatures(other, set, { fitted });
    const viaJson = computeFeatures(other, set, { fitted: parsed });
    expect([...viaJson.values]).toEqual([...direct.values]);
    expect(viaJson.levels).toEqual(direct.levels);
  });

  it('scores a single row with the same fitted levels as the batch path', () => {
    const b = computeFeatures(other, set, { fitted });
    for (let i = 0; i < other.numRows; i++) {
      const row = computeFeaturesForRow(other.get(i)!.toJSON(), set, { fitted });
      expect(row.state_cat).toBe(categoricalColumn(b, 'state_cat')[i]);
    }
    expect(computeFeaturesForRow({ aum: 1, state: 'TX' }, set, { fitted }).state_cat).toBe('__unseen__');
    expect(computeFeaturesForRow({ aum: 1, state: null }, set, { fitted }).state_cat).toBe('__missing__');
  });

  it('refuses a fitted state that is not one, or lacks a categorical feature, naming it', () => {
    expect(() =>
      computeFeatures(other, set, { fitted: { levels: {} } as never }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: options.fitted must be the result of fitFeatures (schema 'leadscore.fitted-features' v1), found {"levels":{}}]`,
    );
    const empty = { schema: 'leadscore.fitted-features', version: 1, levels: {} } as const;
    expect(() => computeFeatures(other, set, { fitted: empty })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: options.fitted.levels must list the levels of categorical feature "state_cat", found undefined]`,
    );
  });
});
