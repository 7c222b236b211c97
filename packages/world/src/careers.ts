import type { Rng } from '@leadscore/core/rng';
import type { Firms } from './firms.js';
import {
  cumulate,
  FIRM_TYPE_PARAMS,
  FT,
  pickCumulative,
  REG,
  STATE_FIRST_METRO,
  STATES,
} from './vocabulary.js';

/**
 * The true quarter-end state of every rep (index r * quarters + q), before vendor gaps and nulls.
 * Values are already rounded the way the vendor reports them.
 */
export interface Careers {
  readonly reps: number;
  readonly quarters: number;
  readonly firm: Int32Array;
  readonly registration: Uint8Array;
  readonly state: Uint8Array;
  readonly metro: Uint16Array;
  readonly yearsInIndustry: Float64Array;
  readonly yearsAtFirm: Float64Array;
  readonly priorFirms: Int32Array;
  readonly disclosures: Int32Array;
  readonly series7: Uint8Array;
  readonly series65: Uint8Array;
  readonly series66: Uint8Array;
  readonly cfp: Uint8Array;
  readonly aum: Float64Array;
  readonly clients: Int32Array;
  readonly accounts: Int32Array;
  readonly hnw: Float64Array;
  readonly feeBased: Float64Array;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const round4 = (x: number): number => Math.round(x * 10000) / 10000;
const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);

/** Quarterly market return of the AUM of every rep (shared shocks make quarters differ). */
function marketReturns(quarters: number, rng: Rng): Float64Array {
  const out = new Float64Array(quarters);
  for (let q = 1; q < quarters; q++) out[q] = rng.normal(0.015, 0.035);
  return out;
}

function feeTarget(registration: number, rng: Rng): number {
  if (registration === REG.IAR) return clamp(rng.normal(0.85, 0.1), 0, 1);
  if (registration === REG.DUAL) return clamp(rng.normal(0.55, 0.18), 0, 1);
  return clamp(rng.normal(0.15, 0.1), 0, 1);
}

/** Simulates every rep's career quarter by quarter. */
export function simulateCareers(firms: Firms, reps: number, quarters: number, rng: Rng): Careers {
  const n = reps * quarters;
  const c: Careers = {
    reps,
    quarters,
    firm: new Int32Array(n),
    registration: new Uint8Array(n),
    state: new Uint8Array(n),
    metro: new Uint16Array(n),
    yearsInIndustry: new Float64Array(n),
    yearsAtFirm: new Float64Array(n),
    priorFirms: new Int32Array(n),
    disclosures: new Int32Array(n),
    series7: new Uint8Array(n),
    series65: new Uint8Array(n),
    series66: new Uint8Array(n),
    cfp: new Uint8Array(n),
    aum: new Float64Array(n),
    clients: new Int32Array(n),
    accounts: new Int32Array(n),
    hnw: new Float64Array(n),
    feeBased: new Float64Array(n),
  };
  const market = marketReturns(quarters, rng);
  const repTypeCum = cumulate(FIRM_TYPE_PARAMS.map((p) => p.repShare));
  const stateCum = cumulate(STATES.map((s) => s.weight));
  // Destination weights of firm moves per quarter: growing firms attract movers.
  const destCum: Float64Array[] = [];
  for (let q = 0; q < quarters; q++) {
    const w = new Float64Array(firms.count);
    for (let f = 0; f < firms.count; f++) w[f] = firms.weight[f]! * Math.exp(4 * firms.trend[f]! * q);
    destCum.push(cumulate(w));
  }
  const pickState = (f: number): number =>
    firms.national[f] === 1 || rng.next() < 0.15 ? pickCumulative(stateCum, rng.next()) : firms.homeState[f]!;
  const pickMetro = (s: number): number =>
    STATE_FIRST_METRO[s]! + Math.floor(rng.next() ** 1.6 * STATES[s]!.metros.length);
  const pickRegistration = (ft: number): number => {
    const shares = FIRM_TYPE_PARAMS[ft]!.registration;
    const u = rng.next() * (shares[0] + shares[1] + shares[2]);
    return u < shares[0] ? REG.BD : u < shares[0] + shares[1] ? REG.IAR : REG.DUAL;
  };

  for (let r = 0; r < reps; r++) {
    const base = r * quarters;
    let ft = pickCumulative(repTypeCum, rng.next());
    while (firms.typeMembers[ft]!.length === 0) ft = (ft + 1) % FIRM_TYPE_PARAMS.length;
    let firm = firms.typeMembers[ft]![pickCumulative(firms.typeCumulative[ft]!, rng.next())]!;
    let state = pickState(firm);
    let metro = pickMetro(state);
    let yii = clamp(Math.round(Math.exp(rng.normal(Math.log(12), 0.6)) * 4) / 4, 0.25, 45);
    let yaf = round2(Math.max(0, yii * rng.next() ** 0.9));
    let prior = Math.min(15, Math.floor((yii - yaf) / (4 + 6 * rng.next())));
    let reg = pickRegistration(ft);
    let s7 = reg !== REG.IAR || rng.next() < 0.3 ? 1 : 0;
    const s66 = reg === REG.DUAL && rng.next() < 0.55 ? 1 : 0;
    let s65 = reg === REG.IAR || (reg === REG.DUAL && s66 === 0) || rng.next() < 0.08 ? 1 : 0;
    let cfp = rng.next() < 1 / (1 + Math.exp(2.4 - 0.06 * yii - (ft === FT.ria ? 0.5 : 0))) ? 1 : 0;
    let disclosures = rng.next() < 0.12 ? 1 + Math.floor(-Math.log(1 - rng.next()) / 0.9) : 0;
    const params = FIRM_TYPE_PARAMS[ft]!;
    let logAum = clamp(
      params.aumLogMean + 0.025 * (yii - 12) + rng.normal(0, 1),
      Math.log(2e5),
      Math.log(5e9),
    );
    const logAum0 = logAum;
    const clientSize = params.clientSize * Math.exp(rng.normal(0, 0.45));
    const accountsPerClient = 1.2 + Math.exp(rng.normal(0.2, 0.4));
    let hnw = clamp(1 / (1 + Math.exp(-(1.1 * Math.log(clientSize / 1e6) + rng.normal(0, 0.5)))), 0, 1);
    let fee = feeTarget(reg, rng);
    const drift = rng.normal(0.012, 0.015);
    // A quarter of the reps see their growth fade: the "AUM growth slowdown" of the planted signal.
    const slowdown = rng.next() < 0.25 ? rng.normal(-0.014, 0.005) : 0;

    for (let q = 0; q < quarters; q++) {
      if (q > 0) {
        yii += 0.25;
        yaf = round2(yaf + 0.25);
        const declining = firms.trend[firm]! < -0.02;
        const pMove = 0.014 + (declining ? 0.03 : 0) + (yaf >= 3 && yaf <= 7 ? 0.008 : 0);
        if (rng.next() < pMove) {
          let next = pickCumulative(destCum[q]!, rng.next());
          if (next === firm) next = pickCumulative(destCum[q]!, rng.next());
          if (next !== firm) {
            firm = next;
            ft = firms.type[firm]!;
            yaf = round2(rng.next() * 0.25);
            prior = Math.min(30, prior + 1);
            if (ft === FT.ria) reg = s7 === 1 && rng.next() < 0.3 ? REG.DUAL : REG.IAR;
            else if (reg === REG.IAR) reg = ft === FT.independent_bd || rng.next() < 0.5 ? REG.DUAL : REG.BD;
            if (reg !== REG.IAR) s7 = 1;
            if (reg !== REG.BD && s65 === 0 && s66 === 0) s65 = 1;
            if (firms.national[firm] === 0 && rng.next() < 0.3) {
              state = firms.homeState[firm]!;
              metro = pickMetro(state);
            }
            logAum += rng.normal(-0.2, 0.12);
            fee = clamp(0.5 * fee + 0.5 * feeTarget(reg, rng), 0, 1);
          }
        }
        logAum += market[q]! + drift + slowdown * q + rng.normal(0, 0.06);
        logAum = clamp(logAum, Math.log(1e5), Math.log(8e9));
        hnw = clamp(hnw + rng.normal(0, 0.01), 0, 1);
        fee = clamp(fee + 0.004 + rng.normal(0, 0.01), 0, 1);
        if (cfp === 0 && rng.next() < 0.004) cfp = 1;
        if (rng.next() < 0.002) disclosures++;
      }
      const i = base + q;
      c.firm[i] = firm;
      c.registration[i] = reg;
      c.state[i] = state;
      c.metro[i] = metro;
      c.yearsInIndustry[i] = yii;
      c.yearsAtFirm[i] = Math.min(yaf, yii);
      c.priorFirms[i] = prior;
      c.disclosures[i] = disclosures;
      c.series7[i] = s7;
      c.series65[i] = s65;
      c.series66[i] = s66;
      c.cfp[i] = cfp;
      const aum = Math.round(Math.exp(logAum));
      c.aum[i] = aum;
      const clients = clamp(Math.round(Math.exp(0.6 * logAum + 0.4 * logAum0) / clientSize), 1, 5000);
      c.clients[i] = clients;
      c.accounts[i] = Math.max(clients, Math.round(clients * accountsPerClient));
      c.hnw[i] = round4(hnw);
      c.feeBased[i] = round4(fee);
    }
  }
  return c;
}
