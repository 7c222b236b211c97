import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatValue, InvalidArgumentError } from '@leadscore/core';
import { buildDataset, type DatasetSpec, v7DatasetSpec } from '@leadscore/dataset';
import type { CommandDefinition } from '../cli/command.js';
import { intFlag, stringFlag } from '../cli/flags.js';
import type { CliConfig } from '../config/config.js';
import { openConfigWarehouse } from '../warehouse/open-config-warehouse.js';

/** The data end date: the config's, else the generated world's (world.json), else an error naming the key. */
function dataEndDate(config: CliConfig): string {
  if (config.dataset.dataEndDate !== undefined) return config.dataset.dataEndDate;
  const params = join(config.world.out, 'world.json');
  if (existsSync(params)) {
    const value = (JSON.parse(readFileSync(params, 'utf8')) as { dataEndDate?: unknown }).dataEndDate;
    if (typeof value === 'string') return value;
  }
  throw new InvalidArgumentError(
    `dataset.dataEndDate is required (config key or --data-end YYYY-MM-DD) when ${formatValue(params)} does not exist, found undefined`,
    { details: { parameter: 'dataset.dataEndDate' } },
  );
}

/** The V7 spec for the config: hybrid (financial columns current) or every column point-in-time. */
export function datasetSpecFor(config: CliConfig): DatasetSpec {
  const d = config.dataset;
  const pit = d.policy === 'point-in-time';
  const spec = v7DatasetSpec({
    dataEndDate: dataEndDate(config),
    tables: config.tables,
    outputBase: d.outputBase ?? (pit ? 'training_dataset_all_point_in_time' : 'step_3_3_training_dataset_v7'),
    overwrite: d.overwrite,
    availabilityLagDays: d.availabilityLagDays,
    maxLookbackDays: d.maxLookbackDays,
    historyQuarters: d.historyQuarters,
    labelHorizonDays: d.labelHorizonDays,
    ...(d.version === undefined ? {} : { version: d.version }),
  });
  if (!pit) return spec;
  return {
    ...spec,
    featureGroups: spec.featureGroups.map((g) =>
      g.policy === 'current' ? { ...g, policy: 'pointInTime' as const } : g,
    ),
  };
}

/** `leadscore dataset build`: the training table in the warehouse, its metadata JSON in artifactsDir. */
export const datasetBuildCommand: CommandDefinition = {
  words: ['dataset', 'build'],
  summary: 'build the training table (--policy hybrid|point-in-time --data-end DATE --version V --overwrite)',
  options: {
    policy: { type: 'string' },
    'data-end': { type: 'string' },
    version: { type: 'string' },
    'output-base': { type: 'string' },
    overwrite: { type: 'boolean' },
    'label-horizon-days': { type: 'string' },
  },
  overrides: (flags) => ({
    dataset: {
      policy: stringFlag(flags, 'policy'),
      dataEndDate: stringFlag(flags, 'data-end'),
      version: stringFlag(flags, 'version'),
      outputBase: stringFlag(flags, 'output-base'),
      overwrite: flags.overwrite === true ? true : undefined,
      labelHorizonDays: intFlag(flags, 'label-horizon-days', 1),
    },
  }),
  async run(ctx) {
    const spec = datasetSpecFor(ctx.config);
    ctx.log(`dataset: ${ctx.config.dataset.policy} policy, data end ${spec.dataEndDate}`);
    const wh = await openConfigWarehouse(ctx.config);
    try {
      const progress = ctx.progress('build');
      const built = await buildDataset(wh, spec, {
        outDir: ctx.config.artifactsDir,
        returnTable: false,
        onProgress: (p) => progress.update(p.index, p.total, p.step),
        ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
      });
      progress.end();
      const m = built.metadata;
      ctx.log(`  ${built.tableName}: ${m.counts.leadsOut} of ${m.counts.leadsIn} leads`);
      ctx.log(`  label rate      ${(100 * m.labelRate).toFixed(2)} % (${m.positives} positives)`);
      ctx.log(`  leakage audit   ${m.leakage.audit.passed ? 'passed' : 'FAILED'}`);
      ctx.log(`  leakage-exposed ${m.leakage.exposedColumns.join(', ') || 'none'}`);
      ctx.log(`  metadata        ${built.metadataPath}`);
      return {
        exitCode: 0,
        result: {
          table: built.tableName,
          version: built.version,
          policy: ctx.config.dataset.policy,
          metadataPath: built.metadataPath,
          leadsIn: m.counts.leadsIn,
          leadsOut: m.counts.leadsOut,
          excluded: m.counts.excluded,
          positives: m.positives,
          labelRate: m.labelRate,
          leakageAuditPassed: m.leakage.audit.passed,
          leakageExposedColumns: m.leakage.exposedColumns,
        },
      };
    } finally {
      await wh.close();
    }
  },
};
