import { readDatasetMetadata, verifyDataset } from '@leadscore/dataset';
import type { CommandDefinition } from '../cli/command.js';
import { existingFile, stringFlag } from '../cli/flags.js';
import { openConfigWarehouse } from '../warehouse/open-config-warehouse.js';
import { findDatasetMetadata } from './dataset-files.js';

/** `leadscore dataset verify`: re-checks a built table against its metadata without rebuilding; exit 1 on any failed check. */
export const datasetVerifyCommand: CommandDefinition = {
  words: ['dataset', 'verify'],
  summary: 're-check a built table against its metadata (--table T [--metadata FILE] [--skip-sources])',
  options: {
    table: { type: 'string' },
    metadata: { type: 'string' },
    'skip-sources': { type: 'boolean' },
  },
  async run(ctx) {
    const metadataFlag = stringFlag(ctx.flags, 'metadata');
    const tableFlag = stringFlag(ctx.flags, 'table');
    const found =
      metadataFlag === undefined
        ? findDatasetMetadata(ctx.config.artifactsDir, tableFlag)
        : { file: existingFile(metadataFlag, ctx.io.cwd, '--metadata'), table: tableFlag };
    const wh = await openConfigWarehouse(ctx.config);
    try {
      const table = found.table ?? (await readDatasetMetadata(found.file)).output.name;
      const r = await verifyDataset(wh, table, found.file, {
        checkSources: ctx.flags['skip-sources'] !== true,
        ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
      });
      for (const c of r.checks) ctx.log(`  ${c.ok ? 'ok    ' : 'FAILED'} ${c.message}`);
      ctx.log(`${table}: ${r.ok ? 'verified' : 'verification FAILED'} (${r.checks.length} checks)`);
      return {
        exitCode: r.ok ? 0 : 1,
        result: { table, metadataPath: found.file, ok: r.ok, checks: r.checks },
      };
    } finally {
      await wh.close();
    }
  },
};
