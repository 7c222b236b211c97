import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactError, InvalidArgumentError, ValidationError } from '@leadscore/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BuildDatasetResult, buildDataset } from '../src/builder/build.js';
import { assertDatasetVerified, safeVerifyDataset, verifyDataset } from '../src/builder/verify.js';
import { openDuckDbWarehouse } from '../src/warehouse/duckdb.js';
import type { Warehouse } from '../src/warehouse/types.js';

let wh: Warehouse;
let dir: string;
let built: BuildDatasetResult;
let metaPath: string;

const SPEC = {
  featureGroups: [
    { name: 'career', policy: 'pointInTime' as const, columns: ['firm_id' as const] },
    { name: 'financial', policy: 'current' as const, columns: ['aum' as const] },
    { name: 'temporal', policy: 'history' as const, columns: ['aum' as const] },
  ],
  historyQuarters: 2,
  dataEndDate: '2024-12-31',
  output: { base: 'vt', version: '20241231_01', overwrite: true },
};

async function load(): Promise<void> {
  await wh.execute(`CREATE OR REPLACE TABLE rep_snapshots AS SELECT * FROM (VALUES
    ('R1', DATE '2024-03-31', 'F1', 10.0), ('R1', DATE '2024-06-30', 'F1', 11.0),
    ('R2', DATE '2024-03-31', 'F2', 20.0), ('R2', DATE '2024-06-30', 'F3', 21.0)) v(rep_id, snapshot_date, firm_id, aum)`);
  await wh.execute(
    "CREATE OR REPLACE TABLE rep_current AS SELECT * FROM rep_snapshots WHERE snapshot_date = DATE '2024-06-30'",
  );
  await wh.execute(`CREATE OR REPLACE TABLE leads AS SELECT lead_id, rep_id, CAST(c AS TIMESTAMP) AS contacted_at, converted, CAST(ca AS TIMESTAMP) AS converted_at, 'web' AS lead_source FROM (VALUES
    ('L1', 'R1', '2024-04-10 10:00:00', false, NULL),
    ('L2', 'R2', '2024-07-15 10:00:00', true, '2024-07-20 00:00:00'),
    ('L3', 'R1', '2024-08-01 10:00:00', false, NULL)) v(lead_id, rep_id, c, converted, ca)`);
}

beforeAll(async () => {
  wh = await openDuckDbWarehouse({ path: ':memory:', threads: 1 });
  dir = await mkdtemp(join(tmpdir(), 'leadscore-verify-'));
});
afterAll(async () => {
  await wh.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await load();
  built = await buildDataset(wh, SPEC, { outDir: dir });
  metaPath = built.metadataPath as string;
});

const failing = (r: { checks: readonly { name: string; ok: boolean }[] }) =>
  r.checks.filter((c) => !c.ok).map((c) => c.name);

describe('verifyDataset', () => {
  it('passes every check on an untouched dataset', async () => {
    const r = await verifyDataset(wh, built.tableName, metaPath);
    expect(r.ok).toBe(true);
    expect(r.checks.map((c) => c.name)).toEqual([
      'metadata.specHash',
      'metadata.table',
      'output.exists',
      'output.rowCount',
      'counts.consistent',
      'output.fingerprint',
      'output.labelRate',
      'sources.repSnapshots.fingerprint',
      'sources.repCurrent.fingerprint',
      'sources.leads.fingerprint',
      'leakage.audit',
    ]);
  });

  it('detects a tampered value in the output table', async () => {
    await wh.execute(`UPDATE ${built.tableName} SET aum = aum + 1 WHERE lead_id = 'L1'`);
    const r = await verifyDataset(wh, built.tableName, metaPath);
    expect(r.ok).toBe(false);
    expect(failing(r)).toEqual(['output.fingerprint']);
  });

  it('detects a flipped label and a deleted row', async () => {
    await wh.execute(`UPDATE ${built.tableName} SET label = 1 WHERE lead_id = 'L1'`);
    expect(failing(await verifyDataset(wh, built.tableName, metaPath))).toEqual([
      'output.fingerprint',
      'output.labelRate',
    ]);
    await wh.execute(`DELETE FROM ${built.tableName} WHERE lead_id = 'L3'`);
    expect(failing(await verifyDataset(wh, built.tableName, metaPath))).toEqual([
      'output.rowCount',
      'output.fingerprint',
      'output.labelRate',
    ]);
  });

  it('re-runs the leakage audit and names the offending lead', async () => {
    await wh.execute(
      `UPDATE ${built.tableName} SET pit_snapshot_date = DATE '2024-06-30' WHERE lead_id = 'L1'`,
    );
    const r = await verifyDataset(wh, built.tableName, metaPath);
    const audit = r.checks.find((c) => c.name === 'leakage.audit');
    expect(audit?.ok).toBe(false);
    expect(audit?.message).toBe('leakage audit failed for lead ids L1');
  });

  it('detects changed sources unless told not to compare them', async () => {
    await wh.execute(`UPDATE rep_snapshots SET aum = 99 WHERE rep_id = 'R2'`);
    const r = await verifyDataset(wh, built.tableName, metaPath);
    expect(failing(r)).toEqual(['sources.repSnapshots.fingerprint']);
    expect((await verifyDataset(wh, built.tableName, metaPath, { checkSources: false })).ok).toBe(true);
  });

  it('detects an edited metadata file and a missing table', async () => {
    const meta = JSON.parse(await readFile(metaPath, 'utf8'));
    meta.spec.maxLookbackDays = 10_000;
    const edited = join(dir, 'edited.json');
    await writeFile(edited, JSON.stringify(meta));
    expect(failing(await verifyDataset(wh, built.tableName, edited))).toEqual(['metadata.specHash']);
    await wh.dropTable(built.tableName);
    const r = await verifyDataset(wh, built.tableName, metaPath);
    expect(failing(r)).toEqual(['output.exists']);
  });

  it('refuses unreadable metadata and hostile table names', async () => {
    await expect(verifyDataset(wh, built.tableName, join(dir, 'missing.json'))).rejects.toBeInstanceOf(
      ArtifactError,
    );
    const bogus = join(dir, 'bogus.json');
    await writeFile(bogus, '{"format":"something-else"}');
    await expect(verifyDataset(wh, built.tableName, bogus)).rejects.toThrow(/is not dataset metadata/);
    await expect(verifyDataset(wh, 'vt; DROP TABLE leads', metaPath)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});

describe('safeVerifyDataset / assertDatasetVerified', () => {
  it('succeed with the report on an untouched dataset', async () => {
    const r = await safeVerifyDataset(wh, built.tableName, metaPath);
    expect(r.success).toBe(true);
    if (r.success) expect(r.data.checks).toHaveLength(11);
    expect((await assertDatasetVerified(wh, built.tableName, metaPath)).ok).toBe(true);
  });

  it('report one typed issue per failing check, with the value found', async () => {
    await wh.execute(`DELETE FROM ${built.tableName} WHERE lead_id = 'L3'`);
    await wh.execute(`UPDATE rep_snapshots SET aum = 99 WHERE rep_id = 'R2'`);
    const r = await safeVerifyDataset(wh, built.tableName, metaPath);
    expect(r.success).toBe(false);
    expect(r.issues.map((i) => [i.code, i.path.join('.')])).toEqual([
      ['row_count_changed', 'output.rowCount'],
      ['fingerprint_changed', 'output.fingerprint'],
      ['label_rate_changed', 'output.labelRate'],
      ['source_changed', 'sources.repSnapshots.fingerprint'],
    ]);
    // Three rows were built, one deleted: the row count found is 2; one positive of two is a 0.5 rate.
    expect(r.issues[0]!.value).toBe(2);
    expect(r.issues[2]!.value).toBe(0.5);
    expect(r.issues[0]!.message).toBe(`output.rowCount: ${built.tableName} row count changed`);

    const error = await assertDatasetVerified(wh, built.tableName, metaPath).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('INVALID_DATA');
    expect((error as ValidationError).issues).toEqual(r.issues);
    expect((error as Error).message).toMatch(/^4 problems:\n- output\.rowCount: /);
  });

  it('name a missing table and a missing source with their own codes', async () => {
    await wh.dropTable('rep_current');
    const r = await safeVerifyDataset(wh, built.tableName, metaPath);
    expect(r.issues).toMatchObject([
      { code: 'missing_source', path: ['sources', 'repCurrent', 'fingerprint'], value: null },
    ]);
    await wh.dropTable(built.tableName);
    expect((await safeVerifyDataset(wh, built.tableName, metaPath)).issues).toMatchObject([
      { code: 'missing_table', path: ['output', 'exists'], value: false },
    ]);
  });

  it.each([
    ['checkSources', 'no', 'invalid_type'],
    ['signal', { aborted: false }, 'custom'],
    ['checkSource', false, 'unrecognized_key'],
  ] as const)('verify options.%s = %o -> %s', async (key, value, code) => {
    const error = await verifyDataset(wh, built.tableName, metaPath, { [key]: value } as never).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code, path: [key] });
    expect(issues[0]!.value).toStrictEqual(code === 'unrecognized_key' ? key : value);
  });
});
