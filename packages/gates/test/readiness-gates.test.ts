import type { LeakageAuditResult } from '@leadscore/dataset';
import { describe, expect, it } from 'vitest';
import {
  calibrationGate,
  checkGates,
  declaredBaselinesGate,
  type Gate,
  type GateInput,
  leakageAuditGate,
  leakageProbeGate,
  logisticBaselineGate,
  minPositivesPerFoldGate,
  missingRateDriftGate,
  missingRateGate,
  probeLeakage,
  scoreDriftGate,
  segmentPerformanceGate,
  topDecileLiftGate,
} from '../src/index.js';
import { makeCvResult } from './make-inputs.js';

const run = (gate: Gate, input: GateInput) => {
  const r = checkGates([gate], input);
  return { status: r.outcomes[0]!.status, reason: r.outcomes[0]!.reason, codes: r.issues.map((i) => i.code) };
};

const audit = (violations: number): LeakageAuditResult => ({
  passed: violations === 0,
  checkedValues: 5000,
  violations,
  lookbackViolations: 0,
  undatedValues: 0,
  offendingLeadIds: violations === 0 ? [] : ['L000017', 'L000042'],
});
const metadata = (violations: number, exposedColumns: string[] = ['aum']) => ({
  leakage: { exposedColumns, currentRowsAfterCutoff: 0, audit: audit(violations) },
});

describe('leakage_audit', () => {
  it('passes a clean audit and fails one with late values, naming leads', () => {
    expect(run(leakageAuditGate(), { metadata: metadata(0) })).toMatchInlineSnapshot(`
      {
        "codes": [],
        "reason": "5000 dated values checked, none late",
        "status": "pass",
      }
    `);
    expect(run(leakageAuditGate(), { metadata: metadata(2) })).toMatchInlineSnapshot(`
      {
        "codes": [
          "leakage_audit_failed",
        ],
        "reason": "2 values dated after their cutoff, 0 beyond the lookback, 0 undated (e.g. L000017, L000042)",
        "status": "fail",
      }
    `);
    expect(run(leakageAuditGate(), {}).status).toBe('skip');
  });
});

describe('min_positives_per_fold', () => {
  it('fails naming each fold below the minimum', () => {
    expect(
      run(minPositivesPerFoldGate(), { cvResult: makeCvResult({}, undefined, [40, 25, 30]) }).status,
    ).toBe('pass');
    const r = checkGates([minPositivesPerFoldGate()], { cvResult: makeCvResult({}, undefined, [40, 12, 5]) });
    expect(r.outcomes[0]!.reason).toMatchInlineSnapshot(
      `"2 of 3 folds hold fewer than 20 test positives (fewest 5)"`,
    );
    expect(r.issues.map((i) => i.message)).toMatchInlineSnapshot(`
      [
        "min_positives_per_fold[1] must hold >= 20 test positives, found 12",
        "min_positives_per_fold[2] must hold >= 20 test positives, found 5",
      ]
    `);
  });
});

describe('top_decile_lift', () => {
  it('passes at 2 and fails below', () => {
    expect(run(topDecileLiftGate(), { cvResult: makeCvResult({ lift: 2 }) }).status).toBe('pass');
    expect(run(topDecileLiftGate(), { cvResult: makeCvResult({ lift: 1.4 }) })).toMatchInlineSnapshot(`
      {
        "codes": [
          "top_decile_lift_below_threshold",
        ],
        "reason": "mean top-decile lift 1.4000 is not >= 2",
        "status": "fail",
      }
    `);
  });
});

describe('calibration', () => {
  it('passes calibrated predictions and warns on overconfident ones', () => {
    // 1 positive in 10 rows scored 0.1 and 9 in 10 scored 0.9: ECE = 0.
    const labels: (0 | 1)[] = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0];
    const calibrated = [...Array(10).fill(0.1), ...Array(10).fill(0.9)];
    expect(
      run(calibrationGate(), { cvResult: makeCvResult({}, { labels, predictions: calibrated }) }),
    ).toMatchInlineSnapshot(`
      {
        "codes": [],
        "reason": "ECE 0.0000 is <= 0.0500",
        "status": "pass",
      }
    `);
    const overconfident = [...Array(10).fill(0.01), ...Array(10).fill(0.5)];
    // ECE = 0.5 * |0.1 - 0.01| + 0.5 * |0.9 - 0.5| = 0.245
    expect(
      run(calibrationGate(), { cvResult: makeCvResult({}, { labels, predictions: overconfident }) }),
    ).toMatchInlineSnapshot(`
      {
        "codes": [
          "calibration_error_above_threshold",
        ],
        "reason": "ECE 0.2450 is not <= 0.0500",
        "status": "warn",
      }
    `);
  });
});

describe('score_psi', () => {
  const training = Array.from({ length: 1000 }, (_, i) => i / 1000);
  it('passes a stable population, warns on a moderate shift, fails on a major one', () => {
    expect(run(scoreDriftGate(), { scores: { training, scoring: training } })).toMatchInlineSnapshot(`
      {
        "codes": [],
        "reason": "PSI 0 over 1000 scored rows is <= 0.1",
        "status": "pass",
      }
    `);
    const moderate = training.map((x) => Math.min(0.999, x + 0.08));
    const major = training.map((x) => x * 0.3);
    const m = run(scoreDriftGate(), { scores: { training, scoring: moderate } });
    expect(m.status).toBe('warn');
    expect(m.codes).toEqual(['score_psi_above_warning']);
    expect(run(scoreDriftGate(), { scores: { training, scoring: major } })).toMatchInlineSnapshot(`
      {
        "codes": [
          "score_psi_above_threshold",
        ],
        "reason": "PSI 5.6734 over 1000 scored rows is > 0.25 (major shift)",
        "status": "fail",
      }
    `);
  });
  it('refuses warn above fail', () => {
    expect(() => scoreDriftGate({ warn: 0.3, fail: 0.2 })).toThrowErrorMatchingInlineSnapshot(
      `[ValidationError: options.warn: warn must be <= fail, found 0.3]`,
    );
  });
});

describe('missing_rate and missing_rate_drift', () => {
  it('warns on columns mostly missing in training, from the metadata null rates', () => {
    const m = { ...metadata(0), nullRates: { aum: 0.02, fee_based_pct: 0.71, tenure: 0.55 } };
    expect(run(missingRateGate(), { metadata: m })).toMatchInlineSnapshot(`
      {
        "codes": [
          "missing_rate_above_threshold",
          "missing_rate_above_threshold",
        ],
        "reason": "2 column(s) missing in more than 50.00 %: fee_based_pct 71.00 %, tenure 55.00 %",
        "status": "warn",
      }
    `);
    expect(run(missingRateGate(), { missingRates: { training: { aum: 0.1 } } }).status).toBe('pass');
  });
  it('fails when a feature feed breaks in the scoring population', () => {
    const missingRates = {
      training: { aum: 0.02, tenure: 0.1, num_clients: 0.05 },
      scoring: { aum: 0.6, tenure: 0.12 },
    };
    expect(run(missingRateDriftGate(), { missingRates })).toMatchInlineSnapshot(`
      {
        "codes": [
          "missing_rate_drift",
          "missing_rate_column_absent",
        ],
        "reason": "2 column(s) drifted or absent: aum +58.00 %, num_clients absent",
        "status": "fail",
      }
    `);
    expect(run(missingRateDriftGate(), { missingRates: { training: { aum: 0.02 } } }).status).toBe('skip');
  });
});

describe('segment_performance', () => {
  it('fails the segment where the model ranks no better than random', () => {
    // Rows 0-99 referral: scores rank the labels perfectly; rows 100-199 event: scores are the reverse.
    const labels: (0 | 1)[] = [];
    const predictions: number[] = [];
    const source: string[] = [];
    for (let i = 0; i < 200; i++) {
      const y = i % 5 === 0 ? 1 : 0;
      labels.push(y);
      const good = i < 100;
      predictions.push(good ? (y ? 0.9 : 0.1) + (i % 7) / 1000 : (y ? 0.1 : 0.5) + (i % 7) / 1000);
      source.push(good ? 'referral' : 'event');
    }
    const input = { cvResult: makeCvResult({}, { labels, predictions }), segments: { lead_source: source } };
    const r = checkGates([segmentPerformanceGate()], input);
    expect(r.outcomes[0]!.status).toBe('fail');
    expect(r.issues.map((i) => i.path)).toEqual([['segment_performance', 'lead_source', 'event']]);
    expect(r.outcomes[0]!.reason).toMatchInlineSnapshot(
      `"1 segment(s) collapse: lead_source=event 0.2028 of the overall lift 3.0015"`,
    );
    const fine = { ...input, segments: { lead_source: source.map(() => 'referral') } };
    expect(run(segmentPerformanceGate(), fine).status).toBe('pass');
    expect(run(segmentPerformanceGate(), { cvResult: input.cvResult })).toMatchInlineSnapshot(`
      {
        "codes": [],
        "reason": "no segment column (lead_source, firm_type) given",
        "status": "skip",
      }
    `);
  });
});

describe('beats_declared_baselines', () => {
  it("uses the seed's V6 and m5 by default and names the ones not beaten", () => {
    expect(run(declaredBaselinesGate(), { cvResult: makeCvResult({ ap: 0.16 }) })).toMatchInlineSnapshot(`
      {
        "codes": [],
        "reason": "mean CV AUC-PR 16.00 % beats V6 6.74 %, m5 14.92 %",
        "status": "pass",
      }
    `);
    expect(run(declaredBaselinesGate(), { cvResult: makeCvResult({ ap: 0.1 }) })).toMatchInlineSnapshot(`
      {
        "codes": [
          "below_baseline",
        ],
        "reason": "mean CV AUC-PR 10.00 % does not beat m5 (V6 6.74 %, m5 14.92 %)",
        "status": "fail",
      }
    `);
    const custom = {
      cvResult: makeCvResult({ ap: 0.1 }),
      baselines: [{ name: 'v8', averagePrecision: 0.05 }],
    };
    expect(run(declaredBaselinesGate(), custom).status).toBe('pass');
  });
});

describe('beats_logistic_baseline', () => {
  it('fails when a logistic regression on the same folds does as well', () => {
    const cvResult = makeCvResult({ ap: 0.18 });
    expect(
      run(logisticBaselineGate(), { cvResult, logisticBaseline: makeCvResult({ ap: 0.15 }) }),
    ).toMatchInlineSnapshot(`
      {
        "codes": [],
        "reason": "mean CV AUC-PR 18.00 % vs logistic regression 15.00 %",
        "status": "pass",
      }
    `);
    expect(
      run(logisticBaselineGate(), { cvResult, logisticBaseline: makeCvResult({ ap: 0.19 }) }),
    ).toMatchInlineSnapshot(`
      {
        "codes": [
          "below_logistic_baseline",
        ],
        "reason": "mean CV AUC-PR 18.00 % does not beat logistic regression 19.00 % by more than 0.00 %",
        "status": "fail",
      }
    `);
    expect(run(logisticBaselineGate(), { cvResult }).reason).toBe('no logisticBaseline given');
  });
});

describe('leakage_probe', () => {
  it('fails with the column names and figures when a column change predicts the label', () => {
    let seed = 12345;
    const noise = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const labels = Array.from({ length: 2000 }, () => (noise() < 0.1 ? 1 : 0));
    const pointInTime = labels.map((_, i) => 100 + i);
    // Positives' aum was rewritten upward after the contact; drift elsewhere is unrelated to the label.
    const aum = pointInTime.map((v, i) => (labels[i] ? v + 50 : v + Math.floor(noise() * 3)));
    const clients = pointInTime.map((v) => v + Math.floor(noise() * 4));
    const probe = probeLeakage({
      labels,
      columns: [
        { name: 'aum', current: aum, pointInTime },
        { name: 'num_clients', current: clients, pointInTime },
      ],
    });
    expect(run(leakageProbeGate(), { leakageProbe: probe })).toMatchInlineSnapshot(`
      {
        "codes": [
          "leakage_probe_current_column",
        ],
        "reason": "the change since the contact predicts the label in aum (AUC-PR 100.00 % = 9.7087 x base rate, 70.60 % changed)",
        "status": "fail",
      }
    `);
  });
  it('passes a dataset without current columns and skips when the probe was not run on exposed ones', () => {
    expect(run(leakageProbeGate(), { metadata: metadata(0, []) }).status).toBe('pass');
    expect(run(leakageProbeGate(), { metadata: metadata(0, ['aum', 'num_clients']) })).toMatchInlineSnapshot(`
      {
        "codes": [],
        "reason": "no leakage probe given for the current-policy columns aum, num_clients",
        "status": "skip",
      }
    `);
  });
});

describe('probeLeakage input checks', () => {
  it('names the column whose length does not match and refuses non-binary labels', () => {
    expect(() =>
      probeLeakage({ labels: [0, 1], columns: [{ name: 'aum', current: [1], pointInTime: [1, 2] }] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: columns[0].current ("aum") must have 2 values (one per label), found 1]`,
    );
    expect(() => probeLeakage({ labels: [0, 2], columns: [] })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: labels[1] must be 0 or 1, found 2]`,
    );
  });
  it('scores an appearing value as the largest change and both-missing as none', () => {
    const r = probeLeakage({
      labels: [1, 0, 0, 0],
      columns: [{ name: 'aum', current: [5, Number.NaN, 1, 1], pointInTime: [Number.NaN, Number.NaN, 1, 2] }],
    });
    // Row 0 (the positive) appears, row 3 moves by 1: the positive ranks first, AP = 1, lift = 4.
    expect(r.columns[0]).toMatchObject({
      averagePrecision: 1,
      lift: 4,
      changedShare: 0.5,
      direction: 'magnitude',
    });
  });
});
