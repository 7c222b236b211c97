import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_STEPS } from '@leadscore/dataset';
import { expect, test } from 'vitest';
import { runBigQueryExample } from '../src/run.js';

test('the example builds, streams and verifies the V7 dataset against the fake BigQuery', async () => {
  const outDir = await mkdtemp(join(tmpdir(), 'bq-example-'));
  const lines: string[] = [];
  try {
    const result = await runBigQueryExample({
      projectId: 'leadscore-demo',
      dataset: 'leadscore',
      fake: true,
      outDir,
      log: (l) => lines.push(l),
    });
    expect(result.verified).toBe(true);
    expect(result.rows).toBeGreaterThan(0);
    const metadata = JSON.parse(await readFile(result.metadataPath as string, 'utf8'));
    expect(metadata.warehouse).toBe('bigquery');
    expect(metadata.counts.leadsOut).toBe(result.rows);
    expect(metadata.positives).toBe(result.positives);
    expect(lines.filter((l) => /^verify: ok \(\d+ checks\)$/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('build '))).toHaveLength(BUILD_STEPS.length);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});
