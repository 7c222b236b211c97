import { averagePrecision, InvalidArgumentError, parseWith } from '@leadscore/core';
import { z } from 'zod';

/** One current-policy column and the same column read point-in-time, row-aligned (NaN = missing). */
export interface LeakageProbeColumn {
  readonly name: string;
  /** The value the training table holds (from the current snapshot). */
  readonly current: ArrayLike<number>;
  /** The same column as of each lead's cutoff. */
  readonly pointInTime: ArrayLike<number>;
}

/** Input of {@link probeLeakage}: plain row-aligned arrays, so it runs on any warehouse's result. */
export interface LeakageProbeInput {
  /** 0/1 outcome per row. */
  readonly labels: ArrayLike<number>;
  readonly columns: readonly LeakageProbeColumn[];
  /** When each row's current value was observed (epoch ms); with `contactedAt`, gives the post-dated share. */
  readonly currentAsOf?: ArrayLike<number> | undefined;
  /** Each row's contact (cutoff) time (epoch ms). */
  readonly contactedAt?: ArrayLike<number> | undefined;
}

/** Options of {@link probeLeakage}. */
export interface LeakageProbeOptions {
  /** A column warns when the best AUC-PR of its change reaches this multiple of the base rate. @default 1.25 */
  warnLift?: number | undefined;
  /** A column fails at this multiple. @default 1.5 */
  failLift?: number | undefined;
  /** Changes smaller than this (absolute) count as no change. @default 1e-9 */
  tolerance?: number | undefined;
}

/** The probe's finding on one column. */
export interface LeakageProbeColumnResult {
  readonly name: string;
  readonly status: 'pass' | 'warn' | 'fail';
  /** Share of rows whose current value differs from the point-in-time one (either missing counts as differing). */
  readonly changedShare: number;
  /** Best AUC-PR among the change, its negation and its magnitude as a score for the label. */
  readonly averagePrecision: number;
  /** Which score gave it. */
  readonly direction: 'increase' | 'decrease' | 'magnitude';
  /** `averagePrecision / baseRate` (1 = the change says nothing about the label). */
  readonly lift: number;
}

/** Result of {@link probeLeakage} (plain JSON). */
export interface LeakageProbeResult {
  readonly status: 'pass' | 'warn' | 'fail';
  readonly rows: number;
  readonly baseRate: number;
  /** Share of rows whose current value was observed after the contact, `null` without the dates. */
  readonly postDatedShare: number | null;
  readonly thresholds: { readonly warnLift: number; readonly failLift: number };
  readonly columns: readonly LeakageProbeColumnResult[];
}

const optionsSchema = z
  .object({
    warnLift: z.number().min(1).default(1.25),
    failLift: z.number().min(1).default(1.5),
    tolerance: z.number().min(0).default(1e-9),
  })
  .strict()
  .refine((o) => o.warnLift <= o.failLift, { message: 'warnLift must be <= failLift', path: ['warnLift'] });

function checkLength(values: ArrayLike<number>, n: number, name: string): void {
  if (values.length !== n)
    throw new InvalidArgumentError(`${name} must have ${n} values (one per label), found ${values.length}`);
}

/**
 * The point-in-time audit cannot see leakage in current-policy columns (they carry no snapshot date per
 * lead). This probe compares each current column with the same column point-in-time and measures how
 * well the change alone predicts the label: a value rewritten after the outcome (a converted rep moved
 * firm) makes the change predictive, ordinary drift does not.
 * @example probeLeakage({ labels, columns: [{ name: 'aum', current, pointInTime }] }).columns[0].lift
 */
export function probeLeakage(
  input: LeakageProbeInput,
  options: LeakageProbeOptions = {},
): LeakageProbeResult {
  const o = parseWith(optionsSchema, options, 'options');
  const n = input.labels.length;
  if (n === 0) throw new InvalidArgumentError('labels must not be empty, found 0 rows');
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const l = input.labels[i]!;
    if (l !== 0 && l !== 1) throw new InvalidArgumentError(`labels[${i}] must be 0 or 1, found ${l}`);
    positives += l;
  }
  const baseRate = positives / n;
  const change = new Float64Array(n);
  const magnitude = new Float64Array(n);
  const columns: LeakageProbeColumnResult[] = [];
  for (const [k, column] of input.columns.entries()) {
    checkLength(column.current, n, `columns[${k}].current (${JSON.stringify(column.name)})`);
    checkLength(column.pointInTime, n, `columns[${k}].pointInTime (${JSON.stringify(column.name)})`);
    let maxAbs = 0;
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const d = column.current[i]! - column.pointInTime[i]!;
      if (Number.isFinite(d)) {
        const a = Math.abs(d) > o.tolerance ? d : 0;
        change[i] = a;
        if (a !== 0) changed++;
        if (Math.abs(a) > maxAbs) maxAbs = Math.abs(a);
      } else change[i] = Number.NaN;
    }
    for (let i = 0; i < n; i++) {
      const d = change[i]!;
      if (Number.isNaN(d)) {
        const bothMissing = Number.isNaN(column.current[i]!) && Number.isNaN(column.pointInTime[i]!);
        // A value that appears or disappears is a change larger than any numeric one; both missing is none.
        change[i] = 0;
        magnitude[i] = bothMissing ? 0 : maxAbs + 1;
        if (!bothMissing) changed++;
      } else magnitude[i] = Math.abs(d);
    }
    const up = positives === 0 ? 0 : averagePrecision(input.labels, change);
    for (let i = 0; i < n; i++) change[i] = -change[i]!;
    const down = positives === 0 ? 0 : averagePrecision(input.labels, change);
    const mag = positives === 0 ? 0 : averagePrecision(input.labels, magnitude);
    const best = Math.max(up, down, mag);
    const direction = best === mag ? 'magnitude' : best === up ? 'increase' : 'decrease';
    const lift = baseRate === 0 ? 0 : best / baseRate;
    const status = lift >= o.failLift ? 'fail' : lift >= o.warnLift ? 'warn' : 'pass';
    columns.push({
      name: column.name,
      status,
      changedShare: changed / n,
      averagePrecision: best,
      direction,
      lift,
    });
  }
  let postDatedShare: number | null = null;
  if (input.currentAsOf && input.contactedAt) {
    checkLength(input.currentAsOf, n, 'currentAsOf');
    checkLength(input.contactedAt, n, 'contactedAt');
    let late = 0;
    for (let i = 0; i < n; i++) if (input.currentAsOf[i]! > input.contactedAt[i]!) late++;
    postDatedShare = late / n;
  }
  const status = columns.some((c) => c.status === 'fail')
    ? 'fail'
    : columns.some((c) => c.status === 'warn')
      ? 'warn'
      : 'pass';
  return {
    status,
    rows: n,
    baseRate,
    postDatedShare,
    thresholds: { warnLift: o.warnLift, failLift: o.failLift },
    columns,
  };
}
