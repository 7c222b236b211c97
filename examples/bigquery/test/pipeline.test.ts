import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliConfigSchema } from '@leadscore/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configForFake, type FakeServer, startFake } from '../src/fake.js';
import { type RunBigQueryPipelineResult, runBigQueryPipeline } from '../src/pipeline.js';

const production = JSON.parse(readFileSync(new URL('../leadscore.config.json', import.meta.url), 'utf8'));

describe('the production config, every step against the loopback BigQuery', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bq-pipeline-'));
  let fake: FakeServer;
  let run: RunBigQueryPipelineResult;
  const lines: string[] = [];
  const step = (name: string) => run.steps.find((s) => s.name === name)!;

  beforeAll(async () => {
    fake = await startFake(production.warehouse.projectId, production.warehouse.dataset);
    // The production file with only the endpoint swapped for the fake's, and a small world.
    const config = {
      ...configForFake(production, fake),
      world: { ...production.world, reps: 200, leads: 500, quarters: 6, seed: 5 },
    };
    writeFileSync(join(dir, 'leadscore.config.json'), JSON.stringify(config, null, 2));
    run = await runBigQueryPipeline({
      config: 'leadscore.config.json',
      cwd: dir,
      demoData: true,
      trainFlags: ['--cv-folds', '2', '--trials', '1'],
      log: (l) => lines.push(l),
    });
  }, 300_000);
  afterAll(async () => {
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is a valid CLI config that names a BigQuery warehouse', () => {
    const parsed = cliConfigSchema.parse(production);
    expect(parsed.warehouse).toMatchObject({ kind: 'bigquery', projectId: 'my-gcp-project', location: 'US' });
    expect(parsed.dataset.policy).toBe('point-in-time');
  });

  it('runs every step, in order, each exiting 0 (or 1 for a gate verdict)', () => {
    expect(lines.join('\n')).not.toMatch(/exit [23]/);
    expect(run.completed).toBe(true);
    expect(run.steps.map((s) => s.name)).toEqual([
      'world generate',
      'warehouse import',
      'dataset build',
      'dataset verify',
      'features',
      'train',
      'validate',
      'docs',
      'score',
    ]);
    for (const s of run.steps) {
      expect(s.result.command, s.name).toBe(s.name);
      expect(s.result.exitCode, s.name).toBe(s.exitCode);
    }
    for (const name of [
      'world generate',
      'warehouse import',
      'dataset build',
      'dataset verify',
      'features',
      'docs',
      'score',
    ])
      expect(step(name).exitCode, name).toBe(0);
    // train and validate exit 1 exactly when a gate failed, as their reports say.
    const report = JSON.parse(readFileSync(join(dir, 'artifacts', 'gate_report.json'), 'utf8'));
    expect(step('train').exitCode).toBe(report.success ? 0 : 1);
    const validation = JSON.parse(readFileSync(join(dir, 'artifacts', 'validation_report.json'), 'utf8'));
    expect(step('validate').exitCode).toBe(validation.success ? 0 : 1);
    expect(run.exitCode).toBe(report.success && validation.success ? 0 : 1);
  });

  it('keeps the data in BigQuery: source tables loaded as jobs, the training table built there, scores written there', async () => {
    expect(fake.requests.filter((r) => r.path.includes('/upload/')).length).toBeGreaterThanOrEqual(3);
    const table = String(step('dataset build').result.table);
    expect(table).toMatch(/^training_dataset_all_point_in_time_\d{8}_\d\d$/);
    const built = await fake.duckdb(`SELECT count(*) AS n FROM "${table}"`);
    expect(Number(built[0]!.n)).toBe(step('dataset build').result.leadsOut);
    const scores = await fake.duckdb(
      'SELECT count(*) AS n, min(probability) AS lo, max(probability) AS hi, count(reason_1) AS reasons FROM "lead_scores"',
    );
    expect(Number(scores[0]!.n)).toBe(step('dataset build').result.leadsOut);
    expect(Number(scores[0]!.lo)).toBeGreaterThan(0);
    expect(Number(scores[0]!.hi)).toBeLessThan(1);
    expect(Number(scores[0]!.reasons)).toBe(Number(scores[0]!.n));
    expect(step('score').result.rows).toBe(step('dataset build').result.leadsOut);
  });

  it('writes every artifact into artifactsDir', () => {
    const artifacts = join(dir, 'artifacts');
    for (const file of [
      'feature_manifest.json',
      'model.json',
      'folds.json',
      'cv_result.json',
      'gate_report.json',
      'feature_importance.csv',
      'validation_report.json',
      'MODEL_DOCUMENTATION.md',
    ])
      expect(existsSync(join(artifacts, file)), file).toBe(true);
    expect(existsSync(String(step('dataset build').result.metadataPath))).toBe(true);
    const model = JSON.parse(readFileSync(join(artifacts, 'model.json'), 'utf8'));
    expect(model.format).toBe('leadscore.model');
    const docs = readFileSync(join(artifacts, 'MODEL_DOCUMENTATION.md'), 'utf8');
    expect(docs).toContain('Point-in-time audit: **clean**');
    expect(docs).toContain('Current-policy (leakage-exposed) columns: none.');
    const validation = JSON.parse(readFileSync(join(artifacts, 'validation_report.json'), 'utf8'));
    // validate --scoring-table scored that table in BigQuery for the PSI gate.
    expect(validation.outcomes.find((o: { id: string }) => o.id === 'score_psi').status).not.toBe('skip');
    for (const file of ['rep_snapshots', 'rep_current', 'leads'])
      expect(existsSync(join(dir, 'world', `${file}.parquet`))).toBe(true);
  });
});
