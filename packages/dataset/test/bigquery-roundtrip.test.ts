import {
  Bool,
  DateDay,
  Field,
  Float64,
  Int64,
  makeData,
  makeVector,
  Schema,
  Table,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openBigQueryWarehouse } from '../src/warehouse/bigquery.js';
import { type FakeBigQuery, startFakeBigQuery } from './helpers/fake-bigquery-server.js';

let fake: FakeBigQuery;
beforeAll(async () => {
  fake = await startFakeBigQuery({ projectId: 'acme-ml', datasets: ['leadscore'] });
});
afterAll(async () => {
  await fake.close();
});

const DAY = 86_400_000;
// 0001-01-01 .. 9999-12-31, BigQuery's DATE / TIMESTAMP range.
const MIN_DAY = -719_162;
const MAX_DAY = 2_932_896;

interface Row {
  s: string | null;
  i: bigint | null;
  f: number | null;
  b: boolean | null;
  d: number | null;
  t: number | null;
}

const rowArb: fc.Arbitrary<Row> = fc.record({
  s: fc.option(
    fc.string({ unit: 'grapheme', maxLength: 12 }).filter((x) => !x.includes('\0')),
    { freq: 4 },
  ),
  i: fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { freq: 4 }),
  // -0 is written as 0 by every JSON encoder; BigQuery's loader cannot tell them apart either.
  f: fc.option(
    fc.double().map((x) => (Object.is(x, -0) ? 0 : x)),
    { freq: 4 },
  ),
  b: fc.option(fc.boolean(), { freq: 4 }),
  d: fc.option(fc.integer({ min: MIN_DAY, max: MAX_DAY }), { freq: 4 }),
  t: fc.option(fc.integer({ min: MIN_DAY * DAY, max: MAX_DAY * DAY }), { freq: 4 }),
});

function toTable(rows: readonly Row[]): Table {
  const n = rows.length;
  const bitmap = (pick: (r: Row) => unknown) => {
    const bits = new Uint8Array((n + 7) >> 3);
    let nulls = 0;
    rows.forEach((r, k) => {
      if (pick(r) === null) nulls++;
      else bits[k >> 3] = (bits[k >> 3] as number) | (1 << (k & 7));
    });
    return { nullBitmap: bits, nullCount: nulls };
  };
  const days = makeData({
    type: new DateDay(),
    length: n,
    ...bitmap((r) => r.d),
    data: Int32Array.from(rows, (r) => r.d ?? 0),
  });
  const millis = makeData({
    type: new TimestampMillisecond('UTC'),
    length: n,
    ...bitmap((r) => r.t),
    data: BigInt64Array.from(rows, (r) => BigInt(r.t ?? 0)),
  });
  const schema = new Schema([
    new Field('k', new Float64(), false),
    new Field('s', new Utf8(), true),
    new Field('i', new Int64(), true),
    new Field('f', new Float64(), true),
    new Field('b', new Bool(), true),
    new Field('d', new DateDay(), true),
    new Field('t', new TimestampMillisecond('UTC'), true),
  ]);
  return new Table(schema, {
    // Carries the row order, since a warehouse table has none.
    k: vectorFromArray(Float64Array.from(rows, (_, k) => k)),
    s: vectorFromArray(
      rows.map((r) => r.s),
      new Utf8(),
    ),
    i: vectorFromArray(
      rows.map((r) => r.i),
      new Int64(),
    ),
    f: vectorFromArray(
      rows.map((r) => r.f),
      new Float64(),
    ),
    b: vectorFromArray(
      rows.map((r) => r.b),
      new Bool(),
    ),
    d: makeVector(days),
    t: makeVector(millis),
  });
}

test('Arrow -> NDJSON load job -> query -> Arrow returns every value unchanged', async () => {
  const wh = await openBigQueryWarehouse({
    projectId: 'acme-ml',
    dataset: 'leadscore',
    apiEndpoint: fake.url,
    anonymous: true,
    dryRun: false,
    pageSize: 7,
  });
  await fc.assert(
    fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 25 }), async (rows) => {
      await wh.createTableFromArrow('roundtrip', toTable(rows), { replace: true });
      const back = await wh.query('SELECT * FROM roundtrip ORDER BY k');
      expect(back.numRows).toBe(rows.length);
      rows.forEach((r, k) => {
        const got = back.get(k)?.toJSON() as Record<string, unknown>;
        expect(got).toEqual({
          k,
          s: r.s,
          i: r.i,
          f: r.f,
          b: r.b,
          d: r.d === null ? null : r.d * DAY,
          t: r.t,
        });
      });
    }),
    { seed: 20_261_126, numRuns: 25 },
  );
});
