import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cli, tempDir } from './helpers/memory-io.js';

it('run goes through every step with one JSON result listing them, and exits 1 when a gate fails', async () => {
  const dir = tempDir();
  const r = await cli(
    dir,
    'run',
    '--reps',
    '300',
    '--quarters',
    '8',
    '--leads',
    '1200',
    '--seed',
    '3',
    '--json',
  );
  expect(r.stderr).toBe('');
  // A 2,000-lead world has too few positives per fold for the minimum-positives gate.
  expect(r.code).toBe(1);
  expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
  const steps = r.json().steps as {
    command: string;
    exitCode: number;
    table?: string;
    ok?: boolean;
    nRows?: number;
    leadsOut?: number;
  }[];
  expect(steps.map((s) => s.command)).toEqual([
    'world generate',
    'warehouse import',
    'dataset build',
    'dataset verify',
    'features',
    'train',
    'docs',
  ]);
  expect(steps.map((s) => s.exitCode)).toEqual([0, 0, 0, 0, 0, 1, 0]);
  expect((steps[5] as { gates?: { failed: string[] } }).gates!.failed).toContain('min_positives_per_fold');
  expect(steps[3]!.table).toBe(steps[2]!.table);
  expect(steps[3]!.ok).toBe(true);
  expect(steps[4]!.table).toBe(steps[2]!.table);
  expect(steps[4]!.nRows).toBe(steps[2]!.leadsOut);
  expect(existsSync(join(dir, 'leadscore.duckdb'))).toBe(true);
  for (const f of [
    'feature_manifest.json',
    'model.json',
    'gate_report.json',
    'cv_result.json',
    'MODEL_DOCUMENTATION.md',
  ]) {
    expect(existsSync(join(dir, 'artifacts', f))).toBe(true);
  }
});
