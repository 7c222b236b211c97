import { ArtifactError } from '@leadscore/core/errors';
import { z } from 'zod';
import { type OneHotEncoder, oneHotEncoder } from './one-hot.js';
import { type OrdinalEncoder, ordinalEncoder } from './ordinal.js';
import { type TargetEncoder, targetEncoder } from './target.js';

/** Any fitted categorical encoder. */
export type CategoricalEncoder = OneHotEncoder | OrdinalEncoder | TargetEncoder;

const uniqueLevels = z
  .array(z.string())
  .refine((levels) => new Set(levels).size === levels.length, { message: 'levels must be unique' });

/** zod schema of a serialised encoder (`encoder.toJSON()`). */
export const encoderJsonSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('one_hot'),
      version: z.literal(1),
      name: z.string().min(1),
      levels: uniqueLevels,
    })
    .strict(),
  z
    .object({
      type: z.literal('ordinal'),
      version: z.literal(1),
      name: z.string().min(1),
      levels: uniqueLevels,
    })
    .strict(),
  z
    .object({
      type: z.literal('target'),
      version: z.literal(1),
      name: z.string().min(1),
      smoothing: z.number().min(0),
      prior: z.number().min(0).max(1),
      levels: uniqueLevels,
      counts: z.array(z.number().int().min(0)),
      positives: z.array(z.number().int().min(0)),
    })
    .strict()
    .superRefine((s, ctx) => {
      if (s.counts.length !== s.levels.length || s.positives.length !== s.levels.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['counts'],
          message: 'counts and positives need one entry per level',
        });
      }
      s.positives.forEach((p, j) => {
        if (p > (s.counts[j] ?? 0)) {
          ctx.addIssue({
            code: 'custom',
            path: ['positives', j],
            message: 'positives must not exceed counts',
          });
        }
      });
    }),
]);

/**
 * Restores an encoder from its JSON state (validated; a model bundle never executes code on load).
 * @throws ArtifactError naming the first invalid field.
 * @example const encoder = encoderFromJSON(JSON.parse(text));
 */
export function encoderFromJSON(json: unknown): CategoricalEncoder {
  const parsed = encoderJsonSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.length > 0 ? `encoder.${issue.path.join('.')}` : 'encoder';
    throw new ArtifactError(`${path}: ${issue.message}`, { cause: parsed.error, details: { path } });
  }
  const s = parsed.data;
  switch (s.type) {
    case 'one_hot':
      return oneHotEncoder(s.name, s.levels);
    case 'ordinal':
      return ordinalEncoder(s.name, s.levels);
    case 'target':
      return targetEncoder(s);
  }
}
