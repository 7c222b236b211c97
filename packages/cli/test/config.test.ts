import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_FILE_NAME, loadConfig } from '../src/index.js';
import { cli, tempDir } from './helpers/memory-io.js';

function withConfig(content: unknown): string {
  const dir = tempDir();
  writeFileSync(join(dir, CONFIG_FILE_NAME), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

describe('loadConfig', () => {
  it('applies defaults and resolves relative paths against the config file directory', () => {
    const dir = withConfig({ artifactsDir: 'out/a', warehouse: { kind: 'duckdb', path: 'wh.duckdb' } });
    const { config, file } = loadConfig(undefined, '/elsewhere/../', {});
    expect(file).toBeNull();
    expect(config.artifactsDir).toBe('/artifacts');
    const loaded = loadConfig(join(dir, CONFIG_FILE_NAME), '/');
    expect(loaded.file).toBe(join(dir, CONFIG_FILE_NAME));
    expect(loaded.config.artifactsDir).toBe(join(dir, 'out/a'));
    expect(loaded.config.warehouse).toEqual({ kind: 'duckdb', path: join(dir, 'wh.duckdb') });
    expect(loaded.config.world).toEqual({
      reps: 2000,
      quarters: 12,
      leads: 3000,
      seed: 7,
      out: join(dir, 'world'),
      format: 'parquet',
    });
    expect(loaded.config.dataset.policy).toBe('hybrid');
    expect(loaded.config.tables.leads).toBe('leads');
  });

  it('lets overrides (flags) win over the file, key by key', () => {
    const dir = withConfig({ world: { seed: 3, reps: 50 } });
    const { config } = loadConfig(undefined, dir, { world: { seed: 5, reps: undefined } });
    expect(config.world.seed).toBe(5);
    expect(config.world.reps).toBe(50);
  });

  it('replaces the warehouse section as a whole when a flag picks another kind', () => {
    const dir = withConfig({ warehouse: { kind: 'duckdb', path: 'a.duckdb', threads: 2 } });
    const { config } = loadConfig(undefined, dir, {
      warehouse: { kind: 'bigquery', projectId: 'p', dataset: 'd' },
    });
    expect(config.warehouse).toMatchObject({
      kind: 'bigquery',
      projectId: 'p',
      dataset: 'd',
      anonymous: false,
    });
  });

  it('names every bad key with the file', () => {
    const dir = withConfig({ world: { reps: 'many', seed: -1 }, dataset: { policy: 'sometimes' } });
    expect(() => loadConfig(undefined, dir)).toThrowError(
      /world\.reps.*\n.*world\.seed.*\n.*dataset\.policy/s,
    );
    try {
      loadConfig(undefined, dir);
    } catch (error) {
      expect((error as Error).message).toContain(join(dir, CONFIG_FILE_NAME));
      expect((error as Error).message).toContain('"many"');
    }
  });

  it('names an unknown key instead of ignoring it', () => {
    const dir = withConfig({ world: { leadz: 10 } });
    expect(() => loadConfig(undefined, dir)).toThrowError(/world\.leadz is not a known option/);
  });

  it('takes a BigQuery project id with hyphens as the first of three table segments, and nowhere else', () => {
    const ok = withConfig({
      warehouse: { kind: 'bigquery', projectId: 'acme-crm-42', dataset: 'crm' },
      tables: { leads: 'acme-crm-42.crm.leads', repCurrent: 'crm.rep_current' },
    });
    expect(loadConfig(undefined, ok).config.tables.leads).toBe('acme-crm-42.crm.leads');
    for (const bad of ['acme-crm-42.leads', 'crm.acme-crm-42.leads', 'Acme-crm.crm.leads', 'a-b.crm.leads']) {
      const dir = withConfig({ tables: { leads: bad } });
      expect(() => loadConfig(undefined, dir), bad).toThrowError(/tables\.leads/);
    }
  });

  it('requires BigQuery project and dataset', () => {
    const dir = withConfig({ warehouse: { kind: 'bigquery', dataset: 'd' } });
    expect(() => loadConfig(undefined, dir)).toThrowError(/warehouse\.projectId/);
  });
});

describe('a malformed config on the command line', () => {
  it('exits 2 naming the bad key', async () => {
    const dir = withConfig({ world: { reps: 'many' } });
    const r = await cli(dir, 'world', 'generate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('world.reps');
    expect(r.stderr).toContain('"many"');
  });

  it('exits 2 naming the file when it is not JSON', async () => {
    const dir = withConfig('{ "world": ');
    const r = await cli(dir, 'world', 'generate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, CONFIG_FILE_NAME)} is not valid JSON`);
  });

  it('exits 2 naming a --config file that does not exist', async () => {
    const dir = tempDir();
    const r = await cli(dir, 'world', 'generate', '--config', 'nope.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--config must be an existing file, found "nope.json"');
  });

  it('reports the error as one JSON line with --json', async () => {
    const dir = withConfig({ tables: { leads: 'drop table; --' } });
    const r = await cli(dir, 'dataset', 'build', '--json');
    expect(r.code).toBe(2);
    expect(r.json()).toMatchObject({
      command: 'dataset build',
      ok: false,
      exitCode: 2,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(String((r.json().error as { message: string }).message)).toContain('tables.leads');
  });
});
