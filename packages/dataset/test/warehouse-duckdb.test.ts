import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledError, DataError, InvalidArgumentError, WarehouseError } from '@leadscore/core';
import {
  DateDay,
  Float64,
  Int32,
  Table,
  TimestampMillisecond,
  tableFromArrays,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DuckDbWarehouse, openDuckDbWarehouse } from '../src/warehouse/duckdb.js';
import { openWarehouse } from '../src/warehouse/open.js';

let wh: DuckDbWarehouse;
let dir: string;

beforeAll(async () => {
  wh = await openWarehouse({ kind: 'duckdb', path: ':memory:' });
  dir = await mkdtemp(join(tmpdir(), 'leadscore-wh-'));
});
afterAll(async () => {
  await wh.close();
  await rm(dir, { recursive: true, force: true });
});

describe('DuckDB warehouse: query to Arrow', () => {
  it('converts every contract type column-wise with nulls in place', async () => {
    const t = await wh.query(
      `SELECT * FROM (VALUES
        (1, 1.5, 'a', DATE '2024-03-31', TIMESTAMP '2024-04-01 10:30:00', true, 10::BIGINT, 7::TINYINT),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (3, -2.25, 'ünï', DATE '1999-12-31', TIMESTAMP '1970-01-01 00:00:00.001', false, -5::BIGINT, -1::TINYINT)
      ) v(i, f, s, d, ts, b, big, tiny)`,
    );
    expect(t.numRows).toBe(3);
    expect(t.schema.fields.map((f) => String(f.type))).toEqual([
      'Int32',
      'Float64',
      'Utf8',
      'Date32<DAY>',
      'Timestamp<MICROSECOND>',
      'Bool',
      'Int64',
      'Int8',
    ]);
    const row = (i: number) => t.get(i)?.toJSON();
    expect(row(0)).toEqual({
      i: 1,
      f: 1.5,
      s: 'a',
      d: Date.UTC(2024, 2, 31),
      ts: Date.UTC(2024, 3, 1, 10, 30),
      b: true,
      big: 10n,
      tiny: 7,
    });
    expect(Object.values(row(1) ?? {})).toEqual([null, null, null, null, null, null, null, null]);
    expect(row(2)).toEqual({
      i: 3,
      f: -2.25,
      s: 'ünï',
      d: Date.UTC(1999, 11, 31),
      ts: 1,
      b: false,
      big: -5n,
      tiny: -1,
    });
  });

  it('keeps values and null positions across many DuckDB chunks', async () => {
    const t = await wh.query(
      `SELECT range AS i, CASE WHEN range % 7 = 0 THEN NULL ELSE range * 0.5 END AS x,
              CASE WHEN range % 5 = 0 THEN NULL ELSE 'r' || range END AS s
       FROM range(10000) ORDER BY i`,
    );
    expect(t.numRows).toBe(10000);
    const x = t.getChild('x');
    const s = t.getChild('s');
    let nullsX = 0;
    for (let i = 0; i < 10000; i++) {
      if (i % 7 === 0) {
        expect(x?.get(i)).toBeNull();
        nullsX++;
      } else if (x?.get(i) !== i * 0.5) throw new Error(`x[${i}] = ${x?.get(i)}`);
      if (s?.get(i) !== (i % 5 === 0 ? null : `r${i}`)) throw new Error(`s[${i}] = ${s?.get(i)}`);
    }
    expect(x?.nullCount).toBe(nullsX);
  });

  it('reads booleans and short, long and non-ASCII strings with nulls across chunks byte-exactly', async () => {
    // Strings of 0..30 bytes cross DuckDB's 12-byte inline limit; the long ones repeat (dictionary
    // pointers shared within a chunk) and contain 2-byte UTF-8 characters.
    const expected = (i: number) => (i % 11 === 0 ? null : `${'é'.repeat(i % 7)}${'x'.repeat(i % 17)}`);
    const bool = (i: number) => (i % 3 === 0 ? null : i % 2 === 0);
    const t = await wh.query(
      `SELECT range AS i,
              CASE WHEN range % 11 = 0 THEN NULL ELSE repeat('é', (range % 7)::INT) || repeat('x', (range % 17)::INT) END AS s,
              CASE WHEN range % 3 = 0 THEN NULL ELSE range % 2 = 0 END AS b
       FROM range(5000) ORDER BY i`,
    );
    const s = t.getChild('s');
    const b = t.getChild('b');
    for (let i = 0; i < 5000; i++) {
      if (s?.get(i) !== expected(i)) throw new Error(`s[${i}] = ${s?.get(i)}, expected ${expected(i)}`);
      if (b?.get(i) !== bool(i)) throw new Error(`b[${i}] = ${b?.get(i)}, expected ${bool(i)}`);
    }
    expect(s?.nullCount).toBe(Math.ceil(5000 / 11));
    expect(b?.nullCount).toBe(Math.ceil(5000 / 3));
    // No bit set under a NULL: the raw data bitmap agrees with the values.
    const data = b?.data[0]?.values as Uint8Array;
    for (let i = 0; i < 5000; i += 3) expect(data[i >> 3]! & (1 << (i & 7))).toBe(0);
  });

  it('takes named parameters, including dates and bigints', async () => {
    const t = await wh.query('SELECT $a + 1 AS a, $b AS b, CAST($d AS DATE) AS d, $big AS big, $ts AS ts', {
      params: {
        a: 41,
        b: "x'; DROP TABLE t; --",
        d: '2024-02-29',
        big: 2n ** 40n,
        ts: new Date(Date.UTC(2024, 0, 2)),
      },
    });
    expect(t.get(0)?.toJSON()).toEqual({
      a: 42,
      b: "x'; DROP TABLE t; --",
      d: Date.UTC(2024, 1, 29),
      big: 2n ** 40n,
      ts: Date.UTC(2024, 0, 2),
    });
  });

  it('streams record batches of the requested size', async () => {
    const local = await openDuckDbWarehouse({ path: ':memory:', batchRows: 4096 });
    try {
      const sizes: number[] = [];
      let sum = 0;
      for await (const batch of local.queryBatches('SELECT range::DOUBLE AS v FROM range(10000)')) {
        sizes.push(batch.numRows);
        const col = batch.getChild('v');
        for (let i = 0; i < batch.numRows; i++) sum += col?.get(i) as number;
      }
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(10000);
      expect(sizes.slice(0, -1).every((n) => n >= 4096)).toBe(true);
      expect(sum).toBe((9999 * 10000) / 2);
    } finally {
      await local.close();
    }
  });
});

describe('DuckDB warehouse: streaming lifecycle', () => {
  it('releases a stream left early and cancels one on abort', async () => {
    let seen = 0;
    for await (const batch of wh.queryBatches('SELECT range AS v FROM range(500000)')) {
      seen += batch.numRows;
      break;
    }
    expect(seen).toBeGreaterThan(0);
    const controller = new AbortController();
    const consume = async () => {
      for await (const _ of wh.queryBatches('SELECT range AS v FROM range(5000000)', {
        signal: controller.signal,
      })) {
        controller.abort();
      }
    };
    await expect(consume()).rejects.toBeInstanceOf(CancelledError);
    expect((await wh.query('SELECT 7 AS seven')).get(0)?.toJSON()).toEqual({ seven: 7 });
  });
});

describe('DuckDB warehouse: tables', () => {
  it('round-trips an Arrow table through createTableFromArrow', async () => {
    const src = tableFromArrays({
      id: ['a', 'b', 'c'],
      x: Float64Array.from([1.25, Number.NaN, -3]),
      n: Int32Array.from([1, 2, 3]),
    });
    await wh.createTableFromArrow('rt', src);
    const back = await wh.query('SELECT id, x, n, x IS NULL AS xnull FROM rt ORDER BY id');
    expect(back.getChild('id')?.toArray()).toEqual(['a', 'b', 'c']);
    expect(back.getChild('x')?.get(0)).toBe(1.25);
    expect(Number.isNaN(back.getChild('x')?.get(1))).toBe(true);
    expect(Array.from(back.getChild('n')?.toArray() ?? [])).toEqual([1, 2, 3]);
    await expect(wh.createTableFromArrow('rt', src)).rejects.toThrow(/already exists/);
    await wh.createTableFromArrow('rt', src.slice(0, 1), { replace: true });
    expect((await wh.describeTable('rt')).rowCount).toBe(1);
  });

  it('writes typed columns with nulls through the typed-array path, honouring slice offsets', async () => {
    const n = 5000;
    const src = new Table({
      f: vectorFromArray(
        Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : i * 0.25)),
        new Float64(),
      ),
      i: vectorFromArray(
        Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : i - 2500)),
        new Int32(),
      ),
      d: vectorFromArray(
        Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : new Date(Date.UTC(2020, 0, 1 + i)))),
        new DateDay(),
      ),
      t: vectorFromArray(
        Array.from({ length: n }, (_, i) =>
          i % 11 === 0 ? null : new Date(Date.UTC(2024, 0, 1) + i * 1001),
        ),
        new TimestampMillisecond(),
      ),
      s: vectorFromArray(
        Array.from({ length: n }, (_, i) =>
          i % 13 === 0 ? null : i % 2 ? `short${i % 10}` : `a much longer string ${i}`,
        ),
        new Utf8(),
      ),
    });
    const sliced = src.slice(3);
    await wh.createTableFromArrow('typed', sliced, { replace: true });
    const back = await wh.query('SELECT * FROM typed');
    expect(back.numRows).toBe(n - 3);
    for (const name of ['f', 'i', 'd', 't', 's'] as const) {
      const a = sliced.getChild(name);
      const b = back.getChild(name);
      for (let k = 0; k < n - 3; k++) {
        if (a?.get(k) !== b?.get(k)) throw new Error(`${name}[${k}]: ${a?.get(k)} != ${b?.get(k)}`);
      }
      expect(b?.nullCount).toBe(a?.nullCount);
    }
  });

  it('loads CSV with explicit types and refuses a malformed date with a DataError', async () => {
    const good = join(dir, 'good.csv');
    await writeFile(good, 'rep_id,snapshot_date,aum\nr1,2024-03-31,10.5\nr2,2024-06-30,\n');
    await wh.createTableFromFile('snaps_csv', good, {
      columnTypes: { snapshot_date: 'date', aum: 'float' },
    });
    const d = await wh.describeTable('snaps_csv');
    expect(d.columns.map((c) => [c.name, c.type])).toEqual([
      ['rep_id', 'VARCHAR'],
      ['snapshot_date', 'DATE'],
      ['aum', 'DOUBLE'],
    ]);
    expect(d.rowCount).toBe(2);
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'rep_id,snapshot_date\nr1,2024-03-31\nr2,2024-13-45\n');
    const err = await wh
      .createTableFromFile('snaps_bad', bad, { columnTypes: { snapshot_date: 'date' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err).toMatchObject({
      line: 3,
      column: 'snapshot_date',
      value: '2024-13-45',
      expectedType: 'date',
    });
    expect((err as Error).message).toBe(
      `column snapshot_date must hold date values, found "2024-13-45" on line 3 of ${bad} (expected an ISO date like 2024-01-31)`,
    );
    expect(await wh.tableExists('snaps_bad')).toBe(false);
  });

  it('loads Parquet files with their own types', async () => {
    const path = join(dir, 'snaps.parquet');
    await wh.execute(
      `COPY (SELECT 'r' || range AS rep_id, DATE '2024-03-31' AS snapshot_date, range * 2.5 AS aum FROM range(3)) TO '${path}' (FORMAT parquet)`,
    );
    await wh.createTableFromFile('snaps_pq', path);
    const d = await wh.describeTable('snaps_pq');
    expect(d.columns.map((c) => c.type)).toEqual(['VARCHAR', 'DATE', 'DECIMAL(21,1)']);
    expect(d.rowCount).toBe(3);
    await expect(wh.createTableFromFile('x', join(dir, 'snaps.xlsx'))).rejects.toThrow(/^path must end in/);
  });

  it('honours UTC offsets in CSV timestamps and stores naive UTC', async () => {
    const path = join(dir, 'ts.csv');
    await writeFile(
      path,
      'id,seen\na,2024-01-01T10:00:00Z\nb,2024-01-01 10:00:00\nc,2024-01-01T10:00:00.123+02:00\n',
    );
    await wh.createTableFromFile('ts_csv', path, { columnTypes: { seen: 'timestamp' } });
    expect((await wh.describeTable('ts_csv')).columns.map((c) => c.type)).toEqual(['VARCHAR', 'TIMESTAMP']);
    const t = await wh.query('SELECT seen FROM ts_csv ORDER BY id');
    expect(Array.from({ length: 3 }, (_, i) => t.getChild('seen')?.get(i))).toEqual([
      Date.UTC(2024, 0, 1, 10),
      Date.UTC(2024, 0, 1, 10),
      Date.UTC(2024, 0, 1, 8, 0, 0, 123),
    ]);
  });

  it('fingerprints content: any changed value, row or type changes it; same content same print', async () => {
    await wh.execute('CREATE TABLE fp1 AS SELECT range AS i, range * 2.0 AS x FROM range(100)');
    await wh.execute('CREATE TABLE fp2 AS SELECT * FROM fp1 ORDER BY i DESC');
    const a = await wh.describeTable('fp1');
    const b = await wh.describeTable('fp2');
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(b.fingerprint).toBe(a.fingerprint);
    await wh.execute('UPDATE fp2 SET x = 1.0 WHERE i = 50');
    expect((await wh.describeTable('fp2')).fingerprint).not.toBe(a.fingerprint);
    await wh.execute('CREATE TABLE fp3 AS SELECT * FROM fp1 UNION ALL SELECT * FROM fp1 WHERE i = 3');
    expect((await wh.describeTable('fp3')).fingerprint).not.toBe(a.fingerprint);
    await wh.execute('CREATE TABLE fp4 AS SELECT i::INTEGER AS i, x FROM fp1');
    expect((await wh.describeTable('fp4')).fingerprint).not.toBe(a.fingerprint);
  });

  it('reports existence and drops tables', async () => {
    await wh.execute('CREATE TABLE gone AS SELECT 1 AS a');
    expect(await wh.tableExists('gone')).toBe(true);
    expect(await wh.tableExists('main.gone')).toBe(true);
    await wh.dropTable('gone');
    expect(await wh.tableExists('gone')).toBe(false);
    await expect(wh.dropTable('gone')).rejects.toBeInstanceOf(WarehouseError);
    await wh.dropTable('gone', { ifExists: true });
  });

  it('refuses hostile table names before running anything', async () => {
    await wh.execute('CREATE TABLE victim AS SELECT 1 AS a');
    const hostile = ['victim; DROP TABLE victim', 'victim"--', 'a.b.c.d', '', '1abc', 'x y'];
    for (const name of hostile) {
      await expect(wh.describeTable(name)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(wh.dropTable(name)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(wh.tableExists(name)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(wh.createTableFromArrow(name, tableFromArrays({ a: [1] }))).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    }
    expect(await wh.tableExists('victim')).toBe(true);
    await expect(wh.dropTable('victim; DROP TABLE victim')).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: name must be dot-separated identifiers matching /^[A-Za-z_][A-Za-z0-9_]*$/, found "victim; DROP TABLE victim"]`,
    );
  });

  it('persists tables in a database file across reopen', async () => {
    const path = join(dir, 'wh.duckdb');
    const first = await openWarehouse({ kind: 'duckdb', path });
    await first.createTableFromArrow('kept', tableFromArrays({ a: Int32Array.from([4, 5]) }));
    const before = await first.describeTable('kept');
    await first.close();
    await expect(first.query('SELECT 1')).rejects.toThrow(/^warehouse is closed/);
    const second = await openWarehouse({ kind: 'duckdb', path });
    try {
      expect(await second.describeTable('kept')).toEqual(before);
    } finally {
      await second.close();
    }
  });

  it('refuses unknown warehouse kinds and bad options', async () => {
    await expect(openWarehouse({ kind: 'oracle' } as never)).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: options.kind must be 'duckdb' or 'bigquery', found "oracle"]`,
    );
    await expect(openWarehouse({ kind: 'duckdb', path: '' })).rejects.toThrow(/^options\.path: must be/);
    await expect(openWarehouse({ kind: 'duckdb', path: ':memory:', threads: 0 })).rejects.toThrow(
      /^options\.threads: must be an integer in \[1, 1024\], found 0$/,
    );
  });

  it('wraps SQL errors and cancels on abort', async () => {
    await expect(wh.query('SELECT * FROM no_such_table')).rejects.toThrow(/^sql failed: Catalog Error/);
    const controller = new AbortController();
    controller.abort();
    await expect(wh.query('SELECT 1', { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    const slow = new AbortController();
    const pending = wh.query('SELECT count(*) FROM range(3000000000) a', { signal: slow.signal });
    setTimeout(() => slow.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect((await wh.query('SELECT 2 AS two')).get(0)?.toJSON()).toEqual({ two: 2 });
  });
});
