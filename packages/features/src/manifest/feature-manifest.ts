import { ArtifactError, formatValue } from '@leadscore/core/errors';
import { z } from 'zod';
import { type AnyFeature, FEATURE_GROUPS, FEATURE_KINDS } from '../define/feature.js';
import { type FeatureSet, featureSet } from '../define/feature-set.js';

/** One feature as recorded in a model bundle: everything but the code. */
export interface FeatureManifestEntry {
  readonly name: string;
  readonly group: AnyFeature['group'];
  readonly kind: AnyFeature['kind'];
  readonly inputs: readonly string[];
  readonly history: readonly string[];
  readonly inputTypes: Readonly<Record<string, 'number' | 'string' | 'boolean'>>;
  readonly businessSignal: boolean;
  readonly description: string;
}

/** The features of a model, in matrix column order, as JSON. */
export interface FeatureManifest {
  readonly format: 'leadscore.features';
  readonly version: 1;
  readonly features: readonly FeatureManifestEntry[];
}

const entrySchema = z
  .object({
    name: z.string().min(1),
    group: z.enum(FEATURE_GROUPS),
    kind: z.enum(FEATURE_KINDS),
    inputs: z.array(z.string()),
    history: z.array(z.string()),
    inputTypes: z.record(z.string(), z.enum(['number', 'string', 'boolean'])),
    businessSignal: z.boolean(),
    description: z.string(),
  })
  .strict();

/** zod schema of a {@link FeatureManifest}. */
export const featureManifestSchema = z
  .object({
    format: z.literal('leadscore.features'),
    version: z.literal(1),
    features: z.array(entrySchema),
  })
  .strict();

/**
 * Records a feature set for a model bundle (names, kinds, inputs, ...; no code).
 * @example bundle.features = featureManifest(set);
 */
export function featureManifest(set: FeatureSet): FeatureManifest {
  return {
    format: 'leadscore.features',
    version: 1,
    features: featureSet(set).map((f) => ({
      name: f.name,
      group: f.group,
      kind: f.kind,
      inputs: [...f.inputs],
      history: [...f.history],
      inputTypes: { ...f.inputTypes },
      businessSignal: f.businessSignal,
      description: f.description,
    })),
  };
}

const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Finds the features of a manifest among `available` definitions (e.g. `[v7Features, myFeatures]`), in
 * manifest order. Loading a bundle never runs code from it: the code comes from `available`, and a
 * definition whose kind, inputs, history or input types differ from the manifest is refused.
 * @throws ArtifactError naming the feature.
 * @example const set = resolveFeatureManifest(bundle.features, [v7Features, aumPerYearInIndustry]);
 */
export function resolveFeatureManifest(
  manifest: unknown,
  available: readonly (AnyFeature | readonly AnyFeature[])[],
): FeatureSet {
  const parsed = featureManifestSchema.safeParse(manifest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = ['manifest', ...issue.path].join('.');
    throw new ArtifactError(`${path}: ${issue.message}`, { cause: parsed.error, details: { path } });
  }
  const byName = new Map(featureSet(available).map((f) => [f.name, f]));
  return featureSet(
    parsed.data.features.map((entry, j) => {
      const f = byName.get(entry.name);
      const at = `manifest.features[${j}]`;
      if (f === undefined) {
        throw new ArtifactError(
          `${at}: feature ${formatValue(entry.name)} is not among the available definitions`,
          {
            details: { path: at, feature: entry.name },
          },
        );
      }
      const types = (t: Readonly<Record<string, string>>) =>
        Object.keys(t)
          .sort()
          .map((k) => `${k}:${t[k]}`);
      const mismatch =
        f.kind !== entry.kind
          ? 'kind'
          : !same(f.inputs, entry.inputs)
            ? 'inputs'
            : !same(f.history, entry.history)
              ? 'history'
              : !same(types(f.inputTypes), types(entry.inputTypes))
                ? 'inputTypes'
                : null;
      if (mismatch !== null) {
        throw new ArtifactError(
          `${at}.${mismatch}: feature ${formatValue(entry.name)} was trained with ${formatValue((entry as Record<string, unknown>)[mismatch])}, the available definition has ${formatValue((f as unknown as Record<string, unknown>)[mismatch])}`,
          { details: { path: `${at}.${mismatch}`, feature: entry.name } },
        );
      }
      return f;
    }),
  );
}
