import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CvResult,
  cvResultSchema,
  type FoldList,
  foldListSchema,
  type GateReport,
  gateReportSchema,
  parseWith,
} from '@leadscore/core';
import { type DatasetMetadata, readDatasetMetadata } from '@leadscore/dataset';
import type { LoadedModel } from '@leadscore/model';
import type { CommandContext } from '../cli/command.js';
import { existingFile, requiredFlag, stringFlag } from '../cli/flags.js';
import { findDatasetMetadata } from './dataset-files.js';
import { loadModelFile } from './load-model-file.js';
import { TRAIN_ARTIFACTS } from './train.js';

function readJson<S extends Parameters<typeof parseWith>[0]>(schema: S, path: string, root: string) {
  return parseWith(schema, JSON.parse(readFileSync(path, 'utf8')), root);
}

/** What `validate` and `docs` read: the model file and the training artifacts beside it in artifactsDir. */
export interface ModelInputs {
  readonly modelPath: string;
  readonly model: LoadedModel;
  /** The full CV result (`cv_result.json`, with out-of-fold predictions), else the model file's copy. */
  readonly cvResult: CvResult;
  readonly folds: FoldList | undefined;
  readonly gateReport: GateReport | undefined;
  readonly metadata: DatasetMetadata | undefined;
}

/** Loads `--model FILE` and the artifacts `leadscore train` wrote next to it (when present). */
export async function readModelInputs(ctx: CommandContext): Promise<ModelInputs> {
  const modelPath = existingFile(requiredFlag(ctx.flags, 'model'), ctx.io.cwd, '--model');
  const model = loadModelFile(modelPath);
  const dir = ctx.config.artifactsDir;
  const at = (name: string) => {
    const p = join(dir, name);
    return existsSync(p) ? p : undefined;
  };
  const cvPath = at(TRAIN_ARTIFACTS.cvResult);
  const fileCv = model.file.cv.at(-1) as CvResult;
  const cvResult = cvPath === undefined ? fileCv : (readJson(cvResultSchema, cvPath, cvPath) as CvResult);
  const foldsPath = at(TRAIN_ARTIFACTS.folds);
  const reportPath = at(TRAIN_ARTIFACTS.gateReport);
  const table = stringFlag(ctx.flags, 'table') ?? ctx.config.features.table;
  let metadata: DatasetMetadata | undefined;
  try {
    metadata = await readDatasetMetadata(findDatasetMetadata(dir, table).file);
  } catch (error) {
    if (table !== undefined) throw error;
  }
  return {
    modelPath,
    model,
    cvResult,
    folds: foldsPath === undefined ? undefined : (readJson(foldListSchema, foldsPath, foldsPath) as FoldList),
    gateReport:
      reportPath === undefined
        ? undefined
        : (readJson(gateReportSchema, reportPath, reportPath) as GateReport),
    metadata,
  };
}
