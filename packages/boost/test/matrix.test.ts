import { createMatrix, fromRows, type Matrix } from '@leadscore/core/matrix';
import { describe, expect, it } from 'vitest';
import { fromArrowColumns } from '../src/data/matrix.js';
import { train } from '../src/train/train.js';

describe('the core Matrix in boost', () => {
  const x = fromRows([1, 0, 2, 1, 3, 0, 4, 1], 4, { names: ['a', 'b'] });
  const y = [0, 0, 1, 1];

  it('refuses a categorical column unless categoricalAsCodes is set, then splits on the codes', async () => {
    const cat = createMatrix(Float32Array.from([1, 2, 3, 4, 0, 1, 0, 1]), 4, ['a', 'segment'], {
      kinds: ['numeric', 'categorical'],
      levels: [null, ['ria', 'wirehouse']],
    });
    await expect(train(cat, y, { numRounds: 1 })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: data column "segment" is categorical: boost splits on numbers, so pass one-hot or target-encoded columns, or set options.categoricalAsCodes to split on the level codes]`,
    );
    const codes = await train(cat, y, { numRounds: 1 }, { categoricalAsCodes: true });
    const numeric = await train(createMatrix(Float32Array.from(cat.values), 4, ['a', 'segment']), y, {
      numRounds: 1,
    });
    expect(codes.toXGBoostJSON()).toBe(numeric.toXGBoostJSON());
    await expect(train(x, y, { numRounds: 1 }, { evalSet: { data: cat, labels: y } })).rejects.toThrow(
      'options.evalSet.data column "segment" is categorical',
    );
  });

  it("records column names in the model, except XGBoost's names for unnamed features", async () => {
    expect((await train(x, y, { numRounds: 1 })).model.featureNames).toEqual(['a', 'b']);
    const unnamed = await train(createMatrix(Float32Array.from(x.values), 4, ['f0', 'f1']), y, {
      numRounds: 1,
    });
    expect(unnamed.model.featureNames).toEqual([]);
  });

  it('refuses an object that is not a Matrix, naming what is missing', async () => {
    const bad = { data: new Float32Array(4), nRows: 2, nCols: 2, layout: 'row' } as unknown as Matrix;
    await expect(train(bad, [0, 1])).rejects.toThrow('data must be a Matrix (from @leadscore/core)');
    const noNames = { values: new Float32Array(4), nRows: 2, nCols: 2 } as unknown as Matrix;
    await expect(train(noNames, [0, 1])).rejects.toThrow('data.names must be an array of nCols = 2');
  });
});

describe('fromArrowColumns', () => {
  // the structural subset of an apache-arrow Table that fromArrowColumns reads
  const columns: Record<string, unknown[]> = {
    aum: [1.5, null, 3],
    has_cfp: [true, false, null],
    count: [1n, 2n, 3n],
    name: ['x', 'y', 'z'],
  };
  const table = {
    numRows: 3,
    getChild: (name: string) => {
      const v = columns[name];
      return v === undefined ? null : { length: v.length, get: (i: number) => v[i] };
    },
  };

  it('copies numeric, boolean and bigint columns column-major, nulls as NaN', () => {
    const m = fromArrowColumns(table, ['aum', 'has_cfp', 'count']);
    expect(m).toMatchObject({ nRows: 3, nCols: 3, names: ['aum', 'has_cfp', 'count'] });
    expect(Array.from(m.values)).toEqual([1.5, Number.NaN, 3, 1, 0, Number.NaN, 1, 2, 3]);
  });

  it('refuses unknown and non-numeric columns', () => {
    expect(() => fromArrowColumns(table, ['aum', 'nope'])).toThrowErrorMatchingInlineSnapshot(
      `[SchemaError: columns[1] "nope" is not a column of the table]`,
    );
    expect(() => fromArrowColumns(table, ['name'])).toThrowErrorMatchingInlineSnapshot(
      `[SchemaError: column "name" must be numeric or boolean, found "x" at row 0]`,
    );
  });
});
