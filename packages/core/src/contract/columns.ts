import { z } from 'zod';
import { formatValue, InvalidArgumentError } from '../errors/index.js';

/** Firm channel types of the data contract (DESIGN.md section 2). */
export const FIRM_TYPES = [
  'wirehouse',
  'regional_bd',
  'independent_bd',
  'ria',
  'insurance_bd',
  'bank',
] as const;
/** Registration types of the data contract. */
export const REGISTRATION_TYPES = ['BD', 'IAR', 'DUAL'] as const;

/** The logical columns of a rep snapshot, in contract order. */
export const SNAPSHOT_COLUMNS = [
  'rep_id',
  'snapshot_date',
  'firm_id',
  'firm_type',
  'registration_type',
  'state',
  'metro',
  'custodian',
  'years_in_industry',
  'years_at_firm',
  'num_prior_firms',
  'disclosures_count',
  'firm_rep_count',
  'has_series_7',
  'has_series_65',
  'has_series_66',
  'has_cfp',
  'aum',
  'num_clients',
  'num_accounts',
  'pct_hnw_clients',
  'fee_based_pct',
] as const;
/** A logical snapshot column name. */
export type SnapshotColumn = (typeof SNAPSHOT_COLUMNS)[number];

/** The logical columns of a lead. */
export const LEAD_COLUMNS = [
  'lead_id',
  'rep_id',
  'contacted_at',
  'converted',
  'converted_at',
  'lead_source',
] as const;
/** A logical lead column name. */
export type LeadColumn = (typeof LEAD_COLUMNS)[number];

/** Physical type of each logical column. */
export const COLUMN_TYPES: Readonly<
  Record<SnapshotColumn | LeadColumn, 'string' | 'date' | 'timestamp' | 'float' | 'int' | 'bool'>
> = Object.freeze({
  rep_id: 'string',
  snapshot_date: 'date',
  firm_id: 'string',
  firm_type: 'string',
  registration_type: 'string',
  state: 'string',
  metro: 'string',
  custodian: 'string',
  years_in_industry: 'float',
  years_at_firm: 'float',
  num_prior_firms: 'int',
  disclosures_count: 'int',
  firm_rep_count: 'int',
  has_series_7: 'bool',
  has_series_65: 'bool',
  has_series_66: 'bool',
  has_cfp: 'bool',
  aum: 'float',
  num_clients: 'int',
  num_accounts: 'int',
  pct_hnw_clients: 'float',
  fee_based_pct: 'float',
  lead_id: 'string',
  contacted_at: 'timestamp',
  converted: 'bool',
  converted_at: 'timestamp',
  lead_source: 'string',
});

/** Contract groups used by the dataset builder's policies and the feature catalog. */
export const COLUMN_GROUPS = {
  key: ['rep_id', 'snapshot_date'],
  career: [
    'firm_id',
    'registration_type',
    'years_in_industry',
    'years_at_firm',
    'num_prior_firms',
    'disclosures_count',
    'has_series_7',
    'has_series_65',
    'has_series_66',
    'has_cfp',
  ],
  market: ['firm_type', 'state', 'metro', 'custodian', 'firm_rep_count'],
  financial: ['aum', 'num_clients', 'num_accounts', 'pct_hnw_clients', 'fee_based_pct'],
} as const satisfies Record<string, readonly SnapshotColumn[]>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Maps logical column and table names to physical ones. Every name is configurable; omitted ones keep
 * their contract default.
 */
export interface ColumnMap {
  /** Physical names of snapshot columns. @default identity */
  readonly snapshot: Readonly<Record<SnapshotColumn, string>>;
  /** Physical names of lead columns. @default identity */
  readonly lead: Readonly<Record<LeadColumn, string>>;
}

/** Options of {@link createColumnMap}: partial overrides of physical names. */
export interface ColumnMapOptions {
  /** Physical names of snapshot columns that differ from the contract. @default {} */
  snapshot?: Partial<Record<SnapshotColumn, string>>;
  /** Physical names of lead columns that differ from the contract. @default {} */
  lead?: Partial<Record<LeadColumn, string>>;
}

/**
 * Builds a frozen {@link ColumnMap}; physical names must be SQL identifiers and unique per table.
 * @example createColumnMap({ lead: { contacted_at: 'first_touch_ts' } })
 */
export function createColumnMap(options: ColumnMapOptions = {}): ColumnMap {
  const build = <K extends string>(
    logical: readonly K[],
    overrides: Partial<Record<K, string>> | undefined,
    table: string,
  ): Record<K, string> => {
    const out = {} as Record<K, string>;
    const seen = new Map<string, K>();
    for (const key of Object.keys(overrides ?? {})) {
      if (!(logical as readonly string[]).includes(key)) {
        throw new InvalidArgumentError(
          `columnMap.${table} has unknown column ${formatValue(key)}; known: ${logical.join(', ')}`,
          { details: { parameter: `columnMap.${table}`, value: key } },
        );
      }
    }
    for (const k of logical) {
      const physical = overrides?.[k] ?? k;
      if (typeof physical !== 'string' || !IDENTIFIER.test(physical)) {
        throw new InvalidArgumentError(
          `columnMap.${table}.${k} must be an identifier matching ${IDENTIFIER}, found ${formatValue(physical)}`,
          { details: { parameter: `columnMap.${table}.${k}`, value: physical } },
        );
      }
      const prev = seen.get(physical);
      if (prev !== undefined) {
        throw new InvalidArgumentError(
          `columnMap.${table}.${k} must be unique, found ${formatValue(physical)} also used by ${prev}`,
          { details: { parameter: `columnMap.${table}.${k}`, value: physical } },
        );
      }
      seen.set(physical, k);
      out[k] = physical;
    }
    return Object.freeze(out);
  };
  return Object.freeze({
    snapshot: build(SNAPSHOT_COLUMNS, options.snapshot, 'snapshot'),
    lead: build(LEAD_COLUMNS, options.lead, 'lead'),
  });
}

/** The contract's default names. */
export const DEFAULT_COLUMN_MAP: ColumnMap = createColumnMap();

/** zod schema of {@link ColumnMapOptions}, for config files. */
export const columnMapOptionsSchema = z
  .object({
    snapshot: z.record(z.string(), z.string()).optional(),
    lead: z.record(z.string(), z.string()).optional(),
  })
  .strict();
