/**
 * The prediction and export options as strict zod schemas: one list of keys each, unknown keys refused.
 * Bounds that depend on the model (`iterationRange` within the number of trees) are checked where the
 * model is known.
 * @module
 */
import { z } from 'zod';

const NTHREAD = 'must be an integer in [1, 64]';

/** Keys of `PredictOptions` and `PredictContributionsOptions`. */
export const predictOptionsSchema = z
  .object({
    iterationRange: z
      .tuple(
        [
          z.number('must be an integer').int('must be an integer').min(0, 'must be an integer >= 0'),
          z.number('must be an integer').int('must be an integer').min(0, 'must be an integer >= 0'),
        ],
        'must be a pair [start, end)',
      )
      .readonly()
      .optional(),
    nthread: z.number(NTHREAD).int(NTHREAD).min(1, NTHREAD).max(64, NTHREAD).optional(),
  })
  .strict();

/** Keys of `ToXGBoostJSONOptions`. */
export const toXGBoostJSONOptionsSchema = z
  .object({ featureNames: z.boolean('must be a boolean').optional() })
  .strict();
