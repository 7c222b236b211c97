import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@leadscore/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBigQueryWarehouse } from '../src/warehouse/bigquery.js';
import { type DuckDbWarehouse, openDuckDbWarehouse } from '../src/warehouse/duckdb.js';

/** Awaits a call that must fail with a ValidationError and returns its issues. */
async function issuesOf(p: Promise<unknown>): Promise<ValidationError['issues']> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).code).toBe('INVALID_ARGUMENT');
  return (error as ValidationError).issues;
}

/** One bad value per option -> exactly one issue with this code, path [key] and the value passed. */
async function expectOneIssue(p: Promise<unknown>, key: string, value: unknown, code: string) {
  const issues = await issuesOf(p);
  expect(issues).toHaveLength(1);
  expect(issues[0]).toMatchObject({ code, path: [key] });
  expect(issues[0]!.value).toStrictEqual(code === 'unrecognized_key' ? key : value);
  expect(issues[0]!.message.startsWith(`options.${key}`)).toBe(true);
}

describe('openDuckDbWarehouse options', () => {
  it.each([
    ['path', '', 'too_small'],
    ['path', 3, 'invalid_type'],
    ['threads', 0, 'too_small'],
    ['threads', 1.5, 'invalid_type'],
    ['threads', 2000, 'too_big'],
    ['memoryLimit', 'lots', 'invalid_format'],
    ['batchRows', 0, 'too_small'],
    ['thread', 2, 'unrecognized_key'],
  ] as const)('options.%s = %o -> %s', async (key, value, code) => {
    await expectOneIssue(openDuckDbWarehouse({ path: ':memory:', [key]: value } as never), key, value, code);
  });

  it('names the option and quotes the value, and reports every problem', async () => {
    const issues = await issuesOf(
      openDuckDbWarehouse({ path: ':memory:', threads: 0, memoryLimit: '2 apples' }),
    );
    expect(issues.map((i) => i.message)).toMatchInlineSnapshot(`
      [
        "options.threads: must be an integer in [1, 1024], found 0",
        "options.memoryLimit: must be a size like '2GB', found "2 apples"",
      ]
    `);
    expect((await issuesOf(openDuckDbWarehouse(null as never)))[0]!.code).toBe('invalid_type');
  });
});

describe('openBigQueryWarehouse options', () => {
  const base = { projectId: 'acme-ml', dataset: 'leadscore', anonymous: true };
  it.each([
    ['projectId', 'Bad Project!', 'invalid_format'],
    ['dataset', 'lead-score', 'invalid_format'],
    ['location', '', 'too_small'],
    ['apiEndpoint', 7, 'invalid_type'],
    ['credentials', { client_email: 'a@b.c' }, 'invalid_type'],
    ['keyFilename', '', 'too_small'],
    ['authClient', 'token', 'custom'],
    ['anonymous', 'yes', 'invalid_type'],
    ['maxRetries', -1, 'too_small'],
    ['retryBaseDelayMs', -5, 'too_small'],
    ['retryMaxDelayMs', Number.POSITIVE_INFINITY, 'invalid_type'],
    ['retrySeed', 0.5, 'invalid_type'],
    ['sleep', 100, 'custom'],
    ['dryRun', 1, 'invalid_type'],
    ['dryRunBytesWarning', -1, 'too_small'],
    ['maximumBytesBilled', 0, 'too_small'],
    ['labels', { team: 7 }, 'invalid_type'],
    ['pageSize', 0, 'too_small'],
    ['logger', console.log, 'custom'],
    ['createJobId', 'job-1', 'custom'],
    ['projectID', 'acme-ml', 'unrecognized_key'],
  ] as const)('options.%s = %o -> %s', async (key, value, code) => {
    const issues = await issuesOf(openBigQueryWarehouse({ ...base, [key]: value } as never));
    expect(issues).toHaveLength(1);
    // A nested problem (credentials.private_key, labels.team) is reported under its option.
    expect(issues[0]).toMatchObject({ code });
    expect(issues[0]!.path[0]).toBe(key);
    expect(issues[0]!.message.startsWith(`options.${key}`)).toBe(true);
    if (issues[0]!.path.length === 1) {
      expect(issues[0]!.value).toStrictEqual(code === 'unrecognized_key' ? key : value);
    }
  });

  it('names the option and quotes the value', async () => {
    const issues = await issuesOf(
      openBigQueryWarehouse({ ...base, maxRetries: 101, labels: { team: 7 } } as never),
    );
    expect(issues.map((i) => i.message)).toMatchInlineSnapshot(`
      [
        "options.maxRetries: must be an integer in [0, 100], found 101",
        "options.labels.team: must be a string, found 7",
      ]
    `);
  });
});

describe('createTableFromFile options', () => {
  let dir: string;
  let csv: string;
  let duck: DuckDbWarehouse;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'leadscore-opts-'));
    csv = join(dir, 'x.csv');
    await writeFile(csv, 'x,y\n1,a\n');
    duck = await openDuckDbWarehouse({ path: ':memory:', threads: 1 });
  });
  afterAll(async () => {
    await duck.close();
    await rm(dir, { recursive: true, force: true });
  });

  const cases = [
    ['replace', 'yes', 'invalid_type'],
    ['signal', { aborted: false }, 'custom'],
    ['onProgress', true, 'custom'],
    ['format', 'xlsx', 'invalid_value'],
    ['columnTypes', { x: 'integer' }, 'invalid_value'],
    ['columnTypes', { 'x; DROP': 'int' }, 'invalid_key'],
    ['columnTypes', 'int', 'invalid_type'],
    ['columnType', { x: 'int' }, 'unrecognized_key'],
  ] as const;

  it.each(cases)('DuckDB: options.%s = %o -> %s', async (key, value, code) => {
    const issues = await issuesOf(duck.createTableFromFile('t', csv, { [key]: value } as never));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code });
    expect(issues[0]!.path[0]).toBe(key);
    if (issues[0]!.path.length === 1) {
      expect(issues[0]!.value).toStrictEqual(code === 'unrecognized_key' ? key : value);
    }
    expect(await duck.tableExists('t')).toBe(false);
  });

  it.each(cases)('BigQuery: options.%s = %o -> %s (before any request)', async (key, value, code) => {
    const bq = await openBigQueryWarehouse({
      projectId: 'acme-ml',
      dataset: 'leadscore',
      anonymous: true,
      apiEndpoint: 'http://127.0.0.1:9',
    });
    const issues = await issuesOf(bq.createTableFromFile('t', csv, { [key]: value } as never));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code });
    expect(issues[0]!.path[0]).toBe(key);
    await bq.close();
  });

  it('names the column and quotes the value', async () => {
    const issues = await issuesOf(
      duck.createTableFromFile('t', csv, { columnTypes: { x: 'integer' } } as never),
    );
    expect(issues[0]!.path).toEqual(['columnTypes', 'x']);
    expect(issues[0]!.value).toBe('integer');
    expect(issues.map((i) => i.message)).toMatchInlineSnapshot(`
      [
        "options.columnTypes.x: must be one of string, date, timestamp, float, int, int32, bool, found "integer"",
      ]
    `);
    const bad = await issuesOf(duck.createTableFromFile('t', csv, { columnTypes: { 'x; DROP': 'int' } }));
    expect(bad).toMatchObject([{ code: 'invalid_key', path: ['columnTypes', 'x; DROP'], value: 'x; DROP' }]);
    expect(bad[0]!.message).toMatchInlineSnapshot(
      `"options.columnTypes key must be a column name matching /^[A-Za-z_][A-Za-z0-9_]*$/, found "x; DROP""`,
    );
  });
});

describe('query, createTableFromArrow and dropTable options', () => {
  let duck: DuckDbWarehouse;
  beforeAll(async () => {
    duck = await openDuckDbWarehouse({ path: ':memory:', threads: 1 });
    await duck.execute('CREATE TABLE t AS SELECT 1 AS x');
  });
  afterAll(async () => {
    await duck.close();
  });

  const queryCases = [
    ['params', [1, 2], 'custom'],
    ['signal', 'stop', 'custom'],
    ['onProgress', {}, 'custom'],
    ['labels', 'team', 'custom'],
    ['param', { x: 1 }, 'unrecognized_key'],
  ] as const;

  it.each(queryCases)(
    'DuckDB query/queryBatches/execute/describeTable options.%s = %o -> %s',
    async (key, value, code) => {
      const options = { [key]: value } as never;
      const batches = async () => {
        for await (const _ of duck.queryBatches('SELECT 1', options)) break;
      };
      for (const call of [
        () => duck.query('SELECT 1', options),
        batches,
        () => duck.execute('SELECT 1', options),
        () => duck.describeTable('t', options),
      ]) {
        await expectOneIssue(call(), key, value, code);
      }
    },
  );

  it.each([...queryCases, ['paramTypes', 'DATE', 'custom'], ['dryRun', 'no', 'invalid_type']] as const)(
    'BigQuery query/execute/estimateQueryBytes options.%s = %o -> %s (before any request)',
    async (key, value, code) => {
      const bq = await openBigQueryWarehouse({
        projectId: 'acme-ml',
        dataset: 'leadscore',
        anonymous: true,
        apiEndpoint: 'http://127.0.0.1:9',
      });
      const options = { [key]: value } as never;
      for (const call of [
        () => bq.query('SELECT 1', options),
        () => bq.execute('SELECT 1', options),
        () => bq.estimateQueryBytes('SELECT 1', options),
      ]) {
        await expectOneIssue(call(), key, value, code);
      }
      await bq.close();
    },
  );

  it.each([
    ['replace', 1, 'invalid_type'],
    ['signal', true, 'custom'],
    ['onProgress', 'log', 'custom'],
    ['overwrite', true, 'unrecognized_key'],
  ] as const)('createTableFromArrow options.%s = %o -> %s', async (key, value, code) => {
    const table = await duck.query('SELECT 1 AS x');
    await expectOneIssue(duck.createTableFromArrow('u', table, { [key]: value } as never), key, value, code);
    expect(await duck.tableExists('u')).toBe(false);
  });

  it.each([
    ['ifExists', 'yes', 'invalid_type'],
    ['cascade', true, 'unrecognized_key'],
  ] as const)('dropTable options.%s = %o -> %s', async (key, value, code) => {
    await expectOneIssue(duck.dropTable('t', { [key]: value } as never), key, value, code);
    expect(await duck.tableExists('t')).toBe(true);
  });
});
