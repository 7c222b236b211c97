import type { Rng } from '@leadscore/core/rng';
import { CUSTODIANS, cumulate, FIRM_TYPE_PARAMS, FT, pickCumulative, STATES } from './vocabulary.js';

/** Firm attributes; index `count` is the recruiting firm. */
export interface Firms {
  /** Generated firms, excluding the recruiter (which sits at index `count`). */
  readonly count: number;
  readonly ids: readonly string[];
  readonly type: Uint8Array;
  /** Relative size: share of the sample's reps within the firm type. Heavy-tailed. */
  readonly weight: Float64Array;
  /** Quarterly log growth of the firm's headcount; about one firm in five is declining. */
  readonly trend: Float64Array;
  /** Index in CUSTODIANS, -1 for firm types that have none. */
  readonly custodian: Int8Array;
  readonly homeState: Uint8Array;
  /** 1 when the firm recruits nationally (reps spread over states). */
  readonly national: Uint8Array;
  /** Registered reps in the whole firm per sample rep (the vendor reports the whole firm). */
  readonly universeRatio: Float64Array;
  /** Cumulative firm weights per firm type (firm indices in `typeMembers`). */
  readonly typeMembers: readonly Int32Array[];
  readonly typeCumulative: readonly Float64Array[];
}

const DECLINING_SHARE = 0.2;
const GROWING_SHARE = 0.12;

/** Draws `count` firms plus the recruiting firm. */
export function simulateFirms(count: number, recruiterFirmId: string, rng: Rng): Firms {
  const n = count + 1;
  const type = new Uint8Array(n);
  const weight = new Float64Array(n);
  const trend = new Float64Array(n);
  const custodian = new Int8Array(n).fill(-1);
  const homeState = new Uint8Array(n);
  const national = new Uint8Array(n);
  const universeRatio = new Float64Array(n);
  const typeCum = cumulate(FIRM_TYPE_PARAMS.map((p) => p.firmShare));
  const stateCum = cumulate(STATES.map((s) => s.weight));
  const custodianCum = cumulate(CUSTODIANS.map((c) => c.weight));
  const ids: string[] = [];
  const width = Math.max(4, String(count).length);
  for (let f = 0; f < count; f++) {
    ids.push(`F${String(f + 1).padStart(width, '0')}`);
    // The first six firms cover every type so small worlds still have all of them.
    const ft = f < FIRM_TYPE_PARAMS.length ? f : pickCumulative(typeCum, rng.next());
    type[f] = ft;
    const params = FIRM_TYPE_PARAMS[ft]!;
    weight[f] = Math.exp(rng.normal(0, params.sizeLogSd));
    const u = rng.next();
    trend[f] =
      u < DECLINING_SHARE
        ? rng.normal(-0.045, 0.015)
        : u < DECLINING_SHARE + GROWING_SHARE
          ? rng.normal(0.03, 0.01)
          : rng.normal(0.004, 0.008);
    if (ft === FT.ria || ft === FT.independent_bd) custodian[f] = pickCumulative(custodianCum, rng.next());
    homeState[f] = pickCumulative(stateCum, rng.next());
    national[f] = ft === FT.wirehouse || ft === FT.insurance_bd || weight[f]! > 2.5 ? 1 : 0;
    universeRatio[f] = params.universe * (1 + Math.exp(rng.normal(0, 0.5)));
  }
  ids.push(recruiterFirmId);
  type[count] = FT.ria;
  custodian[count] = 0;
  homeState[count] = 1;
  national[count] = 1;
  universeRatio[count] = 1;
  const typeMembers: Int32Array[] = [];
  const typeCumulative: Float64Array[] = [];
  for (let ft = 0; ft < FIRM_TYPE_PARAMS.length; ft++) {
    const members: number[] = [];
    for (let f = 0; f < count; f++) if (type[f] === ft) members.push(f);
    typeMembers.push(Int32Array.from(members));
    typeCumulative.push(cumulate(members.map((f) => weight[f]!)));
  }
  return {
    count,
    ids,
    type,
    weight,
    trend,
    custodian,
    homeState,
    national,
    universeRatio,
    typeMembers,
    typeCumulative,
  };
}

/**
 * Headcount of every firm at every quarter end (index f * quarters + q): the firm's universe size,
 * following its trend with noise, never below the sample reps it holds. The recruiter's row is filled
 * later, once converted reps have moved in.
 */
export function firmHeadcounts(
  firms: Firms,
  reps: number,
  quarters: number,
  firmOf: Int32Array,
  rng: Rng,
): Int32Array {
  const n = firms.count + 1;
  const sample = new Int32Array(n * quarters);
  for (let r = 0; r < reps; r++) {
    for (let q = 0; q < quarters; q++) {
      const f = firmOf[r * quarters + q]!;
      sample[f * quarters + q]!++;
    }
  }
  const typeWeight = new Float64Array(FIRM_TYPE_PARAMS.length);
  for (let f = 0; f < firms.count; f++) typeWeight[firms.type[f]!]! += firms.weight[f]!;
  const repShareTotal = FIRM_TYPE_PARAMS.reduce((s, p) => s + p.repShare, 0);
  const out = new Int32Array(n * quarters);
  for (let f = 0; f < firms.count; f++) {
    const ft = firms.type[f]!;
    const expected =
      (reps * FIRM_TYPE_PARAMS[ft]!.repShare * firms.weight[f]!) / (repShareTotal * typeWeight[ft]!);
    const h0 = Math.max(2, expected * firms.universeRatio[f]!);
    let noise = 0;
    for (let q = 0; q < quarters; q++) {
      noise += rng.normal(0, 0.012);
      const h = Math.round(h0 * Math.exp(firms.trend[f]! * q + noise));
      out[f * quarters + q] = Math.max(1, h, sample[f * quarters + q]!);
    }
  }
  return out;
}
