import { basename, dirname, resolve } from 'node:path';
import { generateModelDocs } from '@leadscore/gates';
import type { ModelTabular } from '@leadscore/model';
import type { CommandDefinition } from '../cli/command.js';
import { requiredFlag } from '../cli/flags.js';
import { readModelInputs } from './model-inputs.js';

function tabularSummary(t: ModelTabular, training: Readonly<Record<string, unknown>>): string {
  const folds =
    t.time === null
      ? 'stratified folds'
      : `temporal folds on \`${t.time}\`${t.group === null ? '' : ` with \`${t.group}\` kept on one side`}`;
  return `Generic tabular model (leadscore train --csv): label \`${t.label}\`, one feature per column, ${folds}; ${String(training.rows)} rows, ${String(training.positives)} positives.`;
}

/** `leadscore docs`: the model documentation (Markdown) of a model file and its training artifacts. */
export const docsCommand: CommandDefinition = {
  words: ['docs'],
  summary: 'write the model documentation (--model FILE --output FILE.md [--name NAME])',
  options: {
    model: { type: 'string' },
    output: { type: 'string' },
    name: { type: 'string' },
    table: { type: 'string' },
  },
  async run(ctx) {
    const output = resolve(ctx.io.cwd, requiredFlag(ctx.flags, 'output'));
    const inputs = await readModelInputs(ctx);
    const file = inputs.model.file;
    const name = typeof ctx.flags.name === 'string' ? ctx.flags.name : file.featureSet.name.toUpperCase();
    const docs = await generateModelDocs(
      {
        model: {
          name,
          version: file.hash.slice(0, 12),
          ...(file.tabular === undefined ? {} : { summary: tabularSummary(file.tabular, file.training) }),
        },
        cvResult: inputs.cvResult,
        folds: inputs.folds,
        metadata: inputs.metadata,
        features: file.features.features.map((f) => ({
          name: f.name,
          description: f.description,
          group: f.group,
          kind: f.kind,
          businessSignal: f.businessSignal,
          inputs: [...f.inputs, ...f.history],
        })),
        importance: file.importance,
        gates: inputs.gateReport,
        deployment: { modelFile: inputs.modelPath },
        ...(file.tabular === undefined
          ? {}
          : {
              limitations: [
                'Trained on a CSV (`leadscore train --csv`): no dataset build, so no point-in-time audit or leakage probe checked that the columns were known at prediction time.',
              ],
            }),
      },
      { outDir: dirname(output), fileName: basename(output) },
    );
    ctx.log(`model documentation: ${docs.path}`);
    return {
      exitCode: 0,
      result: { model: inputs.modelPath, output: docs.path, bytes: docs.markdown.length },
    };
  },
};
