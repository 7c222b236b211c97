import { FIRM_TYPES, REGISTRATION_TYPES, type SnapshotColumn } from '@leadscore/core';
import { assertArg } from '@leadscore/core/internal';
import { createRng } from '@leadscore/core/rng';
import type { Table } from 'apache-arrow';
import {
  boolColumn,
  type ColumnSpec,
  dateDayColumn,
  float64Column,
  int32Column,
  tableFromColumns,
  timestampMsColumn,
  utf8FromCodes,
} from './arrow.js';
import { isoDate, quarterEnds as makeQuarterEnds } from './calendar.js';
import { type Careers, simulateCareers } from './careers.js';
import { firmHeadcounts, simulateFirms } from './firms.js';
import { drawLeads } from './leads.js';
import { type GenerateDiscoveryWorldOptions, resolveWorldOptions } from './options.js';
import { SIGNAL_COEFFICIENTS } from './signal.js';
import { applyRecruiterMoves } from './trap.js';
import { CUSTODIANS, LEAD_SOURCES, METROS, STATES } from './vocabulary.js';

/** The parameters a world was generated with, and the facts a consumer needs to use it. */
export interface DiscoveryWorldParams {
  readonly seed: number;
  readonly reps: number;
  /** Firms excluding the recruiter. */
  readonly firms: number;
  readonly quarters: number;
  readonly leads: number;
  /** First snapshot date (ISO 'YYYY-MM-DD'). */
  readonly firstQuarterEnd: string;
  /** Last snapshot date = the vendor's latest delivery = the data end date (ISO). */
  readonly dataEndDate: string;
  readonly labelHorizonDays: number;
  /** firm_id of the recruiting firm that converted reps join (the leakage trap). */
  readonly recruiterFirmId: string;
  readonly leakageTrap: boolean;
  /** Target mean of the true probabilities. */
  readonly baseRate: number;
  readonly signalStrength: number;
  /** Calibrated intercept of the planted logistic signal. */
  readonly intercept: number;
  readonly gapRate: number;
  readonly nullRate: number;
  /** Coefficients of the planted signal (log-odds), lead-source effects included. */
  readonly signal: typeof SIGNAL_COEFFICIENTS & { readonly leadSource: Readonly<Record<string, number>> };
}

/** Ground truth of a world: what a perfect model would know. */
export interface DiscoveryWorldTruth {
  /** Each lead's true probability of converting within the label horizon, aligned with `leads`. */
  readonly probability: Float64Array;
  /** Reps the leakage trap moved to the recruiter on or before the data end. */
  readonly recruiterMoves: number;
  /** Rep-quarters the vendor did not deliver (gaps). */
  readonly missingSnapshots: number;
  readonly params: DiscoveryWorldParams;
}

/** Result of {@link generateDiscoveryWorld}. */
export interface DiscoveryWorld {
  /** One row per delivered (rep_id, snapshot_date), ordered by rep then date. */
  readonly repSnapshots: Table;
  /** The latest delivered snapshot of every rep, ordered by rep. */
  readonly repCurrent: Table;
  /** Leads ordered by contacted_at. */
  readonly leads: Table;
  readonly truth: DiscoveryWorldTruth;
}

/** Throws unless `world` looks like a {@link DiscoveryWorld} (three Arrow tables and a truth). */
export function assertWorld(world: unknown): asserts world is DiscoveryWorld {
  assertArg(typeof world === 'object' && world !== null, 'world', 'a DiscoveryWorld', world);
  const w = world as Record<string, unknown>;
  for (const key of ['repSnapshots', 'repCurrent', 'leads']) {
    // Duck-typed rather than instanceof, so a Table from another copy of apache-arrow still passes.
    const t = w[key] as Partial<Table> | null | undefined;
    assertArg(
      typeof t === 'object' &&
        t !== null &&
        typeof t.numRows === 'number' &&
        typeof t.getChild === 'function',
      `world.${key}`,
      'an Arrow Table',
      t,
    );
  }
  const truth = w.truth as Partial<DiscoveryWorldTruth> | null | undefined;
  assertArg(
    typeof truth === 'object' &&
      truth !== null &&
      truth.probability instanceof Float64Array &&
      typeof truth.params === 'object',
    'world.truth',
    'an object with probability (Float64Array) and params',
    truth,
  );
}

/** Null-rate multiplier of each snapshot column (0 = never null). */
const NULL_WEIGHT: Readonly<Record<SnapshotColumn, number>> = {
  rep_id: 0,
  snapshot_date: 0,
  firm_id: 0,
  firm_type: 0.5,
  registration_type: 0.5,
  state: 0.25,
  metro: 1.5,
  custodian: 1,
  years_in_industry: 0.5,
  years_at_firm: 1,
  num_prior_firms: 1,
  disclosures_count: 0.5,
  firm_rep_count: 1,
  has_series_7: 0.5,
  has_series_65: 0.5,
  has_series_66: 0.5,
  has_cfp: 1,
  aum: 1.5,
  num_clients: 1.5,
  num_accounts: 2,
  pct_hnw_clients: 2.5,
  fee_based_pct: 2,
};

/** Share of reps whose vendor history has gaps. */
const GAPPY_REP_SHARE = 0.2;

/**
 * Generates a synthetic "discovery world": firms, reps whose careers evolve quarter by quarter, the
 * vendor's quarterly snapshots (with gaps and nulls), recruiter leads with outcomes drawn from a
 * planted point-in-time signal, and a leakage trap (converted reps later join the recruiting firm,
 * which their later snapshots and `repCurrent` reveal). Same options, same bytes.
 * @example const world = generateDiscoveryWorld({ reps: 20_000, quarters: 12, leads: 30_000, seed: 7 });
 */
export function generateDiscoveryWorld(options: GenerateDiscoveryWorldOptions = {}): DiscoveryWorld {
  const o = resolveWorldOptions(options);
  const Q = o.quarters;
  const R = o.reps;
  const root = createRng(o.seed);
  // Independent streams per concern, forked in a fixed order: switching the trap off (or changing the
  // null rate) leaves every other draw unchanged.
  const rngFirms = root.fork(1);
  const rngCareers = root.fork(2);
  const rngHeadcount = root.fork(3);
  const rngLeads = root.fork(4);
  const rngTrap = root.fork(5);
  const rngGaps = root.fork(6);
  const rngNulls = root.fork(7);

  const quarterEnds = makeQuarterEnds(o.firstQuarterEnd, Q);
  const firms = simulateFirms(o.firms, o.recruiterFirmId, rngFirms);
  const careers = simulateCareers(firms, R, Q, rngCareers);
  const headcount = firmHeadcounts(firms, R, Q, careers.firm, rngHeadcount);
  const leads = drawLeads(
    {
      careers,
      firmType: firms.type,
      headcount,
      quarterEnds,
      leads: o.leads,
      labelHorizonDays: o.labelHorizonDays,
      baseRate: o.baseRate,
      signalStrength: o.signalStrength,
    },
    rngLeads,
  );
  const trap = applyRecruiterMoves(
    careers,
    leads,
    quarterEnds,
    firms.count,
    headcount,
    o.leakageTrap,
    rngTrap,
  );

  const present = new Uint8Array(R * Q);
  let missing = 0;
  for (let r = 0; r < R; r++) {
    const gappy = rngGaps.next() < GAPPY_REP_SHARE;
    let any = false;
    for (let q = 0; q < Q; q++) {
      const keep = !gappy || rngGaps.next() >= o.gapRate;
      present[r * Q + q] = keep ? 1 : 0;
      any ||= keep;
    }
    if (!any) present[r * Q + Q - 1] = 1;
    for (let q = 0; q < Q; q++) missing += 1 - present[r * Q + q]!;
  }
  const rows = new Int32Array(R * Q - missing);
  const current = new Int32Array(R);
  let n = 0;
  for (let i = 0; i < R * Q; i++) {
    if (present[i] === 1) {
      rows[n] = i;
      current[Math.floor(i / Q)] = n;
      n++;
    }
  }

  const repWidth = Math.max(6, String(R).length);
  const repIds = Array.from({ length: R }, (_, r) => `R${String(r + 1).padStart(repWidth, '0')}`);
  const snapshotColumns = buildSnapshotColumns(
    careers,
    rows,
    quarterEnds,
    firms.type,
    firms.custodian,
    firms.ids,
    headcount,
    repIds,
    o.nullRate,
    rngNulls,
  );
  const repSnapshots = tableFromColumns(snapshotColumns(null), n);
  const repCurrent = tableFromColumns(snapshotColumns(current), R);

  const leadWidth = Math.max(7, String(o.leads).length);
  const leadIds = Array.from({ length: o.leads }, (_, k) => `L${String(k + 1).padStart(leadWidth, '0')}`);
  const leadsTable = tableFromColumns(
    [
      { name: 'lead_id', data: utf8FromCodes(Int32Array.from(leadIds.keys()), leadIds), nullable: false },
      { name: 'rep_id', data: utf8FromCodes(leads.rep, repIds), nullable: false },
      { name: 'contacted_at', data: timestampMsColumn(leads.contactedMs), nullable: false },
      { name: 'converted', data: boolColumn(leads.converted, null), nullable: false },
      { name: 'converted_at', data: timestampMsColumn(leads.convertedMs), nullable: true },
      {
        name: 'lead_source',
        data: utf8FromCodes(
          Int32Array.from(leads.source),
          LEAD_SOURCES.map((s) => s.name),
        ),
        nullable: false,
      },
    ],
    o.leads,
  );

  const params: DiscoveryWorldParams = Object.freeze({
    seed: o.seed,
    reps: R,
    firms: o.firms,
    quarters: Q,
    leads: o.leads,
    firstQuarterEnd: isoDate(quarterEnds[0]!),
    dataEndDate: isoDate(quarterEnds[Q - 1]!),
    labelHorizonDays: o.labelHorizonDays,
    recruiterFirmId: o.recruiterFirmId,
    leakageTrap: o.leakageTrap,
    baseRate: o.baseRate,
    signalStrength: o.signalStrength,
    intercept: leads.intercept,
    gapRate: o.gapRate,
    nullRate: o.nullRate,
    signal: Object.freeze({
      ...SIGNAL_COEFFICIENTS,
      leadSource: Object.freeze(Object.fromEntries(LEAD_SOURCES.map((s) => [s.name, s.effect]))),
    }),
  });
  return Object.freeze({
    repSnapshots,
    repCurrent,
    leads: leadsTable,
    truth: Object.freeze({
      probability: leads.probability,
      recruiterMoves: trap.movedReps,
      missingSnapshots: missing,
      params,
    }),
  });
}

/**
 * Gathers the delivered rows into contract columns, drawing the vendor's nulls once per delivered row;
 * returns a function that builds the column list for all rows (null) or a selection of them.
 */
function buildSnapshotColumns(
  c: Careers,
  rows: Int32Array,
  quarterEnds: Int32Array,
  firmType: Uint8Array,
  firmCustodian: Int8Array,
  firmIds: readonly string[],
  headcount: Int32Array,
  repIds: readonly string[],
  nullRate: number,
  rng: ReturnType<typeof createRng>,
): (select: Int32Array | null) => ColumnSpec[] {
  const n = rows.length;
  const Q = c.quarters;
  const nullMask = (column: SnapshotColumn): Uint8Array | null => {
    const p = nullRate * NULL_WEIGHT[column];
    if (p <= 0) return null;
    const threshold = p * 4294967296;
    const mask = new Uint8Array(n);
    for (let k = 0; k < n; k++) mask[k] = rng.nextUint32() < threshold ? 1 : 0;
    return mask;
  };
  const codes = (get: (i: number) => number, column: SnapshotColumn): Int32Array => {
    const out = new Int32Array(n);
    const mask = nullMask(column);
    for (let k = 0; k < n; k++) out[k] = mask !== null && mask[k] === 1 ? -1 : get(rows[k]!);
    return out;
  };
  const gatherF = (src: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) out[k] = src[rows[k]!]!;
    return out;
  };
  const gatherI = (src: Int32Array): Int32Array => {
    const out = new Int32Array(n);
    for (let k = 0; k < n; k++) out[k] = src[rows[k]!]!;
    return out;
  };
  const gatherB = (src: Uint8Array): Uint8Array => {
    const out = new Uint8Array(n);
    for (let k = 0; k < n; k++) out[k] = src[rows[k]!]!;
    return out;
  };
  const repCodes = Int32Array.from(rows, (i) => Math.floor(i / Q));
  const days = Int32Array.from(rows, (i) => quarterEnds[i % Q]!);
  const firmCodes = codes((i) => c.firm[i]!, 'firm_id');
  const typeCodes = codes((i) => firmType[c.firm[i]!]!, 'firm_type');
  const regCodes = codes((i) => c.registration[i]!, 'registration_type');
  const stateCodes = codes((i) => c.state[i]!, 'state');
  const metroCodes = codes((i) => c.metro[i]!, 'metro');
  const custodianCodes = codes((i) => firmCustodian[c.firm[i]!]!, 'custodian');
  const repCount = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = rows[k]!;
    repCount[k] = headcount[c.firm[i]! * Q + (i % Q)]!;
  }
  const numeric: [SnapshotColumn, 'f' | 'i' | 'b', Float64Array | Int32Array | Uint8Array][] = [
    ['years_in_industry', 'f', gatherF(c.yearsInIndustry)],
    ['years_at_firm', 'f', gatherF(c.yearsAtFirm)],
    ['num_prior_firms', 'i', gatherI(c.priorFirms)],
    ['disclosures_count', 'i', gatherI(c.disclosures)],
    ['firm_rep_count', 'i', repCount],
    ['has_series_7', 'b', gatherB(c.series7)],
    ['has_series_65', 'b', gatherB(c.series65)],
    ['has_series_66', 'b', gatherB(c.series66)],
    ['has_cfp', 'b', gatherB(c.cfp)],
    ['aum', 'f', gatherF(c.aum)],
    ['num_clients', 'i', gatherI(c.clients)],
    ['num_accounts', 'i', gatherI(c.accounts)],
    ['pct_hnw_clients', 'f', gatherF(c.hnw)],
    ['fee_based_pct', 'f', gatherF(c.feeBased)],
  ];
  const masks = numeric.map(([name]) => nullMask(name));

  return (select) => {
    const pick = <T extends Float64Array | Int32Array | Uint8Array>(a: T): T => {
      if (select === null) return a;
      const out = new (a.constructor as unknown as new (length: number) => T)(select.length);
      for (let k = 0; k < select.length; k++) out[k] = a[select[k]!]!;
      return out;
    };
    const pickMask = (m: Uint8Array | null): Uint8Array | null => (m === null ? null : pick(m));
    const cols: ColumnSpec[] = [
      { name: 'rep_id', data: utf8FromCodes(pick(repCodes), repIds), nullable: false },
      { name: 'snapshot_date', data: dateDayColumn(pick(days)), nullable: false },
      { name: 'firm_id', data: utf8FromCodes(pick(firmCodes), firmIds), nullable: true },
      { name: 'firm_type', data: utf8FromCodes(pick(typeCodes), FIRM_TYPES), nullable: true },
      { name: 'registration_type', data: utf8FromCodes(pick(regCodes), REGISTRATION_TYPES), nullable: true },
      {
        name: 'state',
        data: utf8FromCodes(
          pick(stateCodes),
          STATES.map((s) => s.code),
        ),
        nullable: true,
      },
      { name: 'metro', data: utf8FromCodes(pick(metroCodes), METROS), nullable: true },
      {
        name: 'custodian',
        data: utf8FromCodes(
          pick(custodianCodes),
          CUSTODIANS.map((x) => x.name),
        ),
        nullable: true,
      },
    ];
    numeric.forEach(([name, kind, values], j) => {
      const mask = pickMask(masks[j]!);
      const data =
        kind === 'f'
          ? float64Column(pick(values as Float64Array), mask)
          : kind === 'i'
            ? int32Column(pick(values as Int32Array), mask)
            : boolColumn(pick(values as Uint8Array), mask);
      cols.push({ name, data, nullable: true });
    });
    return cols;
  };
}
