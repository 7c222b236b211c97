import { basename, dirname, resolve } from 'node:path';
import { generateModelDocs } from '@leadscore/gates';
import type { CommandDefinition } from '../cli/command.js';
import { requiredFlag } from '../cli/flags.js';
import { readModelInputs } from './model-inputs.js';

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
        model: { name, version: file.hash.slice(0, 12) },
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
