import { join } from 'node:path';
import type { CommandContext, CommandDefinition, CommandOutcome, Flags } from '../cli/command.js';
import { datasetBuildCommand } from './dataset-build.js';
import { datasetVerifyCommand } from './dataset-verify.js';
import { docsCommand } from './docs.js';
import { featuresCommand } from './features.js';
import { trainCommand } from './train.js';
import { warehouseImportCommand } from './warehouse-import.js';
import { worldGenerateCommand } from './world-generate.js';

/**
 * `leadscore run`: every step, in order: world generate, warehouse import of that world, dataset build,
 * dataset verify, features, (hybrid policy: a point-in-time build of the same leads for the leakage
 * probe), train (CV, ensemble, gates), docs. Stops when verification fails; a failed gate still gets its
 * documentation written, then exits 1.
 */
export const runPipelineCommand: CommandDefinition = {
  words: ['run'],
  summary:
    'every step: world generate -> warehouse import -> dataset build -> dataset verify -> features -> (point-in-time build for the leakage probe) -> train -> docs',
  options: { ...worldGenerateCommand.options, ...datasetBuildCommand.options, ...trainCommand.options },
  overrides: (flags) => ({
    ...worldGenerateCommand.overrides?.(flags),
    ...datasetBuildCommand.overrides?.(flags),
    ...trainCommand.overrides?.(flags),
  }),
  async run(ctx) {
    const steps: Record<string, unknown>[] = [];
    const hybrid = ctx.config.dataset.policy === 'hybrid';
    const total = hybrid ? 8 : 7;
    const step = async (
      command: CommandDefinition,
      flags: Flags,
      config = ctx.config,
    ): Promise<CommandOutcome> => {
      const name = command.words.join(' ');
      ctx.log('');
      ctx.log(`[${steps.length + 1}/${total}] ${name}`);
      const sub: CommandContext = { ...ctx, flags, config };
      const outcome = await command.run(sub);
      steps.push({ command: name, exitCode: outcome.exitCode, ...outcome.result });
      return outcome;
    };
    const done = (exitCode: 0 | 1): CommandOutcome => ({ exitCode, result: { steps } });
    await step(worldGenerateCommand, {});
    await step(warehouseImportCommand, { world: ctx.config.world.out });
    const built = await step(datasetBuildCommand, {});
    const table = String(built.result.table);
    const verified = await step(datasetVerifyCommand, { table });
    if (verified.exitCode !== 0) return done(verified.exitCode);
    const withTable = { ...ctx.config, features: { ...ctx.config.features, table } };
    await step(featuresCommand, {}, withTable);
    let trainConfig = withTable;
    if (hybrid) {
      // The same leads with every column point-in-time: what the leakage probe compares the hybrid with.
      const { outputBase: _base, ...dataset } = ctx.config.dataset;
      const pit = await step(
        datasetBuildCommand,
        {},
        { ...ctx.config, dataset: { ...dataset, policy: 'point-in-time' } },
      );
      trainConfig = { ...withTable, train: { ...withTable.train, probeTable: String(pit.result.table) } };
    }
    const trained = await step(trainCommand, {}, trainConfig);
    const model = String((trained.result.artifacts as { model: string }).model);
    const docs = join(ctx.config.artifactsDir, 'MODEL_DOCUMENTATION.md');
    await step(docsCommand, { model, output: docs }, withTable);
    ctx.log('');
    ctx.log(
      `${trained.exitCode === 0 ? 'done' : 'done, with failed gates'}; artifacts in ${ctx.config.artifactsDir}`,
    );
    return done(trained.exitCode);
  },
};
