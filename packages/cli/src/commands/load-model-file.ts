import { readFileSync } from 'node:fs';
import { ArtifactError, DataError, formatValue, ModelFormatError } from '@leadscore/core';
import { v7Features } from '@leadscore/features';
import { type LoadedModel, loadModel } from '@leadscore/model';

/**
 * Loads the model file `--model` names. A file that fails its schema or its content hash is bad input
 * (exit 2), so the refusal is re-thrown as a {@link DataError} naming the flag and the file.
 */
export function loadModelFile(path: string): LoadedModel {
  try {
    return loadModel(readFileSync(path, 'utf8'), { features: [v7Features] });
  } catch (error) {
    if (error instanceof ModelFormatError || error instanceof ArtifactError) {
      throw new DataError(`--model ${formatValue(path)} was refused: ${error.message}`, {
        cause: error,
        details: { parameter: '--model', value: path },
      });
    }
    throw error;
  }
}
