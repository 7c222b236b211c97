import { SNAPSHOT_COLUMNS, type SnapshotColumn } from '@leadscore/core';
import { assertArg } from '@leadscore/core/internal';
import { averagePrecision } from '@leadscore/core/metrics';
import type { Table, Vector } from 'apache-arrow';
import { DAY_MS, isoDate } from './calendar.js';
import { assertWorld, type DiscoveryWorld } from './generate-discovery-world.js';

/** Result of {@link summarizeWorld}. */
export interface WorldSummary {
  readonly reps: number;
  /** Distinct firm_id values in rep_snapshots (the recruiter included when reps joined it). */
  readonly firms: number;
  readonly snapshotRows: number;
  readonly currentRows: number;
  /** Rep-quarters the vendor did not deliver. */
  readonly missingSnapshots: number;
  readonly leads: number;
  /** Reps contacted more than once. */
  readonly repeatContactedReps: number;
  readonly firstSnapshotDate: string;
  /** The vendor's latest snapshot date: events are observed through the end of this day (UTC). */
  readonly dataEndDate: string;
  readonly firstContactDate: string;
  readonly lastContactDate: string;
  readonly labelHorizonDays: number;
  /** Leads whose label horizon closed by the data end (the ones a model may learn from). */
  readonly labelledLeads: number;
  /** Leads contacted within the horizon before the data end: excluded, never labelled 0. */
  readonly openHorizonLeads: number;
  /** Labelled leads that converted within the horizon. */
  readonly positives: number;
  /** positives / labelledLeads. */
  readonly baseRate: number;
  /** Leads that converted after their horizon (converted = true, label 0). */
  readonly lateConversions: number;
  /** Mean true probability over labelled leads. */
  readonly meanTrueProbability: number;
  /** AUC-PR of the true probabilities on labelled leads: the ceiling for any model. */
  readonly oracleAucPr: number;
  /** Null share of each rep_snapshots column. */
  readonly nullRates: Readonly<Record<SnapshotColumn, number>>;
  /** The leakage trap as seen in rep_current. */
  readonly leakageTrap: {
    readonly recruiterFirmId: string;
    readonly enabled: boolean;
    /** Share of converted reps whose current firm_id is the recruiter. */
    readonly convertedRepsAtRecruiter: number;
    /** Share of the other contacted reps whose current firm_id is the recruiter. */
    readonly otherRepsAtRecruiter: number;
  };
}

function column(table: Table, name: string): Vector {
  const v = table.getChild(name);
  assertArg(v !== null, `table column ${name}`, 'present', null);
  return v;
}

/**
 * Counts, date range, label rate, oracle AUC-PR, null rates and the leakage trap of a world.
 * @example const s = summarizeWorld(generateDiscoveryWorld({ seed: 7 })); s.oracleAucPr
 */
export function summarizeWorld(world: DiscoveryWorld): WorldSummary {
  assertWorld(world);
  const { repSnapshots, repCurrent, leads, truth } = world;
  const params = truth.params;
  const n = leads.numRows;
  const contacted = column(leads, 'contacted_at');
  const converted = column(leads, 'converted');
  const convertedAt = column(leads, 'converted_at');
  const leadRep = column(leads, 'rep_id');
  const horizonMs = params.labelHorizonDays * DAY_MS;
  const dataEndMs = Date.parse(`${params.dataEndDate}T00:00:00Z`) + DAY_MS - 1;
  const labels: number[] = [];
  const scores: number[] = [];
  let openHorizon = 0;
  let late = 0;
  let meanP = 0;
  let firstContact = Number.POSITIVE_INFINITY;
  let lastContact = Number.NEGATIVE_INFINITY;
  const contactsPerRep = new Map<string, number>();
  const convertedReps = new Set<string>();
  for (let i = 0; i < n; i++) {
    const c = Number(contacted.get(i));
    const rep = String(leadRep.get(i));
    contactsPerRep.set(rep, (contactsPerRep.get(rep) ?? 0) + 1);
    firstContact = Math.min(firstContact, c);
    lastContact = Math.max(lastContact, c);
    const conv = converted.get(i) === true;
    const at = conv ? Number(convertedAt.get(i)) : Number.NaN;
    if (conv) convertedReps.add(rep);
    if (conv && at > c + horizonMs) late++;
    if (c + horizonMs > dataEndMs) {
      openHorizon++;
      continue;
    }
    labels.push(conv && at <= c + horizonMs ? 1 : 0);
    const p = truth.probability[i]!;
    scores.push(p);
    meanP += p;
  }
  const positives = labels.reduce((s, y) => s + y, 0);
  const nullRates = {} as Record<SnapshotColumn, number>;
  for (const name of SNAPSHOT_COLUMNS) {
    nullRates[name] =
      repSnapshots.numRows === 0 ? 0 : column(repSnapshots, name).nullCount / repSnapshots.numRows;
  }
  const firmIds = new Set<string>();
  const firm = column(repSnapshots, 'firm_id');
  for (let i = 0; i < repSnapshots.numRows; i++) {
    const f = firm.get(i);
    if (f !== null) firmIds.add(String(f));
  }
  const currentRep = column(repCurrent, 'rep_id');
  const currentFirm = column(repCurrent, 'firm_id');
  let convAt = 0;
  let otherAt = 0;
  let others = 0;
  for (let i = 0; i < repCurrent.numRows; i++) {
    const rep = String(currentRep.get(i));
    if (!contactsPerRep.has(rep)) continue;
    const atRecruiter = currentFirm.get(i) === params.recruiterFirmId ? 1 : 0;
    if (convertedReps.has(rep)) convAt += atRecruiter;
    else {
      others++;
      otherAt += atRecruiter;
    }
  }
  let repeat = 0;
  for (const k of contactsPerRep.values()) if (k > 1) repeat++;
  return {
    reps: repCurrent.numRows,
    firms: firmIds.size,
    snapshotRows: repSnapshots.numRows,
    currentRows: repCurrent.numRows,
    missingSnapshots: truth.missingSnapshots,
    leads: n,
    repeatContactedReps: repeat,
    firstSnapshotDate: params.firstQuarterEnd,
    dataEndDate: params.dataEndDate,
    firstContactDate: n === 0 ? '' : isoDate(Math.floor(firstContact / DAY_MS)),
    lastContactDate: n === 0 ? '' : isoDate(Math.floor(lastContact / DAY_MS)),
    labelHorizonDays: params.labelHorizonDays,
    labelledLeads: labels.length,
    openHorizonLeads: openHorizon,
    positives,
    baseRate: labels.length === 0 ? 0 : positives / labels.length,
    lateConversions: late,
    meanTrueProbability: labels.length === 0 ? 0 : meanP / labels.length,
    oracleAucPr: labels.length === 0 ? 0 : averagePrecision(labels, scores),
    nullRates,
    leakageTrap: {
      recruiterFirmId: params.recruiterFirmId,
      enabled: params.leakageTrap,
      convertedRepsAtRecruiter: convertedReps.size === 0 ? 0 : convAt / convertedReps.size,
      otherRepsAtRecruiter: others === 0 ? 0 : otherAt / others,
    },
  };
}
