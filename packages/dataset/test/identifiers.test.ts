import { InvalidArgumentError } from '@leadscore/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bigqueryDialect, duckdbDialect, getDialect } from '../src/warehouse/dialect.js';
import { openDuckDbWarehouse } from '../src/warehouse/duckdb.js';
import { assertIdentifier, parseIdentifier, quoteIdentifier } from '../src/warehouse/identifiers.js';
import type { Warehouse } from '../src/warehouse/types.js';

const HOSTILE = [
  'leads; DROP TABLE leads',
  'leads--',
  'le"ads',
  'le`ads',
  "le'ads",
  'a.b.c.d',
  'a..b',
  '.a',
  'a.',
  '',
  ' leads',
  '9lives',
  'lead-s',
  'l\u00e9ads',
  'a\nb',
];

describe('identifiers', () => {
  it('accepts identifier segments and up to three dotted parts', () => {
    expect(parseIdentifier('leads')).toEqual(['leads']);
    expect(parseIdentifier('_x9.Y_z')).toEqual(['_x9', 'Y_z']);
    expect(parseIdentifier('proj.ds.tbl')).toEqual(['proj', 'ds', 'tbl']);
    expect(assertIdentifier('col_1')).toBe('col_1');
  });

  it('refuses every hostile name with an InvalidArgumentError naming the parameter', () => {
    for (const name of HOSTILE) {
      expect(() => quoteIdentifier('duckdb', name, 'spec.tables.leads')).toThrow(InvalidArgumentError);
      expect(() => quoteIdentifier('bigquery', name, 'spec.tables.leads')).toThrow(
        /^spec\.tables\.leads must/,
      );
    }
    expect(() => assertIdentifier('a.b', 'column')).toThrow(/^column must have at most 1/);
    expect(() =>
      parseIdentifier(42 as unknown as string, { name: 'table' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: table must be a non-empty string, found 42]`,
    );
    expect(() =>
      quoteIdentifier('duckdb', 'x"; DROP TABLE t; --', 'name'),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: name must be dot-separated identifiers matching /^[A-Za-z_][A-Za-z0-9_]*$/, found "x\\"; DROP TABLE t; --"]`,
    );
  });

  it('quotes per dialect', () => {
    expect(quoteIdentifier('duckdb', 'main.leads')).toBe('"main"."leads"');
    expect(quoteIdentifier('bigquery', 'proj.ds.leads')).toBe('`proj.ds.leads`');
    expect(duckdbDialect.param('data_end')).toBe('$data_end');
    expect(bigqueryDialect.param('data_end')).toBe('@data_end');
    expect(() => duckdbDialect.param('x; --')).toThrow(InvalidArgumentError);
    expect(getDialect('bigquery')).toBe(bigqueryDialect);
    expect(() => getDialect('oracle' as never)).toThrow(/^dialect must be/);
  });

  it('escapes string literals per dialect', () => {
    expect(duckdbDialect.stringLiteral("it's")).toBe("'it''s'");
    expect(bigqueryDialect.stringLiteral("a\\'b")).toBe("'a\\\\\\'b'");
  });

  it('emits BigQuery date arithmetic with integer literals only', () => {
    expect(bigqueryDialect.dateAddDays('d', -3)).toBe('DATE_ADD(d, INTERVAL -3 DAY)');
    expect(bigqueryDialect.dateAddMonths('d', -6)).toBe('DATE_ADD(d, INTERVAL -6 MONTH)');
    expect(bigqueryDialect.dateDiffDays('b', 'a')).toBe('DATE_DIFF(b, a, DAY)');
    expect(bigqueryDialect.quarterStart('d')).toBe('DATE_TRUNC(d, QUARTER)');
    expect(() => bigqueryDialect.dateAddDays('d', 1.5)).toThrow(/^days must be an integer/);
    expect(bigqueryDialect.createTableAs('p.d.t', 'SELECT 1')).toBe('CREATE TABLE `p.d.t` AS SELECT 1');
  });
});

describe('DuckDB dialect date arithmetic (executed)', () => {
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await openDuckDbWarehouse({ path: ':memory:' });
  });
  afterAll(async () => {
    await wh.close();
  });

  const iso = (ms: unknown) => new Date(Number(ms)).toISOString().slice(0, 10);
  const evalDate = async (expr: string) => iso((await wh.query(`SELECT ${expr} AS v`)).get(0)?.v);

  it('adds days and calendar months, clamping month ends', async () => {
    const d = duckdbDialect;
    expect(await evalDate(d.dateAddDays("DATE '2024-02-28'", 1))).toBe('2024-02-29');
    expect(await evalDate(d.dateAddDays("DATE '2024-03-01'", -1))).toBe('2024-02-29');
    expect(await evalDate(d.dateAddMonths("DATE '2024-07-01'", -3))).toBe('2024-04-01');
    expect(await evalDate(d.dateAddMonths("DATE '2024-05-31'", -3))).toBe('2024-02-29');
    expect(await evalDate(d.quarterStart("DATE '2024-09-30'"))).toBe('2024-07-01');
    expect(await evalDate(d.quarterStart("DATE '2025-01-01'"))).toBe('2025-01-01');
    const diff = await wh.query(`SELECT ${d.dateDiffDays("DATE '2024-03-01'", "DATE '2024-01-01'")} AS v`);
    expect(Number(diff.get(0)?.v)).toBe(60);
    const ts = await wh.query(`SELECT ${d.timestampAddDays("TIMESTAMP '2024-01-31 12:00:00'", 30)} AS v`);
    expect(ts.get(0)?.v).toBe(Date.UTC(2024, 2, 1, 12));
  });
});

describe('BigQuery project ids', () => {
  it('accepts a hyphenated project as the first of three segments on BigQuery only', () => {
    expect(parseIdentifier('acme-ml.leadscore.leads', { dialect: 'bigquery' })).toEqual([
      'acme-ml',
      'leadscore',
      'leads',
    ]);
    expect(quoteIdentifier('bigquery', 'acme-ml.leadscore.leads')).toBe('`acme-ml.leadscore.leads`');
    expect(() => quoteIdentifier('duckdb', 'acme-ml.leadscore.leads')).toThrow(/acme-ml/);
    // Not as a dataset or table, not in a two-part name, and not a malformed project id.
    expect(() => parseIdentifier('acme.lead-score.leads', { dialect: 'bigquery' })).toThrow(/lead-score/);
    expect(() => parseIdentifier('acme-ml.leads', { dialect: 'bigquery' })).toThrow(/acme-ml/);
    expect(() => parseIdentifier('acme-.leadscore.leads', { dialect: 'bigquery' })).toThrow();
    expect(() => parseIdentifier('a`b-ccc.leadscore.leads', { dialect: 'bigquery' })).toThrow();
  });
});
