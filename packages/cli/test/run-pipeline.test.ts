import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers/memory-io.js';

interface Step {
  readonly command: string;
  readonly exitCode: number;
  readonly table?: string;
  readonly ok?: boolean;
  readonly nRows?: number;
  readonly leadsOut?: number;
  readonly gates?: {
    readonly failed: readonly string[];
    readonly outcomes: readonly { id: string; status: string }[];
  };
}

const WORLD = ['--reps', '300', '--quarters', '8', '--leads', '2000', '--seed', '3', '--cv-folds', '3'];

describe('leadscore run', () => {
  it('on the hybrid (leaky) V7 spec goes through every step and exits 1 naming the leakage probe', async () => {
    const dir = tempDir();
    const r = await cli(dir, 'run', ...WORLD, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    const steps = r.json().steps as Step[];
    expect(steps.map((s) => s.command)).toEqual([
      'world generate',
      'warehouse import',
      'dataset build',
      'dataset verify',
      'features',
      'dataset build',
      'train',
      'docs',
    ]);
    expect(steps.map((s) => s.exitCode)).toEqual([0, 0, 0, 0, 0, 0, 1, 0]);
    expect(steps[3]!.table).toBe(steps[2]!.table);
    expect(steps[3]!.ok).toBe(true);
    expect(steps[4]!.nRows).toBe(steps[2]!.leadsOut);
    expect(steps[5]!.table).toMatch(/^training_dataset_all_point_in_time_/);
    expect(steps[6]!.gates!.failed).toContain('leakage_probe');
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

  it('on the point-in-time spec does not fail the leakage probe', async () => {
    const dir = tempDir();
    const r = await cli(dir, 'run', ...WORLD, '--policy', 'point-in-time', '--json');
    const steps = r.json().steps as Step[];
    expect(steps.map((s) => s.command)).toEqual([
      'world generate',
      'warehouse import',
      'dataset build',
      'dataset verify',
      'features',
      'train',
      'docs',
    ]);
    const probe = steps[5]!.gates!.outcomes.find((o) => o.id === 'leakage_probe')!;
    expect(probe.status).not.toBe('fail');
    // A 2,000-lead world has too few positives per fold for the minimum-positives gate.
    expect(steps[5]!.gates!.failed).toContain('min_positives_per_fold');
    expect(r.code).toBe(1);
  });
});
