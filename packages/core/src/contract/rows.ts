import { z } from 'zod';
import { FIRM_TYPES, REGISTRATION_TYPES } from './columns.js';

/**
 * A point in time: a valid Date, an ISO date `YYYY-MM-DD` (UTC midnight) or an ISO date-time with a zone
 * (`Z` or `+hh:mm`). Anything else is refused: coercion would turn null, booleans or arrays into dates,
 * and a zone-less date-time would be read in the host's time zone, moving cutoffs between machines.
 */
const instant = z.union([
  z.date(),
  z.iso.date().transform((s) => new Date(`${s}T00:00:00Z`)),
  z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
]);

const fraction = z.number().min(0).max(1);
const nonNegInt = z.number().int().min(0);

/** zod schema of one `rep_snapshots` row (logical names). Nullable where vendors leave gaps. */
export const repSnapshotSchema = z
  .object({
    rep_id: z.string().min(1),
    snapshot_date: instant,
    firm_id: z.string().min(1).nullable(),
    firm_type: z.enum(FIRM_TYPES).nullable(),
    registration_type: z.enum(REGISTRATION_TYPES).nullable(),
    state: z.string().length(2).nullable(),
    metro: z.string().nullable(),
    custodian: z.string().nullable(),
    years_in_industry: z.number().min(0).nullable(),
    years_at_firm: z.number().min(0).nullable(),
    num_prior_firms: nonNegInt.nullable(),
    disclosures_count: nonNegInt.nullable(),
    firm_rep_count: nonNegInt.nullable(),
    has_series_7: z.boolean().nullable(),
    has_series_65: z.boolean().nullable(),
    has_series_66: z.boolean().nullable(),
    has_cfp: z.boolean().nullable(),
    aum: z.number().min(0).nullable(),
    num_clients: nonNegInt.nullable(),
    num_accounts: nonNegInt.nullable(),
    pct_hnw_clients: fraction.nullable(),
    fee_based_pct: fraction.nullable(),
  })
  .strict();
/** One rep snapshot row. */
export type RepSnapshot = z.infer<typeof repSnapshotSchema>;

/** zod schema of one `rep_current` row: the latest snapshot of a rep (same columns). */
export const repCurrentSchema = repSnapshotSchema;
/** One current-snapshot row. */
export type RepCurrent = RepSnapshot;

/** zod schema of one `leads` row. `converted_at` is required when `converted` and after `contacted_at`. */
export const leadSchema = z
  .object({
    lead_id: z.string().min(1),
    rep_id: z.string().min(1),
    contacted_at: instant,
    converted: z.boolean(),
    converted_at: instant.nullable(),
    lead_source: z.string().min(1),
  })
  .strict()
  .superRefine((lead, ctx) => {
    if (lead.converted && lead.converted_at === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['converted_at'],
        message: 'converted_at is required when converted',
        params: { code: 'missing_conversion_date' },
      });
    }
    if (!lead.converted && lead.converted_at !== null) {
      ctx.addIssue({
        code: 'custom',
        path: ['converted_at'],
        message: 'converted_at must be null when not converted',
        params: { code: 'unexpected_conversion_date' },
      });
    }
    if (lead.converted_at !== null && lead.converted_at.getTime() < lead.contacted_at.getTime()) {
      ctx.addIssue({
        code: 'custom',
        path: ['converted_at'],
        message: `converted_at (${lead.converted_at.toISOString()}) is before contacted_at (${lead.contacted_at.toISOString()})`,
        params: { code: 'converted_before_contact' },
      });
    }
  });
/** One lead row. */
export type Lead = z.infer<typeof leadSchema>;
