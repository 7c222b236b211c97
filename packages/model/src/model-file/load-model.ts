/**
 * Loading a model file without executing anything from it: JSON is parsed with a reviver that refuses
 * prototype keys, the document is checked against the zod schema, its bytes against their canonical form
 * and its body against the content hash; members are parsed by boost's model-file readers and features
 * are looked up among the caller's definitions by name.
 * @module
 */
import { Booster } from '@leadscore/boost';
import { ArtifactError, formatValue, ModelFormatError } from '@leadscore/core/errors';
import { canonicalJson } from '@leadscore/core/internal';
import { hashJson } from '@leadscore/core/io';
import { safeParseWith } from '@leadscore/core/issues';
import {
  type AnyFeature,
  columnFeature,
  type FeatureSet,
  resolveFeatureManifest,
  v7Features,
} from '@leadscore/features';
import { type ModelFile, modelFileSchema } from './schema.js';

/** A model ready to score: the validated file, its members as boosters and its feature definitions. */
export interface LoadedModel {
  readonly file: ModelFile;
  readonly members: readonly Booster[];
  readonly features: FeatureSet;
}

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** Feature definitions the model's features are looked up in, by name. @default [v7Features] */
  features?: readonly (AnyFeature | readonly AnyFeature[])[];
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text, (key, value) => {
      if (FORBIDDEN_KEYS.has(key)) {
        throw new ModelFormatError(`model file must not contain the key ${formatValue(key)}`, {
          details: { key },
        });
      }
      return value;
    });
  } catch (error) {
    if (error instanceof ModelFormatError) throw error;
    throw new ModelFormatError(`model file is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The definitions of a tabular (v2) model's features: each is its input column as it is, so they are made
 * from the manifest; `resolveFeatureManifest` then refuses an entry that reads anything else.
 */
function tabularFeatures(file: ModelFile): AnyFeature[] {
  return file.features.features.map((entry) =>
    columnFeature(entry.name, entry.kind, { description: entry.description }),
  );
}

/**
 * Reads and verifies a model file's text. A v2 (tabular) file needs no feature definitions: its
 * features are rebuilt from the manifest, and `options.features` is not used.
 * @throws ModelFormatError on bad JSON, schema or member formats; ArtifactError on a hash or byte mismatch
 *   or a feature the definitions do not have.
 * @example const model = loadModel(readFileSync('model.json', 'utf8'));
 */
export function loadModel(text: string, options: LoadModelOptions = {}): LoadedModel {
  if (typeof text !== 'string') {
    throw new ModelFormatError(`text must be the model file's text, found ${formatValue(text)}`, {
      details: { parameter: 'text' },
    });
  }
  const json = parseJson(text);
  const head = json as { format?: unknown; version?: unknown } | null;
  if (typeof head === 'object' && head !== null && !Array.isArray(head)) {
    if (head.format !== 'leadscore.model') {
      throw new ModelFormatError(`format must be "leadscore.model", found ${formatValue(head.format)}`, {
        details: { path: 'format', value: head.format },
      });
    }
    if (head.version !== 1 && head.version !== 2) {
      throw new ModelFormatError(
        `version must be 1 or 2 (this library reads leadscore.model v1 and v2), found ${formatValue(head.version)}`,
        { details: { path: 'version', value: head.version } },
      );
    }
  }
  const parsed = safeParseWith(modelFileSchema, json, 'model');
  if (!parsed.success) {
    const first = parsed.issues[0]!;
    throw new ModelFormatError(`${parsed.issues.map((i) => i.message).join('; ')}`, {
      details: { path: first.path, issues: parsed.issues },
    });
  }
  const file = parsed.data;
  const { hash, ...body } = file;
  const actual = hashJson(body);
  if (actual !== hash) {
    throw new ArtifactError(
      `hash must match the model body's SHA-256 ${actual}, found ${formatValue(hash)}`,
      {
        details: { path: 'hash', expected: actual, value: hash },
      },
    );
  }
  if (`${canonicalJson(json)}\n` !== text) {
    throw new ArtifactError(
      'model file must be byte-identical to its canonical JSON (sorted keys, no whitespace, final newline); the bytes were changed',
      { details: { path: '' } },
    );
  }
  const features = resolveFeatureManifest(
    file.features,
    file.tabular === undefined ? (options.features ?? [v7Features]) : tabularFeatures(file),
  );
  const members = file.members.map((m, k) => {
    try {
      return m.format === 'xgboost-json'
        ? Booster.fromXGBoostJSON(m.model)
        : Booster.fromLightGBMText(m.model);
    } catch (error) {
      throw new ModelFormatError(
        `members[${k}].model is not a valid ${m.format} model: ${(error as Error).message}`,
        {
          cause: error,
          details: { path: `members[${k}].model` },
        },
      );
    }
  });
  for (const [k, b] of members.entries()) {
    if (b.numFeature !== file.columns.length) {
      throw new ModelFormatError(
        `members[${k}] must read the model's ${file.columns.length} columns, found ${b.numFeature}`,
        { details: { path: `members[${k}]`, expected: file.columns.length, value: b.numFeature } },
      );
    }
  }
  if (file.blend.weights.length !== members.length) {
    throw new ModelFormatError(
      `blend.weights must have one weight per member (${members.length}), found ${file.blend.weights.length}`,
      { details: { path: 'blend.weights' } },
    );
  }
  return Object.freeze({ file, members: Object.freeze(members), features });
}
