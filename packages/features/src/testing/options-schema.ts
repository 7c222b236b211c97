/**
 * The feature-testing helpers' and `describeFeatures`' options as strict zod schemas: one list of keys
 * each, unknown keys refused, every problem a typed issue.
 * @module
 */
import { z } from 'zod';

const HISTORY = 'must be an integer in [1, 64]';
const historyQuarters = z.number(HISTORY).int(HISTORY).min(1, HISTORY).max(64, HISTORY).default(8);

/** Keys of `EvaluateFeatureOptions` (also `expectFeature`'s) and `DescribeFeaturesOptions`. */
export const historyOptionsSchema = z.object({ historyQuarters }).strict();

/** Keys of `AssertDeclaredInputsOptions`. */
export const assertDeclaredInputsOptionsSchema = z
  .object({
    samples: z
      .number('must be an integer >= 1')
      .int('must be an integer >= 1')
      .min(1, 'must be an integer >= 1')
      .default(64),
    historyQuarters,
    seed: z.number('must be an integer').int('must be an integer').default(0),
  })
  .strict();

/** Keys of `FeatureAssertionOptions` (`toEqual`). */
export const featureAssertionOptionsSchema = z
  .object({
    tolerance: z.number('must be a finite number >= 0').min(0, 'must be a finite number >= 0').default(1e-9),
  })
  .strict();
