import { describe, expect, it } from 'vitest';
import { probeInputFromTables } from '../src/index.js';

const table = (columns: Record<string, unknown[]>) => ({
  numRows: Object.values(columns)[0]!.length,
  getChild: (name: string) => (columns[name] ? { get: (i: number) => columns[name]![i] } : null),
});

describe('probeInputFromTables', () => {
  it('lines the point-in-time rows up by key, NaN for nulls and absent leads', () => {
    const current = table({ lead_id: ['a', 'b', 'c'], label: [1, 0, 0], aum: [10, null, 30n] });
    const pit = table({ lead_id: ['c', 'a'], aum: [3, 1] });
    const r = probeInputFromTables(current, pit, { columns: ['aum'] });
    expect(r.keys).toEqual(['a', 'b', 'c']);
    expect(Array.from(r.labels)).toEqual([1, 0, 0]);
    expect(Array.from(r.columns[0]!.current)).toEqual([10, Number.NaN, 30]);
    expect(Array.from(r.columns[0]!.pointInTime)).toEqual([1, Number.NaN, 3]);
  });
  it('names the table and column that is missing', () => {
    const current = table({ lead_id: ['a'], label: [1], aum: [1] });
    expect(() =>
      probeInputFromTables(current, table({ lead_id: ['a'] }), { columns: ['aum'] }),
    ).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: pointInTime has no column "aum"]`);
  });
});
