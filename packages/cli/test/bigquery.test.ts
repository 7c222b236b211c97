import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers/memory-io.js';

interface Fake {
  readonly url: string;
  readonly requests: readonly { method: string; path: string }[];
  duckdb(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

// The loopback fake is core's test infrastructure, loaded by path so this package's tsconfig stays
// within its own tree.
async function startFake(projectId: string, dataset: string): Promise<Fake> {
  const url = new URL('../../dataset/test/helpers/fake-bigquery-server.ts', import.meta.url);
  const module = (await import(pathToFileURL(url.pathname).href)) as {
    startFakeBigQuery(options: { projectId: string; datasets: string[] }): Promise<Fake>;
  };
  return module.startFakeBigQuery({ projectId, datasets: [dataset] });
}

describe('leadscore on BigQuery (the loopback fake)', () => {
  const dir = tempDir();
  let fake: Fake;

  beforeAll(async () => {
    fake = await startFake('cli-project', 'leadscore');
    writeFileSync(
      join(dir, 'leadscore.config.json'),
      JSON.stringify({
        warehouse: {
          kind: 'bigquery',
          projectId: 'cli-project',
          dataset: 'leadscore',
          location: 'US',
          apiEndpoint: fake.url,
          anonymous: true,
        },
        world: { reps: 200, leads: 500, quarters: 6, seed: 5, format: 'csv' },
      }),
    );
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('imports the world, builds the dataset inside BigQuery and verifies it', async () => {
    expect((await cli(dir, 'world', 'generate')).code).toBe(0);
    const imported = await cli(dir, 'warehouse', 'import', '--world', 'world', '--json');
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.json()).toMatchObject({ warehouse: 'bigquery' });
    // The three files went up as load jobs, not as rows through the query API.
    expect(fake.requests.filter((r) => r.path.includes('/upload/')).length).toBe(3);

    const built = await cli(dir, 'dataset', 'build', '--json');
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    const table = String(built.json().table);
    const rows = await fake.duckdb(`SELECT count(*) AS n FROM "${table}"`);
    expect(Number(rows[0]!.n)).toBe(built.json().leadsOut);

    const verified = await cli(dir, 'dataset', 'verify', '--table', table);
    expect(verified.code).toBe(0);

    const features = await cli(dir, 'features', '--json');
    expect(features.code).toBe(0);
    expect(features.json().nRows).toBe(built.json().leadsOut);
  });
});
