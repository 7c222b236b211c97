import { describe, expect, it } from 'vitest';
import { createMatrix, matrixColumn, selectColumns, takeRows } from '../src/matrix/index.js';

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
