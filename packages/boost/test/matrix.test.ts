import { describe, expect, it } from 'vitest';
import { denseMatrix, fromArrowColumns } from '../src/data/matrix.js';

describe('denseMatrix', () => {
  it('wraps a Float32Array without copying and converts other arrays', () => {
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    const m = denseMatrix(data, 2, 3, { names: ['a', 'b', 'c'] });
    expect(m.data).toBe(data);
    expect(m).toMatchObject({ nRows: 2, nCols: 3, layout: 'row', names: ['a', 'b', 'c'] });
    const c = denseMatrix([1, Number.NaN, 0.1], 3, 1, { layout: 'col' });
    expect(c.data).toBeInstanceOf(Float32Array);
    expect(c.data[2]).toBe(Math.fround(0.1));
    expect(Number.isNaN(c.data[1])).toBe(true);
  });

  it('refuses inconsistent shapes, infinities and bad names', () => {
    expect(() => denseMatrix([1, 2, 3], 2, 2)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: data must have nRows * nCols = 4 values, found 3]`,
    );
    expect(() => denseMatrix([1, 2, 3, Number.POSITIVE_INFINITY], 2, 2)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: data[1, 1] must be finite or NaN (missing), found Infinity]`,
    );
    expect(() => denseMatrix([1, 2], 1, 2, { names: ['a', 'a'] })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: names[1] must be unique, found "a"]`,
    );
    expect(() => denseMatrix([1, 2], 1, 2, { names: ['a'] })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: names must have nCols = 2 entries, found 1]`,
    );
    expect(() => denseMatrix([1, 2], 2, 0)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: nCols must be an integer >= 1, found 0]`,
    );
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
    expect(m).toMatchObject({ nRows: 3, nCols: 3, layout: 'col', names: ['aum', 'has_cfp', 'count'] });
    expect(Array.from(m.data)).toEqual([1.5, Number.NaN, 3, 1, 0, Number.NaN, 1, 2, 3]);
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
