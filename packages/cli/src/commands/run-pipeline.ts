import { join } from 'node:path';
import type { CommandContext, CommandDefinition, CommandOutcome, Flags } from '../cli/command.js';
import { datasetBuildCommand } from './dataset-build.js';
import { datasetVerifyCommand } from './dataset-verify.js';
import { docsCommand } from './docs.js';
import { featuresCommand } from './features.js';
import { trainCommand } from './train.js';
import { warehouseImportCommand } from './warehouse-import.js';
import { worldGenerateCommand } from './world-generate.js';

const STEPS = 7;

/**
 * `leadscore run`: every step, in order: world generate, warehouse import of that world, dataset build,
 * dataset verify, features, train (CV, ensemble, gates), docs. Stops when verification fails; a failed
 * gate still gets its documentation written, then exits 1.
 */
export const runPipelineCommand: CommandDefinition = {
  words: ['run'],
  summary:
    'every step: world generate -> warehouse import -> dataset build -> dataset verify -> features -> train -> docs (their flags apply)',
  options: { ...worldGenerateCommand.options, ...datasetBuildCommand.options, ...trainCommand.options },
  overrides: (flags) => ({
    ...worldGenerateCommand.overrides?.(flags),
    ...datasetBuildCommand.overrides?.(flags),
    ...trainCommand.overrides?.(flags),
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
      ctx.log(`[${steps.length + 1}/${STEPS}] ${name}`);
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
    const trained = await step(trainCommand, {}, withTable);
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
