import { averagePrecision } from '@leadscore/core/metrics';
import { describe, expect, it } from 'vitest';
import { type DiscoveryWorld, generateDiscoveryWorld } from '../src/index.js';

const DAY = 86_400_000;

interface Snap {
  day: number;
  firmId: string | null;
  firmType: string | null;
  registration: string | null;
  yearsAtFirm: number | null;
  priorFirms: number | null;
  repCount: number | null;
  aum: number | null;
}

/** Per rep, its snapshots in date order (read through the public Arrow columns). */
function snapshotsByRep(table: DiscoveryWorld['repSnapshots']): Map<string, Snap[]> {
  const col = (name: string) => table.getChild(name)!;
  const [rep, date, firm, type, reg, yaf, prior, count, aum] = [
    'rep_id',
    'snapshot_date',
    'firm_id',
    'firm_type',
    'registration_type',
    'years_at_firm',
    'num_prior_firms',
    'firm_rep_count',
    'aum',
  ].map(col);
  const out = new Map<string, Snap[]>();
  for (let i = 0; i < table.numRows; i++) {
    const key = String(rep!.get(i));
    const list = out.get(key) ?? [];
    list.push({
      day: Number(date!.get(i)) / DAY,
      firmId: firm!.get(i),
      firmType: type!.get(i),
      registration: reg!.get(i),
      yearsAtFirm: yaf!.get(i),
      priorFirms: prior!.get(i),
      repCount: count!.get(i),
      aum: aum!.get(i),
    });
    out.set(key, list);
  }
  return out;
}

interface LeadRow {
  rep: string;
  contacted: number;
  converted: boolean;
  convertedAt: number;
  source: string;
  truth: number;
}

function leadRows(w: DiscoveryWorld): LeadRow[] {
  const t = w.leads;
  const [rep, contacted, converted, convertedAt, source] = [
    'rep_id',
    'contacted_at',
    'converted',
    'converted_at',
    'lead_source',
  ].map((n) => t.getChild(n)!);
  return Array.from({ length: t.numRows }, (_, i) => ({
    rep: String(rep!.get(i)),
    contacted: Number(contacted!.get(i)),
    converted: converted!.get(i) === true,
    convertedAt: converted!.get(i) === true ? Number(convertedAt!.get(i)) : Number.NaN,
    source: String(source!.get(i)),
    truth: w.truth.probability[i]!,
  }));
}

/** Labelled leads (horizon closed by the end of the data end day) with their 0/1 label. */
function labelled(w: DiscoveryWorld): (LeadRow & { label: number })[] {
  const h = w.truth.params.labelHorizonDays * DAY;
  const end = Date.parse(`${w.truth.params.dataEndDate}T00:00:00Z`) + DAY - 1;
  return leadRows(w)
    .filter((l) => l.contacted + h <= end)
    .map((l) => ({ ...l, label: l.converted && l.convertedAt <= l.contacted + h ? 1 : 0 }));
}

/** Index of the latest snapshot on or before the contact day (-1 when none). */
function asOf(snaps: Snap[], contactedMs: number): number {
  const day = Math.floor(contactedMs / DAY);
  let k = -1;
  for (let i = 0; i < snaps.length; i++) if (snaps[i]!.day <= day) k = i;
  return k;
}

const rate = (xs: { label: number }[]): number => xs.reduce((s, x) => s + x.label, 0) / xs.length;

describe('planted signal', () => {
  const world = generateDiscoveryWorld({ reps: 8000, quarters: 12, leads: 12_000, seed: 7 });
  const rows = labelled(world);
  const snaps = snapshotsByRep(world.repSnapshots);

  it('base rate is 3-6 % and the true probability ranks leads at AUC-PR ~0.15-0.2', () => {
    const base = rate(rows);
    expect(base).toBeGreaterThan(0.03);
    expect(base).toBeLessThan(0.06);
    const ap = averagePrecision(
      rows.map((r) => r.label),
      rows.map((r) => r.truth),
    );
    expect(ap).toBeGreaterThan(0.14);
    expect(ap).toBeLessThan(0.23);
    expect(ap / base).toBeGreaterThan(3);
    // The truth is calibrated: the mean probability matches the observed rate within 3 standard errors.
    const meanP = rows.reduce((s, r) => s + r.truth, 0) / rows.length;
    expect(Math.abs(meanP - base)).toBeLessThan(3 * Math.sqrt((base * (1 - base)) / rows.length));
  });

  it('each planted factor shows in the point-in-time snapshot at contact', () => {
    const joined = rows.map((r) => {
      const list = snaps.get(r.rep)!;
      const k = asOf(list, r.contacted);
      return { ...r, snap: k >= 0 ? list[k]! : null };
    });
    const split = (pred: (s: Snap) => boolean | null) => {
      const withSnap = joined.filter((j) => j.snap !== null);
      return [
        rate(withSnap.filter((j) => pred(j.snap!) === true)),
        rate(withSnap.filter((j) => pred(j.snap!) === false)),
      ] as const;
    };
    const [inWindow, outWindow] = split((s) =>
      s.yearsAtFirm === null ? null : s.yearsAtFirm >= 3 && s.yearsAtFirm <= 7,
    );
    expect(inWindow / outWindow).toBeGreaterThan(1.6);
    const [sweet, other] = split((s) => (s.aum === null ? null : s.aum >= 50e6 && s.aum <= 500e6));
    expect(sweet / other).toBeGreaterThan(1.4);
    const [wirehouse, ria] = [
      rate(joined.filter((j) => j.snap?.firmType === 'wirehouse')),
      rate(joined.filter((j) => j.snap?.firmType === 'ria')),
    ];
    expect(wirehouse / ria).toBeGreaterThan(1.5);
    const bySource = (s: string) => rate(rows.filter((r) => r.source === s));
    expect(bySource('referral') / bySource('purchased_list')).toBeGreaterThan(2.5);
    expect(bySource('inbound_web')).toBeGreaterThan(bySource('cold_call'));
  });

  it('firm headcount decline over the last 4 quarters raises conversion', () => {
    const withHistory = rows.flatMap((r) => {
      const list = snaps.get(r.rep)!;
      const k = asOf(list, r.contacted);
      if (k < 0) return [];
      const now = list[k]!;
      const back = list.find((s) => s.day >= now.day - 366 && s.day <= now.day - 364);
      if (back === undefined || now.repCount === null || back.repCount === null) return [];
      return [{ ...r, decline: 1 - now.repCount / back.repCount }];
    });
    const declining = withHistory.filter((r) => r.decline >= 0.1);
    const stable = withHistory.filter((r) => r.decline < 0.03);
    expect(declining.length).toBeGreaterThan(300);
    expect(rate(declining) / rate(stable)).toBeGreaterThan(1.5);
  });

  it('signalStrength 0 makes every lead equally likely: the oracle AUC-PR is the base rate', () => {
    const flat = generateDiscoveryWorld({ reps: 1000, quarters: 8, leads: 2000, seed: 7, signalStrength: 0 });
    const r = labelled(flat);
    expect(new Set(r.map((x) => x.truth)).size).toBe(1);
    expect(r[0]!.truth).toBeCloseTo(0.045, 6);
    expect(
      averagePrecision(
        r.map((x) => x.label),
        r.map((x) => x.truth),
      ),
    ).toBeCloseTo(rate(r), 12);
  });
});

describe('truth uses point-in-time facts only', () => {
  it('the truth is the documented logistic function of the as-of snapshot and the 4 quarters before it', () => {
    const w = generateDiscoveryWorld({
      reps: 600,
      quarters: 10,
      leads: 900,
      seed: 21,
      gapRate: 0,
      nullRate: 0,
    });
    const s = w.truth.params.signal;
    const snaps = snapshotsByRep(w.repSnapshots);
    const mismatches: string[] = [];
    for (const [i, lead] of leadRows(w).entries()) {
      const list = snaps.get(lead.rep)!;
      const q = asOf(list, lead.contacted);
      const at = list[q]!;
      const q4 = Math.max(0, q - 4);
      const q2 = Math.max(0, q - 2);
      let x = 0;
      if (at.yearsAtFirm! >= 3 && at.yearsAtFirm! <= 7) x += s.tenureWindow;
      if (q > q4) {
        const decline = 1 - at.repCount! / list[q4]!.repCount!;
        if (decline >= 0.1) x += s.firmDecline;
        else if (decline >= 0.03) x += s.firmDecline / 2;
      }
      if (at.aum! >= 50e6 && at.aum! <= 500e6) x += s.aumSweetSpot;
      else if (at.aum! < 10e6) x += s.aumSmall;
      x += s.firmType[at.firmType as keyof typeof s.firmType];
      if (at.registration === 'DUAL') x += s.dualRegistered;
      const recent = Math.log(at.aum! / list[q2]!.aum!);
      const prior = Math.log(list[q2]!.aum! / list[q4]!.aum!);
      if (q2 > q4 && prior - recent > 0.08) x += s.growthSlowdown;
      x += s.leadSource[lead.source]!;
      const p = 1 / (1 + Math.exp(-(w.truth.params.intercept + x)));
      if (Math.abs(p - w.truth.probability[i]!) > 1e-12)
        mismatches.push(`lead ${i}: ${p} vs ${w.truth.probability[i]}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('switching the post-conversion moves off changes no truth, no lead and no snapshot up to any contact', () => {
    for (const seed of [1, 2, 3]) {
      const opts = { reps: 800, quarters: 10, leads: 1500, seed };
      const on = generateDiscoveryWorld(opts);
      const off = generateDiscoveryWorld({ ...opts, leakageTrap: false });
      expect(on.truth.recruiterMoves).toBeGreaterThan(0);
      expect(off.truth.recruiterMoves).toBe(0);
      expect(Array.from(on.truth.probability)).toEqual(Array.from(off.truth.probability));
      expect(on.truth.params.intercept).toBe(off.truth.params.intercept);
      for (const name of ['lead_id', 'rep_id', 'contacted_at', 'converted', 'converted_at', 'lead_source']) {
        expect(on.leads.getChild(name)!.toArray()).toEqual(off.leads.getChild(name)!.toArray());
      }
      // Every snapshot on or before a lead's contact is the same in both worlds.
      const a = snapshotsByRep(on.repSnapshots);
      const b = snapshotsByRep(off.repSnapshots);
      let compared = 0;
      let differing = 0;
      for (const lead of leadRows(on)) {
        const la = a.get(lead.rep)!;
        const lb = b.get(lead.rep)!;
        const k = asOf(la, lead.contacted);
        expect(la.slice(0, k + 1)).toEqual(lb.slice(0, k + 1));
        compared++;
        if (JSON.stringify(la) !== JSON.stringify(lb)) differing++;
      }
      expect(compared).toBe(1500);
      // ...while later snapshots do differ: the trap is real.
      expect(differing).toBeGreaterThan(10);
    }
  });

  it('a rep is never contacted again once a lead of theirs converts', () => {
    const w = generateDiscoveryWorld({ reps: 500, quarters: 10, leads: 1200, seed: 4 });
    const firstConversion = new Map<string, number>();
    for (const l of leadRows(w)) {
      const prior = firstConversion.get(l.rep);
      expect(prior === undefined || l.contacted < prior).toBe(true);
      if (l.converted && prior === undefined) firstConversion.set(l.rep, l.contacted);
    }
    expect(firstConversion.size).toBeGreaterThan(20);
  });
});

describe('leakage trap', () => {
  const w = generateDiscoveryWorld({ reps: 3000, quarters: 12, leads: 4500, seed: 9 });
  const recruiter = w.truth.params.recruiterFirmId;

  it('converted reps show the recruiter in rep_current far more often than the others', () => {
    const converted = new Set(
      leadRows(w)
        .filter((l) => l.converted)
        .map((l) => l.rep),
    );
    const contacted = new Set(leadRows(w).map((l) => l.rep));
    const rep = w.repCurrent.getChild('rep_id')!;
    const firm = w.repCurrent.getChild('firm_id')!;
    const yaf = w.repCurrent.getChild('years_at_firm')!;
    let convAt = 0;
    let otherAt = 0;
    let others = 0;
    let freshTenure = 0;
    for (let i = 0; i < w.repCurrent.numRows; i++) {
      const id = String(rep.get(i));
      const at = firm.get(i) === recruiter;
      if (converted.has(id)) {
        if (at) {
          convAt++;
          if (yaf.get(i) !== null && (yaf.get(i) as number) < 2.75) freshTenure++;
        }
      } else if (contacted.has(id)) {
        others++;
        if (at) otherAt++;
      }
    }
    expect(converted.size).toBeGreaterThan(100);
    expect(convAt / converted.size).toBeGreaterThan(0.8);
    expect(otherAt / others).toBeLessThan(0.01);
    expect(freshTenure / convAt).toBeGreaterThan(0.9);
  });

  it('the recruiter is an RIA whose headcount grows as converted reps join', () => {
    const firm = w.repSnapshots.getChild('firm_id')!;
    const type = w.repSnapshots.getChild('firm_type')!;
    const count = w.repSnapshots.getChild('firm_rep_count')!;
    const date = w.repSnapshots.getChild('snapshot_date')!;
    const byDate = new Map<number, number>();
    for (let i = 0; i < w.repSnapshots.numRows; i++) {
      if (firm.get(i) !== recruiter) continue;
      if (type.get(i) !== null) expect(type.get(i)).toBe('ria');
      if (count.get(i) !== null) byDate.set(Number(date.get(i)), count.get(i) as number);
    }
    const series = [...byDate.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
    expect(series.length).toBeGreaterThan(3);
    expect(series[series.length - 1]!).toBeGreaterThan(series[0]!);
  });

  it('is absent when leakageTrap is false', () => {
    const off = generateDiscoveryWorld({
      reps: 3000,
      quarters: 12,
      leads: 4500,
      seed: 9,
      leakageTrap: false,
    });
    const firm = off.repSnapshots.getChild('firm_id')!;
    let at = 0;
    for (let i = 0; i < off.repSnapshots.numRows; i++) if (firm.get(i) === recruiter) at++;
    expect(at).toBe(0);
  });
});

describe('lead outcomes', () => {
  it('has repeat contacts, late conversions and open horizons near the data end', () => {
    const w = generateDiscoveryWorld({ reps: 2000, quarters: 8, leads: 3000, seed: 13 });
    const rows = leadRows(w);
    const h = 30 * DAY;
    const end = Date.parse(`${w.truth.params.dataEndDate}T00:00:00Z`) + DAY - 1;
    const perRep = new Map<string, number>();
    for (const r of rows) perRep.set(r.rep, (perRep.get(r.rep) ?? 0) + 1);
    expect([...perRep.values()].filter((k) => k > 1).length).toBeGreaterThan(100);
    const late = rows.filter((r) => r.converted && r.convertedAt > r.contacted + h);
    expect(late.length).toBeGreaterThan(5);
    const open = rows.filter((r) => r.contacted + h > end);
    expect(open.length).toBeGreaterThan(30);
    expect(open.length).toBeLessThan(rows.length * 0.1);
    for (const r of rows.filter((x) => x.converted)) {
      expect(r.convertedAt).toBeGreaterThan(r.contacted);
      expect(r.convertedAt).toBeLessThanOrEqual(end);
    }
  });
});
