import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers/memory-io.js';

describe('usage errors exit 2', () => {
  it('an unknown flag', async () => {
    const r = await cli(tempDir(), 'world', 'generate', '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--bogus'");
  });

  it('a flag of another command', async () => {
    const r = await cli(tempDir(), 'features', '--reps', '10');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--reps');
  });

  it('a non-integer number flag, naming it and quoting the value', async () => {
    const r = await cli(tempDir(), 'world', 'generate', '--reps', '12x');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--reps must be an integer >= 1, found "12x"');
  });

  it('an unknown command', async () => {
    const r = await cli(tempDir(), 'wrld', 'generate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('command must be one of world generate, warehouse import');
    expect(r.stderr).toContain('"wrld generate"');
  });

  it('a missing file, naming it', async () => {
    const dir = tempDir();
    const r = await cli(dir, 'warehouse', 'import', '--table', 'leads', '--file', 'missing-leads.csv');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--file must be an existing file, found "missing-leads.csv"');
  });

  it('a world directory without the world files, naming the file', async () => {
    const dir = tempDir();
    const r = await cli(dir, 'warehouse', 'import', '--world', 'nowhere');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--world must be an existing file, found ".*nowhere\/rep_snapshots\.csv"/);
  });

  it('a malformed --column-types pair', async () => {
    const r = await cli(
      tempDir(),
      'warehouse',
      'import',
      '--table',
      't',
      '--file',
      'x.csv',
      '--column-types',
      'a=when',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--column-types must be column=type pairs');
    expect(r.stderr).toContain('"a=when"');
  });

  it('dataset build without a data end date or a world.json', async () => {
    const r = await cli(tempDir(), 'dataset', 'build', '--duckdb', ':memory:');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('dataset.dataEndDate is required');
  });

  it('two warehouses at once', async () => {
    const r = await cli(tempDir(), 'dataset', 'verify', '--duckdb', 'a.duckdb', '--bq-project', 'p');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--duckdb cannot be combined with --bq-project/--bq-dataset, found "a.duckdb"',
    );
  });

  it('a BigQuery dataset flag without a project, naming the config key', async () => {
    const r = await cli(tempDir(), 'dataset', 'verify', '--bq-dataset', 'leads');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('warehouse.projectId');
  });

  it('no command at all prints the help', async () => {
    const r = await cli(tempDir());
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('usage: leadscore <command>');
    expect(r.stdout).toContain('dataset verify');
  });
});

it('--help exits 0', async () => {
  const r = await cli(tempDir(), '--help');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('exit codes: 0 success, 1');
  const sub = await cli(tempDir(), 'dataset', 'verify', '--help');
  expect(sub.code).toBe(0);
  expect(sub.stdout).toContain('leadscore dataset verify:');
});
