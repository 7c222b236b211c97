import { LeadscoreError } from '@leadscore/core';
import {
  Table as ArrowTable,
  Bool,
  type DataType,
  DateDay,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  type Table,
  TimestampMicrosecond,
  TimestampMillisecond,
  tableFromArrays,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { DataFrame } from 'danfojs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromDanfo, toDanfo } from '../src/danfo.js';

/** A column's values as plain JS (null for nulls, bigint for Int64, raw units for timestamps). */
function cells(table: Table, j: number): unknown[] {
  const v = table.getChildAt(j)!;
  const temporal = String(v.type).startsWith('Timestamp') || String(v.type).startsWith('Date');
  // Stored integers: toArray() would turn Date32 days into milliseconds.
  const raw = temporal
    ? v.data.flatMap((d) => Array.from(d.values as ArrayLike<unknown>).slice(0, d.length))
    : undefined;
  return Array.from({ length: v.length }, (_, i) => (v.isValid(i) ? (raw ? raw[i] : v.get(i)) : null));
}

function shape(table: Table) {
  return table.schema.fields.map((f) => ({ name: f.name, type: String(f.type), nullable: f.nullable }));
}

/** A table from fields and per-column JS values (null = null). */
function tableOf(fields: readonly Field[], columns: readonly unknown[][], length: number): Table {
  const children = fields.map((f, j) => {
    const values = columns[j]!;
    const timestamp = f.type instanceof TimestampMicrosecond || f.type instanceof TimestampMillisecond;
    if (timestamp || f.type instanceof DateDay) {
      // Stored integers (bigint units, int32 days); vectorFromArray would read numbers as milliseconds.
      const data = timestamp ? new BigInt64Array(length) : new Int32Array(length);
      const bitmap = new Uint8Array((length + 7) >> 3);
      let nulls = 0;
      values.forEach((x, i) => {
        if (x === null) nulls++;
        else {
          data[i] = x as never;
          bitmap[i >> 3]! |= 1 << (i & 7);
        }
      });
      return makeData({ type: f.type, length, nullCount: nulls, nullBitmap: bitmap, data } as never);
    }
    return vectorFromArray(values as never[], f.type).data[0]!;
  });
  const schema = new Schema([...fields]);
  return new ArrowTable(schema, [
    new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children })),
  ]);
}

const COLUMN_KINDS: readonly { type: () => DataType; value: fc.Arbitrary<unknown> }[] = [
  { type: () => new Utf8(), value: fc.string({ maxLength: 6 }) },
  { type: () => new Float64(), value: fc.double({ noNaN: true }) },
  { type: () => new Int32(), value: fc.integer() },
  {
    type: () => new Int64(),
    value: fc.bigInt({ min: BigInt(Number.MIN_SAFE_INTEGER), max: BigInt(Number.MAX_SAFE_INTEGER) }),
  },
  { type: () => new Bool(), value: fc.boolean() },
  // Whole milliseconds in microseconds, the unit DuckDB returns, within Date's range.
  {
    type: () => new TimestampMicrosecond(),
    value: fc.integer({ min: -8.64e12, max: 8.64e12 }).map((ms) => BigInt(ms) * 1000n),
  },
  { type: () => new TimestampMillisecond(), value: fc.integer({ min: -8.64e12, max: 8.64e12 }).map(BigInt) },
  { type: () => new DateDay(), value: fc.integer({ min: -100_000, max: 100_000 }) },
];

const arbitraryTable = fc
  .record({
    rows: fc.integer({ min: 0, max: 12 }),
    columns: fc.uniqueArray(
      fc.record({
        // Integer-like names too: JavaScript orders those keys first, the bridge must not.
        name: fc.oneof(
          fc.stringMatching(/^[a-z_][a-z0-9_]{0,7}$/),
          fc.integer({ min: 0, max: 3000 }).map(String),
        ),
        kind: fc.integer({ min: 0, max: COLUMN_KINDS.length - 1 }),
        nullable: fc.boolean(),
      }),
      { minLength: 1, maxLength: 8, selector: (c) => c.name },
    ),
  })
  .chain(({ rows, columns }) =>
    fc
      .tuple(
        ...columns.map((c) => {
          const kind = COLUMN_KINDS[c.kind]!;
          const cell = c.nullable ? fc.option(kind.value, { nil: null, freq: 3 }) : kind.value;
          return fc.array(cell, { minLength: rows, maxLength: rows });
        }),
      )
      .map((values) =>
        tableOf(
          columns.map((c) => new Field(c.name, COLUMN_KINDS[c.kind]!.type(), c.nullable)),
          values,
          rows,
        ),
      ),
  );

describe('toDanfo / fromDanfo', () => {
  it('round-trips types, nullability, nulls, values and column order (property)', () => {
    fc.assert(
      fc.property(arbitraryTable, (table) => {
        const back = fromDanfo(toDanfo(table));
        expect(shape(back)).toEqual(shape(table));
        expect(back.numRows).toBe(table.numRows);
        for (let j = 0; j < table.numCols; j++) expect(cells(back, j)).toEqual(cells(table, j));
      }),
      { seed: 20261202, numRuns: 200 },
    );
  });

  it('maps nulls to danfojs missing markers: NaN for numbers, null otherwise', () => {
    const table = tableFromArrays({ f: Float64Array.from([1.5, Number.NaN]) });
    const withNulls = tableOf(
      [
        new Field('s', new Utf8(), true),
        new Field('f', new Float64(), true),
        new Field('i', new Int32(), true),
        new Field('b', new Bool(), true),
      ],
      [
        ['a', null],
        [1.5, null],
        [null, 7],
        [true, null],
      ],
      2,
    );
    const df = toDanfo(withNulls);
    expect(df.dtypes).toEqual(['string', 'float32', 'int32', 'boolean']);
    expect(df.column('s').values).toEqual(['a', null]);
    expect(df.column('f').values).toEqual([1.5, Number.NaN]);
    expect(df.column('i').values).toEqual([Number.NaN, 7]);
    expect(df.column('b').values).toEqual([true, null]);
    // A Float64 NaN is danfojs' missing value, so it comes back as null, which a non-nullable field
    // (tableFromArrays makes those) refuses rather than dropping.
    const nan = tableOf([new Field('f', new Float64(), true)], [[1.5, Number.NaN]], 2);
    expect(cells(fromDanfo(toDanfo(nan)), 0)).toEqual([1.5, null]);
    expect(() => fromDanfo(toDanfo(table))).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: f: the column is not nullable but holds 1 missing value(s)]`,
    );
  });

  it('turns timestamps and dates into Date values and back into their own unit', () => {
    const table = tableOf(
      [
        new Field('contacted_at', new TimestampMicrosecond(), true),
        new Field('snapshot_date', new DateDay(), true),
      ],
      [
        [1_700_000_000_123_000n, null],
        [null, 20_089],
      ],
      2,
    );
    const df = toDanfo(table);
    expect(df.dtypes).toEqual(['datetime', 'datetime']);
    expect((df.column('contacted_at').values[0] as unknown as Date).toISOString()).toBe(
      '2023-11-14T22:13:20.123Z',
    );
    expect((df.column('snapshot_date').values[1] as unknown as Date).toISOString()).toBe(
      '2025-01-01T00:00:00.000Z',
    );
    const back = fromDanfo(df);
    expect(shape(back).map((f) => f.type)).toEqual(['Timestamp<MICROSECOND>', 'Date32<DAY>']);
    expect(cells(back, 0)).toEqual([1_700_000_000_123_000n, null]);
    expect(cells(back, 1)).toEqual([null, 20_089]);
  });

  it('keeps 64-bit integers as Int64 (bigint) and refuses ones danfojs cannot hold exactly', () => {
    const table = tableOf([new Field('firm_total_aum', new Int64(), true)], [[2n ** 53n - 1n, null, -5n]], 3);
    const df = toDanfo(table);
    expect(df.column('firm_total_aum').values).toEqual([2 ** 53 - 1, Number.NaN, -5]);
    expect(cells(fromDanfo(df), 0)).toEqual([2n ** 53n - 1n, null, -5n]);
    const big = tableOf([new Field('id', new Int64(), false)], [[2n ** 60n]], 1);
    expect(() => toDanfo(big)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: id: danfojs holds numbers, so the 64-bit integer "1152921504606846976" (row 0) would lose precision]`,
    );
  });

  it('refuses a sub-millisecond timestamp rather than truncating it', () => {
    const table = tableOf([new Field('t', new TimestampMicrosecond(), true)], [[1_000_001n]], 1);
    expect(() => toDanfo(table)).toThrow(/^t: danfojs dates hold milliseconds, .*"1000001"/);
  });

  it('refuses column types danfojs cannot hold, naming the column', () => {
    const list = makeVector(vectorFromArray([[1], [2, 3]], new List(new Field('item', new Int32(), true))));
    const schema = new Schema([new Field('tags', list.type, true)]);
    const table = new ArrowTable(schema, [
      new RecordBatch(
        schema,
        makeData({ type: new Struct(schema.fields), length: 2, nullCount: 0, children: [list.data[0]!] }),
      ),
    ]);
    let error: unknown;
    try {
      toDanfo(table);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LeadscoreError);
    expect((error as Error).message).toMatch(/^tags: column type "List<Int32>"/);
  });

  it('infers Arrow types from danfojs dtypes for frames danfojs derived', () => {
    const df = new DataFrame(
      {
        s: ['a', 'b', 'c'],
        f: [0.5, Number.NaN, 2],
        i: [1, 2, 3],
        b: [true, false, true],
        big: [1, 2, 2 ** 40],
      },
      { dtypes: ['string', 'float32', 'int32', 'boolean', 'int32'] },
    );
    const derived = df.query(df.column('i').gt(1));
    const table = fromDanfo(derived);
    expect(shape(table).map((f) => f.type)).toEqual(['Utf8', 'Float64', 'Int32', 'Bool', 'Int64']);
    expect(cells(table, 1)).toEqual([null, 2]);
    expect(cells(table, 4)).toEqual([2n, 2n ** 40n]);
  });

  it('checks remembered types against the values a user wrote into the frame', () => {
    const df = toDanfo(tableOf([new Field('label', new Int32(), true)], [[0, 1]], 2));
    df.addColumn('label', [0, 0.5], { inplace: true });
    expect(() => fromDanfo(df)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: label: row 1 holds 0.5, which is not a Int32 value]`,
    );
    expect(cells(fromDanfo(df, { types: { label: new Float64() } }), 0)).toEqual([0, 0.5]);
  });
});
