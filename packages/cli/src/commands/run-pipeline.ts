import type { CommandContext, CommandDefinition, CommandOutcome, Flags } from '../cli/command.js';
import { datasetBuildCommand } from './dataset-build.js';
import { datasetVerifyCommand } from './dataset-verify.js';
import { featuresCommand } from './features.js';
import { warehouseImportCommand } from './warehouse-import.js';
import { worldGenerateCommand } from './world-generate.js';

/**
 * `leadscore run`: every step available, in order: world generate, warehouse import of that world,
 * dataset build, dataset verify, features. Stops at the first step that does not exit 0.
 */
export const runPipelineCommand: CommandDefinition = {
  words: ['run'],
  summary:
    'every available step: world generate -> warehouse import -> dataset build -> dataset verify -> features (world and dataset flags apply)',
  options: { ...worldGenerateCommand.options, ...datasetBuildCommand.options },
  overrides: (flags) => ({
    ...worldGenerateCommand.overrides?.(flags),
    ...datasetBuildCommand.overrides?.(flags),
  }),
  async run(ctx) {
    const steps: Record<string, unknown>[] = [];
    const step = async (
      command: CommandDefinition,
      flags: Flags,
      config = ctx.config,
    ): Promise<CommandOutcome> => {
      const name = command.words.join(' ');
      ctx.log('');
      ctx.log(`[${steps.length + 1}/5] ${name}`);
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
    await step(featuresCommand, {}, { ...ctx.config, features: { ...ctx.config.features, table } });
    ctx.log('');
    ctx.log(`done; artifacts in ${ctx.config.artifactsDir}`);
    return done(0);
  },
};
