import { InvalidArgumentError, type SafeResult, safeParseWith, ValidationError } from '@leadscore/core';
import { z } from 'zod';
import { parseQuarterEnd } from './calendar.js';

/** Options of {@link generateDiscoveryWorld}. */
export interface GenerateDiscoveryWorldOptions {
  /** Number of reps (financial advisors) the vendor follows. @default 2000 */
  reps?: number;
  /** Number of quarterly snapshots (quarter ends); at least 3 so leads have history. @default 12 */
  quarters?: number;
  /** Number of leads (recruiter contacts). @default 3000 */
  leads?: number;
  /** Seed of every random draw; same options and seed give byte-identical output. @default 7 */
  seed?: number;
  /** Number of firms, excluding the recruiting firm. @default max(6, round(reps / 60)) */
  firms?: number;
  /** First snapshot date, a quarter end ('YYYY-03-31', '-06-30', '-09-30', '-12-31'). @default '2023-03-31' */
  firstQuarterEnd?: string | Date;
  /** Days after contact within which a conversion counts as positive. @default 30 */
  labelHorizonDays?: number;
  /** Mean true conversion probability within the horizon over the generated leads. @default 0.045 */
  baseRate?: number;
  /** Multiplier of every planted-signal coefficient (0 = no signal, ranks are random). @default 1 */
  signalStrength?: number;
  /** Probability that a rep-quarter is missing, applied to the 20 % of reps with gaps. @default 0.15 */
  gapRate?: number;
  /** Base probability that a value is null; columns scale it (aum 1.5x, pct_hnw_clients 2.5x, ...). @default 0.02 */
  nullRate?: number;
  /** Move converted reps to the recruiting firm 30-90 days after converting (the leakage trap). @default true */
  leakageTrap?: boolean;
  /** firm_id of the recruiting firm. @default 'F_RECRUITER' */
  recruiterFirmId?: string;
}

/** Validated options with every default applied. */
export interface ResolvedWorldOptions {
  readonly reps: number;
  readonly quarters: number;
  readonly leads: number;
  readonly seed: number;
  readonly firms: number;
  readonly firstQuarterEnd: number;
  readonly labelHorizonDays: number;
  readonly baseRate: number;
  readonly signalStrength: number;
  readonly gapRate: number;
  readonly nullRate: number;
  readonly leakageTrap: boolean;
  readonly recruiterFirmId: string;
}

const FIRM_ID = /^[A-Za-z0-9_-]{1,64}$/;

const int = (min: number, max: number) =>
  z
    .number(`must be an integer in [${min}, ${max}]`)
    .int(`must be an integer in [${min}, ${max}]`)
    .min(min, `must be an integer in [${min}, ${max}]`)
    .max(max, `must be an integer in [${min}, ${max}]`);
const finite = (min: number, max: number) =>
  z
    .number(`must be a finite number in [${min}, ${max}]`)
    .min(min, `must be a finite number in [${min}, ${max}]`)
    .max(max, `must be a finite number in [${min}, ${max}]`);
const QUARTER_END = "must be a quarter-end date 'YYYY-MM-DD' (03-31, 06-30, 09-30 or 12-31)";

/** The one list of {@link generateDiscoveryWorld}'s options: unknown keys are refused. */
const worldOptionsSchema = z
  .object({
    reps: int(10, 2_000_000).default(2000),
    quarters: int(3, 80).default(12),
    leads: int(1, 5_000_000).default(3000),
    seed: z.number('must be a safe integer').int('must be a safe integer').default(7),
    firms: z
      .number('must be an integer >= 6')
      .int('must be an integer >= 6')
      .min(6, 'must be an integer >= 6')
      .optional(),
    firstQuarterEnd: z
      .unknown()
      .default('2023-03-31')
      .transform((value, ctx) => {
        const day = quarterEndOrNull(value);
        if (day === null) {
          ctx.addIssue({ code: 'invalid_format', format: 'date', message: QUARTER_END });
          return z.NEVER;
        }
        return day;
      }),
    labelHorizonDays: int(1, 365).default(30),
    baseRate: finite(0.001, 0.5).default(0.045),
    signalStrength: finite(0, 5).default(1),
    gapRate: finite(0, 0.9).default(0.15),
    nullRate: finite(0, 0.3).default(0.02),
    leakageTrap: z.boolean('must be a boolean').default(true),
    recruiterFirmId: z
      .string('must be a string')
      .regex(FIRM_ID, `must be a string matching ${FIRM_ID}`)
      .refine((id) => !/^F\d+$/.test(id), {
        params: { code: 'reserved_firm_id' },
        message: 'must not be a generated firm id (F0001, ...)',
      })
      .default('F_RECRUITER'),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.firms !== undefined && o.firms > o.reps) {
      ctx.addIssue({
        code: 'too_big',
        origin: 'number',
        maximum: o.reps,
        inclusive: true,
        input: o.firms,
        path: ['firms'],
        message: `must be an integer in [6, reps = ${o.reps}]`,
      });
    }
  });

function quarterEndOrNull(value: unknown): number | null {
  try {
    return parseQuarterEnd(value, 'firstQuarterEnd');
  } catch (error) {
    if (error instanceof InvalidArgumentError) return null;
    throw error;
  }
}

/**
 * Validates {@link generateDiscoveryWorld}'s options, returning every problem as an issue
 * (`too_small`, `invalid_type`, `unrecognized_key`, ...) instead of throwing.
 * @example safeResolveWorldOptions({ reps: 5 }).issues[0]?.code === 'too_small'
 */
export function safeResolveWorldOptions(options: unknown): SafeResult<ResolvedWorldOptions> {
  const r = safeParseWith(worldOptionsSchema, options, 'options');
  if (!r.success) return r;
  const o = r.data;
  return {
    success: true,
    issues: [],
    data: { ...o, firms: o.firms ?? Math.max(6, Math.round(o.reps / 60)) },
  };
}

/** Applies defaults and validates; throws a {@link ValidationError} listing every bad option. */
export function resolveWorldOptions(options: GenerateDiscoveryWorldOptions): ResolvedWorldOptions {
  const r = safeResolveWorldOptions(options);
  if (!r.success) throw new ValidationError(r.issues);
  return r.data;
}
