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

const sameNames = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

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
  const artifactCv =
    cvPath === undefined ? undefined : (readJson(cvResultSchema, cvPath, cvPath) as CvResult);
  // A cv_result.json of another model (a later train in the same artifactsDir) must not be checked as this one's.
  const cvResult =
    artifactCv !== undefined && sameNames(artifactCv.features, fileCv.features) ? artifactCv : fileCv;
  const foldsPath = at(TRAIN_ARTIFACTS.folds);
  const reportPath = at(TRAIN_ARTIFACTS.gateReport);
  const table = stringFlag(ctx.flags, 'table') ?? ctx.config.features.table;
  let metadata: DatasetMetadata | undefined;
  // A tabular model was trained on a CSV, not on a dataset build, so no build's metadata describes it.
  if (model.file.tabular === undefined) {
    try {
      metadata = await readDatasetMetadata(findDatasetMetadata(dir, table).file);
    } catch (error) {
      if (table !== undefined) throw error;
    }
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
