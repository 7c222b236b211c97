import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cvResultSchema, foldListSchema, gateReportSchema } from '@leadscore/core';
import { datasetMetadataSchema, openWarehouse } from '@leadscore/dataset';
import { featureManifestSchema, v7Features } from '@leadscore/features';
import { loadModel } from '@leadscore/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers/memory-io.js';

/** The small world every step below runs on (the machine is shared: keep it a few thousand leads). */
const WORLD = ['--reps', '400', '--quarters', '8', '--leads', '2000', '--seed', '11'];

describe('leadscore on a small generated world, step by step (DuckDB)', () => {
  const dir = tempDir();
  let hybridTable = '';
  let metadataPath = '';
  let leadsOut = 0;

  beforeAll(() => {
    writeFileSync(
      join(dir, 'leadscore.config.json'),
      JSON.stringify({ artifactsDir: 'artifacts', warehouse: { kind: 'duckdb', path: 'wh.duckdb' } }),
    );
  });

  it('world generate writes the three tables, the truth and world.json', async () => {
    const r = await cli(dir, 'world', 'generate', ...WORLD, '--json');
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ command: 'world generate', ok: true, format: 'parquet', leads: 2000 });
    for (const f of ['rep_snapshots', 'rep_current', 'leads', 'truth']) {
      expect(existsSync(join(dir, 'world', `${f}.parquet`))).toBe(true);
    }
    const params = JSON.parse(readFileSync(join(dir, 'world', 'world.json'), 'utf8')) as {
      dataEndDate: string;
    };
    expect(out.dataEndDate).toBe(params.dataEndDate);
  });

  it('warehouse import --world loads the three tables', async () => {
    const r = await cli(dir, 'warehouse', 'import', '--world', 'world', '--json');
    expect(r.code).toBe(0);
    const tables = r.json().tables as { table: string; rows: number }[];
    expect(tables.map((t) => t.table)).toEqual(['rep_snapshots', 'rep_current', 'leads']);
    expect(tables[1]!.rows).toBe(400);
    expect(tables[2]!.rows).toBe(2000);
  });

  it('dataset build (hybrid) materialises the table and writes metadata with the leakage-exposed columns', async () => {
    const r = await cli(dir, 'dataset', 'build', '--json');
    expect(r.code).toBe(0);
    const out = r.json();
    hybridTable = String(out.table);
    metadataPath = String(out.metadataPath);
    leadsOut = Number(out.leadsOut);
    expect(hybridTable).toMatch(/^step_3_3_training_dataset_v7_\d{8}_\d{2}$/);
    expect(metadataPath.startsWith(join(dir, 'artifacts'))).toBe(true);
    const meta = datasetMetadataSchema.parse(JSON.parse(readFileSync(metadataPath, 'utf8')));
    expect(meta.output.name).toBe(hybridTable);
    expect(meta.counts.leadsOut).toBe(leadsOut);
    expect(leadsOut).toBeGreaterThan(1500);
    expect(out.leakageAuditPassed).toBe(true);
    expect(out.leakageExposedColumns).toContain('aum');
  });

  it('dataset verify passes on the untouched table', async () => {
    const r = await cli(dir, 'dataset', 'verify', '--table', hybridTable);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${hybridTable}: verified`);
  });

  it('features computes the catalog and writes the feature manifest', async () => {
    const r = await cli(dir, 'features', '--table', hybridTable, '--json');
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out.nRows).toBe(leadsOut);
    expect(out.nCols).toBe(v7Features.length);
    const manifest = featureManifestSchema.parse(JSON.parse(readFileSync(String(out.manifestPath), 'utf8')));
    expect(manifest.features.map((f) => f.name)).toEqual(v7Features.map((f) => f.name));
    const columns = out.columns as { name: string; missingRate: number; levels: number | null }[];
    for (const c of columns) expect(c.missingRate).toBeGreaterThanOrEqual(0);
    // History features need earlier quarters, so some leads (early contacts) must miss them.
    expect(columns.find((c) => c.name === 'aum_growth_8q')!.missingRate).toBeGreaterThan(0);
    expect(columns.find((c) => c.name === 'firm_type')!.levels).toBeGreaterThan(1);
  });

  it('train writes the model, folds, CV result, gate report and importance, and exits 1 when a gate fails', async () => {
    const r = await cli(dir, 'train', '--table', hybridTable, '--cv-folds', '3', '--json');
    expect(r.stderr).toBe('');
    const out = r.json();
    const gates = out.gates as {
      success: boolean;
      failed: string[];
      outcomes: { id: string; status: string }[];
    };
    // A 2,000-lead world has a handful of positives per fold: the minimum-positives gate must fail.
    expect(gates.failed).toContain('min_positives_per_fold');
    expect(r.code).toBe(1);
    expect(out).toMatchObject({
      ok: false,
      exitCode: 1,
      rows: leadsOut,
      features: v7Features.length,
      folds: 3,
    });
    const paths = out.artifacts as Record<string, string>;
    const model = loadModel(readFileSync(paths.model!, 'utf8'), { features: [v7Features] });
    expect(model.file.columns.map((c) => c.name)).toEqual(v7Features.map((f) => f.name));
    const report = gateReportSchema.parse(JSON.parse(readFileSync(paths.gateReport!, 'utf8')));
    expect(report.success).toBe(false);
    expect(report.outcomes.map((o) => o.id)).toEqual(gates.outcomes.map((o) => o.id));
    expect(cvResultSchema.parse(JSON.parse(readFileSync(paths.cvResult!, 'utf8'))).folds).toHaveLength(3);
    expect(foldListSchema.parse(JSON.parse(readFileSync(paths.folds!, 'utf8'))).folds).toHaveLength(3);
    const csv = readFileSync(paths.importance!, 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe('feature,group,business_signal,mean_abs_shap,total_gain,rank');
    expect(csv).toHaveLength(v7Features.length + 1);
  });

  it('score writes one row per lead to a CSV file or a warehouse table', async () => {
    const model = join(dir, 'artifacts', 'model.json');
    const toCsv = await cli(dir, 'score', '--model', model, '--input', hybridTable, '--output', 'scores.csv');
    expect(toCsv.stderr).toBe('');
    expect(toCsv.code).toBe(0);
    const lines = readFileSync(join(dir, 'scores.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('lead_id,probability,percentile,reason_1,reason_2,reason_3');
    expect(lines).toHaveLength(leadsOut + 1);
    const p = Number(lines[1]!.split(',')[1]);
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThanOrEqual(1);
    const toTable = await cli(
      dir,
      'score',
      '--model',
      model,
      '--input',
      hybridTable,
      '--output',
      'lead_scores',
      '--json',
    );
    expect(toTable.code).toBe(0);
    const wh = await openWarehouse({ kind: 'duckdb', path: join(dir, 'wh.duckdb') });
    try {
      expect((await wh.describeTable('lead_scores')).rowCount).toBe(leadsOut);
    } finally {
      await wh.close();
    }
  });

  it('validate re-runs the gates on the model file (score drift with --scoring-table) and exits 1 when one fails', async () => {
    const model = join(dir, 'artifacts', 'model.json');
    const plain = await cli(dir, 'validate', '--model', model, '--json');
    expect(plain.code).toBe(1);
    const outcomes = plain.json().outcomes as { id: string; status: string }[];
    expect(outcomes.find((o) => o.id === 'min_positives_per_fold')!.status).toBe('fail');
    expect(outcomes.find((o) => o.id === 'score_psi')!.status).toBe('skip');
    expect(outcomes.find((o) => o.id === 'leakage_audit')!.status).toBe('pass');
    const report = gateReportSchema.parse(
      JSON.parse(readFileSync(join(dir, 'artifacts', 'validation_report.json'), 'utf8')),
    );
    expect(report.success).toBe(false);
    const drift = await cli(dir, 'validate', '--model', model, '--scoring-table', hybridTable, '--json');
    expect(
      (drift.json().outcomes as { id: string; status: string }[]).find((o) => o.id === 'score_psi')!.status,
    ).not.toBe('skip');
    // the scoring table is the training table here: validate says its scores are in-sample
    const same = await cli(dir, 'validate', '--model', model, '--scoring-table', hybridTable);
    expect(same.stdout).toContain(
      `note: ${hybridTable} is the model's training table; its scores are in-sample`,
    );
  });

  it('docs writes the model documentation', async () => {
    const model = join(dir, 'artifacts', 'model.json');
    const r = await cli(dir, 'docs', '--model', model, '--output', 'docs/MODEL_DOCUMENTATION.md');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const hash = (JSON.parse(readFileSync(model, 'utf8')) as { hash: string }).hash;
    const md = readFileSync(join(dir, 'docs', 'MODEL_DOCUMENTATION.md'), 'utf8');
    expect(md.split('\n')[0]).toBe(`# V7 ${hash.slice(0, 12)}: model documentation`);
    expect(md).toContain('Validation gates: **failed**');
  });

  it('a model file whose bytes changed is refused with exit 2', async () => {
    const text = readFileSync(join(dir, 'artifacts', 'model.json'), 'utf8');
    writeFileSync(join(dir, 'tampered.json'), text.replace('"historyQuarters":8', '"historyQuarters":7'));
    const r = await cli(dir, 'validate', '--model', 'tampered.json', '--json');
    expect(r.code).toBe(2);
    expect(r.json()).toMatchObject({ command: 'validate', exitCode: 2, error: { code: 'INVALID_DATA' } });
    expect(r.stderr).toMatch(/--model ".*tampered\.json" was refused: hash must match/);
  });

  it('score exits 2 naming a missing input column and writes nothing', async () => {
    const wh = await openWarehouse({ kind: 'duckdb', path: join(dir, 'wh.duckdb') });
    const partial = join(dir, 'partial.csv');
    try {
      await wh.execute(
        `COPY (SELECT * EXCLUDE (years_at_firm) FROM ${wh.quoteIdentifier(hybridTable)}) TO '${partial}' (HEADER, DELIMITER ',')`,
      );
    } finally {
      await wh.close();
    }
    const r = await cli(
      dir,
      'score',
      '--model',
      join(dir, 'artifacts', 'model.json'),
      '--input',
      'partial.csv',
      '--output',
      'partial-scores.csv',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('years_at_firm');
    expect(existsSync(join(dir, 'partial-scores.csv'))).toBe(false);
  });

  it('dataset build --policy point-in-time exposes no column', async () => {
    const r = await cli(dir, 'dataset', 'build', '--policy', 'point-in-time', '--json');
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      policy: 'point-in-time',
      leakageAuditPassed: true,
      leakageExposedColumns: [],
    });
    expect(String(r.json().table)).toMatch(/^training_dataset_all_point_in_time_/);
    // Without --table, features reads the most recent build.
    const f = await cli(dir, 'features', '--json');
    expect(f.code).toBe(0);
    expect(f.json().table).toBe(r.json().table);
  });

  it('dataset verify exits 1 on a tampered table, naming the failed checks', async () => {
    const wh = await openWarehouse({ kind: 'duckdb', path: join(dir, 'wh.duckdb') });
    try {
      await wh.execute(
        `UPDATE ${wh.quoteIdentifier(hybridTable)} SET label = 1 - label WHERE lead_id = (SELECT min(lead_id) FROM ${wh.quoteIdentifier(hybridTable)})`,
      );
    } finally {
      await wh.close();
    }
    const r = await cli(dir, 'dataset', 'verify', '--table', hybridTable, '--json');
    expect(r.code).toBe(1);
    const checks = r.json().checks as { name: string; ok: boolean }[];
    const failed = checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).toContain('output.fingerprint');
    expect(failed).toContain('output.labelRate');
    expect(r.json()).toMatchObject({ ok: false, exitCode: 1 });
  });

  it('dataset verify exits 2 for a table it has no metadata for', async () => {
    const r = await cli(dir, 'dataset', 'verify', '--table', 'no_such_table');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--table must name a dataset built into');
    expect(r.stderr).toContain('"no_such_table"');
  });

  it('warehouse import loads a CSV with explicit column types, and refuses a value that does not parse', async () => {
    writeFileSync(
      join(dir, 'extra.csv'),
      'id,seen_at,score\na,2024-01-02 03:04:05,1.5\nb,2024-02-03 00:00:00,2\n',
    );
    const ok = await cli(
      dir,
      'warehouse',
      'import',
      '--table',
      'extra',
      '--file',
      'extra.csv',
      '--column-types',
      'seen_at=timestamp,score=float',
      '--json',
    );
    expect(ok.code).toBe(0);
    expect(ok.json().tables).toMatchObject([{ table: 'extra', rows: 2, columns: 3 }]);
    const wh = await openWarehouse({ kind: 'duckdb', path: join(dir, 'wh.duckdb') });
    try {
      const d = await wh.describeTable('extra');
      expect(d.columns.find((c) => c.name === 'seen_at')!.type).toMatch(/TIMESTAMP/i);
    } finally {
      await wh.close();
    }
    writeFileSync(join(dir, 'bad.csv'), 'id,seen_on\na,2024-01-02\nb,2024-13-45\n');
    const bad = await cli(
      dir,
      'warehouse',
      'import',
      '--table',
      'bad',
      '--file',
      'bad.csv',
      '--column-types',
      'seen_on=date',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      `column seen_on must hold date values, found "2024-13-45" on line 3 of ${join(dir, 'bad.csv')}`,
    );
    // A timestamp that does not parse used to load as NULL without a word.
    writeFileSync(join(dir, 'bad-ts.csv'), 'id,seen_at\na,2024-01-02 03:04:05\nb,\nc,hello\nd,1706695200\n');
    const badTs = await cli(
      dir,
      'warehouse',
      'import',
      '--table',
      'bad_ts',
      '--file',
      'bad-ts.csv',
      '--column-types',
      'seen_at=timestamp',
    );
    expect(badTs.code).toBe(2);
    expect(badTs.stderr).toContain(
      `column seen_at must hold timestamp values, found "hello" on line 4 of ${join(dir, 'bad-ts.csv')} (expected an ISO timestamp like 2024-01-31 10:00:00`,
    );
    expect(badTs.stderr).toContain('also refused: 1 more in column seen_at');
  });
});
