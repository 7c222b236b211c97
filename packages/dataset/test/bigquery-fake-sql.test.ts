import { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FakeBigQuery, startFakeBigQuery } from './helpers/fake-bigquery-server.js';
import { statementKeyword, translateBigQuerySql } from './helpers/fake-bigquery-sql.js';

// The fake is test infrastructure; these pin the translation rules its module comment documents.
describe('translateBigQuerySql', () => {
  test('identifiers, strings, comments and parameters', () => {
    expect(translateBigQuerySql('SELECT `a` FROM `p-1.ds.t` JOIN `ds`.`u` # note')).toBe(
      'SELECT "a" FROM "p-1"."ds"."t" JOIN "ds"."u" -- note',
    );
    expect(translateBigQuerySql(`SELECT 'it\\'s', "say \\"hi\\"", '#not a comment'`)).toBe(
      `SELECT 'it''s', 'say "hi"', '#not a comment'`,
    );
    expect(
      translateBigQuerySql(
        'SELECT @d, @n',
        new Map([
          ['d', 'DATE'],
          ['n', 'INT64'],
        ]),
      ),
    ).toBe('SELECT CAST($d AS DATE), CAST($n AS BIGINT)');
    expect(() => translateBigQuerySql('SELECT @missing')).toThrow("Query parameter 'missing' not found");
  });

  test('types and function calls', () => {
    expect(translateBigQuerySql('CAST(x AS INT64), CAST(y AS FLOAT64), SAFE_CAST(z AS STRING)')).toBe(
      'CAST(x AS BIGINT), CAST(y AS DOUBLE), TRY_CAST(z AS VARCHAR)',
    );
    expect(translateBigQuerySql('DATE_ADD(DATE_ADD(d, INTERVAL -3 MONTH), INTERVAL 1 DAY)')).toBe(
      'CAST((CAST((d) + INTERVAL (-3) MONTH AS DATE)) + INTERVAL (1) DAY AS DATE)',
    );
    expect(translateBigQuerySql('DATE_DIFF(a, b, DAY)')).toBe("date_diff('day', b, a)");
    expect(translateBigQuerySql('DATE_TRUNC(d, QUARTER)')).toBe("CAST(date_trunc('quarter', d) AS DATE)");
    expect(translateBigQuerySql('TIMESTAMP_ADD(t, INTERVAL 30 DAY)')).toBe('((t) + INTERVAL (30) DAY)');
    expect(translateBigQuerySql('TO_JSON_STRING(STRUCT(`a`, b))')).toBe(
      'CAST(to_json(row("a", b)) AS VARCHAR)',
    );
    expect(() => translateBigQuerySql('DATE_DIFF(a, b)')).toThrow(
      'No matching signature for function DATE_DIFF',
    );
  });

  test('statement keywords', () => {
    expect(statementKeyword('  -- lead\n WITH x AS (SELECT 1) SELECT * FROM x')).toBe('WITH');
    expect(statementKeyword('(SELECT 1)')).toBe('SELECT');
    expect(statementKeyword('create or replace table t as select 1')).toBe('CREATE');
  });
});

describe('the fake also serves the client APIs the warehouse does not use', () => {
  let fake: FakeBigQuery;
  let client: BigQuery;
  beforeAll(async () => {
    fake = await startFakeBigQuery({ projectId: 'acme-ml' });
    client = new BigQuery({
      projectId: 'acme-ml',
      apiEndpoint: fake.url,
      authClient: { getRequestHeaders: async () => new Headers() } as never,
    });
  });
  afterAll(async () => {
    await fake.close();
  });

  test('bigquery.query (jobs.query fast path) and tabledata.list', async () => {
    await fake.duckdb(
      'CREATE TABLE letters AS SELECT chr(97 + range::INTEGER) AS c, range AS i FROM range(5)',
    );
    // No params here: the client's own parameter typing needs big.js, which vitest's 'import'
    // external condition resolves to its ESM build (the warehouse encodes parameters itself).
    const [rows] = await client.query({
      query: 'SELECT c FROM `acme-ml.leadscore.letters` WHERE i < 3 ORDER BY i',
    });
    expect(rows).toEqual([{ c: 'a' }, { c: 'b' }, { c: 'c' }]);
    expect(fake.requests.some((r) => r.method === 'POST' && r.path.endsWith('/queries'))).toBe(true);
    const table = client.dataset('leadscore').table('letters');
    const [first, next] = await table.getRows({ maxResults: 2, autoPaginate: false });
    expect(first.map((r) => r.c)).toEqual(['a', 'b']);
    expect(next).toMatchObject({ pageToken: '2' });
    const [second] = await table.getRows({ ...next, autoPaginate: false });
    expect(second.map((r) => r.c)).toEqual(['c', 'd']);
    const [dataset] = await client.dataset('leadscore').get();
    expect(dataset.id).toBe('leadscore');
  });
});
