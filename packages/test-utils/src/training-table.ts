/**
 * Synthetic training tables with exactly the shape of the dataset builder's output (one row per lead,
 * snapshot columns, cohort statistics, 8 quarters of history with q0 newest), for tests and the benchmark.
 */
import { createRng } from '@leadscore/core/rng';
import {
  Bool,
  type Data,
  type DataType,
  DateDay,
  Float64,
  Int32,
  makeData,
  makeVector,
  Table,
  TimestampMillisecond,
  Utf8,
  type Vector,
} from 'apache-arrow';

/** Options of {@link makeTrainingTable}. */
export interface TrainingTableOptions {
  /** @default 0 */
  seed?: number;
  /** Probability that a nullable value is null. @default 0.05 */
  nullRate?: number;
  /** Quarters of history. @default 8 */
  quarters?: number;
}

const FIRM_TYPES = ['wirehouse', 'regional_bd', 'independent_bd', 'ria', 'insurance_bd', 'bank'];
const REGISTRATIONS = ['BD', 'IAR', 'DUAL'];
const STATES = ['CA', 'NY', 'TX', 'FL', 'IL', 'OH', 'WA', 'MA'];
const METROS = ['NYC', 'LA', 'CHI', 'DAL', 'MIA', 'SEA', 'BOS'];
const CUSTODIANS = ['Schwab', 'Fidelity', 'Pershing', 'LPL'];
const DAY = 86_400_000;

/** Builds a synthetic training table of `n` leads as plain column arrays (null = missing). */
export function makeTrainingColumns(
  n: number,
  options: TrainingTableOptions = {},
): Record<string, unknown[]> {
  const rng = createRng(options.seed ?? 0);
  const nullRate = options.nullRate ?? 0.05;
  const quarters = options.quarters ?? 8;
  const maybe = <T>(v: T): T | null => (rng.next() < nullRate ? null : v);
  const cols: Record<string, unknown[]> = {};
  const push = (name: string, v: unknown) => {
    const col = cols[name];
    if (col === undefined) cols[name] = [v];
    else col.push(v);
  };
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
  const special = [0, 3, 5, 7, 10, 20, 30, 50e6, 500e6, 10e6, 1e9];
  for (let i = 0; i < n; i++) {
    push('lead_id', `L${i}`);
    push('rep_id', `R${rng.int(Math.max(1, n >> 1))}`);
    const contacted = Date.UTC(2023, 0, 1) + rng.int(700) * DAY;
    push('contacted_at', contacted);
    push('lead_source', pick(['event', 'referral', 'list']));
    push('label', rng.bernoulli(0.05) ? 1 : 0);
    const firm = `F${rng.int(200)}`;
    push('firm_id', maybe(firm));
    push('firm_type', maybe(pick(FIRM_TYPES)));
    push('registration_type', maybe(pick(REGISTRATIONS)));
    push('state', maybe(pick(STATES)));
    push('metro', maybe(pick(METROS)));
    push('custodian', maybe(pick(CUSTODIANS)));
    const years = rng.bernoulli(0.1) ? pick([0, 4.99, 5, 10, 20, 30, 30.01]) : rng.uniform(0, 40);
    push('years_in_industry', maybe(years));
    push('years_at_firm', maybe(rng.bernoulli(0.1) ? pick([2.99, 3, 7, 7.01]) : rng.uniform(0, years)));
    const aum = rng.bernoulli(0.1) ? pick(special) : Math.exp(rng.uniform(12, 21));
    push('aum', maybe(aum));
    push('pct_hnw_clients', maybe(rng.next()));
    push('fee_based_pct', maybe(rng.bernoulli(0.05) ? 0.5 : rng.next()));
    push('num_prior_firms', maybe(rng.int(8)));
    push('disclosures_count', maybe(rng.bernoulli(0.8) ? 0 : rng.int(4)));
    const reps = rng.bernoulli(0.1) ? pick([0, 9, 10, 49, 50, 250, 1000]) : 1 + rng.int(5000);
    push('firm_rep_count', maybe(reps));
    const clients = rng.bernoulli(0.05) ? 0 : 1 + rng.int(500);
    push('num_clients', maybe(clients));
    push('num_accounts', maybe(clients * (1 + rng.int(3))));
    for (const c of ['has_series_7', 'has_series_65', 'has_series_66', 'has_cfp'])
      push(c, maybe(rng.bernoulli(0.5)));
    const anchor = Math.floor(contacted / DAY / 91) * 91;
    push('pit_snapshot_date', maybe(anchor * DAY));
    push('aum_pct_rank_state', maybe(rng.next()));
    push('aum_pct_rank_firm', maybe(rng.next()));
    push('metro_rep_count', maybe(rng.int(20000)));
    push('firm_total_aum', maybe(rng.bernoulli(0.02) ? 0 : aum * (1 + rng.int(1000))));
    let a = aum;
    let f = firm;
    let clientsK = clients;
    let repsK = reps;
    const start = rng.int(quarters + 1);
    for (let k = 0; k < quarters; k++) {
      const present = k < quarters - start || rng.bernoulli(0.3);
      const gap = present && rng.next() < nullRate;
      push(`aum_q${k}`, present && !gap ? a : null);
      push(`num_clients_q${k}`, present && !gap ? clientsK : null);
      push(`firm_id_q${k}`, present && !gap ? f : null);
      push(`firm_rep_count_q${k}`, present && !gap ? repsK : null);
      push(`history_snapshot_date_q${k}`, present ? (anchor - 91 * k) * DAY : null);
      a = rng.bernoulli(0.05) ? 0 : a / (1 + rng.normal(0.02, 0.08));
      clientsK = Math.max(0, clientsK + rng.int(7) - 3);
      repsK = Math.max(0, repsK + rng.int(21) - 10);
      if (rng.bernoulli(0.1)) f = `F${rng.int(200)}`;
    }
  }
  return cols;
}

const SCALAR_TYPES: Record<string, DataType> = {
  lead_id: new Utf8(),
  rep_id: new Utf8(),
  contacted_at: new TimestampMillisecond(),
  lead_source: new Utf8(),
  label: new Int32(),
  firm_id: new Utf8(),
  firm_type: new Utf8(),
  registration_type: new Utf8(),
  state: new Utf8(),
  metro: new Utf8(),
  custodian: new Utf8(),
  years_in_industry: new Float64(),
  years_at_firm: new Float64(),
  aum: new Float64(),
  pct_hnw_clients: new Float64(),
  fee_based_pct: new Float64(),
  num_prior_firms: new Int32(),
  disclosures_count: new Int32(),
  firm_rep_count: new Int32(),
  num_clients: new Int32(),
  num_accounts: new Int32(),
  has_series_7: new Bool(),
  has_series_65: new Bool(),
  has_series_66: new Bool(),
  has_cfp: new Bool(),
  pit_snapshot_date: new DateDay(),
  aum_pct_rank_state: new Float64(),
  aum_pct_rank_firm: new Float64(),
  metro_rep_count: new Int32(),
  firm_total_aum: new Float64(),
};

/** Arrow type of a training-table column. */
export function columnType(name: string): DataType {
  const scalar = SCALAR_TYPES[name];
  if (scalar) return scalar;
  if (name.startsWith('aum_q')) return new Float64();
  if (name.startsWith('num_clients_q') || name.startsWith('firm_rep_count_q')) return new Int32();
  if (name.startsWith('firm_id_q')) return new Utf8();
  if (name.startsWith('history_snapshot_date_q')) return new DateDay();
  throw new Error(`unknown column ${name}`);
}

const encoder = new TextEncoder();

/** Builds one Arrow column from plain values (null = missing) straight from typed buffers. */
function toVector(values: readonly unknown[], type: DataType): Vector {
  const n = values.length;
  const nullBitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if (values[i] === null || values[i] === undefined) nullCount++;
    else nullBitmap[i >> 3]! |= 1 << (i & 7);
  }
  const base = { type, length: n, nullCount, nullBitmap } as const;
  let data: Data;
  if (type instanceof Utf8) {
    const offsets = new Int32Array(n + 1);
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v === 'string') {
        const bytes = encoder.encode(v);
        parts.push(bytes);
        total += bytes.length;
      }
      offsets[i + 1] = total;
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
    data = makeData({ ...base, type, valueOffsets: offsets, data: bytes });
  } else if (type instanceof Bool) {
    const bits = new Uint8Array((n + 7) >> 3);
    for (let i = 0; i < n; i++) if (values[i] === true) bits[i >> 3]! |= 1 << (i & 7);
    data = makeData({ ...base, type, data: bits });
  } else if (type instanceof DateDay) {
    data = makeData({
      ...base,
      type,
      data: Int32Array.from(values, (v) => (v === null ? 0 : Math.floor((v as number) / DAY))),
    });
  } else if (type instanceof TimestampMillisecond) {
    data = makeData({
      ...base,
      type,
      data: BigInt64Array.from(values, (v) => BigInt(v === null ? 0 : (v as number))),
    });
  } else if (type instanceof Int32) {
    data = makeData({
      ...base,
      type,
      data: Int32Array.from(values, (v) => (v === null ? 0 : (v as number))),
    });
  } else {
    data = makeData({
      ...base,
      type: type as Float64,
      data: Float64Array.from(values, (v) => (v === null ? 0 : (v as number))),
    });
  }
  return makeVector(data as never) as Vector;
}

/** Converts column arrays to an Arrow table with the dataset builder's types (nulls in validity bitmaps). */
export function toArrowTable(cols: Record<string, readonly unknown[]>): Table {
  const vectors: Record<string, Vector> = {};
  for (const [name, values] of Object.entries(cols)) vectors[name] = toVector(values, columnType(name));
  return new Table(vectors);
}

/** A synthetic training table of `n` leads. */
export function makeTrainingTable(n: number, options: TrainingTableOptions = {}): Table {
  return toArrowTable(makeTrainingColumns(n, options));
}
