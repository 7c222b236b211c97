import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledError, InvalidArgumentError, ValidationError, WarehouseError } from '@leadscore/core';
import {
  DateDay,
  makeData,
  makeVector,
  type RecordBatch,
  Table,
  TimestampMillisecond,
  tableFromArrays,
  vectorFromArray,
} from 'apache-arrow';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type BigQueryWarehouseOptions, openBigQueryWarehouse } from '../src/warehouse/bigquery.js';
import type { WarehouseProgress } from '../src/warehouse/types.js';
import {
  type FakeBigQuery,
  type RecordedRequest,
  startFakeBigQuery,
} from './helpers/fake-bigquery-server.js';

let fake: FakeBigQuery;
let warnings: string[];
let sleeps: number[];
let jobCounter: number;

beforeAll(async () => {
  fake = await startFakeBigQuery({ projectId: 'acme-ml', datasets: ['leadscore', 'other'] });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  warnings = [];
  sleeps = [];
  jobCounter = 0;
  fake.reset();
});

/** Opens a warehouse on the fake: no real sleeping, deterministic job ids, warnings collected. */
function open(options: Partial<BigQueryWarehouseOptions> = {}) {
  return openBigQueryWarehouse({
    projectId: 'acme-ml',
    dataset: 'leadscore',
    apiEndpoint: fake.url,
    anonymous: true,
    dryRun: false,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    logger: { warn: (m) => warnings.push(m) },
    createJobId: () => `job_${++jobCounter}`,
    ...options,
  });
}

function requestsSince(start: number): RecordedRequest[] {
  return fake.requests.slice(start);
}

/** The `configuration.load` of the first upload since request index `since`. */
function uploadedLoad(since: number): Record<string, unknown> {
  const upload = requestsSince(since).find((r) => r.path.startsWith('/upload/'));
  expect(upload?.query.uploadType).toBe('multipart');
  const body = upload?.body as { metadata: { configuration: { load: Record<string, unknown> } } };
  return body.metadata.configuration.load;
}

function jobInserts(since: number): RecordedRequest[] {
  return requestsSince(since).filter((r) => r.method === 'POST' && r.path.endsWith('/jobs'));
}

const DAY = 86_400_000;

describe('queries', () => {
  test('named parameters of every type reach BigQuery typed, never spliced into the SQL', async () => {
    const wh = await open();
    const start = fake.requests.length;
    const sql =
      'SELECT @s AS s, @i AS i, @f AS f, @b AS b, @d AS d, @ts AS ts, @n IS NULL AS n_is_null, ' +
      'DATE_DIFF(@d, DATE "2024-01-01", DAY) AS days';
    const table = await wh.query(sql, {
      params: {
        s: 'O\'Brien \\ "quoted"',
        i: 42,
        f: 0.25,
        b: true,
        d: '2024-03-31',
        ts: new Date('2024-03-31T12:34:56.789Z'),
        n: null,
      },
      paramTypes: { d: 'DATE', n: 'INT64' },
      labels: { step: 'test' },
    });
    const row = table.get(0)?.toJSON();
    expect(row).toEqual({
      s: 'O\'Brien \\ "quoted"',
      i: 42n,
      f: 0.25,
      b: true,
      d: Date.UTC(2024, 2, 31),
      ts: Date.UTC(2024, 2, 31, 12, 34, 56, 789),
      n_is_null: true,
      days: 90n,
    });
    const [insert] = jobInserts(start);
    const body = insert?.body as { configuration: { query: Record<string, unknown>; labels: unknown } };
    expect(body.configuration.query.query).toBe(sql);
    expect(body.configuration.query.parameterMode).toBe('NAMED');
    expect(body.configuration.query.useLegacySql).toBe(false);
    expect(body.configuration.query.defaultDataset).toEqual({ projectId: 'acme-ml', datasetId: 'leadscore' });
    expect(body.configuration.query.queryParameters).toEqual([
      { name: 's', parameterType: { type: 'STRING' }, parameterValue: { value: 'O\'Brien \\ "quoted"' } },
      { name: 'i', parameterType: { type: 'INT64' }, parameterValue: { value: '42' } },
      { name: 'f', parameterType: { type: 'FLOAT64' }, parameterValue: { value: '0.25' } },
      { name: 'b', parameterType: { type: 'BOOL' }, parameterValue: { value: 'true' } },
      { name: 'd', parameterType: { type: 'DATE' }, parameterValue: { value: '2024-03-31' } },
      {
        name: 'ts',
        parameterType: { type: 'TIMESTAMP' },
        parameterValue: { value: '2024-03-31 12:34:56.789+00:00' },
      },
      { name: 'n', parameterType: { type: 'INT64' }, parameterValue: {} },
    ]);
    expect(body.configuration.labels).toEqual({ step: 'test' });
  });

  test('dates before year 1000 keep four-digit years in parameters', async () => {
    const wh = await open();
    const start = fake.requests.length;
    const early = new Date(Date.UTC(2000, 4, 1, 6, 7, 8, 9));
    early.setUTCFullYear(99);
    const table = await wh.query('SELECT @d AS d, @t AS t', {
      params: { d: early, t: early },
      paramTypes: { d: 'DATE' },
    });
    const day = new Date(0);
    day.setUTCFullYear(99, 4, 1);
    expect(table.get(0)?.toJSON()).toEqual({ d: day.getTime(), t: early.getTime() });
    const body = jobInserts(start)[0]?.body as {
      configuration: { query: { queryParameters: { parameterValue: { value: string } }[] } };
    };
    const params = body.configuration.query.queryParameters.map((p) => p.parameterValue.value);
    expect(params).toEqual(['0099-05-01', '0099-05-01 06:07:08.009+00:00']);
  });

  test('BigQuery types map to Arrow types, nulls included', async () => {
    const wh = await open();
    const table = await wh.query(
      `SELECT CAST(x AS STRING) AS s, x AS i, x / 2 AS f, x > 1 AS b,
             DATE_ADD(DATE '1969-12-30', INTERVAL x DAY) AS d,
             TIMESTAMP_ADD(TIMESTAMP '1969-12-31 23:59:59.9995', INTERVAL x DAY) AS ts
           FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT NULL) ORDER BY x NULLS LAST`,
    );
    expect(table.schema.fields.map((f) => `${f.name}: ${f.type}`)).toEqual([
      's: Utf8',
      'i: Int64',
      'f: Float64',
      'b: Bool',
      'd: Date32<DAY>',
      'ts: Timestamp<MILLISECOND, UTC>',
    ]);
    expect(table.toArray().map((r) => r.toJSON())).toEqual([
      // 1969-12-31 23:59:59.9995 + 1 day: sub-millisecond parts are floored, also before 1970.
      { s: '1', i: 1n, f: 0.5, b: false, d: -DAY, ts: 86_399_999 },
      { s: '2', i: 2n, f: 1, b: true, d: 0, ts: 86_400_000 + 86_399_999 },
      { s: null, i: null, f: null, b: null, d: null, ts: null },
    ]);
  });

  test('results are read page by page with progress, as record batches', async () => {
    const wh = await open({ pageSize: 10 });
    await fake.duckdb('CREATE OR REPLACE TABLE numbers AS SELECT range AS n FROM range(25)');
    const progress: WarehouseProgress[] = [];
    const start = fake.requests.length;
    const batches: RecordBatch[] = [];
    for await (const batch of wh.queryBatches('SELECT n FROM numbers ORDER BY n', {
      onProgress: (p) => progress.push(p),
    })) {
      batches.push(batch);
    }
    expect(batches.map((b) => b.numRows)).toEqual([10, 10, 5]);
    const values = new Table(batches).getChild('n')?.toArray() as BigInt64Array;
    expect(Array.from(values)).toEqual(Array.from({ length: 25 }, (_, i) => BigInt(i)));
    expect(progress).toEqual([
      { phase: 'query', rows: 0 },
      { phase: 'page', rows: 10, totalRows: 25 },
      { phase: 'page', rows: 20, totalRows: 25 },
      { phase: 'page', rows: 25, totalRows: 25 },
    ]);
    const pages = requestsSince(start).filter((r) => r.path.includes('/queries/'));
    expect(pages.map((r) => [r.query.maxResults, r.query.pageToken])).toEqual([
      ['10', undefined],
      ['10', '10'],
      ['10', '20'],
    ]);
    const table = await wh.query('SELECT n FROM numbers WHERE n < 0');
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map(String)).toEqual(['n: Int64']);
  });

  test('execute runs DDL; bare names resolve against the dataset, dataset.table against the project', async () => {
    const wh = await open();
    await wh.execute('CREATE OR REPLACE TABLE `other.copied` AS SELECT 7 AS seven');
    const t = await wh.query(`SELECT seven FROM ${wh.quoteIdentifier('acme-ml.other.copied')}`);
    expect(t.getChild('seven')?.get(0)).toBe(7n);
    expect(await wh.tableExists('other.copied')).toBe(true);
    expect(await wh.tableExists('copied')).toBe(false);
    expect(wh.resolveTableName('copied')).toBe('acme-ml.leadscore.copied');
    await wh.dropTable('other.copied');
    expect(await wh.tableExists('other.copied')).toBe(false);
  });
});

function sampleTable(): Table {
  const days = new Int32Array([19_000, -1, 0]);
  const millis = new BigInt64Array([1_700_000_000_123n, -1n, 0n]);
  return new Table({
    lead_id: vectorFromArray(['L1', 'L2', null]),
    n: vectorFromArray([1n, null, -9_007_199_254_740_993n]),
    aum: vectorFromArray([1.5, Number.NaN, null]),
    converted: vectorFromArray([true, false, null]),
    snapshot_date: makeVector(
      makeData({
        type: new DateDay(),
        length: 3,
        nullCount: 1,
        nullBitmap: new Uint8Array([0b011]),
        data: days,
      }),
    ),
    contacted_at: makeVector(
      makeData({ type: new TimestampMillisecond('UTC'), length: 3, nullCount: 0, data: millis }),
    ),
    state: tableFromArrays({ state: ['CA', 'NY', 'CA'] }).getChild('state') as never,
  });
}

describe('tables', () => {
  test('createTableFromArrow loads NDJSON through a load job and reads back identical', async () => {
    const wh = await open();
    await wh.dropTable('loaded', { ifExists: true });
    const start = fake.requests.length;
    const progress: WarehouseProgress[] = [];
    await wh.createTableFromArrow('loaded', sampleTable(), { onProgress: (p) => progress.push(p) });
    const load = uploadedLoad(start);
    expect(load.sourceFormat).toBe('NEWLINE_DELIMITED_JSON');
    expect(load.writeDisposition).toBe('WRITE_EMPTY');
    expect(load.destinationTable).toEqual({
      projectId: 'acme-ml',
      datasetId: 'leadscore',
      tableId: 'loaded',
    });
    expect((load.schema as { fields: { name: string; type: string }[] }).fields.map((f) => f.type)).toEqual([
      'STRING',
      'INT64',
      'FLOAT64',
      'BOOL',
      'DATE',
      'TIMESTAMP',
      'STRING',
    ]);
    // The upload reports RUNNING; the warehouse polls jobs.get until DONE.
    expect(requestsSince(start).some((r) => r.method === 'GET' && r.path.endsWith('/jobs/job_1'))).toBe(true);
    expect(progress.at(-1)).toEqual({ phase: 'done', rows: 3 });

    const back = await wh.query('SELECT * FROM loaded ORDER BY lead_id NULLS LAST');
    expect(back.toArray().map((r) => r.toJSON())).toEqual([
      {
        lead_id: 'L1',
        n: 1n,
        aum: 1.5,
        converted: true,
        snapshot_date: 19_000 * DAY,
        contacted_at: 1_700_000_000_123,
        state: 'CA',
      },
      {
        lead_id: 'L2',
        n: null,
        aum: Number.NaN,
        converted: false,
        snapshot_date: -DAY,
        contacted_at: -1,
        state: 'NY',
      },
      {
        lead_id: null,
        n: -9_007_199_254_740_993n,
        aum: null,
        converted: null,
        snapshot_date: null,
        contacted_at: 0,
        state: 'CA',
      },
    ]);
  });

  test('an existing table is an error unless replace, which truncates', async () => {
    const wh = await open();
    await wh.createTableFromArrow('dupe', tableFromArrays({ x: [1, 2] }), { replace: true });
    const start = fake.requests.length;
    const error = await wh.createTableFromArrow('dupe', tableFromArrays({ x: [3] })).catch((e) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    expect(error.message).toMatchInlineSnapshot(
      `"name "dupe" already exists (acme-ml.leadscore.dupe); pass replace: true to overwrite it"`,
    );
    expect(requestsSince(start).some((r) => r.path.startsWith('/upload/'))).toBe(false);
    await wh.createTableFromArrow('dupe', tableFromArrays({ x: [3] }), { replace: true });
    expect(uploadedLoad(start).writeDisposition).toBe('WRITE_TRUNCATE');
    const t = await wh.query('SELECT x FROM dupe');
    expect(Array.from(t.getChild('x')?.toArray() as Float64Array)).toEqual([3]);
  });

  test('a failed upload is retried under the same job id; a failing load names its job', async () => {
    const wh = await open();
    const start = fake.requests.length;
    fake.failNext({ path: /^\/upload\//, status: 503, reason: 'backendError', message: 'try again' });
    await wh.createTableFromArrow('retried_load', tableFromArrays({ x: [1, 2, 3] }), { replace: true });
    const uploads = requestsSince(start).filter((r) => r.path.startsWith('/upload/'));
    expect(uploads).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect((await wh.describeTable('retried_load')).rowCount).toBe(3);

    // A table created by someone else between the existence check and the load: WRITE_EMPTY fails.
    await fake.duckdb('CREATE TABLE raced AS SELECT 1 AS x');
    fake.failNext({
      method: 'GET',
      path: /\/tables\/raced$/,
      status: 404,
      reason: 'notFound',
      message: 'Not found: Table',
    });
    await expect(
      wh.createTableFromArrow('raced', tableFromArrays({ x: [9] })),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[WarehouseError: BigQuery job job_3 failed: duplicate: Already Exists: Table acme-ml:leadscore.raced]`,
    );
  });

  test('createTableFromFile loads CSV and Parquet', async () => {
    const wh = await open();
    const dir = tmpdir();
    const csv = join(dir, `bq-test-${process.pid}.csv`);
    const parquet = join(dir, `bq-test-${process.pid}.parquet`);
    const { writeFile, rm } = await import('node:fs/promises');
    await writeFile(csv, 'rep_id,aum,snapshot_date\nR1,100.5,2024-03-31\nR2,,2024-06-30\n');
    await fake.duckdb(
      `COPY (SELECT 'R' || range AS rep_id, range * 2 AS k FROM range(4)) TO '${parquet}' (FORMAT parquet)`,
    );
    try {
      await wh.createTableFromFile('from_csv', csv, { replace: true });
      await wh.createTableFromFile('from_parquet', parquet, { replace: true });
      const a = await wh.query('SELECT rep_id, aum, snapshot_date FROM from_csv ORDER BY rep_id');
      expect(a.toArray().map((r) => r.toJSON())).toEqual([
        { rep_id: 'R1', aum: 100.5, snapshot_date: Date.UTC(2024, 2, 31) },
        { rep_id: 'R2', aum: null, snapshot_date: Date.UTC(2024, 5, 30) },
      ]);
      const b = await wh.query('SELECT SUM(k) AS total, COUNT(*) AS n FROM from_parquet');
      expect(b.get(0)?.toJSON()).toEqual({ total: 12n, n: 4n });
      await expect(wh.createTableFromFile('x', join(dir, 'data.json'))).rejects.toThrow(InvalidArgumentError);
      await expect(
        wh.createTableFromFile('x', 'no/such/file.csv'),
      ).rejects.toThrowErrorMatchingInlineSnapshot(
        `[InvalidArgumentError: path must be a readable file, found "no/such/file.csv"]`,
      );
    } finally {
      await rm(csv, { force: true });
      await rm(parquet, { force: true });
    }
  });

  test('createTableFromFile with columnTypes casts after loading; a malformed value fails naming it', async () => {
    const wh = await open();
    const { writeFile, rm } = await import('node:fs/promises');
    const good = join(tmpdir(), `bq-typed-${process.pid}.tsv`);
    const bad = join(tmpdir(), `bq-typed-bad-${process.pid}.csv`);
    await writeFile(good, 'rep_id\tn\tsnapshot_date\n007\t1\t2024-03-31\n010\t2\t2024-06-30\n');
    await writeFile(bad, 'rep_id,snapshot_date\nR1,2024-03-31\nR2,2024-02-30\n');
    try {
      await wh.createTableFromFile('typed', good, {
        columnTypes: { rep_id: 'string', n: 'float', snapshot_date: 'date' },
      });
      const t = await wh.query('SELECT * FROM typed ORDER BY rep_id');
      expect(t.schema.fields.map(String)).toEqual([
        'rep_id: Utf8',
        'n: Float64',
        'snapshot_date: Date32<DAY>',
      ]);
      // Autodetection alone would have read rep_id as the integers 7 and 10.
      expect(t.getChild('rep_id')?.toArray()).toEqual(['007', '010']);
      await expect(
        wh.createTableFromFile('typed_bad', bad, { columnTypes: { snapshot_date: 'date' } }),
      ).rejects.toMatchObject({
        code: 'INVALID_DATA',
        line: 3,
        column: 'snapshot_date',
        value: '2024-02-30',
      });
      expect(await wh.tableExists('typed_bad')).toBe(false);
      await expect(
        wh.createTableFromFile('typed_bad', bad, { columnTypes: { snapshot_dt: 'date' } }),
      ).rejects.toThrow(/columnTypes names columns missing from .*\["snapshot_dt"\]/);
      const leftovers = await fake.duckdb(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '%leadscore_stage%'",
      );
      expect(leftovers).toEqual([]);
    } finally {
      await rm(good, { force: true });
      await rm(bad, { force: true });
    }
  });

  test('describeTable: schema, row count, and a fingerprint that follows the content', async () => {
    const wh = await open();
    await wh.createTableFromArrow('described', sampleTable(), { replace: true });
    const first = await wh.describeTable('described');
    expect(first.name).toBe('described');
    expect(first.rowCount).toBe(3);
    expect(first.columns).toEqual([
      { name: 'lead_id', type: 'STRING', nullable: true },
      { name: 'n', type: 'INT64', nullable: true },
      { name: 'aum', type: 'FLOAT64', nullable: true },
      { name: 'converted', type: 'BOOL', nullable: true },
      { name: 'snapshot_date', type: 'DATE', nullable: true },
      { name: 'contacted_at', type: 'TIMESTAMP', nullable: true },
      { name: 'state', type: 'STRING', nullable: true },
    ]);
    expect(first.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect((await wh.describeTable('described')).fingerprint).toBe(first.fingerprint);

    await wh.execute("UPDATE described SET state = 'TX' WHERE lead_id = 'L1'");
    const changed = await wh.describeTable('described');
    expect(changed.fingerprint).not.toBe(first.fingerprint);

    // Two identical rows would cancel under BIT_XOR alone; the fingerprint must still move.
    await wh.createTableFromArrow('pairs', tableFromArrays({ x: [1, 2] }), { replace: true });
    const before = await wh.describeTable('pairs');
    await wh.execute('INSERT INTO pairs (x) VALUES (5), (5)');
    const after = await wh.describeTable('pairs');
    expect(after.rowCount).toBe(4);
    expect(after.fingerprint).not.toBe(before.fingerprint);

    await expect(wh.describeTable('missing_table')).rejects.toThrow(WarehouseError);
    await expect(wh.dropTable('missing_table')).rejects.toThrow(/names no table/);
    await wh.dropTable('missing_table', { ifExists: true });
  });
});

describe('retries', () => {
  test('a 503 then 200 succeeds after one backoff, reusing the job id', async () => {
    const wh = await open({ retryBaseDelayMs: 100, retrySeed: 7 });
    const start = fake.requests.length;
    fake.failNext({
      method: 'POST',
      path: /\/jobs$/,
      status: 503,
      reason: 'backendError',
      message: 'Service unavailable',
    });
    const t = await wh.query('SELECT 1 AS one');
    expect(t.getChild('one')?.get(0)).toBe(1n);
    const inserts = jobInserts(start);
    expect(inserts).toHaveLength(2);
    expect(inserts.map((r) => (r.body as { jobReference: { jobId: string } }).jobReference.jobId)).toEqual([
      'job_1',
      'job_1',
    ]);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(50);
    expect(sleeps[0]).toBeLessThan(100);
    expect(warnings).toEqual([`BigQuery jobs.insert: backendError, retry 1/5 in ${sleeps[0]} ms`]);
  });

  test('rateLimitExceeded (403) and getQueryResults 500s are retried too', async () => {
    const wh = await open({ retryBaseDelayMs: 10 });
    fake.failNext({
      method: 'POST',
      path: /\/jobs$/,
      status: 403,
      reason: 'rateLimitExceeded',
      message: 'Exceeded rate limits',
    });
    fake.failNext({
      method: 'GET',
      path: /\/queries\//,
      status: 500,
      reason: 'internalError',
      message: 'oops',
      times: 2,
    });
    const t = await wh.query('SELECT 2 AS two');
    expect(t.getChild('two')?.get(0)).toBe(2n);
    expect(sleeps).toHaveLength(3);
  });

  test('backoff doubles, is capped, and its jitter is reproducible from the seed', async () => {
    const delays = async (seed: number) => {
      sleeps = [];
      const wh = await open({ retryBaseDelayMs: 100, retryMaxDelayMs: 300, maxRetries: 4, retrySeed: seed });
      fake.failNext({
        method: 'POST',
        path: /\/jobs$/,
        status: 502,
        reason: 'badGateway',
        message: 'bad gateway',
        times: 4,
      });
      await wh.query('SELECT 3 AS three');
      return [...sleeps];
    };
    const a = await delays(11);
    const b = await delays(11);
    expect(a).toEqual(b);
    const bounds = [
      [50, 100],
      [100, 200],
      [150, 300],
      [150, 300],
    ];
    a.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(bounds[i]?.[0] as number);
      expect(ms).toBeLessThanOrEqual(bounds[i]?.[1] as number);
    });
    expect(await delays(12)).not.toEqual(a);
  });

  test('a persistent 503 fails after maxRetries with a clear message', async () => {
    const wh = await open({ maxRetries: 3 });
    const start = fake.requests.length;
    fake.failNext({
      path: /\/jobs$/,
      status: 503,
      reason: 'backendError',
      message: 'Service unavailable',
      times: 10,
    });
    const error = await wh.query('SELECT 1').catch((e) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    expect(error.message).toMatchInlineSnapshot(
      `"BigQuery jobs.insert failed after 4 attempts (maxRetries 3): HTTP 503 backendError: Service unavailable"`,
    );
    expect(jobInserts(start)).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
  });

  test('a 400 is not retried', async () => {
    const wh = await open();
    fake.failNext({ path: /\/jobs$/, status: 400, reason: 'invalid', message: 'Bad request' });
    await expect(wh.query('SELECT 1')).rejects.toThrow(
      'BigQuery jobs.insert failed: HTTP 400 invalid: Bad request',
    );
    expect(sleeps).toHaveLength(0);
  });

  test('a job failing with backendError is re-run under a new job id', async () => {
    const wh = await open();
    fake.failJob({ sql: /flaky_job/, reason: 'backendError', message: 'Backend error. Please try again.' });
    const t = await wh.query("SELECT 'flaky_job' AS tag");
    expect(t.getChild('tag')?.get(0)).toBe('flaky_job');
    expect(warnings).toEqual([`BigQuery query job: backendError, retry 1/5 in ${sleeps[0]} ms`]);
  });
});

describe('job errors', () => {
  test('a failing job surfaces its id, reason and message', async () => {
    const wh = await open();
    fake.failJob({
      sql: /from_nowhere/,
      reason: 'invalidQuery',
      message: 'Unrecognized name: from_nowhere at [1:8]',
    });
    const error = await wh.query('SELECT from_nowhere').catch((e) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    expect(error.message).toMatchInlineSnapshot(
      `"BigQuery job job_1 failed: invalidQuery: Unrecognized name: from_nowhere at [1:8]"`,
    );
    expect(error.details).toMatchObject({ jobId: 'job_1', reason: 'invalidQuery' });
  });

  test('a job that fails at insert is reported the same way', async () => {
    const wh = await open();
    fake.failJob({
      sql: /quota_hog/,
      reason: 'quotaExceeded',
      message: 'Quota exceeded: Your project exceeded quota for free query bytes scanned',
      when: 'insert',
    });
    await expect(wh.execute('SELECT quota_hog')).rejects.toThrowErrorMatchingInlineSnapshot(
      `[WarehouseError: BigQuery job job_1 failed: quotaExceeded: Quota exceeded: Your project exceeded quota for free query bytes scanned]`,
    );
  });

  test('SQL the engine rejects comes back as an invalidQuery job error', async () => {
    const wh = await open();
    const error = await wh.query('SELECT * FROM no_such_table').catch((e) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    expect(error.message).toMatch(/^BigQuery job job_1 failed: invalidQuery: .*no_such_table/);
  });
});

describe('dry run', () => {
  test('a large estimate is reported before the query runs', async () => {
    const wh = await open({ dryRun: true, dryRunBytesWarning: 2 ** 30 });
    fake.dryRunBytes = () => 5 * 2 ** 30;
    const progress: WarehouseProgress[] = [];
    const start = fake.requests.length;
    await wh.query('SELECT 1 AS x', { onProgress: (p) => progress.push(p) });
    const inserts = jobInserts(start).map(
      (r) => (r.body as { configuration: { dryRun?: boolean } }).configuration,
    );
    expect(inserts.map((c) => c.dryRun ?? false)).toEqual([true, false]);
    expect(warnings).toEqual([
      'BigQuery query will process about 5.0 GiB (dry run; warning threshold 1.0 GiB)',
    ]);
    expect(progress[0]).toEqual({ phase: 'estimate', rows: 0, bytes: 5 * 2 ** 30 });
    expect(await wh.estimateQueryBytes('SELECT 1')).toBe(5 * 2 ** 30);
  });

  test('a small estimate stays quiet, and the default estimate follows table size', async () => {
    const wh = await open({ dryRun: true });
    await fake.duckdb('CREATE OR REPLACE TABLE sized AS SELECT range AS a, range AS b FROM range(1000)');
    const bytes = await wh.estimateQueryBytes('SELECT a FROM sized');
    expect(bytes).toBeGreaterThan(0);
    await wh.query('SELECT a FROM sized LIMIT 1');
    expect(warnings).toEqual([]);
  });
});

describe('cancellation', () => {
  test('aborting a running query cancels its job', async () => {
    const controller = new AbortController();
    let polls = 0;
    const wh = await open({
      sleep: async () => {
        if (++polls === 3) controller.abort(new Error('user pressed Ctrl-C'));
      },
    });
    fake.holdJobs(/long_running_job/);
    const start = fake.requests.length;
    const error = await wh
      .query("SELECT 'long_running_job' AS x", { signal: controller.signal })
      .catch((e) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect(error.message).toMatchInlineSnapshot(`"query was cancelled; BigQuery job job_1 cancelled"`);
    const cancel = requestsSince(start).filter((r) => r.path.endsWith('/cancel'));
    expect(cancel.map((r) => r.path)).toEqual(['/bigquery/v2/projects/acme-ml/jobs/job_1/cancel']);
    expect(requestsSince(start).filter((r) => r.path.includes('/queries/')).length).toBe(3);
  });

  test('an abort does not wait for a getQueryResults call BigQuery holds open', async () => {
    const wh = await open();
    fake.holdJobs(/stalled_job/);
    fake.stall(/\/queries\//, 30_000);
    const start = fake.requests.length;
    const began = performance.now();
    const pending = wh.query("SELECT 'stalled_job' AS x", { signal: AbortSignal.timeout(200) });
    await expect(pending).rejects.toThrow(CancelledError);
    expect(performance.now() - began).toBeLessThan(5_000);
    expect(requestsSince(start).filter((r) => r.path.endsWith('/cancel'))).toHaveLength(1);
  });

  test('an already aborted signal sends nothing', async () => {
    const wh = await open();
    const start = fake.requests.length;
    await expect(wh.query('SELECT 1', { signal: AbortSignal.abort() })).rejects.toThrow(CancelledError);
    expect(requestsSince(start)).toEqual([]);
  });
});

describe('identifiers and validation', () => {
  const hostile = [
    'leads; DROP TABLE leads',
    'leads`--',
    'a.b.c.d',
    '',
    'lead-s',
    'léads',
    '1leads',
    'leads ',
    'proj.ds.t`;',
  ];

  test.each(hostile)('%j is refused before any request', async (name) => {
    const wh = await open();
    const start = fake.requests.length;
    const calls: (() => unknown)[] = [
      () => wh.createTableFromArrow(name, tableFromArrays({ x: [1] })),
      () => wh.createTableFromFile(name, '/tmp/x.csv'),
      () => wh.describeTable(name),
      () => wh.tableExists(name),
      () => wh.dropTable(name),
      () => wh.quoteIdentifier(name),
    ];
    for (const call of calls) {
      await expect(async () => call()).rejects.toThrow(InvalidArgumentError);
    }
    expect(requestsSince(start)).toEqual([]);
  });

  test('messages name the parameter and quote the value', async () => {
    const wh = await open();
    await expect(wh.describeTable('leads; DROP TABLE leads')).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: name must be dot-separated identifiers matching /^[A-Za-z_][A-Za-z0-9_]*$/, found "leads; DROP TABLE leads"]`,
    );
    await expect(wh.query('SELECT 1', { params: { 'x; --': 1 } })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: params must be keyed by names matching /^[A-Za-z_][A-Za-z0-9_]*$/, found "x; --"]`,
    );
    await expect(wh.query('SELECT @x', { params: { x: null } })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: params.x is null; give its type in paramTypes (BigQuery cannot type an untyped NULL)]`,
    );
    await expect(wh.query('SELECT 1', { labels: { Team: 'ml' } })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: labels keys must match /^[a-z][a-z0-9_-]{0,62}$/ (BigQuery label rules), found "Team"]`,
    );
    await expect(
      openBigQueryWarehouse({ projectId: 'Bad Project!', dataset: 'leadscore' }),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[ValidationError: options.projectId: must be a Google Cloud project id (6-30 lowercase letters, digits or hyphens, starting with a letter), found "Bad Project!"]`,
    );
    await expect(open({ dataset: 'lead-score' })).rejects.toThrow(ValidationError);
    await expect(open({ dataset: 'lead-score' })).rejects.toThrow(
      /^options\.dataset: must be an identifier matching .*, found "lead-score"$/,
    );
  });

  test('quoting: backticks around validated paths, hyphenated project ids allowed', async () => {
    const wh = await open();
    expect(wh.quoteIdentifier('leads')).toBe('`leads`');
    expect(wh.quoteIdentifier('leadscore.leads')).toBe('`leadscore.leads`');
    expect(wh.quoteIdentifier('acme-ml.leadscore.leads')).toBe('`acme-ml.leadscore.leads`');
    expect(wh.resolveTableName('leadscore.leads')).toBe('acme-ml.leadscore.leads');
  });

  test('a closed warehouse refuses further calls', async () => {
    const wh = await open();
    await wh.close();
    await expect(wh.query('SELECT 1')).rejects.toThrow('warehouse is closed');
    await expect(wh.tableExists('x')).rejects.toThrow(WarehouseError);
  });
});
