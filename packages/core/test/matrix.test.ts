import { describe, expect, it } from 'vitest';
import { createMatrix, fromRows, matrixColumn, selectColumns, takeRows } from '../src/matrix/index.js';

describe('createMatrix / takeRows / selectColumns', () => {
  const m = createMatrix(new Float32Array([1, 2, 3, 0, 1, Number.NaN]), 3, ['x', 'c'], {
    kinds: ['numeric', 'categorical'],
    levels: [null, ['a', 'b']],
  });

  it('takes rows in the given order, with repeats, keeping columns and levels', () => {
    const t = takeRows(m, [2, 0, 2]);
    expect(t.nRows).toBe(3);
    expect([...matrixColumn(t, 'x')]).toEqual([3, 1, 3]);
    expect([...matrixColumn(t, 'c')]).toEqual([Number.NaN, 0, Number.NaN]);
    expect(t.levels).toEqual([null, ['a', 'b']]);
    expect([...matrixColumn(m, 'x')]).toEqual([1, 2, 3]);
  });

  it('selects columns by name, in the given order', () => {
    const s = selectColumns(m, ['c', 'x']);
    expect(s.names).toEqual(['c', 'x']);
    expect(s.kinds).toEqual(['categorical', 'numeric']);
    expect([...s.values.subarray(3)]).toEqual([1, 2, 3]);
  });

  it('refuses bad input naming the parameter and value', () => {
    expect(() => takeRows(m, [0, 3])).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: rows[1] must be a row index in [0, 2], found 3]`,
    );
    expect(() =>
      createMatrix(new Float32Array([0, 2]), 2, ['c'], { kinds: ['categorical'], levels: [['a', 'b']] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: values[1, "c"] must be a level code in [0, 1] or NaN, found 2]`,
    );
    expect(() => createMatrix(new Float32Array([1, Number.POSITIVE_INFINITY]), 2, ['x'])).toThrow(
      /must be finite or NaN/,
    );
    expect(() => createMatrix(new Float32Array(3), 2, ['x'])).toThrow(/must have nRows \* names.length = 2/);
    expect(() => createMatrix(new Float32Array(4), 2, ['x', 'x'])).toThrow(/names\[1\] must be unique/);
    expect(() => matrixColumn(m, 'y')).toThrow(/found "y"; columns: x, c/);
  });
});

describe('fromRows', () => {
  it('transposes row-major values into a column-major matrix, naming columns f0, f1, ... by default', () => {
    const m = fromRows([1, 2, 3, 4, 5, Number.NaN], 2);
    expect(m).toMatchObject({ nRows: 2, nCols: 3, names: ['f0', 'f1', 'f2'] });
    expect(Array.from(m.values)).toEqual([1, 4, 2, 5, 3, Number.NaN]);
    const named = fromRows([1, 0, 2, 1], 2, {
      names: ['x', 'flag'],
      kinds: ['numeric', 'boolean'],
    });
    expect(named.kinds).toEqual(['numeric', 'boolean']);
    expect(Array.from(matrixColumn(named, 'flag'))).toEqual([0, 1]);
    expect(fromRows([], 0, { names: ['a'] }).nRows).toBe(0);
  });

  it('refuses a length that is not a multiple of nRows, and nRows 0 without names', () => {
    expect(() => fromRows([1, 2, 3], 2)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: rows must have nRows * nCols entries (nRows = 2), found 3]`,
    );
    expect(() => fromRows([1, 2, 3], 1, { names: ['a', 'b'] })).toThrow('rows must have nRows * nCols');
    expect(() => fromRows([], 0)).toThrow('nRows must be an integer >= 1, found 0');
  });
});
