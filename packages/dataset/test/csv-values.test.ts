// One table of CSV text per logical type, accepted or refused, run against the DuckDB warehouse and
// the BigQuery warehouse (on the loopback fake): both must load the same values and refuse the same
// text with the same CsvValueError. Expected values are written out by hand.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError, InvalidArgumentError, SchemaError } from '@leadscore/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBigQueryWarehouse } from '../src/warehouse/bigquery.js';
import { CsvValueError, checkCsvValues, isCsvValue } from '../src/warehouse/csv-values.js';
import { openDuckDbWarehouse } from '../src/warehouse/duckdb.js';
import type { LogicalType, Warehouse } from '../src/warehouse/types.js';
import { type FakeBigQuery, startFakeBigQuery } from './helpers/fake-bigquery-server.js';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) =>
  Date.UTC(y, mo - 1, d, h, mi, s, ms);
const day = (y: number, mo: number, d: number) => utc(y, mo, d);

interface TypeCase {
  type: LogicalType;
  /** CSV field text (as written in the file) -> the value read back. */
  good: [string, unknown][];
  /** Field text refused; the value the error reports is the unquoted text. */
  bad: string[];
}

const CASES: TypeCase[] = [
  {
    type: 'string',
    good: [
      ['hello', 'hello'],
      ['"quoted, with ""comma"""', 'quoted, with "comma"'],
      ['NULL', 'NULL'],
      ['007', '007'],
    ],
    bad: [],
  },
  {
    type: 'date',
    good: [
      ['2024-02-29', day(2024, 2, 29)],
      ['1999-12-31', day(1999, 12, 31)],
      ['"2024-03-31"', day(2024, 3, 31)],
    ],
    bad: ['2024-02-30', '2023-02-29', '2024-13-01', '2024-1-5', '20240131', '1706695200', 'hello', 'NULL'],
  },
  {
    type: 'timestamp',
    good: [
      ['2024-01-31 10:00:00', utc(2024, 1, 31, 10)],
      ['2024-01-31T10:00:00', utc(2024, 1, 31, 10)],
      ['2024-01-31T10:00:00Z', utc(2024, 1, 31, 10)],
      ['2024-01-31 10:00:00+02:00', utc(2024, 1, 31, 8)],
      ['2024-01-31T10:00:00-05', utc(2024, 1, 31, 15)],
      ['2024-01-31 10:00:00.123', utc(2024, 1, 31, 10, 0, 0, 123)],
      ['2024-01-31', utc(2024, 1, 31)],
    ],
    bad: [
      'hello',
      '2024-02-30 10:00:00',
      '1706695200',
      '2024-01-31 24:00:00',
      '2024-01-31 10:00',
      '2024-01-31 10:00:00.1234567',
      '2024-01-31 10:00:00 UTC',
      '2024-01-31T10:00:00+15:00',
    ],
  },
  {
    type: 'float',
    good: [
      ['1.5', 1.5],
      ['-2', -2],
      ['3e-4', 3e-4],
      ['1E10', 1e10],
      ['0', 0],
    ],
    bad: ['abc', 'NaN', 'inf', '-Infinity', '"1,5"', '1e400', '1.', '.5', ' 1.5', '+1', 'NA'],
  },
  {
    type: 'int',
    good: [
      ['42', 42n],
      ['-7', -7n],
      ['9223372036854775807', 9223372036854775807n],
      ['-9223372036854775808', -9223372036854775808n],
    ],
    bad: ['1.5', '12abc', '9223372036854775808', '-9223372036854775809', '1e3', '+5', '0x10', ' 12'],
  },
  {
    type: 'int32',
    good: [
      ['2147483647', 2147483647],
      ['-2147483648', -2147483648],
      ['0', 0],
    ],
    bad: ['2147483648', '-2147483649', '1.0'],
  },
  {
    type: 'bool',
    good: [
      ['true', true],
      ['FALSE', false],
      ['True', true],
    ],
    bad: ['yes', '1', 't', 'maybe'],
  },
];

/** BigQuery has one integer type: INT64 comes back as bigint where DuckDB's INTEGER is a number. */
function normalise(type: LogicalType, value: unknown): unknown {
  if (value === null) return null;
  if (type === 'int32') return Number(value);
  return value;
}

function unquoted(field: string): string {
  return field.startsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field;
}

let dir: string;
let fake: FakeBigQuery;
let jobs = 0;
const warehouses: [string, () => Promise<Warehouse>][] = [
  ['duckdb', () => openDuckDbWarehouse({ path: ':memory:' })],
  [
    'bigquery',
    () =>
      openBigQueryWarehouse({
        projectId: 'acme-ml',
        dataset: 'leadscore',
        apiEndpoint: fake.url,
        anonymous: true,
        dryRun: false,
        sleep: async () => undefined,
        logger: { warn: () => undefined },
        createJobId: () => `csv_job_${++jobs}`,
      }),
  ],
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'leadscore-csv-values-'));
  fake = await startFakeBigQuery({ projectId: 'acme-ml', datasets: ['leadscore'] });
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe.each(warehouses)('CSV values on %s', (kind, open) => {
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await open();
  });
  afterAll(async () => {
    await wh.close();
  });

  describe.each(CASES)('$type', ({ type, good, bad }) => {
    it('loads the accepted spellings to the same values; an empty cell (quoted or not) is NULL', async () => {
      const rows = good.map(([text], i) => `${i + 1},${text}`);
      const path = await file(
        `${kind}-${type}-good.csv`,
        `id,x\r\n${rows.join('\r\n')}\r\n${good.length + 1},\r\n${good.length + 2},""\r\n`,
      );
      await wh.createTableFromFile(`good_${type}`, path, { columnTypes: { x: type }, replace: true });
      const t = await wh.query(`SELECT x FROM ${wh.quoteIdentifier(`good_${type}`)} ORDER BY id`);
      const got = Array.from({ length: t.numRows }, (_, i) => normalise(type, t.getChild('x')?.get(i)));
      expect(got.slice(0, good.length)).toEqual(good.map(([, v]) => v));
      expect(got.slice(good.length)).toEqual([null, null]);
    });

    it.each(bad.length ? bad : ['-'])('refuses %s on the 3rd data row as line 4', async (text) => {
      if (bad.length === 0) {
        expect(isCsvValue('anything at all', type)).toBe(true);
        return;
      }
      const ok = good[0]?.[0] as string;
      const path = await file(`${kind}-${type}-bad.csv`, `id,x\n1,${ok}\n2,\n3,${text}\n4,${ok}\n`);
      const name = `bad_${type}`;
      const error = await wh
        .createTableFromFile(name, path, { columnTypes: { x: type } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CsvValueError);
      expect(error).toBeInstanceOf(DataError);
      expect(error).toMatchObject({
        code: 'INVALID_DATA',
        file: path,
        line: 4,
        column: 'x',
        value: unquoted(text),
        expectedType: type,
        badValues: { x: 1 },
      });
      expect((error as Error).message).toMatch(
        new RegExp(`^column x must hold ${type} values, found ".*" on line 4 of ${path} \\(expected `),
      );
      expect(await wh.tableExists(name)).toBe(false);
    });
  });

  it('names the first bad value and counts the others per column', async () => {
    const path = await file(
      `${kind}-many.csv`,
      'id,ts,n\n1,2024-01-31 10:00:00,1\n2,1706695200,2\n3,hello,x\n4,2024-02-30 10:00:00,y\n5,,3.5\n',
    );
    const error = (await wh
      .createTableFromFile('many', path, { columnTypes: { ts: 'timestamp', n: 'int' } })
      .catch((e: unknown) => e)) as CsvValueError;
    expect(error.badValues).toEqual({ ts: 3, n: 3 });
    expect(error.message).toBe(
      `column ts must hold timestamp values, found "1706695200" on line 3 of ${path} (expected an ISO timestamp like 2024-01-31 10:00:00, optionally with T, up to 6 fractional digits and Z or +HH:MM; epoch numbers are refused); also refused: 2 more in column ts, 3 in column n`,
    );
  });

  it('counts physical lines: a quoted newline moves the next record down', async () => {
    const path = await file(`${kind}-lines.csv`, 'id,note,n\n1,"two\nlines",1\n2,"x",2\n3,ok,abc\n');
    await expect(
      wh.createTableFromFile('lines', path, { columnTypes: { n: 'int', note: 'string' } }),
    ).rejects.toMatchObject({ line: 5, column: 'n', value: 'abc' });
  });

  it('keeps quoted fields, CRLF, a header-only file and auto-detected untyped columns working', async () => {
    const path = await file(
      `${kind}-mixed.csv`,
      'id,name,aum,seen\r\n1,"Smith, Jo",10.5,2024-01-31 10:00:00\r\n2,"say ""hi""",,2024-02-01T00:00:00Z\r\n',
    );
    await wh.createTableFromFile('mixed', path, { columnTypes: { seen: 'timestamp' }, replace: true });
    const t = await wh.query(`SELECT * FROM ${wh.quoteIdentifier('mixed')} ORDER BY id`);
    expect(t.getChild('name')?.toArray()).toEqual(['Smith, Jo', 'say "hi"']);
    expect([t.getChild('aum')?.get(0), t.getChild('aum')?.get(1)]).toEqual([10.5, null]);
    expect([t.getChild('seen')?.get(0), t.getChild('seen')?.get(1)]).toEqual([
      utc(2024, 1, 31, 10),
      utc(2024, 2, 1),
    ]);

    const header = await file(`${kind}-header.csv`, 'id,seen\n');
    await wh.createTableFromFile('header_only', header, {
      columnTypes: { seen: 'timestamp' },
      replace: true,
    });
    expect((await wh.describeTable('header_only')).rowCount).toBe(0);
  });

  it('refuses a typed column missing from the header and a record with too many fields', async () => {
    const path = await file(`${kind}-short.csv`, 'id,x\n1,2\n2,3,4\n');
    await expect(wh.createTableFromFile('short', path, { columnTypes: { y: 'int' } })).rejects.toThrow(
      SchemaError,
    );
    await expect(wh.createTableFromFile('short', path, { columnTypes: { x: 'int' } })).rejects.toThrow(
      /^line 3 of ".*short\.csv" has 3 fields, expected 2 as in the header$/,
    );
  });

  it('a refused file leaves a table it would have replaced untouched', async () => {
    const good = await file(`${kind}-keep.csv`, 'id,n\n1,5\n');
    const bad = await file(`${kind}-keep-bad.csv`, 'id,n\n1,5.5\n');
    await wh.createTableFromFile('keep', good, { columnTypes: { n: 'int' }, replace: true });
    await expect(
      wh.createTableFromFile('keep', bad, { columnTypes: { n: 'int' }, replace: true }),
    ).rejects.toThrow(CsvValueError);
    const t = await wh.query(`SELECT n FROM ${wh.quoteIdentifier('keep')}`);
    expect(t.getChild('n')?.get(0)).toBe(5n);
  });
});

describe('checkCsvValues', () => {
  it('gives the same verdict whatever the read size (records split across reads)', async () => {
    const text =
      '\uFEFFid,note,ts\r\n1,"a\r\nb ""q""",2024-01-31 10:00:00\r\n2,,\r\n\r\n3,"x,y",2024-02-30 10:00:00\r\n4,z,bad\r\n';
    const path = await file('split.csv', text);
    const whole = (await checkCsvValues(path, { ts: 'timestamp' }).catch((e: unknown) => e)) as CsvValueError;
    expect(whole).toMatchObject({ line: 6, value: '2024-02-30 10:00:00', badValues: { ts: 2 } });
    for (let chunkBytes = 1; chunkBytes <= 9; chunkBytes++) {
      const e = await checkCsvValues(path, { ts: 'timestamp' }, { chunkBytes }).catch((x: unknown) => x);
      expect(e).toMatchObject({ line: 6, value: '2024-02-30 10:00:00', badValues: { ts: 2 } });
    }
    const ok = await file('split-ok.csv', text.replace('2024-02-30', '2024-02-28').replace('bad', ''));
    for (const chunkBytes of [1, 2, 3, 1 << 20]) {
      expect(await checkCsvValues(ok, { ts: 'timestamp', note: 'string' }, { chunkBytes })).toEqual({
        columns: ['id', 'note', 'ts'],
        rows: 4,
      });
    }
  });

  it('reads .gz files and tab-separated ones', async () => {
    const path = await file('t.tsv.gz', gzipSync('id\tn\n1\t2\n2\t2.5\n'));
    await expect(checkCsvValues(path, { n: 'int' }, { delimiter: '\t' })).rejects.toMatchObject({
      line: 3,
      value: '2.5',
    });
  });

  it('refuses a missing file and an unterminated quote', async () => {
    await expect(checkCsvValues(join(dir, 'nope.csv'), {})).rejects.toThrow(InvalidArgumentError);
    const path = await file('open-quote.csv', 'id,n\n1,"2\n');
    await expect(checkCsvValues(path, { n: 'int' })).rejects.toThrow(
      /^line 2 of .* unterminated quoted field/,
    );
  });
});
