/**
 * The encoders' options as strict zod schemas: one list of keys each, unknown keys refused, every problem
 * a typed issue. Checks that need the data (foldIds' length and range) stay in the encoders.
 * @module
 */
import { z } from 'zod';

const name = z.string('must be a non-empty string').min(1, 'must be a non-empty string');
const intAtLeast = (min: number) =>
  z
    .number(`must be an integer >= ${min}`)
    .int(`must be an integer >= ${min}`)
    .min(min, `must be an integer >= ${min}`);

/** Keys of `OneHotEncoderOptions`. */
export const oneHotEncoderOptionsSchema = z
  .object({
    name: name.default('value'),
    topK: intAtLeast(0).default(20),
    minCount: intAtLeast(1).default(1),
  })
  .strict();

/** Keys of `OrdinalEncoderOptions`. */
export const ordinalEncoderOptionsSchema = z.object({ name: name.default('value') }).strict();

/** Keys of `TargetEncoderOptions`. */
export const targetEncoderOptionsSchema = z
  .object({
    name: name.default('value'),
    smoothing: z.number('must be a finite number >= 0').min(0, 'must be a finite number >= 0').default(10),
    folds: intAtLeast(2).default(5),
    foldIds: z
      .custom<ArrayLike<number>>(
        (v) => typeof v === 'object' && v !== null && typeof (v as ArrayLike<number>).length === 'number',
        'must be an array of fold indices',
      )
      .optional(),
    seed: z.number('must be an integer').int('must be an integer').default(0),
  })
  .strict();
