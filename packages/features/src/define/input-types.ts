/**
 * Value types of the columns a feature may read, and the columns of the V7 training table whose types
 * leadscore knows in advance.
 * @module
 */

/** How a feature sees an input value: numbers (NaN = missing; dates as epoch ms), strings or booleans (null = missing). */
export type InputType = 'number' | 'string' | 'boolean';

/** The JavaScript value a row view returns for an input of the given type. */
export type InputValueOf<T extends InputType> = T extends 'number'
  ? number
  : T extends 'string'
    ? string | null
    : boolean | null;

/** Scalar columns of the training table built by `@leadscore/core`'s dataset builder, by input type. */
export const KNOWN_INPUT_TYPES = Object.freeze({
  lead_id: 'string',
  rep_id: 'string',
  contacted_at: 'number',
  lead_source: 'string',
  firm_id: 'string',
  firm_type: 'string',
  registration_type: 'string',
  state: 'string',
  metro: 'string',
  custodian: 'string',
  years_in_industry: 'number',
  years_at_firm: 'number',
  aum: 'number',
  pct_hnw_clients: 'number',
  fee_based_pct: 'number',
  num_prior_firms: 'number',
  disclosures_count: 'number',
  firm_rep_count: 'number',
  num_clients: 'number',
  num_accounts: 'number',
  has_series_7: 'boolean',
  has_series_65: 'boolean',
  has_series_66: 'boolean',
  has_cfp: 'boolean',
  pit_snapshot_date: 'number',
  aum_pct_rank_state: 'number',
  aum_pct_rank_firm: 'number',
  metro_rep_count: 'number',
  firm_total_aum: 'number',
} as const satisfies Record<string, InputType>);

/** A scalar column of the training table with a known type. */
export type KnownInput = keyof typeof KNOWN_INPUT_TYPES;

/**
 * History series of the training table (`{series}_q{k}`, k = 0 newest). String series (firm_id) reach
 * features as equality codes: the same string gives the same number within one row.
 */
export const KNOWN_HISTORY_TYPES = Object.freeze({
  aum: 'number',
  num_clients: 'number',
  firm_id: 'string',
  firm_rep_count: 'number',
  history_snapshot_date: 'number',
} as const satisfies Record<string, InputType>);

/** A history series of the training table. */
export type KnownHistory = keyof typeof KNOWN_HISTORY_TYPES;

/** Columns a feature may never read: they carry the outcome. */
export const FORBIDDEN_INPUTS: readonly string[] = Object.freeze(['label', 'converted', 'converted_at']);

/** The value type of input `P`: from `T` (the feature's `inputTypes`), the known columns, else number. */
export type InputValue<P extends string, T> = P extends keyof T
  ? T[P] extends InputType
    ? InputValueOf<T[P]>
    : number
  : P extends KnownInput
    ? InputValueOf<(typeof KNOWN_INPUT_TYPES)[P]>
    : number;

/** Resolves the runtime type of an input. */
export function inputTypeOf(name: string, declared: Readonly<Record<string, InputType>>): InputType {
  return (
    (Object.hasOwn(declared, name) ? declared[name] : undefined) ??
    (Object.hasOwn(KNOWN_INPUT_TYPES, name) ? KNOWN_INPUT_TYPES[name as KnownInput] : 'number')
  );
}

/** Resolves the runtime type of a history series. */
export function historyTypeOf(name: string, declared: Readonly<Record<string, InputType>>): InputType {
  return (
    (Object.hasOwn(declared, name) ? declared[name] : undefined) ??
    (Object.hasOwn(KNOWN_HISTORY_TYPES, name) ? KNOWN_HISTORY_TYPES[name as KnownHistory] : 'number')
  );
}

/** Name of the table column holding quarter `k` (0 = newest) of a history series. */
export function historyColumnName(series: string, k: number): string {
  return `${series}_q${k}`;
}
