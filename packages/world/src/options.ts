import { formatValue, InvalidArgumentError } from '@leadscore/core';
import { assertArg, assertFinite, assertInteger } from '@leadscore/core/internal';
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

const KNOWN = new Set<string>([
  'reps',
  'quarters',
  'leads',
  'seed',
  'firms',
  'firstQuarterEnd',
  'labelHorizonDays',
  'baseRate',
  'signalStrength',
  'gapRate',
  'nullRate',
  'leakageTrap',
  'recruiterFirmId',
]);

const FIRM_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Applies defaults and validates; throws an InvalidArgumentError naming the first bad option. */
export function resolveWorldOptions(options: GenerateDiscoveryWorldOptions): ResolvedWorldOptions {
  assertArg(
    typeof options === 'object' && options !== null && !Array.isArray(options),
    'options',
    'an object',
    options,
  );
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new InvalidArgumentError(
        `options has unknown key ${formatValue(key)}; known: ${[...KNOWN].join(', ')}`,
        { details: { parameter: 'options', value: key } },
      );
    }
  }
  const reps = options.reps ?? 2000;
  assertInteger(reps, 'reps', 10, 2_000_000);
  const quarters = options.quarters ?? 12;
  assertInteger(quarters, 'quarters', 3, 80);
  const leads = options.leads ?? 3000;
  assertInteger(leads, 'leads', 1, 5_000_000);
  const seed = options.seed ?? 7;
  assertArg(Number.isSafeInteger(seed), 'seed', 'a safe integer', seed);
  const firms = options.firms ?? Math.max(6, Math.round(reps / 60));
  assertInteger(firms, 'firms', 6, reps);
  const firstQuarterEnd = parseQuarterEnd(options.firstQuarterEnd ?? '2023-03-31', 'firstQuarterEnd');
  const labelHorizonDays = options.labelHorizonDays ?? 30;
  assertInteger(labelHorizonDays, 'labelHorizonDays', 1, 365);
  const baseRate = options.baseRate ?? 0.045;
  assertFinite(baseRate, 'baseRate', 0.001, 0.5);
  const signalStrength = options.signalStrength ?? 1;
  assertFinite(signalStrength, 'signalStrength', 0, 5);
  const gapRate = options.gapRate ?? 0.15;
  assertFinite(gapRate, 'gapRate', 0, 0.9);
  const nullRate = options.nullRate ?? 0.02;
  assertFinite(nullRate, 'nullRate', 0, 0.3);
  const leakageTrap = options.leakageTrap ?? true;
  assertArg(typeof leakageTrap === 'boolean', 'leakageTrap', 'a boolean', leakageTrap);
  const recruiterFirmId = options.recruiterFirmId ?? 'F_RECRUITER';
  assertArg(
    typeof recruiterFirmId === 'string' && FIRM_ID.test(recruiterFirmId) && !/^F\d+$/.test(recruiterFirmId),
    'recruiterFirmId',
    `a string matching ${FIRM_ID} that is not a generated firm id (F0001, ...)`,
    recruiterFirmId,
  );
  return {
    reps,
    quarters,
    leads,
    seed,
    firms,
    firstQuarterEnd,
    labelHorizonDays,
    baseRate,
    signalStrength,
    gapRate,
    nullRate,
    leakageTrap,
    recruiterFirmId,
  };
}
