import { SchemaError } from '@leadscore/core';
import {
  DateDay,
  Field,
  Int32,
  List,
  makeData,
  makeVector,
  Table,
  TimestampMillisecond,
  tableFromArrays,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import {
  arrowSchemaFromBigQuery,
  bigQueryFieldsFromArrow,
  ndjsonChunks,
  recordBatchFromRows,
} from '../src/warehouse/bigquery-arrow.js';

describe('REST rows to Arrow', () => {
  test('cells in every REST form become typed values', () => {
    const fields = [
      { name: 'ts', type: 'TIMESTAMP' },
      { name: 'dt', type: 'DATETIME' },
      { name: 'n', type: 'NUMERIC' },
      { name: 'i', type: 'INT64', mode: 'REQUIRED' },
    ];
    const schema = arrowSchemaFromBigQuery(fields);
    expect(schema.fields.map((f) => `${f.name}: ${f.type} ${f.nullable}`)).toEqual([
      'ts: Timestamp<MILLISECOND, UTC> true',
      'dt: Timestamp<MILLISECOND> true',
      'n: Float64 true',
      'i: Int64 false',
    ]);
    const batch = recordBatchFromRows(fields, schema, [
      // int64 microseconds (useInt64Timestamp), civil DATETIME, NUMERIC text
      {
        f: [
          { v: '-1500' },
          { v: '2024-02-29T23:59:59.999999' },
          { v: '12.50' },
          { v: '-9223372036854775808' },
        ],
      },
      // float seconds (APIs without useInt64Timestamp)
      { f: [{ v: '1.7E9' }, { v: null }, { v: null }, { v: '9223372036854775807' }] },
    ]);
    expect(batch.get(0)?.toJSON()).toEqual({
      ts: -2, // -1.5 ms floors to -2
      dt: Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      n: 12.5,
      i: -(2n ** 63n),
    });
    expect(batch.get(1)?.toJSON()).toEqual({ ts: 1.7e12, dt: null, n: null, i: 2n ** 63n - 1n });
  });

  test('unsupported BigQuery types fail naming the column', () => {
    expect(() => arrowSchemaFromBigQuery([{ name: 'tags', type: 'STRING', mode: 'REPEATED' }])).toThrow(
      SchemaError,
    );
    expect(() =>
      arrowSchemaFromBigQuery([{ name: 'geo', type: 'GEOGRAPHY' }]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[SchemaError: column "geo" has BigQuery type "GEOGRAPHY", which has no Arrow mapping (supported: STRING, INT64, FLOAT64, NUMERIC, BOOL, DATE, TIMESTAMP, DATETIME)]`,
    );
  });
});

describe('Arrow to NDJSON', () => {
  test('the text matches a hand-written reference', () => {
    const table = new Table({
      s: vectorFromArray(['a"b\\n', null]),
      i: vectorFromArray([1, -2], new Int32()),
      f: vectorFromArray([Number.NaN, Number.NEGATIVE_INFINITY]),
      b: vectorFromArray([true, null]),
      d: makeVector(
        makeData({ type: new DateDay(), length: 2, nullCount: 0, data: Int32Array.of(-719162, 19_782) }),
      ),
      t: makeVector(
        makeData({
          type: new TimestampMillisecond('UTC'),
          length: 2,
          nullCount: 0,
          data: BigInt64Array.of(-1n, 1_709_251_199_999n),
        }),
      ),
      c: tableFromArrays({ c: ['x', 'x'] }).getChild('c') as never,
    });
    const fields = bigQueryFieldsFromArrow(table.schema);
    expect(fields.map((f) => f.type)).toEqual([
      'STRING',
      'INT64',
      'FLOAT64',
      'BOOL',
      'DATE',
      'TIMESTAMP',
      'STRING',
    ]);
    expect([...ndjsonChunks(table, fields, 1)]).toEqual([
      '{"s":"a\\"b\\\\n","i":1,"f":"NaN","b":true,"d":"0001-01-01","t":"1969-12-31 23:59:59.999+00:00","c":"x"}\n',
      '{"i":-2,"f":"-Infinity","d":"2024-02-29","t":"2024-02-29 23:59:59.999+00:00","c":"x"}\n',
    ]);
  });

  test('columns BigQuery cannot load fail naming the column', () => {
    const listType = new List(new Field('item', new Int32(), true));
    const table = new Table({ tags: vectorFromArray([[1, 2]], listType) });
    expect(() => bigQueryFieldsFromArrow(table.schema)).toThrow(/^column "tags" has Arrow type/);
  });
});
