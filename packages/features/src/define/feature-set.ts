import { formatValue, InvalidArgumentError } from '@leadscore/core/errors';
import { type AnyFeature, validateFeature } from './feature.js';

/** An ordered, frozen list of features with unique names. Spread it or nest it to compose sets. */
export type FeatureSet = readonly AnyFeature[];

/**
 * Composes features and feature sets (nested one level) into a {@link FeatureSet}; every feature is
 * re-validated and duplicate names are rejected.
 * @example const set = featureSet([v7Features, aumPerYearInIndustry]);
 */
export function featureSet(items: readonly (AnyFeature | readonly AnyFeature[])[]): FeatureSet {
  // Sets made here are frozen, so they never need validating twice (online scoring calls this per lead).
  if (validated.has(items)) return items as FeatureSet;
  if (!Array.isArray(items)) {
    throw new InvalidArgumentError(`features must be an array of features, found ${formatValue(items)}`, {
      details: { parameter: 'features', value: items },
    });
  }
  const out: AnyFeature[] = [];
  const firstIndex = new Map<string, number>();
  const add = (item: unknown, path: string): void => {
    const feature = Object.isFrozen(item) ? validateFrozen(item, path) : validateFeature(item, path);
    const prev = firstIndex.get(feature.name);
    if (prev !== undefined) {
      throw new InvalidArgumentError(
        `${path}.name must be unique in the set, found ${formatValue(feature.name)} (also features[${prev}])`,
        { details: { parameter: `${path}.name`, value: feature.name } },
      );
    }
    firstIndex.set(feature.name, out.length);
    out.push(feature);
  };
  items.forEach((item, i) => {
    if (!Array.isArray(item)) add(item, `features[${i}]`);
    else {
      item.forEach((inner, j) => {
        add(inner, `features[${i}][${j}]`);
      });
    }
  });
  const set = Object.freeze(out);
  validated.add(set);
  return set;
}

const validated = new WeakSet<object>();

/** Keeps the identity of complete frozen definitions (validation still runs); otherwise a normalised copy. */
function validateFrozen(item: unknown, path: string): AnyFeature {
  const copy = validateFeature(item, path);
  const f = item as Partial<AnyFeature>;
  const complete =
    Array.isArray(f.inputs) &&
    Array.isArray(f.history) &&
    typeof f.inputTypes === 'object' &&
    f.description === copy.description;
  return complete ? (item as AnyFeature) : copy;
}
