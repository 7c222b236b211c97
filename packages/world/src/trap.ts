import type { Rng } from '@leadscore/core/rng';
import { DAY_MS } from './calendar.js';
import type { Careers } from './careers.js';
import type { LeadDraws } from './leads.js';
import { REG } from './vocabulary.js';

/** What the leakage trap did. */
export interface TrapResult {
  /** Reps moved to the recruiter, and the index of their first quarter end there (-1 when none). */
  readonly moveQuarter: Int32Array;
  readonly movedReps: number;
}

/**
 * The leakage trap: a rep who converts joins the recruiting firm 30-90 days later, so every snapshot
 * after that (and rep_current) shows the recruiter, a reset years_at_firm, one more prior firm, an RIA
 * registration and a book in transit. Mutates `careers` from the move quarter on, then fills the
 * recruiter's headcount row of `headcount`.
 */
export function applyRecruiterMoves(
  careers: Careers,
  leads: LeadDraws,
  quarterEnds: Int32Array,
  recruiter: number,
  headcount: Int32Array,
  enabled: boolean,
  rng: Rng,
): TrapResult {
  const Q = careers.quarters;
  const moveQuarter = new Int32Array(careers.reps).fill(-1);
  const moveDay = new Float64Array(careers.reps);
  let movedReps = 0;
  for (let k = 0; k < leads.count; k++) {
    const t = leads.latentConvertedMs[k]!;
    // Always draw, so the trap switch changes nothing but the moves themselves.
    const days = 30 + rng.next() * 60;
    if (Number.isNaN(t) || !enabled) continue;
    const day = Math.floor((t + days * DAY_MS) / DAY_MS);
    let q = 0;
    while (q < Q && quarterEnds[q]! < day) q++;
    if (q >= Q) continue;
    const r = leads.rep[k]!;
    moveQuarter[r] = q;
    moveDay[r] = day;
    movedReps++;
  }
  const counts = new Int32Array(Q);
  for (let r = 0; r < careers.reps; r++) {
    const q0 = moveQuarter[r]!;
    if (q0 < 0) continue;
    const base = r * Q;
    const prior = careers.priorFirms[base + Math.max(0, q0 - 1)]! + 1;
    for (let q = q0; q < Q; q++) {
      const i = base + q;
      counts[q]!++;
      careers.firm[i] = recruiter;
      careers.registration[i] = careers.series7[i] === 1 ? REG.DUAL : REG.IAR;
      careers.series65[i] = 1;
      careers.yearsAtFirm[i] = Math.round(((quarterEnds[q]! - moveDay[r]!) / 365.25) * 100) / 100;
      careers.priorFirms[i] = prior;
      careers.aum[i] = Math.round(careers.aum[i]! * 0.75);
      careers.clients[i] = Math.max(1, Math.round(careers.clients[i]! * 0.8));
      careers.accounts[i] = Math.max(careers.clients[i]!, Math.round(careers.accounts[i]! * 0.8));
      careers.feeBased[i] = Math.max(careers.feeBased[i]!, 0.8);
    }
  }
  for (let q = 0; q < Q; q++) headcount[recruiter * Q + q] = 60 + 4 * q + counts[q]!;
  return { moveQuarter, movedReps };
}
