import { assertArg } from '@leadscore/core/internal';
import { parseWith } from '@leadscore/core/issues';
import { z } from 'zod';
import { type AnyFeature, defineFeature, FEATURE_KINDS, type FeatureKind } from './feature.js';
import type { InputType } from './input-types.js';

/** Options of {@link columnFeature}. */
export interface ColumnFeatureOptions {
  /** The feature's description. @default `Column ${name}` */
  description?: string;
}

/** The one list of {@link ColumnFeatureOptions}' keys. */
const columnFeatureOptionsSchema = z
  .object({
    description: z
      .string('must be a non-empty string')
      .refine((d) => d.trim().length > 0, 'must be a non-empty string')
      .optional(),
  })
  .strict();

const INPUT_TYPE_OF: Readonly<Record<FeatureKind, InputType>> = {
  numeric: 'number',
  categorical: 'string',
  boolean: 'boolean',
};

/**
 * A feature that is one input column as it is (group `custom`, not a business signal): the features of
 * the generic tabular mode. Its manifest entry says everything about it, so a model file of column
 * features can be loaded without any feature code.
 * @example const spend = columnFeature('spend', 'numeric');
 */
export function columnFeature(
  name: string,
  kind: FeatureKind,
  options: ColumnFeatureOptions = {},
): AnyFeature {
  assertArg(FEATURE_KINDS.includes(kind), 'kind', `one of ${FEATURE_KINDS.join(', ')}`, kind);
  parseWith(columnFeatureOptionsSchema, options, 'options');
  const type = INPUT_TYPE_OF[kind];
  const common = {
    name,
    description: options.description ?? `Column ${name}`,
    group: 'custom' as const,
    inputs: [name],
    inputTypes: { [name]: type },
    businessSignal: false,
  };
  // The kind decides what `compute` returns, so each kind gets its own (monomorphic) definition.
  if (kind === 'numeric')
    return defineFeature({ ...common, kind, compute: (row) => row[name] as number | null });
  if (kind === 'boolean')
    return defineFeature({ ...common, kind, compute: (row) => row[name] as boolean | null });
  return defineFeature({ ...common, kind: 'categorical', compute: (row) => row[name] as string | null });
}
