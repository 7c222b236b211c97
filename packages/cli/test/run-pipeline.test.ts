import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cli, tempDir } from './helpers/memory-io.js';

it('run goes through every available step with one JSON result listing them', async () => {
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
  expect(r.code).toBe(0);
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
  ]);
  expect(steps.every((s) => s.exitCode === 0)).toBe(true);
  expect(steps[3]!.table).toBe(steps[2]!.table);
  expect(steps[3]!.ok).toBe(true);
  expect(steps[4]!.table).toBe(steps[2]!.table);
  expect(steps[4]!.nRows).toBe(steps[2]!.leadsOut);
  expect(existsSync(join(dir, 'leadscore.duckdb'))).toBe(true);
  expect(existsSync(join(dir, 'artifacts', 'feature_manifest.json'))).toBe(true);
});
