import { formatValue, InvalidArgumentError } from '@leadscore/core/errors';
import { assertArg } from '@leadscore/core/internal';
import {
  FORBIDDEN_INPUTS,
  type InputType,
  type InputValue,
  type KnownHistory,
  type KnownInput,
} from './input-types.js';

/** Feature groups: the four V7 catalog groups plus `custom` for user features. */
export const FEATURE_GROUPS = Object.freeze([
  'business_model',
  'career_stage',
  'market_position',
  'temporal_dynamics',
  'custom',
] as const);
/** A feature group. */
export type FeatureGroup = (typeof FEATURE_GROUPS)[number];

/** Feature kinds: a number, a category (string level), or a yes/no flag (stored as 1/0). */
export const FEATURE_KINDS = Object.freeze(['numeric', 'categorical', 'boolean'] as const);
/** A feature kind. */
export type FeatureKind = (typeof FEATURE_KINDS)[number];

/** The level that stands for a missing categorical value. */
export const MISSING_LEVEL = '__missing__';

/** What `compute` returns for each kind; `null` (and NaN for numbers) means missing. */
export type FeatureOutput<K extends FeatureKind> = K extends 'numeric'
  ? number | null
  : K extends 'categorical'
    ? string | null
    : boolean | null;

/**
 * The current row as a feature sees it: one read-only property per declared input. Numbers (and dates,
 * as epoch ms) are NaN when missing; strings and booleans are null when missing. The batch path reuses
 * one view per feature and moves it along the rows, so never keep a reference to it.
 */
export type RowView<I extends string = string, T = Record<never, never>> = {
  readonly [P in I]: InputValue<P, T>;
};

/**
 * The history of each declared series over the last quarters, OLDEST FIRST (index `length - 1` is the
 * anchor quarter q0), NaN where a quarter is missing. String series hold equality codes. The arrays are
 * reused from row to row: read them, never keep or modify them.
 */
export type HistoryView<H extends string = string> = { readonly [P in H]: Float64Array };

/** A feature definition, as returned by {@link defineFeature}: a frozen plain object. */
export interface Feature<
  K extends FeatureKind = FeatureKind,
  I extends string = string,
  H extends string = string,
  T = Record<never, never>,
> {
  /** snake_case identifier, unique within a feature set; the column name in the feature matrix. */
  readonly name: string;
  /** What the feature measures, for a business reader. */
  readonly description: string;
  readonly group: FeatureGroup;
  readonly kind: K;
  /** Scalar columns of the training table the feature reads. */
  readonly inputs: readonly I[];
  /** History series (`{series}_q0..q{n-1}`) the feature reads. */
  readonly history: readonly H[];
  /** Types of inputs that are not known training-table columns (default number). */
  readonly inputTypes: Readonly<Record<string, InputType>>;
  /** Whether the feature is a business signal (counted by the top-5 SHAP gate). */
  readonly businessSignal: boolean;
  /** Computes the value of one row; must be pure and read only declared inputs. */
  readonly compute: (row: RowView<I, T>, history: HistoryView<H>) => FeatureOutput<K>;
}

/** A feature of any kind and inputs, as stored in sets. */
// biome-ignore lint/suspicious/noExplicitAny: erases the input-name parameters so any feature fits a set
export type AnyFeature = Feature<FeatureKind, any, any, any>;

/** The specification accepted by {@link defineFeature}. */
export interface FeatureSpec<
  K extends FeatureKind,
  I extends string,
  H extends string,
  T extends Partial<Record<I | H, InputType>>,
> {
  name: string;
  description: string;
  group: FeatureGroup;
  kind: K;
  /** Scalar input columns. @default [] */
  inputs?: readonly I[];
  /** History series, given to `compute` oldest first. @default [] */
  history?: readonly H[];
  /** Types of inputs that are not known training-table columns. @default {} (unknown inputs are numbers) */
  inputTypes?: T;
  businessSignal: boolean;
  compute: (row: RowView<I, T>, history: HistoryView<H>) => FeatureOutput<K>;
}

/** The keys of a feature specification (and of a defined feature); any other key is refused. */
export const FEATURE_SPEC_KEYS = Object.freeze([
  'name',
  'description',
  'group',
  'kind',
  'inputs',
  'history',
  'inputTypes',
  'businessSignal',
  'compute',
] as const);

const NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const COLUMN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INPUT_TYPES: readonly string[] = ['number', 'string', 'boolean'];

/**
 * Defines a feature: validates the specification and returns it as a frozen plain object.
 * @example
 * const aumPerClient = defineFeature({
 *   name: 'aum_per_client', description: 'Assets per client (USD)', group: 'business_model',
 *   kind: 'numeric', inputs: ['aum', 'num_clients'], businessSignal: true,
 *   compute: (row) => (row.num_clients === 0 ? NaN : row.aum / row.num_clients),
 * });
 */
export function defineFeature<
  K extends FeatureKind,
  const I extends KnownInput | (string & {}) = never,
  const H extends KnownHistory | (string & {}) = never,
  const T extends Partial<Record<I | H, InputType>> = Record<never, never>,
>(spec: FeatureSpec<K, I, H, T>): Feature<K, I, H, T> {
  return validateFeature(spec, 'feature') as Feature<K, I, H, T>;
}

/** Validates a feature-shaped object and returns a frozen copy; `path` prefixes error messages. */
export function validateFeature(spec: unknown, path: string): AnyFeature {
  assertArg(typeof spec === 'object' && spec !== null, path, 'a feature object', spec);
  const s = spec as Record<string, unknown>;
  const name = s.name;
  assertArg(typeof name === 'string' && NAME.test(name), `${path}.name`, 'a snake_case identifier', name);
  const at = `feature ${JSON.stringify(name)}`;
  // a misspelt optional key (`bussinessSignal`, `input`) would otherwise be dropped without a word
  for (const key of Object.keys(s)) {
    if (!(FEATURE_SPEC_KEYS as readonly string[]).includes(key)) {
      throw new InvalidArgumentError(
        `${at}: ${key} is not a feature key, found ${formatValue(key)} (keys: ${FEATURE_SPEC_KEYS.join(', ')})`,
        { details: { parameter: `${path}.${key}`, value: key, code: 'unrecognized_key' } },
      );
    }
  }
  assertArg(
    typeof s.description === 'string' && s.description.trim().length > 0,
    `${at}: description`,
    'a non-empty string',
    s.description,
  );
  assertArg(
    (FEATURE_GROUPS as readonly unknown[]).includes(s.group),
    `${at}: group`,
    `one of ${FEATURE_GROUPS.join(', ')}`,
    s.group,
  );
  assertArg(
    (FEATURE_KINDS as readonly unknown[]).includes(s.kind),
    `${at}: kind`,
    `one of ${FEATURE_KINDS.join(', ')}`,
    s.kind,
  );
  assertArg(typeof s.businessSignal === 'boolean', `${at}: businessSignal`, 'a boolean', s.businessSignal);
  assertArg(typeof s.compute === 'function', `${at}: compute`, 'a function', s.compute);
  const inputs = columnList(s.inputs, `${at}: inputs`);
  const history = columnList(s.history, `${at}: history`);
  if (inputs.length + history.length === 0) {
    throw new InvalidArgumentError(`${at}: inputs must declare at least one input or history series`, {
      details: { parameter: 'inputs', feature: name },
    });
  }
  const inputTypes = s.inputTypes ?? {};
  assertArg(
    typeof inputTypes === 'object' && inputTypes !== null && !Array.isArray(inputTypes),
    `${at}: inputTypes`,
    'an object',
    inputTypes,
  );
  const types: Record<string, InputType> = {};
  for (const [key, type] of Object.entries(inputTypes)) {
    assertArg(
      inputs.includes(key) || history.includes(key),
      `${at}: inputTypes.${key}`,
      'the type of a declared input',
      key,
    );
    assertArg(
      INPUT_TYPES.includes(type as string),
      `${at}: inputTypes.${key}`,
      'number, string or boolean',
      type,
    );
    types[key] = type as InputType;
  }
  return Object.freeze({
    name,
    description: (s.description as string).trim(),
    group: s.group as FeatureGroup,
    kind: s.kind as FeatureKind,
    inputs,
    history,
    inputTypes: Object.freeze(types),
    businessSignal: s.businessSignal,
    compute: s.compute as AnyFeature['compute'],
  });
}

function columnList(value: unknown, path: string): readonly string[] {
  if (value === undefined) return Object.freeze([]);
  assertArg(Array.isArray(value), path, 'an array of column names', value);
  const seen = new Set<string>();
  value.forEach((column: unknown, i) => {
    assertArg(
      typeof column === 'string' && COLUMN.test(column),
      `${path}[${i}]`,
      'a column identifier',
      column,
    );
    if (FORBIDDEN_INPUTS.includes(column)) {
      throw new InvalidArgumentError(
        `${path}[${i}] must not be an outcome column, found ${formatValue(column)} (features may not read the label)`,
        { details: { parameter: path, value: column } },
      );
    }
    assertArg(!seen.has(column), `${path}[${i}]`, 'unique', column);
    seen.add(column);
  });
  return Object.freeze([...(value as string[])]);
}
