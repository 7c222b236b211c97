/**
 * Writing a model file: the body is validated, hashed over its canonical JSON, and serialised as
 * canonical JSON, so the same seed and data give the same bytes.
 * @module
 */
import { canonicalJson } from '@leadscore/core/internal';
import { hashJson, writeFileAtomic } from '@leadscore/core/io';
import { parseWith } from '@leadscore/core/issues';
import type { FeatureManifest } from '@leadscore/features';
import { type ModelBody, type ModelFile, modelBodySchema } from './schema.js';

/** A model body as producers build it (the feature manifest as `featureManifest` returns it). */
export type ModelBodyInput = Omit<ModelBody, 'features'> & { readonly features: FeatureManifest };

/**
 * Validates a model body and adds its content hash.
 * @example const file = createModelFile(body);
 */
export function createModelFile(body: ModelBodyInput): ModelFile {
  const parsed = parseWith(modelBodySchema, body, 'model');
  return { ...parsed, hash: hashJson(parsed) };
}

/** The model file's bytes: canonical JSON (sorted keys, no whitespace) and a final newline. */
export function serializeModel(file: ModelFile): string {
  return `${canonicalJson(file)}\n`;
}

/** Writes a model file atomically (temp file, fsync, rename). */
export async function saveModel(path: string, file: ModelFile): Promise<void> {
  await writeFileAtomic(path, serializeModel(file));
}
