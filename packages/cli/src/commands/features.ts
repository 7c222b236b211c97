import { join } from 'node:path';
import { writeFileAtomic } from '@leadscore/core';
import { computeFeatures, type FeatureMatrix, featureManifest, v7Features } from '@leadscore/features';
import type { CommandDefinition } from '../cli/command.js';
import { stringFlag } from '../cli/flags.js';
import { openConfigWarehouse } from '../warehouse/open-config-warehouse.js';
import { findDatasetMetadata } from './dataset-files.js';

/** The feature manifest file `leadscore features` writes into artifactsDir. */
export const FEATURE_MANIFEST_FILE = 'feature_manifest.json';

/** Per-column summary of a feature matrix: kind and share of missing (NaN) values. */
export interface FeatureColumnSummary {
  readonly name: string;
  readonly kind: string;
  readonly group: string;
  readonly missingRate: number;
  /** Levels of a categorical column (missing level included), null otherwise. */
  readonly levels: number | null;
}

/** Summarises each column of a feature matrix in one pass over its values. */
export function summarizeFeatureMatrix(matrix: FeatureMatrix): FeatureColumnSummary[] {
  const out: FeatureColumnSummary[] = [];
  const n = matrix.nRows;
  for (let j = 0; j < matrix.nCols; j++) {
    let missing = 0;
    const base = j * n;
    for (let i = 0; i < n; i++) if (Number.isNaN(matrix.values[base + i]!)) missing++;
    out.push({
      name: matrix.names[j]!,
      kind: matrix.kinds[j]!,
      group: matrix.groups[j]!,
      missingRate: n > 0 ? missing / n : 0,
      levels: matrix.levels[j]?.length ?? null,
    });
  }
  return out;
}

/** `leadscore features`: the V7 catalog computed on a built table; a matrix summary and the feature manifest. */
export const featuresCommand: CommandDefinition = {
  words: ['features'],
  summary: 'compute the V7 feature catalog on a built table (--table T), write the feature manifest',
  options: { table: { type: 'string' } },
  overrides: (flags) => ({ features: { table: stringFlag(flags, 'table') } }),
  async run(ctx) {
    const table = ctx.config.features.table ?? findDatasetMetadata(ctx.config.artifactsDir, undefined).table;
    const wh = await openConfigWarehouse(ctx.config);
    try {
      const t0 = performance.now();
      const data = await wh.query(
        `SELECT * FROM ${wh.quoteIdentifier(table)} ORDER BY contacted_at, lead_id`,
        ctx.io.signal ? { signal: ctx.io.signal } : {},
      );
      const matrix = computeFeatures(data, v7Features, {
        historyQuarters: ctx.config.dataset.historyQuarters,
      });
      const ms = performance.now() - t0;
      const columns = summarizeFeatureMatrix(matrix);
      const manifestPath = join(ctx.config.artifactsDir, FEATURE_MANIFEST_FILE);
      await writeFileAtomic(manifestPath, `${JSON.stringify(featureManifest(v7Features), null, 2)}\n`);
      const kinds: Record<string, number> = {};
      for (const c of columns) kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
      const business = matrix.businessSignal.filter(Boolean).length;
      ctx.log(`${table}: ${matrix.nRows} x ${matrix.nCols} feature matrix in ${(ms / 1000).toFixed(2)} s`);
      ctx.log(
        `  kinds           ${Object.entries(kinds)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}; business signal ${business}`,
      );
      const sparse = [...columns].sort((a, b) => b.missingRate - a.missingRate).slice(0, 5);
      ctx.log(
        `  most missing    ${sparse.map((c) => `${c.name} ${(100 * c.missingRate).toFixed(1)} %`).join(', ')}`,
      );
      ctx.log(`  manifest        ${manifestPath}`);
      return {
        exitCode: 0,
        result: { table, nRows: matrix.nRows, nCols: matrix.nCols, manifestPath, columns },
      };
    } finally {
      await wh.close();
    }
  },
};
