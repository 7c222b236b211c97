import { InvalidArgumentError } from '@leadscore/core';
import type { Rng } from '@leadscore/core/rng';
import { DAY_MS } from './calendar.js';
import type { Careers } from './careers.js';
import { calibrateIntercept, repSignal, sigmoid } from './signal.js';
import { cumulate, LEAD_SOURCES, pickCumulative } from './vocabulary.js';

/** Leads in contact order with their latent outcome. */
export interface LeadDraws {
  readonly count: number;
  readonly rep: Int32Array;
  readonly contactedMs: Float64Array;
  readonly source: Uint8Array;
  /** Observed conversion (conversion time on or before the data end). */
  readonly converted: Uint8Array;
  /** Observed conversion time, NaN when not converted. */
  readonly convertedMs: Float64Array;
  /** Latent conversion time, also when it falls after the data end; NaN when the rep never converts. */
  readonly latentConvertedMs: Float64Array;
  /** True probability of converting within the label horizon. */
  readonly probability: Float64Array;
  /** Intercept that calibrates the mean probability to the base rate. */
  readonly intercept: number;
}

export interface LeadContext {
  readonly careers: Careers;
  readonly firmType: Uint8Array;
  readonly headcount: Int32Array;
  readonly quarterEnds: Int32Array;
  readonly leads: number;
  readonly labelHorizonDays: number;
  readonly baseRate: number;
  readonly signalStrength: number;
}

/** Share of non-converting leads that convert after the horizon, relative to their probability. */
const LATE_FACTOR = 0.4;
const LATE_MAX_DAYS = 150;
/** Extra rounds of contacts (each 35 % larger) before giving up on an unreachable lead count. */
const MAX_ATTEMPTS = 5;

/**
 * Draws contacts, scores them with the planted signal and draws outcomes. A rep who has converted (or
 * is about to) is not contacted again, so every lead's facts predate any recruiter move.
 */
export function drawLeads(ctx: LeadContext, rng: Rng): LeadDraws {
  const { careers, quarterEnds } = ctx;
  const R = careers.reps;
  const Q = careers.quarters;
  // Recruiters favour some reps: heavy-tailed contact weights make repeat contacts common.
  const repCum = cumulate(Float64Array.from({ length: R }, () => Math.exp(rng.normal(0, 0.9))));
  const sourceCum = cumulate(LEAD_SOURCES.map((s) => s.weight));
  const sourceEffect = Float64Array.from(LEAD_SOURCES.map((s) => s.effect));
  const firstDay = quarterEnds[1]! + 1;
  const spanDays = quarterEnds[Q - 1]! - firstDay + 1;
  const dataEndMs = (quarterEnds[Q - 1]! + 1) * DAY_MS - 1;
  const horizonMs = ctx.labelHorizonDays * DAY_MS;

  for (let attempt = 0; ; attempt++) {
    const multiplier = 1.15 + 0.35 * attempt;
    const m = Math.ceil(ctx.leads * multiplier);
    const rep = new Int32Array(m);
    const contacted = new Float64Array(m);
    const source = new Uint8Array(m);
    const x = new Float64Array(m);
    const uConvert = new Float64Array(m);
    const delay = new Float64Array(m);
    const uLate = new Float64Array(m);
    const lateDelay = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const r = pickCumulative(repCum, rng.next());
      const day = firstDay + Math.floor(rng.next() * spanDays);
      // Business hours in US time zones: 13:00-23:00 UTC, whole seconds.
      const seconds = 13 * 3600 + Math.floor(rng.next() * 10 * 3600);
      const s = pickCumulative(sourceCum, rng.next());
      rep[i] = r;
      contacted[i] = day * DAY_MS + seconds * 1000;
      source[i] = s;
      let q = Q - 1;
      while (quarterEnds[q]! > day) q--;
      x[i] = repSignal(careers, ctx.firmType, ctx.headcount, r, q) + sourceEffect[s]!;
      uConvert[i] = rng.next();
      delay[i] = 1000 * (3600 + Math.floor(rng.next() * (horizonMs / 1000 - 3600)));
      uLate[i] = rng.next();
      lateDelay[i] = horizonMs + 1000 * Math.floor(rng.next() * (LATE_MAX_DAYS * 86400));
    }
    const intercept = calibrateIntercept(x, ctx.signalStrength, ctx.baseRate);
    const order = Array.from({ length: m }, (_, i) => i).sort(
      (a, b) => contacted[a]! - contacted[b]! || a - b,
    );
    const repConverted = new Uint8Array(R);
    const accepted: number[] = [];
    const latent = new Float64Array(m).fill(Number.NaN);
    const probability = new Float64Array(m);
    for (const i of order) {
      const r = rep[i]!;
      if (repConverted[r] === 1) continue;
      accepted.push(i);
      const p = sigmoid(intercept + ctx.signalStrength * x[i]!);
      probability[i] = p;
      if (uConvert[i]! < p) latent[i] = contacted[i]! + delay[i]!;
      else if (uLate[i]! < LATE_FACTOR * p) latent[i] = contacted[i]! + lateDelay[i]!;
      if (!Number.isNaN(latent[i]!)) repConverted[r] = 1;
    }
    if (accepted.length < ctx.leads) {
      if (attempt < MAX_ATTEMPTS) continue;
      throw new InvalidArgumentError(
        `leads must leave enough reps to contact: only ${accepted.length} of ${m} drawn contacts were usable ` +
          `because converted reps are not contacted again, found leads = ${ctx.leads}; lower leads or baseRate, or raise reps`,
        { details: { parameter: 'leads', value: ctx.leads, usable: accepted.length, drawn: m } },
      );
    }
    // Keep a random subset of the wanted size, then restore contact order.
    const keep = new Uint8Array(accepted.length);
    const pool = Int32Array.from(accepted.keys());
    for (let k = 0; k < ctx.leads; k++) {
      const j = k + Math.floor(rng.next() * (pool.length - k));
      const tmp = pool[k]!;
      pool[k] = pool[j]!;
      pool[j] = tmp;
      keep[pool[k]!] = 1;
    }
    const n = ctx.leads;
    const out: LeadDraws = {
      count: n,
      rep: new Int32Array(n),
      contactedMs: new Float64Array(n),
      source: new Uint8Array(n),
      converted: new Uint8Array(n),
      convertedMs: new Float64Array(n).fill(Number.NaN),
      latentConvertedMs: new Float64Array(n).fill(Number.NaN),
      probability: new Float64Array(n),
      intercept,
    };
    let k = 0;
    for (let a = 0; a < accepted.length; a++) {
      if (keep[a] === 0) continue;
      const i = accepted[a]!;
      out.rep[k] = rep[i]!;
      out.contactedMs[k] = contacted[i]!;
      out.source[k] = source[i]!;
      out.probability[k] = probability[i]!;
      const t = latent[i]!;
      out.latentConvertedMs[k] = t;
      if (t <= dataEndMs) {
        out.converted[k] = 1;
        out.convertedMs[k] = t;
      }
      k++;
    }
    return out;
  }
}
